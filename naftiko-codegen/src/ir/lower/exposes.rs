//! Exposed adapters: REST resources merged into routes, MCP tools with their schemas and hints.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::ident::{self, Scope};
use crate::ir::model::*;
use crate::ir::template::{self, Segment};
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

use super::actions::Exposed;
use super::flows::{function_spec, output_schema};
use super::inputs::Surface;
use super::{Lowering, report_rename, text};

impl Lowering<'_> {
    pub(super) fn lower_rest(&mut self, r: &spec::RestExpose, fn_names: &mut Scope) -> Option<RestSurface> {
        let namespace = r.namespace.as_ref().map_or_else(|| "rest".to_owned(), |n| n.value.clone());
        let port = self.port(r.port.as_ref());
        let auth = r.authentication.as_ref().and_then(|a| self.server_auth(a));
        let mut routes: Vec<Route> = Vec::new();
        let mut endpoints: Vec<Endpoint> = Vec::new();
        let mut tags: Vec<Tag> = Vec::new();
        let mut first_seen: HashMap<(usize, Method), Span> = HashMap::new();
        let mut forwards = Vec::new();
        for res in &r.resources {
            let Some(path) = &res.path else {
                self.error(Diagnostic::new(Code::MissingKey, res.span, "an exposed resource has no `path`").label("`path` missing here"));
                continue;
            };
            let Some((segments, vars)) = self.route_segments(path) else { continue };
            if let Some(forward) = &res.forward {
                forwards.extend(self.lower_forward(res, forward, path, &segments, fn_names));
                continue;
            }
            let shape: Vec<Option<&str>> = segments
                .iter()
                .map(|s| match s {
                    RouteSegment::Literal(l) => Some(l.as_str()),
                    RouteSegment::Var(_) => None,
                })
                .collect();
            let route = match routes.iter().position(|rt| {
                rt.segments.len() == shape.len()
                    && rt.segments.iter().zip(&shape).all(|(a, b)| match (a, b) {
                        (RouteSegment::Literal(a), Some(b)) => a == b,
                        (RouteSegment::Var(_), None) => true,
                        _ => false,
                    })
            }) {
                Some(i) => i,
                None => {
                    routes.push(Route { template: path.value.clone(), segments, endpoints: Vec::new() });
                    routes.len() - 1
                }
            };
            for op in &res.operations {
                let Some(m) = &op.method else {
                    self.error(Diagnostic::new(Code::MissingKey, op.span, "an exposed operation has no `method`").label("`method` missing here"));
                    continue;
                };
                let Some(method) = Method::parse(&m.value) else {
                    self.error(
                        Diagnostic::new(Code::InvalidValue, m.span, format!("unknown HTTP method `{}`", m.value))
                            .label("expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"),
                    );
                    continue;
                };
                if let Some(first) = first_seen.get(&(route, method)) {
                    self.error(
                        Diagnostic::new(Code::DuplicateRoute, m.span, format!("{} {} is declared twice", method.as_str(), path.value))
                            .label("second declaration")
                            .related(*first, "first declared here (same path shape)")
                            .hint("one route answers one method; remove one or change its path"),
                    );
                    continue;
                }
                first_seen.insert((route, method), m.span);
                // A `ref` lends its function's name and description to an operation that has none.
                let function = op.invocation.reference.as_ref().and_then(|r| function_spec(self.cap, &r.value));
                // An inherited name already taken by another operation gets the method appended: operation
                // names are OpenAPI `operationId`s, which must be unique.
                let inherited = || {
                    let f = function.and_then(|f| f.name.clone())?;
                    let taken = endpoints.iter().any(|e| e.name == f.value);
                    Some(if taken { Spanned::new(format!("{}-{}", f.value, method.as_str().to_lowercase()), op.span) } else { f })
                };
                let name = op
                    .name
                    .clone()
                    .or_else(inherited)
                    .unwrap_or_else(|| Spanned::new(format!("{} {}", method.as_str().to_lowercase(), path.value), m.span));
                let summary = text(&op.description).or_else(|| text(&op.label)).or_else(|| function.and_then(|f| text(&f.description)));
                let fn_name = report_rename(fn_names.name(ident::snake(&name.value), &name.value), &name, "handler", self.diags);
                let exposed = Exposed {
                    invocation: &op.invocation,
                    declared: res.input_parameters.iter().chain(&op.input_parameters).collect(),
                    input_schema: None,
                    owner: op.span,
                    custom_self: None,
                    origin: format!("REST operation `{} {}`", method.as_str(), path.value),
                    name: &name,
                    summary: summary.clone(),
                };
                let Some((inputs, action)) = self.action(exposed, Surface::Rest { vars: &vars, method }) else { continue };
                let output_schema = self.output_schema_of(&action, &op.invocation.output_parameters);
                endpoints.push(Endpoint {
                    name: name.value.clone(),
                    fn_name,
                    method,
                    route,
                    path: path.value.clone(),
                    summary,
                    tag: tag_of(&mut tags, res, &path.value),
                    inputs,
                    action,
                    output_schema,
                });
                routes[route].endpoints.push(endpoints.len() - 1);
            }
        }
        Some(RestSurface {
            namespace,
            module: "rest".to_owned(),
            openapi_file: "openapi.json".to_owned(),
            port,
            address: text(&r.address),
            description: text(&r.description),
            auth,
            routes,
            endpoints,
            forwards,
            tags,
        })
    }

    pub(super) fn port(&mut self, port: Option<&Spanned<i64>>) -> Option<u16> {
        let p = port?;
        match u16::try_from(p.value).ok().filter(|p| *p > 0) {
            Some(p) => Some(p),
            None => {
                self.error(Diagnostic::new(Code::InvalidValue, p.span, format!("port {} is out of range", p.value)).label("expected 1-65535"));
                None
            }
        }
    }

    /// A `forward` resource: its route takes every method, and every path below it when its last segment
    /// is the variable `path` (`/notion/{{path}}`), as the engine routes it.
    fn lower_forward(
        &mut self,
        res: &spec::ExposedResource,
        forward: &spec::Forward,
        path: &Spanned<String>,
        segments: &[RouteSegment],
        fn_names: &mut Scope,
    ) -> Option<ForwardRoute> {
        if let Some(op) = res.operations.first() {
            self.error(
                Diagnostic::new(Code::Unsupported, op.span, "operations beside a `forward` on one resource are not supported by this compiler yet")
                    .label("not compiled")
                    .related(forward.span, "the forward")
                    .hint("put the operations on a resource of their own (a more specific path wins over the forward)"),
            );
            return None;
        }
        // An unknown namespace was reported by `check`.
        let target = forward.target_namespace.as_ref()?;
        let consumes = self.consumes.iter().position(|c| c.namespace == target.value)?;
        self.consumes[consumes].forwarded = true;
        let tail = matches!(segments.last(), Some(RouteSegment::Var(v)) if v == "path");
        let fixed = if tail { &segments[..segments.len() - 1] } else { segments };
        let mut route = String::new();
        for (i, segment) in fixed.iter().enumerate() {
            route.push('/');
            match segment {
                RouteSegment::Literal(l) => route.push_str(l),
                RouteSegment::Var(_) => route.push_str(&format!("{{v{i}}}")),
            }
        }
        if tail {
            route.push_str("/{*path}");
        } else if route.is_empty() {
            route.push('/');
        }
        let name = res.name.as_ref().map_or_else(|| format!("forward-{}", target.value), |n| format!("forward-{}", n.value));
        let fn_name = report_rename(fn_names.name(ident::snake(&name), &name), &Spanned::new(name.clone(), forward.span), "handler", self.diags);
        let hop_by_hop = crate::check::transport::HOP_BY_HOP;
        let trusted = forward.trusted_headers.iter().map(|h| h.value.to_ascii_lowercase()).filter(|h| !hop_by_hop.contains(&h.as_str())).collect();
        Some(ForwardRoute {
            path: path.value.clone(),
            route,
            fn_name,
            depth: fixed.len(),
            consumes,
            trusted,
            summary: text(&res.description).or_else(|| text(&res.label)),
        })
    }

    pub(super) fn route_segments(&mut self, path: &Spanned<String>) -> Option<(Vec<RouteSegment>, Vec<String>)> {
        let mut segments = Vec::new();
        let mut vars = Vec::new();
        for seg in template::path_segments(&path.value) {
            match seg {
                Segment::Literal(l) => segments.push(RouteSegment::Literal(l.to_owned())),
                Segment::Var(v) => {
                    if vars.iter().any(|x: &String| x == v) {
                        self.error(
                            Diagnostic::new(Code::DuplicateParameter, path.span, format!("path variable `{v}` appears twice")).label("rename one"),
                        );
                        return None;
                    }
                    segments.push(RouteSegment::Var(v.to_owned()));
                    vars.push(v.to_owned());
                }
                Segment::Mixed(_) => {
                    self.error(
                        Diagnostic::new(
                            Code::Unsupported,
                            path.span,
                            "a path segment mixing text and variables is not supported in exposed REST paths yet",
                        )
                        .label("not compiled")
                        .hint("make the variable a whole segment, e.g. `/files/{name}`"),
                    );
                    return None;
                }
            }
        }
        Some((segments, vars))
    }

    pub(super) fn lower_mcp(&mut self, m: &spec::McpExpose, fn_names: &mut Scope) -> Option<McpSurface> {
        let namespace = m.namespace.as_ref().map_or_else(|| "mcp".to_owned(), |n| n.value.clone());
        let transport = match m.transport.as_ref().map(|t| (t, t.value.as_str())) {
            None | Some((_, "http")) => McpTransport::Http,
            Some((_, "stdio")) => McpTransport::Stdio,
            Some((t, other)) => {
                self.error(
                    Diagnostic::new(Code::InvalidValue, t.span, format!("unknown MCP transport `{other}`")).label("expected `http` or `stdio`"),
                );
                McpTransport::Http
            }
        };
        let port = self.port(m.port.as_ref());
        let auth = m.authentication.as_ref().and_then(|a| self.server_auth(a));
        let mut tools = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for t in &m.tools {
            // A `ref` lends its function's name, description and hints to a tool.
            let function = t.invocation.reference.as_ref().and_then(|r| function_spec(self.cap, &r.value));
            let Some(name) = t.name.clone().or_else(|| function.and_then(|f| f.name.clone())) else { continue };
            if seen.contains(&name.value) {
                continue; // reported by check
            }
            seen.push(name.value.clone());
            let fn_name = report_rename(fn_names.name(ident::snake(&name.value), &name.value), &name, "handler", self.diags);
            let custom_self = crate::check::is_custom_tool(t).then(|| self.custom_index.get(&name.value).copied()).flatten();
            let description = text(&t.description).or_else(|| function.and_then(|f| text(&f.description)));
            let derived = function.and_then(|f| f.semantics.as_ref()).map(derived_hints).unwrap_or_default();
            let exposed = Exposed {
                invocation: &t.invocation,
                declared: t.input_parameters.iter().collect(),
                input_schema: t.input_schema.as_ref(),
                owner: t.span,
                custom_self,
                origin: format!("tool `{}`", name.value),
                name: &name,
                summary: description.clone(),
            };
            let Some((inputs, action)) = self.action(exposed, Surface::Mcp) else {
                continue;
            };
            let output_schema = self.output_schema_of(&action, &t.invocation.output_parameters);
            let input_schema = match &t.input_schema {
                Some(schema) => {
                    let mut schema = schema.value.clone();
                    if let Value::Object(obj) = &mut schema {
                        obj.entry("type").or_insert_with(|| Value::from("object"));
                    }
                    schema
                }
                None => tool_schema(&inputs),
            };
            // Hints the spec writes override those its function's semantics imply.
            let explicit = t.hints.as_ref();
            let hints = Hints {
                read_only: explicit.and_then(|h| h.read_only.as_ref()).map(|b| b.value).or(derived.read_only),
                destructive: explicit.and_then(|h| h.destructive.as_ref()).map(|b| b.value).or(derived.destructive),
                idempotent: explicit.and_then(|h| h.idempotent.as_ref()).map(|b| b.value).or(derived.idempotent),
                open_world: explicit.and_then(|h| h.open_world.as_ref()).map(|b| b.value).or(derived.open_world),
            };
            tools.push(ToolDef {
                name: name.value.clone(),
                fn_name,
                title: text(&t.label),
                description,
                hints,
                inputs,
                input_schema,
                action,
                output_schema,
            });
        }
        let resources = self.lower_resources(m, fn_names);
        let prompts = self.lower_prompts(m);
        Some(McpSurface {
            namespace,
            module: "mcp".to_owned(),
            port,
            address: text(&m.address),
            transport,
            description: text(&m.description),
            auth,
            tools,
            resources,
            prompts,
        })
    }
}

impl Lowering<'_> {
    /// The JSON Schema of what an operation answers: its flow's, or that of the outputs it shapes the
    /// reply with; `None` for a reply passed through.
    fn output_schema_of(&self, action: &Action, outputs: &[spec::OutputParameter]) -> Option<Value> {
        match action {
            Action::Flow { flow, .. } => self.flows.get(*flow).and_then(|f| f.output_schema.clone()),
            Action::Call { output: Output::Mapped(_), .. } | Action::Custom { output: Output::Mapped(_), .. } => output_schema(outputs),
            Action::Call { .. } | Action::Custom { .. } => None,
        }
    }
}

/// The hints an aggregate function's `semantics` imply (wiki §3.4.5.3, as the engine derives them):
/// `safe: true` → read-only and not destructive, `safe: false` → not read-only, `idempotent` copied;
/// `cacheable` implies none.
fn derived_hints(semantics: &spec::Semantics) -> Hints {
    let safe = semantics.safe.as_ref().map(|s| s.value);
    Hints {
        read_only: safe,
        destructive: safe.filter(|s| *s).map(|_| false),
        idempotent: semantics.idempotent.as_ref().map(|i| i.value),
        open_world: None,
    }
}

/// The JSON Schema of a tool's arguments, decided at generation time.
pub fn tool_schema(inputs: &[Input]) -> Value {
    let mut properties = serde_json::Map::new();
    for input in inputs {
        properties.insert(input.name.clone(), input.described_schema());
    }
    let required: Vec<Value> = inputs.iter().filter(|i| i.required).map(|i| Value::from(i.name.as_str())).collect();
    let mut schema = serde_json::Map::new();
    schema.insert("type".into(), Value::from("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), Value::Bool(false));
    Value::Object(schema)
}

/// The index of the tag of resource `res` (at `path`), added the first time one of its operations is.
fn tag_of(tags: &mut Vec<Tag>, res: &spec::ExposedResource, path: &str) -> usize {
    let name = res.name.as_ref().map_or(path, |n| n.value.as_str());
    if let Some(i) = tags.iter().position(|t| t.name == name) {
        return i;
    }
    tags.push(Tag { name: name.to_owned(), description: text(&res.description).or_else(|| text(&res.label)) });
    tags.len() - 1
}
