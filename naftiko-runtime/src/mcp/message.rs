//! Reading a client's JSON-RPC message: as rmcp reads it (quickly for a plain `tools/call`), and the
//! raw checks rmcp's reading cannot make, shared by both transports.

use std::borrow::Cow;
use std::fmt;

use rmcp::model::{CallToolRequest, ClientJsonRpcMessage, ClientRequest, ErrorCode, ErrorData, JsonRpcRequest, JsonRpcVersion2_0, RequestId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::json;

/// Messages larger than this are read on the blocking pool, so one large message does not hold up
/// the requests sharing its worker thread.
pub(crate) const READ_INLINE_LIMIT: usize = 256 * 1024;

/// The body as rmcp reads it (`None` where rmcp refuses it).
///
/// `ClientJsonRpcMessage` is an untagged enum of untagged enums: rmcp buffers the message, then tries
/// each of some twenty request types in turn (building an error for each miss) until `tools/call`
/// matches. A plain `tools/call` — exactly the members `jsonrpc`, `id`, `method` and `params`, each
/// once — is read as the request type that attempt ends at, `JsonRpcRequest<CallToolRequest>`, which
/// is what rmcp's reading yields when it succeeds; anything else is read by rmcp's type.
pub(crate) fn client_message(body: &[u8]) -> Option<ClientJsonRpcMessage> {
    if serde_json::from_slice::<Envelope>(body).is_ok_and(|e| e.tools_call)
        && let Ok(JsonRpcRequest { jsonrpc, id, request }) = serde_json::from_slice::<JsonRpcRequest<CallToolRequest>>(body)
    {
        return Some(ClientJsonRpcMessage::Request(JsonRpcRequest { jsonrpc, id, request: ClientRequest::CallToolRequest(request) }));
    }
    serde_json::from_slice(body).ok()
}

/// The body as rmcp reads it, or, where rmcp cannot read it, the JSON-RPC error that answers it (see
/// [`ProtocolError`]). The body is read again only when rmcp's reading failed.
pub(crate) fn read_message(body: &[u8]) -> Result<ClientJsonRpcMessage, Box<ProtocolError>> {
    client_message(body).ok_or_else(|| Box::new(ProtocolError::of(body)))
}

/// The JSON-RPC error answering a message rmcp cannot read, on both transports, as the reference
/// engine answers one (`McpServerResource`, `StdioJsonRpcHandler`, `ProtocolDispatcher`) instead of
/// rmcp's plain-text 415 (HTTP) or silence (stdio):
///
/// * `-32700` Parse error: not JSON (an empty or blank body, trailing characters, a byte order mark);
/// * `-32600` Invalid Request: JSON that is no JSON-RPC message — not an object (a batch included),
///   `jsonrpc` other than `"2.0"`, an `id` that is neither a string nor an integer, `method` missing or
///   not a string, a request with `result` or `error`, a member given twice;
/// * `-32602` Invalid params: a well-formed request or notification whose `params` rmcp cannot read
///   for its method (not an object, or members of the wrong type).
///
/// A method rmcp does not know is not among them: rmcp reads such a message and answers `-32601`.
/// `id` is the message's when it can be read, else `null` (JSON-RPC 2.0 §5).
#[derive(Debug, Serialize)]
pub(crate) struct ProtocolError {
    jsonrpc: JsonRpcVersion2_0,
    /// The message's `id`, `null` when it has none or it cannot be read.
    pub(crate) id: Option<RequestId>,
    /// The code, the standard message of the code, and what is wrong in `data`.
    pub(crate) error: ErrorData,
}

impl ProtocolError {
    /// Why rmcp could not read `body` (called only for such bodies).
    fn of(body: &[u8]) -> Self {
        use serde::de::IgnoredAny;
        if let Err(error) = serde_json::from_slice::<IgnoredAny>(body) {
            let detail = if body.iter().all(u8::is_ascii_whitespace) { "empty body".to_owned() } else { error.to_string() };
            return Self::new(None, ErrorCode::PARSE_ERROR, detail);
        }
        let Ok(Members(members)) = serde_json::from_slice::<Members<'_>>(body) else {
            return Self::new(None, ErrorCode::INVALID_REQUEST, "a JSON-RPC message is one JSON object (batches are not accepted)");
        };
        let member = |name: &str| members.iter().find(|(key, _)| key == name).map(|(_, value)| *value);
        let string = |value: &RawValue| serde_json::from_str::<String>(value.get()).ok();
        let twice = ["jsonrpc", "id", "method", "params", "result", "error"]
            .into_iter()
            .find(|name| members.iter().filter(|(key, _)| key == name).nth(1).is_some());
        // An `id` given twice has no one value to echo.
        let id = member("id").filter(|_| twice != Some("id")).and_then(|id| serde_json::from_str::<RequestId>(id.get()).ok());
        let invalid = |detail: String| Self::new(id.clone(), ErrorCode::INVALID_REQUEST, detail);
        if let Some(name) = twice {
            return invalid(format!("the member `{name}` is given twice"));
        }
        let (jsonrpc, method, params) = (member("jsonrpc"), member("method"), member("params"));
        let (result, error) = (member("result"), member("error"));
        if jsonrpc.and_then(string).as_deref() != Some("2.0") {
            return invalid(r#"`jsonrpc` must be "2.0""#.to_owned());
        }
        if member("id").is_some() && id.is_none() {
            return invalid("`id` must be a string or an integer".to_owned());
        }
        let Some(method) = method else {
            let response = result.is_some() || error.is_some();
            return invalid(
                if response { "a response has an `id` and either `result` or an `error` object" } else { "`method` is missing" }.to_owned(),
            );
        };
        let Some(method) = string(method) else {
            return invalid("`method` must be a string".to_owned());
        };
        if result.is_some() || error.is_some() {
            return invalid("a request has no `result` or `error`".to_owned());
        }
        let detail = if params.is_some_and(|params| !params.get().starts_with('{')) {
            "`params` must be an object".to_owned()
        } else {
            format!("the params of `{method}` cannot be read")
        };
        Self::new(id, ErrorCode::INVALID_PARAMS, detail)
    }

    /// The error of `code` (one of the three above) with its standard message and `detail` as `data`.
    fn new(id: Option<RequestId>, code: ErrorCode, detail: impl Into<String>) -> Self {
        let message = match code {
            ErrorCode::PARSE_ERROR => "Parse error",
            ErrorCode::INVALID_REQUEST => "Invalid Request",
            _ => "Invalid params",
        };
        ProtocolError { jsonrpc: JsonRpcVersion2_0, id, error: ErrorData::new(code, message, Some(serde_json::Value::String(detail.into()))) }
    }

    /// The error as JSON text (one line).
    pub(crate) fn to_json(&self) -> Vec<u8> {
        // Strings, integers and a fixed shape: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// A JSON object's members in order, each value unread (an error for anything but an object).
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// A scan of a JSON-RPC message's members: an error unless they are among `jsonrpc`, `id`, `method`
/// (a string) and `params`, each at most once. Reads no member into memory.
pub(crate) struct Envelope {
    pub(crate) tools_call: bool,
}

impl<'de> serde::Deserialize<'de> for Envelope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Envelope;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON-RPC message with plain members")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
                use serde::de::{Error as _, IgnoredAny};
                const MEMBERS: [&str; 4] = ["jsonrpc", "id", "method", "params"];
                let mut seen = [false; 4];
                let mut tools_call = false;
                while let Some(slot) = map.next_key_seed(OneOf(&MEMBERS))? {
                    let Some(slot) = slot else {
                        return Err(A::Error::custom("another member"));
                    };
                    if std::mem::replace(&mut seen[slot], true) {
                        return Err(A::Error::custom("a repeated member"));
                    }
                    if slot == 2 {
                        tools_call = map.next_value_seed(OneOf(&["tools/call"]))?.is_some();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Envelope { tools_call })
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Which of these strings a JSON string is (`None`: another); an error for anything but a string.
struct OneOf<'a>(&'a [&'a str]);

impl<'de> serde::de::DeserializeSeed<'de> for OneOf<'_> {
    type Value = Option<usize>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for OneOf<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|candidate| *candidate == text))
    }
}

/// A `tools/call` whose arguments rmcp would read in a way that changes them: a key given twice
/// (it keeps the last) or a number no 64-bit integer or double holds (it rounds). The same rule as
/// REST bodies (see `rest::RestRequest`): refused, never guessed at.
#[derive(Debug, PartialEq)]
pub(crate) struct RefusedArguments {
    pub id: RequestId,
    pub tool: String,
    pub problem: String,
}

/// The raw check of a message's `tools/call` arguments; `None` when it is not such a call, or its
/// arguments read as they were written.
pub(crate) fn refused_arguments(body: &[u8]) -> Option<RefusedArguments> {
    #[derive(Deserialize)]
    struct Call<'a> {
        id: RequestId,
        #[serde(borrow)]
        method: Cow<'a, str>,
        #[serde(borrow)]
        params: Params<'a>,
    }
    #[derive(Deserialize)]
    struct Params<'a> {
        #[serde(borrow)]
        name: Cow<'a, str>,
        #[serde(borrow)]
        arguments: Option<&'a RawValue>,
    }
    let call: Call<'_> = serde_json::from_slice(body).ok()?;
    let arguments = call.params.arguments?.get();
    if call.method != "tools/call" {
        return None;
    }
    let problem = json::check_unique_keys(arguments).and_then(|()| json::check_exact_numbers(arguments)).err()?;
    Some(RefusedArguments { id: call.id, tool: call.params.name.into_owned(), problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_read_two_ways_are_refused() {
        let call = |arguments: &str| format!(r#"{{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{{"name":"t","arguments":{arguments}}}}}"#);
        assert_eq!(refused_arguments(call(r#"{"a": 1, "b": {"a": 2}}"#).as_bytes()), None);
        let twice = refused_arguments(call(r#"{"zone": "a", "zone": "b"}"#).as_bytes()).expect("refused");
        assert_eq!((twice.id, twice.tool.as_str()), (RequestId::Number(4), "t"));
        assert!(twice.problem.starts_with("the key `zone` is given twice"), "{}", twice.problem);
        let rounded = refused_arguments(call(r#"{"body": {"n": 123456789012345678901234567890}}"#).as_bytes()).expect("refused");
        assert!(rounded.problem.contains("cannot be read exactly"), "{}", rounded.problem);
        let list = r#"{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"name":"t","arguments":{"a":1,"a":2}}}"#;
        assert_eq!(refused_arguments(list.as_bytes()), None, "not a call");
        assert_eq!(refused_arguments(b"{not json"), None);
    }

    #[test]
    fn unreadable_messages_are_classified() {
        let code_and_id = |body: &str| {
            let error = read_message(body.as_bytes()).expect_err(body);
            (error.error.code.0, error.id)
        };
        let number = |id| Some(RequestId::Number(id));
        for body in ["", "  \n", "{not json", "{\"jsonrpc\":\"2.0\"", "\u{feff}{}", r#"{"jsonrpc":"2.0","id":1,"method":"ping"}]"#] {
            assert_eq!(code_and_id(body), (-32700, None), "{body}");
        }
        let cases = [
            ("[]", -32600, None),
            (r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, -32600, None),
            ("null", -32600, None),
            (r#""ping""#, -32600, None),
            (r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, -32600, number(1)),
            (r#"{"jsonrpc":2.0,"id":"s","method":"ping"}"#, -32600, Some(RequestId::String("s".into()))),
            (r#"{"id":2,"method":"ping"}"#, -32600, number(2)),
            (r#"{"jsonrpc":"2.0","id":3}"#, -32600, number(3)),
            (r#"{"jsonrpc":"2.0","id":4,"method":4}"#, -32600, number(4)),
            (r#"{"jsonrpc":"2.0","id":5,"method":"ping","method":"ping"}"#, -32600, number(5)),
            (r#"{"jsonrpc":"2.0","id":6,"id":7,"method":"ping"}"#, -32600, None),
            (r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600, None),
            (r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600, None),
            (r#"{"jsonrpc":"2.0","id":8,"method":"ping","result":{}}"#, -32600, number(8)),
            (r#"{"jsonrpc":"2.0","id":9,"error":5}"#, -32600, number(9)),
            (r#"{"jsonrpc":"2.0","id":10,"method":"ping","params":5}"#, -32602, number(10)),
            (r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":[]}"#, -32602, None),
            (r#"{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"t","_meta":5}}"#, -32602, number(11)),
        ];
        for (body, code, id) in cases {
            assert_eq!(code_and_id(body), (code, id), "{body}");
        }
        for body in
            [r#"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#, r#"{"jsonrpc":"2.0","method":"no/such"}"#, r#"{"jsonrpc":"2.0","id":2,"result":{}}"#]
        {
            assert!(read_message(body.as_bytes()).is_ok(), "rmcp reads {body}");
        }
        let empty = read_message(b"").expect_err("empty");
        assert_eq!(
            String::from_utf8_lossy(&empty.to_json()),
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"empty body"}}"#
        );
        let version = read_message(br#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#).expect_err("1.0");
        assert_eq!(
            String::from_utf8_lossy(&version.to_json()),
            r#"{"jsonrpc":"2.0","id":"x","error":{"code":-32600,"message":"Invalid Request","data":"`jsonrpc` must be \"2.0\""}}"#
        );
    }
}
