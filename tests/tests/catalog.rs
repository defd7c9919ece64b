//! Upstreams that do not answer JSON, and `forward` routes, on a spec of our own
//! (tests/fixtures/catalog.yaml, with its `.proto` and `.avsc`): Protobuf, Avro and PSV replies converted
//! to JSON on REST and MCP, broken bodies answered 502 / tool errors naming the format, and a forward route
//! that streams what it may and refuses what would leave its base path — checked against a recording upstream.

use std::net::SocketAddr;
use std::sync::Arc;

use naftiko_tests::{Answer, RecordedRequest, Recorder, serve};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod catalog {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// A varint (Protobuf's base-128 integers).
fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A length-delimited field.
fn bytes_field(field: u64, data: &[u8], out: &mut Vec<u8>) {
    varint(field << 3 | 2, out);
    varint(data.len() as u64, out);
    out.extend_from_slice(data);
}

fn varint_field(field: u64, n: u64, out: &mut Vec<u8>) {
    varint(field << 3, out);
    varint(n, out);
}

/// `Records` of tests/fixtures/catalog.proto, encoded by hand.
fn records_pb() -> Vec<u8> {
    let mut dune = Vec::new();
    bytes_field(1, b"r-1", &mut dune);
    bytes_field(2, b"Dune", &mut dune);
    varint_field(3, 1, &mut dune);
    bytes_field(4, &[0xde, 0xad], &mut dune);
    varint_field(5, 5_000_000_000, &mut dune);
    let mut alien = Vec::new();
    bytes_field(1, b"r-2", &mut alien);
    bytes_field(2, b"Alien", &mut alien);
    varint_field(3, 2, &mut alien);
    let mut records = Vec::new();
    bytes_field(1, &dune, &mut records);
    bytes_field(1, &alien, &mut records);
    varint_field(2, 2, &mut records);
    records
}

/// One Avro datum of tests/fixtures/catalog.avsc: `{"records": [{"id":"1","title":"First","description":"Desc"},
/// {"id":"2","title":"Second","description":null}]}` (the reference engine's research sample).
const RECORDS_AVRO: [u8; 26] = [
    0x04, 0x02, 0x31, 0x0a, 0x46, 0x69, 0x72, 0x73, 0x74, 0x02, 0x08, 0x44, 0x65, 0x73, 0x63, 0x02, 0x32, 0x0c, 0x53, 0x65, 0x63, 0x6f, 0x6e, 0x64,
    0x00, 0x00,
];

fn catalog_api(request: &RecordedRequest) -> Answer {
    match request.path.as_str() {
        "/v1/records.pb" => Answer::bytes(200, "application/x-protobuf", records_pb()),
        "/v1/records.avro" => Answer::bytes(200, "application/avro", RECORDS_AVRO.to_vec()),
        "/v1/records.psv" => Answer::text(200, "text/plain", "id|name\n1|Ada\n2|Grace\n"),
        "/v1/broken.pb" => Answer::bytes(200, "application/x-protobuf", vec![0x0a, 0x20, 0x01]),
        path if path.starts_with("/v1/items") => Answer::json(201, r#"{"stored":true}"#)
            .header("etag", "\"v7\"")
            .header("set-cookie", "upstream-session=secret")
            .header("x-upstream", "catalog"),
        _ => Answer::json(404, r#"{"error":"no such thing"}"#),
    }
}

struct Served {
    upstream: Recorder,
    rest: SocketAddr,
    mcp: SocketAddr,
}

async fn start(answer: fn(&RecordedRequest) -> Answer) -> Served {
    naftiko_runtime::install_crypto_provider();
    let upstream = Recorder::start(answer).await;
    let client = catalog::Client::new(format!("{}/v1", upstream.base_url()), catalog::Auth::default());
    let handlers = Arc::new(catalog::Proxy::new(catalog::Clients { catalog: client }));
    let rest = serve(catalog::rest::router(handlers.clone())).await;
    let mcp = serve(catalog::mcp::router(handlers)).await;
    Served { upstream, rest, mcp }
}

async fn call(mcp: SocketAddr, tool: &str) -> CallToolResult {
    let peer = ().serve(StreamableHttpClientTransport::from_uri(format!("http://{mcp}/mcp"))).await.expect("initialize");
    let result = peer.call_tool(CallToolRequestParams::new(tool.to_owned())).await.expect("tools/call");
    peer.cancel().await.ok();
    result
}

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect()
}

/// Sends `request` as raw bytes (no client normalises the path) and answers the status and body.
async fn raw(addr: SocketAddr, request: String) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, reply.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn protobuf_avro_and_psv_replies_are_json() {
    let served = start(catalog_api).await;
    let http = reqwest::Client::new();
    let reply = http.get(format!("http://{}/records/protobuf", served.rest)).send().await.expect("GET");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["content-type"], "application/json");
    // Enum values 0..N-1 in order are their numbers (as the engine writes them); int64 stays a number.
    assert_eq!(
        reply.json::<Value>().await.expect("JSON"),
        json!([{"id": "r-1", "kind": 1, "size": 5_000_000_000_u64}, {"id": "r-2", "kind": 2, "size": null}])
    );

    let reply = http.get(format!("http://{}/records/avro", served.rest)).send().await.expect("GET");
    assert_eq!(reply.headers()["content-type"], "application/json", "a converted reply is JSON, whatever the upstream said");
    assert_eq!(
        reply.json::<Value>().await.expect("JSON"),
        json!({"records": [{"id": "1", "title": "First", "description": "Desc"}, {"id": "2", "title": "Second", "description": null}]})
    );
    let reply = http.get(format!("http://{}/records/psv", served.rest)).send().await.expect("GET");
    assert_eq!(reply.json::<Value>().await.expect("JSON"), json!([{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}]));

    let result = call(served.mcp, "list-avro").await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert_eq!(serde_json::from_str::<Value>(&text(&result)).expect("JSON"), json!([{"id": "1", "title": "First"}, {"id": "2", "title": "Second"}]));

    // The typed client converts too.
    let client = catalog::Client::new(format!("{}/v1", served.upstream.base_url()), catalog::Auth::default());
    let reply = client.records_protobuf(catalog::RecordsProtobufParams {}).await.expect("reply");
    let records: Value = reply.json().expect("JSON");
    assert_eq!(records["records"][0]["digest"], "3q0=", "bytes are base64");
    assert_eq!(records["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_is_not_its_format_is_a_502_naming_it() {
    fn broken(request: &RecordedRequest) -> Answer {
        match request.path.as_str() {
            "/v1/records.pb" => Answer::bytes(200, "application/x-protobuf", vec![0x0a, 0x20, 0x01]),
            _ => Answer::text(200, "application/avro", "<html>not avro</html>"),
        }
    }
    let served = start(broken).await;
    let reply = reqwest::get(format!("http://{}/records/protobuf", served.rest)).await.expect("GET");
    assert_eq!(reply.status(), 502);
    let error: Value = reply.json().await.expect("JSON");
    assert_eq!(error["type"], "upstream_invalid_reply");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("`list-protobuf`") && m.contains("protobuf")), "{error}");
    let result = call(served.mcp, "list-avro").await;
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("not valid avro"), "{}", text(&result));
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_passes_path_query_trusted_headers_and_body_and_nothing_else() {
    let served = start(catalog_api).await;
    let http = reqwest::Client::new();
    let reply = http
        .get(format!("http://{}/raw/items/a%20b?q=1&q=2", served.rest))
        .header("x-trace", "t-1")
        .header("authorization", "Bearer the-callers")
        .header("cookie", "session=the-callers")
        .header("x-other", "not trusted")
        .header("x-catalog-key", "forged")
        .send()
        .await
        .expect("GET");
    assert_eq!(reply.status(), 201, "the upstream's status");
    assert_eq!(reply.headers()["etag"], "\"v7\"");
    assert_eq!(reply.headers()["x-upstream"], "catalog");
    assert!(reply.headers().get("set-cookie").is_none(), "the upstream's session stays with the server");
    assert_eq!(reply.text().await.expect("body"), r#"{"stored":true}"#);
    let sent = served.upstream.only_request();
    assert_eq!(sent.target(), "/v1/items/a%20b?q=1&q=2");
    assert_eq!(sent.header("x-trace"), Some("t-1"));
    assert_eq!(sent.header("x-catalog-key"), Some("catalog-key-1"), "the API's own parameter wins over the caller's");
    for untrusted in ["authorization", "cookie", "x-other"] {
        assert!(sent.header(untrusted).is_none(), "{untrusted} reached the upstream");
    }

    // Any method; the body streams through byte for byte, with its media type.
    served.upstream.clear();
    let body: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
    let reply = http
        .put(format!("http://{}/raw/items/blob", served.rest))
        .header("content-type", "application/octet-stream")
        .body(body.clone())
        .send()
        .await
        .expect("PUT");
    assert_eq!(reply.status(), 201);
    let sent = served.upstream.only_request();
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("PUT", "/v1/items/blob"));
    assert_eq!(sent.header("content-type"), Some("application/octet-stream"));
    assert!(sent.body == body, "the body arrived changed ({} bytes)", sent.body.len());

    // The upstream's errors pass through as they are.
    served.upstream.clear();
    let reply = http.get(format!("http://{}/raw/nothing/here", served.rest)).send().await.expect("GET");
    assert_eq!(reply.status(), 404);
    assert_eq!(reply.text().await.expect("body"), r#"{"error":"no such thing"}"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_never_leaves_its_base_path() {
    let served = start(catalog_api).await;
    for target in [
        "/raw/../secret",
        "/raw/items/../../v2/admin",
        "/raw/%2e%2e/secret",
        "/raw/.%2E/secret",
        "/raw/items/%2e",
        "/raw/a%2Fb",
        "/raw/a%2fb",
        "/raw/a%5Cb",
        "/raw/a%0D%0AX-Injected:%201",
        "/raw/a//b",
        "/raw/%00",
        "/raw/%FF",
    ] {
        let (status, body) = raw(served.rest, format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")).await;
        assert!(matches!(status, 400 | 404), "{target}: {status} {body}");
        assert!(body.starts_with('{'), "{target}: a JSON error, got {body:?}");
    }
    // A foreign Host (DNS rebinding) is refused before anything is forwarded.
    let (status, _) = raw(served.rest, "GET /raw/items HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_owned()).await;
    assert_eq!(status, 403);
    // A declared body over the limit is refused before it is read.
    let (status, body) =
        raw(served.rest, "POST /raw/items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\nx".to_owned()).await;
    assert_eq!(status, 413, "{body}");
    assert!(served.upstream.requests().is_empty(), "reached the upstream: {:#?}", served.upstream.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_to_an_unreachable_upstream_is_a_502_naming_the_route() {
    let client = catalog::Client::new("http://127.0.0.1:9/v1", catalog::Auth::default());
    let handlers = Arc::new(catalog::Proxy::new(catalog::Clients { catalog: client }));
    let rest = serve(catalog::rest::router(handlers)).await;
    let reply = reqwest::get(format!("http://{rest}/raw/items")).await.expect("GET");
    assert_eq!(reply.status(), 502);
    let error: Value = reply.json().await.expect("JSON");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("forward /raw/{{path}}") && !m.contains("127.0.0.1")), "{error}");
}
