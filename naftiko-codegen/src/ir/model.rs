//! The lowered capability: every name decided, every reference resolved. Emitters read only this.

use serde::Serialize;

/// One spec, ready to emit.
#[derive(Clone, Debug, Serialize)]
pub struct Capability {
    /// Cargo package name (from the spec's file stem), e.g. `instance-snapshots`.
    pub crate_name: String,
    /// Rust module/crate identifier, e.g. `instance_snapshots`.
    pub module: String,
    /// The spec path as given, for "@generated from" headers.
    pub source: String,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Who to contact about it: the stakeholder whose role is `owner`, else the first one named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Every secret any adapter uses, once.
    pub secrets: Vec<Secret>,
    pub consumes: Vec<Consumed>,
    /// Operations the spec declares but does not implement (MCP tools with no `call`): `Handlers`
    /// methods the user writes; by default they answer 501.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomOp>,
    pub rest: Vec<RestSurface>,
    pub mcp: Vec<McpSurface>,
    /// Orchestrations, mocks and aggregate functions: one generated function each, which every
    /// surface referring to it calls.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
}

/// A person named in `info.stakeholders` (OpenAPI `info.contact`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Contact {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// An MCP tool with no `call`: its interface (name, arguments) is the spec's, its behaviour the user's.
#[derive(Clone, Debug, Serialize)]
pub struct CustomOp {
    /// The tool name as written.
    pub name: String,
    /// `Handlers` method name.
    pub method_name: String,
    /// The argument struct's name, e.g. `StripeAvalaraInput`.
    pub input_type: String,
    pub summary: Option<String>,
    /// The arguments, as the tool declares them (`inputSchema` properties or `inputParameters`);
    /// `location` is always `BodyField`: they arrive as members of one JSON object.
    pub params: Vec<Param>,
}

/// A bind variable and where its value comes from at run time.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Secret {
    /// The variable as written in `{{…}}`, e.g. `SCALEWAY_API_KEY`.
    pub var: String,
    /// Rust field name in the generated `Secrets` struct.
    pub field: String,
    pub source: SecretSource,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretSource {
    /// Environment variable of that name.
    Env { name: String },
    /// Key in a JSON/YAML file (`location: file://…`).
    File { location: String, key: String },
}

/// A consumed HTTP API (one `consumes` entry).
#[derive(Clone, Debug, Serialize)]
pub struct Consumed {
    pub namespace: String,
    /// Module holding this API's client, e.g. `instance_snapshots`.
    pub module: String,
    pub description: Option<String>,
    pub base_uri: BaseUri,
    pub auth: Option<ClientAuth>,
    /// Adapter-level parameters with fixed values, sent on every request.
    pub fixed: Vec<FixedParam>,
    pub operations: Vec<ConsumedOp>,
    /// The secret variables this API's client reads (its `Auth` holds exactly these), by
    /// [`usage::analyze`](super::usage::analyze).
    pub secrets_read: std::collections::BTreeSet<String>,
    /// Whether requests read secrets, not only the constructor (then the client keeps its `Auth`).
    pub requests_read_secrets: bool,
    /// Whether a `forward` route sends to this API (its client then has a `forward` method).
    pub forwarded: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BaseUri {
    /// A complete URL; the client still accepts an override.
    Fixed { url: String },
    /// A URL with `{var}` parts filled from secrets or configuration at run time.
    Templated { template: Template },
    /// Empty in the spec: the user supplies it (`--upstream`, `Client::new`).
    Runtime,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientAuth {
    ApiKey { placement: Placement, name: String, value: Template },
    Bearer { token: Template },
    Basic { username: Template, password: Template },
    Digest { username: Template, password: Template },
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Header,
    Query,
    Cookie,
}

/// A string built from literal text, secrets and inputs (`"Bearer {{env.TOKEN}}"`).
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TemplatePart {
    Literal(String),
    Secret(String),
    /// A parameter of the same operation, by index into its `params`.
    Param(usize),
    /// Inside a flow: a value from an earlier step's output (`{{get-ship.region}}`).
    Step(StepPath),
}

impl Template {
    pub fn literal(text: impl Into<String>) -> Self {
        Template { parts: vec![TemplatePart::Literal(text.into())] }
    }

    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Secret(var) => Some(var.as_str()),
            _ => None,
        })
    }

    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [TemplatePart::Literal(s)] => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FixedParam {
    pub name: String,
    pub location: Placement,
    pub value: Template,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub fn parse(text: &str) -> Option<Method> {
        Some(match text.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// Safe to repeat: the default for retries when the spec gives no hint.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    /// Methods whose request body servers ignore (DESIGN §3.9).
    pub fn ignores_body(self) -> bool {
        matches!(self, Method::Get | Method::Delete | Method::Head | Method::Options)
    }
}

/// One consumed operation: a client method and a `Handlers` method.
#[derive(Clone, Debug, Serialize)]
pub struct ConsumedOp {
    /// The operation name as written, e.g. `listsnapshots`.
    pub name: String,
    /// Client and handler method name.
    pub method_name: String,
    /// Parameter struct name, e.g. `ListsnapshotsParams`.
    pub params_type: String,
    pub method: Method,
    pub path: Vec<PathPart>,
    /// The path as written, for docs.
    pub path_template: String,
    pub summary: Option<String>,
    pub params: Vec<Param>,
    pub body: RequestBody,
    pub response: ResponseFormat,
    /// Whether the request reads a caller-supplied parameter (else the method ignores its `params`).
    pub reads_params: bool,
    /// A list operation that pages (see [`Pagination`]): the client also offers `…_all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// What the operation declares its reply holds (named `outputParameters` other than the whole
    /// body): the client also offers `…_output`, returning it as a struct.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<ConsumedOutput>,
}

/// A consumed operation's declared outputs, read from its reply into a generated struct.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConsumedOutput {
    /// The struct, e.g. `GetShipOutput`.
    pub type_name: String,
    /// The client method that returns it, e.g. `get_ship_output`.
    pub method_name: String,
    pub fields: Vec<OutputField>,
}

/// One declared output of a consumed operation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OutputField {
    /// The name as written (the JSON name of the shaped reply).
    pub name: String,
    /// Rust field name.
    pub field: String,
    pub ty: ParamType,
    pub description: Option<String>,
    /// Where in the reply it is read.
    pub mapping: Mapping,
}

/// How a list operation pages: a `GET` whose optional query inputs include the page number (`page`,
/// an integer or a string that holds one) and the page size (`per_page`, `page_size`, `perPage`,
/// `pageSize` or `limit`, likewise). The rule is written in the README.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Pagination {
    /// The client method that walks every page, e.g. `listsnapshots_all`.
    pub method_name: String,
    /// Index into the operation's `params` of the page number.
    pub page: usize,
    /// Index into the operation's `params` of the page size.
    pub size: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PathPart {
    Literal(String),
    /// Index into the operation's `params`.
    Param(usize),
}

/// A caller-supplied parameter of a consumed operation.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// The name on the wire, exactly as written.
    pub name: String,
    /// Rust field name.
    pub field: String,
    pub location: ParamLocation,
    pub ty: ParamType,
    pub required: bool,
    pub description: Option<String>,
    /// A fixed value from the spec: the field is not offered to callers.
    pub fixed: Option<Template>,
    /// Validation keywords an argument declares (a custom tool's or aggregate function's); exposed
    /// inputs derived from it inherit them (see [`Input::constraints`]).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub constraints: serde_json::Map<String, serde_json::Value>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
    /// A field of the JSON request body.
    BodyField,
    /// The whole JSON request body.
    Body,
    /// Only used inside a body template or another parameter's value.
    Template,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    /// Array of strings; repeated keys in a query.
    Array,
    /// A JSON object (`type: object`).
    Object,
    /// Any JSON value: a schema property without a type, an array of anything but strings, a bare
    /// template reference in a JSON body.
    Any,
}

impl ParamType {
    pub fn parse(text: &str) -> Option<ParamType> {
        Some(match text {
            "string" => ParamType::String,
            "integer" => ParamType::Integer,
            "number" => ParamType::Number,
            "boolean" => ParamType::Boolean,
            "array" => ParamType::Array,
            "object" => ParamType::Object,
            _ => return None,
        })
    }

    /// The JSON Schema `type` of its values; `None` for any JSON value.
    pub fn json_schema_type(self) -> Option<&'static str> {
        Some(match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::Array => "array",
            ParamType::Object => "object",
            ParamType::Any => return None,
        })
    }

    /// Whether values travel as JSON text ([`ParamType::Object`] and [`ParamType::Any`]).
    pub fn is_json(self) -> bool {
        matches!(self, ParamType::Object | ParamType::Any)
    }

    /// The JSON Schema of its values, without constraints.
    pub fn json_schema(self) -> serde_json::Map<String, serde_json::Value> {
        let mut schema = serde_json::Map::new();
        if let Some(ty) = self.json_schema_type() {
            schema.insert("type".into(), ty.into());
        }
        if self == ParamType::Array {
            schema.insert("items".into(), serde_json::json!({ "type": "string" }));
        }
        schema
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestBody {
    None,
    /// The `body` parameter is the whole JSON body.
    Whole { param: usize },
    /// `in: body` parameters other than `body` are fields of one JSON object.
    Fields { params: Vec<usize> },
    /// A `body:` template, JSON with placeholders.
    Template { content_type: String, template: BodyTemplate },
}

/// A JSON value whose strings may contain placeholders.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum BodyTemplate {
    /// A JSON value with no placeholders.
    Json(serde_json::Value),
    /// A string that is exactly one placeholder: the parameter's JSON value is inserted (typed).
    Param(usize),
    /// A string with placeholders inside text.
    Text(Template),
    Array(Vec<BodyTemplate>),
    Object(Vec<(String, BodyTemplate)>),
    /// A raw JSON body written as text (`body: |`): each placeholder sits inside a JSON string or
    /// bare, and is written accordingly (escaped string content, or the value as JSON).
    RawJson(Vec<RawJsonPart>),
}

/// A piece of a raw JSON body template.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RawJsonPart {
    Text(String),
    /// A placeholder inside a JSON string: its value as escaped string content (`""` when absent).
    InString(TemplatePart),
    /// A placeholder where a JSON value goes: the value as JSON (`null` when absent).
    Bare(TemplatePart),
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    Json,
    Text,
    Binary,
    /// Another format (`outputRawFormat`), converted to JSON by the client as the reply arrives.
    Converted(Conversion),
}

/// How a reply in another format becomes JSON (`naftiko_runtime::formats`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum Conversion {
    Xml,
    /// CSV, TSV or PSV: the column separator.
    Delimited { separator: u8, name: &'static str },
    Yaml,
    /// The tables of an HTML page; `selector` (`outputSchema`) picks them with CSS.
    Html { selector: Option<String> },
    /// Front matter, tables and sections of a Markdown document; `sections` (`outputSchema`) keeps those
    /// whose heading starts with it.
    Markdown { sections: Option<String> },
    /// The descriptor (a serialized `FileDescriptorSet`, compiled from `outputSchema`) and the message.
    Protobuf { descriptor_set: Vec<u8>, message: String },
    Avro { schema: String },
}

impl Conversion {
    /// The format's name in messages (`xml`, `csv`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Conversion::Xml => "xml",
            Conversion::Delimited { name, .. } => name,
            Conversion::Yaml => "yaml",
            Conversion::Html { .. } => "html",
            Conversion::Markdown { .. } => "markdown",
            Conversion::Protobuf { .. } => "protobuf",
            Conversion::Avro { .. } => "avro",
        }
    }

    /// The naftiko-runtime feature holding the converter.
    pub fn feature(&self) -> &'static str {
        match self {
            Conversion::Delimited { .. } => "csv",
            other => other.name(),
        }
    }
}

// ---------------------------------------------------------------- exposed surfaces

/// An exposed REST adapter.
#[derive(Clone, Debug, Serialize)]
pub struct RestSurface {
    pub namespace: String,
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
    pub port: Option<u16>,
    pub address: Option<String>,
    pub transport: McpTransport,
    pub description: Option<String>,
    pub auth: Option<ServerAuth>,
    pub tools: Vec<ToolDef>,
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

// ---------------------------------------------------------------- flows

/// A generated async function with an input struct of its own: the `steps` or mock outputs of an
/// exposed operation, or an aggregate function. Every surface that refers to it calls the same
/// function, so REST and MCP cannot drift.
#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    /// What the spec calls it, for docs: `tool get-ship-with-crew`, `aggregate function crew-resolver.resolve-crew-for-ship`.
    pub origin: String,
    /// The generated function, in the `flows` module.
    pub fn_name: String,
    /// Its input struct, e.g. `GetShipWithCrewInput`.
    pub input_type: String,
    pub summary: Option<String>,
    /// The fields of the input struct (location `BodyField`: members of one object).
    pub inputs: Vec<Param>,
    pub body: FlowBody,
    /// JSON Schema of what it answers, when its outputs declare it.
    pub output_schema: Option<serde_json::Value>,
}

/// What a flow does.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlowBody {
    /// One call (an aggregate function with `call`), the reply shaped by `output`.
    Call { callee: Callee, bindings: Vec<Binding>, output: Output },
    /// `steps` in order: a failing step stops the flow with an error naming it.
    Steps { steps: Vec<Step>, reply: StepsReply },
    /// No upstream: the outputs' `value`s over the inputs.
    Mock { value: MockValue },
}

/// An operation a flow or step calls.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Callee {
    Operation { consumes: usize, operation: usize },
    /// A custom operation (`Capability::custom`).
    Custom { operation: usize },
}

/// One orchestration step.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// The step's name as written (how later steps and mappings refer to it).
    pub name: String,
    /// The Rust local holding its output.
    pub var: String,
    pub kind: StepKind,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    /// Call an operation; the step's output is its reply as JSON (projected to the operation's
    /// named outputs when it declares any).
    Call { callee: Callee, bindings: Vec<Binding>, projection: Option<Mapping> },
    /// Find in the array output of step `index` the entries whose `key` field equals `value` (each
    /// element of it, when it is an array), keeping `fields`.
    Lookup { index: usize, key: String, value: Source, fields: Vec<String> },
}

/// A path into an earlier step's output (`$.get-ship.dimensions.length`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StepPath {
    /// Index into the flow's steps.
    pub step: usize,
    pub path: Vec<PathStep>,
}

/// What a flow of steps answers.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepsReply {
    /// `mappings`: an object whose members (dot paths) take values from the steps' outputs; a value
    /// that is missing leaves its member out.
    Mappings { members: Vec<(Vec<String>, StepPath)> },
    /// No mappings: the last call's reply, shaped by the operation's outputs.
    LastCall { step: usize, output: Output },
}

/// A mock reply: literal JSON and text templates over the inputs.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MockValue {
    Json(serde_json::Value),
    /// Text over the inputs (`"Hello, {{name}}!"`), converted to the output's type when it declares
    /// `integer`, `number` or `boolean` and the text is one.
    Text { template: Template, ty: Option<ParamType> },
    Object(Vec<(String, MockValue)>),
    Array(Vec<MockValue>),
}

/// Where one consumed parameter (or custom operation argument) gets its value.
#[derive(Clone, Debug, Serialize)]
pub struct Binding {
    /// Index into the called operation's `params`.
    pub param: usize,
    pub source: Source,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Source {
    /// Index into the exposed operation's `inputs` (a flow's, inside a flow).
    Input(usize),
    /// Inside a flow: the JSON at a path of an earlier step's output.
    Step(StepPath),
    Literal(serde_json::Value),
    /// A string with inputs and secrets inside (`"prefix-{{x}}"`); `Param` parts index inputs here.
    Template(Template),
    /// Nothing: the optional parameter is omitted.
    Absent,
}

/// How the upstream reply becomes the exposed reply.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// `$.`: the upstream body as is.
    Passthrough,
    Mapped(Mapping),
}

/// A JSONPath-shaped projection compiled at generation time.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mapping {
    /// Follow a path from the current value (root or array element).
    Path { path: Vec<PathStep> },
    /// Build an object from named mappings.
    Object { properties: Vec<(String, Mapping)> },
    /// Map every element of the array at `path`.
    Array { path: Vec<PathStep>, items: Option<Box<Mapping>> },
    Constant { value: serde_json::Value },
    /// The first of these that is not `null` (an operation with several outputs answers one, as the
    /// reference engine does), else `null`.
    FirstOf { mappings: Vec<Mapping> },
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PathStep {
    Field(String),
    Index(usize),
    /// `[*]`: every element, collected into an array.
    Each,
}
