//! [`RestRequest`]: an incoming request's inputs read once — path variables, query pairs, headers and
//! the body — each read failing as a JSON 4xx that names the input.
//!
//! One rule for values given twice: an input that takes one value and arrives twice (a query key,
//! a header, a cookie, a JSON member at any depth) is refused, never resolved first- or last-wins.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use bytes::Bytes;
use serde_json::value::RawValue;

use crate::input::Input;
use crate::json::{self, Json};
use crate::rest::AdapterError;

/// Largest request body read by default (DESIGN §3.9: bounded bodies, 413 beyond).
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Bodies larger than this are parsed on the blocking pool, so one large body does not hold up the
/// requests sharing its worker thread.
const PARSE_INLINE_LIMIT: usize = 256 * 1024;

/// A request extension bounding the body [`RestRequest`] buffers (the binary's `--body-limit`);
/// without it, [`DEFAULT_BODY_LIMIT`].
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

/// A body read stopped because the bytes of all request bodies in memory reached the server's
/// budget (503, try again).
#[derive(Debug)]
pub struct BodyBudgetExceeded;

/// A body read stopped because the body did not arrive in time (408).
#[derive(Debug)]
pub struct BodyTimedOut;

impl fmt::Display for BodyBudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the server holds as many request bodies as it can; try again")
    }
}

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyBudgetExceeded {}
impl std::error::Error for BodyTimedOut {}

/// Reads a whole request body up to `limit` bytes; each way it can fail has its own status.
pub async fn read_body(body: axum::body::Body, limit: usize) -> Result<Bytes, AdapterError> {
    // A request without a body (most GETs): nothing to collect.
    if http_body::Body::is_end_stream(&body) {
        return Ok(Bytes::new());
    }
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let error = error.into_inner();
        if caused_by::<http_body_util::LengthLimitError>(&*error) {
            AdapterError::too_large(limit)
        } else if caused_by::<BodyBudgetExceeded>(&*error) {
            AdapterError::new(StatusCode::SERVICE_UNAVAILABLE, "server_busy", BodyBudgetExceeded.to_string())
        } else if caused_by::<BodyTimedOut>(&*error) {
            AdapterError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", BodyTimedOut.to_string())
        } else {
            AdapterError::bad_input("the request body could not be read (malformed chunked encoding, or the connection closed early)")
        }
    })
}

/// Whether `error`, or an error it was caused by, is an `E`.
pub(crate) fn caused_by<E: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<E>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Whether a `Content-Type` says JSON (`application/json`, `…+json`; parameters ignored).
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.len() > 5 && essence[essence.len() - 5..].eq_ignore_ascii_case("+json") && essence.contains('/')
}

/// A request's inputs, read once: path variables in route order, query pairs, headers, body.
#[derive(Debug)]
pub struct RestRequest {
    /// The route's path variables, percent-decoded, as axum matched them.
    path: RawPathParams,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Body,
    /// The members of a JSON object body, read the first time a field is asked for.
    fields: OnceLock<Result<HashMap<String, Box<RawValue>>, AdapterError>>,
}

/// The body as the operation may read it.
#[derive(Debug)]
enum Body {
    /// None sent, or one the method ignores (GET, DELETE, HEAD, OPTIONS: some SDKs send `{}`).
    None,
    /// Valid JSON with no key given twice, kept as its text.
    Json(Box<RawValue>),
    /// A body (or a `Content-Type`) that is not JSON: 415 when the operation reads it.
    NotJson,
    /// A JSON body that does not parse or repeats a key: 400 when the operation reads it.
    Invalid(AdapterError),
}

impl Body {
    fn classify(method: &Method, content_type: Option<&str>, bytes: Bytes) -> Body {
        if !matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
            return Body::None;
        }
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        match content_type {
            Some(content_type) if !is_json_media_type(content_type) => Body::NotJson,
            None if !blank => Body::NotJson,
            _ if blank => Body::None,
            _ => Body::parse(&bytes),
        }
    }

    fn parse(bytes: &[u8]) -> Body {
        let invalid = |reason: String| Body::Invalid(AdapterError::bad_input(format!("the request body is not valid JSON: {reason}")));
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.trim(),
            Err(_) => return invalid("it is not UTF-8".to_owned()),
        };
        if let Err(problem) = json::check_unique_keys(text) {
            return invalid(problem);
        }
        match RawValue::from_string(text.to_owned()) {
            Ok(raw) => Body::Json(raw),
            Err(error) => invalid(error.to_string()),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for RestRequest {
    type Rejection = AdapterError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Ok(path) = RawPathParams::from_request_parts(&mut parts, state).await else {
            return Err(AdapterError::bad_input("a path segment is not valid percent-encoded UTF-8"));
        };
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default();
        let limit = parts.extensions.get::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let bytes = read_body(body, limit).await?;
        let content_type = parts.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("\u{fffd}").to_owned());
        let method = parts.method;
        let body = if bytes.len() > PARSE_INLINE_LIMIT {
            tokio::task::spawn_blocking(move || Body::classify(&method, content_type.as_deref(), bytes))
                .await
                .map_err(|_| AdapterError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the request body could not be read"))?
        } else {
            Body::classify(&method, content_type.as_deref(), bytes)
        };
        Ok(RestRequest { path, query, headers: parts.headers, body, fields: OnceLock::new() })
    }
}

/// Parses one wire value, answering 400 naming the input when it does not fit.
pub fn parse<T: Input>(input: &str, text: &str) -> Result<T, AdapterError> {
    T::from_text(text).ok_or_else(|| AdapterError::bad_input(format!("input `{input}` must be {}", T::EXPECTED)))
}

/// A required input that is absent is a 400 naming it.
pub fn required<T>(input: &str, value: Option<T>) -> Result<T, AdapterError> {
    value.ok_or_else(|| AdapterError::bad_input(format!("missing required input `{input}`")))
}

/// An input checked against the constraints its declaration states (pattern, enum, bounds, a JSON
/// object where the type is `object`): a value outside them is a 400 naming the input.
pub fn conform<T: serde::Serialize>(schema: &crate::schema::InputSchema, input: &str, value: Option<T>) -> Result<Option<T>, AdapterError> {
    schema.check(input, value).map_err(AdapterError::bad_input)
}

/// An input of `type: object` that holds other JSON (an array, a string…) is a 400 naming it.
pub fn object(input: &str, value: Option<Json>) -> Result<Option<Json>, AdapterError> {
    match value {
        Some(json) if !json.as_str().trim_start().starts_with('{') => {
            Err(AdapterError::bad_input(format!("input `{}` must be a JSON object", json::shorten(input))))
        }
        value => Ok(value),
    }
}

fn given_twice(kind: &str, name: &str) -> AdapterError {
    AdapterError::bad_input(format!("{kind} `{}` is given more than once; it takes one value", json::shorten(name)))
}

impl RestRequest {
    /// The `index`-th path variable of the route (percent-decoded).
    pub fn path<T: Input>(&self, input: &str, index: usize) -> Result<T, AdapterError> {
        let (_, text) = self.path.iter().nth(index).ok_or_else(|| AdapterError::bad_input(format!("missing path variable `{input}`")))?;
        parse(input, text)
    }

    /// The query value named `name`; a key given twice is refused.
    pub fn query<T: Input>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let mut values = self.query.iter().filter(|(k, _)| k == name);
        let first = values.next();
        if values.next().is_some() {
            return Err(given_twice("query parameter", name));
        }
        first.map(|(_, v)| parse(name, v)).transpose()
    }

    /// Every query value named `name` (`tags=a&tags=b`); `None` when there is none.
    pub fn query_all(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect();
        (!values.is_empty()).then_some(values)
    }

    /// Header `name`; one given twice is refused.
    pub fn header<T: Input>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let mut values = self.headers.get_all(name).iter();
        let Some(value) = values.next() else { return Ok(None) };
        if values.next().is_some() {
            return Err(given_twice("header", name));
        }
        let text = value.to_str().map_err(|_| AdapterError::bad_input(format!("header `{name}` is not visible ASCII")))?;
        parse(name, text).map(Some)
    }

    /// Cookie `name`, its value as sent (not percent-decoded, quotes kept); one given twice is refused.
    /// Every `Cookie` header counts; a pair without `=` or a name is skipped.
    ///
    /// Split here rather than by the `cookie` crate (tried): that crate always brings `time`, eight
    /// more crates in every generated server's build (+5.5 s of release build on two cores) for a
    /// split on `;` and `=` that this does the same way (the test below was written against it).
    pub fn cookie<T: Input>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let mut found = self
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.split_once('='))
            // Blanks around the name and the value are not part of them (RFC 6265 §5.2).
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, _)| !k.is_empty() && *k == name);
        let first = found.next();
        if found.next().is_some() {
            return Err(given_twice("cookie", name));
        }
        first.map(|(_, v)| parse(name, v)).transpose()
    }

    /// The JSON body as sent (every digit kept); `None` when there is none, and always for GET, DELETE,
    /// HEAD and OPTIONS (DESIGN §3.9). A body that is not declared JSON is 415; invalid JSON, or an
    /// object repeating a key, 400.
    pub fn body(&self) -> Result<Option<Json>, AdapterError> {
        match &self.body {
            Body::None => Ok(None),
            Body::Json(raw) => Ok(Some(Json::from(raw.clone()))),
            Body::NotJson => Err(AdapterError::unsupported_media_type()),
            Body::Invalid(error) => Err(error.clone()),
        }
    }

    /// A member of a JSON object body decoded into `T`. A number `T` cannot hold exactly (an integer
    /// beyond 64 bits, more decimals than a double keeps) is a 400, never a rounded value.
    pub fn body_field<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let Some(raw) = self.member(name)? else { return Ok(None) };
        json::check_exact_numbers(raw.get()).map_err(|problem| AdapterError::bad_input(format!("body field `{name}`: {problem}")))?;
        serde_json::from_str(raw.get()).map(Some).map_err(|e| AdapterError::bad_input(format!("body field `{name}`: {e}")))
    }

    /// A member of a JSON object body kept as its JSON text.
    pub fn body_json_field(&self, name: &str) -> Result<Option<Json>, AdapterError> {
        Ok(self.member(name)?.map(|raw| Json::from(raw.to_owned())))
    }

    /// The value at a JSONPath of the body (`value: $.user.id`) decoded into `T`; `input` names it in
    /// errors. `None` when the path finds nothing or `null`.
    pub fn body_path<T: serde::de::DeserializeOwned>(&self, input: &str, path: &[crate::mapping::Step]) -> Result<Option<T>, AdapterError> {
        let Some(raw) = self.body_at(input, path)? else { return Ok(None) };
        serde_json::from_value(raw).map(Some).map_err(|e| AdapterError::bad_input(format!("input `{input}`: {e}")))
    }

    /// The JSON at a JSONPath of the body, as JSON.
    pub fn body_json_path(&self, input: &str, path: &[crate::mapping::Step]) -> Result<Option<Json>, AdapterError> {
        Ok(self.body_at(input, path)?.map(Json::from))
    }

    fn body_at(&self, input: &str, path: &[crate::mapping::Step]) -> Result<Option<serde_json::Value>, AdapterError> {
        let Some(body) = self.body()? else { return Ok(None) };
        json::check_exact_numbers(body.as_str()).map_err(|problem| AdapterError::bad_input(format!("input `{input}`: {problem}")))?;
        Ok(crate::flow::at(&body.to_value(), path).filter(|v| !v.is_null()))
    }

    /// Member `name` of the object body; `None` when absent or `null`.
    fn member(&self, name: &str) -> Result<Option<&RawValue>, AdapterError> {
        let Some(body) = self.body()? else { return Ok(None) };
        let fields = self.fields.get_or_init(|| {
            serde_json::from_str::<HashMap<String, Box<RawValue>>>(body.as_str()).map_err(|_| AdapterError::bad_input("the request body must be a JSON object"))
        });
        let fields = fields.as_ref().map_err(Clone::clone)?;
        Ok(fields.get(name).map(|raw| &**raw).filter(|raw| raw.get() != "null"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `RestRequest` a route handler receives for this request.
    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> RestRequest {
        use tower::ServiceExt as _;
        let mut builder = axum::http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(axum::body::Body::from(body.to_owned())).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let app = axum::Router::new().route(
            "/",
            axum::routing::any(move |r: RestRequest| {
                let _ = tx.send(r);
                async {}
            }),
        );
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(app.oneshot(request)).unwrap();
        rx.recv().unwrap()
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn bodies_must_say_json() {
        for content_type in ["application/json", "Application/JSON; charset=utf-8", "application/merge-patch+json"] {
            let r = request("POST", "/", &[("content-type", content_type)], r#"{"a":1}"#);
            assert_eq!(r.body().unwrap().unwrap().as_str(), r#"{"a":1}"#, "{content_type}");
        }
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "+json"] {
            let r = request("POST", "/", &[("content-type", content_type)], r#"{"a":1}"#);
            assert_eq!(r.body().unwrap_err().status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
        }
        assert_eq!(request("PUT", "/", &[], r#"{"a":1}"#).body().unwrap_err().status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no type");
        assert_eq!(request("POST", "/", &[], "").body().unwrap(), None, "no body, no type");
        assert_eq!(request("GET", "/", &[("content-type", "text/plain")], "{}").body().unwrap(), None, "GET bodies are ignored");
    }

    #[test]
    fn bodies_keep_their_digits_and_refuse_repeated_keys() {
        let text = r#"{"name": "n", "size": 123456789012345678901234567890, "meta": {"v": 1.10}}"#;
        let r = request("POST", "/", &[JSON], text);
        assert_eq!(r.body().unwrap().unwrap().as_str(), text);
        assert_eq!(r.body_json_field("meta").unwrap().unwrap().as_str(), r#"{"v": 1.10}"#);
        assert_eq!(r.body_field::<String>("name").unwrap().as_deref(), Some("n"));
        let size = r.body_field::<i64>("size").unwrap_err();
        assert!(size.message.contains("cannot be read exactly"), "{size:?}");
        assert_eq!(r.body_field::<f64>("absent").unwrap(), None);
        let twice = request("POST", "/", &[JSON], r#"{"a": {"b": 1, "b": 2}}"#).body().unwrap_err();
        assert!(twice.message.contains("the key `b` is given twice"), "{twice:?}");
        let broken = request("POST", "/", &[JSON], "{").body().unwrap_err();
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);
        let list = request("POST", "/", &[JSON], "[1]");
        assert!(list.body().is_ok());
        assert_eq!(list.body_field::<i64>("a").unwrap_err().message, "the request body must be a JSON object");
    }

    #[test]
    fn values_given_twice_are_refused() {
        let r = request("GET", "/?a=1&a=2&t=x&t=y&b=3", &[("x-one", "1"), ("x-two", "1"), ("x-two", "2"), ("cookie", "c=1; c=2; d=4")], "");
        assert_eq!(r.query::<i64>("b").unwrap(), Some(3));
        assert!(r.query::<i64>("a").unwrap_err().message.contains("`a` is given more than once"));
        assert_eq!(r.query_all("t"), Some(vec!["x".to_owned(), "y".to_owned()]));
        assert_eq!(r.header::<String>("x-one").unwrap().as_deref(), Some("1"));
        assert!(r.header::<String>("x-two").is_err());
        assert!(r.cookie::<String>("c").is_err());
        assert_eq!(r.cookie::<i64>("d").unwrap(), Some(4));
    }

    #[test]
    fn cookies_as_sent() {
        let r = request(
            "GET",
            "/",
            &[("cookie", "plain=a b; enc=a%20b%3Bc;quoted=\"q\"; bare; =anon; spaced = v ;;"), ("cookie", "later=2")],
            "",
        );
        assert_eq!(r.cookie::<String>("plain").unwrap().as_deref(), Some("a b"));
        // Percent-encoded values are read as sent, not decoded.
        assert_eq!(r.cookie::<String>("enc").unwrap().as_deref(), Some("a%20b%3Bc"));
        assert_eq!(r.cookie::<String>("quoted").unwrap().as_deref(), Some("\"q\""));
        // Blanks around the name and the value are not part of them (RFC 6265 §5.2).
        assert_eq!(r.cookie::<String>("spaced").unwrap().as_deref(), Some("v"));
        assert_eq!(r.cookie::<i64>("later").unwrap(), Some(2));
        assert_eq!(r.cookie::<String>("bare").unwrap(), None);
        assert_eq!(r.cookie::<String>("").unwrap(), None);
        assert_eq!(r.cookie::<String>("absent").unwrap(), None);
        let twice = request("GET", "/", &[("cookie", "a=1"), ("cookie", "a=1")], "");
        assert!(twice.cookie::<String>("a").unwrap_err().message.contains("`a` is given more than once"));
    }

    #[test]
    fn wire_numbers_are_exact_or_refused() {
        assert_eq!(f64::from_text("0.1"), Some(0.1));
        assert_eq!(f64::from_text("3.141592653589793238"), None);
        assert_eq!(i64::from_text("9223372036854775808"), None);
        assert_eq!(Json::from_text(r#"{"a": 1}"#).unwrap().as_str(), r#"{"a": 1}"#);
        assert_eq!(Json::from_text("plain text").unwrap().as_str(), r#""plain text""#);
    }
}
