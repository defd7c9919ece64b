//! Tool results: upstream replies (or the reasons a call could not run) as `CallToolResult`s.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value};

use crate::mcp::Arguments;
use crate::{Error, Response};

/// Why a tool could not run; the client sees the message in a result with `isError: true`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolError {
    message: String,
}

impl ToolError {
    pub fn new(message: impl Into<String>) -> Self {
        ToolError { message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn into_result(self) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(self.message)])
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

/// What a generated tool function returns.
pub type ToolOutcome = Result<CallToolResult, ToolError>;

/// A running tool call.
pub type ToolFuture = Pin<Box<dyn Future<Output = ToolOutcome> + Send>>;

/// Generated code's dispatcher: the future calling tool `name`, `None` for a name it does not know.
pub type Dispatch<H> = fn(Arc<H>, &str, Arguments) -> Option<ToolFuture>;

/// Boxes a generated tool function's future for [`Dispatch`].
pub fn boxed(future: impl Future<Output = ToolOutcome> + Send + 'static) -> ToolFuture {
    Box::pin(future)
}

/// The upstream reply as a tool result. Success: the JSON body as `structuredContent` (any JSON value,
/// as MCP 2026-07-28 allows; rmcp drops non-objects for peers on older versions, keeping the text) and
/// the body as text. An upstream status >= 400 and transport failures are results with `isError: true`;
/// a failure without a reply names `tool`, not the upstream URL (the log has the detail).
pub fn result(tool: &str, reply: Result<Response, Error>) -> CallToolResult {
    match reply {
        // A handler may answer an error status itself (an override refusing a call): same as upstream's.
        Ok(response) if response.status.as_u16() >= 400 => failure(tool, Error::Status(Box::new(response))),
        Ok(response) => success(&response, None),
        Err(error) => failure(tool, error),
    }
}

/// Like [`result`], with a successful JSON body reshaped by a compiled output mapping.
pub fn result_mapped(tool: &str, reply: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> CallToolResult {
    match reply {
        Ok(response) if response.status.as_u16() >= 400 => failure(tool, Error::Status(Box::new(response))),
        Ok(response) => match serde_json::from_slice::<Value>(&response.body) {
            Ok(value) => success(&response, Some(mapping(&value))),
            Err(_) => ToolError::new(format!("the upstream API answered {} with a body that is not JSON; it cannot be mapped", response.status))
                .into_result(),
        },
        Err(error) => failure(tool, error),
    }
}

fn success(response: &Response, mapped: Option<Value>) -> CallToolResult {
    if let Some(value) = mapped {
        return structured(value.to_string(), value, false);
    }
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return CallToolResult::success(vec![ContentBlock::text(format!("The upstream API answered {} with an empty body.", response.status))]);
    }
    match serde_json::from_slice::<Value>(&response.body) {
        // The body as the upstream sent it: it is the JSON, without re-serializing.
        Ok(value) => structured(response.text().into_owned(), value, false),
        Err(_) => CallToolResult::success(vec![ContentBlock::text(response.text().into_owned())]),
    }
}

fn structured(text: String, value: Value, is_error: bool) -> CallToolResult {
    let mut result =
        if is_error { CallToolResult::error(vec![ContentBlock::text(text)]) } else { CallToolResult::success(vec![ContentBlock::text(text)]) };
    result.structured_content = Some(value);
    result
}

fn failure(tool: &str, error: Error) -> CallToolResult {
    match failure_parts(tool, error) {
        (text, Some(details)) => structured(text, details, true),
        (message, None) => ToolError::new(message).into_result(),
    }
}

/// Why a call of `name` failed, for a person (the message) and a program (the upstream's status and
/// body, when it answered); shared by tool results and resource reads.
pub(crate) fn failure_parts(name: &str, error: Error) -> (String, Option<Value>) {
    let (cause, step) = error.cause();
    // "Step `get-ship` of `tool`" inside a flow, else "`tool`".
    let what = match step {
        Some(step) => format!("step `{step}` of `{name}`"),
        None => format!("`{name}`"),
    };
    match cause {
        Error::Status(response) => {
            let body = serde_json::from_slice::<Value>(&response.body).unwrap_or_else(|_| Value::String(response.text().into_owned()));
            let mut details = Map::new();
            if let Some(step) = step {
                details.insert("step".into(), Value::from(step));
            }
            details.insert("status".into(), Value::from(response.status.as_u16()));
            details.insert("body".into(), body);
            let text = match step {
                Some(step) => format!("Step `{step}` failed: the upstream API answered {}: {}", response.status, response.text()),
                None => format!("The upstream API answered {}: {}", response.status, response.text()),
            };
            (text, Some(Value::Object(details)))
        }
        Error::InvalidInput { field, reason } => match step {
            Some(step) => (format!("step `{step}`: invalid `{field}`: {reason}"), None),
            None => (format!("invalid argument `{field}`: {reason}"), None),
        },
        other => {
            tracing::warn!(name, error = %error, "upstream call failed");
            let message = match other {
                Error::Timeout(_) => format!("The upstream API did not answer {what} in time."),
                Error::Connect(_) => format!("The upstream API of {what} could not be reached."),
                Error::Decode(_) => format!("The upstream API's reply to {what} could not be read."),
                Error::Format { format, .. } => format!("The upstream API's reply to {what} is not valid {format}."),
                _ => format!("The upstream API broke off the call of {what}."),
            };
            (message, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::test_support::*;

    #[test]
    fn success_carries_structured_content_and_the_body_as_text() {
        let body = r#"{"snapshots": [], "total_count": 0}"#;
        let w = wire(&result("t", Ok(reply(200, body))));
        assert_eq!(w["structuredContent"], json!({"snapshots": [], "total_count": 0}));
        assert_eq!(w["content"], json!([{"type": "text", "text": body}]));
        assert_eq!(w["isError"], json!(false));
        // Any JSON value is structured content (MCP 2026-07-28); rmcp strips non-objects for older peers.
        assert_eq!(wire(&result("t", Ok(reply(200, "[1,2]"))))["structuredContent"], json!([1, 2]));
    }

    #[test]
    fn bodies_without_json_are_text() {
        let empty = wire(&result("t", Ok(reply(204, ""))));
        assert_eq!(empty["content"][0]["text"], "The upstream API answered 204 No Content with an empty body.");
        assert!(empty.get("structuredContent").is_none());
        let text = wire(&result("t", Ok(reply(200, "plain words"))));
        assert_eq!(text["content"][0]["text"], "plain words");
        assert!(text.get("structuredContent").is_none());
    }

    #[test]
    fn upstream_errors_are_tool_errors_with_status_and_body() {
        let body = r#"{"message":"resource is not found","type":"not_found"}"#;
        let w = wire(&result("t", Err(Error::Status(Box::new(reply(404, body))))));
        assert_eq!(w["isError"], json!(true));
        assert_eq!(w["structuredContent"], json!({"status": 404, "body": {"message": "resource is not found", "type": "not_found"}}));
        assert_eq!(w["content"][0]["text"], format!("The upstream API answered 404 Not Found: {body}"));
        let invalid = wire(&result("t", Err(Error::InvalidInput { field: "zone".into(), reason: "`..` is not a path segment".into() })));
        assert_eq!(invalid["isError"], json!(true));
        assert_eq!(invalid["content"][0]["text"], "invalid argument `zone`: `..` is not a path segment");
    }

    #[test]
    fn mapped_results_are_reshaped() {
        let w = wire(&result_mapped("t", Ok(reply(200, r#"{"a": {"b": 3}}"#)), |v| v["a"]["b"].clone()));
        assert_eq!(w["structuredContent"], json!(3));
        assert_eq!(w["content"][0]["text"], "3");
        let not_json = wire(&result_mapped("t", Ok(reply(200, "<html>")), |v| v.clone()));
        assert_eq!(not_json["isError"], json!(true));
    }
}
