//! MCP glue for generated tool servers: a generic rmcp `ServerHandler` over a static tool table,
//! argument validation against each tool's input schema before anything is sent upstream, upstream
//! replies shaped as tool results, resources (read from upstream or from files) and prompts, and the
//! Streamable HTTP (`/mcp`) and stdio transports.
//!
//! Generated code provides the data ([`ServerSpec`], one [`ToolSpec`] per tool) and one dispatch
//! function that maps a tool name to the future calling the capability's `Handlers`; everything the
//! protocol needs is here, so each generated tool is only its parameter bindings.

mod arguments;
pub mod files;
mod http;
mod message;
mod prompts;
mod resources;
mod result;
mod server;
mod stdio;
#[cfg(test)]
pub(crate) mod test_support;
mod tools;

pub use crate::schema::validate_arguments;
pub use arguments::{Arguments, parse, required};
pub use http::{McpOptions, router};
pub use result::{Dispatch, ToolError, ToolFuture, ToolOutcome, boxed, result, result_mapped};
pub use prompts::{PromptArgumentSpec, PromptMessageSpec, PromptSource, PromptSpec};
pub use resources::{ReadDispatch, ReadFuture, ReadOutcome, ResourceSource, ResourceSpec, ResourceText, boxed_read, match_template, read, read_mapped};
pub use server::{McpServer, McpServerBuilder};
pub use stdio::{serve_io, serve_stdio};
pub use tools::{ServerSpec, ToolHints, ToolSpec, tools};

pub use rmcp;

/// Where the Streamable HTTP transport is served.
pub const MCP_PATH: &str = "/mcp";

/// An error that ends a transport (same type as `serve::BoxError`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
