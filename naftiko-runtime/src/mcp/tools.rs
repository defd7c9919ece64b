//! The static tool table generated code declares, and each tool as `tools/list` advertises it.

use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::Value;

/// What a generated server says about itself in `initialize` / `server/discover`.
#[derive(Clone, Copy, Debug)]
pub struct ServerSpec {
    /// The MCP expose's namespace (or the crate name).
    pub name: &'static str,
    /// The capability's label.
    pub title: Option<&'static str>,
    pub version: &'static str,
    /// The MCP expose's description, sent as the server's `instructions`.
    pub instructions: Option<&'static str>,
}

/// One tool as the spec declares it; the JSON schemas are JSON text decided at generation time.
#[derive(Clone, Copy, Debug)]
pub struct ToolSpec {
    pub name: &'static str,
    /// From the tool's `label`; also the annotations' `title`.
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    /// JSON Schema of the arguments (an object schema).
    pub input_schema: &'static str,
    /// JSON Schema of the structured result, when the spec declares one.
    pub output_schema: Option<&'static str>,
    pub hints: ToolHints,
}

/// The spec's `hints`; only those set are advertised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ToolHints {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

impl ToolSpec {
    /// The tool as advertised by `tools/list`. Schema text that is not a JSON object (a bug in the
    /// generator) is advertised as the empty object schema rather than panicking.
    pub fn to_tool(&self) -> Tool {
        let input_schema = json_object(self.input_schema).unwrap_or_else(|| {
            let mut any = JsonObject::new();
            any.insert("type".into(), Value::from("object"));
            any
        });
        let mut tool = Tool::new_with_raw(self.name, self.description.map(Into::into), Arc::new(input_schema));
        if let Some(title) = self.title {
            tool = tool.with_title(title);
        }
        if let Some(schema) = self.output_schema.and_then(json_object) {
            tool = tool.with_raw_output_schema(Arc::new(schema));
        }
        let h = self.hints;
        if self.title.is_some() || h != ToolHints::default() {
            tool = tool.with_annotations(ToolAnnotations::from_raw(
                self.title.map(str::to_owned),
                h.read_only,
                h.destructive,
                h.idempotent,
                h.open_world,
            ));
        }
        tool
    }
}

fn json_object(text: &str) -> Option<JsonObject> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

/// Every tool of a table as `tools/list` advertises it (for tests and documentation).
pub fn tools(specs: &[ToolSpec]) -> Vec<Tool> {
    specs.iter().map(ToolSpec::to_tool).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::test_support::*;

    #[test]
    fn tools_advertise_only_the_hints_that_are_set() {
        let tools = serde_json::to_value(tools(TOOLS)).unwrap();
        assert_eq!(tools[0]["annotations"], json!({"title": "Get a snapshot", "readOnlyHint": true, "idempotentHint": true}));
        assert_eq!(tools[0]["title"], "Get a snapshot");
        assert_eq!(tools[0]["inputSchema"], schema());
        assert_eq!(tools[1], json!({"name": "plain", "inputSchema": {"type": "object"}}));
    }
}
