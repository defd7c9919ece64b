//! Checks on the spec model that need no lowering: version, references between adapters, duplicates,
//! secrets, and features not compiled yet. Findings that depend on binding inputs to parameters are
//! reported by `ir::lower`, which computes those bindings.

pub mod constraints;
pub mod control;
pub mod diagnostic;
pub mod mcp;
pub mod skill;
pub mod transport;

use std::collections::BTreeMap;

use crate::source::{Span, Spanned};
use crate::spec::model::*;
use diagnostic::{Code, Diagnostic};

pub const SUPPORTED_VERSION: &str = "1.0.0-alpha2";
/// MCP clients reject longer tool names (several SDKs enforce `^[a-zA-Z0-9_-]{1,64}$`).
pub const MAX_TOOL_NAME: usize = 64;

/// Runs every model-level check.
pub fn check(doc: &Document, diags: &mut Vec<Diagnostic>) {
    version(doc, diags);
    let Some(cap) = &doc.capability else {
        let d = if doc.consumes.is_empty() {
            Diagnostic::new(Code::NothingToCompile, doc.span, "the document has no `capability`")
                .hint("a capability spec has `capability: { consumes: [...], exposes: [...] }`")
        } else {
            Diagnostic::new(Code::NothingToCompile, doc.span, "this is a shared-consumes document with no `capability`")
                .hint("import it from a capability with `consumes: [{location: ./this-file.yaml, import: <namespace>}]`")
        };
        diags.push(d);
        return;
    };
    let binds: Vec<&Bind> = doc.binds.iter().chain(&cap.binds).collect();
    namespaces(cap, &binds, diags);
    consumed_operations(cap, diags);
    exposes(cap, diags);
    unsupported(cap, diags);
    control::control(cap, diags);
    transport::formats(cap, diags);
    transport::forwards(cap, diags);
    constraints::constraints(cap, diags);
    secrets(cap, &binds, diags);
}

fn version(doc: &Document, diags: &mut Vec<Diagnostic>) {
    match &doc.naftiko {
        None => diags.push(
            Diagnostic::new(Code::Version, Span { end: doc.span.start, ..doc.span }, "the document has no `naftiko` version")
                .hint(format!("add `naftiko: {SUPPORTED_VERSION}` as the first line")),
        ),
        Some(v) if v.value.trim() != SUPPORTED_VERSION => diags.push(
            Diagnostic::new(Code::Version, v.span, format!("unsupported naftiko version `{}`", v.value))
                .label(format!("expected `{SUPPORTED_VERSION}`"))
                .hint(format!("this compiler reads `naftiko: {SUPPORTED_VERSION}` documents")),
        ),
        Some(_) => {}
    }
}

/// Namespaces must be unique across consumes, exposes and binds (the Spectral rule `naftiko-namespaces-unique`).
fn namespaces(cap: &Capability, binds: &[&Bind], diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let consumes = cap.consumes.iter().filter_map(|c| match c {
        Consumes::Http(h) => h.namespace.as_ref(),
        Consumes::Imported(i) => i.alias.as_ref().or(i.import.as_ref()),
    });
    let exposes = cap.exposes.iter().filter_map(expose_namespace);
    let binds = binds.iter().filter_map(|b| b.namespace.as_ref());
    for ns in consumes.chain(exposes).chain(binds) {
        if let Some(first) = seen.get(ns.value.as_str()) {
            diags.push(
                Diagnostic::new(Code::DuplicateNamespace, ns.span, format!("namespace `{}` is declared twice", ns.value))
                    .label("second declaration")
                    .related(*first, "first declared here")
                    .hint("every consumes, expose and bind needs its own namespace; `call` finds adapters by it"),
            );
        } else {
            seen.insert(&ns.value, ns.span);
        }
    }
}

pub fn expose_namespace(e: &Expose) -> Option<&Spanned<String>> {
    match e {
        Expose::Rest(r) => r.namespace.as_ref(),
        Expose::Mcp(m) => m.namespace.as_ref(),
        Expose::Skill(s) => s.namespace.as_ref(),
        Expose::Control(_) => None,
        Expose::Other { namespace, .. } => namespace.as_ref(),
    }
}

fn consumed_operations(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    for c in &cap.consumes {
        let Consumes::Http(http) = c else { continue };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for op in http.resources.iter().flat_map(|r| &r.operations) {
            let Some(name) = &op.name else { continue };
            if let Some(first) = seen.get(name.value.as_str()) {
                diags.push(
                    Diagnostic::new(Code::DuplicateOperation, name.span, format!("operation `{}` is declared twice in `{}`", name.value, http.namespace.as_ref().map_or("", |n| n.as_str())))
                        .label("ignored: `call` takes the first declaration")
                        .related(*first, "first declared here: this one is compiled")
                        .hint("`call` finds operations by name across all resources of a namespace, first declaration first (as the reference engine does); rename one to call both"),
                );
            } else {
                seen.insert(&name.value, name.span);
            }
        }
    }
}

/// What a `call` names.
#[derive(Clone, Copy, Debug)]
pub enum CallTarget<'c> {
    /// A consumed operation: indexes among the `type: http` consumes and among its operations.
    Operation { consumes: usize, operation: usize, http: &'c HttpConsumes, op: &'c ConsumedOperation },
    /// An MCP tool with no `call` of its own, by bare name: its behaviour is a `Handlers` method.
    Tool(&'c Tool),
}

/// An MCP tool the spec declares without saying what it does (no `call`, `steps`, `ref` or mock
/// outputs): compiled as a `Handlers` method for the user to implement.
pub fn is_custom_tool(tool: &Tool) -> bool {
    let inv = &tool.invocation;
    inv.call.is_none() && inv.steps.is_empty() && inv.reference.is_none() && inv.mappings.is_empty() && !inv.is_mock()
}

/// Splits `ns.op` after the longest declared namespace it starts with (namespaces may contain dots:
/// `… (CSF) 2.0 — Sandbox API.get-assessment`), else at its first dot.
pub fn split_call<'c, 'n>(call: &'c str, namespaces: impl IntoIterator<Item = &'n str>) -> Option<(&'c str, &'c str)> {
    let declared = namespaces
        .into_iter()
        .filter(|ns| !ns.is_empty() && call.len() > ns.len() + 1 && call.starts_with(ns) && call[ns.len()..].starts_with('.'))
        .map(str::len)
        .max();
    match declared {
        Some(len) => Some((&call[..len], &call[len + 1..])),
        None => call.split_once('.').filter(|(ns, op)| !ns.is_empty() && !op.is_empty()),
    }
}

/// The namespaces `call`s may name: every consumes', imported or not.
fn consumes_namespaces(cap: &Capability) -> impl Iterator<Item = &str> {
    cap.consumes.iter().filter_map(|c| match c {
        Consumes::Http(h) => h.namespace.as_ref().map(Spanned::as_str),
        Consumes::Imported(i) => i.alias.as_ref().or(i.import.as_ref()).map(Spanned::as_str),
    })
}

/// Resolves a `call`: `namespace.operation`, or the bare name of an MCP tool that has no `call`.
/// The error is a whole diagnostic, built only on the failure path.
#[allow(clippy::result_large_err)]
pub fn resolve_call<'c>(cap: &'c Capability, call: &Spanned<String>) -> Result<CallTarget<'c>, Diagnostic> {
    let split = split_call(&call.value, consumes_namespaces(cap));
    let declared_ns = split.is_some_and(|(ns, _)| consumes_namespaces(cap).any(|n| n == ns));
    if !declared_ns {
        let tool = cap.exposes.iter().find_map(|e| match e {
            Expose::Mcp(m) => m.tools.iter().find(|t| t.name.as_ref().is_some_and(|n| n.value == call.value)),
            _ => None,
        });
        if let Some(tool) = tool {
            if is_custom_tool(tool) {
                return Ok(CallTarget::Tool(tool));
            }
            let d = Diagnostic::new(Code::CallSyntax, call.span, format!("`call: {}` names an MCP tool, not a consumed operation", call.value))
                .label("expected `namespace.operation`")
                .related(tool.span, "the tool");
            return Err(match &tool.invocation.call {
                Some(target) => d.hint(format!("call what the tool calls: `call: {}`", target.value)),
                None => d.hint(format!("the tool is not compiled, so nothing can call it; known operations: {}", known_calls(cap))),
            });
        }
    }
    let Some((ns, op)) = split else {
        return Err(Diagnostic::new(Code::CallSyntax, call.span, format!("`call: {}` is not of the form `namespace.operation`", call.value))
            .label("expected `namespace.operation`")
            .hint(format!("known operations: {}", known_calls(cap))));
    };
    // Looked up as the declarations are read (every call of every operation is resolved): the lists
    // are collected only to name them in a diagnostic.
    let https = || cap.consumes.iter().filter_map(Consumes::as_http);
    let Some((ci, http)) = https().enumerate().find(|(_, h)| h.namespace.as_ref().is_some_and(|n| n.value == ns)) else {
        let imported = cap.consumes.iter().any(|c| matches!(c, Consumes::Imported(i) if i.alias.as_ref().or(i.import.as_ref()).is_some_and(|n| n.value == ns)));
        let names: Vec<String> = https().filter_map(|h| h.namespace.as_ref().map(|n| format!("`{}`", n.value))).collect();
        return Err(Diagnostic::new(Code::UnknownNamespace, call.span, format!("`call` refers to namespace `{ns}`, which no consumes declares"))
            .label(if imported { "imported namespace" } else { "unknown namespace" })
            .hint(if names.is_empty() { "declare a `consumes` entry with this namespace".to_owned() } else { format!("declared namespaces: {}", names.join(", ")) }));
    };
    let ops = || http.resources.iter().flat_map(|r| &r.operations);
    match ops().enumerate().find(|(_, o)| o.name.as_ref().is_some_and(|n| n.value == op)) {
        Some((oi, found)) => Ok(CallTarget::Operation { consumes: ci, operation: oi, http, op: found }),
        None => {
            let close: Vec<String> = ops()
                .filter_map(|o| o.name.as_ref())
                .map(|n| format!("`{}`", n.value))
                .collect();
            Err(Diagnostic::new(Code::UnknownOperation, call.span, format!("namespace `{ns}` has no operation `{op}`"))
                .label("unknown operation")
                .hint(if close.is_empty() { format!("`{ns}` declares no operations") } else { format!("operations of `{ns}`: {}", abbreviate(&close)) }))
        }
    }
}

fn known_calls(cap: &Capability) -> String {
    let calls: Vec<String> = cap
        .consumes
        .iter()
        .filter_map(Consumes::as_http)
        .flat_map(|h| {
            let ns = h.namespace.as_ref().map_or("", |n| n.as_str());
            h.resources.iter().flat_map(|r| &r.operations).filter_map(move |o| Some(format!("`{ns}.{}`", o.name.as_ref()?.value)))
        })
        .collect();
    abbreviate(&calls)
}

fn abbreviate(names: &[String]) -> String {
    const SHOWN: usize = 8;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{}, and {} more", names[..SHOWN].join(", "), names.len() - SHOWN)
    }
}

fn exposes(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    let mut invocations: Vec<&Invocation> = cap.aggregates.iter().flat_map(|a| &a.functions).map(|f| &f.invocation).collect();
    for e in &cap.exposes {
        match e {
            Expose::Rest(r) => invocations.extend(r.resources.iter().flat_map(|r| &r.operations).map(|o| &o.invocation)),
            Expose::Mcp(m) => {
                tools(m, diags);
                mcp::resources_and_prompts(m, diags);
                invocations.extend(m.tools.iter().map(|t| &t.invocation));
                invocations.extend(m.resources.iter().map(|r| &r.invocation));
            }
            Expose::Skill(s) => skill::skills(cap, s, diags),
            _ => {}
        }
    }
    let calls = invocations.iter().flat_map(|i| i.call.iter().chain(i.steps.iter().filter_map(|s| s.call.as_ref())));
    for call in calls {
        match resolve_call(cap, call) {
            // An import that cannot be resolved is reported; its calls would only repeat that.
            Err(d) if d.code == Code::UnknownNamespace && calls_imported(cap, call) => {}
            Err(d) => diags.push(d),
            Ok(_) => {}
        }
    }
}

fn calls_imported(cap: &Capability, call: &Spanned<String>) -> bool {
    let ns = split_call(&call.value, consumes_namespaces(cap)).map_or("", |(ns, _)| ns);
    cap.consumes.iter().any(|c| matches!(c, Consumes::Imported(i) if i.alias.as_ref().or(i.import.as_ref()).is_some_and(|n| n.value == ns)))
}

fn tools(mcp: &McpExpose, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for tool in &mcp.tools {
        let Some(name) = &tool.name else {
            // A `ref` lends the tool its function's name.
            if tool.invocation.reference.is_none() {
                diags.push(Diagnostic::new(Code::MissingKey, tool.span, "an MCP tool has no `name`").label("`name` missing here"));
            }
            continue;
        };
        if let Some(first) = seen.get(name.value.as_str()) {
            diags.push(
                Diagnostic::new(Code::DuplicateTool, name.span, format!("tool `{}` is declared twice", name.value))
                    .label("second declaration")
                    .related(*first, "first declared here")
                    .hint("MCP clients address tools by name; rename one"),
            );
        } else {
            seen.insert(&name.value, name.span);
        }
        let len = name.value.chars().count();
        if len > MAX_TOOL_NAME {
            diags.push(
                Diagnostic::new(Code::ToolNameTooLong, name.span, format!("tool name is {len} characters long; MCP clients accept at most {MAX_TOOL_NAME}"))
                    .label("too long for some MCP clients")
                    .hint("shorten the name; it is served as written"),
            );
        }
    }
}

/// Features of alpha2 this compiler does not generate code for yet (DESIGN §3.12).
fn unsupported(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    let mut report = |span: Span, feature: &str, hint: &str| {
        diags.push(
            Diagnostic::new(Code::Unsupported, span, format!("{feature} is not supported by this compiler yet"))
                .label("not compiled")
                .hint(hint.to_owned()),
        );
    };
    for f in cap.aggregates.iter().flat_map(|a| &a.functions) {
        invocation_features(&f.invocation, &mut report);
    }
    for c in &cap.consumes {
        match c {
            // Resolved by `spec::import` before checking; one that is still here was reported there.
            Consumes::Imported(_) => {}
            Consumes::Http(h) => {
                if let Some(kind) = &h.kind
                    && kind.value != "http"
                {
                    report(kind.span, &format!("consumes of type `{}`", kind.value), "only `type: http` consumes are compiled");
                }
                // `outputRawFormat` values are checked by `formats`.
            }
        }
    }
    for e in &cap.exposes {
        match e {
            Expose::Rest(r) => {
                for res in &r.resources {
                    for op in &res.operations {
                        invocation_features(&op.invocation, &mut report);
                    }
                }
            }
            Expose::Mcp(m) => {
                for inv in m.tools.iter().map(|t| &t.invocation).chain(m.resources.iter().map(|r| &r.invocation)) {
                    invocation_features(inv, &mut report);
                }
            }
            Expose::Skill(_) => {}
            // Checked by `control::control`.
            Expose::Control(_) => {}
            Expose::Other { kind, .. } => report(kind.span, &format!("an expose of type `{}`", kind.value), "only `rest` and `mcp` exposes are compiled"),
        }
    }
}

fn invocation_features(inv: &Invocation, report: &mut impl FnMut(Span, &str, &str)) {
    for step in &inv.steps {
        if let Some(kind) = step.kind.as_ref().filter(|k| k.value == "script") {
            report(kind.span, "a `script` step", "generated servers run no scripts: do the computation in a `Handlers` implementation, or with `call` and `lookup` steps");
        }
    }
}

/// Every `{{VAR}}` that names a secret must be declared in a bind (warning: the engine reads the
/// environment variable of that name anyway).
fn secrets(cap: &Capability, binds: &[&Bind], diags: &mut Vec<Diagnostic>) {
    let declared = |var: &str| binds.iter().any(|b| b.keys.iter().any(|(k, _)| k.value == var));
    let mut places: Vec<&Spanned<String>> = Vec::new();
    for c in &cap.consumes {
        let Consumes::Http(h) = c else { continue };
        places.extend(h.base_uri.iter());
        if let Some(a) = &h.authentication {
            places.extend(a.fields.iter().map(|(_, v)| v));
        }
    }
    for e in &cap.exposes {
        let auth = match e {
            Expose::Rest(r) => r.authentication.as_ref(),
            Expose::Mcp(m) => m.authentication.as_ref(),
            Expose::Skill(s) => s.authentication.as_ref(),
            Expose::Control(c) => c.authentication.as_ref(),
            _ => None,
        };
        if let Some(a) = auth {
            places.extend(a.fields.iter().map(|(_, v)| v));
        }
    }
    for place in places {
        for var in crate::ir::template::secret_refs(&place.value) {
            if !declared(var) {
                diags.push(
                    Diagnostic::new(Code::UndeclaredSecret, place.span, format!("secret `{var}` is not declared in `binds`"))
                        .label("read from the environment variable of the same name")
                        .hint(format!("declare it: `binds: [{{namespace: env, keys: {{{var}: {var}}}}}]`")),
                );
            }
        }
    }
}
