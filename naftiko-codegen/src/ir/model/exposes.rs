//! The exposed surfaces: REST routes and endpoints, MCP tools, their inputs and actions.

use serde::Serialize;

use super::*;

/// An exposed REST adapter.
#[derive(Clone, Debug, Serialize)]
pub struct RestSurface {
    pub namespace: String,
    /// Its module in the generated crate: `rest` for the first REST expose, `rest_<namespace>` for
    /// each further one.
    pub module: String,
    /// Its OpenAPI document's file in a checked-in crate: `openapi.json` for the first,
    /// `openapi-<namespace>.json` for each further one.
    pub openapi_file: String,
    pub port: Option<u16>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub auth: Option<ServerAuth>,
    /// Distinct path shapes; same-shape paths with other variable names are merged.
    pub routes: Vec<Route>,
    pub endpoints: Vec<Endpoint>,
    /// Resources that pass every request under their path to a consumed API.
    pub forwards: Vec<ForwardRoute>,
    /// The resources that have operations, in spec order: their endpoints' OpenAPI tags.
    pub tags: Vec<Tag>,
}

/// An OpenAPI tag: a resource of a REST expose, by name (its path when it has none).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Tag {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A `forward` resource: every method, and every path below it when it ends in `{{path}}`.
#[derive(Clone, Debug, Serialize)]
pub struct ForwardRoute {
    /// The resource path as written.
    pub path: String,
    /// The axum route (`/notion/{*path}`, or the path itself).
    pub route: String,
    /// The handler's name in the `rest` module.
    pub fn_name: String,
    /// Segments of the route before the forwarded part (the rest of the request path is forwarded).
    pub depth: usize,
    /// The consumed API (index into `Capability::consumes`).
    pub consumes: usize,
    /// Caller headers passed on, lowercase (hop-by-hop ones already left out).
    pub trusted: Vec<String>,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Route {
    /// The path as the first resource wrote it (`/v1/…/{snapshot-id}`).
    pub template: String,
    pub segments: Vec<RouteSegment>,
    /// Endpoints served on this route, one per method.
    pub endpoints: Vec<usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RouteSegment {
    Literal(String),
    /// A variable with its canonical (first written) name.
    Var(String),
}

/// A route's path with each variable written `{name(var)}`.
pub fn route_path(segments: &[RouteSegment], name: impl Fn(&str) -> String) -> String {
    let mut path = String::new();
    for s in segments {
        path.push('/');
        match s {
            RouteSegment::Literal(l) => path.push_str(l),
            RouteSegment::Var(v) => {
                path.push('{');
                path.push_str(&name(v));
                path.push('}');
            }
        }
    }
    if path.is_empty() { "/".to_owned() } else { path }
}

/// One REST operation.
#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    pub name: String,
    /// Generated handler function name.
    pub fn_name: String,
    pub method: Method,
    pub route: usize,
    /// The path as this operation's resource wrote it (may differ from the merged route's names).
    pub path: String,
    pub summary: Option<String>,
    /// The resource it belongs to (index into `RestSurface::tags`).
    pub tag: usize,
    pub inputs: Vec<Input>,
    pub action: Action,
    /// JSON Schema of its success reply, when its outputs declare a shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<serde_json::Value>,
}

/// An exposed MCP adapter.
#[derive(Clone, Debug, Serialize)]
pub struct McpSurface {
    pub namespace: String,
    /// Its module in the generated crate: `mcp` for the first MCP expose, `mcp_<namespace>` for each
    /// further one.
    pub module: String,
    pub port: Option<u16>,
    pub address: Option<String>,
    pub transport: McpTransport,
    pub description: Option<String>,
    pub auth: Option<ServerAuth>,
    pub tools: Vec<ToolDef>,
    pub resources: Vec<ResourceDef>,
    pub prompts: Vec<PromptDef>,
}

/// An MCP resource (`resources/list`, `resources/templates/list`, `resources/read`).
#[derive(Clone, Debug, Serialize)]
pub struct ResourceDef {
    pub name: String,
    pub title: Option<String>,
    /// The URI, or URI template with `{var}` placeholders; a static resource's files are below it.
    pub uri: String,
    pub description: Option<String>,
    /// As declared; `None` means inferred (files) or `application/json` (reads).
    pub mime_type: Option<String>,
    pub source: ResourceSource,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResourceSource {
    /// Read by calling upstream: a tool-like function whose arguments are the URI's variables
    /// (required strings, in template order). Boxed: a tool is large, a directory a string.
    Read(Box<ToolDef>),
    /// The files under a directory, read at run time: the `file:///` location's path as written
    /// (`./docs` is resolved against the server's working directory or `serve --root`).
    Files { path: String },
}

/// An MCP prompt (`prompts/list`, `prompts/get`).
#[derive(Clone, Debug, Serialize)]
pub struct PromptDef {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub arguments: Vec<PromptArgument>,
    pub source: PromptSource,
}

#[derive(Clone, Debug, Serialize)]
pub struct PromptArgument {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub required: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PromptSource {
    /// Messages with `{{argument}}` placeholders.
    Template { messages: Vec<PromptMessage> },
    /// A file read at run time (path as written, like [`ResourceSource::Files`]); one user message.
    File { path: String },
}

#[derive(Clone, Debug, Serialize)]
pub struct PromptMessage {
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
}

impl McpSurface {
    /// What the surface calls: its tools, then its resources read from upstream (each a tool-like
    /// function of its URI's variables).
    pub fn calls(&self) -> impl Iterator<Item = &ToolDef> {
        self.tools.iter().chain(self.resources.iter().filter_map(|r| match &r.source {
            ResourceSource::Read(read) => Some(&**read),
            ResourceSource::Files { .. } => None,
        }))
    }
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum McpTransport {
    Http,
    Stdio,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolDef {
    pub name: String,
    pub fn_name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub hints: Hints,
    pub inputs: Vec<Input>,
    /// The tool's JSON Schema, decided at generation time.
    pub input_schema: serde_json::Value,
    pub action: Action,
    /// JSON Schema of its structured result, when its outputs declare a shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, Serialize, Default, PartialEq, Eq)]
pub struct Hints {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

/// Credentials an exposed adapter demands from its callers.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerAuth {
    Bearer { token: Template },
    ApiKey { placement: Placement, name: String, value: Template },
    Basic { username: Template, password: Template },
}

/// An input of an exposed operation or tool.
#[derive(Clone, Debug, Serialize)]
pub struct Input {
    /// Name on the wire: query key, header, body field or tool argument.
    pub name: String,
    pub field: String,
    pub location: InputLocation,
    pub ty: ParamType,
    pub required: bool,
    pub description: Option<String>,
    /// Read at a JSONPath of the request body (REST) or of the arguments (MCP) instead of from the
    /// member named `name` (`value: $.user.id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<PathStep>>,
    /// Validation keywords its declaration states beyond its type (`pattern`, `enum`, bounds…), as
    /// JSON Schema: in the OpenAPI document and the tool schema, and enforced by the adapters.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub constraints: serde_json::Map<String, serde_json::Value>,
}

impl Input {
    /// The JSON Schema of its values: type and constraints.
    pub fn value_schema(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut schema = self.ty.json_schema();
        schema.extend(self.constraints.iter().map(|(k, v)| (k.clone(), v.clone())));
        schema
    }

    /// [`Input::value_schema`] with the input's description.
    pub fn described_schema(&self) -> serde_json::Value {
        let mut schema = self.value_schema();
        if let Some(d) = &self.description {
            schema.insert("description".into(), d.as_str().into());
        }
        serde_json::Value::Object(schema)
    }

    /// The schema an adapter checks a value of this input against once it is read into its Rust
    /// type, when the type alone does not hold everything declared: constraints, or a JSON object
    /// where a `Json` value could be any JSON. `None`: nothing more to check.
    pub fn checked_schema(&self) -> Option<serde_json::Value> {
        if self.constraints.is_empty() && self.ty != ParamType::Object {
            return None;
        }
        Some(serde_json::Value::Object(self.value_schema()))
    }
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum InputLocation {
    /// The n-th variable of the route.
    Path(usize),
    Query,
    Header,
    Cookie,
    BodyField,
    Body,
    /// An MCP tool argument.
    Argument,
}

/// What an exposed operation does.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Call a consumed operation with the given arguments, then shape the reply.
    Call { consumes: usize, operation: usize, bindings: Vec<Binding>, output: Output },
    /// Run a custom operation (index into `Capability::custom`); `bindings` fill its arguments.
    Custom { operation: usize, bindings: Vec<Binding>, output: Output },
    /// Run a flow (index into `Capability::flows`): steps, a mock, or the aggregate function a `ref`
    /// names. `bindings` fill its inputs; the flow shapes its own reply.
    Flow { flow: usize, bindings: Vec<Binding> },
}

impl Action {
    pub fn bindings(&self) -> &[Binding] {
        match self {
            Action::Call { bindings, .. } | Action::Custom { bindings, .. } | Action::Flow { bindings, .. } => bindings,
        }
    }

    /// How the surface shapes the reply; `None` for a flow, which shapes its own.
    pub fn output(&self) -> Option<&Output> {
        match self {
            Action::Call { output, .. } | Action::Custom { output, .. } => Some(output),
            Action::Flow { .. } => None,
        }
    }
}

/// The control expose: which endpoints it serves, where, and who may call it.
#[derive(Clone, Debug, Serialize)]
pub struct ControlSurface {
    pub port: u16,
    /// The spec's address; `None`: loopback.
    pub address: Option<String>,
    pub auth: Option<ServerAuth>,
    /// `/health/live`, `/health/ready`.
    pub health: bool,
    /// `/status` (and `/config`, answered 501).
    pub info: bool,
    /// Requests are measured and traced (`observability.enabled`).
    pub observability: bool,
    /// `/metrics`.
    pub metrics: bool,
    /// `/traces`: the ring buffer's size, when served.
    pub traces: Option<u32>,
    /// The share of requests traced.
    pub sampling: f64,
    /// How the trace is passed on to upstream APIs.
    pub propagation: TracePropagation,
    /// `exporters.otlp.endpoint` (when observability is on): the collector's base URL, over secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp: Option<Template>,
    /// Endpoints answered 501: `/logs`, `POST /config/reload`, `POST /config/validate`, `/scripting`.
    pub logs: bool,
    pub reload: bool,
    pub validate: bool,
    pub scripting: bool,
}

/// `observability.traces.propagation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TracePropagation {
    /// W3C Trace Context (`traceparent`), the default.
    W3c,
    /// B3's multiple headers.
    B3,
}
