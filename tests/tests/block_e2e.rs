//! The generated `block-snapshots` crate against the emulator's Block Storage v1 API over loopback: the typed
//! client, the REST surface of the generated binary, and its MCP tools through the rmcp client.
//!
//! What Block does differently from Instance (scaleway-api.md §0.2, §0.3, §1.3): bare objects, `total_count`
//! in the list body, 200 on create, `status` (not `state`) moving `creating` → `available`, and `tags` as a
//! repeated query key.

use block_snapshots as block;
use naftiko_runtime::Secret;
use naftiko_tests::{EMULATOR_TOKEN, Emulator, RecordedRequest, ServerProcess};
use reqwest::StatusCode;
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Map, Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_e2e-block-snapshots");
const ZONE: &str = "fr-par-1";
/// Same region as `ZONE`: an object exported from one imports into the other (guide, seed 004).
const OTHER_ZONE: &str = "fr-par-2";
const ENCRYPTED: &str = "The provided QCOW2 file is encrypted";

fn client(emulator: &Emulator) -> block::Client {
    block::Client::new(emulator.base_url(), block::Auth { scaleway_api_key: Secret::new(EMULATOR_TOKEN) })
}

fn body(response: &naftiko_runtime::Response) -> Value {
    response.json().expect("JSON body")
}

fn last_get(emulator: &Emulator) -> RecordedRequest {
    emulator.requests().into_iter().rev().find(|r| r.method == "GET").expect("a GET went upstream")
}

async fn create(client: &block::Client, volume: &str, name: &str, tags: &[&str]) -> Value {
    let reply = client
        .create_snapshot(
            block::CreateSnapshotParams::new(ZONE, volume).with_name(name).with_tags(tags.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>()),
        )
        .await
        .expect("create");
    assert_eq!(reply.status.as_u16(), 200, "Block create answers 200, not 201");
    body(&reply)
}

// ------------------------------------------------------------------ typed client

#[tokio::test]
async fn client_lifecycle_bare_objects_total_count_and_status() {
    let emulator = Emulator::start().await;
    let client = client(&emulator);
    let volume = emulator.seed_block_volume(ZONE);

    let alpha = create(&client, &volume, "alpha", &["a"]).await;
    assert_eq!(alpha["name"], "alpha");
    assert!(alpha.get("snapshot").is_none(), "a bare Snapshot, no envelope: {alpha}");
    assert_eq!(alpha["status"], "creating");
    assert_eq!(alpha["parent_volume"]["id"], volume.as_str());
    assert_eq!(alpha["parent_volume"]["type"], "sbs_5k");
    assert_eq!((alpha["size"].as_u64(), alpha["class"].as_str(), alpha["public"].as_bool()), (Some(15_000_000_000), Some("sbs"), Some(false)));
    assert_eq!(alpha["tags"], json!(["a"]));
    let id = alpha["id"].as_str().expect("id").to_owned();
    create(&client, &volume, "beta", &["b"]).await;
    create(&client, &volume, "gamma", &["c"]).await;

    // creating → available: the first read still shows the transient status, the next one the final one.
    let get = || client.get_snapshot(block::GetSnapshotParams { zone: ZONE.into(), snapshot_id: id.clone() });
    let first = get().await.expect("get");
    assert_eq!((first.status.as_u16(), body(&first)["status"].clone()), (200, json!("creating")));
    assert_eq!(body(&get().await.expect("get again"))["status"], "available");

    let page = client
        .list_snapshots(block::ListSnapshotsParams::new(ZONE).with_order_by("name_desc").with_page(2).with_page_size(2))
        .await
        .expect("list page 2");
    let listed = body(&page);
    assert_eq!(listed["total_count"], 3, "the total is in the body: {listed}");
    assert_eq!(page.header("x-total-count"), None, "Block has no X-Total-Count header");
    let names: Vec<&str> = listed["snapshots"].as_array().expect("snapshots").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["alpha"], "name_desc puts alpha last");

    // Every page, until the body's `total_count`: pages of two, then the last one of one.
    let every = client.list_snapshots_all(block::ListSnapshotsParams::new(ZONE).with_order_by("name_asc").with_page_size(2)).await.expect("every page");
    let names: Vec<&str> = every.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    assert_eq!(last_get(&emulator).query.as_deref(), Some("order_by=name_asc&page=2&page_size=2"));

    let past_end = client.list_snapshots(block::ListSnapshotsParams::new(ZONE).with_page(9)).await.expect("past the end");
    assert_eq!(body(&past_end), json!({"snapshots": [], "total_count": 3}));

    let tagged = client
        .list_snapshots(block::ListSnapshotsParams::new(ZONE).with_tags(vec!["a".to_owned(), "c".to_owned()]).with_include_deleted(true))
        .await
        .expect("tags filter");
    assert_eq!(body(&tagged)["total_count"], 2, "one or more matching tags");
    assert_eq!(last_get(&emulator).query.as_deref(), Some("tags=a&tags=c&include_deleted=true"));

    let patched = client
        .update_snapshot(block::UpdateSnapshotParams { zone: ZONE.into(), snapshot_id: id.clone(), name: Some("alpha-2".into()), tags: Some(vec!["x".into()]), public: Some(true) })
        .await
        .expect("patch");
    assert_eq!(patched.status.as_u16(), 200);
    let patched = body(&patched);
    assert_eq!((&patched["name"], &patched["tags"], &patched["public"]), (&json!("alpha-2"), &json!(["x"]), &json!(true)));
    let sent = emulator.requests().into_iter().find(|r| r.method == "PATCH").expect("PATCH upstream");
    assert_eq!(sent.body_json(), Some(json!({"name": "alpha-2", "tags": ["x"], "public": true})));

    let exported = client
        .export_snapshot_to_object_storage(block::ExportSnapshotToObjectStorageParams { zone: ZONE.into(), snapshot_id: id.clone(), bucket: "backups".into(), key: "alpha.qcow2".into() })
        .await
        .expect("export");
    assert_eq!((exported.status.as_u16(), body(&exported)["status"].clone()), (200, json!("exporting")));
    assert_eq!(emulator.object(ZONE, "backups", "alpha.qcow2").map(|o| o.size), Some(15_000_000_000));

    let imported = client
        .import_snapshot_from_object_storage(
            block::ImportSnapshotFromObjectStorageParams::new(OTHER_ZONE, "backups", "alpha.qcow2").with_name("alpha-copy"),
        )
        .await
        .expect("import into the other zone of the region");
    let copy = body(&imported);
    assert_eq!((imported.status.as_u16(), &copy["status"], &copy["parent_volume"], &copy["zone"]), (200, &json!("creating"), &Value::Null, &json!(OTHER_ZONE)));
    assert_eq!(copy["size"], 15_000_000_000u64, "the size defaults to the object's");

    let _ = get().await; // settles the export
    let deleted = client.delete_snapshot(block::DeleteSnapshotParams { zone: ZONE.into(), snapshot_id: id.clone() }).await.expect("delete");
    assert_eq!(deleted.status.as_u16(), 204);
    assert!(deleted.body.is_empty());
    let gone = get().await.expect_err("deleted");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(gone.json(), Some(json!({"message": "resource is not found", "resource": "snapshot", "resource_id": id, "type": "not_found"})));

    let requests = emulator.requests();
    assert!(requests.iter().all(|r| r.header("x-auth-token") == Some(EMULATOR_TOKEN)));
    assert!(requests.iter().all(|r| r.path.starts_with("/block/v1/zones/")), "every call is Block v1");
}

#[tokio::test]
async fn client_errors_keep_the_api_status_and_message() {
    let emulator = Emulator::start().await;
    let client = client(&emulator);
    let volume = emulator.seed_block_volume(ZONE);

    let refused = client
        .import_snapshot_from_object_storage(block::ImportSnapshotFromObjectStorageParams::new(ZONE, "b", "disk-encrypted.qcow2"))
        .await
        .expect_err("an encrypted QCOW2 is refused");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400));
    let error = refused.json().expect("error body");
    assert_eq!(error["type"], "invalid_arguments");
    assert_eq!(error["details"][0]["help_message"], ENCRYPTED);

    let missing = client
        .import_snapshot_from_object_storage(block::ImportSnapshotFromObjectStorageParams::new(ZONE, "b", "nothing-here.qcow2"))
        .await
        .expect_err("no such object");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(missing.json().map(|b| b["resource_id"].clone()), Some(json!("b/nothing-here.qcow2")));

    let fresh = create(&client, &volume, "fresh", &[]).await;
    let busy = client
        .export_snapshot_to_object_storage(block::ExportSnapshotToObjectStorageParams {
            zone: ZONE.into(),
            snapshot_id: fresh["id"].as_str().expect("id").into(),
            bucket: "b".into(),
            key: "fresh.qcow2".into(),
        })
        .await
        .expect_err("still creating");
    assert_eq!(busy.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(busy.json().map(|b| (b["type"].clone(), b["current_state"].clone())), Some((json!("transient_state"), json!("creating"))));

    // it-mil-1 is an Instance zone but not a Block zone (§4).
    let zone = client.list_snapshots(block::ListSnapshotsParams::new("it-mil-1")).await.expect_err("not a Block zone");
    assert_eq!(zone.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(zone.json(), Some(json!({"message": "Unknown zone in path"})));

    let size = client.list_snapshots(block::ListSnapshotsParams::new(ZONE).with_page_size(101)).await.expect_err("page_size above 100");
    assert_eq!(size.json().map(|b| b["details"][0]["argument_name"].clone()), Some(json!("page_size")));
}

// ------------------------------------------------------------------ REST, through the generated binary

fn http() -> reqwest::Client {
    naftiko_runtime::install_crypto_provider();
    reqwest::Client::new()
}

fn serve_rest(emulator: &Emulator) -> ServerProcess {
    ServerProcess::start(BINARY, &["--upstream", &emulator.base_url(), "--no-mcp"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).unwrap_or_else(|e| panic!("{e}"))
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())) };
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_pages_and_sends_repeated_tags_upstream() {
    let emulator = Emulator::start().await;
    let server = serve_rest(&emulator);
    let http = http();
    let base = format!("{}/v1/block/v1/zones/{ZONE}/snapshots", server.rest_url());
    let volume = emulator.seed_block_volume(ZONE);

    for (name, tag) in [("one", "a"), ("two", "b"), ("three", "a"), ("four", "z")] {
        let (status, body) = json_of(http.post(&base).json(&json!({"volume_id": volume, "name": name, "tags": [tag]})).send().await.expect("create")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((&body["name"], &body["status"]), (&json!(name), &json!("creating")));
    }
    let created = emulator.requests().into_iter().find(|r| r.method == "POST").expect("POST upstream");
    assert_eq!(created.path, format!("/block/v1/zones/{ZONE}/snapshots"));
    assert_eq!(created.body_json(), Some(json!({"volume_id": volume, "name": "one", "tags": ["a"]})));

    emulator.clear_requests();
    let (status, body) = json_of(http.get(format!("{base}?tags=a&tags=b&order_by=name_asc&page_size=2&page=2")).send().await.expect("list")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total_count"], 3, "a, b and a again: {body}");
    let names: Vec<&str> = body["snapshots"].as_array().expect("snapshots").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["two"], "name_asc: one, three | two");
    let upstream = emulator.requests();
    assert_eq!(upstream.len(), 1);
    assert_eq!(upstream[0].path, format!("/block/v1/zones/{ZONE}/snapshots"));
    assert_eq!(upstream[0].query.as_deref(), Some("order_by=name_asc&page=2&page_size=2&tags=a&tags=b"), "each tag is its own key");

    let (status, body) = json_of(http.get(format!("{base}?page=3&page_size=2")).send().await.expect("past the end")).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"snapshots": [], "total_count": 4})));
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_export_import_update_delete_and_errors() {
    let emulator = Emulator::start().await;
    let server = serve_rest(&emulator);
    let http = http();
    let base = format!("{}/v1/block/v1/zones/{ZONE}/snapshots", server.rest_url());
    let id = emulator.seed_block_snapshot(ZONE);
    let item = format!("{base}/{id}");

    let (status, body) = json_of(http.patch(&item).json(&json!({"name": "renamed", "tags": ["t1", "t2"]})).send().await.expect("patch")).await;
    assert_eq!((status, &body["name"], &body["tags"]), (StatusCode::OK, &json!("renamed"), &json!(["t1", "t2"])));

    let (status, body) = json_of(http.post(format!("{item}/export-to-object-storage")).json(&json!({"bucket": "exports", "key": "renamed.qcow2"})).send().await.expect("export")).await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("exporting")), "{body}");

    let import = format!("{}/v1/block/v1/zones/{OTHER_ZONE}/snapshots/import-from-object-storage", server.rest_url());
    let (status, body) = json_of(http.post(&import).json(&json!({"bucket": "exports", "key": "renamed.qcow2", "name": "copy", "tags": ["imported"]})).send().await.expect("import")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((&body["zone"], &body["name"], &body["parent_volume"], &body["tags"]), (&json!(OTHER_ZONE), &json!("copy"), &Value::Null, &json!(["imported"])));

    // The guide's refusal passes through with the API's status and message.
    let (status, body) = json_of(http.post(&import).json(&json!({"bucket": "exports", "key": "old-zstd.qcow2"})).send().await.expect("zstd")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"][0]["help_message"], "The provided QCOW2 has an unsupported compression type");

    // A required body field missing: the adapter's own 400, nothing sent upstream.
    emulator.clear_requests();
    let (status, body) = json_of(http.post(&import).json(&json!({"bucket": "exports"})).send().await.expect("no key")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["type"], "invalid_argument");
    assert!(body["message"].as_str().unwrap_or_default().contains("key"), "{body}");
    let (status, body) = json_of(http.post(&base).json(&json!({"volume_id": "v", "tags": "not-a-list"})).send().await.expect("bad tags")).await;
    assert_eq!((status, &body["type"]), (StatusCode::BAD_REQUEST, &json!("invalid_argument")), "{body}");
    assert!(emulator.requests().is_empty(), "sent upstream: {:?}", emulator.requests());

    let _ = http.get(&item).send().await; // settles the export
    let response = http.delete(&item).send().await.expect("delete");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = json_of(http.get(&item).send().await.expect("get after delete")).await;
    assert_eq!((status, &body["type"], &body["resource"]), (StatusCode::NOT_FOUND, &json!("not_found"), &json!("snapshot")));
}

// ------------------------------------------------------------------ MCP, through the rmcp client

type Peer = RunningService<RoleClient, ()>;

async fn call(peer: &Peer, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)).await.unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn structured(result: &CallToolResult) -> Value {
    result.structured_content.clone().unwrap_or(Value::Null)
}

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("")
}

#[tokio::test(flavor = "multi_thread")]
async fn mcp_tools_carry_their_semantics_and_reach_block_v1() {
    naftiko_runtime::install_crypto_provider();
    let emulator = Emulator::start().await;
    let server = ServerProcess::start(BINARY, &["--upstream", &emulator.base_url(), "--no-rest"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).unwrap_or_else(|e| panic!("{e}"));
    let peer: Peer = ().serve(StreamableHttpClientTransport::from_uri(server.mcp_url())).await.expect("initialize");

    let tools = peer.list_all_tools().await.expect("tools/list");
    assert_eq!(tools, block::mcp::tools(), "the wire matches the generated table");
    let by_name: Map<String, Value> = tools.iter().map(|t| (t.name.to_string(), serde_json::to_value(t).expect("tool JSON"))).collect();
    let names: Vec<&str> = by_name.keys().map(String::as_str).collect();
    assert_eq!(names, ["list-snapshots", "create-snapshot", "import-snapshot-from-object-storage", "get-snapshot", "update-snapshot", "delete-snapshot", "export-snapshot-to-object-storage"]);
    let annotations = |name: &str| by_name[name]["annotations"].clone();
    assert_eq!(annotations("list-snapshots"), json!({"title": "List Block Storage snapshots", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}));
    assert_eq!(annotations("delete-snapshot")["destructiveHint"], true);
    assert_eq!((annotations("export-snapshot-to-object-storage")["destructiveHint"].clone(), annotations("export-snapshot-to-object-storage")["idempotentHint"].clone()), (json!(true), json!(false)), "an export may replace an object");
    assert_eq!((annotations("import-snapshot-from-object-storage")["readOnlyHint"].clone(), annotations("import-snapshot-from-object-storage")["idempotentHint"].clone()), (json!(false), json!(false)));
    assert_eq!(annotations("update-snapshot")["idempotentHint"], true);
    let list_schema = &by_name["list-snapshots"]["inputSchema"];
    assert_eq!(list_schema["properties"]["tags"], json!({"type": "array", "items": {"type": "string"}, "description": "Filter by tags. Only snapshots with one or more matching tags will be returned."}));
    assert_eq!(list_schema["properties"]["include_deleted"]["type"], "boolean");
    assert_eq!(by_name["import-snapshot-from-object-storage"]["inputSchema"]["required"], json!(["zone", "bucket", "key"]));
    assert_eq!(by_name["create-snapshot"]["inputSchema"]["required"], json!(["zone", "volume_id"]));

    let volume = emulator.seed_block_volume(ZONE);
    let created = call(&peer, "create-snapshot", json!({"zone": ZONE, "volume_id": volume, "name": "via-mcp", "tags": ["m1", "m2"]})).await;
    assert_ne!(created.is_error, Some(true), "{}", text(&created));
    let snapshot = structured(&created);
    assert_eq!((&snapshot["status"], &snapshot["tags"]), (&json!("creating"), &json!(["m1", "m2"])));
    let id = snapshot["id"].as_str().expect("id").to_owned();

    emulator.clear_requests();
    let listed = call(&peer, "list-snapshots", json!({"zone": ZONE, "tags": ["m2", "zz"], "page_size": 10})).await;
    assert_eq!(structured(&listed)["total_count"], 1, "{}", text(&listed));
    assert_eq!(structured(&listed)["snapshots"][0]["id"], id.as_str());
    assert_eq!(last_get(&emulator).query.as_deref(), Some("page_size=10&tags=m2&tags=zz"));

    let got = call(&peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_eq!(structured(&got)["status"], "available", "the list read was the transient one");
    let exported = call(&peer, "export-snapshot-to-object-storage", json!({"zone": ZONE, "snapshot_id": id, "bucket": "b", "key": "via-mcp.qcow2"})).await;
    assert_eq!(structured(&exported)["status"], "exporting", "{}", text(&exported));
    let imported = call(&peer, "import-snapshot-from-object-storage", json!({"zone": OTHER_ZONE, "bucket": "b", "key": "via-mcp.qcow2", "size": 15_000_000_000u64})).await;
    assert_eq!((structured(&imported)["zone"].clone(), structured(&imported)["size"].clone()), (json!(OTHER_ZONE), json!(15_000_000_000u64)), "{}", text(&imported));

    let refused = call(&peer, "import-snapshot-from-object-storage", json!({"zone": OTHER_ZONE, "bucket": "b", "key": "encrypted.qcow2"})).await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).contains(ENCRYPTED), "the API's message reaches the model: {}", text(&refused));
    assert_eq!(structured(&refused)["status"], 400);

    emulator.clear_requests();
    let invalid = call(&peer, "list-snapshots", json!({"zone": ZONE, "tags": "m1"})).await;
    assert_eq!(invalid.is_error, Some(true), "tags must be an array");
    assert!(text(&invalid).contains("tags"), "{}", text(&invalid));
    assert!(emulator.requests().is_empty(), "sent upstream: {:?}", emulator.requests());

    let _ = call(&peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await; // settles the export
    let deleted = call(&peer, "delete-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_ne!(deleted.is_error, Some(true), "{}", text(&deleted));
    let missing = call(&peer, "get-snapshot", json!({"zone": ZONE, "snapshot_id": id})).await;
    assert_eq!((missing.is_error, structured(&missing)["status"].clone()), (Some(true), json!(404)));
    peer.cancel().await.expect("close");
}

// ------------------------------------------------------------------ the emulator's two Block versions

#[tokio::test]
async fn emulator_serves_v1_beside_v1alpha1() {
    let emulator = Emulator::start().await;
    emulator.seed_object(ZONE, "b", "disk.qcow2", 1 << 30);
    let http = http();
    let post = |version: &str, action: &str| {
        http.post(format!("{}/block/{version}/zones/{ZONE}/snapshots/{action}", emulator.base_url())).header("X-Auth-Token", EMULATOR_TOKEN).json(&json!({"bucket": "b", "key": "disk.qcow2"})).send()
    };
    // §1.3: v1 is the same routes without the deprecated import-from-s3, and adds `public` to the Snapshot.
    let (status, gone) = json_of(post("v1", "import-from-s3").await.expect("v1 s3")).await;
    assert_eq!((status, &gone["type"]), (StatusCode::NOT_FOUND, &json!("not_found")));
    let (status, alpha) = json_of(post("v1alpha1", "import-from-s3").await.expect("v1alpha1 s3")).await;
    assert_eq!((status, alpha.get("public")), (StatusCode::OK, None), "{alpha}");
    let (status, ga) = json_of(post("v1", "import-from-object-storage").await.expect("v1 import")).await;
    assert_eq!((status, &ga["public"], &ga["size"]), (StatusCode::OK, &json!(false), &json!(1u64 << 30)));
    // Both versions see one store.
    let client = client(&emulator);
    let listed = client.list_snapshots(block::ListSnapshotsParams::new(ZONE)).await.expect("list");
    assert_eq!(body(&listed)["total_count"], 2);
    let response = http.get(format!("{}/block/v1/zones/{ZONE}/snapshots?include_deleted=maybe", emulator.base_url())).header("X-Auth-Token", EMULATOR_TOKEN).send().await.expect("bad boolean");
    let (status, error) = json_of(response).await;
    assert_eq!((status, &error["details"][0]["argument_name"]), (StatusCode::BAD_REQUEST, &json!("include_deleted")));
}
