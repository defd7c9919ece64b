//! The control expose over real loopback HTTP: the reference engine's control fixtures and our own
//! tests/fixtures/control.yaml (REST and MCP beside a control port with bearer authentication), each
//! served by its generated binary. Health, readiness, status, `/metrics` parsed as Prometheus text
//! with counters that move after REST and MCP requests, traces listed and fetched (a caller's
//! `traceparent` continued), 501 for what a binary cannot do; traces exported over OTLP/HTTP to a
//! recording collector (tests/fixtures/otlp.yaml); and the generation-time errors.

use std::collections::BTreeMap;
use std::time::Duration;

use naftiko_tests::process::ServerProcess;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FIXTURES: &str = env!("CARGO_BIN_EXE_e2e-shipyard");
const TOKEN: &str = "control-test-token";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client")
}

/// Serves `step` (an engine fixture's stem, or `control` for ours) with every listener on port 0.
fn serve(step: &str, extra: &[&str]) -> (ServerProcess, String) {
    let mut args = vec!["--listen", "control=127.0.0.1:0", "--upstream", "http://127.0.0.1:9"];
    args.extend_from_slice(extra);
    let server = ServerProcess::start(FIXTURES, &args, &[("SHIPYARD_STEP", step), ("CONTROL_TOKEN", TOKEN)]).expect("start");
    let control = server.addr_of("control").expect("the control port listens");
    (server, format!("http://{control}"))
}

async fn get(url: &str) -> (StatusCode, String) {
    let reply = http().get(url).bearer_auth(TOKEN).send().await.expect("GET");
    (reply.status(), reply.text().await.unwrap_or_default())
}

async fn get_json(url: &str) -> (StatusCode, Value) {
    let (status, body) = get(url).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}")))
}

/// Prometheus text: `name{labels} value` samples by name and sorted labels (`# ` lines are comments).
fn parse_metrics(text: &str) -> BTreeMap<(String, String), f64> {
    let mut samples = BTreeMap::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number: {line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line}"))),
            None => (series, ""),
        };
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "metric name {name}");
        let mut pairs: Vec<&str> = if labels.is_empty() { Vec::new() } else { labels.split("\",").collect() };
        for pair in &mut pairs {
            let (key, quoted) = pair.split_once('=').unwrap_or_else(|| panic!("label without `=`: {line}"));
            assert!(quoted.starts_with('"'), "unquoted label value: {line}");
            assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "label name {key}");
        }
        pairs.sort_unstable();
        let labels = pairs.iter().map(|p| p.trim_end_matches('"')).collect::<Vec<_>>().join(",");
        samples.insert((name.to_owned(), labels.replace('"', "")), value);
    }
    samples
}

/// The value of sample `name{labels}` (labels `k=v,…` in any order), 0 when absent.
fn sample(metrics: &BTreeMap<(String, String), f64>, name: &str, labels: &str) -> f64 {
    let mut sorted: Vec<&str> = labels.split(',').collect();
    sorted.sort_unstable();
    metrics.get(&(name.to_owned(), sorted.join(","))).copied().unwrap_or(0.0)
}

async fn scrape(control: &str) -> BTreeMap<(String, String), f64> {
    let reply = http().get(format!("{control}/metrics")).bearer_auth(TOKEN).send().await.expect("GET /metrics");
    assert_eq!(reply.status(), StatusCode::OK);
    let media = reply.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(media.starts_with("application/openmetrics-text"), "{media}");
    let text = reply.text().await.unwrap_or_default();
    assert!(text.ends_with("# EOF\n"), "{text}");
    parse_metrics(&text)
}

async fn tool_call(mcp: &str, name: &str, arguments: Value) -> Value {
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}});
    let reply = http()
        .post(mcp)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(call.to_string())
        .send()
        .await
        .expect("tools/call");
    let text = reply.text().await.unwrap_or_default();
    let json = text.lines().find_map(|l| l.strip_prefix("data:")).unwrap_or(&text);
    serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The engine's `control-capability.yaml`: health, info and (by default) metrics and traces, 50 kept.
#[cfg(engine_specs)]
#[tokio::test(flavor = "multi_thread")]
async fn engine_control_fixture_answers_health_status_metrics_and_traces() {
    let (_server, control) = serve("control-capability", &["--no-rest", "--no-mcp"]);
    assert_eq!(get_json(&format!("{control}/health/live")).await, (StatusCode::OK, json!({"status": "UP"})));
    let (status, ready) = get_json(&format!("{control}/health/ready")).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["status"], "UP");
    assert_eq!(ready["adapters"][0]["type"], "control");
    assert_eq!(ready["adapters"][0]["state"], "started");
    assert!(ready["adapters"][0].get("namespace").is_none(), "{ready}");
    let (status, info) = get_json(&format!("{control}/status")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["capability"], json!({"label": "Control Port Test Capability", "specVersion": "1.0.0-alpha2"}));
    assert!(info["uptime"].as_str().is_some_and(|u| u.starts_with("PT") && u.ends_with('S')), "{info}");
    assert_eq!(info["otel"]["status"], "active");
    assert_eq!(info["adapters"].as_array().map(Vec::len), Some(1));
    let metrics = scrape(&control).await;
    assert!(metrics.is_empty() || metrics.keys().all(|(n, _)| n.starts_with("naftiko_")), "{metrics:?}");
    let (status, traces) = get_json(&format!("{control}/traces")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(traces, json!({"traces": [], "bufferSize": 50, "bufferUsed": 0}));
    let (status, missing) = get_json(&format!("{control}/traces/{:032x}", 1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["type"], "not_found");
    // Not declared: no /logs, no /scripting; only GET on the endpoints.
    assert_eq!(get(&format!("{control}/logs")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&format!("{control}/scripting")).await.0, StatusCode::NOT_FOUND);
    let post = http().post(format!("{control}/health/live")).send().await.expect("POST");
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// `observability.enabled: false` takes `/metrics` and `/traces` away; health stays.
#[cfg(engine_specs)]
#[tokio::test(flavor = "multi_thread")]
async fn engine_fixture_without_observability_has_no_metrics_or_traces() {
    let (_server, control) = serve("control-observability-disabled", &["--no-rest", "--no-mcp"]);
    assert_eq!(get(&format!("{control}/health/live")).await.0, StatusCode::OK);
    assert_eq!(get(&format!("{control}/metrics")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&format!("{control}/traces")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_json(&format!("{control}/status")).await.1["otel"]["status"], "inactive");
}

/// Scripting governance cannot mean anything for a compiled binary: `/scripting` says so (501), and
/// `/status` is not served (`info` is off by default).
#[cfg(engine_specs)]
#[tokio::test(flavor = "multi_thread")]
async fn engine_scripting_fixture_answers_not_supported() {
    let (_server, control) = serve("control-scripting-capability", &["--no-rest", "--no-mcp"]);
    let (status, body) = get_json(&format!("{control}/scripting")).await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(body["type"], "not_supported");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("runs no scripts")), "{body}");
    assert_eq!(get(&format!("{control}/status")).await.0, StatusCode::NOT_FOUND);
}

/// Our fixture: authentication enforced, counters and histograms that move after REST requests and
/// MCP tool calls (by route template and tool name), upstream failures counted, traces recorded with
/// their spans, a caller's trace continued, and 501 for the management a binary cannot do.
#[tokio::test(flavor = "multi_thread")]
async fn control_port_measures_and_traces_rest_and_mcp() {
    let (server, control) = serve("control", &[]);
    let (rest, mcp) = (server.rest_url(), server.mcp_url());
    // Authentication, as on every expose.
    let anonymous = http().get(format!("{control}/health/live")).send().await.expect("GET");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(&format!("{control}/health/live")).await.0, StatusCode::OK);
    let (status, ready) = get_json(&format!("{control}/health/ready")).await;
    assert_eq!((status, &ready["status"]), (StatusCode::OK, &json!("UP")), "{ready}");
    let states: Vec<(&str, &str)> =
        ready["adapters"].as_array().into_iter().flatten().filter_map(|a| Some((a["type"].as_str()?, a["state"].as_str()?))).collect();
    assert_eq!(states, [("rest", "started"), ("mcp", "started"), ("control", "started")]);

    let before = scrape(&control).await;
    let hello = "naftiko_adapter_type=rest,naftiko_operation_id=/hello GET,status=200";
    for _ in 0..2 {
        let reply = http().get(format!("{rest}/hello")).send().await.expect("GET /hello");
        assert_eq!(reply.status(), StatusCode::OK);
    }
    // The upstream (port 9) is unreachable: a 502 of the adapter's own, counted as an error.
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let failed = http().get(format!("{rest}/items/1")).header("traceparent", traceparent).send().await.expect("GET /items");
    assert_eq!(failed.status(), StatusCode::BAD_GATEWAY);
    assert_ne!(tool_call(&mcp, "hello", json!({})).await["result"]["isError"], true);
    assert_eq!(tool_call(&mcp, "get-item", json!({"id": "1"})).await["result"]["isError"], true);
    let after = scrape(&control).await;

    let moved = |name: &str, labels: &str| sample(&after, name, labels) - sample(&before, name, labels);
    assert_eq!(moved("naftiko_request_total", hello), 2.0, "{after:?}");
    assert_eq!(moved("naftiko_request_duration_seconds_count", hello), 2.0);
    assert_eq!(moved("naftiko_request_duration_seconds_bucket", &format!("{hello},le=+Inf")), 2.0);
    let item = "naftiko_adapter_type=rest,naftiko_operation_id=/items/{id} GET";
    assert_eq!(moved("naftiko_request_total", &format!("{item},status=502")), 1.0);
    assert_eq!(moved("naftiko_request_errors_total", &format!("error_type=upstream_unreachable,{item}")), 1.0, "{after:?}");
    assert_eq!(moved("naftiko_request_total", "naftiko_adapter_type=mcp,naftiko_operation_id=hello,status=OK"), 1.0);
    assert_eq!(moved("naftiko_request_total", "naftiko_adapter_type=mcp,naftiko_operation_id=get-item,status=ERROR"), 1.0);
    assert_eq!(moved("naftiko_request_errors_total", "error_type=handled_error,naftiko_adapter_type=mcp,naftiko_operation_id=get-item"), 1.0);
    // Upstream calls that got no reply (the REST one, and the tool's).
    assert!(moved("naftiko_http_client_total", "http_request_method=GET,http_response_status_code=transport") >= 2.0, "{after:?}");
    // Never a raw path as a label: the route template.
    assert!(after.keys().all(|(_, labels)| !labels.contains("/items/1")), "{after:?}");

    let (status, traces) = get_json(&format!("{control}/traces")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(traces["bufferSize"], 10);
    let listed = traces["traces"].as_array().cloned().unwrap_or_default();
    assert!(listed.len() >= 5 && traces["bufferUsed"].as_u64() >= Some(5), "{traces}");
    for t in &listed {
        for field in ["traceId", "operation", "durationMs", "status", "spanCount", "timestamp"] {
            assert!(t.get(field).is_some(), "{field} missing in {t}");
        }
    }
    // Most recent first: the two tool calls, then the failed REST request.
    assert_eq!(listed[0]["operation"], "mcp.request");
    assert_eq!(listed[0]["status"], "ERROR");
    let continued = listed.iter().find(|t| t["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736").expect("the caller's trace id is kept");
    assert_eq!(continued["operation"], "rest.request");
    assert_eq!(continued["status"], "ERROR");
    let (status, trace) = get_json(&format!("{control}/traces/4bf92f3577b34da6a3ce929d0e0e4736")).await;
    assert_eq!(status, StatusCode::OK);
    let spans = trace["spans"].as_array().cloned().unwrap_or_default();
    assert_eq!(spans[0]["name"], "rest.request");
    assert_eq!(spans[0]["kind"], "INTERNAL");
    assert_eq!(spans[0]["parentSpanId"], "00f067aa0ba902b7");
    assert!(spans.iter().any(|s| s["name"] == "http.client.GET" && s["kind"] == "CLIENT" && s["parentSpanId"] == spans[0]["spanId"]), "{trace}");
    let (_, filtered) = get_json(&format!("{control}/traces?operation=/hello")).await;
    assert_eq!(filtered["traces"].as_array().map(Vec::len), Some(2), "{filtered}");
    let (_, errors) = get_json(&format!("{control}/traces?status=error")).await;
    assert!(errors["traces"].as_array().is_some_and(|t| t.iter().all(|t| t["status"] == "ERROR") && t.len() >= 2), "{errors}");

    // What a compiled binary cannot do answers 501 with a reason.
    for (method, path) in [("GET", "/logs"), ("PUT", "/logs/naftiko"), ("POST", "/config/reload"), ("GET", "/config")] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let reply = http().request(method, format!("{control}{path}")).bearer_auth(TOKEN).send().await.expect("request");
        assert_eq!(reply.status(), StatusCode::NOT_IMPLEMENTED, "{path}");
        let body: Value = reply.json().await.expect("JSON");
        assert_eq!(body["type"], "not_supported", "{path}");
    }
    // Not declared: `validate`.
    let validate = http().post(format!("{control}/config/validate")).bearer_auth(TOKEN).send().await.expect("POST");
    assert_eq!(validate.status(), StatusCode::NOT_FOUND);
}

/// The trace goes on to the upstream API as the caller's W3C `traceparent` continued: the same trace
/// id, the client span's id as the parent, the caller's `sampled` flag (followed at the default rate,
/// as the engine's `parentbased_always_on`); an unsampled trace is passed on but not kept.
#[tokio::test(flavor = "multi_thread")]
async fn the_trace_is_passed_on_to_the_upstream() {
    let upstream = naftiko_tests::Recorder::start(|_| naftiko_tests::Answer::json(200, r#"{"id":"1"}"#)).await;
    let args = ["--listen", "control=127.0.0.1:0", "--upstream", &upstream.base_url()];
    let server = ServerProcess::start(FIXTURES, &args, &[("SHIPYARD_STEP", "control"), ("CONTROL_TOKEN", TOKEN)]).expect("start");
    let control = format!("http://{}", server.addr_of("control").expect("the control port listens"));
    let rest = server.rest_url();
    let sent = |flags: &str| {
        let traceparent = format!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
        let url = format!("{rest}/items/1");
        async move { http().get(url).header("traceparent", traceparent).send().await.expect("GET /items/1").status() }
    };
    let passed_on = || {
        let request = upstream.only_request();
        upstream.clear();
        let value = request.headers.iter().find(|(n, _)| n == "traceparent").map(|(_, v)| v.clone());
        value.unwrap_or_else(|| panic!("no traceparent upstream: {:?}", request.headers))
    };

    assert_eq!(sent("01").await, StatusCode::OK);
    let header = passed_on();
    let parts: Vec<&str> = header.split('-').collect();
    assert_eq!((parts.len(), parts[0], parts[1], parts[3]), (4, "00", "4bf92f3577b34da6a3ce929d0e0e4736", "01"), "{header}");
    assert_ne!(parts[2], "00f067aa0ba902b7", "the upstream's parent is our client span, not the caller's");
    let (status, trace) = get_json(&format!("{control}/traces/4bf92f3577b34da6a3ce929d0e0e4736")).await;
    assert_eq!(status, StatusCode::OK, "{trace}");
    let spans = trace["spans"].as_array().cloned().unwrap_or_default();
    assert!(spans.iter().any(|s| s["kind"] == "CLIENT" && s["spanId"] == parts[2]), "the upstream's parent is the CLIENT span: {trace}");

    // Not sampled by the caller: passed on as such, and not kept.
    let (_, before) = get_json(&format!("{control}/traces")).await;
    assert_eq!(sent("00").await, StatusCode::OK);
    assert!(passed_on().ends_with("-00"));
    let (_, after) = get_json(&format!("{control}/traces")).await;
    assert_eq!(after["bufferUsed"], before["bufferUsed"], "{after}");
}

/// `--only` leaves the REST and MCP listeners out: readiness does not wait for them.
#[tokio::test(flavor = "multi_thread")]
async fn readiness_counts_the_listeners_served() {
    let (_server, control) = serve("control", &["--only", "control", "--no-rest", "--no-mcp"]);
    let (status, ready) = get_json(&format!("{control}/health/ready")).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    let states: Vec<&str> = ready["adapters"].as_array().into_iter().flatten().filter_map(|a| a["state"].as_str()).collect();
    assert_eq!(states, ["disabled", "disabled", "started"]);
}

/// tests/fixtures/otlp.yaml: the traces `/traces` keeps are also sent, batched, as OTLP/HTTP protobuf
/// to the collector its `{{OTEL_ENDPOINT}}` names (a recorder here), with the same trace ids, the
/// parent of each span, the caller's `traceparent` continued and the capability's label as `service.name`.
#[tokio::test(flavor = "multi_thread")]
async fn traces_are_exported_over_otlp_http() {
    use naftiko_runtime::control::otlp::proto::{ExportTraceServiceRequest, SpanKind, Value as Any};
    use prost::Message as _;

    let collector = naftiko_tests::Recorder::start(|_| naftiko_tests::Answer::bytes(200, "application/x-protobuf", Vec::new())).await;
    let endpoint = collector.base_url();
    let args = ["--listen", "control=127.0.0.1:0", "--upstream", "http://127.0.0.1:9"];
    let server = ServerProcess::start(FIXTURES, &args, &[("SHIPYARD_STEP", "otlp"), ("OTEL_ENDPOINT", &endpoint)]).expect("start");
    let control = format!("http://{}", server.addr_of("control").expect("the control port listens"));
    let (rest, mcp) = (server.rest_url(), server.mcp_url());
    assert_eq!(http().get(format!("{rest}/hello")).send().await.expect("GET /hello").status(), StatusCode::OK);
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let failed = http().get(format!("{rest}/items/1")).header("traceparent", traceparent).send().await.expect("GET /items/1");
    assert_eq!(failed.status(), StatusCode::BAD_GATEWAY);
    assert_ne!(tool_call(&mcp, "hello", json!({})).await["result"]["isError"], true);
    let (status, traces) = get_json(&format!("{control}/traces")).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<String> = traces["traces"].as_array().into_iter().flatten().filter_map(|t| Some(t["traceId"].as_str()?.to_owned())).collect();
    assert!(listed.len() >= 3, "{traces}");

    // A batch leaves at most a second after its first trace; wait until every listed trace has arrived.
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut exported = Vec::new();
    for _ in 0..100 {
        exported = collector.requests();
        let spans = exported.iter().filter_map(|r| ExportTraceServiceRequest::decode(r.body.as_slice()).ok()).flat_map(|r| r.resource_spans);
        let ids: Vec<String> = spans.flat_map(|r| r.scope_spans).flat_map(|s| s.spans).map(|s| hex(&s.trace_id)).collect();
        if listed.iter().all(|id| ids.contains(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!exported.is_empty(), "nothing reached the collector");
    let mut spans = Vec::new();
    for request in &exported {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/traces"));
        let media = request.headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.as_str());
        assert_eq!(media, Some("application/x-protobuf"));
        let decoded = ExportTraceServiceRequest::decode(request.body.as_slice()).expect("an OTLP export request");
        for resource in decoded.resource_spans {
            let attributes = resource.resource.map(|r| r.attributes).unwrap_or_default();
            let service = attributes.iter().find(|a| a.key == "service.name").and_then(|a| a.value.clone()?.value);
            assert_eq!(service, Some(Any::StringValue("OTLP export under test".into())));
            spans.extend(resource.scope_spans.into_iter().flat_map(|s| s.spans));
        }
    }
    for id in &listed {
        let root =
            spans.iter().find(|s| hex(&s.trace_id) == *id && s.name.ends_with(".request")).unwrap_or_else(|| panic!("trace {id} not exported"));
        assert!(root.end_time_unix_nano >= root.start_time_unix_nano && root.start_time_unix_nano > 0, "{root:?}");
    }
    let attribute = |span: &naftiko_runtime::control::otlp::proto::Span, key: &str| {
        span.attributes.iter().find(|a| a.key == key).and_then(|a| a.value.clone()?.value)
    };
    let hello = spans.iter().find(|s| attribute(s, "naftiko.operation.id") == Some(Any::StringValue("/hello GET".into()))).expect("GET /hello");
    assert_eq!((hello.name.as_str(), hello.kind), ("rest.request", SpanKind::Server as i32));
    assert!(hello.parent_span_id.is_empty(), "{hello:?}");
    assert_eq!(attribute(hello, "http.request.method"), Some(Any::StringValue("GET".into())));
    // The caller's trace: the root is INTERNAL, child of the caller's span; the upstream call its child.
    let continued: Vec<_> = spans.iter().filter(|s| hex(&s.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736").collect();
    let root = continued.iter().find(|s| s.name == "rest.request").expect("the continued trace's root");
    assert_eq!((root.kind, hex(&root.parent_span_id).as_str()), (SpanKind::Internal as i32, "00f067aa0ba902b7"));
    assert_eq!(root.status.as_ref().map(|s| s.code), Some(2), "an error: {root:?}");
    let upstream = continued.iter().find(|s| s.name == "http.client.GET").expect("the upstream call's span");
    assert_eq!((upstream.kind, &upstream.parent_span_id), (SpanKind::Client as i32, &root.span_id));
    let (_, detail) = get_json(&format!("{control}/traces/4bf92f3577b34da6a3ce929d0e0e4736")).await;
    assert_eq!(detail["spans"][0]["spanId"].as_str(), Some(hex(&root.span_id).as_str()), "{detail}");
    let tool = spans.iter().find(|s| s.name == "mcp.request" && attribute(s, "naftiko.operation.id") == Some(Any::StringValue("hello".into())));
    let tool = tool.expect("the tool call's trace");
    assert!(spans.iter().any(|s| s.name == "mcp.tool" && s.parent_span_id == tool.span_id && s.trace_id == tool.trace_id), "{spans:?}");
}

/// An OTLP endpoint that is not an http(s) URL once its bind is read stops the start, naming it.
#[test]
fn an_otlp_endpoint_that_is_not_a_url_stops_the_start() {
    let args = ["--listen", "control=127.0.0.1:0"];
    let started = ServerProcess::start(FIXTURES, &args, &[("SHIPYARD_STEP", "otlp"), ("OTEL_ENDPOINT", "collector:4318")]);
    let error = started.err().expect("refused");
    assert!(error.contains("OTLP endpoint"), "{error}");
}

/// At most one control expose, on a port of its own: errors at generation time, where they are written.
#[test]
fn control_exposes_are_checked_when_generating() {
    let spec = |exposes: &str| format!("naftiko: 1.0.0-alpha2\ncapability:\n  exposes:\n{exposes}");
    let codes = |text: &str| {
        let loaded = naftiko_codegen::load_with("control.yaml", text, None);
        let rendered = loaded.render(false);
        assert!(loaded.capability.is_none(), "{rendered}");
        rendered
    };
    let twice = codes(&spec("  - type: control\n    port: 9199\n  - type: control\n    port: 9198\n"));
    assert!(twice.contains("E1001") && twice.contains("control.yaml:6:11"), "{twice}");
    let shared = codes(&spec("  - type: mcp\n    namespace: tools\n    port: 9199\n    tools: []\n  - type: control\n    port: 9199\n"));
    assert!(shared.contains("E1002") && shared.contains("control.yaml:9:11"), "{shared}");
}
