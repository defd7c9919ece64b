//! Reading a client's JSON-RPC message: as rmcp reads it (quickly for a plain `tools/call`), and the
//! raw checks rmcp's reading cannot make, shared by both transports.

use std::borrow::Cow;
use std::fmt;

use rmcp::model::{CallToolRequest, ClientJsonRpcMessage, ClientRequest, JsonRpcRequest, RequestId};
use serde::Deserialize;
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
}
