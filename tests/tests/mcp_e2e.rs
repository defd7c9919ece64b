//! The generated MCP servers, driven by the real rmcp client: over Streamable HTTP against the running
//! binary, and over stdio with the binary as a child process, proxying to the Scaleway emulator.

use naftiko_tests::{EMULATOR_TOKEN, Emulator, ServerProcess};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Map, Value, json};

const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const IMAGES: &str = env!("CARGO_BIN_EXE_e2e-instance-images");
const ZONE: &str = "fr-par-1";

type Peer = RunningService<RoleClient, ()>;

fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

async fn over_http(binary: &str, emulator: &Emulator) -> (ServerProcess, Peer) {
    naftiko_runtime::install_crypto_provider();
    let upstream = emulator.base_url();
    let server = ServerProcess::start(binary, &["--upstream", &upstream, "--no-rest"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).unwrap_or_else(|e| panic!("{e}"));
    let transport = StreamableHttpClientTransport::from_uri(server.mcp_url());
    let peer = ().serve(transport).await.expect("initialize over Streamable HTTP");
    (server, peer)
}

async fn over_stdio(binary: &str, emulator: &Emulator) -> Peer {
    let mut command = tokio::process::Command::new(binary);
    command.args(["serve", "--stdio", "--upstream", &emulator.base_url()]).env("SCALEWAY_API_KEY", EMULATOR_TOKEN).env("RUST_LOG", "warn");
    ().serve(TokioChildProcess::new(command).expect("spawn")).await.expect("initialize over stdio")
}

async fn call(peer: &Peer, tool: &str, arguments: Value) -> CallToolResult {
    peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args(arguments))).await.unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn structured(result: &CallToolResult) -> Value {
    result.structured_content.clone().unwrap_or(Value::Null)
}

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("")
}

fn tool<'a>(tools: &'a [Tool], name: &str) -> &'a Tool {
    tools.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no tool {name}"))
}

fn tool_json(tools: &[Tool], name: &str) -> Value {
    serde_json::to_value(tool(tools, name)).expect("tool JSON")
}

/// tools/list is what the spec implies: names, hints → annotations, required path parameters,
/// optional typed query parameters, a `body` object for body operations.
fn assert_snapshot_tools(tools: &[Tool]) {
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["list-snapshots", "create-snapshot-specified-volume-qcow2", "get-snapshot", "set-snapshot", "update-snapshot", "delete-snapshot", "export-snapshot"]);
    let list = tool_json(tools, "list-snapshots");
    assert_eq!(list["annotations"], json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true}));
    assert_eq!(list["inputSchema"]["required"], json!(["zone"]));
    assert_eq!(list["inputSchema"]["properties"]["per_page"]["type"], "integer");
    assert_eq!(list["inputSchema"]["properties"]["name"]["type"], "string");
    assert_eq!(list["inputSchema"]["additionalProperties"], false);
    let delete = tool_json(tools, "delete-snapshot");
    assert_eq!(delete["annotations"]["destructiveHint"], true);
    assert_eq!(delete["inputSchema"]["required"], json!(["zone", "snapshot_id"]));
    let create = tool_json(tools, "create-snapshot-specified-volume-qcow2");
    assert_eq!(create["inputSchema"]["properties"]["body"]["type"], "object");
    assert_eq!(create["inputSchema"]["required"], json!(["zone", "body"]));
    assert_eq!(create["annotations"]["idempotentHint"], false);
}

async fn snapshot_lifecycle(peer: &Peer, emulator: &Emulator) {
    let volume = emulator.seed_volume(ZONE);
    let created = call(peer, "create-snapshot-specified-volume-qcow2", json!({"zone": ZONE, "body": {"name": "via-mcp", "volume_id": volume}})).await;
    assert_ne!(created.is_error, Some(true), "{}", text(&created));
    let id = structured(&created)["snapshot"]["id"].as_str().expect("snapshot id").to_owned();
    assert!(text(&created).contains(&id), "the JSON is also given as text");

    let listed = call(peer, "list-snapshots", json!({"zone": ZONE, "per_page": 10})).await;
    assert_eq!(structured(&listed)["snapshots"][0]["id"], id.as_str());
    let got = call(peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_eq!(structured(&got)["snapshot"]["name"], "via-mcp");
    let updated = call(peer, "update-snapshot", json!({"zone": ZONE, "snapshot_id": id, "body": {"name": "renamed"}})).await;
    assert_eq!(structured(&updated)["snapshot"]["name"], "renamed");
    let exported = call(peer, "export-snapshot", json!({"zone": ZONE, "snapshot_id": id, "body": {"bucket": "b", "key": "via-mcp.qcow2"}})).await;
    assert!(structured(&exported)["task"]["id"].is_string(), "{}", text(&exported));
    let _ = call(peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await; // settles the export
    let deleted = call(peer, "delete-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_ne!(deleted.is_error, Some(true), "{}", text(&deleted));

    let missing = call(peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_eq!(missing.is_error, Some(true));
    assert!(text(&missing).contains("not_found"), "the upstream 404 body is in the result: {}", text(&missing));
    assert_eq!(structured(&missing)["status"], 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn streamable_http_lists_tools_and_runs_a_lifecycle() {
    let emulator = Emulator::start().await;
    let (_server, peer) = over_http(SNAPSHOTS, &emulator).await;
    let info = peer.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().map(|s| s.name.as_str()), Some("instance-snapshots-mcp"));
    assert!(info.instructions.as_deref().is_some_and(|i| i.starts_with("MCP adapter for Instance API")));
    let tools = peer.list_all_tools().await.expect("tools/list");
    assert_snapshot_tools(&tools);
    assert_eq!(tools, instance_snapshots::mcp::tools(), "the wire matches the generated table");
    snapshot_lifecycle(&peer, &emulator).await;
    peer.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread")]
async fn stdio_lists_tools_and_runs_a_lifecycle() {
    let emulator = Emulator::start().await;
    let peer = over_stdio(SNAPSHOTS, &emulator).await;
    let tools = peer.list_all_tools().await.expect("tools/list");
    assert_snapshot_tools(&tools);
    snapshot_lifecycle(&peer, &emulator).await;
    peer.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_arguments_are_tool_errors_and_nothing_goes_upstream() {
    let emulator = Emulator::start().await;
    let (_server, peer) = over_http(SNAPSHOTS, &emulator).await;
    for (arguments, named) in [
        (json!({"zone": ZONE}), "snapshot_id"),
        (json!({"zone": ZONE, "snapshot_id": 42}), "snapshot_id"),
        (json!({"zone": ZONE, "snapshot_id": "x", "colour": "red"}), "colour"),
    ] {
        let result = call(&peer, "get-snapshot", arguments.clone()).await;
        assert_eq!(result.is_error, Some(true), "{arguments}");
        assert!(text(&result).contains(named), "{arguments}: {}", text(&result));
    }
    let result = call(&peer, "list-snapshots", json!({"zone": ZONE, "per_page": "ten"})).await;
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("per_page"));
    assert!(emulator.requests().is_empty(), "sent upstream: {:?}", emulator.requests());

    let unknown = peer.call_tool(CallToolRequestParams::new("no-such-tool").with_arguments(Map::new())).await;
    let error = unknown.expect_err("unknown tool is a protocol error");
    assert!(error.to_string().contains("no-such-tool") || error.to_string().to_lowercase().contains("invalid"), "{error}");
    peer.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread")]
async fn images_tools_reach_the_merged_route() {
    let emulator = Emulator::start().await;
    let (_server, peer) = over_http(IMAGES, &emulator).await;
    let snapshot = emulator.seed_snapshot(ZONE);
    let created = call(&peer, "create-instance-image", json!({"zone": ZONE, "body": {"name": "img", "arch": "x86_64", "root_volume": snapshot}})).await;
    assert_ne!(created.is_error, Some(true), "{}", text(&created));
    let id = structured(&created)["image"]["id"].as_str().expect("image id").to_owned();
    let set = call(&peer, "update-image", json!({"zone": ZONE, "id": id, "body": {"name": "img-set", "arch": "x86_64"}})).await;
    assert_ne!(set.is_error, Some(true), "{}", text(&set));
    let patched = call(&peer, "update-image-2", json!({"zone": ZONE, "image_id": id, "body": {"name": "img-patched"}})).await;
    assert_eq!(structured(&patched)["image"]["name"], "img-patched", "{}", text(&patched));
    let methods: Vec<String> = emulator.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert!(methods.contains(&format!("PUT /instance/v1/zones/{ZONE}/images/{id}")), "{methods:?}");
    assert!(methods.contains(&format!("PATCH /instance/v1/zones/{ZONE}/images/{id}")), "{methods:?}");
    peer.cancel().await.expect("close");
}

/// Every tool as `tools/list` advertises it (name, title, description, schema, annotations), pinned.
#[test]
fn advertised_tools_are_pinned() {
    insta::assert_json_snapshot!("instance-snapshots.tools", instance_snapshots::mcp::tools());
    insta::assert_json_snapshot!("instance-images.tools", instance_images::mcp::tools());
}
