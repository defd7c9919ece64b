//! Flows: orchestrations, mocks and aggregate functions, and the mappings that shape replies.

use serde::Serialize;

use super::*;

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
    /// When it answers an object of declared properties: the struct its `…_output` function reads
    /// the reply into, and that function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<FlowOutput>,
}

/// A flow's reply as a generated struct: one optional field per top-level property of its output
/// schema (scalars typed, anything nested as JSON).
#[derive(Clone, Debug, Serialize)]
pub struct FlowOutput {
    /// The struct, e.g. `GetShipOutput`.
    pub type_name: String,
    /// The function returning it, e.g. `get_ship_output`.
    pub fn_name: String,
    pub fields: Vec<ReplyField>,
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
    Operation {
        consumes: usize,
        operation: usize,
    },
    /// A custom operation (`Capability::custom`).
    Custom {
        operation: usize,
    },
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
    Text {
        template: Template,
        ty: Option<ParamType>,
    },
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
    Path {
        path: Vec<PathStep>,
    },
    /// Build an object from named mappings.
    Object {
        properties: Vec<(String, Mapping)>,
    },
    /// Map every element of the array at `path`.
    Array {
        path: Vec<PathStep>,
        items: Option<Box<Mapping>>,
    },
    Constant {
        value: serde_json::Value,
    },
    /// The first of these that is not `null` (an operation with several outputs answers one, as the
    /// reference engine does), else `null`.
    FirstOf {
        mappings: Vec<Mapping>,
    },
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PathStep {
    Field(String),
    Index(usize),
    /// `[*]`: every element, collected into an array.
    Each,
}
