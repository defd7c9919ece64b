//! What an exposed operation does: its inputs, and each parameter of the called operation bound
//! to an input, a literal or a template.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::ident::{Scope, same_name};
use crate::ir::model::*;
use crate::ir::template::{self, Piece};
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

use super::custom::schema_param_type;
use super::flows::FlowSource;
use super::inputs::{InputBuilder, Surface, declared_constraints, input_reference, schema_constraints, strip_input_prefix};
use super::{Lowering, Target, text};

/// An exposed operation or tool, as `action` needs it.
pub(super) struct Exposed<'s> {
    pub invocation: &'s spec::Invocation,
    pub declared: Vec<&'s spec::ExposedParameter>,
    pub input_schema: Option<&'s Spanned<Value>>,
    pub owner: Span,
    /// A tool with no `call`: the custom operation it is.
    pub custom_self: Option<usize>,
    /// Names the flow of its steps or mock outputs: `tool get-ship-with-crew`, and the name.
    pub origin: String,
    pub name: &'s Spanned<String>,
    pub summary: Option<String>,
}

impl Lowering<'_> {
    /// Resolves what an exposed operation or tool does: its inputs and how they bind to what it
    /// runs — a consumed or custom operation, the aggregate function its `ref` names, or the flow
    /// of its own `steps` or mock outputs (lowered here).
    pub(super) fn action(&mut self, exposed: Exposed<'_>, surface: Surface<'_>) -> Option<(Vec<Input>, Action)> {
        let Exposed { invocation: inv, declared, input_schema, owner, custom_self, .. } = exposed;
        let declared = declared.as_slice();
        // What a flow is "called" by, for diagnostics.
        let flow_call;
        let self_call;
        let (call, target) = if let Some(reference) = &inv.reference {
            (reference, Target::Flow(self.referenced_function(reference)?))
        } else if !inv.steps.is_empty() || inv.is_mock() {
            let flow = self.lower_flow(FlowSource {
                origin: exposed.origin,
                name: exposed.name,
                summary: exposed.summary,
                declared: declared.to_vec(),
                input_schema,
                invocation: inv,
                namespace: None,
                required_by_default: matches!(surface, Surface::Mcp),
                surface: Some(if matches!(surface, Surface::Mcp) { "tool" } else { "rest" }),
                owner,
            })?;
            flow_call = Spanned::new(exposed.name.value.clone(), owner);
            (&flow_call, Target::Flow(flow))
        } else {
            // A custom tool "calls" itself: its arguments bind to its own inputs of the same name.
            let call = match (&inv.call, custom_self) {
                (Some(call), _) => call,
                (None, Some(index)) => {
                    self_call = Spanned::new(self.custom[index].name.clone(), owner);
                    &self_call
                }
                (None, None) => {
                    self.error(Diagnostic::new(Code::MissingKey, owner, "this operation has no `call`").label("nothing to do").hint(
                        "add `call: namespace.operation` naming a consumed operation, `call: <tool name>` naming an MCP tool that has none, `steps`, or outputs with a `value`",
                    ));
                    return None;
                }
            };
            let target = match custom_self {
                Some(index) => Target::Custom(index),
                // Unresolvable calls were reported by `check`.
                None => match crate::check::resolve_call(self.cap, call).ok()? {
                    crate::check::CallTarget::Operation { http, op, .. } => {
                        let ns = http.namespace.as_ref()?.value.clone();
                        let opname = op.name.as_ref()?.value.clone();
                        let &(consumes, operation) = self.ops.get(&(ns, opname))?;
                        Target::Operation { consumes, operation }
                    }
                    crate::check::CallTarget::Tool(tool) => Target::Custom(*self.custom_index.get(&tool.name.as_ref()?.value)?),
                },
            };
            (call, target)
        };
        let (params, path_template) = match target {
            Target::Operation { consumes, operation } => {
                let op = &self.consumes[consumes].operations[operation];
                (op.params.clone(), op.path_template.clone())
            }
            Target::Custom(_) | Target::Flow(_) => {
                let mut params = match target {
                    Target::Custom(index) => self.custom[index].params.clone(),
                    Target::Flow(index) => self.flows[index].inputs.clone(),
                    Target::Operation { .. } => Vec::new(),
                };
                // Arguments are JSON members; a REST caller sends them in the query when its method has no body.
                if let Surface::Rest { method, .. } = surface
                    && method.ignores_body()
                {
                    params.iter_mut().for_each(|p| p.location = ParamLocation::Query);
                }
                (params, String::new())
            }
        };

        let mut b = InputBuilder {
            inputs: Vec::new(),
            fields: Scope::default(),
            declared_mode: !declared.is_empty() || input_schema.is_some(),
            used: Vec::new(),
            whole_body_name: matches!(target, Target::Custom(_)),
            constants: Vec::new(),
        };
        if let Surface::Rest { vars, .. } = surface {
            for (i, var) in vars.iter().enumerate() {
                let decl = declared.iter().find(|d| d.name.as_ref().is_some_and(|n| same_name(&n.value, var)));
                let consumed = params.iter().find(|p| same_name(&p.name, var));
                let description = decl.and_then(|d| text(&d.description)).or_else(|| consumed.and_then(|p| p.description.clone()));
                let index = b.push(var, InputLocation::Path(i), ParamType::String, true, description);
                if let Some(d) = decl {
                    b.inputs[index].constraints = declared_constraints(d);
                }
            }
        }
        for d in declared {
            let Some(name) = &d.name else {
                self.error(Diagnostic::new(Code::MissingKey, d.span, "an input parameter has no `name`").label("`name` missing here"));
                continue;
            };
            if b.find(&name.value).is_some() {
                continue;
            }
            let location = match (&surface, d.location.as_ref().map(|l| (l, l.value.as_str()))) {
                (Surface::Mcp, _) => InputLocation::Argument,
                (Surface::Rest { .. }, None | Some((_, "query"))) => InputLocation::Query,
                (Surface::Rest { .. }, Some((_, "header"))) => InputLocation::Header,
                (Surface::Rest { .. }, Some((_, "cookie"))) => InputLocation::Cookie,
                (Surface::Rest { .. }, Some((_, "body"))) if name.value == "body" => InputLocation::Body,
                (Surface::Rest { .. }, Some((_, "body"))) => InputLocation::BodyField,
                (Surface::Rest { .. }, Some((l, other))) => {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidValue,
                            l.span,
                            format!("input `{}` is `in: {other}` but the path has no variable of that name", name.value),
                        )
                        .label("expected query, header, cookie or body")
                        .hint(format!("add `{{{}}}` to the resource's `path`, or take it from the query (`in: query`)", name.value)),
                    );
                    // Still an input (of the query), so that what binds to it is not reported again.
                    InputLocation::Query
                }
            };
            let ty = self.param_type(d.kind.as_ref()).unwrap_or(ParamType::String);
            let required = d.required.as_ref().map_or(matches!(surface, Surface::Mcp), |r| r.value);
            // `value`: a JSONPath into the request body (the arguments, on MCP), or a fixed value.
            let path = match d.value.as_ref().map(|v| (v, &v.value)) {
                None | Some((_, Value::Null)) => None,
                Some((v, Value::String(s))) if s.trim_start().starts_with('$') => {
                    let from_body = matches!(surface, Surface::Mcp) || d.location.as_ref().is_none_or(|l| l.value == "body");
                    if !from_body {
                        self.error(
                            Diagnostic::new(
                                Code::InvalidValue,
                                v.span,
                                format!(
                                    "input `{}` reads `{s}` from the request body, but is `in: {}`",
                                    name.value,
                                    d.location.as_ref().map_or("", |l| l.value.as_str())
                                ),
                            )
                            .label("a JSONPath value reads the body")
                            .hint("use `in: body`, or drop `value` to read the input where `in` says"),
                        );
                        continue;
                    }
                    let Some(path) = self.json_path(&Spanned::new(s.trim().to_owned(), v.span)) else { continue };
                    Some(path)
                }
                Some((_, literal)) => {
                    b.constants.push((name.value.clone(), literal.clone()));
                    continue;
                }
            };
            let location = match (path.is_some(), surface) {
                (true, Surface::Rest { .. }) => InputLocation::BodyField,
                _ => location,
            };
            let index = b.push(&name.value, location, ty, required, text(&d.description));
            b.inputs[index].path = path;
            b.inputs[index].constraints = declared_constraints(d);
        }
        if let Some(schema) = input_schema {
            let required: Vec<&str> =
                schema.value.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(props) = schema.value.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if b.find(name).is_some() {
                        continue;
                    }
                    let ty = schema_param_type(prop);
                    let description = prop.get("description").and_then(Value::as_str).map(str::to_owned);
                    let index = b.push(name, InputLocation::Argument, ty, required.contains(&name.as_str()), description);
                    b.inputs[index].constraints = schema_constraints(prop);
                }
            }
        }

        // Bind every caller-supplied parameter of the called operation.
        let mut bindings = Vec::new();
        let mut with_used = vec![false; inv.with.len()];
        for (pi, p) in params.iter().enumerate() {
            if p.fixed.is_some() {
                continue;
            }
            let w = inv.with.iter().position(|(k, _)| k.value == p.name).or_else(|| inv.with.iter().position(|(k, _)| same_name(&k.value, &p.name)));
            let source = match w {
                Some(wi) => {
                    with_used[wi] = true;
                    let value = &inv.with[wi].1;
                    self.with_source(value, p, &surface, &mut b)
                }
                None => match b.constant(&p.name) {
                    Some(value) => Source::Literal(value.clone()),
                    None => b.reference(&p.name, p, &surface).map_or(Source::Absent, Source::Input),
                },
            };
            if source == Source::Absent && p.location == ParamLocation::Path {
                self.error(
                    Diagnostic::new(
                        Code::PathVariableUnbound,
                        call.span,
                        format!("path variable `{{{}}}` of `{path_template}` gets no value", p.name),
                    )
                    .label(format!("`{}` calls `{path_template}`", call.value))
                    .hint(format!("add `with: {{{}: <input or literal>}}` or declare an input named `{}`", p.name, p.name)),
                );
            } else if source == Source::Absent && p.required {
                self.error(
                    Diagnostic::new(Code::MissingSource, call.span, format!("required parameter `{}` of `{}` gets no value", p.name, call.value))
                        .label(format!("`{}` is required", p.name))
                        .hint(format!("add `with: {{{}: <input or literal>}}` or declare an input named `{}`", p.name, p.name)),
                );
            }
            bindings.push(Binding { param: pi, source });
        }
        for ((key, _), used) in inv.with.iter().zip(&with_used) {
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
        for (i, input) in b.inputs.iter().enumerate() {
            let from_path = matches!(input.location, InputLocation::Path(_));
            if !from_path
                && !b.used.contains(&i)
                && input_schema.is_none()
                && let Some(name) = declared.iter().find_map(|d| d.name.as_ref().filter(|n| n.value == input.name))
            {
                {
                    self.diags.push(
                        Diagnostic::new(Code::UnusedInput, name.span, format!("input `{}` is never sent upstream", input.name))
                            .label("unused")
                            .hint(format!("bind it with `with: {{<parameter>: {}}}`", input.name)),
                    );
                }
            }
        }
        let action = match target {
            Target::Operation { consumes, operation } => Action::Call { consumes, operation, bindings, output: self.output(&inv.output_parameters) },
            Target::Custom(operation) => Action::Custom { operation, bindings, output: self.output(&inv.output_parameters) },
            Target::Flow(flow) => Action::Flow { flow, bindings },
        };
        Some((b.inputs, action))
    }

    pub(super) fn with_source(&mut self, value: &Spanned<Value>, p: &Param, surface: &Surface<'_>, b: &mut InputBuilder) -> Source {
        let s = match &value.value {
            Value::Null => return Source::Absent,
            Value::String(s) => s,
            other => return Source::Literal(other.clone()),
        };
        let pieces = template::pieces(s);
        let reference = match pieces.as_slice() {
            [Piece::Ref(r)] if self.secret_ref(r).is_none() => Some(strip_input_prefix(r, &self.expose_namespaces)),
            [Piece::Text(t)] => input_reference(t, &self.expose_namespaces),
            [] => None,
            _ => {
                let mut parts = Vec::new();
                for piece in pieces {
                    parts.push(match piece {
                        Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                        Piece::Ref(r) => match self.secret_ref(r) {
                            Some(_) => return self.secret_in_with(value.span),
                            None => {
                                let name = strip_input_prefix(r, &self.expose_namespaces);
                                match b.reference(name, p, surface) {
                                    Some(i) => TemplatePart::Param(i),
                                    None => return self.unknown_input(name, value.span, b),
                                }
                            }
                        },
                    });
                }
                return Source::Template(Template { parts });
            }
        };
        match reference {
            Some(name) if b.constant(name).is_some() => Source::Literal(b.constant(name).cloned().unwrap_or_default()),
            Some(name) => match b.reference(name, p, surface) {
                Some(i) => Source::Input(i),
                None => self.unknown_input(name, value.span, b),
            },
            None => match pieces.as_slice() {
                [Piece::Ref(_)] => self.secret_in_with(value.span),
                _ => Source::Literal(Value::String(s.clone())),
            },
        }
    }

    /// Secrets belong to a consumes' `authentication` or a fixed parameter `value`, where the client
    /// applies them; exposed adapters never hold them.
    pub(super) fn secret_in_with(&mut self, span: Span) -> Source {
        self.error(
            Diagnostic::new(Code::Unsupported, span, "a secret inside `with` is not supported by this compiler yet")
                .label("not compiled")
                .hint("give the consumed parameter a fixed `value: '{{VAR}}'`, or use the consumes' `authentication`"),
        );
        Source::Absent
    }

    pub(super) fn unknown_input(&mut self, name: &str, span: Span, b: &InputBuilder) -> Source {
        let names: Vec<String> = b.inputs.iter().map(|i| format!("`{}`", i.name)).collect();
        self.error(
            Diagnostic::new(Code::WithUnknownInput, span, format!("`{name}` is not an input of this operation")).label("unknown input").hint(
                if names.is_empty() { "declare it under `inputParameters`".to_owned() } else { format!("declared inputs: {}", names.join(", ")) },
            ),
        );
        Source::Absent
    }
}
