//! Upstream replies as the adapter's replies: status, body bytes and the headers clients need, unchanged.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use bytes::Bytes;
use serde_json::Value;

use crate::rest::AdapterError;
use crate::{Error, Response};

/// Whether an upstream header is one a REST client needs (paging, created resources, content type,
/// back-off): `X-Total-Count`, `Link`, `Location`, `Content-Type`, `Retry-After`. Matched on the
/// name's text, which a header name has lowercased already: one comparison of lengths and bytes, where
/// comparing it with each `HeaderName` in turn took most of the time of passing a reply through.
fn passed_through(name: &HeaderName) -> bool {
    matches!(name.as_str(), "x-total-count" | "link" | "location" | "content-type" | "retry-after")
}

/// The upstream reply to `operation` as the adapter's reply. Upstream errors (≥ 400) pass through
/// too; a call that got no reply is a 502/504 naming the operation (see
/// [`AdapterError::upstream_failure`]).
pub fn reply(operation: &str, result: Result<Response, Error>) -> HttpResponse {
    match result {
        Ok(response) => passthrough(response),
        // An upstream error passes through as it came, also from a flow's step.
        Err(error) => match error.cause().0 {
            Error::Status(response) => passthrough((**response).clone()),
            _ => AdapterError::upstream_failure(operation, &error).into_response(),
        },
    }
}

/// Like [`reply`], with a successful JSON body reshaped by a compiled output mapping.
pub fn reply_mapped(operation: &str, result: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> HttpResponse {
    match result {
        Ok(response) if response.status.is_success() => {
            let Ok(value) = serde_json::from_slice::<Value>(&response.body) else {
                return AdapterError::new(
                    StatusCode::BAD_GATEWAY,
                    "upstream_invalid_json",
                    format!("the upstream reply to `{operation}` is not JSON; it cannot be mapped"),
                )
                .into_response();
            };
            let mut out = passthrough(Response { body: Bytes::from(mapping(&value).to_string()), ..response });
            out.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            out
        }
        other => reply(operation, other),
    }
}

fn passthrough(response: Response) -> HttpResponse {
    let Response { status, headers, body } = response;
    let mut out = HttpResponse::new(Body::from(body));
    *out.status_mut() = status;
    // One pass over the upstream's headers, in their order, the values kept moved rather than copied
    // (cheaper than looking each passed-through name up).
    let kept = out.headers_mut();
    let mut passed: Option<HeaderName> = None;
    for (name, value) in headers {
        // `None`: another value of the name before.
        if let Some(name) = name {
            passed = passed_through(&name).then_some(name);
        }
        if let Some(name) = &passed {
            kept.append(name, value);
        }
    }
    out
}

/// Serves a fixed JSON document (the OpenAPI description).
pub fn json_document(document: &'static str) -> HttpResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_headers_clients_need_pass_through_every_value_of_each() {
        let mut headers = http::HeaderMap::new();
        for (name, value) in [
            ("server", "upstream/1.0"),
            ("link", "<https://api.example/items?page=2>; rel=\"next\""),
            ("x-total-count", "42"),
            ("set-cookie", "session=secret"),
            ("link", "<https://api.example/items?page=9>; rel=\"last\""),
            ("content-type", "application/json"),
            ("x-request-id", "abc"),
        ] {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let out = passthrough(Response { status: StatusCode::CREATED, headers, body: Bytes::from_static(b"{}") });
        assert_eq!(out.status(), StatusCode::CREATED);
        let kept: Vec<(&str, &str)> = out.headers().iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or("?"))).collect();
        assert_eq!(
            kept,
            [
                ("link", "<https://api.example/items?page=2>; rel=\"next\""),
                ("link", "<https://api.example/items?page=9>; rel=\"last\""),
                ("x-total-count", "42"),
                ("content-type", "application/json"),
            ]
        );
    }
}
