//! `forward` routes: every request under an exposed resource's path is passed to a consumed API, with
//! that API's own parameters and credentials, and its answer comes back as it is. Bodies stream both
//! ways (nothing is buffered), within the server's body limit.
//!
//! What may reach the upstream is narrow on purpose:
//! - **The path** after the route's prefix, decoded and re-encoded segment by segment. A `.` or `..`
//!   segment (in any spelling), an encoded `/` or `\`, or a control character is refused with 400, so a
//!   forward never reaches outside its base path. The query goes as it came.
//! - **Headers**: only those the spec trusts (`trustedHeaders`), plus the body's `Content-Type` and
//!   `Content-Encoding`. The caller's own `Authorization` and `Cookie` reach the upstream only when the
//!   spec names them there; the consumed API's parameters and credentials are then added (and win).
//!   Hop-by-hop headers are never passed, whatever the spec says.
//! - **The reply**: status, body and end-to-end headers; hop-by-hop headers and `Set-Cookie` (the
//!   upstream's session is the server's, not the caller's) are dropped.

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse as _, Response};
use http::header::{self, HeaderMap, HeaderName};
use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;

use crate::Error;
use crate::rest::request::caused_by;
use crate::rest::{AdapterError, BodyLimit, DEFAULT_BODY_LIMIT};

/// Headers that describe one connection, not the message: never forwarded, in either direction.
const HOP_BY_HOP: [HeaderName; 9] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    HeaderName::from_static("proxy-connection"),
];

/// A forward route's request, ready for the consumed API's client.
pub struct Forwarded {
    pub method: Method,
    /// The path below the route's prefix, percent-encoded, starting with `/` (empty for the prefix itself).
    pub path: String,
    /// The query as the caller sent it, without `?`.
    pub query: Option<String>,
    /// The trusted headers (and the body's media type and encoding).
    pub headers: HeaderMap,
    pub body: reqwest::Body,
}

impl Forwarded {
    /// Reads `request` on a route whose first `depth` path segments are the route's own (`/notion` of
    /// `/notion/{{path}}` is one): the path below them, checked and re-encoded; the query; the `trusted`
    /// headers; the body, streamed and held to the server's body limit.
    pub fn from_request(request: Request, depth: usize, trusted: &[HeaderName]) -> Result<Forwarded, AdapterError> {
        let (parts, body) = request.into_parts();
        let limit = parts.extensions.get::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(AdapterError::too_large(limit));
        }
        let raw = parts.uri.path();
        // The route matched, so the request has at least `depth` segments before the tail.
        let tail = raw.match_indices('/').nth(depth).map_or("", |(at, _)| &raw[at..]);
        let path = reencode(tail).map_err(AdapterError::bad_input)?;
        let mut headers = HeaderMap::new();
        for name in trusted.iter().chain([&header::CONTENT_TYPE, &header::CONTENT_ENCODING]) {
            if HOP_BY_HOP.contains(name) || *name == header::HOST || *name == header::CONTENT_LENGTH {
                continue;
            }
            for value in parts.headers.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        let body = Streamed::body(http_body_util::Limited::new(body, limit));
        Ok(Forwarded { method: parts.method, path, query: parts.uri.query().map(str::to_owned), headers, body })
    }
}

/// The caller's body on its way upstream: `Sync`, as reqwest wants, without a lock (only the task
/// sending it ever polls it); its size, when the caller declared one, still known (so it goes with a
/// `Content-Length`, not chunked).
struct Streamed {
    inner: sync_wrapper::SyncWrapper<http_body_util::Limited<Body>>,
    size: http_body::SizeHint,
}

impl Streamed {
    fn body(body: http_body_util::Limited<Body>) -> reqwest::Body {
        use http_body::Body as _;
        let size = body.size_hint();
        reqwest::Body::wrap(Streamed { inner: sync_wrapper::SyncWrapper::new(body), size })
    }
}

impl http_body::Body for Streamed {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        // Every part is `Unpin` (axum's body is boxed), so no pin projection is needed.
        std::pin::Pin::new(self.get_mut().inner.get_mut()).poll_frame(cx)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.size
    }
}

/// `tail` (`/a/b%20c/`) decoded and encoded again one segment at a time, so that what reaches the
/// upstream is exactly the segments the caller meant; a segment that would move the request elsewhere
/// is refused.
fn reencode(tail: &str) -> Result<String, String> {
    if tail.is_empty() || tail == "/" {
        return Ok(tail.to_owned());
    }
    let Some(rest) = tail.strip_prefix('/') else { return Err("the forwarded path must start with `/`".to_owned()) };
    let mut path = String::with_capacity(tail.len());
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let trailing_slash = i + 1 == segments.len() && segment.is_empty();
        if trailing_slash {
            path.push('/');
            break;
        }
        let decoded = percent_decode_str(segment).decode_utf8().map_err(|_| "a forwarded path segment is not UTF-8".to_owned())?;
        if decoded.is_empty() {
            return Err("a forwarded path must not contain an empty segment (`//`)".to_owned());
        }
        if decoded.contains(['/', '\\']) {
            return Err("a forwarded path segment must not contain an encoded `/` or `\\`".to_owned());
        }
        if decoded.chars().any(char::is_control) {
            return Err("a forwarded path segment must not contain control characters".to_owned());
        }
        let encoded = crate::encode::path_segment(&decoded).map_err(str::to_owned)?;
        path.push('/');
        path.push_str(&encoded);
    }
    Ok(path)
}

/// The upstream's answer as the forward route's own, streamed: its status, body and end-to-end
/// headers. A failed call is a JSON 502/504 naming `route`; a body over the limit is 413.
pub fn reply(route: &str, result: Result<http::Response<reqwest::Body>, Error>) -> Response {
    match result {
        Ok(upstream) => {
            let (mut parts, body) = upstream.into_parts();
            for name in HOP_BY_HOP.iter().chain([&header::SET_COOKIE]) {
                parts.headers.remove(name);
            }
            Response::from_parts(parts, Body::new(body))
        }
        // The caller's streamed body went over the limit.
        Err(error) if caused_by::<http_body_util::LengthLimitError>(&error) => {
            AdapterError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body exceeds the server's limit".to_owned()).into_response()
        }
        Err(error) => AdapterError::upstream_failure(route, &error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_reencoded_segment_by_segment() {
        assert_eq!(reencode("").unwrap(), "");
        assert_eq!(reencode("/").unwrap(), "/");
        assert_eq!(reencode("/users/me").unwrap(), "/users/me");
        assert_eq!(reencode("/a%20b/c+d/").unwrap(), "/a%20b/c%2Bd/");
        assert_eq!(reencode("/z%C3%BCrich").unwrap(), "/z%C3%BCrich");
        assert_eq!(reencode("/a:b@c").unwrap(), "/a%3Ab%40c");
    }

    #[test]
    fn paths_that_would_leave_the_base_are_refused() {
        for bad in ["/..", "/a/../b", "/%2e%2E", "/.%2e/x", "/.", "/a%2Fb", "/a%5Cb", "/a//b", "/a%0D%0Ab", "/%00", "/%FF", "x"] {
            assert!(reencode(bad).is_err(), "{bad}");
        }
    }
}
