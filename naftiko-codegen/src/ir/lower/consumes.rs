//! Consumed APIs: base URIs, fixed parameters, operations with their parameters, paths and bodies, and
//! the query parameters implied by `with` keys of operations that declare none.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::ident::{self, Scope, same_name};
use crate::ir::model::*;
use crate::ir::template::{self, Piece};
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

use super::inputs::strip_input_prefix;
use super::{Lowering, ScopeKind, report_rename, text};

impl Lowering<'_> {
    pub(super) fn lower_consumes(&mut self) {
        let https: Vec<&spec::HttpConsumes> = self
            .cap
            .consumes
            .iter()
            .filter_map(spec::Consumes::as_http)
            .collect();
        let mut modules = Scope::default();
        modules.reserve(&["rest", "mcp", "client", "secrets", "openapi", "types"]);
        for (ci, http) in https.into_iter().enumerate() {
            let namespace = match &http.namespace {
                Some(n) => n.clone(),
                None => {
                    self.error(Diagnostic::new(Code::MissingKey, http.span, "a consumes entry has no `namespace`").label("`namespace` missing here"));
                    Spanned::new(format!("consumes-{ci}"), http.span)
                }
            };
            let module =
                report_rename(modules.name(ident::snake(&namespace.value).replace("r#", "r_"), &namespace.value), &namespace, "module", self.diags);
            let base_uri = self.base_uri(http);
            let auth = http.authentication.as_ref().and_then(|a| self.client_auth(a));
            let (fixed, shared): (Vec<_>, Vec<_>) = http.input_parameters.iter().partition(|p| p.value.is_some());
            let fixed = fixed.into_iter().filter_map(|p| self.fixed_param(p)).collect();
            let mut operations = Vec::new();
            for resource in &http.resources {
                for op in &resource.operations {
                    let Some(name) = &op.name else {
                        self.error(Diagnostic::new(Code::MissingKey, op.span, "a consumed operation has no `name`").label("`name` missing here"));
                        continue;
                    };
                    let key = (namespace.value.clone(), name.value.clone());
                    if self.ops.contains_key(&key) {
                        continue; // duplicate, reported by check
                    }
                    if let Some(lowered) = self.consumed_op(resource, op, name, &shared) {
                        if shared.is_empty() && resource.input_parameters.is_empty() && op.input_parameters.is_empty() && op.body.is_none() {
                            self.undeclared_ops.insert((ci, operations.len()));
                        }
                        self.ops.insert(key, (ci, operations.len()));
                        if let Some((page, size)) = paging(&lowered) {
                            self.paged.push((ci, operations.len(), name.clone(), page, size));
                        }
                        if let Some(fields) = self.consumed_output(op) {
                            self.typed.push((ci, operations.len(), name.clone(), fields));
                        }
                        operations.push(lowered);
                    }
                }
            }
            self.consumes.push(Consumed {
                namespace: namespace.value.clone(),
                module,
                description: text(&http.description),
                base_uri,
                auth,
                fixed,
                operations,
                // Filled by `usage::analyze` once every implied parameter is known.
                secrets_read: Default::default(),
                requests_read_secrets: false,
                forwarded: false,
            });
        }
    }

    pub(super) fn base_uri(&mut self, http: &spec::HttpConsumes) -> BaseUri {
        let Some(uri) = http.base_uri.as_ref().filter(|u| !u.value.trim().is_empty()) else {
            return BaseUri::Runtime;
        };
        let trimmed = uri.value.trim().trim_end_matches('/');
        if !trimmed.contains('{') {
            if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
                self.error(
                    Diagnostic::new(Code::InvalidValue, uri.span, format!("`baseUri` `{}` is not an http(s) URL", uri.value))
                        .label("expected `https://host[/path]`")
                        .hint("write the scheme and host, or leave `baseUri: ''` to supply it at run time"),
                );
            }
            return BaseUri::Fixed { url: trimmed.to_owned() };
        }
        // `{region}` and `{{VAR}}` are both values supplied at run time through binds or the environment.
        let parts = template::path_pieces(trimmed)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                Piece::Ref(r) => {
                    let var = template::secret_name(r).map_or_else(|| r.to_ascii_uppercase().replace(['-', '.'], "_"), str::to_owned);
                    TemplatePart::Secret(self.secret(&var, uri.span))
                }
            })
            .collect();
        BaseUri::Templated { template: Template { parts } }
    }

    pub(super) fn fixed_param(&mut self, p: &spec::ConsumedParameter) -> Option<FixedParam> {
        let name = p.name.as_ref()?;
        let location = match p.location.as_ref().map(|l| l.value.as_str()) {
            Some("header") => Placement::Header,
            Some("query") => Placement::Query,
            Some("cookie") => Placement::Cookie,
            _ => {
                self.error(
                    Diagnostic::new(
                        Code::Unsupported,
                        p.span,
                        "an adapter-level parameter with a fixed value must be `in: header`, `query` or `cookie`",
                    )
                    .label("not compiled"),
                );
                return None;
            }
        };
        let value = p.value.as_ref()?;
        let value = match &value.value {
            Value::String(s) => self.secret_template(&Spanned::new(s.clone(), value.span)),
            other => Template::literal(other.to_string()),
        };
        Some(FixedParam { name: name.value.clone(), location, value })
    }

    pub(super) fn consumed_op(
        &mut self,
        resource: &spec::ConsumedResource,
        op: &spec::ConsumedOperation,
        name: &Spanned<String>,
        shared: &[&spec::ConsumedParameter],
    ) -> Option<ConsumedOp> {
        let method = match &op.method {
            None => Method::Get,
            Some(m) => match Method::parse(&m.value) {
                Some(m) => m,
                None => {
                    self.error(
                        Diagnostic::new(Code::InvalidValue, m.span, format!("unknown HTTP method `{}`", m.value))
                            .label("expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"),
                    );
                    return None;
                }
            },
        };
        let Some(path) = op.path.as_ref().or(resource.path.as_ref()) else {
            self.error(Diagnostic::new(Code::MissingKey, resource.span, "a consumed resource has no `path`").label("`path` missing here"));
            return None;
        };
        let path_text = if path.value.starts_with('/') || path.value.is_empty() { path.value.clone() } else { format!("/{}", path.value) };

        // Parameters: adapter-level (without value), resource-level, then operation-level; later wins.
        let mut declared: Vec<&spec::ConsumedParameter> = Vec::new();
        for level in [shared, &resource.input_parameters.iter().collect::<Vec<_>>(), &op.input_parameters.iter().collect::<Vec<_>>()] {
            let mut this_level: Vec<(&str, &str, Span)> = Vec::new();
            for p in level {
                let Some(pname) = &p.name else {
                    self.error(Diagnostic::new(Code::MissingKey, p.span, "an input parameter has no `name`").label("`name` missing here"));
                    continue;
                };
                let loc = p.location.as_ref().map_or("", |l| l.value.as_str());
                if let Some((_, _, first)) = this_level.iter().find(|(n, l, _)| *n == pname.value && *l == loc) {
                    self.error(
                        Diagnostic::new(Code::DuplicateParameter, pname.span, format!("parameter `{}` is declared twice", pname.value))
                            .label("second declaration")
                            .related(*first, "first declared here"),
                    );
                    continue;
                }
                this_level.push((&pname.value, loc, pname.span));
                declared.retain(|q| {
                    !(q.name.as_ref().is_some_and(|n| n.value == pname.value) && q.location.as_ref().map_or("", |l| l.value.as_str()) == loc)
                });
                declared.push(p);
            }
        }

        let mut params: Vec<Param> = Vec::new();
        let mut fields = Scope::default();
        let mut values: Vec<(usize, &Spanned<Value>)> = Vec::new();
        for p in declared {
            let Some(pname) = &p.name else { continue };
            let location = match p.location.as_ref().map(|l| (l, l.value.as_str())) {
                Some((_, "path")) => ParamLocation::Path,
                Some((_, "query")) => ParamLocation::Query,
                Some((_, "header")) => ParamLocation::Header,
                Some((_, "cookie")) => ParamLocation::Cookie,
                Some((_, "body")) if pname.value == "body" => ParamLocation::Body,
                Some((_, "body")) => ParamLocation::BodyField,
                Some((l, "environment")) => {
                    self.error(
                        Diagnostic::new(Code::Unsupported, l.span, "`in: environment` parameters are not supported by this compiler yet")
                            .label("not compiled")
                            .hint("declare the variable in `binds` and use `value: '{{VAR}}'`"),
                    );
                    continue;
                }
                Some((l, other)) => {
                    self.error(
                        Diagnostic::new(Code::InvalidValue, l.span, format!("unknown parameter location `in: {other}`"))
                            .label("expected path, query, header, cookie or body"),
                    );
                    continue;
                }
                None => {
                    self.error(
                        Diagnostic::new(Code::MissingKey, p.span, format!("parameter `{}` has no `in`", pname.value))
                            .label("`in` missing here")
                            .hint("add `in: query` (or path, header, cookie, body)"),
                    );
                    continue;
                }
            };
            let ty = self.param_type(p.kind.as_ref())?;
            let required = location == ParamLocation::Path || p.required.as_ref().is_some_and(|r| r.value);
            let field = report_rename(fields.name(ident::snake(&pname.value), &pname.value), pname, "field", self.diags);
            if let Some(v) = &p.value {
                values.push((params.len(), v));
            }
            params.push(Param {
                name: pname.value.clone(),
                field,
                location,
                ty,
                required,
                description: text(&p.description),
                fixed: None,
                constraints: Default::default(),
            });
        }

        // Path variables: each binds a path parameter; undeclared ones are implied (42% of real files).
        let mut parts = Vec::new();
        for piece in template::path_pieces(&path_text) {
            match piece {
                Piece::Text(t) => parts.push(PathPart::Literal(t.to_owned())),
                Piece::Ref(var) => {
                    let index = match params
                        .iter()
                        .position(|p| p.location == ParamLocation::Path && p.name == var)
                        .or_else(|| params.iter().position(|p| p.location == ParamLocation::Path && same_name(&p.name, var)))
                    {
                        Some(i) => i,
                        None => {
                            let field =
                                report_rename(fields.name(ident::snake(var), var), &Spanned::new(var.to_owned(), path.span), "field", self.diags);
                            params.push(Param {
                                name: var.to_owned(),
                                field,
                                location: ParamLocation::Path,
                                ty: ParamType::String,
                                required: true,
                                description: None,
                                fixed: None,
                                constraints: Default::default(),
                            });
                            params.len() - 1
                        }
                    };
                    parts.push(PathPart::Param(index));
                }
            }
        }
        for (i, p) in params.iter().enumerate() {
            if p.location == ParamLocation::Path && !parts.contains(&PathPart::Param(i)) {
                let span = op
                    .input_parameters
                    .iter()
                    .chain(&resource.input_parameters)
                    .find_map(|q| q.name.as_ref().filter(|n| n.value == p.name))
                    .map_or(op.span, |n| n.span);
                self.diags.push(
                    Diagnostic::new(Code::PathParameterUnused, span, format!("path parameter `{}` does not appear in `{}`", p.name, path.value))
                        .label("never sent")
                        .hint(format!("add `{{{}}}` to the path or change `in`", p.name)),
                );
            }
        }

        // Fixed values (`value:`) make a parameter constant: callers no longer supply it.
        for (index, v) in values {
            let template = match &v.value {
                Value::String(s) => self.value_template(s, v.span, &mut params, &mut fields),
                other => Template::literal(match other {
                    Value::Null => String::new(),
                    _ => other.to_string(),
                }),
            };
            params[index].fixed = Some(template);
            params[index].required = false;
        }

        let body = self.request_body(op, &mut params, &mut fields);
        let response = response_format(op);
        let method_name = self.named(ScopeKind::Ops, ident::snake(&name.value), name, "operation");
        let params_type = self.named(ScopeKind::Types, ident::camel_with_suffix(&name.value, "Params"), name, "type");
        Some(ConsumedOp {
            name: name.value.clone(),
            method_name,
            params_type,
            method,
            path: parts,
            path_template: path_text,
            summary: text(&op.description).or_else(|| text(&op.label)),
            params,
            body,
            response,
            reads_params: false,
            // Filled once every exposed operation and tool is lowered (`Lowering::name_helpers`).
            aliases: Vec::new(),
            pagination: None,
            output: None,
        })
    }

    /// The declared outputs of `op` when it names some other than the whole reply (`result: $.`), for
    /// a typed `…_output` method; their struct and method are named with the pages' (`name_helpers`).
    pub(super) fn consumed_output(&mut self, op: &spec::ConsumedOperation) -> Option<Vec<OutputField>> {
        let mut fields = Vec::new();
        let mut names = Scope::default();
        for o in &op.output_parameters {
            let Some(name) = &o.name else { continue };
            let mapping = self.mapping(o)?;
            // Untyped, it is any JSON, as the output schemas say.
            let ty = o.kind.as_ref().and_then(|kind| ParamType::parse(&kind.value)).unwrap_or(ParamType::Any);
            let field = names.name(ident::snake(&name.value), &name.value).ident;
            fields.push(OutputField { reply: ReplyField { name: name.value.clone(), field, ty, description: text(&o.description) }, mapping });
        }
        let whole_reply = |f: &OutputField| matches!(&f.mapping, Mapping::Path { path } if path.is_empty());
        (!fields.is_empty() && !fields.iter().all(whole_reply)).then_some(fields)
    }

    /// What the client offers beside each operation, decided once every exposed operation and tool is
    /// lowered: the names they give it (its doc aliases), and the `…_all` methods of the list
    /// operations that page (found by [`paging`]) and the `…_output` methods and types of operations
    /// with declared outputs, named after every operation, handler and type, so that those keep theirs.
    pub(super) fn name_helpers(&mut self, rest: &[RestSurface], mcp: &[McpSurface]) {
        let endpoints = rest.iter().flat_map(|r| &r.endpoints).map(|e| (&e.name, &e.action));
        let tools = mcp.iter().flat_map(|m| &m.tools).map(|t| (&t.name, &t.action));
        for (name, action) in tools.chain(endpoints) {
            let &Action::Call { consumes: ci, operation: oi, .. } = action else { continue };
            let Some(op) = self.consumes.get_mut(ci).and_then(|c| c.operations.get_mut(oi)) else { continue };
            let alias = ident::snake(name).trim_start_matches("r#").to_owned();
            if alias != op.method_name.trim_start_matches("r#") && !op.aliases.contains(&alias) {
                op.aliases.push(alias);
            }
        }
        for (ci, oi, name, page, size) in std::mem::take(&mut self.paged) {
            let Some(op) = self.consumes.get(ci).and_then(|c| c.operations.get(oi)) else { continue };
            let wanted = format!("{}_all", op.method_name.trim_start_matches("r#"));
            let method_name = self.named(ScopeKind::Ops, wanted, &name, "the method walking every page of operation");
            self.consumes[ci].operations[oi].pagination = Some(Pagination { method_name, page, size });
        }
        for (ci, oi, name, fields) in std::mem::take(&mut self.typed) {
            let Some(op) = self.consumes.get(ci).and_then(|c| c.operations.get(oi)) else { continue };
            let wanted = format!("{}_output", op.method_name.trim_start_matches("r#"));
            let method_name = self.named(ScopeKind::Ops, wanted, &name, "the method returning the declared outputs of operation");
            let type_name = self.named(ScopeKind::Types, ident::camel_with_suffix(&name.value, "Output"), &name, "the output type of operation");
            self.consumes[ci].operations[oi].output = Some(ConsumedOutput { type_name, method_name, fields });
        }
    }

    pub(super) fn param_type(&mut self, kind: Option<&Spanned<String>>) -> Option<ParamType> {
        match kind {
            None => Some(ParamType::String),
            Some(k) => match ParamType::parse(&k.value) {
                Some(t) => Some(t),
                None => {
                    self.error(
                        Diagnostic::new(Code::InvalidValue, k.span, format!("unknown parameter type `{}`", k.value))
                            .label("expected string, integer, number, boolean, array or object"),
                    );
                    None
                }
            },
        }
    }

    /// A parameter's fixed `value` or a body string: `{{X}}` secrets and `{{p}}` references to other
    /// parameters (created as template-only parameters when the operation does not declare them).
    pub(super) fn value_template(&mut self, s: &str, span: Span, params: &mut Vec<Param>, fields: &mut Scope) -> Template {
        let parts = template::pieces(s)
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                Piece::Ref(r) => {
                    if let Some(var) = self.secret_ref(r) {
                        return TemplatePart::Secret(self.secret(var, span));
                    }
                    let name = strip_input_prefix(r, &self.expose_namespaces);
                    TemplatePart::Param(template_param(name, span, params, fields, self.diags))
                }
            })
            .collect();
        Template { parts }
    }

    pub(super) fn request_body(&mut self, op: &spec::ConsumedOperation, params: &mut Vec<Param>, fields: &mut Scope) -> RequestBody {
        match &op.body {
            Some(spec::Body::Raw(raw)) => {
                let template = self.raw_json_template(&raw.value, raw.span, params, fields);
                self.demote_body_params(params);
                RequestBody::Template { content_type: "application/json".to_owned(), template }
            }
            Some(spec::Body::Typed { kind, data, .. }) => {
                let content_type = match kind.value.as_str() {
                    "json" => "application/json",
                    "text" => "text/plain",
                    "xml" => "application/xml",
                    "sparql" => "application/sparql-query",
                    "formUrlEncoded" => "application/x-www-form-urlencoded",
                    other => {
                        self.error(
                            Diagnostic::new(Code::Unsupported, kind.span, format!("`body` of type `{other}` is not supported by this compiler yet"))
                                .label("not compiled")
                                .hint("use `type: json` or `type: text`"),
                        );
                        return RequestBody::None;
                    }
                };
                let data = data.as_ref().map_or(Value::Null, |d| d.value.clone());
                let span = data_span(kind.span, op);
                let template = match &data {
                    // JSON written as text, like `body: |`.
                    Value::String(text) if content_type == "application/json" => self.raw_json_template(text, span, params, fields),
                    _ => self.body_template(&data, span, params, fields),
                };
                self.demote_body_params(params);
                RequestBody::Template { content_type: content_type.to_owned(), template }
            }
            None => {
                if let Some(param) = params.iter().position(|p| p.location == ParamLocation::Body) {
                    RequestBody::Whole { param }
                } else {
                    let fields: Vec<usize> =
                        params.iter().enumerate().filter(|(_, p)| p.location == ParamLocation::BodyField).map(|(i, _)| i).collect();
                    if fields.is_empty() { RequestBody::None } else { RequestBody::Fields { params: fields } }
                }
            }
        }
    }

    /// A JSON body written as text: each placeholder is inside a JSON string (its value is written as
    /// escaped string content) or bare (its value is written as JSON). A parameter that only the
    /// template names and that stands bare takes any JSON (`"crewIds": {{crewIds}}` is an array).
    pub(super) fn raw_json_template(&mut self, text: &str, span: Span, params: &mut Vec<Param>, fields: &mut Scope) -> BodyTemplate {
        let mut parts = Vec::new();
        let (mut in_string, mut escaped) = (false, false);
        for piece in template::pieces(text) {
            match piece {
                Piece::Text(t) => {
                    for c in t.chars() {
                        match c {
                            _ if escaped => escaped = false,
                            '\\' if in_string => escaped = true,
                            '"' => in_string = !in_string,
                            _ => {}
                        }
                    }
                    parts.push(RawJsonPart::Text(t.to_owned()));
                }
                Piece::Ref(r) => {
                    let part = match self.secret_ref(r) {
                        Some(var) => TemplatePart::Secret(self.secret(var, span)),
                        None => {
                            let name = strip_input_prefix(r, &self.expose_namespaces);
                            let index = template_param(name, span, params, fields, self.diags);
                            if !in_string && params[index].location == ParamLocation::Template && params[index].ty == ParamType::String {
                                params[index].ty = ParamType::Any;
                            }
                            TemplatePart::Param(index)
                        }
                    };
                    parts.push(if in_string { RawJsonPart::InString(part) } else { RawJsonPart::Bare(part) });
                }
            }
        }
        BodyTemplate::RawJson(parts)
    }

    /// With a body template, `in: body` parameters are the template's inputs, not separate bodies.
    pub(super) fn demote_body_params(&self, params: &mut [Param]) {
        for p in params.iter_mut().filter(|p| matches!(p.location, ParamLocation::Body | ParamLocation::BodyField)) {
            p.location = ParamLocation::Template;
        }
    }

    pub(super) fn body_template(&mut self, data: &Value, span: Span, params: &mut Vec<Param>, fields: &mut Scope) -> BodyTemplate {
        match data {
            Value::String(s) => {
                let pieces = template::pieces(s);
                match pieces.as_slice() {
                    [] | [Piece::Text(_)] => BodyTemplate::Json(data.clone()),
                    [Piece::Ref(r)] if self.secret_ref(r).is_none() => {
                        let name = strip_input_prefix(r, &self.expose_namespaces);
                        BodyTemplate::Param(template_param(name, span, params, fields, self.diags))
                    }
                    _ => BodyTemplate::Text(self.value_template(s, span, params, fields)),
                }
            }
            Value::Array(items) => BodyTemplate::Array(items.iter().map(|v| self.body_template(v, span, params, fields)).collect()),
            Value::Object(map) => BodyTemplate::Object(map.iter().map(|(k, v)| (k.clone(), self.body_template(v, span, params, fields))).collect()),
            other => BodyTemplate::Json(other.clone()),
        }
    }

    /// An operation that declares no parameters at all, called with `with` keys: the author names its
    /// parameters there. On a method without a body they can only be query parameters, so they are
    /// sent as such (with a warning) and become the operation's parameters for every caller. Runs
    /// before the exposes are lowered, so that what they see does not depend on their order.
    pub(super) fn imply_query_params(&mut self) {
        let invocations = self.cap.exposes.iter().flat_map(|e| -> Vec<&spec::Invocation> {
            match e {
                spec::Expose::Rest(r) => r.resources.iter().flat_map(|r| &r.operations).map(|o| &o.invocation).collect(),
                spec::Expose::Mcp(m) => m.tools.iter().map(|t| &t.invocation).chain(m.resources.iter().map(|r| &r.invocation)).collect(),
                _ => Vec::new(),
            }
        });
        let invocations = invocations.chain(self.cap.aggregates.iter().flat_map(|a| &a.functions).map(|f| &f.invocation));
        // Each `call` with its `with`: the invocation's own, and each call step's.
        let calls = invocations.flat_map(|inv| {
            inv.call.as_ref().map(|c| (c, &inv.with)).into_iter().chain(inv.steps.iter().filter_map(|s| Some((s.call.as_ref()?, &s.with))))
        });
        for (call, with) in calls {
            let Ok(crate::check::CallTarget::Operation { http, op, .. }) = crate::check::resolve_call(self.cap, call) else { continue };
            let (Some(ns), Some(name)) = (&http.namespace, &op.name) else { continue };
            let Some(&(ci, oi)) = self.ops.get(&(ns.value.clone(), name.value.clone())) else { continue };
            if !self.undeclared_ops.contains(&(ci, oi)) {
                continue;
            }
            let op = &mut self.consumes[ci].operations[oi];
            if !op.method.ignores_body() || !matches!(op.body, RequestBody::None) {
                continue;
            }
            let mut fields = Scope::default();
            for p in &op.params {
                fields.name(p.field.clone(), &p.name);
            }
            for (key, _) in with {
                if op.params.iter().any(|p| p.name == key.value || same_name(&p.name, &key.value)) {
                    continue;
                }
                let field = report_rename(fields.name(ident::snake(&key.value), &key.value), key, "field", self.diags);
                op.params.push(Param {
                    name: key.value.clone(),
                    field,
                    location: ParamLocation::Query,
                    ty: ParamType::String,
                    required: false,
                    description: None,
                    fixed: None,
                    constraints: Default::default(),
                });
                self.diags.push(
                    Diagnostic::new(Code::ImpliedParameter, key.span, format!("`{}` declares no parameters; `{}` is sent as a query parameter", call.value, key.value))
                        .label("implied query parameter")
                        .hint(format!("declare it on the consumed operation (`inputParameters: [{{name: {}, in: query, type: string}}]`) to choose its place and type", key.value)),
                );
            }
        }
    }
}

/// A parameter referenced only from a template; created (optional string) when not declared.
pub(super) fn template_param(name: &str, span: Span, params: &mut Vec<Param>, fields: &mut Scope, diags: &mut Vec<Diagnostic>) -> usize {
    if let Some(i) = params.iter().position(|p| p.name == name).or_else(|| params.iter().position(|p| same_name(&p.name, name))) {
        return i;
    }
    let field = report_rename(fields.name(ident::snake(name), name), &Spanned::new(name.to_owned(), span), "field", diags);
    params.push(Param {
        name: name.to_owned(),
        field,
        location: ParamLocation::Template,
        ty: ParamType::String,
        required: false,
        description: None,
        fixed: None,
        constraints: Default::default(),
    });
    params.len() - 1
}

/// Where a body template's `data` was written (the `type` when there is none).
fn data_span(fallback: Span, op: &spec::ConsumedOperation) -> Span {
    match &op.body {
        Some(spec::Body::Typed { data: Some(d), .. }) => d.span,
        _ => fallback,
    }
}

/// What a consumed operation's replies are, by `outputRawFormat` (unknown formats and binary formats
/// without a compiled schema were reported by `check` and `spec::schemas`).
fn response_format(op: &spec::ConsumedOperation) -> ResponseFormat {
    let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.trim().to_owned()).filter(|s| !s.is_empty());
    let delimited = |separator: u8, name: &'static str| ResponseFormat::Converted(Conversion::Delimited { separator, name });
    match op.output_raw_format.as_ref().map(|f| f.value.to_ascii_lowercase()).as_deref() {
        None | Some("json") => ResponseFormat::Json,
        Some("text") => ResponseFormat::Text,
        Some("xml") => ResponseFormat::Converted(Conversion::Xml),
        Some("csv") => delimited(b',', "csv"),
        Some("tsv") => delimited(b'\t', "tsv"),
        Some("psv") => delimited(b'|', "psv"),
        Some("yaml") => ResponseFormat::Converted(Conversion::Yaml),
        Some("html") => ResponseFormat::Converted(Conversion::Html { selector: text(&op.output_schema) }),
        Some("markdown") => ResponseFormat::Converted(Conversion::Markdown { sections: text(&op.output_schema) }),
        Some("protobuf" | "avro") => match op.schema.clone() {
            Some(spec::BinarySchema::Protobuf { descriptor_set, message }) => {
                ResponseFormat::Converted(Conversion::Protobuf { descriptor_set, message })
            }
            Some(spec::BinarySchema::Avro { schema }) => ResponseFormat::Converted(Conversion::Avro { schema }),
            None => ResponseFormat::Binary,
        },
        Some(_) => ResponseFormat::Binary,
    }
}

/// The page number's and page size's indexes in `op.params` when `op` is a list operation that pages
/// (see [`Pagination`]).
fn paging(op: &ConsumedOp) -> Option<(usize, usize)> {
    const PAGE_SIZES: [&str; 5] = ["per_page", "page_size", "perPage", "pageSize", "limit"];
    if op.method != Method::Get {
        return None;
    }
    let find = |names: &[&str]| {
        op.params.iter().position(|p| {
            p.location == ParamLocation::Query
                && p.fixed.is_none()
                && !p.required
                && matches!(p.ty, ParamType::Integer | ParamType::String)
                && names.contains(&p.name.as_str())
        })
    };
    Some((find(&["page"])?, find(&PAGE_SIZES)?))
}
