//! MCP resources and prompts (tests/fixtures/resources.yaml), driven by the real rmcp client over
//! Streamable HTTP (in process) and over stdio (the generated binary as a child process), in front of
//! the Scaleway emulator: resources listed and read
//! (from upstream, with and without URI variables, and from files), traversal refused, prompts listed,
//! rendered and their arguments checked.

use std::sync::Arc;

use naftiko_tests::{EMULATOR_TOKEN, Emulator, ServerProcess};
use rmcp::ServiceExt as _;
use rmcp::model::{ErrorCode, GetPromptRequestParams, ReadResourceRequestParams, ReadResourceResult, ResourceContents};
use rmcp::service::{RoleClient, RunningService, ServiceError};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Map, Value, json};

mod resources {
    include!(concat!(env!("OUT_DIR"), "/resources.rs"));
}

const ZONE: &str = "fr-par-1";

type Peer = RunningService<RoleClient, ()>;

fn handlers(emulator: &Emulator) -> Arc<resources::Proxy> {
    let auth = resources::Auth { scaleway_api_key: naftiko_runtime::Secret::new(EMULATOR_TOKEN.to_owned()) };
    let client = resources::Client::new(emulator.base_url(), auth);
    Arc::new(resources::Proxy::new(resources::Clients { instance: client }))
}

async fn over_http(emulator: &Emulator) -> Peer {
    let addr = naftiko_tests::serve(resources::mcp::router(handlers(emulator))).await;
    ().serve(StreamableHttpClientTransport::from_uri(format!("http://{addr}/mcp"))).await.expect("initialize over Streamable HTTP")
}

/// The fixture's generated binary (served by `e2e-shipyard`) as a child process speaking MCP on stdio.
async fn over_stdio(emulator: &Emulator) -> Peer {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_e2e-shipyard"));
    command
        .args(["serve", "--stdio", "--upstream", &emulator.base_url()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SHIPYARD_STEP", "resources")
        .env("SCALEWAY_API_KEY", EMULATOR_TOKEN)
        .env("RUST_LOG", "warn");
    ().serve(TokioChildProcess::new(command).expect("spawn")).await.expect("initialize over stdio")
}

async fn read(peer: &Peer, uri: &str) -> Result<ReadResourceResult, ServiceError> {
    peer.read_resource(ReadResourceRequestParams::new(uri)).await
}

/// The one content of a read: (uri, mime type, text).
fn text_of(result: &ReadResourceResult) -> (String, Option<String>, String) {
    assert_eq!(result.contents.len(), 1, "{result:?}");
    match &result.contents[0] {
        ResourceContents::TextResourceContents { uri, mime_type, text, .. } => (uri.clone(), mime_type.clone(), text.clone()),
        other => panic!("expected text, got {other:?}"),
    }
}

fn protocol_error(result: Result<impl std::fmt::Debug, ServiceError>) -> (ErrorCode, String) {
    match result {
        Err(ServiceError::McpError(error)) => (error.code, error.message.into_owned()),
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("an object")
}

async fn resources_and_prompts(peer: &Peer, emulator: &Emulator) {
    let info = peer.peer_info().expect("server info");
    let capabilities = serde_json::to_value(&info.capabilities).expect("JSON");
    assert!(capabilities["resources"].is_object() && capabilities["prompts"].is_object(), "{capabilities}");

    // resources/list: the fixed read and each file (sorted, hidden files left out); templates apart.
    let listed = peer.list_all_resources().await.expect("resources/list");
    let uris: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris, ["scaleway://zones/fr-par-1/snapshot-names", "docs://guides/retention.md", "docs://guides/snapshots/naming.txt"]);
    assert_eq!(listed[1].mime_type.as_deref(), Some("text/markdown"));
    assert_eq!(listed[2].mime_type.as_deref(), Some("text/plain"));
    assert_eq!((listed[1].name.as_str(), listed[1].title.as_deref()), ("guides", Some("Snapshot guides")));
    let templates = peer.list_all_resource_templates().await.expect("resources/templates/list");
    let templates: Vec<Value> = templates.iter().map(|t| serde_json::to_value(t).expect("JSON")).collect();
    assert_eq!(
        templates,
        [json!({"uriTemplate": "scaleway://zones/{zone}/snapshots/{snapshot_id}", "name": "snapshot", "title": "Snapshot",
                "description": "One snapshot, as the Instance API describes it.", "mimeType": "application/json"})]
    );

    // A template read: its variables are the call's arguments; the upstream reply is the text.
    let id = emulator.seed_snapshot(ZONE);
    emulator.clear_requests();
    let uri = format!("scaleway://zones/{ZONE}/snapshots/{id}");
    let (read_uri, mime, text) = text_of(&read(peer, &uri).await.expect("resources/read"));
    assert_eq!((read_uri.as_str(), mime.as_deref()), (uri.as_str(), Some("application/json")));
    let body: Value = serde_json::from_str(&text).expect("the snapshot as JSON");
    assert_eq!(body["snapshot"]["id"], id.as_str());
    let sent = emulator.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].target(), format!("/instance/v1/zones/{ZONE}/snapshots/{id}"));
    assert_eq!(sent[0].header("x-auth-token"), Some(EMULATOR_TOKEN));

    // A fixed read with shaped output.
    let (_, mime, text) = text_of(&read(peer, "scaleway://zones/fr-par-1/snapshot-names").await.expect("resources/read"));
    assert_eq!(mime.as_deref(), Some("application/json"));
    let names: Value = serde_json::from_str(&text).expect("JSON");
    assert!(names.as_array().is_some_and(|n| n.iter().all(|s| s.as_object().is_some_and(|o| o.len() == 1 && o["name"].is_string()))), "{names}");

    // An upstream error is a protocol error carrying the status and body.
    let missing = read(peer, &format!("scaleway://zones/{ZONE}/snapshots/00000000-0000-0000-0000-000000000000")).await;
    match missing {
        Err(ServiceError::McpError(error)) => {
            assert_eq!(error.code, ErrorCode::INTERNAL_ERROR);
            assert_eq!(error.data.as_ref().map(|d| d["status"].clone()), Some(json!(404)), "{error:?}");
        }
        other => panic!("expected an error, got {other:?}"),
    }

    // Files: read by their URIs; traversal and hidden files refused with nothing read.
    let (_, mime, text) = text_of(&read(peer, "docs://guides/retention.md").await.expect("a file"));
    assert_eq!((mime.as_deref(), text.as_str()), (Some("text/markdown"), include_str!("../fixtures/guides/retention.md")));
    let (_, _, text) = text_of(&read(peer, "docs://guides/snapshots/naming.txt").await.expect("a nested file"));
    assert_eq!(text, include_str!("../fixtures/guides/snapshots/naming.txt"));
    for hostile in [
        "docs://guides/../resources.yaml",
        "docs://guides/snapshots/../../resources.yaml",
        "docs://guides/%2e%2e/resources.yaml",
        "docs://guides/..%2fresources.yaml",
        "docs://guides//etc/passwd",
        "docs://guides/.hidden",
        "docs://guides/snapshots\\..\\..\\resources.yaml",
    ] {
        let (code, message) = protocol_error(read(peer, hostile).await);
        assert_eq!(code, ErrorCode::INVALID_PARAMS, "{hostile}: {message}");
    }
    let (code, _) = protocol_error(read(peer, "docs://guides/nothing.md").await);
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND);
    let (code, _) = protocol_error(read(peer, "nope://anything").await);
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND);

    // Prompts: listed with their arguments, rendered, arguments checked.
    let prompts = peer.list_all_prompts().await.expect("prompts/list");
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["review-snapshot", "cleanup-plan"]);
    assert_eq!(
        serde_json::to_value(&prompts[0].arguments).expect("JSON"),
        json!([{"name": "snapshot_id", "description": "The snapshot to review.", "required": true},
               {"name": "zone", "description": "Its zone.", "required": true},
               {"name": "reason", "description": "Why it might go.", "required": false}])
    );
    let rendered = peer
        .get_prompt(
            GetPromptRequestParams::new("review-snapshot").with_arguments(object(json!({"snapshot_id": "s-1", "zone": ZONE, "reason": "{{zone}}"}))),
        )
        .await
        .expect("prompts/get");
    let messages = serde_json::to_value(&rendered.messages).expect("JSON");
    assert_eq!(
        messages,
        json!([
            {"role": "user", "content": {"type": "text", "text": "Review snapshot s-1 in fr-par-1 before deletion. Reason given: {{zone}}."}},
            {"role": "assistant", "content": {"type": "text", "text": "I will read scaleway://zones/fr-par-1/snapshots/s-1 first."}}
        ]),
        "one pass: a value is never read for placeholders"
    );
    let from_file = peer
        .get_prompt(GetPromptRequestParams::new("cleanup-plan").with_arguments(object(json!({"zone": "nl-ams-1"}))))
        .await
        .expect("a file prompt");
    let text = serde_json::to_value(&from_file.messages).expect("JSON")[0]["content"]["text"].clone();
    assert_eq!(text, include_str!("../fixtures/prompts/cleanup.md").replace("{{zone}}", "nl-ams-1"));
    let (code, message) =
        protocol_error(peer.get_prompt(GetPromptRequestParams::new("review-snapshot").with_arguments(object(json!({"zone": ZONE})))).await);
    assert_eq!(
        (code, message.as_str()),
        (ErrorCode::INVALID_PARAMS, "invalid arguments for prompt `review-snapshot`: missing required argument `snapshot_id`")
    );
    let (code, _) = protocol_error(peer.get_prompt(GetPromptRequestParams::new("nope")).await);
    assert_eq!(code, ErrorCode::INVALID_PARAMS);
}

#[tokio::test(flavor = "multi_thread")]
async fn streamable_http_serves_resources_and_prompts() {
    let emulator = Emulator::start().await;
    let peer = over_http(&emulator).await;
    resources_and_prompts(&peer, &emulator).await;
    peer.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn stdio_serves_resources_and_prompts() {
    let emulator = Emulator::start().await;
    let peer = over_stdio(&emulator).await;
    resources_and_prompts(&peer, &emulator).await;
    peer.cancel().await.ok();
}

/// The generated binary reads files from its working directory, or from `serve --root`; without them it
/// does not start, and says which resource or prompt lacks what.
#[tokio::test(flavor = "multi_thread")]
async fn the_binary_reads_files_from_its_root_and_will_not_start_without_them() {
    const BINARY: &str = env!("CARGO_BIN_EXE_e2e-shipyard");
    let emulator = Emulator::start().await;
    let env = [("SHIPYARD_STEP", "resources"), ("SCALEWAY_API_KEY", EMULATOR_TOKEN)];
    let elsewhere = std::env::temp_dir();
    let root = env!("CARGO_MANIFEST_DIR");
    let server = ServerProcess::start_in(&elsewhere, BINARY, &["--upstream", &emulator.base_url(), "--root", root, "--no-rest"], &env)
        .unwrap_or_else(|e| panic!("{e}"));
    naftiko_runtime::install_crypto_provider();
    let peer = ().serve(StreamableHttpClientTransport::from_uri(server.mcp_url())).await.expect("initialize");
    let (_, _, text) = text_of(&read(&peer, "docs://guides/retention.md").await.expect("a file under --root"));
    assert_eq!(text, include_str!("../fixtures/guides/retention.md"));
    peer.cancel().await.ok();
    drop(server);

    let refused = std::process::Command::new(BINARY)
        .current_dir(&elsewhere)
        .args(["serve", "--mcp-addr", "127.0.0.1:0"])
        .envs(env)
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("resource `guides`: no directory at") && stderr.contains("prompt `cleanup-plan`: no file at"), "{stderr}");
    let no_root =
        std::process::Command::new(BINARY).args(["serve", "--root", "/nonexistent/naftiko-root"]).envs(env).output().expect("run the binary");
    assert!(String::from_utf8_lossy(&no_root.stderr).contains("--root /nonexistent/naftiko-root: no such directory"));
}
