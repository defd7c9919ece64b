//! The files of a generated crate: `Cargo.toml` and `README.md` from templates, and one formatted
//! Rust file per emitted module.

use std::path::PathBuf;
use std::sync::OnceLock;

use minijinja::{Environment, context};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::rest::OpenApi;
use crate::emit::{DocPlaceholders, binary, crate_docs, format_file, modules, openapi_json};
use crate::ir::{BaseUri, Capability, SecretSource};

/// How the generated crate depends on `naftiko-runtime`.
#[derive(Clone, Debug)]
pub enum RuntimeDependency {
    /// A path relative to the generated crate's directory.
    Path(String),
    /// A crates.io version requirement.
    Version(String),
}

#[derive(Clone, Debug)]
pub struct CrateOptions {
    pub runtime: RuntimeDependency,
}

impl Default for CrateOptions {
    /// The layout of this repository: `generated/<name>/` beside `naftiko-runtime/`.
    fn default() -> Self {
        CrateOptions { runtime: RuntimeDependency::Path("../../naftiko-runtime".to_owned()) }
    }
}

/// One file of a generated crate, relative to the crate's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

#[derive(Clone, Debug)]
pub struct GeneratedCrate {
    pub name: String,
    pub files: Vec<GeneratedFile>,
}

/// Generates the whole crate for `cap`. An `Err` is a bug in an emitter (its tokens did not parse).
pub fn generate_crate(cap: &Capability, options: &CrateOptions) -> Result<GeneratedCrate, String> {
    let mut files = vec![
        GeneratedFile { path: "Cargo.toml".into(), contents: cargo_toml(cap, options)? },
        GeneratedFile { path: "README.md".into(), contents: readme(cap)? },
        GeneratedFile { path: "src/lib.rs".into(), contents: emit_and_format(|| lib_rs(cap))? },
    ];
    // One module at a time, formatted while its tokens are fresh.
    for m in modules(cap) {
        let contents = emit_and_format(|| m.emit(cap, OpenApi::File("../openapi.json")))?;
        files.push(GeneratedFile { path: format!("src/{}.rs", m.name).into(), contents });
    }
    if let Some(doc) = openapi_json(cap) {
        files.push(GeneratedFile { path: "openapi.json".into(), contents: doc });
    }
    files.push(GeneratedFile { path: "src/main.rs".into(), contents: emit_and_format(|| binary::main_rs(cap))? });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(GeneratedCrate { name: cap.crate_name.clone(), files })
}

/// `emit`'s tokens formatted as [`format_file`] does. Doc lines go through the formatter as
/// placeholders (see `DocPlaceholders`); should they not come back as expected, or the tokens not
/// parse, the real tokens are emitted and formatted instead (and a parse error shows them).
fn emit_and_format(emit: impl Fn() -> TokenStream) -> Result<String, String> {
    if let Some((tokens, mut docs)) = DocPlaceholders::collect(&emit)
        && let Some(text) = docs.format(tokens)
        && docs.all_filled()
    {
        return Ok(text);
    }
    format_file(emit())
}

/// `src/lib.rs`: the crate docs and every module behind its feature.
fn lib_rs(cap: &Capability) -> TokenStream {
    let docs = crate_docs(cap);
    let module_items = modules(cap).map(|m| {
        let name = Ident::new(m.name, Span::call_site());
        let feature = m.feature;
        let export = m.glob_export.then(|| quote! { #[cfg(feature = #feature)] pub use #name::*; });
        quote! {
            #[cfg(feature = #feature)]
            pub mod #name;
            #export
        }
    });
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #(#module_items)*
    }
}

/// The templates, parsed once per process.
fn templates() -> Result<&'static Environment<'static>, String> {
    static TEMPLATES: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    TEMPLATES
        .get_or_init(|| {
            let mut env = Environment::new();
            env.add_template("Cargo.toml", include_str!("../../templates/Cargo.toml.j2")).map_err(|e| e.to_string())?;
            env.add_template("README.md", include_str!("../../templates/README.md.j2")).map_err(|e| e.to_string())?;
            Ok(env)
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn render(name: &str, ctx: minijinja::Value) -> Result<String, String> {
    let env = templates()?;
    let template = env.get_template(name).map_err(|e| e.to_string())?;
    template.render(ctx).map_err(|e| format!("template {name}: {e}"))
}

fn cargo_toml(cap: &Capability, options: &CrateOptions) -> Result<String, String> {
    let runtime_dependency = match &options.runtime {
        RuntimeDependency::Path(p) => format!("{{ path = {}, default-features = false }}", toml_string(p)),
        RuntimeDependency::Version(v) => format!("{{ version = {}, default-features = false }}", toml_string(v)),
    };
    render(
        "Cargo.toml",
        context! {
            source => cap.source.as_str(),
            crate_name => cap.crate_name.as_str(),
            description => cap.title.as_str(),
            runtime_dependency => runtime_dependency,
            converters => converter_features(cap),
            pattern => uses_patterns(cap),
        },
    )
    .map(|s| s.trim_end().to_owned() + "\n")
}

/// The naftiko-runtime features beyond the surfaces that the capability's code needs, sorted: the
/// converters of the formats its consumed APIs answer in, and `pattern` when its inputs state one.
pub fn runtime_features(cap: &Capability) -> Vec<&'static str> {
    let mut features = converter_features(cap);
    if uses_patterns(cap) {
        features.push("pattern");
        features.sort_unstable();
    }
    features
}

/// Whether an exposed input or a tool's schema states a `pattern` (the adapters then check it with
/// the runtime's `pattern` feature).
pub fn uses_patterns(cap: &Capability) -> bool {
    fn in_schema(schema: &serde_json::Value) -> bool {
        match schema {
            serde_json::Value::Object(o) => o.iter().any(|(k, v)| (k == "pattern" && v.is_string()) || in_schema(v)),
            serde_json::Value::Array(items) => items.iter().any(in_schema),
            _ => false,
        }
    }
    let rest = cap.rest.iter().flat_map(|r| &r.endpoints).flat_map(|e| &e.inputs).any(|i| i.constraints.contains_key("pattern"));
    rest || cap.mcp.iter().flat_map(|m| &m.tools).any(|t| in_schema(&t.input_schema))
}

/// The converters of the formats the capability's consumed APIs answer in, sorted.
pub fn converter_features(cap: &Capability) -> Vec<&'static str> {
    let mut features: Vec<&'static str> = cap
        .consumes
        .iter()
        .flat_map(|c| &c.operations)
        .filter_map(|op| match &op.response {
            crate::ir::ResponseFormat::Converted(conversion) => Some(conversion.feature()),
            _ => None,
        })
        .collect();
    features.sort_unstable();
    features.dedup();
    features
}

fn toml_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn readme(cap: &Capability) -> Result<String, String> {
    let consumes: Vec<minijinja::Value> = cap
        .consumes
        .iter()
        .map(|c| {
            let operations: Vec<minijinja::Value> = c
                .operations
                .iter()
                .map(|op| {
                    context! {
                        method => op.method.as_str(),
                        path => op.path_template.as_str(),
                        rust => format!("{}()", op.method_name.trim_start_matches("r#")),
                        summary => op.summary.clone().unwrap_or_default().replace('|', "\\|").replace('\n', " "),
                    }
                })
                .collect();
            let base_url = match &c.base_uri {
                BaseUri::Fixed { url } => Some(url.clone()),
                _ => None,
            };
            context! { namespace => c.namespace.as_str(), module => c.module.as_str(), base_url => base_url, operations => operations }
        })
        .collect();
    let first = cap.consumes.first();
    let example = first.and_then(|c| c.operations.first());
    let secret_env: Vec<String> = cap
        .secrets
        .iter()
        .map(|s| match &s.source {
            SecretSource::Env { name } => format!("`{name}`"),
            SecretSource::File { location, key } => format!("`{key}` from `{location}`"),
        })
        .collect();
    let listen = |port: Option<u16>, address: Option<&str>| format!("{}:{}", address.unwrap_or("127.0.0.1"), port.unwrap_or(0));
    let rest = cap.rest.first();
    let mcp = cap.mcp.first();
    let tools: Vec<minijinja::Value> = mcp
        .map(|m| {
            m.tools
                .iter()
                .map(|t| {
                    let calls = match &t.action {
                        crate::ir::Action::Call { consumes, operation, .. } => cap
                            .consumes
                            .get(*consumes)
                            .and_then(|c| Some(format!("{} {}", c.operations.get(*operation)?.method.as_str(), c.operations.get(*operation)?.path_template)))
                            .unwrap_or_default(),
                        crate::ir::Action::Custom { operation, .. } => cap
                            .custom
                            .get(*operation)
                            .map(|c| format!("Handlers::{} (yours to implement)", c.method_name.trim_start_matches("r#")))
                            .unwrap_or_default(),
                        crate::ir::Action::Flow { flow, .. } => cap.flows.get(*flow).map(|f| format!("flows::{}", f.fn_name.trim_start_matches("r#"))).unwrap_or_default(),
                    };
                    let hints: Vec<&str> = [
                        (t.hints.read_only, "read-only"),
                        (t.hints.destructive, "destructive"),
                        (t.hints.idempotent, "idempotent"),
                        (t.hints.open_world, "open-world"),
                    ]
                    .into_iter()
                    .filter_map(|(set, name)| (set == Some(true)).then_some(name))
                    .collect();
                    context! { name => t.name.as_str(), calls => calls, hints => hints.join(", ") }
                })
                .collect()
        })
        .unwrap_or_default();
    let secret_vars: Vec<String> = cap
        .secrets
        .iter()
        .filter_map(|s| match &s.source {
            SecretSource::Env { name } => Some(name.clone()),
            SecretSource::File { .. } => None,
        })
        .collect();
    let handled = crate::emit::handlers::called_operations(cap).first().and_then(|&(ci, oi)| {
        let c = cap.consumes.get(ci)?;
        Some((c, c.operations.get(oi)?))
    });
    render(
        "README.md",
        context! {
            rest => rest.is_some(),
            mcp => mcp.is_some(),
            rest_addr => rest.map(|r| listen(r.port, r.address.as_deref())),
            mcp_addr => mcp.map(|m| listen(m.port, m.address.as_deref())),
            tools => tools,
            secret_vars => secret_vars,
            example_field => handled.map(|(c, _)| c.module.trim_start_matches("r#").to_owned()),
            source => cap.source.as_str(),
            title => cap.title.as_str(),
            description => cap.description.as_deref(),
            crate_name => cap.crate_name.as_str(),
            module => cap.module.as_str(),
            single_consumes => cap.consumes.len() == 1 && example.is_some(),
            example_method => handled.map(|(_, o)| o).or(example).map(|o| o.method_name.trim_start_matches("r#").to_owned()),
            example_params => handled.map(|(_, o)| o).or(example).map(|o| o.params_type.clone()),
            example_fields => handled.map(|(_, o)| o).or(example).map(required_fields).unwrap_or_default(),
            secret_env => if secret_env.is_empty() { "no secrets".to_owned() } else { secret_env.join(", ") },
            runtime_base_url => first.is_some_and(|c| matches!(c.base_uri, BaseUri::Runtime)),
            consumes => consumes,
        },
    )
    .map(|s| s.trim_end().to_owned() + "\n")
}

/// Placeholder values for an operation's required parameters, for README examples that must make sense.
fn required_fields(op: &crate::ir::ConsumedOp) -> String {
    use crate::ir::ParamType;
    op.params
        .iter()
        .filter(|p| p.required && p.fixed.is_none())
        .map(|p| {
            let value = match p.ty {
                ParamType::String => format!("\"<{}>\".into()", p.name),
                ParamType::Integer => "0".to_owned(),
                ParamType::Number => "0.0".to_owned(),
                ParamType::Boolean => "false".to_owned(),
                ParamType::Array => "vec![]".to_owned(),
                ParamType::Object => "serde_json::json!({})".to_owned(),
                ParamType::Any => "serde_json::json!(null)".to_owned(),
            };
            format!("{}: {value}, ", p.field.trim_start_matches("r#"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn doc_placeholders_format_as_the_real_doc_lines() {
        for spec in ["instance-snapshots.yaml", "instance-images.yaml", "block-snapshots.yaml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(spec);
            let cap = crate::load(&path).capability.unwrap_or_else(|| panic!("{spec} does not load"));
            let mut files: Vec<(&str, Box<dyn Fn() -> TokenStream>)> = vec![("lib", Box::new(|| lib_rs(&cap))), ("main", Box::new(|| binary::main_rs(&cap)))];
            for m in modules(&cap) {
                files.push((m.name, Box::new(|| m.emit(&cap, OpenApi::File("../openapi.json")))));
            }
            for (name, emit) in files {
                let (fast, mut docs) = DocPlaceholders::collect(&emit).expect("every doc line has a placeholder");
                assert_eq!(docs.format(fast), Some(format_file(emit()).unwrap_or_else(|e| panic!("{e}"))), "{spec} {name}");
                assert!(docs.all_filled(), "{spec} {name}");
            }
        }
    }
}
