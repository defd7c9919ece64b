//! Lowers a checked spec model into the IR: decides every Rust name, resolves every `with` into a
//! binding, derives exposed inputs from the called operation when none are declared (DESIGN §3.5),
//! merges same-shape REST routes, and compiles output mappings. Two real-world readings live here too:
//! MCP tools without a `call` become custom operations (`Handlers` methods the user implements), and
//! `with` keys of operations that declare no parameters become their query parameters.

mod actions;
mod auth;
mod consumes;
mod control;
mod custom;
mod exposes;
mod flows;
mod inputs;
mod outputs;
mod resources;
mod secrets;
mod skills;

use std::collections::{HashMap, HashSet};

use crate::check::diagnostic::{Code, Diagnostic};
use crate::check::expose_namespace;
use crate::ir::ident::{self, Scope};
use crate::ir::model::*;
use crate::source::{Span, Spanned};
use crate::spec::model as spec;

pub use exposes::tool_schema;
pub use outputs::parse_json_path;

/// Names the generated crate defines at its root; spec-derived type names must not take them.
const RESERVED_TYPES: &[&str] = &[
    "Client", "Clients", "Handlers", "Proxy", "Secrets", "Error", "Reply", "Response", "Config", "ConfigError", "Mcp",
    "Auth", "Value", "Result", "Option", "String", "Vec", "Box", "Arc",
];
/// Method names of the generated `Client` (and `Handlers`) that operations must not take.
const RESERVED_FNS: &[&str] = &[
    "new", "clients", "client", "from_env", "with_http_client", "base_url", "request", "send", "router", "serve", "main",
];
/// Modules of the generated crate that a further REST or MCP expose's module must not be named after.
const RESERVED_MODULES: &[&str] = &["client", "handlers", "flows", "rest", "mcp", "server", "skill", "control", "deploy"];
/// Functions of the generated `rest` module that REST handlers must not be named after.
pub(super) const RESERVED_REST_FNS: &[&str] = &["router", "router_with", "options"];

pub(super) struct Lowering<'a> {
    pub(super) cap: &'a spec::Capability,
    pub(super) binds: Vec<&'a spec::Bind>,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) secrets: Vec<Secret>,
    pub(super) secret_scope: Scope,
    pub(super) op_names: Scope,
    pub(super) type_names: Scope,
    /// (namespace, operation) → (consumes index, operation index) in the IR.
    pub(super) ops: HashMap<(String, String), (usize, usize)>,
    pub(super) consumes: Vec<Consumed>,
    /// Consumed operations that declare no parameter at any level (adapter, resource, operation).
    pub(super) undeclared_ops: HashSet<(usize, usize)>,
    /// MCP tools with no `call`, and their index by tool name.
    pub(super) custom: Vec<CustomOp>,
    pub(super) custom_index: HashMap<String, usize>,
    /// Every expose namespace: `with: {x: <namespace>.p}` refers to input `p`.
    pub(super) expose_namespaces: Vec<String>,
    /// Flows (steps, mocks, aggregate functions), and the names of their functions.
    pub(super) flows: Vec<Flow>,
    pub(super) flow_names: Scope,
    /// Aggregate functions by `namespace.name`: their flow and where they are declared.
    pub(super) functions: HashMap<String, (usize, Span)>,
    /// List operations that page, named at the end: consumes index, operation index, the operation's
    /// name, the page number's and the page size's parameter indexes.
    pub(super) paged: Vec<(usize, usize, Spanned<String>, usize, usize)>,
    /// Operations with declared outputs, named at the end: consumes index, operation index, the
    /// operation's name, the outputs.
    pub(super) typed: Vec<(usize, usize, Spanned<String>, Vec<OutputField>)>,
}

/// What an exposed operation calls, once resolved.
#[derive(Clone, Copy)]
pub(super) enum Target {
    Operation { consumes: usize, operation: usize },
    Custom(usize),
    Flow(usize),
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
        flows: Vec::new(),
        flow_names: Scope::default(),
        functions: HashMap::new(),
        paged: Vec::new(),
        typed: Vec::new(),
    };
    l.lower_consumes();
    l.imply_query_params();
    l.lower_custom_tools();
    l.lower_aggregates();
    let mut rest = Vec::new();
    let mut mcp = Vec::new();
    let mut skill = Vec::new();
    let mut control = None;
    let mut first_of_kind: HashMap<&str, Span> = HashMap::new();
    let mut module_names = Scope::default();
    module_names.reserve(RESERVED_MODULES);
    for e in &cap.exposes {
        // One REST and one MCP adapter per capability: the crate has one `rest` and one `mcp` module.
        let (kind, span) = match e {
            spec::Expose::Rest(r) => ("rest", r.span),
            spec::Expose::Mcp(m) => ("mcp", m.span),
            // Skill catalogs are data: the crate's `skill` module holds one per expose.
            spec::Expose::Skill(s) => {
                skill.push(l.lower_skill(s));
                continue;
            }
            // The management plane: one at most (checked), served by the binary.
            spec::Expose::Control(c) => {
                control = control.or_else(|| l.lower_control(c));
                continue;
            }
            _ => continue,
        };
        // The first surface of a kind is the crate's `rest`/`mcp` module (and `openapi.json`); each
        // further one is `<kind>_<namespace>` (and `openapi-<namespace>.json`).
        let further = first_of_kind.contains_key(kind);
        first_of_kind.insert(kind, span);
        // Each surface is its own module: REST handlers and MCP tools may share names.
        let mut fn_names = Scope::default();
        if kind == "rest" {
            fn_names.reserve(RESERVED_REST_FNS);
        }
        match e {
            spec::Expose::Rest(r) => {
                let Some(mut surface) = l.lower_rest(r, &mut fn_names) else { continue };
                if further {
                    surface.module = module_names.name(format!("rest_{}", ident::snake(&surface.namespace).trim_start_matches("r#")), &surface.namespace).ident;
                    surface.openapi_file = format!("openapi-{}.json", file_safe(&surface.namespace));
                }
                rest.push(surface);
            }
            spec::Expose::Mcp(m) => {
                let Some(mut surface) = l.lower_mcp(m, &mut fn_names) else { continue };
                if further {
                    surface.module = module_names.name(format!("mcp_{}", ident::snake(&surface.namespace).trim_start_matches("r#")), &surface.namespace).ident;
                }
                mcp.push(surface);
            }
            _ => {}
        }
    }
    l.name_helpers(&rest, &mcp);
    // Last: lowering the exposes may still add implied parameters to consumed operations.
    l.consumes.iter_mut().for_each(crate::ir::usage::analyze);
    let info = doc.info.as_ref();
    Some(Capability {
        crate_name: ident::crate_name(stem),
        module: ident::snake(stem).trim_start_matches("r#").to_owned(),
        source: source.to_owned(),
        title: info.and_then(|i| i.label.as_ref()).map_or_else(|| stem.to_owned(), |l| l.value.clone()),
        description: info.and_then(|i| i.description.as_ref()).map(|d| d.value.clone()),
        tags: info.map(|i| i.tags.iter().map(|t| t.value.clone()).collect()).unwrap_or_default(),
        contact: info.and_then(contact),
        secrets: l.secrets,
        consumes: l.consumes,
        custom: l.custom,
        rest,
        mcp,
        skill,
        control,
        flows: l.flows,
    })
}

/// The stakeholder to contact: the one whose role is `owner`, else the first with a name.
fn contact(info: &spec::Info) -> Option<Contact> {
    let named = info.stakeholders.iter().filter(|p| text(&p.full_name).is_some());
    let person = named.clone().find(|p| p.role.as_ref().is_some_and(|r| r.value.eq_ignore_ascii_case("owner"))).or_else(|| named.clone().next())?;
    Some(Contact { name: text(&person.full_name)?, email: text(&person.email) })
}

pub(super) fn text(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.trim().to_owned()).filter(|s| !s.is_empty())
}

impl Lowering<'_> {
    pub(super) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub(super) fn named(&mut self, scope: ScopeKind, ident: String, original: &Spanned<String>, what: &str) -> String {
        let scope = match scope {
            ScopeKind::Ops => &mut self.op_names,
            ScopeKind::Types => &mut self.type_names,
            ScopeKind::Secrets => &mut self.secret_scope,
        };
        report_rename(scope.name(ident, &original.value), original, what, self.diags)
    }
}

pub(super) enum ScopeKind {
    Ops,
    Types,
    Secrets,
}

pub(super) fn report_rename(named: ident::Named, original: &Spanned<String>, what: &str, diags: &mut Vec<Diagnostic>) -> String {
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

/// A namespace as part of a file name: letters, digits, `-` and `_` kept, anything else `-`.
fn file_safe(namespace: &str) -> String {
    namespace.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}
