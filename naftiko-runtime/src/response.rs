//! [`Response`]: an upstream reply, its body kept as bytes.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::Error;

/// An upstream reply. The body stays bytes so that an adapter can pass it on without parsing and
/// re-serializing it; [`Response::json`] parses it for Rust callers.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    /// A reply made by a handler itself (no upstream call): `status` and `body` as JSON.
    pub fn from_json(status: StatusCode, body: &serde_json::Value) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        Response { status, headers, body: Bytes::from(body.to_string()) }
    }

    /// This reply with its body converted to JSON by `convert` (an upstream declared in another format
    /// with `outputRawFormat`): from now on it is JSON, `Content-Type: application/json`, for the
    /// typed client's callers and the adapters alike. An empty body stays empty (nothing to convert).
    /// A body that does not convert is [`Error::Format`] naming `format`.
    pub fn converted(mut self, format: &'static str, convert: impl FnOnce(&[u8]) -> Result<serde_json::Value, String>) -> Result<Response, Error> {
        if self.body.is_empty() {
            return Ok(self);
        }
        let value = convert(&self.body).map_err(|detail| Error::Format { format, detail })?;
        self.body = Bytes::from(value.to_string());
        self.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        self.headers.remove(http::header::CONTENT_LENGTH);
        self.headers.remove(http::header::CONTENT_ENCODING);
        Ok(self)
    }

    /// The body parsed as JSON into `T` (`serde_json::Value` for any JSON).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(Error::Decode)
    }

    /// The body as text; bytes that are not UTF-8 become `U+FFFD`.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The first value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The start of the body on one line, for error messages.
    pub(crate) fn excerpt(&self) -> String {
        const MAX_CHARS: usize = 200;
        let text = self.text();
        let mut out: String = text.chars().take(MAX_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
        if text.chars().nth(MAX_CHARS).is_some() {
            out.push('…');
        }
        out.trim().to_owned()
    }
}

/// A reply read into the outputs its operation declares (a generated client's `…_output` method): the
/// upstream's status and headers, and `output`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub output: T,
}

impl<T: DeserializeOwned> Reply<T> {
    /// `response`'s JSON body shaped by `shape` (the declared outputs' paths), read into `T`. An empty
    /// body (a 204) holds none of the outputs: it reads as `null`.
    pub fn read(response: Response, shape: impl FnOnce(&serde_json::Value) -> serde_json::Value) -> Result<Reply<T>, Error> {
        let value: serde_json::Value = if response.body.is_empty() { serde_json::Value::Null } else { response.json()? };
        let output = serde_json::from_value(shape(&value)).map_err(Error::Decode)?;
        Ok(Reply { status: response.status, headers: response.headers, output })
    }
}
