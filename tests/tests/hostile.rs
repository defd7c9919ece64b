//! Hostile requests to a generated server, sent as an attacker would over real TCP: each gets a 4xx
//! JSON error or an MCP error, nothing outside the declared templates reaches upstream (the emulator
//! records what it receives), and the server keeps serving.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use naftiko_tests::{EMULATOR_TOKEN, Emulator, ServerProcess};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const BASE: &str = "/v1/instance/v1/zones/fr-par-1/snapshots";

/// A reply as read off the wire: status, headers (lowercased names), body.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).filter_map(|l| l.split_once(':')).find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {:?}", self.status, self.body))
    }

    /// The JSON error's `type`, checking that the body is the adapter's JSON error.
    fn error(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"), "{} {}", self.head, self.body);
        let json = self.json();
        assert!(json["message"].is_string(), "{json}");
        json["type"].as_str().unwrap_or_default().to_owned()
    }
}

/// Sends `request` while reading the reply: a server may answer (413, 503) before the body is sent.
async fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let request = request.to_vec();
    let writing = tokio::spawn(async move {
        let _ = write.write_all(&request).await;
        write
    });
    let mut reply = Vec::new();
    let _ = read.read_to_end(&mut reply).await;
    drop(writing.await);
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    Reply { status, head: head.to_owned(), body: body.to_owned() }
}

/// A request with `Connection: close`, the headers given, and a `Content-Length` for `body`.
fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

fn get(target: &str) -> Vec<u8> {
    request("GET", target, &[("Host", "127.0.0.1")], "")
}

const JSON: (&str, &str) = ("Content-Type", "application/json");
const LOCAL: (&str, &str) = ("Host", "127.0.0.1");

async fn start(emulator: &Emulator, extra: &[&str]) -> ServerProcess {
    let upstream = emulator.base_url();
    let mut args = vec!["--upstream", upstream.as_str()];
    args.extend_from_slice(extra);
    ServerProcess::start(SNAPSHOTS, &args, &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start")
}

fn mcp_post(host: &str, extra: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut headers = vec![("Host", host), JSON, ("Accept", "application/json, text/event-stream")];
    headers.extend_from_slice(extra);
    request("POST", "/mcp", &headers, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_rest_requests() {
    let emulator = Emulator::start().await;
    let mut server = start(&emulator, &[]).await;
    let rest = server.rest.expect("rest");

    // Invalid UTF-8 in a path segment: 400, nothing sent.
    let reply = raw(rest, &get(&format!("{BASE}/%FF%FE"))).await;
    assert_eq!((reply.status, reply.error().as_str()), (400, "invalid_argument"));

    // CR/LF in a query value stays data: encoded in the upstream query, no header injected.
    let reply = raw(rest, &get(&format!("{BASE}?name=a%0D%0AX-Injected:%201"))).await;
    assert_eq!(reply.status, 200);
    let last = emulator.requests().last().cloned().expect("forwarded");
    assert!(last.header("x-injected").is_none());
    assert_eq!(last.query.as_deref(), Some("name=a%0D%0AX-Injected%3A%201"));

    // A 100 kB path value: refused by the size limits with a JSON error, no crash.
    let long = "a".repeat(100_000);
    let reply = raw(rest, &get(&format!("{BASE}/{long}"))).await;
    assert!(matches!(reply.status, 414 | 431), "{}", reply.head);
    assert!(!reply.error().is_empty());

    // Undeclared query keys are not forwarded.
    emulator.clear_requests();
    let reply = raw(rest, &get(&format!("{BASE}?name=x&debug=1&admin=true"))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(emulator.requests()[0].query.as_deref(), Some("name=x"));

    // A JSON body that is not an object where fields are expected, and a body on GET (ignored).
    let reply = raw(rest, &request("POST", BASE, &[LOCAL, JSON], "[1,2,3]")).await;
    assert!(reply.status < 500, "{}", reply.status);
    let reply = raw(rest, &request("GET", BASE, &[LOCAL, JSON], "{}")).await;
    assert_eq!(reply.status, 200, "a body sent with GET is ignored");

    assert!(server.is_alive());
    assert_eq!(raw(rest, &get("/healthz")).await.status, 200);
}

/// A page on another site, or one reached through a rebinding DNS name, cannot use the server's key.
#[tokio::test(flavor = "multi_thread")]
async fn cross_site_requests_and_dns_rebinding_are_refused() {
    let emulator = Emulator::start().await;
    let volume = emulator.seed_volume("fr-par-1");
    let mut server = start(&emulator, &[]).await;
    let (rest, mcp) = (server.rest.expect("rest"), server.mcp.expect("mcp"));
    let create = json!({"name": "pwned", "volume_id": volume}).to_string();
    let attacker = [("Host", "attacker.example:8080"), ("Origin", "http://attacker.example:8080")];

    // What a page can send without a preflight: text/plain or a form, from a rebinding name.
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let reply = raw(rest, &request("POST", BASE, &[attacker[0], attacker[1], ("Content-Type", content_type)], &create)).await;
        assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_host"), "{content_type}");
        // The right Host but a foreign page: the Origin is refused.
        let reply = raw(rest, &request("POST", BASE, &[LOCAL, attacker[1], ("Content-Type", content_type)], &create)).await;
        assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_origin"), "{content_type}");
        // No browser at all, but not JSON: 415.
        let reply = raw(rest, &request("POST", BASE, &[LOCAL, ("Content-Type", content_type)], &create)).await;
        assert_eq!((reply.status, reply.error().as_str()), (415, "unsupported_media_type"), "{content_type}");
    }
    let reply = raw(rest, &request("POST", BASE, &[LOCAL], &create)).await;
    assert_eq!(reply.status, 415, "a JSON body must say so");
    let reply = raw(rest, &request("DELETE", &format!("{BASE}/some-id"), &attacker, "")).await;
    assert_eq!(reply.status, 403);
    let reply = raw(rest, &request("GET", BASE, &[attacker[0]], "")).await;
    assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_host"), "DNS rebinding reads nothing");
    assert!(reply.header("access-control-allow-origin").is_none());
    // Checked before routing: a path no route serves tells a rebinding page nothing either.
    let reply = raw(rest, &request("GET", "/no/such/path", &[attacker[0]], "")).await;
    assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_host"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    // Probes reach `/healthz` by whatever name they use (it reads nothing).
    let reply = raw(rest, &request("GET", "/healthz", &[attacker[0]], "")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // MCP: the same Host check, and Origin validated too (the MCP specification's MUST).
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[attacker[1]], &list)).await;
    assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_origin"));
    let reply = raw(mcp, &mcp_post("attacker.example:9090", &[], &list)).await;
    assert_eq!((reply.status, reply.error().as_str()), (403, "forbidden_host"));
    assert!(emulator.requests().is_empty(), "nothing reached the upstream: {:?}", emulator.requests());

    // The server itself, from loopback and with JSON: served.
    let reply = raw(rest, &request("POST", BASE, &[("Host", "localhost:8080"), JSON], &create)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert!(reply.header("access-control-allow-origin").is_none(), "no CORS headers unless an origin is configured");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert!(server.is_alive());
}

/// Operators name the hosts and origins they serve: a proxy's public name, a browser app.
#[tokio::test(flavor = "multi_thread")]
async fn allowed_hosts_and_origins_are_the_operators_choice() {
    let emulator = Emulator::start().await;
    let server = start(&emulator, &["--allowed-host", "api.example.com", "--allowed-origin", "https://app.example"]).await;
    let rest = server.rest.expect("rest");
    let app = ("Origin", "https://app.example");

    let reply = raw(rest, &request("GET", BASE, &[("Host", "api.example.com"), app], "")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("access-control-allow-origin"), Some("https://app.example"));
    assert!(reply.header("access-control-expose-headers").is_some_and(|h| h.contains("x-total-count")), "{}", reply.head);
    let preflight = [("Host", "api.example.com"), app, ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")];
    let reply = raw(rest, &request("OPTIONS", BASE, &preflight, "")).await;
    assert!(reply.status < 300, "{}", reply.head);
    assert_eq!(reply.header("access-control-allow-origin"), Some("https://app.example"));
    assert!(reply.header("access-control-allow-methods").is_some_and(|m| m.contains("POST")), "{}", reply.head);

    let reply = raw(rest, &request("GET", BASE, &[("Host", "api.example.com"), ("Origin", "https://evil.example")], "")).await;
    assert_eq!(reply.status, 403);
    let reply = raw(rest, &request("GET", BASE, &[("Host", "other.example.com")], "")).await;
    assert_eq!(reply.status, 403);
}

/// Idle and half-sent connections are closed by the header timeout, and the connection cap keeps
/// file descriptors for the server's own work: with 512 files and 600 connections held open, the
/// server answers again within 30 s.
#[tokio::test(flavor = "multi_thread")]
async fn idle_and_slow_connections_do_not_take_the_server_down() {
    let emulator = Emulator::start().await;
    let upstream = emulator.base_url();
    let server =
        ServerProcess::start_with_file_limit(SNAPSHOTS, 512, &["--upstream", &upstream], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start");
    let (rest, mcp) = (server.rest.expect("rest"), server.mcp.expect("mcp"));
    let mut held = Vec::new();
    for i in 0..600 {
        let addr = if i % 2 == 0 { rest } else { mcp };
        if let Ok(mut stream) = TcpStream::connect(addr).await {
            if i % 10 == 0 {
                // Half a request head, never finished.
                let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127").await;
            }
            held.push(stream);
        }
    }
    assert!(held.len() >= 500, "the kernel queues connections the server has not accepted yet: {}", held.len());

    let deadline = Instant::now() + Duration::from_secs(30);
    let mut answered = (false, false);
    while Instant::now() < deadline && answered != (true, true) {
        let ping = mcp_post("127.0.0.1", &[], &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string());
        let health = get("/healthz");
        let (health, ping) = tokio::join!(
            tokio::time::timeout(Duration::from_secs(2), raw(rest, &health)),
            tokio::time::timeout(Duration::from_secs(2), raw(mcp, &ping)),
        );
        answered.0 |= health.is_ok_and(|r| r.status == 200);
        answered.1 |= ping.is_ok_and(|r| r.status == 200 && r.body.contains(r#""result":{}"#));
    }
    assert_eq!(answered, (true, true), "/healthz and MCP ping answer within 30 s while 600 connections are held");

    // The held connections were closed by the server (a read sees the end, not a wait).
    let mut closed = 0;
    for stream in held.iter_mut().take(50) {
        let mut buffer = [0u8; 512];
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buffer)).await {
            closed += 1;
        }
    }
    assert_eq!(closed, 50, "idle and half-sent connections are closed by the header timeout");
}

/// A body trickled too slowly gets 408 once `--body-timeout` has passed (nothing is sent upstream), and
/// a request head trickled a byte at a time is closed after `--header-timeout`, busy as the client keeps it.
#[tokio::test(flavor = "multi_thread")]
async fn slow_bodies_and_slow_heads_time_out() {
    let emulator = Emulator::start().await;
    let server = start(&emulator, &["--body-timeout", "1", "--header-timeout", "1"]).await;
    let rest = server.rest.expect("rest");
    let sent = emulator.requests().len();

    let mut stream = TcpStream::connect(rest).await.expect("connect");
    let head = format!("POST {BASE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"volume_id\"");
    stream.write_all(head.as_bytes()).await.expect("write");
    let started = Instant::now();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut reply)).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains(r#""type":"request_timeout""#), "{reply}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    assert_eq!(emulator.requests().len(), sent, "nothing reached the upstream");

    let mut stream = TcpStream::connect(rest).await.expect("connect");
    let started = Instant::now();
    let mut closed = false;
    for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".iter().cycle().take(60) {
        if stream.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buffer)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "a head trickled for 6 s was not cut off");
    assert!(started.elapsed() < Duration::from_secs(4), "closed after {:?}", started.elapsed());
}

/// A huge MCP message gets a small answer, and the work it causes is bounded.
#[tokio::test(flavor = "multi_thread")]
async fn amplification_is_bounded() {
    let emulator = Emulator::start().await;
    let server = start(&emulator, &["--no-rest"]).await;
    let mcp = server.mcp.expect("mcp");
    let mut arguments = serde_json::Map::new();
    arguments.insert("zone".into(), json!("fr-par-1"));
    for i in 0..350_000 {
        arguments.insert(format!("a{i}"), json!(0));
    }
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "list-snapshots", "arguments": arguments}}).to_string();
    assert!(call.len() > 3_500_000, "{} bytes", call.len());
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], &call)).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.len() < 4096, "a {} byte answer to a {} byte message", reply.body.len(), call.len());
    let result = &reply.json()["result"];
    assert_eq!(result["isError"], true);
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("unknown argument `a0`") && text.ends_with("and 349990 more problems"), "{text}");
    assert!(emulator.requests().is_empty());
}

/// Many large bodies at once are held within the in-flight budget; what goes beyond is a 503.
#[tokio::test(flavor = "multi_thread")]
async fn buffered_bodies_are_bounded_in_total() {
    let emulator = Emulator::start().await;
    let volume = emulator.seed_volume("fr-par-1");
    let mut server = start(&emulator, &["--no-mcp", "--max-body-memory", "8388608"]).await;
    let rest = server.rest.expect("rest");
    // A valid body padded to 1 MB (what the emulator accepts): 50 MB in all, against an 8 MiB budget.
    let padding = "x".repeat(1_000_000);
    let body = json!({"name": "big", "volume_id": volume, "tags": [padding]}).to_string();
    let requests: Vec<_> = (0..50)
        .map(|_| {
            let body = body.clone();
            tokio::spawn(async move { raw(rest, &request("POST", BASE, &[LOCAL, JSON], &body)).await })
        })
        .collect();
    let mut replies = Vec::new();
    for request in requests {
        replies.push(request.await.expect("task"));
    }
    let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
    assert!(!busy.is_empty(), "statuses: {:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(busy[0].error(), "server_busy");
    assert_eq!(busy[0].header("retry-after"), Some("1"));
    assert!(replies.iter().all(|r| matches!(r.status, 201 | 503)), "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    let peak = peak_rss_kib(server.pid());
    assert!(peak < 160 * 1024, "peak RSS {peak} KiB");
    assert!(server.is_alive());
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0)
}

/// The smaller findings: each refusal is the right status with a JSON body, and says no more than it should.
#[tokio::test(flavor = "multi_thread")]
async fn errors_say_enough_and_no_more() {
    let emulator = Emulator::start().await;
    let server = start(&emulator, &[]).await;
    let (rest, mcp) = (server.rest.expect("rest"), server.mcp.expect("mcp"));

    // A malformed chunk size is a bad request, not a body too large.
    let chunked = format!(
        "POST {BASE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
    );
    let reply = raw(rest, chunked.as_bytes()).await;
    assert_eq!((reply.status, reply.error().as_str()), (400, "invalid_argument"), "{}", reply.body);

    // Framework-level refusals carry the JSON error body too.
    let reply = raw(rest, &get(&format!("{BASE}?name={}", "n".repeat(9000)))).await;
    assert_eq!((reply.status, reply.error().as_str()), (414, "uri_too_long"));
    let mut headers: Vec<(String, String)> = (0..150).map(|i| (format!("X-H{i}"), "v".to_owned())).collect();
    headers.push(("Host".into(), "127.0.0.1".into()));
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let reply = raw(rest, &request("GET", BASE, &headers, "")).await;
    assert_eq!((reply.status, reply.error().as_str()), (431, "headers_too_large"));
    let reply = raw(rest, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken Header\r\n\r\n").await;
    assert_eq!((reply.status, reply.error().as_str()), (400, "bad_request"));
    let reply = raw(rest, &get(&format!("/{}", "p".repeat(200_000)))).await;
    assert!(matches!(reply.status, 414 | 431), "{}", reply.head);
    assert!(matches!(reply.error().as_str(), "uri_too_long" | "headers_too_large"));

    // One rule for a value given twice, on every surface: refused, nothing sent.
    let reply = raw(rest, &get(&format!("{BASE}?name=a&name=b"))).await;
    assert_eq!(reply.status, 400);
    assert!(reply.json()["message"].as_str().unwrap_or_default().contains("`name` is given more than once"), "{}", reply.body);
    let reply = raw(rest, &request("POST", BASE, &[LOCAL, JSON], r#"{"name": "a", "name": "b", "volume_id": "v"}"#)).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("the key `name` is given twice"), "{}", reply.body);
    let twice = r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"fr-par-1","snapshot_id":"a","snapshot_id":"b"}}}"#;
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], twice)).await;
    assert_eq!(reply.json()["result"]["isError"], true, "{}", reply.body);
    assert!(reply.body.contains("the key `snapshot_id` is given twice"), "{}", reply.body);
    // A number MCP would round is refused, not rounded.
    let big = r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"create-snapshot-specified-volume-qcow2","arguments":{"zone":"fr-par-1","body":{"name":"n","size":123456789012345678901234567890}}}}"#;
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], big)).await;
    assert_eq!(reply.json()["result"]["isError"], true, "{}", reply.body);
    assert!(reply.body.contains("cannot be read exactly"), "{}", reply.body);
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
}

/// A JSON body passed through keeps its bytes: every digit reaches the upstream.
#[tokio::test(flavor = "multi_thread")]
async fn passed_through_bodies_keep_every_digit() {
    let emulator = Emulator::start().await;
    let volume = emulator.seed_volume("fr-par-1");
    let server = start(&emulator, &["--no-mcp"]).await;
    let rest = server.rest.expect("rest");
    let body = format!(
        r#"{{"name": "exact", "volume_id": "{volume}", "tags": ["t"], "x-big": 123456789012345678901234567890, "x-pi": 3.14159265358979323846}}"#
    );
    let reply = raw(rest, &request("POST", BASE, &[LOCAL, JSON], &body)).await;
    assert!(reply.status < 500, "{}", reply.body);
    let sent = emulator.requests().into_iter().find(|r| r.method == "POST").expect("forwarded");
    assert_eq!(String::from_utf8_lossy(&sent.body), body, "the upstream receives the bytes sent");
}

/// An upstream that cannot be reached: the 502 names the operation, never the upstream's address.
#[tokio::test(flavor = "multi_thread")]
async fn gateway_errors_do_not_show_the_upstream() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let base = format!("http://{closed}/secret-internal-path");
    let server = ServerProcess::start(SNAPSHOTS, &["--upstream", &base, "--retries", "0"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start");
    let (rest, mcp) = (server.rest.expect("rest"), server.mcp.expect("mcp"));
    let reply = raw(rest, &get(BASE)).await;
    assert_eq!((reply.status, reply.error().as_str()), (502, "upstream_unreachable"));
    assert_eq!(reply.json()["message"], "the upstream API of `listsnapshots` could not be reached");
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list-snapshots", "arguments": {"zone": "fr-par-1"}}})
        .to_string();
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], &call)).await;
    assert_eq!(reply.json()["result"]["content"][0]["text"], "The upstream API of `list-snapshots` could not be reached.");
    for text in [&reply.body, &server.logs().join("\n")] {
        assert!(!text.contains(EMULATOR_TOKEN));
    }
    assert!(!reply.body.contains("secret-internal-path") && !reply.body.contains(&closed.to_string()));
    assert!(server.logs().iter().any(|l| l.contains("upstream call failed") && l.contains(&closed.to_string())), "the log keeps the detail");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_mcp_requests() {
    let emulator = Emulator::start().await;
    let mut server = start(&emulator, &["--no-rest"]).await;
    let mcp = server.mcp.expect("mcp");
    // Not a JSON-RPC message: a JSON-RPC error with 400 (the engine sends the same object with 200);
    // a method no server has: -32601, a request read and answered (200).
    let unreadable = [
        ("{not json", -32700, Value::Null),
        ("", -32700, Value::Null),
        ("[]", -32600, Value::Null),
        (r#"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#, -32600, json!(1)),
        (r#"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#, -32601, json!(1)),
    ];
    for (body, code, id) in unreadable {
        let reply = raw(mcp, &mcp_post("127.0.0.1", &[], body)).await;
        let status = if code == -32601 { 200 } else { 400 };
        assert_eq!((reply.status, reply.header("content-type")), (status, Some("application/json")), "{body}: {}", reply.body);
        let reply = reply.json();
        assert_eq!((&reply["jsonrpc"], &reply["id"], &reply["error"]["code"]), (&json!("2.0"), &id, &json!(code)), "{body}: {reply}");
    }
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {"zone": "fr-par-1", "snapshot_id": "x".repeat(100_000)}}}).to_string();
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], &call)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["result"]["isError"], true, "the upstream 404 comes back as a tool error");
    let unknown = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "rm-rf", "arguments": {}}}).to_string();
    let reply = raw(mcp, &mcp_post("127.0.0.1", &[], &unknown)).await;
    assert_eq!(reply.json()["error"]["code"], -32602, "{}", reply.body);
    assert!(emulator.requests().iter().all(|r| r.path.starts_with("/instance/v1/zones/fr-par-1/snapshots")));
    assert!(server.is_alive());
}
