//! Upstream faults through the generated binary: bounded time, the right status, retries only for
//! idempotent requests (honouring Retry-After), and a server that keeps serving.

use std::time::{Duration, Instant};

use naftiko_tests::{Fault, FaultyUpstream, ServerProcess};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const KEY: &str = "4b1d3f6e-0000-4000-8000-faultfaultf1";
const LIST: &str = "/v1/instance/v1/zones/fr-par-1/snapshots";

fn start(upstream: &FaultyUpstream, extra: &[&str]) -> ServerProcess {
    let url = upstream.url();
    let mut args = vec!["--upstream", url.as_str()];
    args.extend_from_slice(extra);
    ServerProcess::start(SNAPSHOTS, &args, &[("SCALEWAY_API_KEY", KEY)]).unwrap_or_else(|e| panic!("{e}"))
}

fn http() -> reqwest::Client {
    naftiko_runtime::install_crypto_provider();
    reqwest::Client::new()
}

async fn get(server: &ServerProcess, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = http().get(format!("{}{path}", server.rest_url())).send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_upstream_is_a_504_within_the_timeout() {
    let upstream = FaultyUpstream::start(|_, _, _| Fault::Hang).await;
    let mut server = start(&upstream, &["--upstream-timeout", "0.5", "--no-mcp"]);
    let started = Instant::now();
    let (status, _, body) = get(&server, LIST).await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["type"], "upstream_timeout");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(upstream.hits(), 1, "timeouts are not retried");
    assert!(server.is_alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_requests_are_retried_after_retry_after() {
    let upstream = FaultyUpstream::start(|n, _, _| {
        if n < 2 {
            Fault::Reply { status: 503, headers: vec![("retry-after".into(), "0".into())], body: "busy".into() }
        } else {
            Fault::json(200, r#"{"snapshots":[]}"#)
        }
    })
    .await;
    let server = start(&upstream, &["--no-mcp"]);
    let (status, _, body) = get(&server, LIST).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(upstream.hits(), 3, "two retries, then success");
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_are_never_retried() {
    let upstream = FaultyUpstream::start(|_, _, _| Fault::Reply { status: 503, headers: vec![("retry-after".into(), "0".into())], body: r#"{"message":"busy"}"#.into() }).await;
    let server = start(&upstream, &["--no-mcp"]);
    let response = http().post(format!("{}{LIST}", server.rest_url())).json(&json!({"name": "x"})).send().await.expect("post");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("0"), "Retry-After passes through");
    assert_eq!(upstream.hits(), 1, "a POST create was sent more than once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_retry_after_is_passed_back_not_waited_for() {
    let upstream = FaultyUpstream::start(|_, _, _| Fault::Reply { status: 429, headers: vec![("retry-after".into(), "120".into())], body: r#"{"message":"slow down"}"#.into() }).await;
    let server = start(&upstream, &["--no-mcp"]);
    let started = Instant::now();
    let (status, headers, _) = get(&server, LIST).await;
    assert_eq!(status, 429);
    assert_eq!(headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("120"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(upstream.hits(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_json_errors_and_resets_are_answered_cleanly() {
    let upstream = FaultyUpstream::start(|n, _, _| match n {
        0 => Fault::Reply { status: 500, headers: vec![("content-type".into(), "text/html".into())], body: "<html>oops</html>".into() },
        1 => Fault::ResetMidBody,
        _ => Fault::Slow { delay: Duration::from_millis(300), body: r#"{"snapshots":[]}"#.into() },
    })
    .await;
    let mut server = start(&upstream, &["--no-mcp", "--retries", "0"]);
    let (status, headers, body) = get(&server, LIST).await;
    assert_eq!((status, body.as_str()), (500, "<html>oops</html>"), "an upstream 500 passes through as sent");
    assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/html"));
    let (status, _, body) = get(&server, LIST).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["type"], "upstream_unreachable");
    let (status, _, _) = get(&server, LIST).await;
    assert_eq!(status, 200, "a slow upstream is waited for");
    assert!(server.is_alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn mcp_reports_a_hanging_upstream_as_a_tool_error() {
    let upstream = FaultyUpstream::start(|_, _, _| Fault::Hang).await;
    let mut server = start(&upstream, &["--upstream-timeout", "0.5", "--no-rest"]);
    let peer = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(server.mcp_url())).await.expect("initialize");
    let arguments = json!({"zone": "fr-par-1"}).as_object().cloned().unwrap_or_default();
    let result = peer.call_tool(CallToolRequestParams::new("list-snapshots").with_arguments(arguments)).await.expect("call");
    assert_eq!(result.is_error, Some(true));
    let text: String = result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect();
    assert_eq!(text, "The upstream API did not answer `list-snapshots` in time.");
    peer.cancel().await.expect("close");
    assert!(server.is_alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_never_appears_in_logs_even_at_trace_level() {
    let upstream = FaultyUpstream::start(|n, _, _| if n % 2 == 0 { Fault::json(404, r#"{"type":"not_found"}"#) } else { Fault::ResetMidBody }).await;
    let url = upstream.url();
    let server = ServerProcess::start(SNAPSHOTS, &["--upstream", &url, "--no-mcp", "--retries", "0"], &[("SCALEWAY_API_KEY", KEY), ("RUST_LOG", "trace")]).expect("start");
    for _ in 0..4 {
        let _ = get(&server, &format!("{LIST}/abc?name=x")).await;
    }
    let logs = server.logs();
    assert!(logs.len() > 10, "trace logging is on: {} lines", logs.len());
    assert!(logs.iter().all(|l| !l.contains(KEY)), "the key appeared in a log line");
}

/// SIGTERM lets the request in progress finish: it is answered in full, an idle keep-alive
/// connection does not hold the shutdown up, and the server then exits cleanly.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_in_progress_at_sigterm_is_answered() {
    let upstream = FaultyUpstream::start(|_, _, _| Fault::Slow { delay: Duration::from_millis(1500), body: r#"{"snapshots":[]}"#.into() }).await;
    let mut server = start(&upstream, &["--no-mcp"]);
    let idle = tokio::net::TcpStream::connect(server.rest_url().trim_start_matches("http://")).await.expect("an idle connection");
    let url = format!("{}{LIST}", server.rest_url());
    let in_progress = tokio::spawn(async move { http().get(url).send().await.map(|r| r.status().as_u16()) });
    while upstream.hits() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let killed = std::process::Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().expect("kill");
    assert!(killed.success());
    assert_eq!(in_progress.await.expect("joined").expect("answered"), 200);
    let status = server.wait_for_exit(Duration::from_secs(10)).expect("exited within 10 s");
    assert!(status.success(), "{status:?}");
    drop(idle);
}
