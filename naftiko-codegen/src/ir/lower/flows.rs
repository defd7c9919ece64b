//! Flows: the `steps` (with `mappings`) or mock outputs of an exposed operation, and aggregate
//! functions. Each becomes one generated function; every reference inside it — to an input, to an
//! earlier step's output, to a called operation's parameter — is resolved here, and one that names
//! nothing is an error at its place.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::ident::{self, Scope, same_name};
use crate::ir::model::*;
use crate::ir::template::{self, Piece};
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

use super::custom::schema_param_type;
use super::inputs::input_reference;
use super::outputs::parse_json_path;
use super::{Lowering, ScopeKind, text};

/// What one flow is lowered from.
pub(super) struct FlowSource<'s> {
    /// How docs and diagnostics name it: `tool get-ship-with-crew`.
    pub origin: String,
    /// Names its function and input struct.
    pub name: &'s Spanned<String>,
    pub summary: Option<String>,
    pub declared: Vec<&'s spec::ExposedParameter>,
    pub input_schema: Option<&'s Spanned<Value>>,
    pub invocation: &'s spec::Invocation,
    /// The namespace whose `namespace.x` names input `x` (the expose's, or the aggregate's).
    pub namespace: Option<&'s str>,
    /// Whether an input declared without `required` is required (MCP tools and functions: yes).
    pub required_by_default: bool,
    /// `rest` or `tool` for the flow of an exposed operation; `None` for an aggregate function.
    pub surface: Option<&'static str>,
    pub owner: Span,
}

/// What references inside a flow resolve against: its inputs (declared, or derived from what
/// references them), the steps lowered so far, and the namespaces whose `ns.x` names an input.
struct FlowScope {
    inputs: Vec<Param>,
    fields: Scope,
    /// Inputs were declared: a reference to another name is an error, not a new input.
    declared: bool,
    /// Names of the steps lowered so far (index = step index).
    steps: Vec<String>,
    namespaces: Vec<String>,
}

impl FlowScope {
    fn find(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name).or_else(|| self.inputs.iter().position(|i| same_name(&i.name, name)))
    }

    fn push(&mut self, name: &str, ty: ParamType, required: bool, description: Option<String>) -> usize {
        let field = self.fields.name(ident::snake(name), name).ident;
        let constraints = serde_json::Map::new();
        self.inputs.push(Param {
            name: name.to_owned(),
            field,
            location: ParamLocation::BodyField,
            ty,
            required,
            description,
            fixed: None,
            constraints,
        });
        self.inputs.len() - 1
    }

    /// The input named `name`; derived (with the type and need of what it feeds) when inputs were
    /// not declared.
    fn input(&mut self, name: &str, feeds: Option<&Param>) -> Option<usize> {
        self.find(name).or_else(|| {
            (!self.declared).then(|| {
                self.push(
                    name,
                    feeds.map_or(ParamType::String, |p| p.ty),
                    feeds.is_some_and(|p| p.required),
                    feeds.and_then(|p| p.description.clone()),
                )
            })
        })
    }

    fn step(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|s| s == name)
    }

    /// `rest.x`, `tools.x`, `<namespace>.x` → `x`; a plain name stays itself.
    fn input_name<'r>(&self, reference: &'r str) -> &'r str {
        input_reference(reference, &self.namespaces).unwrap_or(reference)
    }

    /// A reference `step.a.b` (in `{{…}}`) to an earlier step's output.
    fn step_reference(&self, reference: &str) -> Option<StepPath> {
        let (name, rest) = reference.split_once('.').unwrap_or((reference, ""));
        let step = self.step(name)?;
        let path = rest.split('.').filter(|s| !s.is_empty()).map(|s| PathStep::Field(s.to_owned())).collect();
        Some(StepPath { step, path })
    }
}

impl Lowering<'_> {
    /// Lowers a flow and adds it to the capability; `None` when it has errors (reported).
    pub(super) fn lower_flow(&mut self, source: FlowSource<'_>) -> Option<usize> {
        let mut namespaces = self.expose_namespaces.clone();
        namespaces.extend(source.namespace.map(str::to_owned));
        let mut scope = FlowScope {
            inputs: Vec::new(),
            fields: Scope::default(),
            declared: !source.declared.is_empty() || source.input_schema.is_some(),
            steps: Vec::new(),
            namespaces,
        };
        self.declare_flow_inputs(&source, &mut scope);
        let inv = source.invocation;
        let body = if !inv.steps.is_empty() {
            self.steps_body(&source, &mut scope)?
        } else if inv.is_mock() {
            FlowBody::Mock { value: self.mock_value(&inv.output_parameters, &mut scope, source.owner)? }
        } else {
            let call = inv.call.as_ref()?;
            let callee = self.callee(call)?;
            let bindings = self.step_bindings(callee, &inv.with, call, &mut scope)?;
            FlowBody::Call { callee, bindings, output: self.output(&inv.output_parameters) }
        };
        let outputs = &inv.output_parameters;
        let output_schema = match &body {
            FlowBody::Call { output: Output::Passthrough, .. }
            | FlowBody::Steps { reply: StepsReply::LastCall { output: Output::Passthrough, .. }, .. } => None,
            FlowBody::Call { .. } | FlowBody::Steps { reply: StepsReply::LastCall { .. }, .. } => output_schema(outputs),
            FlowBody::Steps { reply: StepsReply::Mappings { members }, .. } => Some(mappings_schema(members, outputs)),
            FlowBody::Mock { .. } => Some(keyed_schema(outputs)),
        };
        let (fn_name, input_type) = self.flow_names(&source);
        let output = output_schema.as_ref().and_then(|schema| self.flow_output(&fn_name, &input_type, schema, source.name));
        self.flows.push(Flow {
            origin: source.origin,
            fn_name,
            input_type,
            summary: source.summary,
            inputs: scope.inputs,
            body,
            output_schema,
            output,
        });
        Some(self.flows.len() - 1)
    }

    /// The flow's function and input struct. A REST operation and a tool often repeat the same steps
    /// under the same name: the second takes its surface as a suffix (`get_ship_with_crew_tool`), so
    /// that both read plainly; an aggregate function keeps the name its author gave it.
    fn flow_names(&mut self, source: &FlowSource<'_>) -> (String, String) {
        let name = &source.name.value;
        let taken = |l: &Self, candidate: &str| {
            l.flow_names.contains(&ident::snake(candidate)) || l.type_names.contains(&ident::camel_with_suffix(candidate, "Input"))
        };
        let mut candidate = name.clone();
        if taken(self, &candidate)
            && let Some(surface) = source.surface
        {
            candidate = format!("{name}-{surface}");
        }
        let fn_name = self.flow_names.name(ident::snake(&candidate), name).ident;
        let input_type = self.named(ScopeKind::Types, ident::camel_with_suffix(&candidate, "Input"), source.name, "type");
        (fn_name, input_type)
    }

    /// The typed reply of a flow whose output schema is an object of properties: `GetShipOutput`
    /// beside `GetShipInput`, `get_ship_output` beside `get_ship`.
    fn flow_output(&mut self, fn_name: &str, input_type: &str, schema: &Value, name: &Spanned<String>) -> Option<FlowOutput> {
        let properties = schema.get("properties")?.as_object().filter(|p| !p.is_empty())?;
        let mut fields = Vec::new();
        let mut names = Scope::default();
        for (property, schema) in properties {
            let types: Vec<&str> = match schema.get("type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
                _ => Vec::new(),
            };
            let ty = match types.as_slice() {
                [one] => ParamType::parse(one).filter(|t| !matches!(t, ParamType::Array | ParamType::Object)).unwrap_or(ParamType::Any),
                _ => ParamType::Any,
            };
            let description = schema.get("description").and_then(Value::as_str).map(str::to_owned);
            let field = names.name(ident::snake(property), property).ident;
            fields.push(ReplyField { name: property.clone(), field, ty, description });
        }
        let stem = input_type.strip_suffix("Input").unwrap_or(input_type);
        let type_name = self.named(ScopeKind::Types, format!("{stem}Output"), name, "type");
        let fn_name = self.flow_names.name(format!("{}_output", fn_name.trim_start_matches("r#")), &name.value).ident;
        Some(FlowOutput { type_name, fn_name, fields })
    }

    fn declare_flow_inputs(&mut self, source: &FlowSource<'_>, scope: &mut FlowScope) {
        for d in &source.declared {
            let Some(name) = &d.name else {
                self.error(Diagnostic::new(Code::MissingKey, d.span, "an input parameter has no `name`").label("`name` missing here"));
                continue;
            };
            if scope.find(&name.value).is_some() {
                continue;
            }
            let ty = self.param_type(d.kind.as_ref()).unwrap_or(ParamType::String);
            // A path variable is always present: the route does not match without it.
            let in_path = d.location.as_ref().is_some_and(|l| l.value == "path");
            let required = in_path || d.required.as_ref().map_or(source.required_by_default, |r| r.value);
            let index = scope.push(&name.value, ty, required, text(&d.description));
            scope.inputs[index].constraints = super::inputs::declared_constraints(d);
        }
        if let Some(schema) = source.input_schema {
            let required: Vec<&str> =
                schema.value.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            for (name, prop) in schema.value.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if scope.find(name).is_none() {
                    let description = prop.get("description").and_then(Value::as_str).map(str::to_owned);
                    let index = scope.push(name, schema_param_type(prop), required.contains(&name.as_str()), description);
                    scope.inputs[index].constraints = super::inputs::schema_constraints(prop);
                }
            }
        }
    }

    /// What `call` names, as a flow calls it.
    fn callee(&mut self, call: &Spanned<String>) -> Option<Callee> {
        // Unresolvable calls were reported by `check`.
        match crate::check::resolve_call(self.cap, call).ok()? {
            crate::check::CallTarget::Operation { http, op, .. } => {
                let key = (http.namespace.as_ref()?.value.clone(), op.name.as_ref()?.value.clone());
                let &(consumes, operation) = self.ops.get(&key)?;
                Some(Callee::Operation { consumes, operation })
            }
            crate::check::CallTarget::Tool(tool) => Some(Callee::Custom { operation: *self.custom_index.get(&tool.name.as_ref()?.value)? }),
        }
    }

    fn callee_params(&self, callee: Callee) -> (Vec<Param>, String) {
        match callee {
            Callee::Operation { consumes, operation } => {
                let op = &self.consumes[consumes].operations[operation];
                (op.params.clone(), op.path_template.clone())
            }
            Callee::Custom { operation } => (self.custom[operation].params.clone(), String::new()),
        }
    }

    /// Each caller-supplied parameter of `callee` bound: from `with`, else from the input of the same name.
    fn step_bindings(
        &mut self,
        callee: Callee,
        with: &[(Spanned<String>, Spanned<Value>)],
        call: &Spanned<String>,
        scope: &mut FlowScope,
    ) -> Option<Vec<Binding>> {
        let (params, path_template) = self.callee_params(callee);
        let mut bindings = Vec::new();
        let mut with_used = vec![false; with.len()];
        for (pi, p) in params.iter().enumerate() {
            if p.fixed.is_some() {
                continue;
            }
            let w = with.iter().position(|(k, _)| k.value == p.name).or_else(|| with.iter().position(|(k, _)| same_name(&k.value, &p.name)));
            let source = match w {
                Some(wi) => {
                    with_used[wi] = true;
                    self.flow_source(&with[wi].1, Some(p), scope)
                }
                None => scope.input(&p.name, Some(p)).map_or(Source::Absent, Source::Input),
            };
            if source == Source::Absent && p.location == ParamLocation::Path {
                self.error(
                    Diagnostic::new(
                        Code::PathVariableUnbound,
                        call.span,
                        format!("path variable `{{{}}}` of `{path_template}` gets no value", p.name),
                    )
                    .label(format!("`{}` calls `{path_template}`", call.value))
                    .hint(format!("add `with: {{{}: <input, step value or literal>}}` or declare an input named `{}`", p.name, p.name)),
                );
            } else if source == Source::Absent && p.required {
                self.error(
                    Diagnostic::new(Code::MissingSource, call.span, format!("required parameter `{}` of `{}` gets no value", p.name, call.value))
                        .label(format!("`{}` is required", p.name))
                        .hint(format!("add `with: {{{}: <input, step value or literal>}}` or declare an input named `{}`", p.name, p.name)),
                );
            }
            bindings.push(Binding { param: pi, source });
        }
        for ((key, _), used) in with.iter().zip(&with_used) {
            if !used {
                let names: Vec<String> = params.iter().filter(|p| p.fixed.is_none()).map(|p| format!("`{}`", p.name)).collect();
                self.error(
                    Diagnostic::new(Code::WithUnknownParameter, key.span, format!("`{}` is not a parameter of `{}`", key.value, call.value))
                        .label("unknown parameter")
                        .hint(if names.is_empty() {
                            format!("`{}` takes no parameters", call.value)
                        } else {
                            format!("parameters of `{}`: {}", call.value, names.join(", "))
                        }),
                );
            }
        }
        Some(bindings)
    }

    /// A value written in a flow (`with`, `lookupValue`): a literal, `$.step.path`, `{{input}}`,
    /// `{{step.field}}`, `namespace.input`, or text with placeholders.
    fn flow_source(&mut self, value: &Spanned<Value>, feeds: Option<&Param>, scope: &mut FlowScope) -> Source {
        let s = match &value.value {
            Value::Null => return Source::Absent,
            Value::String(s) => s,
            other => return Source::Literal(other.clone()),
        };
        if s.starts_with("$.") || s.starts_with("$[") {
            return self.step_path(&Spanned::new(s.clone(), value.span), scope).map_or(Source::Absent, Source::Step);
        }
        let pieces = template::pieces(s);
        match pieces.as_slice() {
            [] => Source::Literal(Value::String(String::new())),
            [Piece::Text(t)] => match input_reference(t, &scope.namespaces) {
                Some(name) => self.flow_input(name, feeds, value.span, scope),
                None => Source::Literal(Value::String(s.clone())),
            },
            [Piece::Ref(r)] if self.secret_ref(r).is_none() => match scope.step_reference(r) {
                Some(path) => Source::Step(path),
                None => {
                    let name = scope.input_name(r);
                    self.flow_input(name, feeds, value.span, scope)
                }
            },
            _ => match self.flow_template(s, value.span, scope) {
                Some(template) => Source::Template(template),
                None => Source::Absent,
            },
        }
    }

    fn flow_input(&mut self, name: &str, feeds: Option<&Param>, span: Span, scope: &mut FlowScope) -> Source {
        match scope.input(name, feeds) {
            Some(i) => Source::Input(i),
            None => {
                self.unknown_flow_reference(name, span, scope);
                Source::Absent
            }
        }
    }

    /// Text with `{{input}}` and `{{step.field}}` placeholders; `None` after reporting a bad one.
    fn flow_template(&mut self, s: &str, span: Span, scope: &mut FlowScope) -> Option<Template> {
        let mut parts = Vec::new();
        for piece in template::pieces(s) {
            parts.push(match piece {
                Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                Piece::Ref(r) if self.secret_ref(r).is_some() => {
                    self.error(
                        Diagnostic::new(Code::Unsupported, span, "a secret inside a flow's values is not supported by this compiler yet")
                            .label("not compiled")
                            .hint("give the consumed parameter a fixed `value: '{{VAR}}'`, or use the consumes' `authentication`"),
                    );
                    return None;
                }
                Piece::Ref(r) => match scope.step_reference(r) {
                    Some(path) => TemplatePart::Step(path),
                    None => {
                        let name = scope.input_name(r);
                        match scope.input(name, None) {
                            Some(i) => TemplatePart::Param(i),
                            None => {
                                self.unknown_flow_reference(name, span, scope);
                                return None;
                            }
                        }
                    }
                },
            });
        }
        Some(Template { parts })
    }

    fn unknown_flow_reference(&mut self, name: &str, span: Span, scope: &FlowScope) {
        let inputs: Vec<String> = scope.inputs.iter().map(|i| format!("`{}`", i.name)).collect();
        let steps: Vec<String> = scope.steps.iter().map(|s| format!("`{s}`")).collect();
        let mut known = Vec::new();
        if !inputs.is_empty() {
            known.push(format!("inputs: {}", inputs.join(", ")));
        }
        if !steps.is_empty() {
            known.push(format!("earlier steps: {}", steps.join(", ")));
        }
        self.error(
            Diagnostic::new(Code::WithUnknownInput, span, format!("`{name}` is neither an input nor an earlier step"))
                .label("unknown reference")
                .hint(if known.is_empty() { "declare it under `inputParameters`".to_owned() } else { known.join("; ") }),
        );
    }

    /// `$.step.path`: the output of an earlier step, at a path.
    fn step_path(&mut self, path: &Spanned<String>, scope: &FlowScope) -> Option<StepPath> {
        let Some(steps) = parse_json_path(&path.value) else {
            self.json_path(path);
            return None;
        };
        let (first, rest) = match steps.split_first() {
            Some((PathStep::Field(first), rest)) => (first.clone(), rest.to_vec()),
            _ => {
                self.error(
                    Diagnostic::new(Code::UnknownStep, path.span, format!("`{}` names no step", path.value))
                        .label("expected `$.<step name>.<path>`")
                        .hint(step_names_hint(scope)),
                );
                return None;
            }
        };
        match scope.step(&first) {
            Some(step) => Some(StepPath { step, path: rest }),
            None => {
                self.error(
                    Diagnostic::new(Code::UnknownStep, path.span, format!("`{first}` is not a step that runs before this point"))
                        .label("unknown step")
                        .hint(step_names_hint(scope)),
                );
                None
            }
        }
    }

    fn steps_body(&mut self, source: &FlowSource<'_>, scope: &mut FlowScope) -> Option<FlowBody> {
        let inv = source.invocation;
        let mut steps: Vec<Step> = Vec::new();
        let mut vars = Scope::default();
        vars.reserve(&["handlers", "input", "reply"]);
        let mut ok = true;
        for step in &inv.steps {
            let Some(name) = &step.name else {
                self.error(
                    Diagnostic::new(Code::MissingKey, step.span, "a step has no `name`")
                        .label("`name` missing here")
                        .hint("later steps and `mappings` refer to a step by its name"),
                );
                ok = false;
                continue;
            };
            if let Some(first) = inv.steps.iter().filter_map(|s| s.name.as_ref()).take_while(|n| n.span != name.span).find(|n| n.value == name.value)
            {
                self.error(
                    Diagnostic::new(Code::DuplicateStep, name.span, format!("step `{}` is declared twice", name.value))
                        .label("second declaration")
                        .related(first.span, "first declared here")
                        .hint("steps are referred to by name; rename one"),
                );
                ok = false;
                continue;
            }
            let kind = step.kind.as_ref().map(|k| k.value.as_str()).unwrap_or(if step.index.is_some() { "lookup" } else { "call" });
            let lowered = match kind {
                "call" => self.call_step(step, name, scope),
                "lookup" => self.lookup_step(step, name, scope),
                // Reported by check.
                "script" => None,
                other => {
                    let span = step.kind.as_ref().map_or(step.span, |k| k.span);
                    self.error(
                        Diagnostic::new(Code::InvalidValue, span, format!("unknown step type `{other}`")).label("expected `call` or `lookup`"),
                    );
                    None
                }
            };
            match lowered {
                Some(kind) => {
                    let var = vars.name(ident::snake(&name.value), &name.value).ident;
                    steps.push(Step { name: name.value.clone(), var, kind });
                }
                None => ok = false,
            }
            scope.steps.push(name.value.clone());
        }
        if !ok {
            return None;
        }
        let reply = if inv.mappings.is_empty() {
            let Some(last) = steps.iter().rposition(|s| matches!(s.kind, StepKind::Call { .. })) else {
                self.error(
                    Diagnostic::new(Code::StepShape, source.owner, "these steps call nothing and have no `mappings`: there is nothing to answer")
                        .label("no reply")
                        .hint("add `mappings` that build the reply from the steps' outputs"),
                );
                return None;
            };
            StepsReply::LastCall { step: last, output: self.output(&inv.output_parameters) }
        } else {
            StepsReply::Mappings { members: self.step_mappings(inv, scope)? }
        };
        Some(FlowBody::Steps { steps, reply })
    }

    fn call_step(&mut self, step: &spec::Step, name: &Spanned<String>, scope: &mut FlowScope) -> Option<StepKind> {
        let Some(call) = &step.call else {
            self.error(
                Diagnostic::new(Code::StepShape, name.span, format!("call step `{}` has no `call`", name.value))
                    .label("`call` missing")
                    .hint("add `call: namespace.operation`"),
            );
            return None;
        };
        let callee = self.callee(call)?;
        let bindings = self.step_bindings(callee, &step.with, call, scope)?;
        let projection = match callee {
            Callee::Operation { .. } => self.step_projection(call),
            Callee::Custom { .. } => None,
        };
        Some(StepKind::Call { callee, bindings, projection })
    }

    /// What a call step keeps of its reply (as the reference engine does): the consumed operation's
    /// named outputs, when it declares any; else the whole reply.
    fn step_projection(&mut self, call: &Spanned<String>) -> Option<Mapping> {
        let crate::check::CallTarget::Operation { op, .. } = crate::check::resolve_call(self.cap, call).ok()? else { return None };
        let named: Vec<&spec::OutputParameter> = op.output_parameters.iter().filter(|o| o.name.is_some()).collect();
        if named.is_empty() {
            return None;
        }
        let mut properties = Vec::new();
        for o in named {
            let name = o.name.as_ref()?.value.clone();
            properties.push((name, self.mapping(o)?));
        }
        Some(Mapping::Object { properties })
    }

    fn lookup_step(&mut self, step: &spec::Step, name: &Spanned<String>, scope: &mut FlowScope) -> Option<StepKind> {
        let (Some(index), Some(key), Some(value)) = (&step.index, &step.match_field, &step.lookup_value) else {
            let missing: Vec<&str> =
                [("index", step.index.is_none()), ("match", step.match_field.is_none()), ("lookupValue", step.lookup_value.is_none())]
                    .into_iter()
                    .filter(|(_, m)| *m)
                    .map(|(k, _)| k)
                    .collect();
            self.error(
                Diagnostic::new(Code::StepShape, name.span, format!("lookup step `{}` has no `{}`", name.value, missing.join("`, `")))
                    .label("incomplete lookup")
                    .hint("a lookup names the step whose output it searches (`index`), the field to compare (`match`) and the value to find (`lookupValue`)"),
            );
            return None;
        };
        let Some(index_step) = scope.step(&index.value) else {
            self.error(
                Diagnostic::new(Code::UnknownStep, index.span, format!("`{}` is not a step that runs before `{}`", index.value, name.value))
                    .label("unknown step")
                    .hint(step_names_hint(scope)),
            );
            return None;
        };
        let value = self.flow_source(&Spanned::new(Value::String(value.value.clone()), value.span), None, scope);
        if value == Source::Absent {
            return None;
        }
        Some(StepKind::Lookup { index: index_step, key: key.value.clone(), value, fields: step.fields.iter().map(|f| f.value.clone()).collect() })
    }

    fn step_mappings(&mut self, inv: &spec::Invocation, scope: &FlowScope) -> Option<Vec<(Vec<String>, StepPath)>> {
        let outputs: Vec<&str> = inv.output_parameters.iter().filter_map(|o| o.name.as_ref()).map(|n| n.value.as_str()).collect();
        let mut members = Vec::new();
        let mut ok = true;
        for m in &inv.mappings {
            let (Some(target), Some(value)) = (&m.target_name, &m.value) else {
                self.error(Diagnostic::new(Code::MissingKey, m.span, "a mapping needs `targetName` and `value`").label("incomplete mapping"));
                ok = false;
                continue;
            };
            let path: Vec<String> = target.value.split('.').map(str::to_owned).collect();
            if !outputs.is_empty() && !outputs.contains(&path[0].as_str()) {
                self.error(
                    Diagnostic::new(Code::MappingTarget, target.span, format!("`{}` is not one of the declared outputs", path[0]))
                        .label("not an output")
                        .hint(format!("declared outputs: {}", outputs.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "))),
                );
                ok = false;
                continue;
            }
            match self.step_path(value, scope) {
                Some(source) => members.push((path, source)),
                None => ok = false,
            }
        }
        ok.then_some(members)
    }

    /// The reply of a mock: each output with a `value` (or with outputs that have one) under its name.
    fn mock_value(&mut self, outputs: &[spec::OutputParameter], scope: &mut FlowScope, owner: Span) -> Option<MockValue> {
        let mut members = Vec::new();
        for o in outputs {
            if let Some(value) = self.mock_output(o, scope)? {
                let name = o.name.as_ref().map_or_else(|| "value".to_owned(), |n| n.value.clone());
                members.push((name, value));
            }
        }
        if members.is_empty() {
            self.error(Diagnostic::new(Code::MissingKey, owner, "this mock operation's outputs have no `value`").label("nothing to answer"));
            return None;
        }
        Some(MockValue::Object(members))
    }

    /// `Ok(None)`-like: `Some(None)` for an output without any value (left out of the reply).
    fn mock_output(&mut self, o: &spec::OutputParameter, scope: &mut FlowScope) -> Option<Option<MockValue>> {
        let kind = o.kind.as_ref().map(|k| k.value.as_str());
        if let Some(v) = &o.value {
            let ty = kind.and_then(ParamType::parse).filter(|t| matches!(t, ParamType::Integer | ParamType::Number | ParamType::Boolean));
            return Some(Some(match &v.value {
                Value::String(s) => MockValue::Text { template: self.flow_template(s, v.span, scope)?, ty },
                other => MockValue::Json(other.clone()),
            }));
        }
        if !o.properties.is_empty() {
            let mut members = Vec::new();
            for (name, p) in &o.properties {
                if let Some(value) = self.mock_output(p, scope)? {
                    members.push((name.value.clone(), value));
                }
            }
            return Some((!members.is_empty()).then_some(MockValue::Object(members)));
        }
        if let Some(items) = &o.items {
            return Some(Some(MockValue::Array(self.mock_output(items, scope)?.into_iter().collect())));
        }
        Some(None)
    }

    // ------------------------------------------------------------ aggregates

    /// Every aggregate function becomes a flow, before the exposes that `ref` them are lowered.
    pub(super) fn lower_aggregates(&mut self) {
        for aggregate in &self.cap.aggregates {
            let Some(namespace) = &aggregate.namespace else {
                self.error(
                    Diagnostic::new(Code::MissingKey, aggregate.span, "an aggregate has no `namespace`")
                        .label("`namespace` missing here")
                        .hint("`ref: namespace.function` finds functions by it"),
                );
                continue;
            };
            for function in &aggregate.functions {
                let Some(name) = &function.name else {
                    self.error(Diagnostic::new(Code::MissingKey, function.span, "an aggregate function has no `name`").label("`name` missing here"));
                    continue;
                };
                let key = format!("{}.{}", namespace.value, name.value);
                if let Some(&(_, first)) = self.functions.get(&key) {
                    self.error(
                        Diagnostic::new(Code::DuplicateFunction, name.span, format!("function `{key}` is declared twice"))
                            .label("second declaration")
                            .related(first, "first declared here")
                            .hint("`ref` finds functions by `namespace.name`; rename one"),
                    );
                    continue;
                }
                let inv = &function.invocation;
                if inv.call.is_none() && inv.steps.is_empty() && !inv.is_mock() {
                    self.error(
                        Diagnostic::new(Code::MissingKey, name.span, format!("function `{key}` has no `call`, `steps` or mock outputs"))
                            .label("nothing to do")
                            .hint("add `call: namespace.operation`, `steps`, or outputs with a `value`"),
                    );
                    continue;
                }
                let source = FlowSource {
                    origin: format!("aggregate function `{key}`"),
                    name,
                    summary: text(&function.description),
                    declared: function.input_parameters.iter().collect(),
                    input_schema: None,
                    invocation: inv,
                    namespace: Some(&namespace.value),
                    required_by_default: true,
                    surface: None,
                    owner: name.span,
                };
                if let Some(flow) = self.lower_flow(source) {
                    self.functions.insert(key, (flow, name.span));
                }
            }
        }
    }

    /// The flow a `ref` names, or an error at the `ref`.
    pub(super) fn referenced_function(&mut self, reference: &Spanned<String>) -> Option<usize> {
        if let Some(&(flow, _)) = self.functions.get(reference.value.trim()) {
            return Some(flow);
        }
        // A function that exists but did not lower has been reported already.
        let declared = self.cap.aggregates.iter().any(|a| {
            a.functions.iter().any(|f| {
                a.namespace.as_ref().zip(f.name.as_ref()).is_some_and(|(ns, n)| format!("{}.{}", ns.value, n.value) == reference.value.trim())
            })
        });
        if !declared {
            let mut known: Vec<String> = self.functions.keys().map(|k| format!("`{k}`")).collect();
            known.sort();
            self.error(
                Diagnostic::new(Code::UnknownRef, reference.span, format!("`ref: {}` names no aggregate function", reference.value))
                    .label("unknown function")
                    .hint(if known.is_empty() {
                        "declare it under `capability.aggregates[].functions`".to_owned()
                    } else {
                        format!("functions: {}", known.join(", "))
                    }),
            );
        }
        None
    }
}

/// The aggregate function a `ref` names, as written.
pub(super) fn function_spec<'c>(cap: &'c spec::Capability, reference: &str) -> Option<&'c spec::AggregateFunction> {
    let (namespace, name) = reference.trim().split_once('.')?;
    cap.aggregates
        .iter()
        .filter(|a| a.namespace.as_ref().is_some_and(|n| n.value == namespace))
        .flat_map(|a| &a.functions)
        .find(|f| f.name.as_ref().is_some_and(|n| n.value == name))
}

fn step_names_hint(scope: &FlowScope) -> String {
    if scope.steps.is_empty() {
        "no step runs before this one: a step refers only to steps declared above it".to_owned()
    } else {
        format!("steps before this point: {}", scope.steps.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    }
}

/// The JSON Schema of what an operation's outputs make of an upstream reply: one output's shape, or
/// any of several (the first that is not `null` answers).
pub(super) fn output_schema(outputs: &[spec::OutputParameter]) -> Option<Value> {
    match outputs {
        [] => None,
        [single] => Some(schema_of(single)),
        several => Some(serde_json::json!({"anyOf": several.iter().map(schema_of).collect::<Vec<_>>()})),
    }
}

/// The JSON Schema of a mock reply: an object of the outputs by name (`value` for one without).
fn keyed_schema(outputs: &[spec::OutputParameter]) -> Value {
    let properties: serde_json::Map<String, Value> =
        outputs.iter().map(|o| (o.name.as_ref().map_or("value", |n| n.value.as_str()).to_owned(), schema_of(o))).collect();
    serde_json::json!({"type": "object", "properties": properties})
}

/// The JSON Schema of what `mappings` build: an object of their targets (dot paths nest), each typed
/// as the declared output at that place says, when one does. A target whose value is missing is left
/// out, so none is required.
fn mappings_schema(members: &[(Vec<String>, StepPath)], outputs: &[spec::OutputParameter]) -> Value {
    let declared = keyed_schema(outputs);
    let mut root = serde_json::json!({"type": "object", "properties": {}});
    for (path, _) in members {
        let (mut node, mut known) = (&mut root, Some(&declared));
        for (i, segment) in path.iter().enumerate() {
            known = known.and_then(|k| k.get("properties")).and_then(|p| p.get(segment));
            let child = match known {
                Some(schema) if i + 1 == path.len() || schema.get("properties").is_some() => schema.clone(),
                _ if i + 1 == path.len() => serde_json::json!({}),
                _ => serde_json::json!({"type": "object", "properties": {}}),
            };
            let Some(properties) = node.get_mut("properties").and_then(Value::as_object_mut) else { break };
            node = properties.entry(segment.clone()).or_insert(child);
        }
    }
    root
}

fn schema_of(o: &spec::OutputParameter) -> Value {
    let kind = o.kind.as_ref().map(|k| k.value.as_str());
    let mut schema = serde_json::Map::new();
    if !o.properties.is_empty() {
        let properties: serde_json::Map<String, Value> = o.properties.iter().map(|(n, p)| (n.value.clone(), schema_of(p))).collect();
        // An object of `properties` is built whatever the upstream sent: it is never null.
        schema.insert("type".into(), Value::from("object"));
        schema.insert("properties".into(), Value::Object(properties));
    } else if kind == Some("array") {
        schema.insert("type".into(), serde_json::json!(["array", "null"]));
        if let Some(items) = &o.items {
            schema.insert("items".into(), schema_of(items));
        }
    } else if let Some(t) = kind.filter(|t| matches!(*t, "string" | "integer" | "number" | "boolean" | "object")) {
        schema.insert("type".into(), serde_json::json!([t, "null"]));
    }
    if let Some(d) = text(&o.description) {
        schema.insert("description".into(), Value::from(d));
    }
    Value::Object(schema)
}
