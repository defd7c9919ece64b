//! REST glue for generated axum routers: request extraction whose every failure is a JSON 4xx,
//! upstream replies passed through, exposed-adapter authentication, and JSON fallbacks.

use std::sync::Arc;

pub use axum;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use bytes::Bytes;
use serde_json::Value;

use crate::{Error, Response, Secret};

/// Largest request body read by default (DESIGN §3.9: bounded bodies, 413 beyond).
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Upstream headers a REST client needs (paging, created resources, content type, back-off).
const PASSED_THROUGH: [HeaderName; 5] =
    [HeaderName::from_static("x-total-count"), header::LINK, header::LOCATION, header::CONTENT_TYPE, header::RETRY_AFTER];

/// An error the adapter itself answers with, as JSON `{"type": …, "message": …}`: official SDKs parse
/// every error body as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

impl AdapterError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        AdapterError { status, kind, message: message.into() }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_argument", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing or invalid credentials")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no route matches this path")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this path does not answer this method")
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("request body exceeds {limit} bytes"))
    }

    /// The adapter's answer for a client error that is not an upstream reply.
    pub fn from_client_error(error: &Error) -> Self {
        match error {
            Error::Timeout(_) => Self::new(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", "the upstream API did not answer in time"),
            Error::InvalidInput { field, reason } => Self::bad_input(format!("input `{field}`: {reason}")),
            Error::Decode(_) => Self::new(StatusCode::BAD_GATEWAY, "upstream_invalid_reply", error.to_string()),
            _ => Self::new(StatusCode::BAD_GATEWAY, "upstream_unreachable", error.to_string()),
        }
    }

    fn json(&self) -> String {
        serde_json::json!({ "type": self.kind, "message": self.message }).to_string()
    }
}

impl IntoResponse for AdapterError {
    fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::new(Body::from(self.json()));
        *response.status_mut() = self.status;
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// A request's inputs, read once: path variables in route order, query pairs, headers, body.
#[derive(Debug)]
pub struct RestRequest {
    path: Vec<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    method: Method,
}

/// A request extension bounding the body [`RestRequest`] buffers (the binary's `--body-limit`);
/// without it, [`DEFAULT_BODY_LIMIT`].
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

impl<S: Send + Sync> FromRequest<S> for RestRequest {
    type Rejection = AdapterError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let path = match RawPathParams::from_request_parts(&mut parts, state).await {
            Ok(params) => params.iter().map(|(_, value)| value.to_owned()).collect(),
            Err(_) => return Err(AdapterError::bad_input("a path segment is not valid percent-encoded UTF-8")),
        };
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default();
        let limit = parts.extensions.get::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let body = axum::body::to_bytes(body, limit).await.map_err(|_| AdapterError::too_large(limit))?;
        Ok(RestRequest { path, query, headers: parts.headers, body, method: parts.method })
    }
}

/// A value that can be read from a path segment, query value, header or cookie.
pub trait FromWire: Sized {
    /// What the value must look like, for error messages.
    const EXPECTED: &'static str;
    fn from_wire(text: &str) -> Option<Self>;
}

impl FromWire for String {
    const EXPECTED: &'static str = "a string";
    fn from_wire(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromWire for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl FromWire for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok().filter(|f: &f64| f.is_finite())
    }
}

impl FromWire for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn from_wire(text: &str) -> Option<Self> {
        match text.trim() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        }
    }
}

impl FromWire for Value {
    const EXPECTED: &'static str = "JSON";
    fn from_wire(text: &str) -> Option<Self> {
        Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
    }
}

impl FromWire for Vec<String> {
    const EXPECTED: &'static str = "a comma-separated list";
    fn from_wire(text: &str) -> Option<Self> {
        Some(text.split(',').map(|s| s.trim().to_owned()).collect())
    }
}

/// Parses one wire value, answering 400 naming the input when it does not fit.
pub fn parse<T: FromWire>(input: &str, text: &str) -> Result<T, AdapterError> {
    T::from_wire(text).ok_or_else(|| AdapterError::bad_input(format!("input `{input}` must be {}", T::EXPECTED)))
}

/// A required input that is absent is a 400 naming it.
pub fn required<T>(input: &str, value: Option<T>) -> Result<T, AdapterError> {
    value.ok_or_else(|| AdapterError::bad_input(format!("missing required input `{input}`")))
}

impl RestRequest {
    /// The `index`-th path variable of the route (percent-decoded).
    pub fn path<T: FromWire>(&self, input: &str, index: usize) -> Result<T, AdapterError> {
        let text = self.path.get(index).ok_or_else(|| AdapterError::bad_input(format!("missing path variable `{input}`")))?;
        parse(input, text)
    }

    /// The first query value named `name`.
    pub fn query<T: FromWire>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| parse(name, v)).transpose()
    }

    /// Every query value named `name` (`tags=a&tags=b`); `None` when there is none.
    pub fn query_all(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect();
        (!values.is_empty()).then_some(values)
    }

    pub fn header<T: FromWire>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        match self.headers.get(name) {
            None => Ok(None),
            Some(v) => {
                let text = v.to_str().map_err(|_| AdapterError::bad_input(format!("header `{name}` is not visible ASCII")))?;
                parse(name, text).map(Some)
            }
        }
    }

    pub fn cookie<T: FromWire>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let found = self
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned());
        found.map(|v| parse(name, &v)).transpose()
    }

    /// The JSON body; `None` when empty, and always for GET/DELETE/HEAD (some SDKs send `{}`).
    pub fn body(&self) -> Result<Option<Value>, AdapterError> {
        if self.body.iter().all(u8::is_ascii_whitespace) || matches!(self.method, Method::GET | Method::DELETE | Method::HEAD) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| AdapterError::bad_input(format!("the request body is not valid JSON: {e}")))
    }

    /// A field of a JSON object body, converted to `T`.
    pub fn body_field<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, AdapterError> {
        let Some(body) = self.body()? else { return Ok(None) };
        let Value::Object(mut fields) = body else {
            return Err(AdapterError::bad_input("the request body must be a JSON object"));
        };
        match fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v).map(Some).map_err(|e| AdapterError::bad_input(format!("body field `{name}`: {e}"))),
        }
    }
}

/// The upstream reply as the adapter's reply: status, body bytes and the headers clients need, unchanged.
/// Upstream errors (≥ 400) pass through too; transport failures become 502/504 JSON.
pub fn reply(result: Result<Response, Error>) -> HttpResponse {
    match result {
        Ok(response) => passthrough(response),
        Err(Error::Status(response)) => passthrough(*response),
        Err(error) => AdapterError::from_client_error(&error).into_response(),
    }
}

/// Like [`reply`], with a successful JSON body reshaped by a compiled output mapping.
pub fn reply_mapped(result: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> HttpResponse {
    match result {
        Ok(response) if response.status.is_success() => {
            let Ok(value) = serde_json::from_slice::<Value>(&response.body) else {
                return AdapterError::new(StatusCode::BAD_GATEWAY, "upstream_invalid_json", "the upstream reply is not JSON; it cannot be mapped")
                    .into_response();
            };
            let mut out = passthrough(Response { body: Bytes::from(mapping(&value).to_string()), ..response });
            out.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            out
        }
        other => reply(other),
    }
}

fn passthrough(response: Response) -> HttpResponse {
    let mut out = HttpResponse::new(Body::from(response.body));
    *out.status_mut() = response.status;
    for name in &PASSED_THROUGH {
        for value in response.headers.get_all(name) {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

/// Credentials an exposed adapter demands (DESIGN §3.8), compared in constant time.
#[derive(Clone, Debug)]
pub enum ServerAuth {
    Bearer { token: Secret },
    ApiKeyHeader { name: HeaderName, value: Secret },
    ApiKeyQuery { name: String, value: Secret },
    Basic { username: Secret, password: Secret },
}

impl ServerAuth {
    /// Whether the request carries the configured credentials.
    pub fn accepts(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        use base64::Engine as _;
        let header = |name: &HeaderName| headers.get(name).map(HeaderValue::as_bytes);
        match self {
            ServerAuth::Bearer { token } => header(&header::AUTHORIZATION)
                .and_then(|v| v.strip_prefix(b"Bearer ").or_else(|| v.strip_prefix(b"bearer ")))
                .is_some_and(|given| constant_time_eq(given, token.expose().as_bytes())),
            ServerAuth::ApiKeyHeader { name, value } => header(name).is_some_and(|given| constant_time_eq(given, value.expose().as_bytes())),
            ServerAuth::ApiKeyQuery { name, value } => query
                .map(|q| form_urlencoded::parse(q.as_bytes()))
                .and_then(|mut pairs| pairs.find(|(k, _)| k == name))
                .is_some_and(|(_, given)| constant_time_eq(given.as_bytes(), value.expose().as_bytes())),
            ServerAuth::Basic { username, password } => {
                let expected = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", username.expose(), password.expose()));
                header(&header::AUTHORIZATION)
                    .and_then(|v| v.strip_prefix(b"Basic ").or_else(|| v.strip_prefix(b"basic ")))
                    .is_some_and(|given| constant_time_eq(given, expected.as_bytes()))
            }
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Options of a generated router.
#[derive(Clone, Debug, Default)]
pub struct RestOptions {
    pub auth: Option<ServerAuth>,
}

/// Adds what every generated router needs: JSON 404/405 fallbacks and authentication.
pub fn finish(router: axum::Router, options: RestOptions) -> axum::Router {
    let router = router.fallback(|| async { AdapterError::not_found() }).method_not_allowed_fallback(|| async { AdapterError::method_not_allowed() });
    match options.auth {
        Some(auth) => {
            let auth = Arc::new(auth);
            router.layer(axum::middleware::from_fn(move |request: Request, next: axum::middleware::Next| {
                let auth = Arc::clone(&auth);
                async move {
                    if auth.accepts(request.headers(), request.uri().query()) {
                        next.run(request).await
                    } else {
                        AdapterError::unauthorized().into_response()
                    }
                }
            }))
        }
        None => router,
    }
}

/// Serves a fixed JSON document (the OpenAPI description).
pub fn json_document(document: &'static str) -> HttpResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document).into_response()
}
