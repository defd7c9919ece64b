//! The lowered capability: every name decided, every reference resolved. Emitters read only this.

use serde::Serialize;

mod exposes;
mod flows;
mod skills;

pub use exposes::*;
pub use flows::*;
pub use skills::*;

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
    /// Skill catalogs (`type: skill`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skill: Vec<SkillSurface>,
    /// The control expose (`type: control`): health, status, metrics, traces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlSurface>,
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
    /// The better-split names the spec gives it elsewhere: the snake-case names of the tools and REST
    /// operations that call it (`list_snapshots` for `listsnapshots`), other than `method_name`; the
    /// client method's `#[doc(alias)]`es.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
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
    #[serde(flatten)]
    pub reply: ReplyField,
    /// Where in the reply it is read.
    pub mapping: Mapping,
}

/// One field of a typed reply's struct (a consumed operation's declared outputs, a flow's object reply).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReplyField {
    /// The name as written (its JSON name in the reply).
    pub name: String,
    /// Rust field name.
    pub field: String,
    pub ty: ParamType,
    pub description: Option<String>,
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
