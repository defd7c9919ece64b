//! [`AdapterError`]: the errors a REST adapter answers itself, as JSON `{"type", "message"}`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};

use crate::Error;

/// An error the adapter itself answers with, as JSON `{"type": …, "message": …}`: official SDKs parse
/// every error body as JSON. Messages say what went wrong and no more: never an upstream URL, never a
/// value the caller sent in full.
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

    /// A body in a media type the operation does not read (it takes JSON).
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "this operation takes a JSON body: send it with `Content-Type: application/json`",
        )
    }

    /// The adapter's answer when the call to the upstream API for `operation` failed without a reply
    /// (the reply itself, error statuses included, is passed through instead). The detail, which
    /// names the upstream URL, goes to the log, not to the caller.
    pub fn upstream_failure(operation: &str, error: &Error) -> Self {
        let (cause, step) = error.cause();
        if let Error::InvalidInput { field, reason } = cause {
            return Self::bad_input(format!("input `{field}`: {reason}"));
        }
        tracing::warn!(operation, error = %error, "upstream call failed");
        let operation = match step {
            Some(step) => format!("step `{step}` of `{operation}`"),
            None => format!("`{operation}`"),
        };
        let error = cause;
        match error {
            Error::Timeout(_) => {
                Self::new(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", format!("the upstream API did not answer {operation} in time"))
            }
            Error::Decode(_) => {
                Self::new(StatusCode::BAD_GATEWAY, "upstream_invalid_reply", format!("the upstream API's reply to {operation} could not be read"))
            }
            Error::Format { format, .. } => Self::new(
                StatusCode::BAD_GATEWAY,
                "upstream_invalid_reply",
                format!("the upstream API's reply to {operation} is not valid {format}"),
            ),
            Error::Connect(_) => {
                Self::new(StatusCode::BAD_GATEWAY, "upstream_unreachable", format!("the upstream API of {operation} could not be reached"))
            }
            _ => Self::new(StatusCode::BAD_GATEWAY, "upstream_unreachable", format!("the upstream API broke off the call of {operation}")),
        }
    }

    fn json(&self) -> String {
        serde_json::json!({ "type": self.kind, "message": self.message }).to_string()
    }
}

impl IntoResponse for AdapterError {
    fn into_response(self) -> HttpResponse {
        let busy = self.status == StatusCode::SERVICE_UNAVAILABLE;
        let mut response = HttpResponse::new(Body::from(self.json()));
        *response.status_mut() = self.status;
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if busy {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        // `/metrics` counts the adapter's own 5xx answers as errors of their kind.
        #[cfg(feature = "control")]
        if self.status.is_server_error() {
            response.extensions_mut().insert(crate::control::ErrorKind(self.kind));
        }
        response
    }
}
