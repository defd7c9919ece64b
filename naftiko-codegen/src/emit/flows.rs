//! The `flows` module: one async function per orchestration, mock and aggregate function, with its
//! input struct. Steps await `Handlers` methods in order (so an override of a consumed operation
//! applies inside flows too); every path was compiled at generation time, so a flow is plain Rust
//! over `naftiko_runtime::flow`'s few helpers: no interpreter, no JSONPath engine at run time.

use crate::emit::code::{Code, code};
use crate::emit::values::rust_type;
use crate::emit::{ident, mapping, values};
use crate::ir::{
    Binding, Callee, Capability, Flow, FlowBody, MockValue, Output, Param, ParamType, PathStep, Source, Step, StepKind, StepPath, StepsReply,
    Template, TemplatePart,
};

pub fn emit(cap: &Capability) -> Code {
    let items = cap.flows.iter().map(|flow| flow_items(cap, flow));
    code! {
        #![doc = " The capability's orchestrations, mock replies and aggregate functions: one function each,"]
        #![doc = " which every surface that refers to it calls. Steps run in order through [`Handlers`], so"]
        #![doc = " overriding a consumed operation there changes it here too; a failing step stops the flow"]
        #![doc = " with an error naming it."]

        use ::naftiko_runtime::{Error, Response, flow};
        use super::handlers::Handlers;

        #(#items)*
    }
}

fn flow_items(cap: &Capability, flow: &Flow) -> Code {
    let input_type = ident(&flow.input_type);
    let name = ident(&flow.fn_name);
    let struct_doc = crate::emit::doc(&format!(" Inputs of {}.", flow.origin));
    let inputs: Vec<&Param> = flow.inputs.iter().collect();
    let input_struct = crate::emit::inputs::input_struct(&flow.input_type, struct_doc, &inputs, |p| {
        crate::emit::doc(&match p.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!(" {d} (`{}`)", p.name),
            None => format!(" Input `{}`.", p.name),
        })
    });
    let summary_doc =
        crate::emit::summary_doc(&flow.summary.as_deref().map(|s| format!(" {}", s.lines().next().unwrap_or_default())).unwrap_or_default());
    let what = crate::emit::doc(&format!(" {}: {}.", capitalized(&flow.origin), describe(cap, flow)));
    let (body, uses_handlers, uses_input) = match &flow.body {
        FlowBody::Mock { value } => {
            let value = mock_value(value, flow);
            (code! { Ok(flow::json(#value)) }, false, !flow.inputs.is_empty())
        }
        FlowBody::Call { callee, bindings, output } => {
            let call = callee_call(cap, *callee, bindings, flow, &[]);
            let reply = match output {
                Output::Passthrough => code! { #call },
                Output::Mapped(m) => {
                    let shape = mapping::expression(m, &code!(value));
                    code! { flow::shaped(#call, |value| #shape) }
                }
            };
            (reply, true, bindings.iter().any(|b| reads_input(&b.source)))
        }
        FlowBody::Steps { steps, reply } => steps_body(cap, flow, steps, reply),
    };
    let handlers = if uses_handlers { code!(handlers) } else { code!(_handlers) };
    let input = if uses_input { code!(input) } else { code!(_input) };
    let output = flow_output(flow);
    code! {
        #input_struct

        #summary_doc
        #what
        pub async fn #name<H: Handlers>(
            #handlers: &H,
            #input: #input_type,
        ) -> ::core::result::Result<Response, Error> {
            #body
        }

        #output
    }
}

/// A flow's typed reply: the struct of its output schema's properties and `…_output`, which runs the
/// flow and reads its reply into it.
fn flow_output(flow: &Flow) -> Code {
    let Some(output) = &flow.output else { return Code::new() };
    let function = flow.fn_name.trim_start_matches("r#");
    let struct_doc =
        crate::emit::doc(&format!(" What [`{function}`] answers ({}), as returned by [`{}`].", flow.origin, output.fn_name.trim_start_matches("r#")));
    let item = crate::emit::outputs::output_struct(&output.type_name, struct_doc, &output.fields);
    let (name, flow_fn, input_type, type_name) = (ident(&output.fn_name), ident(&flow.fn_name), ident(&flow.input_type), ident(&output.type_name));
    let doc = crate::emit::doc(&format!(" [`{function}`], its reply read into [`{}`], with the reply's status and headers.", output.type_name));
    code! {
        #item

        #doc
        pub async fn #name<H: Handlers>(
            handlers: &H,
            input: #input_type,
        ) -> ::core::result::Result<::naftiko_runtime::Reply<#type_name>, Error> {
            ::naftiko_runtime::Reply::read(#flow_fn(handlers, input).await?, ::core::clone::Clone::clone)
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// What a flow does, for its doc line: "`get-ship` (`registry.get-ship`), then lookup `resolve-crew`".
fn describe(cap: &Capability, flow: &Flow) -> String {
    match &flow.body {
        FlowBody::Mock { .. } => "a reply built from the spec's output values, with no upstream call".to_owned(),
        FlowBody::Call { callee, .. } => format!("calls {}", callee_name(cap, *callee)),
        FlowBody::Steps { steps, .. } => {
            let steps: Vec<String> = steps
                .iter()
                .map(|s| match &s.kind {
                    StepKind::Call { callee, .. } => format!("`{}` ({})", s.name, callee_name(cap, *callee)),
                    StepKind::Lookup { .. } => format!("lookup `{}`", s.name),
                })
                .collect();
            format!("steps {}", steps.join(", then "))
        }
    }
}

fn callee_name(cap: &Capability, callee: Callee) -> String {
    match callee {
        Callee::Operation { consumes, operation } => {
            let c = &cap.consumes[consumes];
            format!("`{}.{}`", c.namespace, c.operations[operation].name)
        }
        Callee::Custom { operation } => format!("`Handlers::{}`", cap.custom[operation].method_name.trim_start_matches("r#")),
    }
}

/// The body of a flow of steps; and whether it uses `handlers` and `input`.
fn steps_body(cap: &Capability, flow: &Flow, steps: &[Step], reply: &StepsReply) -> (Code, bool, bool) {
    // Steps after the last call of a flow without mappings cannot change its reply: not emitted.
    let emitted = match reply {
        StepsReply::LastCall { step, .. } => &steps[..=*step],
        StepsReply::Mappings { .. } => steps,
    };
    let referenced = |index: usize| -> bool {
        let in_source =
            |s: &Source| matches!(s, Source::Step(p) if p.step == index) || matches!(s, Source::Template(t) if template_reads_step(t, index));
        let later = emitted.iter().skip(index + 1).any(|s| match &s.kind {
            StepKind::Call { bindings, .. } => bindings.iter().any(|b| in_source(&b.source)),
            StepKind::Lookup { index: i, value, .. } => *i == index || in_source(value),
        });
        let mapped = matches!(reply, StepsReply::Mappings { members } if members.iter().any(|(_, p)| p.step == index));
        later || mapped
    };
    let mut statements = Vec::new();
    let mut uses_input = false;
    for (i, step) in emitted.iter().enumerate() {
        let name = &step.name;
        let var = if referenced(i) { ident(&step.var) } else { ident(&format!("_{}", step.var.trim_start_matches("r#"))) };
        match &step.kind {
            StepKind::Call { callee, bindings, projection } => {
                uses_input |= bindings.iter().any(|b| reads_input(&b.source));
                let call = callee_call(cap, *callee, bindings, flow, steps);
                let last = matches!(reply, StepsReply::LastCall { step, .. } if *step == i);
                statements.push(if last {
                    code! { let reply = flow::reply_of(#name, #call)?; }
                } else {
                    let value = code! { flow::step(#name, #call)? };
                    let value = match projection {
                        Some(m) => {
                            let outputs = mapping::expression(m, &code!(value));
                            code! { flow::project(#value, |value| #outputs) }
                        }
                        None => value,
                    };
                    code! { let #var = #value; }
                });
            }
            StepKind::Lookup { index, key, value, fields } => {
                uses_input |= reads_input(value);
                let index = step_access(&steps[*index]);
                let value = lookup_value(value, flow, steps);
                statements.push(code! { let #var = flow::lookup(#index, #key, #value.as_ref(), &[#(#fields),*]); });
            }
        }
    }
    let reply = match reply {
        StepsReply::LastCall { output: Output::Passthrough, .. } => code! { Ok(reply) },
        StepsReply::LastCall { output: Output::Mapped(m), .. } => {
            let shape = mapping::expression(m, &code!(value));
            code! { flow::shape(reply, |value| #shape) }
        }
        StepsReply::Mappings { members } => {
            let sets = members.iter().map(|(target, source)| {
                let value = step_value(source, steps);
                code! { reply.set(&[#(#target),*], #value); }
            });
            code! {
                let mut reply = flow::Reply::new();
                #(#sets)*
                Ok(reply.into_response())
            }
        }
    };
    (code! { #(#statements)* #reply }, true, uses_input)
}

fn reads_input(source: &Source) -> bool {
    match source {
        Source::Input(_) => true,
        Source::Template(t) => t.parts.iter().any(|p| matches!(p, TemplatePart::Param(_))),
        _ => false,
    }
}

fn template_reads_step(template: &Template, step: usize) -> bool {
    template.parts.iter().any(|p| matches!(p, TemplatePart::Step(s) if s.step == step))
}

/// How a step's output is read: a call step's `Value`, a lookup's `Option<Value>`.
fn step_access(step: &Step) -> Code {
    let var = ident(&step.var);
    match step.kind {
        StepKind::Call { .. } => code! { &#var },
        StepKind::Lookup { .. } => code! { #var.as_ref() },
    }
}

/// `Option<Value>`: the JSON at a path of a step's output.
fn step_value(path: &StepPath, steps: &[Step]) -> Code {
    let Some(step) = steps.get(path.step) else { return code! { None } };
    let access = step_access(step);
    let steps = path_steps(&path.path);
    code! { flow::at(#access, #steps) }
}

/// `&[flow::Step::…]`: a compiled path.
fn path_steps(path: &[PathStep]) -> Code {
    let steps = path.iter().map(|s| match s {
        PathStep::Field(name) => code! { flow::Step::Field(#name) },
        PathStep::Index(i) => code! { flow::Step::Index(#i) },
        PathStep::Each => code! { flow::Step::Each },
    });
    code! { &[#(#steps),*] }
}

/// `Option<Value>`: what a lookup looks for.
fn lookup_value(source: &Source, flow: &Flow, steps: &[Step]) -> Code {
    match source {
        Source::Step(path) => step_value(path, steps),
        Source::Input(i) => match flow.inputs.get(*i) {
            Some(input) => {
                let field = ident(&input.field);
                code! { ::naftiko_runtime::ParamValue::to_json(&input.#field) }
            }
            None => code! { None },
        },
        Source::Literal(v) => {
            let json = v.to_string();
            code! { Some(::naftiko_runtime::render::constant(#json)) }
        }
        Source::Template(t) => {
            let text = text(t, flow, steps);
            code! { Some(flow::string(#text)) }
        }
        Source::Absent => code! { None },
    }
}

/// A `String` (or `&'static str`) expression of a template over the flow's inputs and steps.
fn text(template: &Template, flow: &Flow, steps: &[Step]) -> Code {
    match template.parts.as_slice() {
        [] => return code! { "" },
        [TemplatePart::Literal(s)] => return code! { #s },
        [TemplatePart::Param(i)] if flow.inputs.get(*i).is_some_and(|p| p.required && p.ty == ParamType::String) => {
            let field = ident(&flow.inputs[*i].field);
            return code! { input.#field.clone() };
        }
        _ => {}
    }
    let parts = template.parts.iter().map(|part| match part {
        TemplatePart::Literal(s) => code! { #s },
        TemplatePart::Param(i) => match flow.inputs.get(*i) {
            Some(input) => {
                let field = ident(&input.field);
                code! { &::naftiko_runtime::render::text(&input.#field) }
            }
            None => code! { "" },
        },
        TemplatePart::Step(path) => {
            let value = step_value(path, steps);
            code! { &flow::text(#value) }
        }
        // A flow's templates name inputs and steps; secrets stay in the clients.
        TemplatePart::Secret(_) => code! { "" },
    });
    code! { ::naftiko_runtime::render::concat(&[#(#parts),*]) }
}

/// `handlers.<method>(<params>).await` for a callee, its parameters bound.
fn callee_call(cap: &Capability, callee: Callee, bindings: &[Binding], flow: &Flow, steps: &[Step]) -> Code {
    let (method, params_type, params) = match callee {
        Callee::Operation { consumes, operation } => {
            let consumed = &cap.consumes[consumes];
            let op = &consumed.operations[operation];
            let path = crate::emit::handlers::client_path(cap, consumed);
            let params = ident(&op.params_type);
            (ident(&op.method_name), code! { #path::#params }, &op.params)
        }
        Callee::Custom { operation } => {
            let custom = &cap.custom[operation];
            let input = ident(&custom.input_type);
            (ident(&custom.method_name), code! { super::handlers::#input }, &custom.params)
        }
    };
    let fields = bindings.iter().filter_map(|b| {
        let param = params.get(b.param)?;
        let field = ident(&param.field);
        let value = binding_value(b, param, flow, steps);
        Some(code! { #field: #value, })
    });
    code! { handlers.#method(#params_type { #(#fields)* }).await }
}

/// A parameter's value from a binding inside a flow: `T`, or `Option<T>` for an optional one.
fn binding_value(b: &Binding, param: &Param, flow: &Flow, steps: &[Step]) -> Code {
    let ty = rust_type(param.ty);
    let name = &param.name;
    let optional = match &b.source {
        Source::Input(i) => {
            let Some(input) = flow.inputs.get(*i) else { return code! { None } };
            let field = ident(&input.field);
            if input.ty == param.ty {
                if input.required == param.required {
                    return code! { input.#field.clone() };
                }
                if input.required {
                    code! { Some(input.#field.clone()) }
                } else {
                    code! { input.#field.clone() }
                }
            } else {
                code! { flow::convert::<#ty, _>(#name, &input.#field)? }
            }
        }
        Source::Step(path) => {
            let value = step_value(path, steps);
            code! { flow::param::<#ty>(#name, #value)? }
        }
        Source::Literal(v) => values::literal(v, param.ty),
        Source::Template(t) => {
            let text = text(t, flow, steps);
            if param.ty == ParamType::String {
                code! { Some(::std::string::String::from(#text)) }
            } else {
                code! { Some(flow::parse::<#ty>(#name, #text.into())?) }
            }
        }
        Source::Absent => code! { None },
    };
    if param.required {
        code! { flow::required(#name, #optional)? }
    } else {
        optional
    }
}

/// A mock reply's `serde_json::Value`.
fn mock_value(value: &MockValue, flow: &Flow) -> Code {
    match value {
        MockValue::Json(v) => {
            let json = v.to_string();
            code! { ::naftiko_runtime::render::constant(#json) }
        }
        MockValue::Text { template, ty } => {
            let text = text(template, flow, &[]);
            match ty {
                Some(ParamType::Integer) => code! { flow::typed(#text.into(), flow::Kind::Integer) },
                Some(ParamType::Number) => code! { flow::typed(#text.into(), flow::Kind::Number) },
                Some(ParamType::Boolean) => code! { flow::typed(#text.into(), flow::Kind::Boolean) },
                _ => code! { flow::string(#text) },
            }
        }
        MockValue::Object(members) => {
            let members = members.iter().map(|(key, v)| {
                let v = mock_value(v, flow);
                code! { (#key, #v) }
            });
            code! { flow::object([#(#members),*]) }
        }
        MockValue::Array(items) => {
            let items = items.iter().map(|v| mock_value(v, flow));
            code! { flow::Value::Array(::std::vec![#(#items),*]) }
        }
    }
}
