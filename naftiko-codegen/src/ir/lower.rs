//! Lowers a checked spec model into the IR: decides every Rust name, resolves every `with` into a
//! binding, derives exposed inputs from the called operation when none are declared (DESIGN §3.5),
//! merges same-shape REST routes, and compiles output mappings. Two real-world readings live here too:
//! MCP tools without a `call` become custom operations (`Handlers` methods the user implements), and
//! `with` keys of operations that declare no parameters become their query parameters.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::check::expose_namespace;
use crate::ir::ident::{self, Scope, same_name};
use crate::ir::model::*;
use crate::ir::template::{self, Piece, Segment};
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

/// Names the generated crate defines at its root; spec-derived type names must not take them.
const RESERVED_TYPES: &[&str] = &[
    "Client", "Clients", "Handlers", "Proxy", "Secrets", "Error", "Reply", "Response", "Config", "ConfigError", "Mcp",
    "Auth", "Value", "Result", "Option", "String", "Vec", "Box", "Arc",
];
/// Method names of the generated `Client` (and `Handlers`) that operations must not take.
const RESERVED_FNS: &[&str] = &[
    "new", "clients", "client", "from_env", "with_http_client", "base_url", "request", "send", "router", "serve", "main",
];
/// Functions of the generated `rest` module that REST handlers must not be named after.
const RESERVED_REST_FNS: &[&str] = &["router"];

pub struct Lowering<'a> {
    cap: &'a spec::Capability,
    binds: Vec<&'a spec::Bind>,
    diags: &'a mut Vec<Diagnostic>,
    secrets: Vec<Secret>,
    secret_scope: Scope,
    op_names: Scope,
    type_names: Scope,
    /// (namespace, operation) → (consumes index, operation index) in the IR.
    ops: HashMap<(String, String), (usize, usize)>,
    consumes: Vec<Consumed>,
    /// Consumed operations that declare no parameter at any level (adapter, resource, operation).
    undeclared_ops: HashSet<(usize, usize)>,
    /// MCP tools with no `call`, and their index by tool name.
    custom: Vec<CustomOp>,
    custom_index: HashMap<String, usize>,
    /// Every expose namespace: `with: {x: <namespace>.p}` refers to input `p`.
    expose_namespaces: Vec<String>,
}

/// What an exposed operation calls, once resolved.
#[derive(Clone, Copy)]
enum Target {
    Operation { consumes: usize, operation: usize },
    Custom(usize),
}

/// Lowers `doc`; returns `None` when it has errors (reported in `diags`).
pub fn lower(doc: &spec::Document, source: &str, stem: &str, diags: &mut Vec<Diagnostic>) -> Option<Capability> {
    let cap = doc.capability.as_ref()?;
    let binds = doc.binds.iter().chain(&cap.binds).collect();
    let mut op_names = Scope::default();
    op_names.reserve(RESERVED_FNS);
    let mut type_names = Scope::default();
    type_names.reserve(RESERVED_TYPES);
    let expose_namespaces = cap.exposes.iter().filter_map(expose_namespace).map(|n| n.value.clone()).collect();
    let mut l = Lowering {
        cap,
        binds,
        diags,
        secrets: Vec::new(),
        secret_scope: Scope::default(),
        op_names,
        type_names,
        ops: HashMap::new(),
        consumes: Vec::new(),
        undeclared_ops: HashSet::new(),
        custom: Vec::new(),
        custom_index: HashMap::new(),
        expose_namespaces,
    };
    l.lower_consumes();
    l.imply_query_params();
    l.lower_custom_tools();
    let mut rest = Vec::new();
    let mut mcp = Vec::new();
    let mut first_of_kind: HashMap<&str, Span> = HashMap::new();
    for e in &cap.exposes {
        // One REST and one MCP adapter per capability: the crate has one `rest` and one `mcp` module.
        let (kind, span) = match e {
            spec::Expose::Rest(r) => ("rest", r.span),
            spec::Expose::Mcp(m) => ("mcp", m.span),
            _ => continue,
        };
        if let Some(first) = first_of_kind.get(kind) {
            l.error(
                Diagnostic::new(Code::Unsupported, span, format!("a second `{kind}` expose is not supported by this compiler yet"))
                    .label("not compiled")
                    .related(*first, "the first one")
                    .hint(format!("merge its {} into the first `{kind}` expose", if kind == "rest" { "resources" } else { "tools" })),
            );
            continue;
        }
        first_of_kind.insert(kind, span);
        // Each surface is its own module: REST handlers and MCP tools may share names.
        let mut fn_names = Scope::default();
        if kind == "rest" {
            fn_names.reserve(RESERVED_REST_FNS);
        }
        match e {
            spec::Expose::Rest(r) => rest.extend(l.lower_rest(r, &mut fn_names)),
            spec::Expose::Mcp(m) => mcp.extend(l.lower_mcp(m, &mut fn_names)),
            _ => {}
        }
    }
    let info = doc.info.as_ref();
    Some(Capability {
        crate_name: ident::crate_name(stem),
        module: ident::snake(stem).trim_start_matches("r#").to_owned(),
        source: source.to_owned(),
        title: info.and_then(|i| i.label.as_ref()).map_or_else(|| stem.to_owned(), |l| l.value.clone()),
        description: info.and_then(|i| i.description.as_ref()).map(|d| d.value.clone()),
        tags: info.map(|i| i.tags.iter().map(|t| t.value.clone()).collect()).unwrap_or_default(),
        secrets: l.secrets,
        consumes: l.consumes,
        custom: l.custom,
        rest,
        mcp,
    })
}

fn text(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.trim().to_owned()).filter(|s| !s.is_empty())
}

impl Lowering<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn named(&mut self, scope: ScopeKind, ident: String, original: &Spanned<String>, what: &str) -> String {
        let scope = match scope {
            ScopeKind::Ops => &mut self.op_names,
            ScopeKind::Types => &mut self.type_names,
            ScopeKind::Secrets => &mut self.secret_scope,
        };
        report_rename(scope.name(ident, &original.value), original, what, self.diags)
    }

    // ------------------------------------------------------------ secrets

    /// Registers a secret variable and returns its name.
    fn secret(&mut self, var: &str, span: Span) -> String {
        if !self.secrets.iter().any(|s| s.var == var) {
            let declared = self.binds.iter().find_map(|b| Some((b, b.keys.iter().find(|(k, _)| k.value == var)?)));
            let source = match declared {
                Some((bind, (_, key))) => match &bind.location {
                    Some(loc) => SecretSource::File { location: loc.value.clone(), key: key.value.clone() },
                    None => SecretSource::Env { name: key.value.clone() },
                },
                None => SecretSource::Env { name: var.to_owned() },
            };
            let field = self.named(ScopeKind::Secrets, ident::snake(var), &Spanned::new(var.to_owned(), span), "secret");
            self.secrets.push(Secret { var: var.to_owned(), field, source });
        }
        var.to_owned()
    }

    /// A string whose placeholders are all secrets (authentication fields, base URIs).
    fn secret_template(&mut self, s: &Spanned<String>) -> Template {
        let parts = template::pieces(&s.value)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                Piece::Ref(r) => {
                    let var = template::secret_name(r).unwrap_or(r);
                    TemplatePart::Secret(self.secret(var, s.span))
                }
            })
            .collect();
        Template { parts }
    }

    // ------------------------------------------------------------ consumes

    fn lower_consumes(&mut self) {
        let https: Vec<&spec::HttpConsumes> = self
            .cap
            .consumes
            .iter()
            .filter_map(|c| match c {
                spec::Consumes::Http(h) => Some(h),
                spec::Consumes::Imported(_) => None,
            })
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
            let module = report_rename(modules.name(ident::snake(&namespace.value).replace("r#", "r_"), &namespace.value), &namespace, "module", self.diags);
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
            });
        }
    }

    fn base_uri(&mut self, http: &spec::HttpConsumes) -> BaseUri {
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

    fn auth_field(&mut self, auth: &spec::Authentication, field: &str, kind: &str) -> Option<Template> {
        match auth.field(field) {
            Some(v) => Some(self.secret_template(v)),
            None => {
                self.error(
                    Diagnostic::new(Code::AuthIncomplete, auth.span, format!("`{kind}` authentication has no `{field}`"))
                        .label(format!("`{field}` missing here"))
                        .hint(format!("add `{field}: '{{{{env.YOUR_SECRET}}}}'` and declare the variable in `binds`")),
                );
                None
            }
        }
    }

    fn placement(&mut self, auth: &spec::Authentication, default: Option<Placement>) -> Option<Placement> {
        match auth.field("placement").map(|p| (p, p.value.as_str())) {
            Some((_, "header")) => Some(Placement::Header),
            Some((_, "query")) => Some(Placement::Query),
            Some((_, "cookie")) => Some(Placement::Cookie),
            Some((p, other)) => {
                self.error(
                    Diagnostic::new(Code::InvalidValue, p.span, format!("unknown apikey placement `{other}`"))
                        .label("expected `header`, `query` or `cookie`"),
                );
                None
            }
            None if default.is_some() => default,
            None => {
                self.error(
                    Diagnostic::new(Code::AuthIncomplete, auth.span, "`apikey` authentication has no `placement`")
                        .label("`placement` missing here")
                        .hint("add `placement: header` (or `query`, `cookie`)"),
                );
                None
            }
        }
    }

    fn client_auth(&mut self, auth: &spec::Authentication) -> Option<ClientAuth> {
        let kind = auth.kind.as_ref()?;
        match kind.value.as_str() {
            "apikey" => {
                let name = auth.field("key").map(|k| k.value.clone());
                let value = self.auth_field(auth, "value", "apikey");
                let placement = self.placement(auth, None);
                if name.is_none() {
                    self.auth_field(auth, "key", "apikey");
                }
                Some(ClientAuth::ApiKey { placement: placement?, name: name?, value: value? })
            }
            "bearer" => Some(ClientAuth::Bearer { token: self.auth_field(auth, "token", "bearer")? }),
            "basic" | "digest" => {
                let username = self.auth_field(auth, "username", &kind.value);
                let password = self.auth_field(auth, "password", &kind.value);
                let (username, password) = (username?, password?);
                Some(if kind.value == "basic" { ClientAuth::Basic { username, password } } else { ClientAuth::Digest { username, password } })
            }
            "hmac" => {
                // alpha2 defines no `hmac` type, and the block names no algorithm, no header and no
                // string to sign: the fields alone cannot say how a request is signed.
                let fields: Vec<String> = auth.fields.iter().map(|(k, _)| format!("`{}`", k.value)).collect();
                let scheme = if auth.field("apiId").is_some() && auth.field("apiKey").is_some() {
                    "`apiId`/`apiKey` are the credentials of Veracode's VERACODE-HMAC-SHA-256 request signing, which is not compiled"
                } else {
                    "the block does not say which signature scheme to compute (algorithm, signed fields, header)"
                };
                self.error(
                    Diagnostic::new(Code::Unsupported, kind.span, "`hmac` request signing is not supported by this compiler yet")
                        .label(format!("not compiled ({})", if fields.is_empty() { "no fields".to_owned() } else { fields.join(", ") }))
                        .hint(format!("{scheme}; alpha2 consumes authenticate with `apikey`, `bearer`, `basic` or `digest` (sign in your own `Handlers` implementation instead)")),
                );
                None
            }
            other => {
                self.error(
                    Diagnostic::new(Code::Unsupported, kind.span, format!("`{other}` authentication of a consumed API is not supported by this compiler yet"))
                        .label("not compiled")
                        .hint("use `apikey`, `bearer`, `basic` or `digest`"),
                );
                None
            }
        }
    }

    fn server_auth(&mut self, auth: &spec::Authentication) -> Option<ServerAuth> {
        let kind = auth.kind.as_ref()?;
        match kind.value.as_str() {
            "bearer" => Some(ServerAuth::Bearer { token: self.auth_field(auth, "token", "bearer")? }),
            "apikey" => {
                let name = auth.field("key").map(|k| k.value.clone());
                let value = self.auth_field(auth, "value", "apikey");
                let placement = self.placement(auth, Some(Placement::Header));
                if name.is_none() {
                    self.auth_field(auth, "key", "apikey");
                }
                Some(ServerAuth::ApiKey { placement: placement?, name: name?, value: value? })
            }
            "basic" => {
                let username = self.auth_field(auth, "username", "basic");
                let password = self.auth_field(auth, "password", "basic");
                Some(ServerAuth::Basic { username: username?, password: password? })
            }
            other => {
                self.error(
                    Diagnostic::new(Code::Unsupported, kind.span, format!("`{other}` authentication of an exposed adapter is not supported by this compiler yet"))
                        .label("not enforced")
                        .hint("use `bearer`, `apikey` or `basic`"),
                );
                None
            }
        }
    }

    fn fixed_param(&mut self, p: &spec::ConsumedParameter) -> Option<FixedParam> {
        let name = p.name.as_ref()?;
        let location = match p.location.as_ref().map(|l| l.value.as_str()) {
            Some("header") => Placement::Header,
            Some("query") => Placement::Query,
            Some("cookie") => Placement::Cookie,
            _ => {
                self.error(
                    Diagnostic::new(Code::Unsupported, p.span, "an adapter-level parameter with a fixed value must be `in: header`, `query` or `cookie`")
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

    fn consumed_op(
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
                declared.retain(|q| !(q.name.as_ref().is_some_and(|n| n.value == pname.value) && q.location.as_ref().map_or("", |l| l.value.as_str()) == loc));
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
            });
        }

        // Path variables: each binds a path parameter; undeclared ones are implied (42% of real files).
        let mut parts = Vec::new();
        for piece in template::path_pieces(&path_text) {
            match piece {
                Piece::Text(t) => parts.push(PathPart::Literal(t.to_owned())),
                Piece::Ref(var) => {
                    let index = match params.iter().position(|p| p.location == ParamLocation::Path && p.name == var)
                        .or_else(|| params.iter().position(|p| p.location == ParamLocation::Path && same_name(&p.name, var)))
                    {
                        Some(i) => i,
                        None => {
                            let field = report_rename(fields.name(ident::snake(var), var), &Spanned::new(var.to_owned(), path.span), "field", self.diags);
                            params.push(Param {
                                name: var.to_owned(),
                                field,
                                location: ParamLocation::Path,
                                ty: ParamType::String,
                                required: true,
                                description: None,
                                fixed: None,
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
                let span = op.input_parameters.iter().chain(&resource.input_parameters).find_map(|q| q.name.as_ref().filter(|n| n.value == p.name)).map_or(op.span, |n| n.span);
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
        let response = match op.output_raw_format.as_ref().map(|f| f.value.as_str()) {
            None | Some("json") => ResponseFormat::Json,
            Some("text") => ResponseFormat::Text,
            Some(_) => ResponseFormat::Binary,
        };
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
        })
    }

    fn param_type(&mut self, kind: Option<&Spanned<String>>) -> Option<ParamType> {
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
    fn value_template(&mut self, s: &str, span: Span, params: &mut Vec<Param>, fields: &mut Scope) -> Template {
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

    /// A reference that names a bind variable (`env.X`, `ns.X`, or a declared `X`).
    fn secret_ref<'r>(&self, reference: &'r str) -> Option<&'r str> {
        let var = template::secret_name(reference)?;
        let declared = self.binds.iter().any(|b| b.keys.iter().any(|(k, _)| k.value == var));
        let prefixed_by_bind = reference
            .split_once('.')
            .is_some_and(|(ns, _)| ns == "env" || self.binds.iter().any(|b| b.namespace.as_ref().is_some_and(|n| n.value == ns)));
        (declared || prefixed_by_bind).then_some(var)
    }

    fn request_body(&mut self, op: &spec::ConsumedOperation, params: &mut Vec<Param>, fields: &mut Scope) -> RequestBody {
        match &op.body {
            Some(spec::Body::Raw(raw)) => {
                let template = BodyTemplate::Text(self.value_template(&raw.value, raw.span, params, fields));
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
                let template = self.body_template(&data, span, params, fields);
                self.demote_body_params(params);
                RequestBody::Template { content_type: content_type.to_owned(), template }
            }
            None => {
                if let Some(param) = params.iter().position(|p| p.location == ParamLocation::Body) {
                    RequestBody::Whole { param }
                } else {
                    let fields: Vec<usize> = params.iter().enumerate().filter(|(_, p)| p.location == ParamLocation::BodyField).map(|(i, _)| i).collect();
                    if fields.is_empty() { RequestBody::None } else { RequestBody::Fields { params: fields } }
                }
            }
        }
    }

    /// With a body template, `in: body` parameters are the template's inputs, not separate bodies.
    fn demote_body_params(&self, params: &mut [Param]) {
        for p in params.iter_mut().filter(|p| matches!(p.location, ParamLocation::Body | ParamLocation::BodyField)) {
            p.location = ParamLocation::Template;
        }
    }

    fn body_template(&mut self, data: &Value, span: Span, params: &mut Vec<Param>, fields: &mut Scope) -> BodyTemplate {
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

    // ------------------------------------------------------------ custom operations

    /// MCP tools with no `call` (DESIGN §3.12 leaves their behaviour to the user): each becomes a
    /// `Handlers` method with typed arguments, callable by the tool and by REST operations that name
    /// the tool (`call: tool-name`). Lowered before the exposes so that either may refer to them.
    fn lower_custom_tools(&mut self) {
        let tools = self.cap.exposes.iter().filter_map(|e| match e {
            spec::Expose::Mcp(m) => Some(&m.tools),
            _ => None,
        });
        for tool in tools.flatten().filter(|t| crate::check::is_custom_tool(t)) {
            let Some(name) = &tool.name else { continue };
            if self.custom_index.contains_key(&name.value) {
                continue; // a duplicate tool, reported by check
            }
            let method_name = self.named(ScopeKind::Ops, ident::snake(&name.value), name, "operation");
            let input_type = self.named(ScopeKind::Types, ident::camel_with_suffix(&name.value, "Input"), name, "type");
            let mut fields = Scope::default();
            let mut params: Vec<Param> = Vec::new();
            let mut add = |l: &mut Self, pname: &Spanned<String>, ty: ParamType, required: bool, description: Option<String>| {
                if params.iter().any(|p| p.name == pname.value) {
                    return;
                }
                let field = report_rename(fields.name(ident::snake(&pname.value), &pname.value), pname, "field", l.diags);
                params.push(Param { name: pname.value.clone(), field, location: ParamLocation::BodyField, ty, required, description, fixed: None });
            };
            for d in &tool.input_parameters {
                let Some(pname) = &d.name else { continue };
                let ty = self.param_type(d.kind.as_ref()).unwrap_or(ParamType::String);
                add(self, pname, ty, d.required.as_ref().is_none_or(|r| r.value), text(&d.description));
            }
            if let Some(schema) = &tool.input_schema {
                let required: Vec<&str> = schema.value.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                for (pname, prop) in schema.value.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    let description = prop.get("description").and_then(Value::as_str).map(str::to_owned);
                    add(self, &Spanned::new(pname.clone(), schema.span), schema_param_type(prop), required.contains(&pname.as_str()), description);
                }
            }
            self.diags.push(
                Diagnostic::new(Code::CustomTool, name.span, format!("tool `{}` has no `call`: it is generated as `Handlers::{}`, for you to implement", name.value, method_name.trim_start_matches("r#")))
                    .label("implemented in Rust, not in the spec")
                    .hint("until a `Handlers` implementation overrides it, the tool (and any REST operation calling it) answers 501; add `call: namespace.operation` to forward it upstream instead"),
            );
            self.custom_index.insert(name.value.clone(), self.custom.len());
            self.custom.push(CustomOp {
                name: name.value.clone(),
                method_name,
                input_type,
                summary: text(&tool.description).or_else(|| text(&tool.label)),
                params,
            });
        }
    }

    // ------------------------------------------------------------ exposes

    fn lower_rest(&mut self, r: &spec::RestExpose, fn_names: &mut Scope) -> Option<RestSurface> {
        let namespace = r.namespace.as_ref().map_or_else(|| "rest".to_owned(), |n| n.value.clone());
        let port = self.port(r.port.as_ref());
        let auth = r.authentication.as_ref().and_then(|a| self.server_auth(a));
        let mut routes: Vec<Route> = Vec::new();
        let mut endpoints: Vec<Endpoint> = Vec::new();
        let mut first_seen: HashMap<(usize, Method), Span> = HashMap::new();
        for res in &r.resources {
            let Some(path) = &res.path else {
                self.error(Diagnostic::new(Code::MissingKey, res.span, "an exposed resource has no `path`").label("`path` missing here"));
                continue;
            };
            let Some((segments, vars)) = self.route_segments(path) else { continue };
            let shape: Vec<Option<&str>> = segments.iter().map(|s| match s {
                RouteSegment::Literal(l) => Some(l.as_str()),
                RouteSegment::Var(_) => None,
            }).collect();
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
                    self.error(Diagnostic::new(Code::InvalidValue, m.span, format!("unknown HTTP method `{}`", m.value)).label("expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"));
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
                let name = op.name.clone().unwrap_or_else(|| Spanned::new(format!("{} {}", method.as_str().to_lowercase(), path.value), m.span));
                let fn_name = report_rename(fn_names.name(ident::snake(&name.value), &name.value), &name, "handler", self.diags);
                let declared: Vec<&spec::ExposedParameter> = res.input_parameters.iter().chain(&op.input_parameters).collect();
                let surface = Surface::Rest { vars: &vars, method };
                let Some((inputs, action)) = self.action(&op.invocation, &declared, None, surface, op.span, None) else { continue };
                endpoints.push(Endpoint {
                    name: name.value.clone(),
                    fn_name,
                    method,
                    route,
                    path: path.value.clone(),
                    summary: text(&op.description).or_else(|| text(&op.label)),
                    inputs,
                    action,
                });
                routes[route].endpoints.push(endpoints.len() - 1);
            }
        }
        Some(RestSurface { namespace, port, address: text(&r.address), description: text(&r.description), auth, routes, endpoints })
    }

    fn port(&mut self, port: Option<&Spanned<i64>>) -> Option<u16> {
        let p = port?;
        match u16::try_from(p.value).ok().filter(|p| *p > 0) {
            Some(p) => Some(p),
            None => {
                self.error(Diagnostic::new(Code::InvalidValue, p.span, format!("port {} is out of range", p.value)).label("expected 1-65535"));
                None
            }
        }
    }

    fn route_segments(&mut self, path: &Spanned<String>) -> Option<(Vec<RouteSegment>, Vec<String>)> {
        let mut segments = Vec::new();
        let mut vars = Vec::new();
        for seg in template::path_segments(&path.value) {
            match seg {
                Segment::Literal(l) => segments.push(RouteSegment::Literal(l.to_owned())),
                Segment::Var(v) => {
                    if vars.iter().any(|x: &String| x == v) {
                        self.error(Diagnostic::new(Code::DuplicateParameter, path.span, format!("path variable `{v}` appears twice")).label("rename one"));
                        return None;
                    }
                    segments.push(RouteSegment::Var(v.to_owned()));
                    vars.push(v.to_owned());
                }
                Segment::Mixed(_) => {
                    self.error(
                        Diagnostic::new(Code::Unsupported, path.span, "a path segment mixing text and variables is not supported in exposed REST paths yet")
                            .label("not compiled")
                            .hint("make the variable a whole segment, e.g. `/files/{name}`"),
                    );
                    return None;
                }
            }
        }
        Some((segments, vars))
    }

    fn lower_mcp(&mut self, m: &spec::McpExpose, fn_names: &mut Scope) -> Option<McpSurface> {
        let namespace = m.namespace.as_ref().map_or_else(|| "mcp".to_owned(), |n| n.value.clone());
        let transport = match m.transport.as_ref().map(|t| (t, t.value.as_str())) {
            None | Some((_, "http")) => McpTransport::Http,
            Some((_, "stdio")) => McpTransport::Stdio,
            Some((t, other)) => {
                self.error(Diagnostic::new(Code::InvalidValue, t.span, format!("unknown MCP transport `{other}`")).label("expected `http` or `stdio`"));
                McpTransport::Http
            }
        };
        let port = self.port(m.port.as_ref());
        let auth = m.authentication.as_ref().and_then(|a| self.server_auth(a));
        let mut tools = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for t in &m.tools {
            let Some(name) = &t.name else { continue };
            if seen.contains(&name.value.as_str()) {
                continue; // reported by check
            }
            seen.push(&name.value);
            let fn_name = report_rename(fn_names.name(ident::snake(&name.value), &name.value), name, "handler", self.diags);
            let declared: Vec<&spec::ExposedParameter> = t.input_parameters.iter().collect();
            let custom_self = crate::check::is_custom_tool(t).then(|| self.custom_index.get(&name.value).copied()).flatten();
            let Some((inputs, action)) = self.action(&t.invocation, &declared, t.input_schema.as_ref(), Surface::Mcp, t.span, custom_self) else { continue };
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
            let hints = t.hints.as_ref().map_or_else(Hints::default, |h| Hints {
                read_only: h.read_only.as_ref().map(|b| b.value),
                destructive: h.destructive.as_ref().map(|b| b.value),
                idempotent: h.idempotent.as_ref().map(|b| b.value),
                open_world: h.open_world.as_ref().map(|b| b.value),
            });
            tools.push(ToolDef {
                name: name.value.clone(),
                fn_name,
                title: text(&t.label),
                description: text(&t.description),
                hints,
                inputs,
                input_schema,
                action,
            });
        }
        Some(McpSurface { namespace, port, address: text(&m.address), transport, description: text(&m.description), auth, tools })
    }

    /// Resolves what an exposed operation or tool does: its inputs and how they bind to the call.
    fn action(
        &mut self,
        inv: &spec::Invocation,
        declared: &[&spec::ExposedParameter],
        input_schema: Option<&Spanned<Value>>,
        surface: Surface<'_>,
        owner: Span,
        custom_self: Option<usize>,
    ) -> Option<(Vec<Input>, Action)> {
        // A custom tool "calls" itself: its arguments bind to its own inputs of the same name.
        let self_call;
        let call = match (&inv.call, custom_self) {
            (Some(call), _) => call,
            (None, Some(index)) => {
                self_call = Spanned::new(self.custom[index].name.clone(), owner);
                &self_call
            }
            (None, None) => {
                // steps/ref/mock are reported as unsupported by `check`; a bare operation is reported here.
                if inv.steps.is_empty() && inv.reference.is_none() && !inv.output_parameters.iter().any(|o| o.value.is_some()) {
                    self.error(
                        Diagnostic::new(Code::MissingKey, owner, "this operation has no `call`")
                            .label("nothing to do")
                            .hint("add `call: namespace.operation` naming a consumed operation, or `call: <tool name>` naming an MCP tool that has none"),
                    );
                }
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
        let (params, path_template) = match target {
            Target::Operation { consumes, operation } => {
                let op = &self.consumes[consumes].operations[operation];
                (op.params.clone(), op.path_template.clone())
            }
            Target::Custom(index) => {
                // Arguments are JSON members; a REST caller sends them in the query when its method has no body.
                let mut params = self.custom[index].params.clone();
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
        };
        if let Surface::Rest { vars, .. } = surface {
            for (i, var) in vars.iter().enumerate() {
                let decl = declared.iter().find(|d| d.name.as_ref().is_some_and(|n| same_name(&n.value, var)));
                let consumed = params.iter().find(|p| same_name(&p.name, var));
                let description = decl.and_then(|d| text(&d.description)).or_else(|| consumed.and_then(|p| p.description.clone()));
                b.push(var, InputLocation::Path(i), ParamType::String, true, description);
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
                        Diagnostic::new(Code::InvalidValue, l.span, format!("input `{}` is `in: {other}` but the path has no variable of that name", name.value))
                            .label("expected query, header, cookie or body")
                            .hint(format!("add `{{{}}}` to the resource's `path`, or take it from the query (`in: query`)", name.value)),
                    );
                    // Still an input (of the query), so that what binds to it is not reported again.
                    InputLocation::Query
                }
            };
            let ty = self.param_type(d.kind.as_ref()).unwrap_or(ParamType::String);
            let required = d.required.as_ref().map_or(matches!(surface, Surface::Mcp), |r| r.value);
            b.push(&name.value, location, ty, required, text(&d.description));
        }
        if let Some(schema) = input_schema {
            let required: Vec<&str> = schema.value.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(props) = schema.value.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if b.find(name).is_some() {
                        continue;
                    }
                    let ty = schema_param_type(prop);
                    let description = prop.get("description").and_then(Value::as_str).map(str::to_owned);
                    b.push(name, InputLocation::Argument, ty, required.contains(&name.as_str()), description);
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
                None => b.reference(&p.name, p, &surface).map_or(Source::Absent, Source::Input),
            };
            if source == Source::Absent && p.location == ParamLocation::Path {
                self.error(
                    Diagnostic::new(Code::PathVariableUnbound, call.span, format!("path variable `{{{}}}` of `{path_template}` gets no value", p.name))
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
                        .hint(if names.is_empty() { format!("`{}` takes no parameters", call.value) } else { format!("parameters of `{}`: {}", call.value, names.join(", ")) }),
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
        let output = self.output(&inv.output_parameters);
        let action = match target {
            Target::Operation { consumes, operation } => Action::Call { consumes, operation, bindings, output },
            Target::Custom(operation) => Action::Custom { operation, bindings, output },
        };
        Some((b.inputs, action))
    }

    /// An operation that declares no parameters at all, called with `with` keys: the author names its
    /// parameters there. On a method without a body they can only be query parameters, so they are
    /// sent as such (with a warning) and become the operation's parameters for every caller. Runs
    /// before the exposes are lowered, so that what they see does not depend on their order.
    fn imply_query_params(&mut self) {
        let invocations = self.cap.exposes.iter().flat_map(|e| -> Vec<&spec::Invocation> {
            match e {
                spec::Expose::Rest(r) => r.resources.iter().flat_map(|r| &r.operations).map(|o| &o.invocation).collect(),
                spec::Expose::Mcp(m) => m.tools.iter().map(|t| &t.invocation).collect(),
                _ => Vec::new(),
            }
        });
        for inv in invocations {
            let Some(call) = &inv.call else { continue };
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
            for (key, _) in &inv.with {
                if op.params.iter().any(|p| p.name == key.value || same_name(&p.name, &key.value)) {
                    continue;
                }
                let field = report_rename(fields.name(ident::snake(&key.value), &key.value), key, "field", self.diags);
                op.params.push(Param { name: key.value.clone(), field, location: ParamLocation::Query, ty: ParamType::String, required: false, description: None, fixed: None });
                self.diags.push(
                    Diagnostic::new(Code::ImpliedParameter, key.span, format!("`{}` declares no parameters; `{}` is sent as a query parameter", call.value, key.value))
                        .label("implied query parameter")
                        .hint(format!("declare it on the consumed operation (`inputParameters: [{{name: {}, in: query, type: string}}]`) to choose its place and type", key.value)),
                );
            }
        }
    }

    fn with_source(&mut self, value: &Spanned<Value>, p: &Param, surface: &Surface<'_>, b: &mut InputBuilder) -> Source {
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
    fn secret_in_with(&mut self, span: Span) -> Source {
        self.error(
            Diagnostic::new(Code::Unsupported, span, "a secret inside `with` is not supported by this compiler yet")
                .label("not compiled")
                .hint("give the consumed parameter a fixed `value: '{{VAR}}'`, or use the consumes' `authentication`"),
        );
        Source::Absent
    }

    fn unknown_input(&mut self, name: &str, span: Span, b: &InputBuilder) -> Source {
        let names: Vec<String> = b.inputs.iter().map(|i| format!("`{}`", i.name)).collect();
        self.error(
            Diagnostic::new(Code::WithUnknownInput, span, format!("`{name}` is not an input of this operation"))
                .label("unknown input")
                .hint(if names.is_empty() { "declare it under `inputParameters`".to_owned() } else { format!("declared inputs: {}", names.join(", ")) }),
        );
        Source::Absent
    }

    fn output(&mut self, outputs: &[spec::OutputParameter]) -> Output {
        match outputs.first() {
            None => Output::Passthrough,
            Some(o) => match self.mapping(o) {
                Some(Mapping::Path { path }) if path.is_empty() => Output::Passthrough,
                Some(m) => Output::Mapped(m),
                None => Output::Passthrough,
            },
        }
    }

    fn mapping(&mut self, o: &spec::OutputParameter) -> Option<Mapping> {
        if let Some(v) = &o.value
            && o.mapping.is_none()
        {
            // Consumed outputs write their JSONPath under `value`.
            if let Value::String(s) = &v.value
                && s.starts_with('$')
            {
                return self.json_path(&Spanned::new(s.clone(), v.span)).map(|path| Mapping::Path { path });
            }
            return Some(Mapping::Constant { value: v.value.clone() });
        }
        let kind = o.kind.as_ref().map(|k| k.value.as_str());
        if !o.properties.is_empty() {
            let mut properties = Vec::new();
            for (name, prop) in &o.properties {
                properties.push((name.value.clone(), self.mapping(prop)?));
            }
            return Some(Mapping::Object { properties });
        }
        let path = match &o.mapping {
            Some(m) => self.json_path(m)?,
            None => Vec::new(),
        };
        if kind == Some("array")
            && let Some(items) = &o.items
        {
            let items = self.mapping(items).map(Box::new);
            return Some(Mapping::Array { path, items });
        }
        Some(Mapping::Path { path })
    }

    fn json_path(&mut self, p: &Spanned<String>) -> Option<Vec<PathStep>> {
        match parse_json_path(&p.value) {
            Some(path) => Some(path),
            None => {
                self.error(
                    Diagnostic::new(Code::Unsupported, p.span, format!("JSONPath `{}` is not supported by this compiler yet", p.value))
                        .label("not compiled")
                        .hint("use `$`, `$.field.sub`, `$.list[0]`, `$.list[*].field` or `$['odd name']`"),
                );
                None
            }
        }
    }
}

enum ScopeKind {
    Ops,
    Types,
    Secrets,
}

#[derive(Clone, Copy)]
enum Surface<'a> {
    Rest { vars: &'a [String], method: Method },
    Mcp,
}

/// Exposed inputs of one operation, built from path variables, declarations and references.
struct InputBuilder {
    inputs: Vec<Input>,
    fields: Scope,
    /// Inputs were declared: references to other names are errors, not derivations.
    declared_mode: bool,
    used: Vec<usize>,
    /// A derived REST input named `body` is the whole JSON body (custom operations' arguments have no
    /// consumed location to say otherwise).
    whole_body_name: bool,
}

impl InputBuilder {
    fn find(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name).or_else(|| self.inputs.iter().position(|i| same_name(&i.name, name)))
    }

    fn push(&mut self, name: &str, location: InputLocation, ty: ParamType, required: bool, description: Option<String>) -> usize {
        let field = self.fields.name(ident::snake(name), name).ident;
        self.inputs.push(Input { name: name.to_owned(), field, location, ty, required, description });
        self.inputs.len() - 1
    }

    /// The input a reference names, derived from the consumed parameter when inputs are not declared.
    fn reference(&mut self, name: &str, p: &Param, surface: &Surface<'_>) -> Option<usize> {
        let found = self.find(name).or_else(|| {
            if self.declared_mode {
                return None;
            }
            let location = match surface {
                Surface::Mcp => InputLocation::Argument,
                Surface::Rest { .. } => match p.location {
                    ParamLocation::Path | ParamLocation::Query | ParamLocation::Template => InputLocation::Query,
                    ParamLocation::Header => InputLocation::Header,
                    ParamLocation::Cookie => InputLocation::Cookie,
                    ParamLocation::BodyField if self.whole_body_name && name == "body" => InputLocation::Body,
                    ParamLocation::BodyField => InputLocation::BodyField,
                    ParamLocation::Body => InputLocation::Body,
                },
            };
            Some(self.push(name, location, p.ty, p.required, p.description.clone()))
        })?;
        if !self.used.contains(&found) {
            self.used.push(found);
        }
        Some(found)
    }
}

/// `rest.p`, `tools.p`, `<expose-namespace>.p`, `$this.<ns>.p` → `p`; anything else is not a reference.
fn input_reference<'s>(s: &'s str, expose_namespaces: &[String]) -> Option<&'s str> {
    let rest = s.strip_prefix("$this.").map_or(s, |r| r.split_once('.').map_or(r, |(_, p)| p));
    if rest.len() != s.len() {
        return Some(rest);
    }
    let (prefix, name) = s.split_once('.')?;
    (prefix == "rest" || prefix == "tools" || prefix == "mcp" || expose_namespaces.iter().any(|n| n == prefix)).then_some(name).filter(|n| !n.is_empty())
}

/// Inside `{{…}}`: `rest.p`/`tools.p`/`ns.p` name input `p`; a bare name is itself.
fn strip_input_prefix<'s>(r: &'s str, expose_namespaces: &[String]) -> &'s str {
    input_reference(r, expose_namespaces).unwrap_or(r)
}

/// A parameter referenced only from a template; created (optional string) when not declared.
fn template_param(name: &str, span: Span, params: &mut Vec<Param>, fields: &mut Scope, diags: &mut Vec<Diagnostic>) -> usize {
    if let Some(i) = params.iter().position(|p| p.name == name).or_else(|| params.iter().position(|p| same_name(&p.name, name))) {
        return i;
    }
    let field = report_rename(fields.name(ident::snake(name), name), &Spanned::new(name.to_owned(), span), "field", diags);
    params.push(Param { name: name.to_owned(), field, location: ParamLocation::Template, ty: ParamType::String, required: false, description: None, fixed: None });
    params.len() - 1
}

/// Where a body template's `data` was written (the `type` when there is none).
fn data_span(fallback: Span, op: &spec::ConsumedOperation) -> Span {
    match &op.body {
        Some(spec::Body::Typed { data: Some(d), .. }) => d.span,
        _ => fallback,
    }
}

fn report_rename(named: ident::Named, original: &Spanned<String>, what: &str, diags: &mut Vec<Diagnostic>) -> String {
    if let Some(other) = named.collided_with {
        let message = match other.strip_prefix("(generated `").and_then(|o| o.strip_suffix("`)")) {
            Some(item) => format!("{what} `{}` would take the name of the generated `{item}`; it is `{}`", original.value, named.ident),
            None => format!("{what} `{}` and `{other}` map to the same Rust name; this one is `{}`", original.value, named.ident),
        };
        diags.push(
            Diagnostic::new(Code::IdentCollision, original.span, message)
                .label(format!("generated as `{}`", named.ident))
                .hint("the wire name stays as written; rename one in the spec to choose the Rust name yourself"),
        );
    }
    named.ident
}

/// The parameter type of a JSON Schema property: its `type`, except that an array of anything but
/// strings (and a property without a type) is any JSON value.
fn schema_param_type(prop: &Value) -> ParamType {
    match prop.get("type").and_then(Value::as_str).and_then(ParamType::parse) {
        Some(ParamType::Array) => match prop.pointer("/items/type").and_then(Value::as_str) {
            None | Some("string") => ParamType::Array,
            Some(_) => ParamType::Object,
        },
        Some(ty) => ty,
        None => ParamType::Object,
    }
}

/// The JSON Schema of a tool's arguments, decided at generation time.
pub fn tool_schema(inputs: &[Input]) -> Value {
    let mut properties = serde_json::Map::new();
    for input in inputs {
        let mut prop = serde_json::Map::new();
        prop.insert("type".into(), Value::from(input.ty.json_schema_type()));
        if input.ty == ParamType::Array {
            prop.insert("items".into(), serde_json::json!({"type": "string"}));
        }
        if let Some(d) = &input.description {
            prop.insert("description".into(), Value::from(d.as_str()));
        }
        properties.insert(input.name.clone(), Value::Object(prop));
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

/// `$`, `$.a.b`, `$.a[0]`, `$.a[*].b`, `$['a b']`; `None` for anything else (filters, recursion).
pub fn parse_json_path(path: &str) -> Option<Vec<PathStep>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if rest.starts_with("..") {
            return None;
        } else if let Some(r) = rest.strip_prefix('.') {
            if r.is_empty() {
                break; // `$.` is the root
            }
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            let name = &r[..end];
            steps.push(if name == "*" { PathStep::Each } else { PathStep::Field(name.to_owned()) });
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                PathStep::Each
            } else if let Ok(i) = inner.parse() {
                PathStep::Index(i)
            } else if let Some(q) = inner.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')).or_else(|| inner.strip_prefix('"').and_then(|q| q.strip_suffix('"'))) {
                PathStep::Field(q.to_owned())
            } else {
                return None;
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths() {
        assert_eq!(parse_json_path("$."), Some(vec![]));
        assert_eq!(parse_json_path("$"), Some(vec![]));
        assert_eq!(parse_json_path("$.a.b"), Some(vec![PathStep::Field("a".into()), PathStep::Field("b".into())]));
        assert_eq!(parse_json_path("$.items[*].id"), Some(vec![PathStep::Field("items".into()), PathStep::Each, PathStep::Field("id".into())]));
        assert_eq!(parse_json_path("$['a b'][0]"), Some(vec![PathStep::Field("a b".into()), PathStep::Index(0)]));
        assert_eq!(parse_json_path("$..a"), None);
        assert_eq!(parse_json_path("$.a[?(@.x)]"), None);
        assert_eq!(parse_json_path("a"), None);
    }

    #[test]
    fn references() {
        let ns = vec!["instance-snapshots-rest".to_owned()];
        assert_eq!(input_reference("rest.zone", &ns), Some("zone"));
        assert_eq!(input_reference("tools.snapshot_id", &ns), Some("snapshot_id"));
        assert_eq!(input_reference("instance-snapshots-rest.zone", &ns), Some("zone"));
        assert_eq!(input_reference("$this.x.zone", &ns), Some("zone"));
        assert_eq!(input_reference("application/json", &ns), None);
        assert_eq!(input_reference("v1.2", &ns), None);
    }
}
