//! Fixtures shared by the MCP modules' tests: a small tool table and a server counting its calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderValue, StatusCode, header};
use rmcp::model::CallToolResult;
use serde_json::{Map, Value, json};

use crate::Response;
use crate::mcp::{
    Arguments, McpServer, PromptArgumentSpec, PromptMessageSpec, PromptSource, PromptSpec, ReadFuture, ResourceSource, ResourceSpec, ServerSpec,
    ToolFuture, ToolHints, ToolSpec, boxed, boxed_read, read, required, result,
};

pub(crate) const SCHEMA: &str = r#"{"type":"object","properties":{"zone":{"type":"string"},"per_page":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}},"body":{"type":"object"}},"required":["zone"],"additionalProperties":false}"#;

pub(crate) fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

pub(crate) fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("arguments must be an object"),
    }
}

pub(crate) fn reply(status: u16, body: &str) -> Response {
    let mut headers = http::HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response { status: StatusCode::from_u16(status).unwrap(), headers, body: bytes::Bytes::from(body.to_owned()) }
}

pub(crate) fn wire(result: &CallToolResult) -> Value {
    serde_json::to_value(result).unwrap()
}

pub(crate) const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "get-snapshot",
        title: Some("Get a snapshot"),
        description: Some("Get a snapshot"),
        input_schema: SCHEMA,
        output_schema: None,
        hints: ToolHints { read_only: Some(true), destructive: None, idempotent: Some(true), open_world: None },
    },
    ToolSpec {
        name: "plain",
        title: None,
        description: None,
        input_schema: "not json",
        output_schema: None,
        hints: ToolHints { read_only: None, destructive: None, idempotent: None, open_world: None },
    },
    // Non-object output (MCP 2026-07-28): stripped for peers on older versions.
    ToolSpec {
        name: "numbers",
        title: None,
        description: Some("Some numbers"),
        input_schema: r#"{"type":"object","properties":{}}"#,
        output_schema: Some(r#"{"type":"array","items":{"type":"integer"}}"#),
        hints: ToolHints { read_only: Some(true), destructive: None, idempotent: None, open_world: None },
    },
];

pub(crate) const SERVER: ServerSpec =
    ServerSpec { name: "snapshots-mcp", title: Some("Snapshots"), version: "0.1.0", instructions: Some("Use the tools.") };

/// Counts upstream calls: a rejected call must not reach the handlers.
#[derive(Default)]
pub(crate) struct Counting {
    pub(crate) calls: AtomicUsize,
}

pub(crate) fn dispatch(handlers: Arc<Counting>, name: &str, args: Arguments) -> Option<ToolFuture> {
    match name {
        "get-snapshot" => Some(boxed(async move {
            let zone = required("zone", args.get::<String>("zone")?)?;
            handlers.calls.fetch_add(1, Ordering::SeqCst);
            Ok(result("get-snapshot", Ok(reply(200, &json!({ "zone": zone }).to_string()))))
        })),
        "numbers" => Some(boxed(async move { Ok(result("get-snapshot", Ok(reply(200, "[1, 2, 3]")))) })),
        _ => None,
    }
}

/// A resource read from "upstream" (a template) and a prompt, for the protocol's other methods.
pub(crate) const RESOURCES: &[ResourceSpec] = &[ResourceSpec {
    name: "snapshot",
    title: Some("Snapshot"),
    uri: "snapshots://{zone}/latest",
    description: None,
    mime_type: None,
    source: ResourceSource::Read,
}];

pub(crate) const PROMPTS: &[PromptSpec] = &[PromptSpec {
    name: "review",
    title: None,
    description: Some("Review a zone"),
    arguments: &[PromptArgumentSpec { name: "zone", title: None, description: None, required: true }],
    source: PromptSource::Template(&[PromptMessageSpec { assistant: false, content: "Review {{zone}}." }]),
}];

pub(crate) fn read_resource(handlers: Arc<Counting>, name: &str, args: Arguments) -> Option<ReadFuture> {
    (name == "snapshot").then(|| {
        boxed_read(async move {
            let zone = required("zone", args.get::<String>("zone")?)?;
            handlers.calls.fetch_add(1, Ordering::SeqCst);
            read("snapshot", Ok(reply(200, &json!({ "zone": zone }).to_string())))
        })
    })
}

pub(crate) fn server() -> (Arc<Counting>, McpServer) {
    let handlers = Arc::new(Counting::default());
    let server = McpServer::builder(Arc::clone(&handlers), &SERVER, TOOLS, dispatch).resources(RESOURCES, read_resource).prompts(PROMPTS).build();
    (handlers, server)
}
