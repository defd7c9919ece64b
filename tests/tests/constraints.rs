//! Constraints a spec states on exposed inputs — `pattern` and `enum` on input parameters, a body of
//! `type: object`, bounds and lengths in a tool's `inputSchema` — are in the OpenAPI document and the
//! tool schema, and enforced by the adapters: a value outside them is a 400 or a tool error naming the
//! input, and nothing reaches the upstream (tests/fixtures/constraints.yaml, against a recording upstream).

use std::sync::Arc;

use naftiko_tests::fleet::fleet_api;
use naftiko_tests::{Recorder, Served};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Map, Value, json};

mod fleet {
    include!(concat!(env!("OUT_DIR"), "/constraints.rs"));
}

async fn start() -> Served {
    naftiko_runtime::install_crypto_provider();
    let upstream = Recorder::start(fleet_api).await;
    let client = fleet::Client::new(format!("{}/v1", upstream.base_url()), fleet::Auth::default());
    let handlers = Arc::new(fleet::Proxy::new(fleet::Clients { fleet: client }));
    Served::start(upstream, fleet::rest::router(handlers.clone()), fleet::mcp::router(handlers)).await
}

/// The status and JSON body of a REST request.
async fn rest(served: &Served, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut request = http.request(method.parse().expect("method"), format!("http://{}{path}", served.rest));
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_owned());
    }
    let reply = request.send().await.expect("request");
    let status = reply.status().as_u16();
    (status, reply.json().await.expect("JSON body"))
}

async fn call(served: &Served, tool: &str, arguments: Value) -> CallToolResult {
    let peer = ().serve(StreamableHttpClientTransport::from_uri(format!("http://{}/mcp", served.mcp))).await.expect("initialize");
    let arguments: Map<String, Value> = serde_json::from_value(arguments).expect("an object");
    let result = peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)).await.expect("tools/call");
    peer.cancel().await.ok();
    result
}

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_refuses_values_outside_the_declared_pattern_enum_and_type() {
    let served = start().await;
    let refusals = [
        ("GET", "/zones/moon-1/servers", None, "input `zone` must match the pattern `^(fr-par|nl-ams)-[1-3]$`"),
        ("GET", "/zones/fr-par-1/servers?state=paused", None, r#"input `state` must be one of "running", "stopped""#),
        ("POST", "/zones/fr-par-1/servers", Some("[1, 2]"), "input `body` must be a JSON object"),
        ("POST", "/zones/fr-par-1/servers", Some(r#""text""#), "input `body` must be a JSON object"),
        // The path's constraint holds on every operation of the resource.
        ("POST", "/zones/fr-par-9/servers", Some("{}"), "input `zone` must match the pattern"),
    ];
    for (method, path, body, message) in refusals {
        let (status, error) = rest(&served, method, path, body).await;
        assert_eq!(status, 400, "{method} {path} {body:?}: {error}");
        assert_eq!(error["type"], "invalid_argument", "{error}");
        assert!(error["message"].as_str().is_some_and(|m| m.starts_with(message)), "{method} {path}: {error}");
    }
    assert!(served.upstream.requests().is_empty(), "nothing outside the constraints is sent upstream");

    let (status, _) = rest(&served, "GET", "/zones/nl-ams-2/servers?state=running", None).await;
    assert_eq!(status, 200);
    assert_eq!(served.upstream.only_request().target(), "/v1/zones/nl-ams-2/servers?state=running");
    served.upstream.clear();
    let (status, _) = rest(&served, "POST", "/zones/fr-par-1/servers", Some(r#" {"name": "web-1"}"#)).await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8_lossy(&served.upstream.only_request().body), r#"{"name": "web-1"}"#);

    // A shaped reply and a mock are what their documented schemas say.
    let (status, server) = rest(&served, "GET", "/zones/fr-par-1/servers/s-1", None).await;
    assert_eq!((status, server), (200, json!({"id": "s-1", "name": "web", "ready": true, "tags": ["a"]})));
    let (status, mock) = rest(&served, "GET", "/status", None).await;
    assert_eq!((status, mock), (200, json!({"service": "fleet", "version": "1"})));

    // An upstream error that is not JSON passes through as it came, as the document allows (`*/*`).
    let reply = reqwest::get(format!("http://{}/zones/fr-par-1/servers/missing", served.rest)).await.expect("GET");
    assert_eq!((reply.status().as_u16(), reply.headers()["content-type"].to_str().ok()), (404, Some("text/html")));
    assert_eq!(reply.text().await.expect("body"), "<h1>Not Found</h1>");

    // A body is bounded on every method, as the document's 413 says, even where none is read.
    let reply = reqwest::Client::new().get(format!("http://{}/status", served.rest)).body(vec![b' '; 4 * 1024 * 1024 + 1]).send().await.expect("GET");
    assert_eq!(reply.status(), 413);
    assert_eq!(reply.json::<Value>().await.expect("JSON")["type"], "payload_too_large");

    // A method the document does not list: 405, saying which ones the path answers.
    let reply = reqwest::Client::new().delete(format!("http://{}/zones/fr-par-1/servers", served.rest)).send().await.expect("DELETE");
    assert_eq!(reply.status(), 405);
    assert_eq!(reply.headers()["allow"], "GET,HEAD,POST");
    assert_eq!(reply.json::<Value>().await.expect("JSON")["type"], "method_not_allowed");
}

#[tokio::test(flavor = "multi_thread")]
async fn mcp_refuses_arguments_outside_the_input_schema() {
    let served = start().await;
    let refusals = [
        ("list-servers", json!({"zone": "moon-1"}), "argument `zone` must match the pattern `^(fr-par|nl-ams)-[1-3]$`"),
        ("list-servers", json!({"zone": "fr-par-1", "per_page": 0}), "argument `per_page` must be at least 1"),
        ("list-servers", json!({"zone": "fr-par-1", "per_page": 101}), "argument `per_page` must be at most 100"),
        ("list-servers", json!({"zone": "fr-par-1", "name": ""}), "argument `name` must be at least 1 character long"),
        ("list-servers", json!({"zone": "fr-par-1", "name": "much-too-long"}), "argument `name` must be at most 8 characters long"),
        ("list-servers", json!({"zone": "fr-par-1", "tags": ["a", "b", "c"]}), "argument `tags` must have at most 2 items"),
        ("list-by-state", json!({"zone": "fr-par-1", "state": "paused"}), r#"argument `state` must be one of "running", "stopped""#),
        ("list-by-state", json!({"zone": "mars", "state": "running"}), "argument `zone` must match the pattern"),
    ];
    for (tool, arguments, message) in refusals {
        let result = call(&served, tool, arguments.clone()).await;
        assert_eq!(result.is_error, Some(true), "{tool} {arguments}: {}", text(&result));
        assert!(text(&result).contains(message), "{tool} {arguments}: {}", text(&result));
    }
    assert!(served.upstream.requests().is_empty(), "nothing outside the schema is sent upstream");

    let result = call(&served, "list-servers", json!({"zone": "fr-par-1", "per_page": 100, "name": "web", "tags": ["a", "b"]})).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert_eq!(served.upstream.only_request().target(), "/v1/zones/fr-par-1/servers?per_page=100&name=web&tags=a&tags=b");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_documents_state_the_constraints() {
    let served = start().await;
    let document: Value = reqwest::get(format!("http://{}/openapi.json", served.rest)).await.expect("GET").json().await.expect("JSON");
    assert_eq!(document["info"]["contact"], json!({"name": "Fleet Team", "email": "fleet@example.com"}), "the owner among the stakeholders");
    assert_eq!(
        document["tags"],
        json!([{"name": "/zones/{zone}/servers"}, {"name": "server", "description": "One server."}, {"name": "status", "description": "The adapter's own status, from the spec alone."}]),
        "a resource without a name is tagged by its path"
    );
    let shaped = &document["paths"]["/zones/{zone}/servers/{server-id}"]["get"]["responses"]["2XX"]["content"]["application/json"]["schema"];
    assert_eq!(shaped["properties"]["ready"]["type"], json!(["boolean", "null"]), "a missing upstream value maps to null");
    assert_eq!(document["components"]["responses"]["BadRequestOrUpstream"]["content"]["*/*"], json!({}), "an upstream body in any media type");
    let mock = &document["paths"]["/status"]["get"]["responses"];
    assert_eq!(mock["400"], json!({"$ref": "#/components/responses/BadRequest"}), "a mock's errors are the adapter's only");
    assert!(mock.get("default").is_none() && mock.get("502").is_none(), "a mock reaches no upstream: {mock}");
    assert_eq!(mock["413"], json!({"$ref": "#/components/responses/PayloadTooLarge"}), "bodies are bounded on every method");
    assert!(mock.get("415").is_none(), "no body is read, so none is refused for its media type");
    let list = &document["paths"]["/zones/{zone}/servers"]["get"];
    assert_eq!(list["tags"], json!(["/zones/{zone}/servers"]));
    assert_eq!(list["parameters"][0]["schema"], json!({"type": "string", "pattern": "^(fr-par|nl-ams)-[1-3]$"}));
    assert_eq!(list["parameters"][1]["schema"], json!({"type": "string", "enum": ["running", "stopped"]}));
    let create = &document["paths"]["/zones/{zone}/servers"]["post"];
    assert_eq!(create["requestBody"]["content"]["application/json"]["schema"], json!({"type": "object"}));
    // The adapter's own errors and the upstream's, told apart.
    assert_eq!(create["responses"]["400"], json!({"$ref": "#/components/responses/BadRequestOrUpstream"}));
    assert_eq!(
        document["components"]["responses"]["BadRequestOrUpstream"]["content"]["application/json"]["schema"],
        json!({"anyOf": [{"$ref": "#/components/schemas/AdapterError"}, {"$ref": "#/components/schemas/UpstreamReply"}]})
    );

    let peer = ().serve(StreamableHttpClientTransport::from_uri(format!("http://{}/mcp", served.mcp))).await.expect("initialize");
    let tools = peer.list_all_tools().await.expect("tools/list");
    peer.cancel().await.ok();
    let by_state = tools.iter().find(|t| t.name == "list-by-state").expect("list-by-state");
    let properties = Value::Object((*by_state.input_schema).clone())["properties"].clone();
    assert_eq!(properties["zone"], json!({"type": "string", "pattern": "^(fr-par|nl-ams)-[1-3]$", "description": "A zone."}));
    assert_eq!(properties["state"], json!({"type": "string", "enum": ["running", "stopped"], "description": "running or stopped."}));
}
