//! Files an MCP server reads at run time: [`crate::files`] (where relative paths start, reading under a
//! directory without leaving it), re-exported where the MCP server and `serve --root` find it, and its
//! refusals as protocol errors.

use rmcp::model::ErrorData;
use serde_json::json;

pub use crate::files::*;

impl Refusal {
    /// The protocol error answering a read of `uri`.
    pub fn into_error(self, uri: &str) -> ErrorData {
        match self {
            Refusal::Invalid(why) => ErrorData::invalid_params(format!("`{uri}` is not a resource URI: {why}"), Some(json!({"uri": uri}))),
            Refusal::NotFound => ErrorData::resource_not_found(format!("no resource has the URI `{uri}`"), Some(json!({"uri": uri}))),
            Refusal::Unreadable(why) => ErrorData::internal_error(format!("`{uri}` cannot be read: {why}"), None),
        }
    }
}
