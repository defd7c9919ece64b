//! One override, both surfaces: REST answers 403 and the MCP tool reports an error, and the emulator
//! never sees a DELETE.

use std::sync::Arc;

use example_override_handler::NoDeletes;
use instance_snapshots::{Auth, Client, Clients};
use naftiko_runtime::Secret;
use naftiko_tests::{EMULATOR_TOKEN, Emulator};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use serde_json::json;

async fn serve(router: naftiko_runtime::rest::axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { naftiko_runtime::rest::axum::serve(listener, router).await });
    addr
}

#[tokio::test(flavor = "multi_thread")]
async fn deletes_are_refused_on_rest_and_mcp() {
    naftiko_runtime::install_crypto_provider();
    let emulator = Emulator::start().await;
    let client = Client::new(emulator.base_url(), Auth { scaleway_api_key: Secret::new(EMULATOR_TOKEN) });
    let handlers = Arc::new(NoDeletes { clients: Clients { instance_snapshots: client } });
    let rest = serve(instance_snapshots::rest::router(handlers.clone())).await;
    let mcp = serve(instance_snapshots::mcp::router(handlers)).await;

    let response = reqwest::Client::new().delete(format!("http://{rest}/v1/instance/v1/zones/fr-par-1/snapshots/abc")).send().await.expect("delete");
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<serde_json::Value>().await.expect("json")["type"], "forbidden");

    let peer = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(format!("http://{mcp}/mcp"))).await.expect("initialize");
    let arguments = json!({"zone": "fr-par-1", "snapshot_id": "abc"}).as_object().cloned().unwrap_or_default();
    let result = peer.call_tool(CallToolRequestParams::new("delete-snapshot").with_arguments(arguments)).await.expect("call");
    assert_eq!(result.is_error, Some(true));

    // Other operations still forward.
    let list = reqwest::Client::new().get(format!("http://{rest}/v1/instance/v1/zones/fr-par-1/snapshots")).send().await.expect("list");
    assert_eq!(list.status(), 200);
    assert!(emulator.requests().iter().all(|r| r.method != "DELETE"));
    assert_eq!(emulator.requests().len(), 1);
}
