//! The MCP surface: the static tool table (names, schemas decided by the IR, hint annotations), one
//! function per tool that turns validated arguments into the called operation's parameters through
//! the resolved `with` bindings, and the server, router and stdio entry points over
//! `naftiko_runtime::mcp`.

use crate::emit::code::{Code, code};
use crate::emit::handlers::called;
use crate::emit::values::rust_type;
use crate::emit::{ident, mapping, values};
use crate::ir::{Action, Binding, Capability, Input, McpSurface, McpTransport, Output, Param, ParamType, Placement, ResourceSource, ServerAuth, Source, ToolDef};

/// The items of the generated crate's `mcp` module: the first MCP expose (or a line saying there is none).
pub fn emit(cap: &Capability) -> Code {
    match cap.mcp.first() {
        Some(mcp) => emit_surface(cap, mcp),
        None => code! { #![doc = " This capability exposes no MCP adapter."] },
    }
}

/// The module of one MCP expose.
pub fn emit_surface(cap: &Capability, mcp: &McpSurface) -> Code {
    let doc = crate::emit::inner_docs(&module_doc(cap, mcp));
    let server = server_spec(cap, mcp);
    let tools = mcp.tools.iter().map(tool_spec);
    let (options_param, options_arg, options_fn) = options(cap, mcp);
    let dispatch = dispatch(mcp);
    let calls = calls_module(cap, mcp);
    let require_pattern = crate::emit::rest::require_pattern(cap);
    let features = crate::emit::mcp_features::emit(mcp);
    let build = if mcp.resources.is_empty() && mcp.prompts.is_empty() {
        code! { mcp::McpServer::new(handlers, &SERVER, TOOLS, dispatch::<H>) }
    } else {
        let resources = (!mcp.resources.is_empty()).then(|| code! { .resources(RESOURCES, read::<H>) });
        let prompts = (!mcp.prompts.is_empty()).then(|| code! { .prompts(PROMPTS) });
        code! { mcp::McpServer::builder(handlers, &SERVER, TOOLS, dispatch::<H>) #resources #prompts .build() }
    };
    code! {
        #doc

        use ::std::sync::Arc;
        use ::naftiko_runtime::mcp;
        use ::naftiko_runtime::rest::axum;
        use super::handlers::Handlers;

        #require_pattern

        /// What the server tells clients about itself (`initialize`, `server/discover`).
        pub const SERVER: mcp::ServerSpec = #server;

        /// Every tool, in spec order, with the JSON Schema of its arguments and its hints.
        pub const TOOLS: &[mcp::ToolSpec] = &[#(#tools),*];

        #features

        /// The MCP server calling `handlers`: arguments are checked against each tool's input schema
        /// before anything is sent upstream.
        pub fn server<H: Handlers>(handlers: Arc<H>) -> mcp::McpServer {
            #build
        }

        /// The tools as `tools/list` advertises them.
        pub fn tools() -> ::std::vec::Vec<mcp::rmcp::model::Tool> {
            mcp::tools(TOOLS)
        }

        #options_fn

        /// The Streamable HTTP transport at `/mcp` (stateless, JSON responses), with [`options`].
        pub fn router<H: Handlers>(handlers: Arc<H> #options_param) -> axum::Router {
            mcp::router(server(handlers), #options_arg)
        }

        /// Serves MCP on stdin/stdout until the client disconnects (logs go to stderr).
        pub async fn serve_stdio<H: Handlers>(handlers: Arc<H>) -> ::core::result::Result<(), mcp::BoxError> {
            mcp::serve_stdio(server(handlers)).await
        }

        #dispatch

        #calls
    }
}

fn module_doc(cap: &Capability, mcp: &McpSurface) -> Vec<String> {
    let transport = match mcp.transport {
        McpTransport::Http => "Streamable HTTP at `/mcp`; stdio too",
        McpTransport::Stdio => "declared for stdio; Streamable HTTP at `/mcp` too",
    };
    let mut doc = vec![format!(" MCP adapter `{}` ({transport}).", mcp.namespace)];
    if let Some(d) = &mcp.description {
        doc.push(String::new());
        doc.extend(d.lines().map(|l| format!(" {}", l.trim_end())));
    }
    doc.push(String::new());
    doc.push(" | Tool | Calls |".to_owned());
    doc.push(" |---|---|".to_owned());
    for tool in &mcp.tools {
        let calls = match &tool.action {
            Action::Call { consumes, operation, .. } => cap
                .consumes
                .get(*consumes)
                .and_then(|c| c.operations.get(*operation).map(|op| format!("`{} {}` on `{}`", op.method.as_str(), op.path_template, c.namespace)))
                .unwrap_or_default(),
            Action::Custom { operation, .. } => {
                cap.custom.get(*operation).map(|c| format!("`Handlers::{}` (yours to implement)", c.method_name.trim_start_matches("r#"))).unwrap_or_default()
            }
            Action::Flow { flow, .. } => cap.flows.get(*flow).map(|f| format!("`flows::{}`", f.fn_name.trim_start_matches("r#"))).unwrap_or_default(),
        };
        doc.push(format!(" | `{}` | {calls} |", tool.name));
    }
    if !mcp.resources.is_empty() {
        doc.extend([String::new(), " | Resource | URI | Reads |".to_owned(), " |---|---|---|".to_owned()]);
        for r in &mcp.resources {
            let reads = match &r.source {
                ResourceSource::Read(read) => format!("`calls::{}`", read.fn_name.trim_start_matches("r#")),
                ResourceSource::Files { path } => format!("the files under `{path}`"),
            };
            doc.push(format!(" | `{}` | `{}` | {reads} |", r.name, r.uri));
        }
    }
    if !mcp.prompts.is_empty() {
        doc.extend([String::new(), " | Prompt | Arguments |".to_owned(), " |---|---|".to_owned()]);
        for p in &mcp.prompts {
            let arguments: Vec<String> = p.arguments.iter().map(|a| format!("`{}`{}", a.name, if a.required { "" } else { " (optional)" })).collect();
            doc.push(format!(" | `{}` | {} |", p.name, arguments.join(", ")));
        }
    }
    doc
}


fn server_spec(cap: &Capability, mcp: &McpSurface) -> Code {
    // `mcp` is the IR's name for an expose without a namespace: the crate name says more.
    let name = if mcp.namespace == "mcp" { cap.crate_name.as_str() } else { mcp.namespace.as_str() };
    let title = values::option(Some(cap.title.as_str()));
    let instructions = values::option(mcp.description.as_deref());
    code! {
        mcp::ServerSpec {
            name: #name,
            title: #title,
            version: ::core::env!("CARGO_PKG_VERSION"),
            instructions: #instructions,
        }
    }
}

fn tool_spec(tool: &ToolDef) -> Code {
    let name = &tool.name;
    let title = values::option(tool.title.as_deref());
    let description = values::option(tool.description.as_deref());
    let schema = crate::emit::raw_string(&tool.input_schema.to_string());
    let output_schema = match &tool.output_schema {
        Some(s) => {
            let s = crate::emit::raw_string(&s.to_string());
            code! { Some(#s) }
        }
        None => code! { None },
    };
    let h = tool.hints;
    let (read_only, destructive, idempotent, open_world) =
        (values::option(h.read_only), values::option(h.destructive), values::option(h.idempotent), values::option(h.open_world));
    code! {
        mcp::ToolSpec {
            name: #name,
            title: #title,
            description: #description,
            input_schema: #schema,
            output_schema: #output_schema,
            hints: mcp::ToolHints {
                read_only: #read_only,
                destructive: #destructive,
                idempotent: #idempotent,
                open_world: #open_world,
            },
        }
    }
}

/// `(router's extra parameter, router's options argument, the `options` function)`.
fn options(cap: &Capability, mcp: &McpSurface) -> (Code, Code, Code) {
    let address = values::option(mcp.address.as_deref());
    let address_doc = match &mcp.address {
        Some(a) => format!(" Accepts the `Host` names of the spec's address `{a}` (any, for a non-loopback address), against DNS rebinding; no browser origin."),
        None => " Accepts loopback `Host` names only (the spec gives no address, so the server binds 127.0.0.1); no browser origin.".to_owned(),
    };
    let address_doc = crate::emit::doc(&address_doc);
    match &mcp.auth {
        Some(auth) => {
            let build = server_auth(auth, &cap.secrets);
            let options_fn = code! {
                /// Options of [`router`]: callers must present the credentials the spec's
                /// `authentication` declares (read from `secrets`).
                ///
                #address_doc
                pub fn options(secrets: &super::client::Secrets) -> mcp::McpOptions {
                    mcp::McpOptions {
                        auth: Some(#build),
                        ..mcp::McpOptions::for_address(#address)
                    }
                }
            };
            (code! { , secrets: &super::client::Secrets }, code! { options(secrets) }, options_fn)
        }
        None => {
            let options_fn = code! {
                /// Options of [`router`]. The spec declares no authentication for this adapter.
                ///
                #address_doc
                pub fn options() -> mcp::McpOptions {
                    mcp::McpOptions::for_address(#address)
                }
            };
            (code! {}, code! { options() }, options_fn)
        }
    }
}

/// `name` as a lowercase HTTP header name (RFC 9110 token), which `HeaderName::from_static` accepts.
/// A spec name that is not one loses the characters no header can carry, so the server still starts
/// and still demands the secret.
fn header_name(name: &str) -> String {
    let token: String = name.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(*c)).collect();
    if token.is_empty() { "x-api-key".to_owned() } else { token }
}

fn server_auth(auth: &ServerAuth, secrets: &[crate::ir::Secret]) -> Code {
    match auth {
        ServerAuth::Bearer { token } => {
            let token = values::secret_template(token, secrets);
            code! { ::naftiko_runtime::rest::ServerAuth::Bearer { token: #token } }
        }
        ServerAuth::ApiKey { placement: Placement::Query, name, value } => {
            let value = values::secret_template(value, secrets);
            code! { ::naftiko_runtime::rest::ServerAuth::ApiKeyQuery { name: ::std::string::String::from(#name), value: #value } }
        }
        ServerAuth::ApiKey { name, value, .. } => {
            let value = values::secret_template(value, secrets);
            let header = header_name(name);
            code! {
                ::naftiko_runtime::rest::ServerAuth::ApiKeyHeader {
                    name: ::naftiko_runtime::http::HeaderName::from_static(#header),
                    value: #value,
                }
            }
        }
        ServerAuth::Basic { username, password } => {
            let username = values::secret_template(username, secrets);
            let password = values::secret_template(password, secrets);
            code! { ::naftiko_runtime::rest::ServerAuth::Basic { username: #username, password: #password } }
        }
    }
}

fn dispatch(mcp: &McpSurface) -> Code {
    let doc = code! {
        /// Maps a tool name to the future running it; `None` for a name that is not a tool.
    };
    if mcp.tools.is_empty() {
        return code! {
            #doc
            fn dispatch<H: Handlers>(_handlers: Arc<H>, _tool: &str, _args: mcp::Arguments) -> ::core::option::Option<mcp::ToolFuture> {
                None
            }
        };
    }
    let arms = mcp.tools.iter().map(|tool| {
        let name = &tool.name;
        let f = ident(&tool.fn_name);
        code! { #name => Some(mcp::boxed(calls::#f(handlers, args))), }
    });
    code! {
        #doc
        fn dispatch<H: Handlers>(handlers: Arc<H>, tool: &str, args: mcp::Arguments) -> ::core::option::Option<mcp::ToolFuture> {
            match tool {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// The tool functions, in their own module so that tool names never collide with the items above.
fn calls_module(cap: &Capability, mcp: &McpSurface) -> Code {
    if mcp.calls().next().is_none() {
        return code! {};
    }
    let tools = mcp.tools.len();
    let functions = mcp.calls().enumerate().map(|(i, t)| call_function(cap, t, if i < tools { Caller::Tool } else { Caller::Resource }));
    let doc = crate::emit::doc(if mcp.resources.is_empty() {
        " One function per tool: arguments → the called operation's parameters → `Handlers`."
    } else {
        " One function per tool and per resource read from upstream: arguments (a resource's are its URI's variables) → the called operation's parameters → `Handlers`."
    });
    code! {
        #doc
        mod calls {
            use ::std::sync::Arc;
            use ::naftiko_runtime::mcp;
            use super::Handlers;

            #(#functions)*
        }
    }
}

/// What a call function serves: its result type and wording.
#[derive(Clone, Copy)]
enum Caller {
    Tool,
    Resource,
}

fn call_function(cap: &Capability, tool: &ToolDef, caller: Caller) -> Code {
    let Some(called) = called(cap, &tool.action) else { return code! {} };
    let name = ident(&tool.fn_name);
    // The parameter type's path is relative to the crate's top modules; this function is one level deeper.
    let params_type = &called.params_type;
    let fields = tool.action.bindings().iter().filter_map(|b| {
        let param = called.params.get(b.param)?;
        let field = ident(&param.field);
        let value = binding_value(b, param, &tool.inputs);
        Some(code! { #field: #value, })
    });
    let call = called.call(&code!(super::super::flows));
    // A tool whose bindings are all literals never reads its arguments.
    let reads_args = tool.action.bindings().iter().any(|b| matches!(b.source, Source::Input(_) | Source::Template(_)));
    let args = if reads_args { code!(args) } else { code!(_args) };
    let tool_name = &tool.name;
    let (plain, mapped, outcome, what) = match caller {
        Caller::Tool => (code!(mcp::result), code!(mcp::result_mapped), code!(mcp::ToolOutcome), "Tool"),
        Caller::Resource => (code!(mcp::read), code!(mcp::read_mapped), code!(mcp::ReadOutcome), "Resource"),
    };
    let result = match tool.action.output() {
        // A flow shapes its own reply.
        None | Some(Output::Passthrough) => code! { #plain(#tool_name, #call) },
        Some(Output::Mapped(m)) => {
            let shape = mapping::expression(m, &code!(value));
            code! { #mapped(#tool_name, #call, |value| #shape) }
        }
    };
    let result = match caller {
        Caller::Tool => code! { Ok(#result) },
        Caller::Resource => result,
    };
    let summary = tool
        .description
        .as_deref()
        .or(match &tool.action {
            Action::Call { consumes, operation, .. } => cap.consumes.get(*consumes).and_then(|c| c.operations.get(*operation)).and_then(|o| o.summary.as_deref()),
            Action::Custom { .. } | Action::Flow { .. } => None,
        })
        .map(|s| format!(" {}", s.lines().next().unwrap_or_default()))
        .unwrap_or_default();
    let calls = crate::emit::doc(&format!(" {what} `{}` →{}", tool.name, called.doc));
    let summary_doc = crate::emit::summary_doc(&summary);
    code! {
        #summary_doc
        #calls
        pub(super) async fn #name<H: Handlers>(handlers: Arc<H>, #args: mcp::Arguments) -> #outcome {
            let params = super::#params_type {
                #(#fields)*
            };
            #result
        }
    }
}

/// Reads one argument as `Option<T>` of the parameter's type (a wrong type is a tool error).
fn read_argument(input: &Input, ty: ParamType) -> Code {
    let name = &input.name;
    let t = rust_type(ty);
    match &input.path {
        Some(path) => {
            let steps = mapping::steps(path);
            code! { args.path::<#t>(#name, #steps)? }
        }
        None => code! { args.get::<#t>(#name)? },
    }
}

fn binding_value(b: &Binding, param: &Param, inputs: &[Input]) -> Code {
    let optional = match &b.source {
        Source::Input(i) => match inputs.get(*i) {
            Some(input) => read_argument(input, param.ty),
            None => code! { None },
        },
        Source::Literal(v) => values::literal(v, param.ty),
        Source::Template(t) => {
            let text = values::input_template(t, |i| {
                inputs.get(i).map(|input| {
                    let name = &input.name;
                    code! { args.text(#name)? }
                })
            });
            if param.ty == ParamType::String {
                text
            } else {
                let ty = rust_type(param.ty);
                let name = &param.name;
                code! { (#text).map(|text| mcp::parse::<#ty>(#name, &text)).transpose()? }
            }
        }
        // Steps exist inside flows only.
        Source::Step(_) | Source::Absent => code! { None },
    };
    if param.required {
        let label = match &b.source {
            Source::Input(i) => inputs.get(*i).map_or(param.name.as_str(), |input| input.name.as_str()),
            _ => param.name.as_str(),
        };
        code! { mcp::required(#label, #optional)? }
    } else {
        optional
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn load(spec: &str) -> Capability {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(spec);
        let loaded = crate::load(&path);
        match loaded.capability {
            Some(cap) => cap,
            None => panic!("{spec} does not load:\n{}", loaded.render(false)),
        }
    }

    fn emitted(cap: &Capability) -> String {
        match crate::emit::format_file(&emit(cap)) {
            Ok(text) => text,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn seed_specs_emit_parseable_modules() {
        for spec in ["instance-snapshots.yaml", "instance-images.yaml"] {
            let cap = load(spec);
            let text = emitted(&cap);
            assert!(syn::parse_file(&text).is_ok(), "{spec}");
            for tool in &cap.mcp[0].tools {
                assert!(text.contains(&format!("name: \"{}\"", tool.name)), "{spec}: tool {} missing", tool.name);
            }
            assert!(!text.contains("unwrap()"), "{spec}: no unwrap in generated code");
        }
    }

    #[test]
    fn snapshots_tool_table_and_call() {
        let text = emitted(&load("instance-snapshots.yaml"));
        assert!(text.contains("name: \"instance-snapshots-mcp\""));
        assert!(text.contains(r#"pub fn router<H: Handlers>(handlers: Arc<H>) -> axum::Router"#));
        assert!(text.contains("read_only: Some(true)"));
        assert!(text.contains(r#"zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?"#), "{text}");
        assert!(text.contains(r#"per_page: args.get::<i64>("per_page")?"#), "{text}");
        assert!(text.contains(r#""list-snapshots" => Some(mcp::boxed(calls::list_snapshots(handlers, args)))"#), "{text}");
    }

    /// Literals, templates, a mapped output, a spec-written schema, an address and authentication.
    const FIXTURE: &str = r#"naftiko: 1.0.0-alpha2
info:
  label: Items
  description: Tools with literals, templates, mappings and authentication.
binds:
- namespace: env
  keys:
    API_TOKEN: API_TOKEN
    MCP_TOKEN: MCP_TOKEN
capability:
  consumes:
  - type: http
    namespace: items
    baseUri: https://api.example.com
    resources:
    - name: items
      path: /v1/{region}/items
      operations:
      - name: listitems
        method: GET
        outputRawFormat: json
        inputParameters:
        - name: region
          in: path
          type: string
          required: true
        - name: per_page
          in: query
          type: integer
        - name: page
          in: query
          type: integer
        - name: label
          in: query
          type: string
        - name: tags
          in: query
          type: array
        - name: verbose
          in: query
          type: boolean
    authentication:
      type: bearer
      token: '{{env.API_TOKEN}}'
  exposes:
  - type: mcp
    namespace: items-mcp
    address: 0.0.0.0
    port: 9091
    description: Items of a region.
    authentication:
      type: bearer
      token: '{{env.MCP_TOKEN}}'
    tools:
    - name: list-item-ids
      label: List item IDs
      description: The IDs of a region's items.
      hints:
        readOnly: true
        openWorld: false
      call: items.listitems
      with:
        region: tools.region
        per_page: 50
        page: '{{tools.page}}0'
        label: 'team-{{tools.team}}'
      inputParameters:
      - name: region
        type: string
        required: true
      - name: team
        type: string
        required: false
      - name: page
        type: integer
        required: false
      outputParameters:
      - type: array
        mapping: $.items[*].id
    - name: raw-items
      description: Items, as the API returns them.
      inputSchema:
        type: object
        properties:
          region: {type: string}
          tags: {type: array, items: {type: string}}
          verbose: {type: boolean}
        required: [region]
      call: items.listitems
      with:
        region: tools.region
"#;

    #[test]
    fn bindings_mappings_and_authentication() {
        let loaded = crate::load_str("items.yaml", FIXTURE);
        let Some(cap) = loaded.capability.as_ref() else { panic!("{}", loaded.render(false)) };
        let text = emitted(cap);
        assert!(syn::parse_file(&text).is_ok());
        for expected in [
            "pub fn router<H: Handlers>(\n    handlers: Arc<H>,\n    secrets: &super::client::Secrets,\n) -> axum::Router",
            "token: secrets.mcp_token.clone()",
            r#"..mcp::McpOptions::for_address(Some("0.0.0.0"))"#,
            "per_page: Some(50i64)",
            r#"args.text("team")"#,
            r#".map(|text| mcp::parse::<i64>("page", &text))"#,
            "mcp::result_mapped(",
            "::naftiko_runtime::mapping::Step::Each",
            r#"tags: args.get::<::std::vec::Vec<::std::string::String>>("tags")?"#,
            r#"title: Some("List item IDs")"#,
            "open_world: Some(false)",
            // The spec's own schema is advertised as written (plus `type: object`).
            r##"input_schema: r#"{"type":"object","properties":{"region":{"type":"string"},"tags""##,
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
    }

    #[test]
    fn no_mcp_expose_is_one_doc_line() {
        let mut cap = load("instance-snapshots.yaml");
        cap.mcp.clear();
        assert_eq!(emitted(&cap).trim(), "//! This capability exposes no MCP adapter.");
    }

    #[test]
    fn header_names_are_tokens() {
        assert_eq!(header_name("X-Auth-Token"), "x-auth-token");
        assert_eq!(header_name("X Auth"), "xauth");
        assert_eq!(header_name(" "), "x-api-key");
    }
}
