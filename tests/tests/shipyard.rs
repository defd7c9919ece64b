//! The reference engine's tutorial, "The Shipyard" (`../shared/reference/engine/src/main/resources/tutorial`),
//! as generated binaries (`e2e-shipyard`, built from modules tests/build.rs generates) pointed at a local
//! fake of the tutorial's registry (`naftiko_tests::shipyard`), driven by the real rmcp client and
//! reqwest. The answers are the shapes the tutorial prints.
//! From step 7 the skill catalog is served too, on a loopback port of its own (tests/tests/skills.rs
//! asks it). Without `../shared` nothing runs and one test says so.

#[cfg(not(engine_specs))]
#[test]
fn skipped_without_the_tutorial() {
    eprintln!("skipped: ../shared/reference/engine is not beside the repository; the Shipyard tutorial suite did not run");
}

#[cfg(engine_specs)]
mod suite {
    use std::path::PathBuf;

    use naftiko_tests::{Recorder, ServerProcess, Shipyard};
    use rmcp::ServiceExt as _;
    use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
    use rmcp::service::{RoleClient, RunningService};
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    use serde_json::{Value, json};

    const SHIPYARD: &str = env!("CARGO_BIN_EXE_e2e-shipyard");
    /// `mcp-server-token` of the tutorial's `shared/secrets.yaml`.
    const MCP_TOKEN: &str = "sk-mcp-YYYYYYYYYYYY";

    type Peer = RunningService<RoleClient, ()>;

    /// The tutorial's directory: the binaries run there, so the specs' `file:///./shared/secrets.yaml` binds are found.
    fn tutorial() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/engine/src/main/resources/tutorial")
    }

    /// Tutorial step `step` as its generated binary, every consumed API (the registry; from step 5 the
    /// legacy Dockyard too) at `upstream`.
    fn start(step: &str, upstream: Option<&Recorder>, extra: &[&str]) -> ServerProcess {
        // The clients of the tests (reqwest, rmcp's) need a TLS provider chosen, even for plain HTTP.
        naftiko_runtime::install_crypto_provider();
        let legacy = !["step-1", "step-2", "step-3", "step-4"].iter().any(|s| step.starts_with(s));
        let namespaces: &[&str] = if legacy { &["registry", "legacy"] } else { &["registry"] };
        let upstreams: Vec<String> = upstream.map(|u| namespaces.iter().map(|ns| format!("{ns}={}", u.base_url())).collect()).unwrap_or_default();
        let mut args: Vec<&str> = extra.to_vec();
        // From step 7 a skill catalog listens too (on 0.0.0.0 in the spec): here, on loopback.
        if ["step-7", "step-8", "step-9", "step-10", "step-11"].iter().any(|s| step.starts_with(&format!("{s}-"))) {
            args.extend(["--listen", "shipyard-skills=127.0.0.1:0"]);
        }
        for upstream in &upstreams {
            args.extend(["--upstream", upstream]);
        }
        ServerProcess::start_in(&tutorial(), SHIPYARD, &args, &[("SHIPYARD_STEP", step)]).unwrap_or_else(|e| panic!("{step}: {e}"))
    }

    async fn connect(server: &ServerProcess, token: Option<&str>) -> Peer {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header value"));
        }
        let client = reqwest::Client::builder().default_headers(headers).build().expect("client");
        let transport = StreamableHttpClientTransport::with_client(client, StreamableHttpClientTransportConfig::with_uri(server.mcp_url()));
        ().serve(transport).await.expect("initialize over Streamable HTTP")
    }

    async fn call(peer: &Peer, tool: &str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
        peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)).await.unwrap_or_else(|e| panic!("{tool}: {e}"))
    }

    fn text(result: &CallToolResult) -> String {
        result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect()
    }

    /// A successful tool call's JSON, read from its text (what the engine's tutorial tests read).
    fn answer(result: &CallToolResult) -> Value {
        assert_eq!(result.is_error, Some(false), "{}", text(result));
        serde_json::from_str(&text(result)).unwrap_or_else(|e| panic!("the text is JSON ({e}): {}", text(result)))
    }

    async fn tools(peer: &Peer) -> Vec<Value> {
        let tools: Vec<Tool> = peer.list_all_tools().await.expect("tools/list");
        tools.iter().map(|t| serde_json::to_value(t).expect("tool JSON")).collect()
    }

    fn names(tools: &[Value]) -> Vec<&str> {
        tools.iter().filter_map(|t| t["name"].as_str()).collect()
    }

    /// Step 1 and Step 2 print this for `get-ship IMO-9321483`.
    fn northern_star() -> Value {
        json!({"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active"})
    }

    /// Step 7 and Step 9 answer this for `get-ship-with-crew IMO-9321483`: the tutorial's prose nests
    /// `specs`, but its spec maps each field flat, and the engine answers flat too.
    fn northern_star_with_crew() -> Value {
        json!({
            "imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active",
            "yearBuilt": 2015, "tonnage": 42000, "length": 229,
            "crew": [{"fullName": "Erik Lindström", "role": "captain"}, {"fullName": "Aiko Tanaka", "role": "cook"}]
        })
    }

    /// Step 1: a mock tool. No upstream, no secrets: the binary starts with no flags at all.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_1_a_mock_answers_without_any_upstream() {
        let server = start("step-1-shipyard-mock", None, &["--no-rest"]);
        let peer = connect(&server, None).await;
        let info = peer.peer_info().and_then(|i| i.server_info.clone()).map(|s| s.name);
        assert_eq!(info.as_deref(), Some("shipyard-tools"));
        let tools = tools(&peer).await;
        assert_eq!(names(&tools), ["get-ship"]);
        assert_eq!(tools[0]["description"], "Retrieve a ship's details by IMO number");
        assert_eq!(tools[0]["inputSchema"]["required"], json!(["imo_number"]));
        let result = call(&peer, "get-ship", json!({"imo_number": "IMO-9321483"})).await;
        assert_eq!(text(&result), northern_star().to_string(), "the tutorial's object, keys in its order");
        let result = call(&peer, "get-ship", json!({"imo_number": "IMO-0000001"})).await;
        assert_eq!(answer(&result)["imo"], "IMO-0000001", "`{{imo_number}}` is the argument");
        peer.cancel().await.ok();
    }

    /// Step 2: the tools wired to the registry; outputs shaped from its snake_case fields.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_2_tools_call_the_registry_and_shape_its_answers() {
        let registry = Shipyard::start().await;
        let server = start("step-2-shipyard-wiring", Some(&registry), &["--no-rest"]);
        let peer = connect(&server, None).await;
        let tools = tools(&peer).await;
        assert_eq!(names(&tools), ["list-ships", "get-ship"]);
        assert_eq!(tools[0]["inputSchema"]["properties"]["status"]["type"], "string");
        assert!(tools[0]["inputSchema"].get("required").is_none_or(|r| r == &json!([])), "status is optional: {}", tools[0]);
        assert_eq!(tools[1]["inputSchema"]["required"], json!(["imo"]));

        let active = answer(&call(&peer, "list-ships", json!({"status": "active"})).await);
        let pacific_dawn = json!({"imo": "IMO-9456781", "name": "Pacific Dawn", "type": "tanker", "flag": "SG", "status": "active"});
        assert_eq!(active, json!([northern_star(), pacific_dawn]), "what the tutorial prints");
        assert_eq!(registry.requests()[0].target(), "/ships?status=active");
        let all = answer(&call(&peer, "list-ships", json!({})).await);
        assert_eq!(all.as_array().map(Vec::len), Some(3));
        assert_eq!(registry.requests()[1].target(), "/ships", "no argument, no query parameter");
        assert_eq!(answer(&call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await), northern_star());
        assert_eq!(registry.requests()[2].target(), "/ships/IMO-9321483");
        peer.cancel().await.ok();
    }

    /// Step 3: the registry's bearer token and version header come from the binds' secrets file; the MCP
    /// server demands its own token.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_3_secrets_from_the_binds_file() {
        let registry = Shipyard::start().await;
        let server = start("step-3-shipyard-auth", Some(&registry), &["--no-rest"]);
        let anonymous = reqwest::Client::new()
            .post(server.mcp_url())
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            .send()
            .await
            .expect("POST /mcp");
        assert_eq!(anonymous.status(), 401);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        assert_eq!(answer(&call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await), northern_star());
        let sent = registry.only_request();
        assert_eq!(sent.header("authorization"), Some("Bearer dummy-token"));
        assert_eq!(sent.header("registry-version"), Some("1.0.0-alpha2"), "the bind's value, not the placeholder");
        assert!(server.logs().iter().all(|l| !l.contains("dummy-token") && !l.contains(MCP_TOKEN)), "no secret in the logs");
        peer.cancel().await.ok();
    }

    /// Step 4: a nested `specs` object whose properties read paths from the root of the reply.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_4_nested_output_objects() {
        let registry = Shipyard::start().await;
        let server = start("step-4-shipyard-output-shaping", Some(&registry), &["--no-rest"]);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        let ship = answer(&call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await);
        let mut expected = northern_star();
        expected["specs"] = json!({"yearBuilt": 2015, "tonnage": 42000, "length": 229});
        assert_eq!(ship, expected, "what the tutorial prints");
        let list = answer(&call(&peer, "list-ships", json!({"status": "maintenance"})).await);
        assert_eq!(list, json!([{"imo": "IMO-9187203", "name": "Arctic Tern", "type": "research", "flag": "IS", "status": "maintenance"}]));
        peer.cancel().await.ok();
    }

    /// What the tutorial prints for `list-legacy-vessels` (Part 1, step 5): the Dockyard's XML as JSON.
    fn legacy_vessels() -> Value {
        json!([
            {"vesselCode": "LEGACY-4012", "name": "Old Faithful", "type": "cargo", "flag": "GB", "status": "active"},
            {"vesselCode": "LEGACY-2087", "name": "Iron Maiden", "type": "bulk_carrier", "flag": "PA", "status": "laid_up"}
        ])
    }

    /// Step 5: a second upstream, the legacy Dockyard, answering XML behind an API key from the binds file.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_5_an_xml_upstream_beside_the_registry() {
        let upstreams = Shipyard::start().await;
        let server = start("step-5-shipyard-multi-source", Some(&upstreams), &["--no-rest"]);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        assert_eq!(names(&tools(&peer).await), ["list-ships", "get-ship", "list-legacy-vessels"]);
        let vessels = call(&peer, "list-legacy-vessels", json!({})).await;
        assert_eq!(text(&vessels), legacy_vessels().to_string(), "the tutorial's array, keys in its order");
        let sent = upstreams.only_request();
        assert_eq!(sent.target(), "/vessels");
        assert_eq!(sent.header("x-dock-key"), Some("dummy-dockyard-key"), "the bind's value");
        assert!(sent.header("authorization").is_none(), "the registry's token is the registry's");
        assert_eq!(answer(&call(&peer, "get-ship", json!({"imo": "IMO-9321483"})).await)["name"], "Northern Star");
        peer.cancel().await.ok();
    }

    /// Step 6: `create-voyage` writes to the registry (a raw JSON body with arrays).
    #[tokio::test(flavor = "multi_thread")]
    async fn step_6_write_operations() {
        let upstreams = Shipyard::start().await;
        let server = start("step-6-shipyard-write-operations", Some(&upstreams), &["--no-rest"]);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        assert_eq!(names(&tools(&peer).await), ["list-ships", "get-ship", "list-legacy-vessels", "create-voyage"]);
        let voyage = json!({"shipImo": "IMO-9321483", "departurePort": "Oslo", "arrivalPort": "Singapore",
            "departureDate": "2026-04-10", "arrivalDate": "2026-05-02", "crewIds": ["CREW-001", "CREW-003"], "cargoIds": ["CARGO-2024-0451"]});
        let planned = answer(&call(&peer, "create-voyage", voyage.clone()).await);
        assert_eq!(planned["voyageId"], "VOY-2026-042");
        assert_eq!(planned["route"], json!({"from": "Oslo", "to": "Singapore"}));
        assert_eq!(upstreams.only_request().body_json(), Some(voyage));
        peer.cancel().await.ok();
    }

    /// Step 7: `get-ship-with-crew` runs two calls and a lookup, on MCP and REST alike; `create-voyage`
    /// renders a raw JSON body with arrays; a failing step stops the flow and says which.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_7_orchestrated_lookup_over_mcp_and_rest() {
        let registry = Shipyard::start().await;
        let server = start("step-7-shipyard-orchestrated-lookup", Some(&registry), &[]);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        let tools = tools(&peer).await;
        assert_eq!(names(&tools), ["list-ships", "get-ship", "list-legacy-vessels", "create-voyage", "get-ship-with-crew"]);
        assert_eq!(tools[4]["inputSchema"]["required"], json!(["imo"]));

        let crewed = call(&peer, "get-ship-with-crew", json!({"imo": "IMO-9321483"})).await;
        assert_eq!(answer(&crewed), northern_star_with_crew());
        assert_eq!(text(&crewed), northern_star_with_crew().to_string(), "keys in the mappings' order");
        let targets: Vec<String> = registry.requests().iter().map(|r| r.target()).collect();
        assert_eq!(targets, ["/ships/IMO-9321483", "/crew"], "the steps, in order");

        let http = reqwest::Client::new();
        let rest = server.rest_url();
        let reply = http.get(format!("{rest}/ships/IMO-9321483/crew")).send().await.expect("GET crew");
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.json::<Value>().await.expect("JSON"), northern_star_with_crew(), "REST and MCP answer alike");

        // The legacy vessels over REST too (the spec maps `$.`, the converted document: an object, not
        // the array the items describe, so the array mapping finds nothing, as in the engine).
        let reply = http.get(format!("{rest}/legacy/vessels")).send().await.expect("GET legacy");
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.headers()["content-type"], "application/json");
        assert_eq!(reply.json::<Value>().await.expect("JSON"), Value::Null);

        // A ship the registry does not know: the first step fails, the second never runs.
        registry.clear();
        let failed = call(&peer, "get-ship-with-crew", json!({"imo": "IMO-0000000"})).await;
        assert_eq!(failed.is_error, Some(true));
        assert!(text(&failed).contains("get-ship") && text(&failed).contains("404"), "{}", text(&failed));
        let reply = http.get(format!("{rest}/ships/IMO-0000000/crew")).send().await.expect("GET crew");
        assert_eq!(reply.status(), 404, "the upstream status, as for a single call");
        let body: Value = reply.json().await.expect("JSON");
        assert!(body.to_string().contains("no ship with IMO IMO-0000000"), "the upstream's body: {body}");
        assert!(registry.requests().iter().all(|r| r.path != "/crew"), "no step after the failing one");

        // create-voyage: a raw JSON body template; bare `{{crewIds}}` is the JSON array, a missing
        // optional array is `null` (the engine would send `"cargoIds": ,`).
        registry.clear();
        let voyage = json!({"shipImo": "IMO-9321483", "departurePort": "Oslo", "arrivalPort": "Singapore",
            "departureDate": "2026-04-10", "arrivalDate": "2026-05-02", "crewIds": ["CREW-001", "CREW-003"], "cargoIds": ["CARGO-2024-0451"]});
        let planned = answer(&call(&peer, "create-voyage", voyage.clone()).await);
        assert_eq!(
            planned,
            json!({"voyageId": "VOY-2026-042", "shipImo": "IMO-9321483", "route": {"from": "Oslo", "to": "Singapore"},
                "dates": {"departure": "2026-04-10", "arrival": "2026-05-02"}, "crewIds": ["CREW-001", "CREW-003"],
                "cargoIds": ["CARGO-2024-0451"], "status": "planned"}),
            "what the tutorial prints"
        );
        assert_eq!(registry.only_request().body_json(), Some(voyage.clone()));
        registry.clear();
        let mut without_cargo = voyage.clone();
        without_cargo.as_object_mut().map(|v| v.remove("cargoIds"));
        let reply = http.post(format!("{rest}/voyages")).json(&without_cargo).send().await.expect("POST /voyages");
        assert_eq!(reply.status(), 201, "the registry's status passes through");
        let sent = registry.only_request().body_json().expect("the body sent is JSON");
        assert_eq!(sent["cargoIds"], Value::Null);
        assert_eq!(sent["crewIds"], json!(["CREW-001", "CREW-003"]));
        peer.cancel().await.ok();
    }

    /// Step 9: the orchestration moves into an aggregate function; the tool only `ref`s it and inherits
    /// its inputs, and its `semantics` become hints. The answer is byte for byte Step 7's.
    #[tokio::test(flavor = "multi_thread")]
    async fn step_9_aggregate_function_behind_a_ref() {
        let registry = Shipyard::start().await;
        let server = start("step-9-shipyard-aggregates", Some(&registry), &["--no-rest"]);
        let peer = connect(&server, Some(MCP_TOKEN)).await;
        let tools = tools(&peer).await;
        let tool = tools.iter().find(|t| t["name"] == "get-ship-with-crew").expect("get-ship-with-crew");
        assert_eq!(tool["description"], "Get ship details with resolved crew names");
        assert_eq!(tool["annotations"], json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true}));
        assert_eq!(tool["inputSchema"]["required"], json!(["imo"]));
        let result = call(&peer, "get-ship-with-crew", json!({"imo": "IMO-9321483"})).await;
        assert_eq!(text(&result), northern_star_with_crew().to_string());
        peer.cancel().await.ok();
    }
}
