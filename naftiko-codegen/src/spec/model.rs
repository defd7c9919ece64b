//! The alpha2 document as written: every field optional where the real world omits it, every node
//! located. Meaning is decided later (`check`, `ir`); this layer only records what the author wrote.

use crate::source::{Span, Spanned};

pub type S<T> = Spanned<T>;

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub span: Span,
    pub naftiko: Option<S<String>>,
    pub info: Option<Info>,
    pub binds: Vec<Bind>,
    pub capability: Option<Capability>,
    /// Root `consumes`: the shared-consumes document form, only usable as an import source.
    pub consumes: Vec<Consumes>,
}

#[derive(Clone, Debug, Default)]
pub struct Info {
    pub span: Span,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub tags: Vec<S<String>>,
    pub stakeholders: Vec<Person>,
}

/// A stakeholder of the capability (`info.stakeholders`).
#[derive(Clone, Debug)]
pub struct Person {
    pub role: Option<S<String>>,
    pub full_name: Option<S<String>>,
    pub email: Option<S<String>>,
}

#[derive(Clone, Debug)]
pub struct Bind {
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub description: Option<S<String>>,
    pub location: Option<S<String>>,
    /// `VARIABLE: key-in-source` pairs, in document order.
    pub keys: Vec<(S<String>, S<String>)>,
}

#[derive(Clone, Debug, Default)]
pub struct Capability {
    pub span: Span,
    pub binds: Vec<Bind>,
    pub consumes: Vec<Consumes>,
    pub exposes: Vec<Expose>,
    pub aggregates: Vec<Aggregate>,
}

#[derive(Clone, Debug)]
pub enum Consumes {
    Http(HttpConsumes),
    Imported(ImportedConsumes),
}

impl Consumes {
    /// The HTTP API it declares; `None` for an import (resolved into `Http` before checking).
    pub fn as_http(&self) -> Option<&HttpConsumes> {
        match self {
            Consumes::Http(h) => Some(h),
            Consumes::Imported(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ImportedConsumes {
    pub span: Span,
    pub location: S<String>,
    pub import: Option<S<String>>,
    pub alias: Option<S<String>>,
    pub description: Option<S<String>>,
}

#[derive(Clone, Debug)]
pub struct HttpConsumes {
    pub span: Span,
    pub kind: Option<S<String>>,
    pub namespace: Option<S<String>>,
    pub base_uri: Option<S<String>>,
    pub description: Option<S<String>>,
    pub input_parameters: Vec<ConsumedParameter>,
    pub authentication: Option<Authentication>,
    pub resources: Vec<ConsumedResource>,
}

#[derive(Clone, Debug)]
pub struct ConsumedResource {
    pub span: Span,
    pub name: Option<S<String>>,
    pub path: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub input_parameters: Vec<ConsumedParameter>,
    pub operations: Vec<ConsumedOperation>,
}

#[derive(Clone, Debug)]
pub struct ConsumedOperation {
    pub span: Span,
    pub name: Option<S<String>>,
    pub method: Option<S<String>>,
    /// Real-world extension: a path on the operation overriding its resource's.
    pub path: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub input_parameters: Vec<ConsumedParameter>,
    pub output_raw_format: Option<S<String>>,
    pub output_schema: Option<S<String>>,
    pub output_parameters: Vec<OutputParameter>,
    pub body: Option<Body>,
    /// The schema file `outputSchema` names for a binary format, read and compiled by `spec::schemas`.
    pub schema: Option<BinarySchema>,
}

/// A Protobuf or Avro schema, as the generated code embeds it.
#[derive(Clone, Debug, PartialEq)]
pub enum BinarySchema {
    /// A serialized `FileDescriptorSet` and the fully-qualified name of the message a reply is.
    Protobuf { descriptor_set: Vec<u8>, message: String },
    /// The Avro schema's JSON text.
    Avro { schema: String },
}

/// A consumed `inputParameters` entry. `type`, `description` and `required` are real-world additions
/// to the schema that we honour.
#[derive(Clone, Debug)]
pub struct ConsumedParameter {
    pub span: Span,
    pub name: Option<S<String>>,
    pub location: Option<S<String>>,
    pub value: Option<S<serde_json::Value>>,
    pub kind: Option<S<String>>,
    pub description: Option<S<String>>,
    pub required: Option<S<bool>>,
}

#[derive(Clone, Debug)]
pub enum Body {
    /// A bare string template, sent as JSON.
    Raw(S<String>),
    /// `{type, data}`.
    Typed { span: Span, kind: S<String>, data: Option<S<serde_json::Value>> },
}

/// Authentication, kept as its type plus string fields: the variants differ only in which fields
/// they need, and that is checked during lowering with precise locations.
#[derive(Clone, Debug)]
pub struct Authentication {
    pub span: Span,
    pub kind: Option<S<String>>,
    pub fields: Vec<(S<String>, S<String>)>,
}

impl Authentication {
    pub fn field(&self, name: &str) -> Option<&S<String>> {
        self.fields.iter().find(|(k, _)| k.value == name).map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
pub struct OutputParameter {
    pub span: Span,
    pub name: Option<S<String>>,
    pub kind: Option<S<String>>,
    pub mapping: Option<S<String>>,
    pub value: Option<S<serde_json::Value>>,
    pub description: Option<S<String>>,
    pub properties: Vec<(S<String>, OutputParameter)>,
    /// The element of an array. Written as a list of named fields (`items: [{name: a}, {name: b}]`),
    /// it is read as an object of those fields.
    pub items: Option<Box<OutputParameter>>,
}

impl OutputParameter {
    /// This output, or one nested in it, has a `value`.
    pub fn has_value(&self) -> bool {
        self.value.is_some() || self.properties.iter().any(|(_, p)| p.has_value()) || self.items.as_ref().is_some_and(|i| i.has_value())
    }
}

#[derive(Clone, Debug)]
pub enum Expose {
    Rest(RestExpose),
    Mcp(McpExpose),
    Skill(SkillExpose),
    /// Boxed: the largest by far (its `management` and `observability` blocks).
    Control(Box<ControlExpose>),
    /// A type we do not know.
    Other { span: Span, kind: S<String>, namespace: Option<S<String>> },
}

#[derive(Clone, Debug)]
pub struct RestExpose {
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub port: Option<S<i64>>,
    pub address: Option<S<String>>,
    pub description: Option<S<String>>,
    pub authentication: Option<Authentication>,
    pub resources: Vec<ExposedResource>,
}

#[derive(Clone, Debug)]
pub struct ExposedResource {
    pub span: Span,
    pub path: Option<S<String>>,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub input_parameters: Vec<ExposedParameter>,
    pub operations: Vec<ExposedOperation>,
    pub forward: Option<Forward>,
}

/// `forward`: every request under the resource's path passed to a consumed API.
#[derive(Clone, Debug)]
pub struct Forward {
    pub span: Span,
    pub target_namespace: Option<S<String>>,
    pub trusted_headers: Vec<S<String>>,
}

/// What REST operations, MCP tools and aggregate functions share: how they call upstream and what
/// they return.
#[derive(Clone, Debug, Default)]
pub struct Invocation {
    pub call: Option<S<String>>,
    pub with: Vec<(S<String>, S<serde_json::Value>)>,
    pub output_parameters: Vec<OutputParameter>,
    pub steps: Vec<Step>,
    pub mappings: Vec<StepMapping>,
    pub reference: Option<S<String>>,
}

impl Invocation {
    /// Outputs carry values and nothing is called: the reply is made of them.
    pub fn is_mock(&self) -> bool {
        self.call.is_none() && self.steps.is_empty() && self.reference.is_none() && self.output_parameters.iter().any(OutputParameter::has_value)
    }
}

#[derive(Clone, Debug)]
pub struct ExposedOperation {
    pub span: Span,
    pub method: Option<S<String>>,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub input_parameters: Vec<ExposedParameter>,
    pub invocation: Invocation,
}

#[derive(Clone, Debug)]
pub struct ExposedParameter {
    pub span: Span,
    pub name: Option<S<String>>,
    pub location: Option<S<String>>,
    pub kind: Option<S<String>>,
    pub description: Option<S<String>>,
    pub required: Option<S<bool>>,
    pub value: Option<S<serde_json::Value>>,
    /// A regular expression a string value must match (unanchored, as in JSON Schema).
    pub pattern: Option<S<String>>,
    /// The values allowed (`enum`).
    pub allowed: Option<S<serde_json::Value>>,
}

#[derive(Clone, Debug)]
pub struct McpExpose {
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub port: Option<S<i64>>,
    pub address: Option<S<String>>,
    pub transport: Option<S<String>>,
    pub description: Option<S<String>>,
    pub authentication: Option<Authentication>,
    pub tools: Vec<Tool>,
    pub resources: Vec<McpResource>,
    pub prompts: Vec<McpPrompt>,
}

/// An MCP resource: data read from consumed operations (`call`/`steps`, with `{var}` placeholders in
/// its `uri` as inputs), or the files under a `location` directory.
#[derive(Clone, Debug)]
pub struct McpResource {
    pub span: Span,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub uri: Option<S<String>>,
    pub description: Option<S<String>>,
    pub mime_type: Option<S<String>>,
    pub location: Option<S<String>>,
    pub invocation: Invocation,
}

/// An MCP prompt: messages rendered from `template` (or the file at `location`) with its arguments.
#[derive(Clone, Debug)]
pub struct McpPrompt {
    pub span: Span,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub arguments: Vec<PromptArgument>,
    pub template: Vec<PromptMessage>,
    pub location: Option<S<String>>,
}

#[derive(Clone, Debug)]
pub struct PromptArgument {
    pub span: Span,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub required: Option<S<bool>>,
}

#[derive(Clone, Debug)]
pub struct PromptMessage {
    pub span: Span,
    pub role: Option<S<String>>,
    pub content: Option<S<String>>,
}

#[derive(Clone, Debug)]
pub struct Tool {
    pub span: Span,
    pub name: Option<S<String>>,
    pub label: Option<S<String>>,
    pub description: Option<S<String>>,
    pub hints: Option<Hints>,
    pub input_parameters: Vec<ExposedParameter>,
    /// A JSON Schema written inline (real-world extension).
    pub input_schema: Option<S<serde_json::Value>>,
    pub invocation: Invocation,
}

#[derive(Clone, Debug, Default)]
pub struct Hints {
    pub span: Span,
    pub read_only: Option<S<bool>>,
    pub destructive: Option<S<bool>>,
    pub idempotent: Option<S<bool>>,
    pub open_world: Option<S<bool>>,
}

/// A skill catalog: skills that group tools of sibling exposes or instruction files, served as the
/// engine's `/skills` endpoints.
#[derive(Clone, Debug)]
pub struct SkillExpose {
    pub span: Span,
    pub kind: S<String>,
    pub namespace: Option<S<String>>,
    pub port: Option<S<i64>>,
    pub address: Option<S<String>>,
    pub description: Option<S<String>>,
    pub authentication: Option<Authentication>,
    pub skills: Vec<Skill>,
}

/// A skill (`ExposedSkill`): Agent Skills front matter, the folder it is served from, its tools.
#[derive(Clone, Debug)]
pub struct Skill {
    pub span: Span,
    pub name: Option<S<String>>,
    pub description: Option<S<String>>,
    pub license: Option<S<String>>,
    pub compatibility: Option<S<String>>,
    /// `key: value` pairs, in document order.
    pub metadata: Vec<(S<String>, S<String>)>,
    pub allowed_tools: Option<S<String>>,
    pub argument_hint: Option<S<String>>,
    pub user_invocable: Option<S<bool>>,
    pub disable_model_invocation: Option<S<bool>>,
    pub location: Option<S<String>>,
    pub tools: Vec<SkillTool>,
}

/// A tool of a skill: derived `from` a sibling expose's operation or tool, or an `instruction` file.
#[derive(Clone, Debug)]
pub struct SkillTool {
    pub span: Span,
    pub name: Option<S<String>>,
    pub description: Option<S<String>>,
    pub from: Option<SkillToolFrom>,
    pub instruction: Option<S<String>>,
}

/// `from: {sourceNamespace, action}`.
#[derive(Clone, Debug)]
pub struct SkillToolFrom {
    pub span: Span,
    pub source_namespace: Option<S<String>>,
    pub action: Option<S<String>>,
}

/// An orchestration step: `type: call` (`call`, `with`), `type: lookup` (`index`, `match`,
/// `lookupValue`, `outputParameters`), or `type: script` (recorded to be reported).
#[derive(Clone, Debug)]
pub struct Step {
    pub span: Span,
    pub kind: Option<S<String>>,
    pub name: Option<S<String>>,
    pub call: Option<S<String>>,
    pub with: Vec<(S<String>, S<serde_json::Value>)>,
    pub index: Option<S<String>>,
    pub match_field: Option<S<String>>,
    pub lookup_value: Option<S<String>>,
    /// The fields a lookup keeps.
    pub fields: Vec<S<String>>,
}

/// A `mappings` entry: `targetName` (a dot path in the reply) ← `value` (`$.step.path`).
#[derive(Clone, Debug)]
pub struct StepMapping {
    pub span: Span,
    pub target_name: Option<S<String>>,
    pub value: Option<S<String>>,
}

#[derive(Clone, Debug)]
pub struct Aggregate {
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub label: Option<S<String>>,
    pub functions: Vec<AggregateFunction>,
}

/// A function of an aggregate: what tools and operations with `ref: namespace.name` run.
#[derive(Clone, Debug)]
pub struct AggregateFunction {
    pub span: Span,
    pub name: Option<S<String>>,
    pub description: Option<S<String>>,
    pub semantics: Option<Semantics>,
    pub input_parameters: Vec<ExposedParameter>,
    pub invocation: Invocation,
}

/// What a function does to the world, from which tool hints are derived.
#[derive(Clone, Debug, Default)]
pub struct Semantics {
    pub span: Span,
    pub safe: Option<S<bool>>,
    pub idempotent: Option<S<bool>>,
    pub cacheable: Option<S<bool>>,
}

/// `type: control`: the management plane (health, status, metrics, traces).
#[derive(Clone, Debug)]
pub struct ControlExpose {
    pub span: Span,
    pub kind: S<String>,
    pub port: Option<S<i64>>,
    pub address: Option<S<String>>,
    pub authentication: Option<Authentication>,
    pub management: Option<ControlManagement>,
    pub observability: Option<Observability>,
}

/// `management`: which endpoint groups the control expose serves.
#[derive(Clone, Debug, Default)]
pub struct ControlManagement {
    pub span: Span,
    pub health: Option<S<bool>>,
    pub info: Option<S<bool>>,
    pub reload: Option<S<bool>>,
    pub validate: Option<S<bool>>,
    /// `logs`: `true`/`false`, or an object (`level-control`, `stream`, `max-subscribers`): on when
    /// any of its endpoints is.
    pub logs: Option<S<bool>>,
    /// Where `scripting` is written, when it is.
    pub scripting: Option<Span>,
}

/// `observability`: measuring and tracing the adapters' requests.
#[derive(Clone, Debug, Default)]
pub struct Observability {
    pub span: Span,
    pub enabled: Option<S<bool>>,
    pub metrics_local: Option<S<bool>>,
    pub sampling: Option<S<f64>>,
    pub propagation: Option<S<String>>,
    pub traces_local: Option<S<bool>>,
    pub buffer_size: Option<S<i64>>,
    /// `exporters.otlp`, where it is written.
    pub otlp: Option<Span>,
    /// `exporters.otlp.endpoint`: the collector's base URL, a template over bind variables.
    pub otlp_endpoint: Option<S<String>>,
}
