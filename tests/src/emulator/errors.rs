//! Error bodies, copied field for field from scaleway-api.md §3 (and §4 for the zone).
//!
//! Every error is JSON with `Content-Type: application/json`, because the Python SDK
//! calls `res.json()` on every status ≥ 400 (§3).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One entry of an `invalid_arguments` error's `details` (§3).
#[derive(Clone, Debug)]
pub(crate) struct ArgError {
    pub argument_name: String,
    /// `unknown` | `required` | `format` | `constraint`.
    pub reason: &'static str,
    pub help_message: String,
}

impl ArgError {
    /// The help message recorded for a missing key (GOC `test-create-server-with-incorrect-body`).
    pub(crate) fn required(name: impl Into<String>) -> Self {
        ArgError {
            argument_name: name.into(),
            reason: "required",
            help_message: "required key not provided".to_owned(),
        }
    }

    pub(crate) fn format(name: impl Into<String>, help: impl Into<String>) -> Self {
        ArgError {
            argument_name: name.into(),
            reason: "format",
            help_message: help.into(),
        }
    }

    pub(crate) fn constraint(name: impl Into<String>, help: impl Into<String>) -> Self {
        ArgError {
            argument_name: name.into(),
            reason: "constraint",
            help_message: help.into(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum ApiError {
    /// §3: 401 `denied_authentication`; `reason` is `invalid_argument` for a missing,
    /// empty or malformed key and `not_found` for a well-formed unknown one.
    Denied { reason: &'static str },
    /// §4: 400 with exactly `{"message":"Unknown zone in path"}` (34 bytes, no `type`).
    UnknownZone,
    /// §3: 404 `not_found` with `resource` (`instance_snapshot`, `instance_image`,
    /// `snapshot`, …) and `resource_id`.
    NotFound { resource: &'static str, id: String },
    /// No route for this method and path. The reference is silent; we answer 404 with a
    /// `not_found` body without `resource` so every SDK can still parse it as JSON.
    NoRoute,
    /// §3: 400 `invalid_arguments`.
    InvalidArguments(Vec<ArgError>),
    /// §3, legacy Instance shape: 400 `{"message", "type":"invalid_request_error"}`; the
    /// QCOW2 import failures of the import/export guide use it.
    InvalidRequest { message: String },
    /// §3: 409 `transient_state` (GO errors.go:387). The Block docs say an exported
    /// snapshot "must not be in transient state".
    TransientState {
        resource: &'static str,
        id: String,
        current_state: String,
    },
    /// A request body above the emulator's limit. Not in the reference; 413 with a JSON body.
    TooLarge,
}

impl ApiError {
    pub(crate) fn invalid(arg: ArgError) -> Self {
        ApiError::InvalidArguments(vec![arg])
    }

    /// Several errors as one: the `invalid_arguments` details are concatenated (the
    /// recorded server-create error lists every missing key at once, §3); any other
    /// error wins as is.
    pub(crate) fn merge(errors: impl IntoIterator<Item = Option<ApiError>>) -> Self {
        let mut details = Vec::new();
        for error in errors.into_iter().flatten() {
            match error {
                ApiError::InvalidArguments(d) => details.extend(d),
                other => return other,
            }
        }
        ApiError::InvalidArguments(details)
    }

    fn status_and_body(&self) -> (StatusCode, Value) {
        match self {
            ApiError::Denied { reason } => (
                StatusCode::UNAUTHORIZED,
                json!({
                    "message": "authentication is denied",
                    "method": "api_key",
                    "reason": reason,
                    "type": "denied_authentication",
                }),
            ),
            ApiError::UnknownZone => (
                StatusCode::BAD_REQUEST,
                json!({ "message": "Unknown zone in path" }),
            ),
            ApiError::NotFound { resource, id } => (
                StatusCode::NOT_FOUND,
                json!({
                    "message": "resource is not found",
                    "resource": resource,
                    "resource_id": id,
                    "type": "not_found",
                }),
            ),
            ApiError::NoRoute => (
                StatusCode::NOT_FOUND,
                json!({ "message": "resource is not found", "type": "not_found" }),
            ),
            ApiError::InvalidArguments(details) => {
                let details: Vec<Value> = details
                    .iter()
                    .map(|d| {
                        json!({
                            "argument_name": d.argument_name,
                            "reason": d.reason,
                            "help_message": d.help_message,
                        })
                    })
                    .collect();
                (
                    StatusCode::BAD_REQUEST,
                    json!({
                        "type": "invalid_arguments",
                        "message": "invalid argument(s)",
                        "details": details,
                    }),
                )
            }
            ApiError::InvalidRequest { message } => (
                StatusCode::BAD_REQUEST,
                json!({ "message": message, "type": "invalid_request_error" }),
            ),
            ApiError::TransientState {
                resource,
                id,
                current_state,
            } => (
                StatusCode::CONFLICT,
                json!({
                    "message": "resource is in a transient state",
                    "resource": resource,
                    "resource_id": id,
                    "current_state": current_state,
                    "type": "transient_state",
                }),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({ "message": "request body is too large", "type": "invalid_request_error" }),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        (status, Json(body)).into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;
