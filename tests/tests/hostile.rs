//! Hostile requests to a generated server: each gets a 4xx JSON error or an MCP error, nothing
//! outside the declared templates reaches upstream, and the server keeps serving.

use naftiko_tests::{EMULATOR_TOKEN, Emulator, ServerProcess};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const BASE: &str = "/v1/instance/v1/zones/fr-par-1/snapshots";

async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, reply.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_rest_requests() {
    let emulator = Emulator::start().await;
    let upstream = emulator.base_url();
    let mut server = ServerProcess::start(SNAPSHOTS, &["--upstream", &upstream], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start");
    let rest = server.rest.expect("rest");

    // Invalid UTF-8 in a path segment: 400, nothing sent.
    let (status, body) = raw(rest, &get(&format!("{BASE}/%FF%FE"))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("invalid_argument"), "{body}");

    // CR/LF in a query value stays data: encoded in the upstream query, no header injected.
    let (status, _) = raw(rest, &get(&format!("{BASE}?name=a%0D%0AX-Injected:%201"))).await;
    assert_eq!(status, 200);
    let last = emulator.requests().last().cloned().expect("forwarded");
    assert!(last.header("x-injected").is_none());
    assert_eq!(last.query.as_deref(), Some("name=a%0D%0AX-Injected%3A%201"));

    // A 100 kB path value: one segment upstream (404 from the emulator), no crash.
    let long = "a".repeat(100_000);
    let (status, _) = raw(rest, &get(&format!("{BASE}/{long}"))).await;
    assert!(status == 404 || status == 414 || status == 431 || status == 400, "{status}");

    // Undeclared query keys are not forwarded.
    emulator.clear_requests();
    let (status, _) = raw(rest, &get(&format!("{BASE}?name=x&debug=1&admin=true"))).await;
    assert_eq!(status, 200);
    assert_eq!(emulator.requests()[0].query.as_deref(), Some("name=x"));

    // A JSON body that is not an object where fields are expected, and a body on GET (ignored).
    let post = format!("POST {BASE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n[1,2,3]");
    let (status, _) = raw(rest, post.as_bytes()).await;
    assert!(status < 500, "{status}");
    let get_with_body = format!("GET {BASE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
    let (status, _) = raw(rest, get_with_body.as_bytes()).await;
    assert_eq!(status, 200, "a body sent with GET is ignored");

    assert!(server.is_alive());
    let (status, _) = raw(rest, &get("/healthz")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_mcp_requests() {
    let emulator = Emulator::start().await;
    let upstream = emulator.base_url();
    let mut server = ServerProcess::start(SNAPSHOTS, &["--upstream", &upstream, "--no-rest"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start");
    let mcp = server.mcp.expect("mcp");
    let post = |body: &str| {
        format!(
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    for body in ["{not json", "[]", r#"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#, r#"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#] {
        let (status, reply) = raw(mcp, post(body).as_bytes()).await;
        assert!(status == 200 || (400..500).contains(&status), "{body}: {status} {reply}");
        if status == 200 {
            let value: Value = serde_json::from_str(&reply).unwrap_or(Value::Null);
            assert!(value.get("error").is_some(), "{body}: {reply}");
        }
    }
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {"zone": "fr-par-1", "snapshot_id": "x".repeat(100_000)}}}).to_string();
    let (status, reply) = raw(mcp, post(&call).as_bytes()).await;
    assert_eq!(status, 200, "{reply}");
    let value: Value = serde_json::from_str(&reply).expect("JSON-RPC reply");
    assert_eq!(value["result"]["isError"], true, "the upstream 404 comes back as a tool error");
    let unknown = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "rm-rf", "arguments": {}}}).to_string();
    let (_, reply) = raw(mcp, post(&unknown).as_bytes()).await;
    assert!(serde_json::from_str::<Value>(&reply).expect("JSON")["error"]["code"] == -32602, "{reply}");
    assert!(emulator.requests().iter().all(|r| r.path.starts_with("/instance/v1/zones/fr-par-1/snapshots")));
    assert!(server.is_alive());
}
