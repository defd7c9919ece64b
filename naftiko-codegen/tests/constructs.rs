//! The real-world constructs beyond the seeds, one fixture each under `tests/fixtures/constructs/`:
//! what they lower to and what the emitted code does with them. `cargo xtask corpus` (and its test)
//! type-checks the same fixtures.

use std::path::{Path, PathBuf};

use naftiko_codegen::emit::{Layout, emit, format_file};
use naftiko_codegen::ir::{
    Action, BaseUri, Capability, ClientAuth, InputLocation, McpTransport, Method, ParamLocation, ParamType, Placement, ResponseFormat, Source,
    TemplatePart,
};
use naftiko_codegen::{Code, Loaded, load};

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/constructs").join(name)
}

fn load_fixture(name: &str) -> Loaded {
    load(&fixture_path(name))
}

/// The IR of a fixture that must compile; its warnings are returned by code.
fn compiled(name: &str) -> (Capability, Vec<Code>) {
    let loaded = load_fixture(name);
    let rendered = loaded.render(false);
    let warnings = loaded.diagnostics.iter().map(|d| d.code).collect();
    (loaded.capability.unwrap_or_else(|| panic!("{name} does not compile:\n{rendered}")), warnings)
}

/// Every emitted module of `cap`, formatted, by module name.
fn module(cap: &Capability, name: &str) -> String {
    let module = emit(cap, Layout::Files).modules.into_iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no module {name}"));
    format_file(&module.code).unwrap_or_else(|e| panic!("{e}"))
}

/// Whether `code` contains `expected`, whatever the formatter's line breaks.
fn contains(code: &str, expected: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>().replace(",)", ")").replace(",}", "}");
    squash(code).contains(&squash(expected))
}

fn assert_contains(code: &str, expected: &[&str]) {
    for e in expected {
        assert!(contains(code, e), "missing `{e}` in:\n{code}");
    }
}

// ------------------------------------------------------------------ imports

#[test]
fn imported_consumes_are_read_beside_the_spec_under_their_namespace_or_alias() {
    let (cap, warnings) = compiled("imports.yaml");
    assert!(warnings.is_empty(), "{warnings:?}");
    let namespaces: Vec<&str> = cap.consumes.iter().map(|c| c.namespace.as_str()).collect();
    assert_eq!(namespaces, ["Catalog API 2.0 — Public", "inventory"]);
    let catalog = &cap.consumes[0];
    assert!(matches!(&catalog.base_uri, BaseUri::Fixed { url } if url == "https://catalog.example.test/v2"));
    assert!(matches!(&catalog.auth, Some(ClientAuth::Bearer { token }) if token.parts == [TemplatePart::Secret("CATALOG_TOKEN".into())]));
    // Module names are identifiers; the wire keeps the namespace (upstream overrides name it).
    assert_eq!(catalog.module, "catalog_api_2_0_u2014_public");
    assert_contains(&module(&cap, "handlers"), &["upstreams.get(\"Catalog API 2.0 — Public\")"]);
    // A call whose namespace contains dots resolves to the namespace, not to its first dot.
    let tools = &cap.mcp[0].tools;
    let Action::Call { consumes, operation, .. } = &tools[0].action else { panic!("a call") };
    assert_eq!((*consumes, cap.consumes[*consumes].operations[*operation].name.as_str()), (0, "get-item"));
    let Action::Call { consumes, .. } = &tools[1].action else { panic!("a call") };
    assert_eq!(cap.consumes[*consumes].namespace, "inventory");
}

/// A spec and its fragment written to a fresh directory.
fn scratch(name: &str, spec: &str, fragment: Option<&str>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-constructs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("shared")).expect("scratch dir");
    if let Some(fragment) = fragment {
        std::fs::write(dir.join("shared/fragment.yml"), fragment).expect("fragment");
    }
    let path = dir.join("spec.yaml");
    std::fs::write(&path, spec).expect("spec");
    path
}

const IMPORTING_SPEC: &str = "naftiko: 1.0.0-alpha2
capability:
  consumes:
  - location: ./shared/fragment.yml
    import: things
  exposes:
  - type: mcp
    namespace: things-mcp
    port: 9090
    tools:
    - name: list-things
      call: things.list
";

#[test]
fn errors_inside_an_imported_file_are_located_in_it() {
    let fragment = "naftiko: 1.0.0-alpha2
consumes:
- namespace: things
  type: http
  baseUri: https://things.example.test
  resources:
  - name: things
    path: /things
    operations:
    - name: list
      method: FETCH
";
    let path = scratch("located", IMPORTING_SPEC, Some(fragment));
    let loaded = load(&path);
    let error = loaded.diagnostics.iter().find(|d| d.code == Code::InvalidValue).unwrap_or_else(|| panic!("{}", loaded.render(false)));
    let location = error.location(&loaded.sources).expect("located");
    assert!(location.ends_with("shared/fragment.yml:11:15"), "{location}");
    assert!(loaded.render(false).contains("method: FETCH"), "the snippet quotes the imported file");
}

#[test]
fn an_import_that_cannot_be_resolved_says_why_where_it_is_written() {
    let missing = load(&scratch("missing", IMPORTING_SPEC, None));
    let d = missing.diagnostics.iter().find(|d| d.code == Code::Import).unwrap_or_else(|| panic!("{}", missing.render(false)));
    assert!(d.message.contains("cannot read the imported file `./shared/fragment.yml`"), "{}", d.message);
    assert!(d.location(&missing.sources).expect("located").ends_with("spec.yaml:4:15"));
    // Its calls are not reported again as unknown namespaces.
    assert!(!missing.diagnostics.iter().any(|d| d.code == Code::UnknownNamespace), "{}", missing.render(false));

    let other = "naftiko: 1.0.0-alpha2\nconsumes:\n- namespace: widgets\n  type: http\n  baseUri: ''\n  resources: []\n";
    let wrong = load(&scratch("wrong-namespace", IMPORTING_SPEC, Some(other)));
    let d = wrong.diagnostics.iter().find(|d| d.code == Code::Import).unwrap_or_else(|| panic!("{}", wrong.render(false)));
    assert!(d.message.contains("declares no consumes with namespace `things`"), "{}", d.message);
    assert_eq!(d.hint.as_deref(), Some("namespaces in that file: `widgets`"));
    assert!(d.location(&wrong.sources).expect("located").ends_with("spec.yaml:5:13"));
}

#[test]
fn a_consumes_only_file_alone_is_not_a_capability() {
    let loaded = load_fixture("shared/catalog-consumes.yml");
    assert!(loaded.capability.is_none());
    assert_eq!(loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect::<Vec<_>>(), [Code::NothingToCompile]);
}

// ------------------------------------------------------------------ custom tools

#[test]
fn a_tool_without_call_is_a_handlers_method_that_rest_can_call_by_name() {
    let (cap, warnings) = compiled("custom-tool.yaml");
    assert_eq!(warnings, [Code::CustomTool, Code::CustomTool]);
    let names: Vec<(&str, &str, &str)> = cap.custom.iter().map(|c| (c.name.as_str(), c.method_name.as_str(), c.input_type.as_str())).collect();
    assert_eq!(names, [("sync_invoices", "sync_invoices", "SyncInvoicesInput"), ("ping", "ping", "PingInput")]);
    let args: Vec<(&str, ParamType, bool)> = cap.custom[0].params.iter().map(|p| (p.name.as_str(), p.ty, p.required)).collect();
    assert_eq!(
        args,
        [("trigger_event", ParamType::Object, true), ("dry-run", ParamType::Boolean, false), ("tags", ParamType::Array, false), ("lines", ParamType::Any, false)],
        "arrays of objects are JSON values"
    );

    // The tool advertises its schema as written and runs the custom operation.
    let tool = &cap.mcp[0].tools[0];
    assert_eq!(tool.input_schema["required"], serde_json::json!(["trigger_event"]));
    assert!(matches!(tool.action, Action::Custom { operation: 0, .. }));

    // POST /sync sends the whole body as `trigger_event`; GET /sync reads it from the query.
    let rest = &cap.rest[0];
    let trigger = rest.endpoints.iter().find(|e| e.name == "trigger").expect("trigger");
    let Action::Custom { operation: 0, bindings, .. } = &trigger.action else { panic!("{:?}", trigger.action) };
    let Source::Input(i) = bindings[0].source else { panic!("{:?}", bindings[0].source) };
    assert_eq!((trigger.inputs[i].name.as_str(), trigger.inputs[i].location), ("body", InputLocation::Body));
    let check = rest.endpoints.iter().find(|e| e.name == "check").expect("check");
    let Action::Custom { bindings, .. } = &check.action else { panic!() };
    let Source::Input(i) = bindings[0].source else { panic!() };
    assert_eq!((check.inputs[i].name.as_str(), check.inputs[i].location), ("event", InputLocation::Query));
    assert_eq!(bindings[1].source, Source::Literal(serde_json::json!(true)));

    let handlers = module(&cap, "handlers");
    assert_contains(
        &handlers,
        &[
            "fn sync_invoices(&self, input: SyncInvoicesInput)",
            "::naftiko_runtime::http::StatusCode::NOT_IMPLEMENTED",
            "pub struct SyncInvoicesInput {",
            "pub trigger_event: ::naftiko_runtime::Json,",
            "pub dry_run: ::core::option::Option<bool>,",
        ],
    );
    let rest_code = module(&cap, "rest");
    assert_contains(
        &rest_code,
        &[
            "let params = super::handlers::SyncInvoicesInput {",
            "trigger_event: rt::required(\"body\", request.body()?)?,",
            "Ok(rt::reply(\"trigger\", handlers.sync_invoices(params).await))",
            "_request: rt::RestRequest",
        ],
    );
    assert_contains(&module(&cap, "mcp"), &["super::super::handlers::SyncInvoicesInput {", "\"sync_invoices\" => Some(mcp::boxed(calls::sync_invoices(handlers, args)))"]);
}

#[test]
fn a_rest_call_to_a_tool_that_has_a_call_names_what_to_write() {
    let spec = "naftiko: 1.0.0-alpha2
capability:
  consumes:
  - type: http
    namespace: things
    baseUri: https://things.example.test
    resources:
    - name: things
      path: /things
      operations:
      - name: list
  exposes:
  - type: mcp
    namespace: things-mcp
    port: 9090
    tools:
    - name: list-things
      call: things.list
  - type: rest
    namespace: things-rest
    port: 8080
    resources:
    - path: /things
      operations:
      - method: GET
        call: list-things
";
    let loaded = naftiko_codegen::load_str("tool-call.yaml", spec);
    let d = loaded.diagnostics.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(d.code, Code::CallSyntax);
    assert_eq!(d.hint.as_deref(), Some("call what the tool calls: `call: things.list`"));
}

// ------------------------------------------------------------------ implied query parameters

#[test]
fn with_keys_of_an_operation_without_parameters_become_its_query_parameters() {
    let (cap, warnings) = compiled("implied-query.yaml");
    assert_eq!(warnings, [Code::ImpliedParameter; 3]);
    let op = &cap.consumes[0].operations[0];
    let params: Vec<(&str, ParamLocation, ParamType)> = op.params.iter().map(|p| (p.name.as_str(), p.location, p.ty)).collect();
    assert_eq!(params, [("base", ParamLocation::Query, ParamType::String), ("target", ParamLocation::Query, ParamType::String), ("precision", ParamLocation::Query, ParamType::String)]);
    assert_contains(&module(&cap, "client"), &[".query(\"base\", &params.base)", ".query(\"precision\", &params.precision)"]);
    assert_contains(&module(&cap, "rest"), &["precision: Some(::std::string::String::from(\"4\"))", "base: request.query::<::std::string::String>(\"base\")?"]);
    // The MCP tool calling the same operation binds what it names; the rest stay absent.
    let tool = &cap.mcp[0].tools[0];
    assert_eq!(tool.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["base", "target", "precision"]);
}

// ------------------------------------------------------------------ identifier hazards

#[test]
fn hazardous_names_get_valid_distinct_identifiers_and_keep_their_wire_names() {
    let (cap, warnings) = compiled("hazards.yaml");
    // `$select`/`select`, an operation named like the client's `send`, a handler named like `router`.
    assert_eq!(warnings, [Code::IdentCollision, Code::IdentCollision, Code::IdentCollision, Code::ToolNameTooLong]);
    let api = &cap.consumes[0];
    assert_eq!(api.module, "r_type");
    let list = &api.operations[0];
    let fields: Vec<(&str, &str)> = list.params.iter().map(|p| (p.name.as_str(), p.field.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("user-id", "user_id"),
            ("$select", "select"),
            ("select", "select_2"),
            ("@odata.type", "odata_type"),
            ("mrap_name+", "mrap_name"),
            ("match", "r#match"),
            ("self", "self_"),
            ("2fa", "_2fa"),
            ("If-Match", "if_match"),
            ("café", "caf_u00e9"),
            ("order by", "order_by"),
        ]
    );
    let ops: Vec<(&str, &str)> = api.operations.iter().map(|o| (o.method_name.as_str(), o.params_type.as_str())).collect();
    assert_eq!(ops, [("list", "ListParams"), ("_2nd_list", "T2ndListParams"), ("self_", "SelfParams"), ("send_2", "SendParams")]);
    let handlers: Vec<&str> = cap.rest[0].endpoints.iter().map(|e| e.fn_name.as_str()).collect();
    assert_eq!(handlers, ["r#type", "self_", "_2nd_list", "router_2", "pair"]);
    // Two path variables that map to one identifier still name two router parameters.
    assert_contains(&module(&cap, "rest"), &[".route(\"/pairs/{a_b}/{a_b_2}\", axum::routing::get(pair::<H>))"]);
    let client = module(&cap, "client");
    assert_contains(&client, &[".query(\"$select\", &params.select)", ".query(\"select\", &params.select_2)", ".header(\"2fa\", &params._2fa)?", ".query(\"café\", &params.caf_u00e9)"]);
    let tools: Vec<(&str, &str)> = cap.mcp[0].tools.iter().map(|t| (t.name.as_str(), t.fn_name.as_str())).collect();
    assert_eq!(
        tools,
        [
            ("list-the-items-of-a-user-with-every-odata-query-option-there-is-at-once", "list_the_items_of_a_user_with_every_odata_query_option_there_is_at_once"),
            ("Self", "self_"),
            ("élément", "u00e9_l_u00e9_ment"),
        ]
    );
    let schema = &cap.mcp[0].tools[0].input_schema["properties"];
    assert!(schema.get("@odata.type").is_some() && schema.get("$select").is_some(), "{schema}");
}

// ------------------------------------------------------------------ methods, bodies, formats

#[test]
fn head_text_binary_paths_base_uris_and_bodies() {
    let (cap, warnings) = compiled("methods-and-formats.yaml");
    assert!(warnings.is_empty(), "{warnings:?}");
    let files = &cap.consumes[0];
    let BaseUri::Templated { template } = &files.base_uri else { panic!("{:?}", files.base_uri) };
    assert_eq!(
        template.parts,
        [
            TemplatePart::Literal("https://".into()),
            TemplatePart::Secret("FILES_REGION".into()),
            TemplatePart::Literal(".files.example.test/".into()),
            TemplatePart::Secret("TENANT".into()),
        ]
    );
    assert!(matches!(&files.auth, Some(ClientAuth::ApiKey { placement: Placement::Cookie, name, .. }) if name == "session"));
    let shape: Vec<(&str, Method, &str, ResponseFormat)> =
        files.operations.iter().map(|o| (o.name.as_str(), o.method, o.path_template.as_str(), o.response.clone())).collect();
    assert_eq!(
        shape,
        [
            ("head-file", Method::Head, "/files/{{name}}", ResponseFormat::Json),
            ("get-text", Method::Get, "/files/{{name}}", ResponseFormat::Text),
            ("get-bytes", Method::Get, "/files/{{name}}/raw", ResponseFormat::Binary),
            ("put-note", Method::Put, "/notes/{{name}}", ResponseFormat::Json),
            ("tag-file", Method::Post, "/files/{{name}}", ResponseFormat::Json),
        ]
    );
    assert_eq!(cap.mcp[0].transport, McpTransport::Http);
    let client = module(&cap, "client");
    assert_contains(
        &client,
        &[
            "self.request(::naftiko_runtime::http::Method::HEAD)",
            ".body(\"text/plain\", ::naftiko_runtime::render::concat(&[\"note: \", &::naftiko_runtime::render::text(&params.note)]))",
            "(\"weight\", ::naftiko_runtime::render::json_opt(&params.weight))",
        ],
    );
    assert_contains(&module(&cap, "rest"), &[".route(\"/files/{name}\", axum::routing::head(head_files_name::<H>).get(get_files_name::<H>).post(post_files_name::<H>))"]);
}

#[test]
fn a_second_rest_expose_is_a_module_and_a_document_of_its_own() {
    let text = std::fs::read_to_string(fixture_path("implied-query.yaml")).expect("fixture");
    let doubled = text.replace(
        "  - type: mcp\n",
        "  - type: rest\n    namespace: rates-rest-2\n    port: 8081\n    resources: []\n  - type: mcp\n",
    );
    let loaded = naftiko_codegen::load_str("doubled.yaml", &doubled);
    assert!(!loaded.has_errors(), "{}", loaded.render(false));
    let cap = loaded.capability.expect("compiled");
    let modules: Vec<(&str, &str, &str)> = cap.rest.iter().map(|r| (r.namespace.as_str(), r.module.as_str(), r.openapi_file.as_str())).collect();
    assert_eq!(modules[1], ("rates-rest-2", "rest_rates_rest_2", "openapi-rates-rest-2.json"));
    assert_eq!((modules[0].1, modules[0].2), ("rest", "openapi.json"));
    let files = naftiko_codegen::emit::crate_files::generate_crate(&cap, &Default::default()).expect("generated");
    let paths: Vec<String> = files.files.iter().map(|f| f.path.display().to_string()).collect();
    for expected in ["openapi.json", "openapi-rates-rest-2.json", "src/rest.rs", "src/rest_rates_rest_2.rs"] {
        assert!(paths.iter().any(|p| p == expected), "{expected} in {paths:?}");
    }
    let server = files.files.iter().find(|f| f.path.ends_with("src/server.rs")).expect("server.rs");
    assert!(server.contents.contains("super::rest_rates_rest_2::router_with("), "{}", server.contents);
}

// ------------------------------------------------------------------ constraints

/// A tool (with `inputSchema` SCHEMA) and a REST operation (with input parameter PARAM).
const CONSTRAINED: &str = "naftiko: 1.0.0-alpha2
capability:
  consumes:
  - type: http
    namespace: fleet
    baseUri: http://fleet.invalid
    resources:
    - name: servers
      path: /servers
      operations:
      - name: list
        method: GET
  exposes:
  - type: rest
    namespace: fleet-rest
    resources:
    - path: /servers
      operations:
      - method: GET
        name: list
        inputParameters:
        - PARAM
        call: fleet.list
  - type: mcp
    namespace: fleet-mcp
    tools:
    - name: list
      description: Lists servers.
      inputSchema: SCHEMA
      call: fleet.list
";

/// Each error of the spec as `(code, line:col, message)`.
fn constraint_errors(schema: &str, param: &str) -> Vec<(Code, String, String)> {
    let loaded = naftiko_codegen::load_str("constrained.yaml", &CONSTRAINED.replace("SCHEMA", schema).replace("PARAM", param));
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let at = d.location(&loaded.sources).unwrap_or_default();
            (d.code, at.trim_start_matches("constrained.yaml:").to_owned(), d.message.clone())
        })
        .collect()
}

#[test]
fn constraints_the_adapters_cannot_enforce_are_errors_where_they_are_written() {
    let fine =
        "{type: object, properties: {n: {type: integer, minimum: 1, maximum: 9, description: d}, s: {type: string, pattern: '^a+$', format: uuid}}}";
    assert_eq!(constraint_errors(fine, "{name: q, in: query, type: string, description: q, pattern: '^[a-z]+$', enum: [a, b]}"), []);

    let one_of = "{type: object, properties: {n: {oneOf: [{type: integer}, {type: string}]}}}";
    let errors = constraint_errors(one_of, "{name: q, in: query, type: string, description: q}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, Code::Unsupported);
    assert_eq!(errors[0].1, "29:20");
    assert!(errors[0].2.contains("`oneOf` (at `inputSchema.properties.n`)"), "{}", errors[0].2);

    let tuple_and_number = "{type: object, properties: {t: {type: array, items: [{type: string}]}, s: {type: string, pattern: 5}}}";
    let errors = constraint_errors(tuple_and_number, "{name: q, in: query, type: string, description: q}");
    let messages: Vec<&str> = errors.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the pattern `5` cannot be enforced: a pattern is a string",
            "`items` as a list (at `inputSchema.properties.t`) is not supported by this compiler yet"
        ]
    );

    let look_ahead = "{type: object, properties: {s: {type: string, pattern: '^(?=a)'}}}";
    let errors = constraint_errors(look_ahead, "{name: q, in: query, type: integer, description: q, pattern: '(a'}");
    let summary: Vec<(Code, &str)> = errors.iter().map(|(code, at, _)| (*code, at.as_str())).collect();
    assert_eq!(summary, [(Code::InvalidValue, "22:72"), (Code::InvalidValue, "22:72"), (Code::InvalidValue, "29:20")], "{errors:?}");
    assert_eq!(errors[0].2, "`pattern` constrains strings, but this input is `type: integer`");
    assert_eq!(errors[1].2, "the pattern `(a` cannot be enforced: unclosed group");
    assert!(errors[2].2.starts_with("the pattern `^(?=a)` cannot be enforced: look-around"), "{}", errors[2].2);
}

#[test]
fn inputs_derived_from_a_function_or_custom_tool_keep_its_constraints() {
    let spec = "naftiko: 1.0.0-alpha2
capability:
  aggregates:
  - namespace: forecast
    functions:
    - name: get-forecast
      description: The forecast.
      inputParameters:
      - name: location
        type: string
        description: A city.
        pattern: '^[A-Z]'
      call: weather.get-forecast
      with:
        location: location
  consumes:
  - type: http
    namespace: weather
    baseUri: http://weather.invalid
    resources:
    - name: forecast
      path: /forecast
      operations:
      - name: get-forecast
        method: GET
        inputParameters:
        - name: location
          in: query
          type: string
  exposes:
  - type: rest
    namespace: forecast-rest
    resources:
    - path: /forecast
      operations:
      - method: GET
        ref: forecast.get-forecast
    - path: /ping
      operations:
      - method: POST
        name: ping
        call: ping
  - type: mcp
    namespace: forecast-mcp
    tools:
    - name: ping
      description: Answers in Rust.
      inputSchema: {type: object, properties: {n: {type: integer, minimum: 1}}}
";
    let loaded = naftiko_codegen::load_str("derived.yaml", spec);
    let cap = loaded.capability.as_ref().unwrap_or_else(|| panic!("{}", loaded.render(false)));
    let rest = &cap.rest[0];
    let location = &rest.endpoints[0].inputs[0];
    assert_eq!((location.name.as_str(), location.location), ("location", InputLocation::Query));
    assert_eq!(serde_json::Value::Object(location.constraints.clone()), serde_json::json!({"pattern": "^[A-Z]"}));
    let n = &rest.endpoints[1].inputs[0];
    assert_eq!((n.name.as_str(), serde_json::Value::Object(n.constraints.clone())), ("n", serde_json::json!({"minimum": 1})));
    // The REST handlers check them.
    let code = module(cap, "rest");
    assert_contains(
        &code,
        &[r##"rt::InputSchema::new(r#"{"type":"string","pattern":"^[A-Z]"}"#)"##, r##"rt::InputSchema::new(r#"{"type":"integer","minimum":1}"#)"##],
    );
}
