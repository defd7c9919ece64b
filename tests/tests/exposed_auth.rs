//! An exposed adapter's `authentication` is enforced on REST and MCP (constant-time comparison in the
//! runtime), while the consumed API still gets only its own configured secret. The capability is
//! compiled by `capability!` from an inline spec, so this also proves the macro's surfaces work.

use std::sync::Arc;

use naftiko_runtime::Secret;
use naftiko_tests::{EMULATOR_TOKEN, Emulator, serve};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use serde_json::json;

mod guarded {
    naftiko_runtime::capability!(yaml = r#"
naftiko: 1.0.0-alpha2
info:
  label: Guarded snapshots
  description: Snapshots behind the adapter's own credentials.
binds:
- namespace: env
  keys:
    SCALEWAY_API_KEY: SCALEWAY_API_KEY
    ADAPTER_TOKEN: ADAPTER_TOKEN
capability:
  consumes:
  - type: http
    namespace: scw
    baseUri: https://api.scaleway.com
    authentication:
      type: apikey
      key: X-Auth-Token
      value: '{{env.SCALEWAY_API_KEY}}'
      placement: header
    resources:
    - name: snapshots
      path: /instance/v1/zones/{zone}/snapshots
      operations:
      - name: listsnapshots
        method: GET
        inputParameters:
        - name: zone
          in: path
          type: string
          required: true
  exposes:
  - type: rest
    namespace: guarded-rest
    port: 8080
    authentication:
      type: bearer
      token: '{{env.ADAPTER_TOKEN}}'
    resources:
    - path: /snapshots/{zone}
      operations:
      - method: GET
        name: list
        call: scw.listsnapshots
        with:
          zone: rest.zone
  - type: mcp
    namespace: guarded-mcp
    port: 9090
    authentication:
      type: apikey
      key: X-Adapter-Key
      value: '{{env.ADAPTER_TOKEN}}'
      placement: header
    tools:
    - name: list-snapshots
      description: List snapshots
      call: scw.listsnapshots
      with:
        zone: tools.zone
"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_and_mcp_demand_their_own_credentials() {
    naftiko_runtime::install_crypto_provider();
    let emulator = Emulator::start().await;
    let secrets = guarded::Secrets { scaleway_api_key: Secret::new(EMULATOR_TOKEN), adapter_token: Secret::new("adapter-secret") };
    let client = guarded::Client::new(emulator.base_url(), guarded::Auth::from_secrets(&secrets));
    let handlers = Arc::new(guarded::Proxy::new(guarded::Clients { scw: client }));
    let rest = serve(guarded::rest::router(handlers.clone(), &secrets)).await;
    let mcp = serve(guarded::mcp::router(handlers, &secrets)).await;
    let http = reqwest::Client::new();
    let url = format!("http://{rest}/snapshots/fr-par-1");

    for (header, value) in [(None, ""), (Some("authorization"), "Bearer wrong"), (Some("authorization"), "Bearer adapter-secre"), (Some("x-auth-token"), EMULATOR_TOKEN)] {
        let mut request = http.get(&url);
        if let Some(h) = header {
            request = request.header(h, value);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 401, "{header:?} {value}");
        assert_eq!(response.headers().get("www-authenticate").map(|v| v.as_bytes()), Some(&b"Bearer"[..]), "RFC 9110: a 401 carries a challenge");
        assert_eq!(response.json::<serde_json::Value>().await.expect("json")["type"], "unauthorized");
    }
    assert!(emulator.requests().is_empty(), "nothing reaches upstream without credentials");

    // The scheme is case-insensitive (RFC 9110 §11.1).
    for scheme in ["bearer", "BEARER"] {
        let ok = http.get(&url).header("authorization", format!("{scheme} adapter-secret")).send().await.expect("request");
        assert_eq!(ok.status(), 200, "{scheme}");
    }
    emulator.clear_requests();
    let ok = http.get(&url).header("authorization", "Bearer adapter-secret").send().await.expect("request");
    assert_eq!(ok.status(), 200);
    let upstream = emulator.requests();
    assert_eq!(upstream.len(), 1);
    assert_eq!(upstream[0].header("x-auth-token"), Some(EMULATOR_TOKEN));
    assert_eq!(upstream[0].header("authorization"), None, "the caller's credentials are not forwarded");

    // MCP without its key: 401 at the transport, before any JSON-RPC.
    let denied = http.post(format!("http://{mcp}/mcp")).header("content-type", "application/json").body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).send().await.expect("post");
    assert_eq!(denied.status(), 401);
    // With it: the real rmcp client lists and calls.
    let client = reqwest::Client::builder()
        .default_headers([(reqwest::header::HeaderName::from_static("x-adapter-key"), reqwest::header::HeaderValue::from_static("adapter-secret"))].into_iter().collect())
        .build()
        .expect("client");
    let transport = rmcp::transport::StreamableHttpClientTransport::with_client(client, rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(format!("http://{mcp}/mcp")));
    let peer = ().serve(transport).await.expect("initialize with the key");
    let result = peer
        .call_tool(CallToolRequestParams::new("list-snapshots").with_arguments(json!({"zone": "fr-par-1"}).as_object().cloned().unwrap_or_default()))
        .await
        .expect("call");
    assert_ne!(result.is_error, Some(true));
    peer.cancel().await.expect("close");
}
