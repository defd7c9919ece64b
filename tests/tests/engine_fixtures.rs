//! The reference engine's own test fixtures (`../shared/reference/engine/src/test/resources`, compiled
//! by tests/build.rs), served in-process on loopback and driven over real HTTP and the real rmcp client
//! against upstreams that record what they receive. Each test says which of the engine's tests it
//! mirrors; where our answer differs on purpose, the assertion says why.
//!
//! Without `../shared` beside the repository the fixtures are not generated and one test says so.

#[cfg(not(engine_specs))]
#[test]
fn skipped_without_the_engine_fixtures() {
    eprintln!("skipped: ../shared/reference/engine is not beside the repository; the engine fixture suite did not run");
}

#[cfg(engine_specs)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/engine_fixtures.rs"));
}

#[cfg(engine_specs)]
mod suite {
    use std::sync::Arc;

    use naftiko_tests::{Answer, Recorder, Shipyard, serve};
    use rmcp::ServiceExt as _;
    use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
    use rmcp::service::{RoleClient, RunningService};
    use rmcp::transport::StreamableHttpClientTransport;
    use serde_json::{Value, json};

    use super::fixtures::*;

    type Peer = RunningService<RoleClient, ()>;

    /// `Proxy` handlers of fixture module `$m` whose one consumed API (field `$api`) is at `$url`.
    macro_rules! proxy {
        ($m:ident, $api:ident, $url:expr) => {
            Arc::new($m::Proxy::new($m::Clients { $api: $m::Client::new($url, $m::Auth::default()) }))
        };
    }

    async fn mcp_peer(router: naftiko_runtime::rest::axum::Router) -> Peer {
        let addr = serve(router).await;
        let transport = StreamableHttpClientTransport::from_uri(format!("http://{addr}/mcp"));
        ().serve(transport).await.expect("initialize over Streamable HTTP")
    }

    fn http() -> reqwest::Client {
        reqwest::Client::new()
    }

    async fn call(peer: &Peer, tool: &str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
        peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)).await.unwrap_or_else(|e| panic!("{tool}: {e}"))
    }

    fn text(result: &CallToolResult) -> String {
        result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect()
    }

    /// What the tool answered, as JSON: the structured content, else the text parsed.
    fn payload(result: &CallToolResult) -> Value {
        result.structured_content.clone().unwrap_or_else(|| serde_json::from_str(&text(result)).unwrap_or(Value::String(text(result))))
    }

    async fn tools(peer: &Peer) -> Vec<Value> {
        let tools: Vec<Tool> = peer.list_all_tools().await.expect("tools/list");
        tools.iter().map(|t| serde_json::to_value(t).expect("tool JSON")).collect()
    }

    fn named<'a>(tools: &'a [Value], name: &str) -> &'a Value {
        tools.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no tool {name} in {tools:#?}"))
    }

    fn echo_ok() -> impl Fn(&naftiko_tests::RecordedRequest) -> Answer + Send + Sync + 'static {
        |_| Answer::json(201, r#"{"created":true}"#)
    }

    /// `http/http-body-capability.yaml` (engine: `HttpBodyIntegrationTest#testClientRequestBodyTemplating`):
    /// exposed inputs read `$.user.id` and `$.user.name` from the request body, and the consumed `body:`
    /// template sends them. Placeholders inside JSON strings are escaped, so a value cannot break out.
    #[tokio::test(flavor = "multi_thread")]
    async fn body_value_paths_feed_the_consumed_body_template() {
        let upstream = Recorder::start(echo_ok()).await;
        let rest = serve(http_body_capability::rest::router(proxy!(http_body_capability, testns, upstream.base_url()))).await;
        let reply =
            http().post(format!("http://{rest}/users")).json(&json!({"user": {"id": "123", "name": "Alice"}})).send().await.expect("POST /users");
        assert_eq!(reply.status(), 201, "the upstream status passes through");
        assert_eq!(reply.json::<Value>().await.expect("JSON"), json!({"created": true}));
        let sent = upstream.only_request();
        assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/create"));
        assert_eq!(sent.header("content-type"), Some("application/json"));
        assert_eq!(
            String::from_utf8_lossy(&sent.body),
            "{\"id\":\"123\",\"name\":\"Alice\"}\n",
            "the template's own text, its final newline included"
        );

        // A value with quotes and a newline stays one JSON string; a missing optional input is "".
        upstream.clear();
        let hostile = "Al\"ice\",\"admin\":true,\"x\":\"\n";
        let reply = http().post(format!("http://{rest}/users")).json(&json!({"user": {"id": "7", "name": hostile}})).send().await.expect("POST");
        assert_eq!(reply.status(), 201);
        let sent = upstream.only_request().body_json().expect("the upstream body is JSON");
        assert_eq!(sent, json!({"id": "7", "name": hostile}));
        upstream.clear();
        let reply = http().post(format!("http://{rest}/users")).json(&json!({"user": {"id": "9"}})).send().await.expect("POST");
        assert_eq!(reply.status(), 201);
        assert_eq!(upstream.only_request().body_json(), Some(json!({"id": "9", "name": ""})));
    }

    /// `http/http-header-query-capability.yaml` (engine: `HeaderQueryIntegrationTest#testHeadersAndQueryPopulation`):
    /// the consumed query parameter `q: "{{userId}}"` gets the body's `$.user.id`, the client-level header is sent.
    #[tokio::test(flavor = "multi_thread")]
    async fn consumed_parameter_templates_reach_the_upstream() {
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"items":[]}"#)).await;
        let rest = serve(http_header_query_capability::rest::router(proxy!(http_header_query_capability, testns, upstream.base_url()))).await;
        let reply = http().post(format!("http://{rest}/search")).json(&json!({"user": {"id": "999"}})).send().await.expect("POST /search");
        assert_eq!(reply.status(), 200);
        let sent = upstream.only_request();
        assert_eq!(sent.target(), "/items?q=999");
        assert_eq!(sent.header("x-api-key"), Some("ABC123"));
        assert!(sent.body.is_empty(), "no body is declared, none is sent: {:?}", String::from_utf8_lossy(&sent.body));
        // Nothing the spec does not declare goes upstream: no `q` without a `user.id`.
        upstream.clear();
        let reply = http().post(format!("http://{rest}/search")).json(&json!({"other": 1})).send().await.expect("POST /search");
        assert_eq!(reply.status(), 200);
        assert_eq!(upstream.only_request().target(), "/items");
    }

    /// `aggregates/aggregate-shared-mock.yaml` (engine: `AggregateSharedMockIntegrationTest`): one mock
    /// function behind an MCP tool and a REST operation; both answer the same object, with no upstream.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_shared_mock_function_answers_rest_and_mcp_alike() {
        let handlers = Arc::new(aggregate_shared_mock::Proxy::new(aggregate_shared_mock::Clients {}));
        let peer = mcp_peer(aggregate_shared_mock::mcp::router(handlers.clone())).await;
        let result = call(&peer, "hello", json!({"name": "Nina"})).await;
        assert_eq!(result.is_error, Some(false));
        let expected = json!({"message": "Hello, Nina!", "source": "aggregate-mock"});
        assert_eq!(payload(&result), expected);
        assert_eq!(serde_json::from_str::<Value>(&text(&result)).expect("text is JSON"), expected);
        let rest = serve(aggregate_shared_mock::rest::router(handlers)).await;
        let reply = http().get(format!("http://{rest}/hello?name=Nina")).send().await.expect("GET /hello");
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.json::<Value>().await.expect("JSON"), expected);
        // The function's input is required (function inputs are, unless they say otherwise): no name, a 400 naming it.
        let reply = http().get(format!("http://{rest}/hello")).send().await.expect("GET /hello");
        assert_eq!(reply.status(), 400);
        let error = reply.json::<Value>().await.expect("JSON");
        assert!(error["message"].as_str().is_some_and(|m| m.contains("`name`")), "{error}");
        peer.cancel().await.ok();
    }

    /// `aggregates/aggregate-basic.yaml` (engine: `AggregateIntegrationTest`): tools and operations that
    /// `ref` a function inherit its name, description, inputs and call; `semantics` become hints.
    #[tokio::test(flavor = "multi_thread")]
    async fn refs_inherit_the_function() {
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"forecast":"sunny","wind":3}"#)).await;
        let handlers = proxy!(aggregate_basic, weather_api, upstream.base_url());
        let peer = mcp_peer(aggregate_basic::mcp::router(handlers.clone())).await;
        let tools = tools(&peer).await;
        let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(names, ["get-forecast", "get-forecast-inherited"]);
        assert_eq!(named(&tools, "get-forecast")["description"], "Get the weather forecast.");
        assert_eq!(named(&tools, "get-forecast-inherited")["description"], "Fetch current weather forecast for a location.");
        for tool in &tools {
            assert_eq!(tool["annotations"], json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true}), "{tool}");
            assert_eq!(tool["inputSchema"]["properties"]["location"]["type"], "string", "the function's inputs: {tool}");
        }
        let result = call(&peer, "get-forecast", json!({"location": "Oslo"})).await;
        assert_eq!(result.is_error, Some(false));
        assert_eq!(payload(&result), json!("sunny"), "the function's output mapping `$.forecast`");
        // `with: {location: "location"}` is a literal in the engine too: the upstream gets the word.
        assert_eq!(upstream.only_request().target(), "/forecast?location=location");

        let rest = serve(aggregate_basic::rest::router(handlers)).await;
        for method in [reqwest::Method::GET, reqwest::Method::POST] {
            let reply = http().request(method.clone(), format!("http://{rest}/forecast/Oslo")).send().await.expect("forecast");
            assert_eq!(reply.status(), 200, "{method}");
            assert_eq!(reply.json::<Value>().await.expect("JSON"), json!("sunny"));
        }
        let openapi: Value = http().get(format!("http://{rest}/openapi.json")).send().await.expect("openapi").json().await.expect("JSON");
        let get = &openapi["paths"]["/forecast/{location}"]["get"];
        assert_eq!(get["operationId"], "get-forecast");
        assert_eq!(get["summary"], "Fetch current weather forecast for a location.");
        assert_eq!(openapi["paths"]["/forecast/{location}"]["post"]["operationId"], "get-forecast-post", "operation ids stay unique");
        assert_eq!(
            get["responses"]["2XX"]["content"]["application/json"]["schema"]["type"],
            json!(["string", "null"]),
            "null when `$.forecast` is missing"
        );
        peer.cancel().await.ok();
    }

    /// `aggregates/aggregate-hints-override.yaml` (engine: `AggregateIntegrationTest`): derived hints,
    /// merged with explicit ones, which win.
    #[tokio::test(flavor = "multi_thread")]
    async fn explicit_hints_override_derived_ones() {
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"items":"a,b"}"#)).await;
        let peer = mcp_peer(aggregate_hints_override::mcp::router(proxy!(aggregate_hints_override, mock_api, upstream.base_url()))).await;
        let tools = tools(&peer).await;
        assert_eq!(named(&tools, "read-items")["annotations"], json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true}));
        assert_eq!(
            named(&tools, "read-items-open")["annotations"],
            json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": true})
        );
        assert_eq!(
            named(&tools, "delete-item")["annotations"],
            json!({"readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": false})
        );
        assert_eq!(payload(&call(&peer, "read-items", json!({})).await), json!("a,b"));
        assert_eq!(upstream.only_request().target(), "/items");
        peer.cancel().await.ok();
    }

    /// `aggregates/aggregate-step-with-namespace.yaml` (engine: `AggregateStepNamespaceIntegrationTest`) and
    /// `mcp/mcp-step-with-namespace-capability.yaml` (`StepWithNamespaceIntegrationTest`): a step's `with`
    /// names an input as `namespace.input`; the mapping shapes the step's reply.
    #[tokio::test(flavor = "multi_thread")]
    async fn namespace_qualified_step_inputs() {
        let upstream = Recorder::start(|r| {
            let id = r.path.rsplit('/').next().unwrap_or_default().to_owned();
            Answer::json(200, json!({"voyageId": id, "ship": "IMO-9321483"}).to_string())
        })
        .await;
        let peer = mcp_peer(aggregate_step_with_namespace::mcp::router(proxy!(aggregate_step_with_namespace, registry, upstream.base_url()))).await;
        let result = call(&peer, "get-voyage-manifest", json!({"voyage-id": "VOY-2026-042"})).await;
        assert_eq!((result.is_error, payload(&result)), (Some(false), json!({"voyage-id": "VOY-2026-042"})));
        assert_eq!(upstream.only_request().target(), "/voyages/VOY-2026-042");
        peer.cancel().await.ok();

        upstream.clear();
        let peer =
            mcp_peer(mcp_step_with_namespace_capability::mcp::router(proxy!(mcp_step_with_namespace_capability, registry, upstream.base_url())))
                .await;
        let result = call(&peer, "get-voyage-manifest", json!({"voyageId": "VOY-2026-042"})).await;
        assert_eq!((result.is_error, payload(&result)), (Some(false), json!({"voyageId": "VOY-2026-042"})));
        assert_eq!(upstream.only_request().target(), "/voyages/VOY-2026-042");
        peer.cancel().await.ok();
    }

    /// A failing step stops the flow: the tool's result is an error that names the step and carries
    /// the upstream's answer; nothing after it runs.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_failing_step_is_a_tool_error_naming_it() {
        let upstream = Recorder::start(|_| Answer::json(404, r#"{"error":"no such voyage"}"#)).await;
        let peer =
            mcp_peer(mcp_step_with_namespace_capability::mcp::router(proxy!(mcp_step_with_namespace_capability, registry, upstream.base_url())))
                .await;
        let result = call(&peer, "get-voyage-manifest", json!({"voyageId": "VOY-404"})).await;
        assert_eq!(result.is_error, Some(true));
        let message = text(&result);
        assert!(message.contains("get-voyage") && message.contains("404") && message.contains("no such voyage"), "{message}");
        peer.cancel().await.ok();
    }

    /// `mcp/mcp-capability.yaml` (engine: `McpIntegrationTest`, `ProtocolDispatcherCoverageTest`): a fixed
    /// `with` value fills the consumed path, the raw body and client header go upstream, the array output
    /// is shaped per item; an unreachable upstream is a tool error, not a protocol error.
    #[tokio::test(flavor = "multi_thread")]
    async fn array_items_are_shaped_and_fixed_values_fill_the_path() {
        let notion = json!({"results": [
            {"properties": {"Name": {"title": [{"text": {"content": "Ada"}}]}, "Status": {"select": {"name": "Committed"}}}},
            {"properties": {"Name": {"title": []}, "Status": {"select": {"name": "Committed"}}}}
        ]});
        let upstream = Recorder::start(move |_| Answer::json(200, notion.to_string())).await;
        let peer = mcp_peer(mcp_capability::mcp::router(proxy!(mcp_capability, mock_api, upstream.base_url()))).await;
        let tools = tools(&peer).await;
        assert_eq!(tools.len(), 1);
        assert_eq!(named(&tools, "query-database")["inputSchema"]["type"], "object");
        let result = call(&peer, "query-database", json!({})).await;
        assert_eq!(result.is_error, Some(false));
        assert_eq!(payload(&result), json!([{"name": "Ada", "status": "Committed"}, {"name": null, "status": "Committed"}]));
        let sent = upstream.only_request();
        assert_eq!((sent.method.as_str(), sent.target().as_str()), ("POST", "/databases/test-db-id-123/query"));
        assert_eq!(sent.header("content-type"), Some("application/json"));
        assert_eq!(sent.body_json(), Some(json!({"filter": {"property": "Status", "select": {"equals": "Committed"}}})));
        peer.cancel().await.ok();

        let dead = proxy!(mcp_capability, mock_api, "http://127.0.0.1:9");
        let peer = mcp_peer(mcp_capability::mcp::router(dead)).await;
        let result = call(&peer, "query-database", json!({})).await;
        assert_eq!(result.is_error, Some(true), "{result:?}");
        peer.cancel().await.ok();
    }

    /// `mcp/mcp-hints-capability.yaml` (engine: `McpToolHintsIntegrationTest`): `label` is the title,
    /// hints are annotations with only the keys the spec gives.
    #[tokio::test(flavor = "multi_thread")]
    async fn tool_hints_and_titles() {
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"result":"ok"}"#)).await;
        let peer = mcp_peer(mcp_hints_capability::mcp::router(proxy!(mcp_hints_capability, mock_api, upstream.base_url()))).await;
        let tools = tools(&peer).await;
        assert_eq!(tools.len(), 3);
        let read = named(&tools, "read-data");
        assert_eq!(read["title"], "Read Data");
        assert_eq!(read["annotations"], json!({"title": "Read Data", "readOnlyHint": true, "openWorldHint": true}));
        let delete = named(&tools, "delete-record");
        assert_eq!(delete["annotations"], json!({"readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": false}));
        assert!(named(&tools, "no-hints-tool").get("annotations").is_none(), "{tools:#?}");
        assert_eq!(payload(&call(&peer, "read-data", json!({})).await), json!("ok"));
        peer.cancel().await.ok();
    }

    /// `mcp/mcp-tool-handler-with-mustache-capability.yaml` (engine: `ToolHandlerTest`): `with: {imo_number:
    /// "{{imo}}"}` fills the consumed path; and `nested-object-output-capability.yaml`
    /// (`NestedObjectOutputMappingIntegrationTest`): nested objects read root-relative paths.
    #[tokio::test(flavor = "multi_thread")]
    async fn mustache_with_values_and_nested_objects() {
        let shipyard = Shipyard::start().await;
        let peer = mcp_peer(mcp_tool_handler_with_mustache_capability::mcp::router(proxy!(
            mcp_tool_handler_with_mustache_capability,
            registry,
            shipyard.base_url()
        )))
        .await;
        let result = call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await;
        assert_eq!(result.is_error, Some(false));
        assert_eq!(payload(&result)["vessel_name"], "Northern Star", "no outputs: the upstream body as is");
        assert_eq!(shipyard.only_request().target(), "/ships/IMO-9321483");
        peer.cancel().await.ok();

        let peer =
            mcp_peer(nested_object_output_capability::mcp::router(proxy!(nested_object_output_capability, registry, shipyard.base_url()))).await;
        let result = call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await;
        let expected =
            json!({"imo": "IMO-9321483", "name": "Northern Star", "status": "active", "specs": {"yearBuilt": 2015, "tonnage": 42000, "length": 229}});
        assert_eq!(payload(&result), expected);
        assert_eq!(text(&result), expected.to_string(), "the text is the same JSON, keys in the spec's order");
        let tools = tools(&peer).await;
        let schema = &named(&tools, "get-ship")["outputSchema"];
        assert_eq!(schema["properties"]["specs"]["type"], "object", "{schema}");
        assert_eq!(schema["properties"]["specs"]["properties"]["tonnage"]["type"], json!(["number", "null"]), "{schema}");
        peer.cancel().await.ok();
    }

    /// The engine's sample data (`src/test/resources/schemas/`), read in place.
    fn sample(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/engine/src/test/resources/schemas").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// What `GET <path>` answers on a REST router whose one consumed API serves `body` as `content_type`.
    async fn fetch(router: naftiko_runtime::rest::axum::Router, path: &str) -> (u16, Option<String>, Value) {
        let rest = serve(router).await;
        let reply = http().get(format!("http://{rest}{path}")).send().await.expect("GET");
        let status = reply.status().as_u16();
        let content_type = reply.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        (status, content_type, reply.json().await.expect("a JSON body"))
    }

    fn users() -> Value {
        json!([
            {"id": "1", "name": "Alice Smith", "email": "alice@example.com"},
            {"id": "2", "name": "Bob Johnson", "email": "bob@example.com"},
            {"id": "3", "name": "Carol White", "email": "carol@example.com"}
        ])
    }

    /// `formats/*.yaml` (engine: `CsvIntegrationTest`, `YamlIntegrationTest`, `HtmlIntegrationTest`,
    /// `MarkdownIntegrationTest`, `XmlIntegrationTest`, which convert the sample files the fixtures name):
    /// served end to end against an upstream answering those files.
    #[tokio::test(flavor = "multi_thread")]
    async fn converted_formats_end_to_end() {
        let csv = Recorder::start(|_| Answer::bytes(200, "text/csv", sample("sample-users.csv"))).await;
        let (status, content_type, body) = fetch(csv_capability::rest::router(proxy!(csv_capability, mock_csv, csv.base_url())), "/csv/users").await;
        assert_eq!((status, content_type.as_deref(), body), (200, Some("application/json"), users()));
        let sent = csv.only_request();
        assert_eq!(sent.target(), "/api/users");
        assert_eq!(sent.header("user-agent"), Some("Naftiko/1.0.0-alpha2"), "the adapter's header");

        let yaml = Recorder::start(|_| Answer::bytes(200, "application/yaml", sample("sample-users.yaml"))).await;
        let (_, _, body) = fetch(yaml_capability::rest::router(proxy!(yaml_capability, mock_yaml, yaml.base_url())), "/yaml/users").await;
        assert_eq!(body, users());

        let html = Recorder::start(|_| Answer::bytes(200, "text/html", sample("sample-products.html"))).await;
        let (_, _, body) = fetch(html_capability::rest::router(proxy!(html_capability, mock_html, html.base_url())), "/html/products").await;
        assert_eq!(body, json!([{"name": "Widget", "price": "$42", "stock": "150"}, {"name": "Gadget", "price": "$99", "stock": "30"}]));

        let markdown = Recorder::start(|_| Answer::bytes(200, "text/markdown", sample("sample-readme.md"))).await;
        let (_, _, body) =
            fetch(markdown_capability::rest::router(proxy!(markdown_capability, mock_markdown, markdown.base_url())), "/markdown/features").await;
        assert_eq!(body, json!([{"feature": "HTML support", "status": "GA"}, {"feature": "Markdown support", "status": "Beta"}]));

        // The XML fixture maps `$.root.user`, but the converted document drops the root's name (the
        // engine's own `XmlIntegrationTest` reads `user` at the top): nothing is there. The engine then
        // sends the raw XML; we answer `null`, as the operation's output schema says.
        let xml = Recorder::start(|_| Answer::bytes(200, "application/xml", sample("sample-users.xml"))).await;
        let (status, content_type, body) = fetch(xml_capability::rest::router(proxy!(xml_capability, mock_xml, xml.base_url())), "/xml/users").await;
        assert_eq!((status, content_type.as_deref(), body), (200, Some("application/json"), Value::Null));
        // The typed client has the converted document, `user` array and all.
        let client = xml_capability::Client::new(xml.base_url(), xml_capability::Auth::default());
        let document: Value = client.get_users(xml_capability::GetUsersParams {}).await.expect("reply").json().expect("JSON");
        assert_eq!(document, json!({"user": users()}));
    }

    /// `http/http-forward-value-capability.yaml` (engine: `ForwardValueFieldTest`) and
    /// `register.capability.yml`: every request under the route goes to the consumed API with its own
    /// headers and credentials, the trusted header only.
    #[tokio::test(flavor = "multi_thread")]
    async fn forward_routes() {
        let upstream = Recorder::start(|r| Answer::json(200, json!({"seen": r.target()}).to_string())).await;
        let handlers = proxy!(http_forward_value_capability, external, format!("{}/v1", upstream.base_url()));
        let rest = serve(http_forward_value_capability::rest::router(handlers)).await;
        let reply = http().get(format!("http://{rest}/forward/users/me?x=1")).header("authorization", "Bearer callers").send().await.expect("GET");
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.json::<Value>().await.expect("JSON"), json!({"seen": "/v1/users/me?x=1"}), "the query goes too (the engine drops it)");
        let sent = upstream.only_request();
        assert_eq!(sent.header("x-api-version"), Some("2026-03-03"));
        assert_eq!(sent.header("x-api-key"), Some("secret-key-123"));
        assert!(sent.header("authorization").is_none(), "no trusted headers: nothing of the caller's");

        let notion = Recorder::start(|_| Answer::json(200, r#"{"object":"user"}"#)).await;
        let client = register::Client::new(notion.base_url(), register::Auth::default());
        let rest = serve(register::rest::router(Arc::new(register::Proxy::new(register::Clients { notion: client })))).await;
        let reply = http()
            .post(format!("http://{rest}/notion/pages"))
            .header("notion-version", "2022-06-28")
            .header("authorization", "Bearer callers")
            .json(&json!({"parent": {"page_id": "p-1"}}))
            .send()
            .await
            .expect("POST");
        assert_eq!(reply.status(), 200);
        let sent = notion.only_request();
        assert_eq!((sent.method.as_str(), sent.target().as_str()), ("POST", "/pages"));
        assert_eq!(sent.header("notion-version"), Some("2022-06-28"), "trusted");
        assert_eq!(sent.header("authorization"), Some("Basic c2NvdHQ6dGlnZXI="), "the API's own basic credentials, not the caller's");
        assert_eq!(sent.body_json(), Some(json!({"parent": {"page_id": "p-1"}})));
    }

    /// `mcp/mcp-resources-prompts-capability.yaml`: `initialize` advertises resources and prompts; a
    /// fixed resource is listed, a `{userId}` one is a template whose variable fills the call's `with`;
    /// prompts render `{{argument}}` placeholders.
    #[tokio::test(flavor = "multi_thread")]
    async fn resources_and_prompts() {
        use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"results":[{"id":"p-1"}]}"#)).await;
        let handlers = proxy!(mcp_resources_prompts_capability, mock_api, upstream.base_url());
        let peer = mcp_peer(mcp_resources_prompts_capability::mcp::router(handlers)).await;
        let capabilities = serde_json::to_value(&peer.peer_info().expect("server info").capabilities).expect("JSON");
        assert!(capabilities["tools"].is_object() && capabilities["resources"].is_object() && capabilities["prompts"].is_object(), "{capabilities}");

        let listed = peer.list_all_resources().await.expect("resources/list");
        let listed: Vec<(&str, &str)> = listed.iter().map(|r| (r.uri.as_str(), r.name.as_str())).collect();
        assert_eq!(listed, [("data://databases/pre-release/schema", "database-schema")]);
        let templates = peer.list_all_resource_templates().await.expect("resources/templates/list");
        assert_eq!(templates.iter().map(|t| t.uri_template.as_str()).collect::<Vec<_>>(), ["data://users/{userId}/profile"]);

        let read = peer.read_resource(ReadResourceRequestParams::new("data://users/u-7/profile")).await.expect("resources/read");
        let ResourceContents::TextResourceContents { uri, mime_type, text, .. } = &read.contents[0] else { panic!("text expected: {read:?}") };
        assert_eq!((uri.as_str(), mime_type.as_deref()), ("data://users/u-7/profile", Some("application/json")));
        assert_eq!(serde_json::from_str::<Value>(text).expect("JSON"), json!({"results": [{"id": "p-1"}]}));
        let sent = upstream.requests();
        assert_eq!((sent.len(), sent[0].method.as_str(), sent[0].path.as_str()), (1, "POST", "/databases/u-7/query"));
        assert_eq!(sent[0].body_json().map(|b| b["filter"]["property"].clone()), Some(json!("Status")));

        let prompts = peer.list_all_prompts().await.expect("prompts/list");
        assert_eq!(prompts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["participant-outreach", "summary-prompt"]);
        let arguments = json!({"data": "a, b", "format": "table"}).as_object().cloned().expect("an object");
        let summary = peer.get_prompt(GetPromptRequestParams::new("summary-prompt").with_arguments(arguments)).await.expect("prompts/get");
        let messages = serde_json::to_value(&summary.messages).expect("JSON");
        assert_eq!(messages[0]["content"]["text"], "Summarize the following data in table format:\n\na, b");
        assert_eq!((messages.as_array().map(Vec::len), messages[1]["role"].as_str()), (Some(3), Some("assistant")));
        peer.cancel().await.ok();
    }

    /// `mcp/mcp-stdio-capability.yaml` (engine: `StdioIntegrationTest`): the same tool over stdio; the server
    /// names itself after the expose's namespace.
    #[tokio::test(flavor = "multi_thread")]
    async fn stdio_transport() {
        let upstream = Recorder::start(|_| Answer::json(200, r#"{"results":[]}"#)).await;
        let handlers = proxy!(mcp_stdio_capability, mock_api, upstream.base_url());
        let (client_side, server_side) = tokio::io::duplex(64 * 1024);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(naftiko_runtime::mcp::serve_io(mcp_stdio_capability::mcp::server(handlers), server_read, server_write));
        let peer: Peer = ().serve(client_side).await.expect("initialize over a pipe");
        let info = peer.peer_info().expect("server info");
        assert_eq!(info.server_info.as_ref().map(|i| i.name.as_str()), Some("test-mcp-stdio"));
        assert_eq!(tools(&peer).await.len(), 1);
        let result = call(&peer, "query-database", json!({})).await;
        assert_eq!((result.is_error, payload(&result)), (Some(false), json!([])));
        peer.cancel().await.ok();
    }
}
