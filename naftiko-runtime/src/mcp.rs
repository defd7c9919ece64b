//! MCP glue for generated tool servers: a generic rmcp [`ServerHandler`] over a static tool table,
//! argument validation against each tool's input schema before anything is sent upstream, upstream
//! replies shaped as tool results, and the Streamable HTTP (`/mcp`) and stdio transports.
//!
//! Generated code provides the data ([`ServerSpec`], one [`ToolSpec`] per tool) and one dispatch
//! function that maps a tool name to the future calling the capability's `Handlers`; everything the
//! protocol needs is here, so each generated tool is only its parameter bindings.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse as _, Response as HttpResponse};

use rmcp::ServerHandler;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CallToolResult, ClientJsonRpcMessage, ClientRequest, ContentBlock, ErrorData, GetMeta as _,
    Implementation, JsonObject, JsonRpcRequest, ListToolsResult, PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig,
    ServerJsonRpcMessage, ServerResult, Tool, ToolAnnotations,
};
use rmcp::service::{MaybeSendFuture, RequestContext, RoleServer};
use rmcp::transport::common::http_header::{EVENT_STREAM_MIME_TYPE, HEADER_MCP_PROTOCOL_VERSION, JSON_MIME_TYPE};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Map, Value};

use crate::rest::{AdapterError, BodyLimit, DEFAULT_BODY_LIMIT, FromWire, RestOptions, ServerAuth};
use crate::{Error, Response};

pub use rmcp;

/// Where the Streamable HTTP transport is served.
pub const MCP_PATH: &str = "/mcp";

/// An error that ends a transport (same type as `serve::BoxError`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ---------------------------------------------------------------- the static tool table

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

// ---------------------------------------------------------------- arguments

/// A tool call's arguments, read into parameter types by generated code.
#[derive(Clone, Debug, Default)]
pub struct Arguments(Map<String, Value>);

impl Arguments {
    pub fn new(arguments: Map<String, Value>) -> Self {
        Arguments(arguments)
    }

    /// Argument `name` converted to `T`; `None` when absent or `null`, an error naming the argument
    /// when it does not fit.
    pub fn get<T: FromArgument>(&self, name: &str) -> Result<Option<T>, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_argument(value)
                .map(Some)
                .ok_or_else(|| ToolError::new(format!("argument `{name}` must be {}, got {}", T::EXPECTED, describe(value)))),
        }
    }

    /// Argument `name` as text (numbers and booleans written out), for `with` templates.
    pub fn text(&self, name: &str) -> Result<Option<String>, ToolError> {
        self.get::<String>(name)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// A value a tool argument can be read as. Conversions are lenient where the meaning is plain
/// (`5` for a string parameter is `"5"`, `"5"` for an integer is `5`): the schema check already
/// rejected wrong JSON types for the schemas we generate, and spec-written schemas may differ from
/// the consumed parameter's type.
pub trait FromArgument: Sized {
    /// What the value must look like, for error messages.
    const EXPECTED: &'static str;
    fn from_argument(value: &Value) -> Option<Self>;
}

impl FromArgument for String {
    const EXPECTED: &'static str = "a string";
    fn from_argument(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl FromArgument for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_argument(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl FromArgument for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_argument(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
            _ => None,
        }
    }
}

impl FromArgument for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_argument(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

impl FromArgument for Vec<String> {
    const EXPECTED: &'static str = "an array of strings";
    fn from_argument(value: &Value) -> Option<Self> {
        match value {
            Value::Array(items) => items.iter().map(String::from_argument).collect(),
            // A lone value where a list is expected is a list of one.
            scalar => String::from_argument(scalar).map(|s| vec![s]),
        }
    }
}

impl FromArgument for Value {
    const EXPECTED: &'static str = "JSON";
    fn from_argument(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

/// A required parameter whose argument is absent is a tool error naming it.
pub fn required<T>(argument: &str, value: Option<T>) -> Result<T, ToolError> {
    value.ok_or_else(|| ToolError::new(format!("missing required argument `{argument}`")))
}

/// Text built from arguments (a `with` template) converted to a parameter's type.
pub fn parse<T: FromWire>(parameter: &str, text: &str) -> Result<T, ToolError> {
    T::from_wire(text).ok_or_else(|| ToolError::new(format!("`{parameter}` must be {}, got {text:?}", T::EXPECTED)))
}

// ---------------------------------------------------------------- schema validation

/// Checks `arguments` against a tool's input schema before any upstream request.
///
/// Covers what our generated schemas use — `type` (a name or a list of names), `properties`,
/// `required`, `additionalProperties`, `items`, `enum` — recursively. Keywords it does not know, and
/// malformed parts of a spec-written schema, are ignored rather than rejected: a schema we cannot read
/// never blocks a call. `null` for an optional property counts as absent (model clients send it for
/// "not given"). Every problem is reported, each naming its argument.
pub fn validate_arguments(schema: &Value, arguments: &Map<String, Value>) -> Result<(), String> {
    let mut problems = Vec::new();
    check_object(schema, arguments, "", &mut problems);
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

fn check_value(schema: &Value, value: &Value, path: &str, problems: &mut Vec<String>) {
    let Value::Object(schema_object) = schema else { return };
    let types: Vec<&str> = match schema_object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let known: Vec<&str> = types.into_iter().filter(|t| KNOWN_TYPES.contains(t)).collect();
    if !known.is_empty() && !known.iter().any(|t| has_type(value, t)) {
        let expected: Vec<&str> = known.iter().map(|t| article(t)).collect();
        problems.push(format!("argument `{path}` must be {}, got {}", expected.join(" or "), describe(value)));
        return;
    }
    if let Some(Value::Array(allowed)) = schema_object.get("enum")
        && !allowed.is_empty()
        && !allowed.contains(value)
    {
        let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
        problems.push(format!("argument `{path}` must be one of {}", allowed.join(", ")));
        return;
    }
    match value {
        Value::Object(object) => check_object(schema, object, path, problems),
        Value::Array(items) => {
            if let Some(item_schema) = schema_object.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_value(item_schema, item, &format!("{path}[{i}]"), problems);
                }
            }
        }
        _ => {}
    }
}

const KNOWN_TYPES: [&str; 7] = ["string", "integer", "number", "boolean", "array", "object", "null"];

fn check_object(schema: &Value, object: &Map<String, Value>, path: &str, problems: &mut Vec<String>) {
    let Value::Object(schema) = schema else { return };
    let join = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    for name in &required {
        if matches!(object.get(*name), None | Some(Value::Null)) {
            problems.push(format!("missing required argument `{}`", join(name)));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (name, value) in object {
        match properties.and_then(|p| p.get(name)) {
            Some(_) if value.is_null() && !required.contains(&name.as_str()) => {}
            Some(_) if value.is_null() => {} // reported as missing above
            Some(property) => check_value(property, value, &join(name), problems),
            None => match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    let mut known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    known.sort_unstable();
                    let hint = if known.is_empty() { " (this takes no arguments)".to_owned() } else { format!(" (expected: {})", known.join(", ")) };
                    problems.push(format!("unknown argument `{}`{hint}", join(name)));
                }
                Some(extra @ Value::Object(_)) => check_value(extra, value, &join(name), problems),
                _ => {}
            },
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn article(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "an array",
        "object" => "an object",
        _ => "null",
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------- results

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
/// the body as text. An upstream status >= 400 and transport failures are results with `isError: true`.
pub fn result(reply: Result<Response, Error>) -> CallToolResult {
    match reply {
        // A handler may answer an error status itself (an override refusing a call): same as upstream's.
        Ok(response) if response.status.as_u16() >= 400 => failure(Error::Status(Box::new(response))),
        Ok(response) => success(&response, None),
        Err(error) => failure(error),
    }
}

/// Like [`result`], with a successful JSON body reshaped by a compiled output mapping.
pub fn result_mapped(reply: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> CallToolResult {
    match reply {
        Ok(response) if response.status.as_u16() >= 400 => failure(Error::Status(Box::new(response))),
        Ok(response) => match serde_json::from_slice::<Value>(&response.body) {
            Ok(value) => success(&response, Some(mapping(&value))),
            Err(_) => ToolError::new(format!("the upstream API answered {} with a body that is not JSON; it cannot be mapped", response.status))
                .into_result(),
        },
        Err(error) => failure(error),
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

fn failure(error: Error) -> CallToolResult {
    match error {
        Error::Status(response) => {
            let body = serde_json::from_slice::<Value>(&response.body).unwrap_or_else(|_| Value::String(response.text().into_owned()));
            let mut details = Map::new();
            details.insert("status".into(), Value::from(response.status.as_u16()));
            details.insert("body".into(), body);
            let text = format!("The upstream API answered {}: {}", response.status, response.text());
            structured(text, Value::Object(details), true)
        }
        Error::Timeout(_) => ToolError::new(format!("The upstream API did not answer in time ({error}).")).into_result(),
        Error::InvalidInput { field, reason } => ToolError::new(format!("invalid argument `{field}`: {reason}")).into_result(),
        other => ToolError::new(other.to_string()).into_result(),
    }
}

// ---------------------------------------------------------------- the server

/// A generated capability's MCP server: the tool table, the dispatcher and the `Handlers` it calls.
/// Cheap to clone (rmcp's Streamable HTTP service makes one for each request it serves).
///
/// Not generic over the handlers: they are captured with the dispatcher, so rmcp's service, the
/// transports and the `/mcp` endpoint are compiled once, here, instead of in every generated crate.
pub struct McpServer {
    inner: Arc<Inner>,
}

/// The dispatcher with its handlers captured: `None` for a tool name it does not know.
type ErasedDispatch = Box<dyn Fn(&str, Arguments) -> Option<ToolFuture> + Send + Sync>;

struct Inner {
    info: ServerConfig,
    tools: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
    dispatch: ErasedDispatch,
}

struct Entry {
    tool: Tool,
    schema: Value,
}

impl Clone for McpServer {
    fn clone(&self) -> Self {
        McpServer { inner: Arc::clone(&self.inner) }
    }
}

impl fmt::Debug for McpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServer")
            .field("name", &self.inner.info.server_info.name)
            .field("tools", &self.inner.tools.iter().map(|e| e.tool.name.as_ref()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl McpServer {
    /// The server of `tools`, each call going to `dispatch` with `handlers`.
    pub fn new<H: Send + Sync + 'static>(
        handlers: Arc<H>,
        server: &ServerSpec,
        tools: &'static [ToolSpec],
        dispatch: Dispatch<H>,
    ) -> Self {
        let mut implementation = Implementation::new(server.name, server.version);
        if let Some(title) = server.title {
            implementation = implementation.with_title(title);
        }
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build()).with_server_info(implementation);
        if let Some(instructions) = server.instructions {
            info = info.with_instructions(instructions);
        }
        let entries: Vec<Entry> = tools
            .iter()
            .map(|spec| {
                let tool = spec.to_tool();
                let schema = Value::Object(tool.input_schema.as_ref().clone());
                Entry { tool, schema }
            })
            .collect();
        let by_name = tools.iter().enumerate().map(|(i, spec)| (spec.name, i)).collect();
        let dispatch: ErasedDispatch = Box::new(move |tool, arguments| dispatch(Arc::clone(&handlers), tool, arguments));
        McpServer { inner: Arc::new(Inner { info, tools: entries, by_name, dispatch }) }
    }

    /// The tools as `tools/list` advertises them.
    pub fn tools(&self) -> Vec<Tool> {
        self.inner.tools.iter().map(|e| e.tool.clone()).collect()
    }

    /// The `tools/list` result (every tool, no pagination); shared by both transports.
    fn list_tools_result(&self) -> ListToolsResult {
        ListToolsResult::with_all_items(self.tools())
    }

    /// A `tools/call` request's result; shared by both transports.
    async fn call_tool_params(&self, request: CallToolRequestParams) -> Result<CallToolResult, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        self.call(&request.name, arguments).await
    }

    /// Runs one tool call: unknown tool → protocol error (invalid params); arguments that do not fit
    /// the input schema → `isError` result, with nothing sent upstream; otherwise the tool's result.
    pub async fn call(&self, name: &str, arguments: Map<String, Value>) -> Result<CallToolResult, ErrorData> {
        let Some(entry) = self.inner.by_name.get(name).and_then(|&i| self.inner.tools.get(i)) else {
            return Err(ErrorData::invalid_params(format!("unknown tool `{name}`"), None));
        };
        let start = Instant::now();
        if let Err(problems) = validate_arguments(&entry.schema, &arguments) {
            tracing::info!(tool = name, "tool call rejected: the arguments do not match the input schema");
            return Ok(ToolError::new(format!("invalid arguments for `{name}`: {problems}")).into_result());
        }
        let Some(future) = (self.inner.dispatch)(name, Arguments::new(arguments)) else {
            return Err(ErrorData::internal_error(format!("tool `{name}` is listed but has no implementation"), None));
        };
        let result = future.await.unwrap_or_else(ToolError::into_result);
        // Never the arguments or the result: either may carry data the operator must not log.
        tracing::info!(tool = name, is_error = result.is_error == Some(true), micros = start.elapsed().as_micros() as u64, "tool call");
        Ok(result)
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.inner.info.clone()
    }

    fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<ListToolsResult, ErrorData>> + MaybeSendFuture + '_ {
        std::future::ready(Ok(self.list_tools_result()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.by_name.get(name).and_then(|&i| self.inner.tools.get(i)).map(|e| e.tool.clone())
    }

    async fn call_tool(&self, request: CallToolRequestParams, _context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        self.call_tool_params(request).await.map(CallToolResponse::from)
    }
}

// ---------------------------------------------------------------- transports

/// Options of the Streamable HTTP router.
#[derive(Clone, Debug)]
pub struct McpOptions {
    /// The credentials the MCP expose demands (checked before rmcp sees the request).
    pub auth: Option<ServerAuth>,
    /// Largest accepted request body (413 beyond).
    pub body_limit: usize,
    /// Accepted `Host` values (`host` or `host:port`), against DNS rebinding; empty accepts any.
    pub allowed_hosts: Vec<String>,
    /// Accepted browser `Origin`s (`scheme://host[:port|:*]`); empty skips the check.
    pub allowed_origins: Vec<String>,
}

const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

impl Default for McpOptions {
    /// Loopback only: what a server bound to 127.0.0.1 (the default, DESIGN §3.11) is reached by.
    fn default() -> Self {
        McpOptions { auth: None, body_limit: DEFAULT_BODY_LIMIT, allowed_hosts: loopback_hosts(), allowed_origins: Vec::new() }
    }
}

impl McpOptions {
    /// Options for a server listening on `address` (`host`, `host:port`, `[v6]:port`; `None` is the
    /// loopback default). See [`allowed_hosts_for`].
    pub fn for_address(address: Option<&str>) -> Self {
        McpOptions { allowed_hosts: address.map_or_else(loopback_hosts, allowed_hosts_for), ..McpOptions::default() }
    }
}

fn loopback_hosts() -> Vec<String> {
    LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect()
}

/// The `Host` values to accept for a listen address. Loopback: the loopback names (a browser page
/// cannot reach the server through a rebinding DNS name). A named or specific address: that name
/// too. All interfaces (`0.0.0.0`, `::`): any host, since the names a load balancer or cluster
/// forwards are not known here — such a deployment relies on the expose's `authentication`.
pub fn allowed_hosts_for(address: &str) -> Vec<String> {
    let host = host_of(address);
    match host.as_str() {
        "" | "0.0.0.0" | "::" | "*" => Vec::new(),
        h if LOOPBACK_HOSTS.contains(&h) || h.starts_with("127.") => loopback_hosts(),
        h => {
            let mut hosts = loopback_hosts();
            hosts.push(h.to_owned());
            hosts
        }
    }
}

fn host_of(address: &str) -> String {
    let address = address.trim();
    let host = if let Some(rest) = address.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if address.matches(':').count() == 1 {
        address.split(':').next().unwrap_or_default()
    } else {
        address // a bare IPv6 address, or a name without port
    };
    host.to_ascii_lowercase()
}

/// The Streamable HTTP transport at [`MCP_PATH`]: stateless (no session kept between requests, so
/// replicas behind a load balancer need no affinity — DESIGN §3.13), JSON responses, bounded bodies,
/// `Host`/`Origin` checks, the expose's authentication, and JSON 401/404/405 like the REST router.
///
/// The body limit is the [`BodyLimit`] request extension when the binary sets one (`--body-limit`),
/// else `options.body_limit`; a larger body is a JSON 413.
///
/// rmcp's stateless service builds and runs a whole service (channels, tasks, cancellation tokens)
/// for every POST. The plain requests — `ping`, `tools/list`, `tools/call` and notifications on a
/// protocol version with the `initialize` handshake, which is what clients send once initialized —
/// are answered here directly, byte for byte as rmcp would (see `Endpoint::answer`); everything
/// else (`initialize`, discovery, per-request protocol metadata, the 2026-07-28 headers, other
/// methods, and every malformed or refused request) goes to rmcp's service, so its answers stay
/// rmcp's own.
pub fn router(server: McpServer, options: McpOptions) -> axum::Router {
    let auth = options.auth.clone();
    let rmcp_server = server.clone();
    let endpoint = Arc::new(Endpoint::new(server, &options, move || Ok(rmcp_server.clone())));
    let router = axum::Router::new().route(
        MCP_PATH,
        axum::routing::any(move |request: Request| {
            let endpoint = Arc::clone(&endpoint);
            async move { endpoint.handle(request).await }
        }),
    );
    crate::rest::finish(router, RestOptions { auth })
}

/// The `/mcp` endpoint: the direct answers and rmcp's service for the rest.
struct Endpoint {
    server: McpServer,
    rmcp: StreamableHttpService<McpServer, NeverSessionManager>,
    /// No `Host` allow-list (rmcp then accepts any well-formed `Host`).
    any_host: bool,
    /// The allow-list as rmcp reads it: lowercase host without brackets, optional port.
    hosts: Vec<(String, Option<u16>)>,
    /// An `Origin` allow-list is set: requests carrying `Origin` go to rmcp, which checks it.
    check_origins: bool,
    body_limit: usize,
}

impl Endpoint {
    /// `make_server` is what rmcp's service calls for each request it serves.
    fn new(
        server: McpServer,
        options: &McpOptions,
        make_server: impl Fn() -> Result<McpServer, std::io::Error> + Send + Sync + 'static,
    ) -> Self {
        let config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            // Bounded in `handle`, before rmcp reads the body.
            .with_max_request_body_bytes(usize::MAX)
            .with_allowed_hosts(options.allowed_hosts.clone())
            .with_allowed_origins(options.allowed_origins.clone());
        Endpoint {
            server,
            rmcp: StreamableHttpService::new(make_server, Arc::new(NeverSessionManager::default()), config),
            any_host: options.allowed_hosts.is_empty(),
            hosts: options.allowed_hosts.iter().filter_map(|h| allowed_authority(h)).collect(),
            check_origins: !options.allowed_origins.is_empty(),
            body_limit: options.body_limit,
        }
    }

    async fn handle(&self, request: Request) -> HttpResponse {
        // Buffered up to the limit (MCP messages are small JSON documents, and rmcp reads them whole
        // anyway), answering 413 beyond it.
        let limit = request.extensions().get::<BodyLimit>().map_or(self.body_limit, |l| l.0);
        let (parts, body) = request.into_parts();
        let body = match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(_) => return AdapterError::too_large(limit).into_response(),
        };
        if parts.method == http::Method::POST
            && self.admits(&parts)
            && let Some(response) = self.answer(&parts.headers, &body).await
        {
            return response;
        }
        self.rmcp.handle(Request::from_parts(parts, Body::from(body))).await.map(Body::new)
    }

    /// Whether rmcp's stateless POST checks all pass before it reads the body: `Host` allowed,
    /// `Origin` unchecked, both media types accepted, a JSON body. A request failing any of them is
    /// left to rmcp, whose refusal (400, 403, 406, 415) is then the answer.
    fn admits(&self, parts: &http::request::Parts) -> bool {
        let headers = &parts.headers;
        self.host_allowed(&parts.uri, headers)
            && !(self.check_origins && headers.contains_key(http::header::ORIGIN))
            && accepts_json_and_sse(headers)
            && headers.get(http::header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).is_some_and(|h| {
                let essence = h.split_once(';').map_or(h, |(essence, _)| essence);
                essence.trim().eq_ignore_ascii_case(JSON_MIME_TYPE)
            })
    }

    /// rmcp's `Host` check: the `Host` header (else the URI's authority, as HTTP/2 sends it) must be
    /// a well-formed authority whose host (case-insensitive, without IPv6 brackets) is on the list,
    /// with the listed port when one is listed.
    fn host_allowed(&self, uri: &http::Uri, headers: &http::HeaderMap) -> bool {
        let check = |host: &str, port: Option<u16>| {
            let host = host.trim_matches('[').trim_matches(']');
            self.any_host || self.hosts.iter().any(|(h, p)| h.eq_ignore_ascii_case(host) && p.is_none_or(|p| port == Some(p)))
        };
        match headers.get(http::header::HOST) {
            Some(host) => host
                .to_str()
                .ok()
                .and_then(|h| http::uri::Authority::try_from(h).ok())
                .is_some_and(|authority| check(authority.host(), authority.port_u16())),
            None => uri.authority().is_some_and(|authority| check(authority.host(), authority.port_u16())),
        }
    }

    /// The answer to a POST that passed [`Self::admits`], or `None` to leave it to rmcp.
    ///
    /// What rmcp's stateless JSON-response path does for these messages: a request on a protocol
    /// version with the `initialize` handshake (the `MCP-Protocol-Version` header, else 2025-03-26)
    /// that carries no protocol version in its `_meta` is served with the peer on that version — the
    /// handler's result made legacy-shaped (no `resultType: "complete"`, no non-object structured
    /// content) — and answered 200 with the JSON-RPC response or error; a notification is 202 with
    /// an empty body.
    async fn answer(&self, headers: &http::HeaderMap, body: &[u8]) -> Option<HttpResponse> {
        if let Some(version) = headers.get(HEADER_MCP_PROTOCOL_VERSION) {
            let version = version.to_str().ok()?;
            // Unknown versions are refused by rmcp; 2026-07-28 and later bring header and `_meta` rules.
            if !ProtocolVersion::KNOWN_VERSIONS.iter().any(|known| known.as_str() == version && known.has_initialize()) {
                return None;
            }
        }
        let message = client_message(body)?;
        let (request, id) = match message {
            ClientJsonRpcMessage::Notification(_) => return Some(http::StatusCode::ACCEPTED.into_response()),
            ClientJsonRpcMessage::Request(JsonRpcRequest { id, request, .. }) => (request, id),
            _ => return None,
        };
        if request.get_meta().protocol_version().is_some() {
            return None; // per-request negotiation
        }
        let result = match request {
            ClientRequest::PingRequest(_) => Ok(ServerResult::empty(())),
            ClientRequest::ListToolsRequest(_) => Ok(ServerResult::ListToolsResult(self.server.list_tools_result())),
            ClientRequest::CallToolRequest(call) => self.server.call_tool_params(call.params).await.map(ServerResult::CallToolResult),
            _ => return None,
        };
        let mut size = 256;
        let message = match result {
            Ok(mut result) => {
                result.strip_result_type_for_legacy_peer();
                result.strip_non_object_output_for_legacy_peer();
                if let ServerResult::CallToolResult(call) = &result {
                    // The text is written escaped, and structured content usually repeats it.
                    size += call.content.iter().filter_map(|c| c.as_text()).map(|t| t.text.len() * 2).sum::<usize>();
                }
                ServerJsonRpcMessage::response(result, id)
            }
            Err(error) => ServerJsonRpcMessage::error(error, Some(id)),
        };
        let mut body = Vec::with_capacity(size);
        Some(match serde_json::to_writer(&mut body, &message) {
            Ok(()) => {
                let mut response = HttpResponse::new(Body::from(body));
                response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(JSON_MIME_TYPE));
                response
            }
            Err(error) => {
                tracing::error!("Internal server error when serialize json response: {error}");
                let mut response = HttpResponse::new(Body::from(format!("Encounter an error when serialize json response: {error}")));
                *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                response
            }
        })
    }
}

/// The body as rmcp reads it (`None` where rmcp refuses it).
///
/// `ClientJsonRpcMessage` is an untagged enum of untagged enums: rmcp buffers the message, then tries
/// each of some twenty request types in turn (building an error for each miss) until `tools/call`
/// matches. A plain `tools/call` — exactly the members `jsonrpc`, `id`, `method` and `params`, each
/// once — is read as the request type that attempt ends at, `JsonRpcRequest<CallToolRequest>`, which
/// is what rmcp's reading yields when it succeeds; anything else is read by rmcp's type.
fn client_message(body: &[u8]) -> Option<ClientJsonRpcMessage> {
    if serde_json::from_slice::<Envelope>(body).is_ok_and(|e| e.tools_call)
        && let Ok(JsonRpcRequest { jsonrpc, id, request }) = serde_json::from_slice::<JsonRpcRequest<CallToolRequest>>(body)
    {
        return Some(ClientJsonRpcMessage::Request(JsonRpcRequest { jsonrpc, id, request: ClientRequest::CallToolRequest(request) }));
    }
    serde_json::from_slice(body).ok()
}

/// A scan of a JSON-RPC message's members: an error unless they are among `jsonrpc`, `id`, `method`
/// (a string) and `params`, each at most once. Reads no member into memory.
struct Envelope {
    tools_call: bool,
}

impl<'de> serde::Deserialize<'de> for Envelope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Envelope;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON-RPC message with plain members")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
                use serde::de::{Error as _, IgnoredAny};
                const MEMBERS: [&str; 4] = ["jsonrpc", "id", "method", "params"];
                let mut seen = [false; 4];
                let mut tools_call = false;
                while let Some(slot) = map.next_key_seed(OneOf(&MEMBERS))? {
                    let Some(slot) = slot else { return Err(A::Error::custom("another member")) };
                    if std::mem::replace(&mut seen[slot], true) {
                        return Err(A::Error::custom("a repeated member"));
                    }
                    if slot == 2 {
                        tools_call = map.next_value_seed(OneOf(&["tools/call"]))?.is_some();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Envelope { tools_call })
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Which of these strings a JSON string is (`None`: another); an error for anything but a string.
struct OneOf<'a>(&'a [&'a str]);

impl<'de> serde::de::DeserializeSeed<'de> for OneOf<'_> {
    type Value = Option<usize>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for OneOf<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|candidate| *candidate == text))
    }
}

/// An entry of the `Host` allow-list as rmcp reads it (`host`, `host:port`, `[v6]:port`).
fn allowed_authority(allowed: &str) -> Option<(String, Option<u16>)> {
    let allowed = allowed.trim();
    if allowed.is_empty() {
        return None;
    }
    let normalize = |host: &str| host.trim_matches('[').trim_matches(']').to_ascii_lowercase();
    Some(match http::uri::Authority::try_from(allowed) {
        Ok(authority) => (normalize(authority.host()), authority.port_u16()),
        Err(_) => (normalize(allowed), None),
    })
}

/// rmcp's `Accept` rule for POST: both `application/json` and `text/event-stream` among the media
/// ranges not weighted `q=0` (delimiters inside quoted strings do not split).
fn accepts_json_and_sse(headers: &http::HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(http::header::ACCEPT).iter().filter_map(|v| v.to_str().ok()) {
        for entry in split_unquoted(value, ',') {
            let mut parts = split_unquoted(entry, ';');
            let Some(essence) = parts.next().map(str::trim) else { continue };
            let weighted_zero = parts.any(|parameter| {
                parameter.split_once('=').is_some_and(|(name, q)| name.trim().eq_ignore_ascii_case("q") && !quality_is_acceptable(q.trim()))
            });
            if !weighted_zero {
                json |= essence.eq_ignore_ascii_case(JSON_MIME_TYPE);
                sse |= essence.eq_ignore_ascii_case(EVENT_STREAM_MIME_TYPE);
            }
        }
    }
    json && sse
}

fn split_unquoted(value: &str, delimiter: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    value.split(move |character| {
        if escaped {
            escaped = false;
        } else if quoted && character == '\\' {
            escaped = true;
        } else if character == '"' {
            quoted = !quoted;
        } else if !quoted && character == delimiter {
            return true;
        }
        false
    })
}

/// Only an explicit zero weight excludes a media range; a malformed weight is ignored (RFC 9110
/// §12.4.2 allows up to three fractional digits).
fn quality_is_acceptable(quality: &str) -> bool {
    let (whole, fraction) = quality.split_once('.').unwrap_or((quality, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|digit| digit.is_ascii_digit()) {
        return true;
    }
    whole != "0" || fraction.bytes().any(|digit| digit != b'0')
}

/// Serves MCP on stdin/stdout until the client closes stdin. Logs must go to stderr (stdout is the
/// protocol stream).
pub async fn serve_stdio(server: McpServer) -> Result<(), BoxError> {
    use rmcp::ServiceExt as _;
    let running = server.serve(rmcp::transport::stdio_pipes()).await?;
    running.waiting().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::http::{HeaderValue, StatusCode, header};
    use serde_json::json;

    use super::*;

    const SCHEMA: &str = r#"{"type":"object","properties":{"zone":{"type":"string"},"per_page":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}},"body":{"type":"object"}},"required":["zone"],"additionalProperties":false}"#;

    fn schema() -> Value {
        serde_json::from_str(SCHEMA).unwrap()
    }

    fn args(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("arguments must be an object"),
        }
    }

    #[test]
    fn valid_arguments_pass() {
        let ok = json!({"zone": "fr-par-1", "per_page": 5, "tags": ["a", "b"], "body": {"x": 1}});
        assert_eq!(validate_arguments(&schema(), &args(ok)), Ok(()));
        // `null` for an optional argument means "not given"; 5.0 is an integer in JSON Schema.
        assert_eq!(validate_arguments(&schema(), &args(json!({"zone": "z", "per_page": 5.0, "tags": null}))), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_by_argument_name() {
        let bad = json!({"per_page": "five", "tags": ["a", 2], "colour": "red"});
        let message = validate_arguments(&schema(), &args(bad)).unwrap_err();
        assert_eq!(
            message,
            "missing required argument `zone`; argument `per_page` must be an integer, got a string; \
             argument `tags[1]` must be a string, got an integer; unknown argument `colour` (expected: body, per_page, tags, zone)"
        );
        let null_required = validate_arguments(&schema(), &args(json!({"zone": null}))).unwrap_err();
        assert_eq!(null_required, "missing required argument `zone`");
    }

    #[test]
    fn nested_objects_and_enums_are_checked() {
        let schema = json!({"type": "object", "properties": {"body": {"type": "object", "properties": {
            "size": {"type": ["integer", "null"]}, "kind": {"enum": ["a", "b"]}}, "required": ["kind"], "additionalProperties": false}}});
        assert_eq!(validate_arguments(&schema, &args(json!({"body": {"kind": "a", "size": null}}))), Ok(()));
        let message = validate_arguments(&schema, &args(json!({"body": {"kind": "c", "size": 1.5, "extra": 1}}))).unwrap_err();
        assert_eq!(
            message,
            "argument `body.kind` must be one of \"a\", \"b\"; argument `body.size` must be an integer or null, got a number; \
             unknown argument `body.extra` (expected: kind, size)"
        );
    }

    #[test]
    fn spec_written_schemas_are_read_leniently() {
        // Unknown keywords, unknown type names, a malformed `required`, no `additionalProperties`.
        let schema = json!({"type": "object", "required": "zone", "properties": {
            "zone": {"type": "uuid", "format": "uuid"}, "n": {"type": 5}, "any": true}});
        assert_eq!(validate_arguments(&schema, &args(json!({"zone": 1, "n": "x", "any": [], "other": {}}))), Ok(()));
        assert_eq!(validate_arguments(&json!("not a schema"), &args(json!({"a": 1}))), Ok(()));
        let no_arguments = json!({"type": "object", "additionalProperties": false});
        assert_eq!(validate_arguments(&no_arguments, &args(json!({"a": 1}))).unwrap_err(), "unknown argument `a` (this takes no arguments)");
    }

    #[test]
    fn arguments_convert_to_parameter_types() {
        let a = Arguments::new(args(json!({"s": "x", "n": 5, "f": 2.5, "b": true, "list": ["a", 1], "one": "a", "nil": null, "text_n": "7"})));
        assert_eq!(a.get::<String>("s"), Ok(Some("x".to_owned())));
        assert_eq!(a.get::<String>("n"), Ok(Some("5".to_owned())));
        assert_eq!(a.get::<i64>("n"), Ok(Some(5)));
        assert_eq!(a.get::<i64>("text_n"), Ok(Some(7)));
        assert_eq!(a.get::<f64>("f"), Ok(Some(2.5)));
        assert_eq!(a.get::<bool>("b"), Ok(Some(true)));
        assert_eq!(a.get::<Vec<String>>("list"), Ok(Some(vec!["a".to_owned(), "1".to_owned()])));
        assert_eq!(a.get::<Vec<String>>("one"), Ok(Some(vec!["a".to_owned()])));
        assert_eq!(a.get::<Value>("b"), Ok(Some(json!(true))));
        assert_eq!(a.get::<String>("nil"), Ok(None));
        assert_eq!(a.get::<String>("absent"), Ok(None));
        assert_eq!(a.get::<i64>("f").unwrap_err().message(), "argument `f` must be an integer, got a number");
        assert_eq!(a.get::<bool>("s").unwrap_err().message(), "argument `s` must be a boolean, got a string");
        assert_eq!(required("zone", a.get::<String>("absent").unwrap()).unwrap_err().message(), "missing required argument `zone`");
        assert_eq!(parse::<i64>("per_page", "x").unwrap_err().message(), "`per_page` must be an integer, got \"x\"");
    }

    fn reply(status: u16, body: &str) -> Response {
        let mut headers = http::HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response { status: StatusCode::from_u16(status).unwrap(), headers, body: bytes::Bytes::from(body.to_owned()) }
    }

    fn wire(result: &CallToolResult) -> Value {
        serde_json::to_value(result).unwrap()
    }

    #[test]
    fn success_carries_structured_content_and_the_body_as_text() {
        let body = r#"{"snapshots": [], "total_count": 0}"#;
        let w = wire(&result(Ok(reply(200, body))));
        assert_eq!(w["structuredContent"], json!({"snapshots": [], "total_count": 0}));
        assert_eq!(w["content"], json!([{"type": "text", "text": body}]));
        assert_eq!(w["isError"], json!(false));
        // Any JSON value is structured content (MCP 2026-07-28); rmcp strips non-objects for older peers.
        assert_eq!(wire(&result(Ok(reply(200, "[1,2]"))))["structuredContent"], json!([1, 2]));
    }

    #[test]
    fn bodies_without_json_are_text() {
        let empty = wire(&result(Ok(reply(204, ""))));
        assert_eq!(empty["content"][0]["text"], "The upstream API answered 204 No Content with an empty body.");
        assert!(empty.get("structuredContent").is_none());
        let text = wire(&result(Ok(reply(200, "plain words"))));
        assert_eq!(text["content"][0]["text"], "plain words");
        assert!(text.get("structuredContent").is_none());
    }

    #[test]
    fn upstream_errors_are_tool_errors_with_status_and_body() {
        let body = r#"{"message":"resource is not found","type":"not_found"}"#;
        let w = wire(&result(Err(Error::Status(Box::new(reply(404, body))))));
        assert_eq!(w["isError"], json!(true));
        assert_eq!(w["structuredContent"], json!({"status": 404, "body": {"message": "resource is not found", "type": "not_found"}}));
        assert_eq!(w["content"][0]["text"], format!("The upstream API answered 404 Not Found: {body}"));
        let invalid = wire(&result(Err(Error::InvalidInput { field: "zone".into(), reason: "`..` is not a path segment".into() })));
        assert_eq!(invalid["isError"], json!(true));
        assert_eq!(invalid["content"][0]["text"], "invalid argument `zone`: `..` is not a path segment");
    }

    #[test]
    fn mapped_results_are_reshaped() {
        let w = wire(&result_mapped(Ok(reply(200, r#"{"a": {"b": 3}}"#)), |v| v["a"]["b"].clone()));
        assert_eq!(w["structuredContent"], json!(3));
        assert_eq!(w["content"][0]["text"], "3");
        let not_json = wire(&result_mapped(Ok(reply(200, "<html>")), |v| v.clone()));
        assert_eq!(not_json["isError"], json!(true));
    }

    const TOOLS: &[ToolSpec] = &[
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

    const SERVER: ServerSpec = ServerSpec { name: "snapshots-mcp", title: Some("Snapshots"), version: "0.1.0", instructions: Some("Use the tools.") };

    #[test]
    fn tools_advertise_only_the_hints_that_are_set() {
        let tools = serde_json::to_value(tools(TOOLS)).unwrap();
        assert_eq!(tools[0]["annotations"], json!({"title": "Get a snapshot", "readOnlyHint": true, "idempotentHint": true}));
        assert_eq!(tools[0]["title"], "Get a snapshot");
        assert_eq!(tools[0]["inputSchema"], schema());
        assert_eq!(tools[1], json!({"name": "plain", "inputSchema": {"type": "object"}}));
    }

    /// Counts upstream calls: a rejected call must not reach the handlers.
    #[derive(Default)]
    struct Counting {
        calls: AtomicUsize,
    }

    fn dispatch(handlers: Arc<Counting>, name: &str, args: Arguments) -> Option<ToolFuture> {
        match name {
            "get-snapshot" => Some(boxed(async move {
                let zone = required("zone", args.get::<String>("zone")?)?;
                handlers.calls.fetch_add(1, Ordering::SeqCst);
                Ok(result(Ok(reply(200, &json!({ "zone": zone }).to_string()))))
            })),
            "numbers" => Some(boxed(async move { Ok(result(Ok(reply(200, "[1, 2, 3]")))) })),
            _ => None,
        }
    }

    fn server() -> (Arc<Counting>, McpServer) {
        let handlers = Arc::new(Counting::default());
        (Arc::clone(&handlers), McpServer::new(handlers, &SERVER, TOOLS, dispatch))
    }

    #[tokio::test]
    async fn calls_are_validated_before_dispatch() {
        let (handlers, server) = server();
        let missing = server.call("get-snapshot", args(json!({"per_page": 2}))).await.unwrap();
        assert_eq!(missing.is_error, Some(true));
        assert_eq!(wire(&missing)["content"][0]["text"], "invalid arguments for `get-snapshot`: missing required argument `zone`");
        assert_eq!(handlers.calls.load(Ordering::SeqCst), 0, "nothing may be sent upstream");

        let ok = server.call("get-snapshot", args(json!({"zone": "fr-par-1"}))).await.unwrap();
        assert_eq!(ok.structured_content, Some(json!({"zone": "fr-par-1"})));
        assert_eq!(handlers.calls.load(Ordering::SeqCst), 1);

        let unknown = server.call("nope", Map::new()).await.unwrap_err();
        assert_eq!(unknown.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        let unimplemented = server.call("plain", Map::new()).await.unwrap_err();
        assert_eq!(unimplemented.code, rmcp::model::ErrorCode::INTERNAL_ERROR);
    }

    #[test]
    fn server_info_names_the_expose() {
        let (_, server) = server();
        let info = serde_json::to_value(server.get_info()).unwrap();
        assert_eq!(info["serverInfo"]["name"], "snapshots-mcp");
        assert_eq!(info["serverInfo"]["title"], "Snapshots");
        assert_eq!(info["instructions"], "Use the tools.");
        assert!(info["capabilities"]["tools"].is_object());
        assert!(server.get_tool("get-snapshot").is_some());
        assert!(server.get_tool("nope").is_none());
    }

    #[test]
    fn allowed_hosts_follow_the_listen_address() {
        assert_eq!(allowed_hosts_for("127.0.0.1:9090"), loopback_hosts());
        assert_eq!(allowed_hosts_for("[::1]:9090"), loopback_hosts());
        assert_eq!(allowed_hosts_for("0.0.0.0:9090"), Vec::<String>::new());
        assert_eq!(allowed_hosts_for("::"), Vec::<String>::new());
        assert_eq!(allowed_hosts_for("mcp.example.com:443").last().map(String::as_str), Some("mcp.example.com"));
        assert_eq!(McpOptions::for_address(None).allowed_hosts, loopback_hosts());
    }

    async fn post(router: axum::Router, host: &str, headers: &[(&str, &str)], body: String) -> (StatusCode, Value) {
        use tower::Service as _;
        let mut request = axum::http::Request::post(MCP_PATH)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).unwrap();
        let response = router.into_service().call(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn list_request() -> String {
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).to_string()
    }

    #[tokio::test]
    async fn streamable_http_answers_statelessly_in_json() {
        let (_, server) = server();
        let (status, reply) = post(router(server.clone(), McpOptions::default()), "127.0.0.1:9090", &[], list_request()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reply["result"]["tools"][0]["name"], "get-snapshot");

        let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {}}});
        let (_, reply) = post(router(server, McpOptions::default()), "localhost", &[], call.to_string()).await;
        assert_eq!(reply["result"]["isError"], json!(true));
    }

    #[tokio::test]
    async fn streamable_http_guards_hosts_credentials_and_body_size() {
        let (_, server) = server();
        let (status, _) = post(router(server.clone(), McpOptions::default()), "evil.example", &[], list_request()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let auth = McpOptions { auth: Some(ServerAuth::Bearer { token: crate::Secret::new("s3cret".to_owned()) }), ..McpOptions::default() };
        let (status, reply) = post(router(server.clone(), auth.clone()), "localhost", &[], list_request()).await;
        assert_eq!((status, reply["type"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
        let (status, _) = post(router(server.clone(), auth), "localhost", &[("authorization", "Bearer s3cret")], list_request()).await;
        assert_eq!(status, StatusCode::OK);

        let small = McpOptions { body_limit: 16, ..McpOptions::default() };
        let (status, reply) = post(router(server, small), "localhost", &[], list_request()).await;
        assert_eq!((status, reply["type"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    }

    // ------------------------------------------------------------ the `/mcp` endpoint vs rmcp's service

    fn endpoint(options: McpOptions) -> Endpoint {
        endpoint_counting(options, Arc::default())
    }

    /// An endpoint whose rmcp service counts the requests it serves (it makes a server for each).
    fn endpoint_counting(options: McpOptions, served_by_rmcp: Arc<AtomicUsize>) -> Endpoint {
        let (_, server) = server();
        let rmcp_server = server.clone();
        Endpoint::new(server, &options, move || {
            served_by_rmcp.fetch_add(1, Ordering::SeqCst);
            Ok(rmcp_server.clone())
        })
    }

    fn http_request(method: &str, headers: &[(&str, &str)], body: &str) -> Request {
        let mut request = axum::http::Request::builder().method(method).uri(MCP_PATH);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::from(body.to_owned())).unwrap()
    }

    /// Status, the headers that matter, and the body.
    async fn parts_of(response: HttpResponse) -> (StatusCode, Vec<(String, String)>, String) {
        let status = response.status();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != header::CONTENT_LENGTH)
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_owned()))
            .collect();
        headers.sort();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    const STANDARD: [(&str, &str); 3] =
        [("host", "localhost:9090"), ("content-type", "application/json"), ("accept", "application/json, text/event-stream")];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut headers: Vec<_> = STANDARD.iter().filter(|(name, _)| !extra.iter().any(|(n, _)| n == name)).copied().collect();
        headers.extend_from_slice(extra);
        headers
    }

    /// Every request is answered exactly as rmcp's own stateless service answers it, and the plain ones
    /// without it.
    #[tokio::test]
    async fn the_endpoint_answers_like_rmcp() {
        let endpoint = endpoint(McpOptions { allowed_origins: vec!["https://app.example:*".into()], ..McpOptions::default() });
        let call = |id: Value, name: &str, arguments: Value| {
            json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}}).to_string()
        };
        let direct: Vec<String> = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string(),
            json!({"jsonrpc": "2.0", "id": "a", "method": "ping", "params": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"cursor": "x"}}).to_string(),
            call(json!(4), "get-snapshot", json!({"zone": "fr-par-1"})),
            call(json!("five"), "get-snapshot", json!({"zone": 1, "colour": "red"})),
            call(json!(6), "numbers", json!({})),
            call(json!(7), "nope", json!({})),
            call(json!(8), "plain", json!({})),
            json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "get-snapshot"}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {"zone": "z"}, "_meta": {"progressToken": 3}}}).to_string(),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
            json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}}).to_string(),
            json!({"jsonrpc": "2.0", "method": "whatever/custom"}).to_string(),
        ];
        let to_rmcp: Vec<String> = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2026-07-28", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 2, "method": "server/discover", "params": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 3, "method": "no/such"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 4, "method": "prompts/list"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2025-11-25"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 6, "result": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -1, "message": "x"}}).to_string(),
            json!({"jsonrpc": "1.0", "id": 8, "method": "tools/list"}).to_string(),
            json!([{"jsonrpc": "2.0", "id": 9, "method": "tools/list"}]).to_string(),
            "{not json".to_owned(),
            String::new(),
        ];
        let plain = with(&[]);
        let versions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
        let mut header_sets: Vec<Vec<(&str, &str)>> = vec![plain.clone()];
        header_sets.extend(versions.iter().map(|v| with(&[("mcp-protocol-version", v)])));
        header_sets.push(with(&[("accept", "text/event-stream;q=0.5, application/json;profile=\"a,b\"")]));
        header_sets.push(with(&[("content-type", "Application/JSON; charset=utf-8"), ("host", "[::1]")]));
        header_sets.push(with(&[("origin", "https://app.example:8443")]));

        for headers in &header_sets {
            for body in &direct {
                let ours = endpoint.answer(&headers_of(headers), body.as_bytes()).await;
                assert!(ours.is_some(), "answered directly: {body} with {headers:?}");
                compare(&endpoint, headers, body).await;
            }
            for body in &to_rmcp {
                assert!(endpoint.answer(&headers_of(headers), body.as_bytes()).await.is_none(), "left to rmcp: {body}");
                compare(&endpoint, headers, body).await;
            }
            for body in ODD_CALLS {
                compare(&endpoint, headers, body).await;
            }
        }
        // Refused before or by the body checks, and everything that is not a POST: rmcp's answers.
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();
        let refused = [
            with(&[("accept", "application/json")]),
            with(&[("accept", "application/json, text/event-stream;q=0")]),
            with(&[("accept", "application/json;q=0.000, text/event-stream")]),
            with(&[("content-type", "text/plain")]),
            with(&[("host", "evil.example")]),
            with(&[("host", "bad host")]),
            with(&[("origin", "https://evil.example")]),
            with(&[("origin", "not an origin")]),
            with(&[("mcp-protocol-version", "1999-01-01")]),
            with(&[("mcp-protocol-version", "2026-07-28")]),
        ];
        for headers in &refused {
            assert!(!endpoint.admits(&http_request("POST", headers, "").into_parts().0) || endpoint.answer(&headers_of(headers), list.as_bytes()).await.is_none());
            compare(&endpoint, headers, &list).await;
        }
        for method in ["GET", "DELETE", "PUT", "HEAD"] {
            let ours = parts_of(endpoint.handle(http_request(method, &plain, "")).await).await;
            let theirs = parts_of(endpoint.rmcp.handle(http_request(method, &plain, "")).await.map(Body::new)).await;
            assert_eq!(ours, theirs, "{method}");
        }
    }

    /// `tools/call` messages off the plain shape (member order, escapes, repeated or extra members,
    /// odd params, ids and versions): some are served directly, some by rmcp, some refused.
    const ODD_CALLS: &[&str] = &[
        r#"{"params":{"arguments":{"zone":"z"},"name":"get-snapshot"},"method":"tools/call","id":1,"jsonrpc":"2.0"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools\/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"\u006dethod":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"extra":true}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"a"}},"params":{"name":"get-snapshot","arguments":{"zone":"b"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","name":"plain","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"a","zone":"b"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"progressToken":"t"},"other":1}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":null}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"requestState":"s","inputResponses":{}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":null}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z","per_page":1e2,"tags":[1.5,-0]}}}"#,
        r#"{"jsonrpc":"2.0","id":-9007199254740993,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"\ud83d\ude00"}}}"#,
        r#"{"jsonrpc":"2.0","id":"x\"y","method":"tools/call","params":{"name":"numbers"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":["z"]}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","requestState":5}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"result":null}"#,
        r#"  {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}  "#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}} x"#,
        r#"{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"error":{}}"#,
        r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"result":{}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":5,"params":{"name":"get-snapshot"}}"#,
    ];

    /// The quick reading of `tools/call` gives what rmcp's reading gives, and refuses what it refuses.
    #[test]
    fn messages_are_read_as_rmcp_reads_them() {
        let plain = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"progressToken":1}}}"#;
        let bodies = ODD_CALLS.iter().chain(std::iter::once(&plain));
        for body in bodies {
            let ours = client_message(body.as_bytes());
            let theirs = serde_json::from_slice::<ClientJsonRpcMessage>(body.as_bytes()).ok();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{body}");
            assert_eq!(ours.map(|m| serde_json::to_value(m).unwrap()), theirs.map(|m| serde_json::to_value(m).unwrap()), "{body}");
        }
        let Some(ClientJsonRpcMessage::Request(request)) = client_message(plain.as_bytes()) else { panic!("a request") };
        assert!(matches!(request.request, ClientRequest::CallToolRequest(_)));
        assert_eq!(request.request.get_meta().get_progress_token(), Some(rmcp::model::ProgressToken(rmcp::model::NumberOrString::Number(1))));
        assert!(serde_json::from_slice::<Envelope>(plain.as_bytes()).is_ok_and(|e| e.tools_call), "read the quick way");
    }

    fn headers_of(headers: &[(&str, &str)]) -> http::HeaderMap {
        http_request("POST", headers, "").into_parts().0.headers
    }

    async fn compare(endpoint: &Endpoint, headers: &[(&str, &str)], body: &str) {
        let ours = parts_of(endpoint.handle(http_request("POST", headers, body)).await).await;
        let theirs = parts_of(endpoint.rmcp.handle(http_request("POST", headers, body)).await.map(Body::new)).await;
        assert_eq!(ours, theirs, "{body} with {headers:?}");
    }

    async fn send(router: axum::Router, method: &str, headers: &[(&str, &str)], body: &str) -> (StatusCode, Vec<(String, String)>, String) {
        use tower::Service as _;
        parts_of(router.into_service().call(http_request(method, headers, body)).await.unwrap()).await
    }

    #[tokio::test]
    async fn streamable_http_edge_cases() {
        let (_, server) = server();
        let router = || router(server.clone(), McpOptions::default());
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();

        let (status, _, body) = send(router(), "POST", &with(&[("accept", "application/json")]), &list).await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_ACCEPTABLE, "Not Acceptable: Client must accept both application/json and text/event-stream"));
        let (status, _, _) = send(router(), "POST", &with(&[("content-type", "text/plain")]), &list).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        for method in ["GET", "DELETE"] {
            let (status, headers, _) = send(router(), method, &STANDARD, "").await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
            assert!(headers.contains(&("allow".to_owned(), "POST".to_owned())), "{headers:?}");
        }
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
        let (status, _, body) = send(router(), "POST", &STANDARD, &initialized).await;
        assert_eq!((status, body.as_str()), (StatusCode::ACCEPTED, ""));

        // Not a JSON-RPC message (malformed, a batch, a response): a 4xx before any handler runs.
        for body in ["{not json", "[]", r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, r#"{"jsonrpc":"2.0","id":1,"result":{}}"#] {
            let (status, _, reply) = send(router(), "POST", &STANDARD, body).await;
            assert!(status.is_client_error(), "{body}: {status} {reply}");
        }
        let unknown = json!({"jsonrpc": "2.0", "id": 7, "method": "no/such"}).to_string();
        let (status, _, reply) = send(router(), "POST", &STANDARD, &unknown).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!((status, &reply["id"], &reply["error"]["code"]), (StatusCode::OK, &json!(7), &json!(-32601)));

        let ping = json!({"jsonrpc": "2.0", "id": "p", "method": "ping"}).to_string();
        let (status, headers, reply) = send(router(), "POST", &STANDARD, &ping).await;
        assert_eq!((status, reply.as_str()), (StatusCode::OK, r#"{"jsonrpc":"2.0","id":"p","result":{}}"#));
        assert!(headers.contains(&("content-type".to_owned(), "application/json".to_owned())));

        // Non-object structured content is dropped for peers before 2026-07-28, and so is a
        // non-object output schema.
        let numbers = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "numbers", "arguments": {}}}).to_string();
        let (_, _, reply) = send(router(), "POST", &with(&[("mcp-protocol-version", "2025-11-25")]), &numbers).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(reply["result"], json!({"content": [{"type": "text", "text": "[1, 2, 3]"}], "isError": false}));
        let (_, _, reply) = send(router(), "POST", &STANDARD, &list).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert!(reply["result"]["tools"][2].get("outputSchema").is_none(), "{reply}");

        let (status, _, _) = send(router(), "POST", &with(&[("mcp-protocol-version", "1999-01-01")]), &list).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _, _) = send(router(), "POST", &with(&[("host", "evil.example")]), &list).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    /// The real rmcp client: after `initialize` (rmcp's), everything it sends is answered directly.
    #[tokio::test]
    async fn the_rmcp_client_is_served_without_rmcp_after_initialize() {
        use rmcp::ServiceExt as _;
        crate::install_crypto_provider();
        let served_by_rmcp = Arc::new(AtomicUsize::new(0));
        let endpoint = Arc::new(endpoint_counting(McpOptions::default(), Arc::clone(&served_by_rmcp)));
        let app = axum::Router::new().route(
            MCP_PATH,
            axum::routing::any(move |request: Request| {
                let endpoint = Arc::clone(&endpoint);
                async move { endpoint.handle(request).await }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let transport = rmcp::transport::StreamableHttpClientTransport::from_uri(format!("http://{address}{MCP_PATH}"));
        let peer = ().serve(transport).await.expect("initialize");
        assert_eq!(peer.peer_info().and_then(|i| i.server_info.clone()).map(|s| s.name), Some("snapshots-mcp".to_owned()));
        assert_eq!(served_by_rmcp.load(Ordering::SeqCst), 1, "initialize is rmcp's");

        let tools = peer.list_all_tools().await.expect("tools/list");
        assert_eq!(tools.iter().map(|t| t.name.as_ref()).collect::<Vec<_>>(), ["get-snapshot", "plain", "numbers"]);
        let call = |name: &str, arguments: Value| CallToolRequestParams::new(name.to_owned()).with_arguments(args(arguments));
        let ok = peer.call_tool(call("get-snapshot", json!({"zone": "fr-par-1"}))).await.expect("tools/call");
        assert_eq!(ok.structured_content, Some(json!({"zone": "fr-par-1"})));
        let rejected = peer.call_tool(call("get-snapshot", json!({}))).await.expect("tools/call");
        assert_eq!(rejected.is_error, Some(true));
        let unknown = peer.call_tool(call("nope", json!({}))).await.expect_err("unknown tool");
        assert!(unknown.to_string().contains("nope"), "{unknown}");
        peer.cancel().await.expect("close");
        assert_eq!(served_by_rmcp.load(Ordering::SeqCst), 1, "nothing else reached rmcp's service");
    }
}
