//! The generated binaries serve their REST surfaces as real processes over loopback, proxying to the
//! Scaleway emulator: status codes, paging headers, merged routes, bad input, hostile paths, faults.

use naftiko_tests::{EMULATOR_TOKEN, Emulator, ServerProcess};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const IMAGES: &str = env!("CARGO_BIN_EXE_e2e-instance-images");
const ZONE: &str = "fr-par-1";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn serve(binary: &str, emulator: &Emulator, extra: &[&str]) -> ServerProcess {
    let upstream = emulator.base_url();
    let mut args = vec!["--upstream", upstream.as_str(), "--no-mcp"];
    args.extend_from_slice(extra);
    ServerProcess::start(binary, &args, &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).unwrap_or_else(|e| panic!("{e}"))
}

async fn json_of(response: reqwest::Response) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())) };
    (status, headers, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_lifecycle_through_the_rest_adapter() {
    let emulator = Emulator::start().await;
    let server = serve(SNAPSHOTS, &emulator, &[]);
    let http = http();
    let base = format!("{}/v1/instance/v1/zones/{ZONE}/snapshots", server.rest_url());
    let volume = emulator.seed_volume(ZONE);

    let mut ids = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        let (status, _, body) = json_of(http.post(&base).json(&json!({"name": name, "volume_id": volume})).send().await.expect("create")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["snapshot"]["name"], name);
        ids.push(body["snapshot"]["id"].as_str().expect("id").to_owned());
    }

    let (status, headers, body) = json_of(http.get(format!("{base}?per_page=2&page=1")).send().await.expect("list")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-total-count"], "3");
    assert!(headers.get("link").is_some_and(|l| l.to_str().unwrap_or_default().contains("rel=\"next\"")), "{headers:?}");
    assert_eq!(body["snapshots"].as_array().map(Vec::len), Some(2));

    let (_, _, body) = json_of(http.get(format!("{base}?name=beta")).send().await.expect("filter")).await;
    assert_eq!(body["snapshots"][0]["id"], ids[1].as_str());

    let item = format!("{base}/{}", ids[0]);
    let (status, _, body) = json_of(http.get(&item).send().await.expect("get")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["snapshot"]["name"], "alpha");

    let (status, _, body) = json_of(http.patch(&item).json(&json!({"name": "alpha-2", "tags": ["x"]})).send().await.expect("patch")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["snapshot"]["name"], "alpha-2");

    let (status, _, body) = json_of(http.put(&item).json(&json!({"name": "alpha-3", "tags": []})).send().await.expect("put")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["snapshot"]["name"], "alpha-3");

    let (status, _, body) = json_of(http.post(format!("{item}/export")).json(&json!({"bucket": "exports", "key": "alpha.qcow2"})).send().await.expect("export")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["task"]["id"].is_string());

    // Deleting an exporting snapshot is refused by the emulator only while it is transient; a read settles it.
    let _ = http.get(&item).send().await;
    let (status, _, _) = json_of(http.delete(&item).send().await.expect("delete")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, _, body) = json_of(http.get(&item).send().await.expect("get after delete")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], "not_found", "the upstream 404 body passes through: {body}");
    assert_eq!(body["resource_id"], ids[0].as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_configured_secret_reaches_upstream() {
    let emulator = Emulator::start().await;
    let server = serve(SNAPSHOTS, &emulator, &[]);
    let response = http()
        .get(format!("{}/v1/instance/v1/zones/{ZONE}/snapshots", server.rest_url()))
        .header("X-Auth-Token", "the-callers-own-token")
        .header("Authorization", "Bearer callers")
        .send()
        .await
        .expect("list");
    assert_eq!(response.status(), StatusCode::OK);
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("x-auth-token"), Some(EMULATOR_TOKEN));
    assert_eq!(requests[0].header("authorization"), None);
    assert!(server.logs().iter().all(|l| !l.contains(EMULATOR_TOKEN)), "the secret appeared in a log line");
}

#[tokio::test(flavor = "multi_thread")]
async fn merged_images_route_serves_put_get_patch_delete() {
    let emulator = Emulator::start().await;
    let server = serve(IMAGES, &emulator, &[]);
    let http = http();
    let base = format!("{}/v1/instance/v1/zones/{ZONE}/images", server.rest_url());
    let snapshot = emulator.seed_snapshot(ZONE);
    let (status, headers, body) = json_of(http.post(&base).json(&json!({"name": "img", "arch": "x86_64", "root_volume": snapshot})).send().await.expect("create")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(headers.get("location").is_some(), "Location passes through");
    let id = body["image"]["id"].as_str().expect("image id").to_owned();
    let item = format!("{base}/{id}");

    let (status, _, body) = json_of(http.get(&item).send().await.expect("get")).await;
    assert_eq!((status, body["image"]["name"].clone()), (StatusCode::OK, json!("img")));
    let (status, _, body) = json_of(http.patch(&item).json(&json!({"name": "img-2"})).send().await.expect("patch")).await;
    assert_eq!((status, body["image"]["name"].clone()), (StatusCode::OK, json!("img-2")));
    let mut full = body["image"].clone();
    full["name"] = json!("img-3");
    let (status, _, body) = json_of(http.put(&item).json(&full).send().await.expect("put")).await;
    assert_eq!((status, body["image"]["name"].clone()), (StatusCode::OK, json!("img-3")), "{body}");
    let (status, _, _) = json_of(http.delete(&item).send().await.expect("delete")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let upstream: Vec<String> = emulator.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert!(upstream.contains(&format!("PUT /instance/v1/zones/{ZONE}/images/{id}")), "{upstream:?}");
    assert!(upstream.contains(&format!("PATCH /instance/v1/zones/{ZONE}/images/{id}")), "{upstream:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_json_400_and_nothing_goes_upstream() {
    let emulator = Emulator::start().await;
    let mut server = serve(SNAPSHOTS, &emulator, &["--body-limit", "1024"]);
    let http = http();
    let base = format!("{}/v1/instance/v1/zones/{ZONE}/snapshots", server.rest_url());

    let (status, _, body) = json_of(http.get(format!("{base}?per_page=ten")).send().await.expect("bad int")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["type"], "invalid_argument");
    assert!(body["message"].as_str().unwrap_or_default().contains("per_page"), "{body}");

    let (status, _, body) = json_of(http.post(&base).header("content-type", "application/json").body("{not json").send().await.expect("bad json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["type"], "invalid_argument");

    let (status, _, body) = json_of(http.post(&base).send().await.expect("no body")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a required body is missing: {body}");

    let (status, _, body) = json_of(http.post(&base).body(vec![b' '; 4096]).send().await.expect("too large")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["type"], "payload_too_large");

    let (status, _, body) = json_of(http.get(format!("{}/v1/nowhere", server.rest_url())).send().await.expect("404")).await;
    assert_eq!((status, body["type"].clone()), (StatusCode::NOT_FOUND, json!("not_found")));

    let (status, _, body) = json_of(http.put(&base).send().await.expect("405")).await;
    assert_eq!((status, body["type"].clone()), (StatusCode::METHOD_NOT_ALLOWED, json!("method_not_allowed")));

    assert!(emulator.requests().is_empty(), "sent upstream: {:?}", emulator.requests());
    assert!(server.is_alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_path_values_never_leave_their_segment() {
    let emulator = Emulator::start().await;
    let mut server = serve(SNAPSHOTS, &emulator, &[]);
    let http = http();
    let base = format!("{}/v1/instance/v1/zones/{ZONE}/snapshots", server.rest_url());
    for (sent, upstream_segment) in [("a%2Fb", "a%2Fb"), ("a%3Fx%3D1", "a%3Fx%3D1"), ("a%23frag", "a%23frag"), ("%2E%2E%2Fadmin", "..%2Fadmin")] {
        emulator.clear_requests();
        let (status, _, body) = json_of(http.get(format!("{base}/{sent}")).send().await.expect("get")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{sent}: {body}");
        let requests = emulator.requests();
        assert_eq!(requests.len(), 1, "{sent}");
        let expected_tail = upstream_segment.replace("..", "%2E%2E");
        assert!(
            requests[0].path == format!("/instance/v1/zones/{ZONE}/snapshots/{expected_tail}") || requests[0].path == format!("/instance/v1/zones/{ZONE}/snapshots/{upstream_segment}"),
            "{sent} arrived upstream as {}",
            requests[0].path
        );
        assert_eq!(requests[0].query, None, "{sent} created a query upstream");
    }
    // HTTP clients normalise `..` away before sending; a raw request puts it on the wire as is.
    for dots in ["..", "%2E%2E", "%2e.", "."] {
        emulator.clear_requests();
        let target = format!("/v1/instance/v1/zones/{ZONE}/snapshots/{dots}/export");
        let (status, body) = raw_request(server.rest.expect("rest address"), "POST", &target, "{}").await;
        assert_eq!(status, 400, "{dots}: {body}");
        assert!(body.contains("invalid_argument"), "{dots}: {body}");
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    assert!(server.is_alive());
}

/// One HTTP/1.1 request written byte for byte; returns the status code and body text.
async fn raw_request(addr: std::net::SocketAddr, method: &str, target: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("read");
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_upstream_is_a_json_502() {
    let emulator = Emulator::start().await;
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let server = ServerProcess::start(SNAPSHOTS, &["--upstream", &format!("http://{dead}"), "--no-mcp"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)]).expect("start");
    let (status, _, body) = json_of(http().get(format!("{}/v1/instance/v1/zones/{ZONE}/snapshots", server.rest_url())).send().await.expect("get")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["type"], "upstream_unreachable");
    drop(emulator);
}

#[test]
fn a_missing_secret_fails_fast_naming_the_variable() {
    let output = std::process::Command::new(SNAPSHOTS)
        .args(["serve", "--rest-addr", "127.0.0.1:0", "--no-mcp"])
        .env_remove("SCALEWAY_API_KEY")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SCALEWAY_API_KEY"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_openapi_are_served() {
    let emulator = Emulator::start().await;
    let server = serve(IMAGES, &emulator, &[]);
    let http = http();
    let (status, _, body) = json_of(http.get(format!("{}/healthz", server.rest_url())).send().await.expect("healthz")).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let response = http.get(format!("{}/openapi.json", server.rest_url())).send().await.expect("openapi");
    assert_eq!(response.status(), StatusCode::OK);
    let spec = oas3::from_json(response.text().await.expect("body")).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"));
    let operations: Vec<(String, String)> = spec.operations().map(|(path, method, op)| (format!("{method} {path}"), op.operation_id.clone().unwrap_or_default())).collect();
    for (route, id) in [
        ("GET /v1/instance/v1/zones/{zone}/images", "listimages"),
        ("POST /v1/instance/v1/zones/{zone}/images", "createimage"),
        ("PUT /v1/instance/v1/zones/{zone}/images/{id}", "setimage"),
        ("GET /v1/instance/v1/zones/{zone}/images/{id}", "getimage"),
        ("PATCH /v1/instance/v1/zones/{zone}/images/{id}", "updateimage"),
        ("DELETE /v1/instance/v1/zones/{zone}/images/{id}", "deleteimage"),
    ] {
        assert!(operations.contains(&(route.to_owned(), id.to_owned())), "{route} {id} missing from {operations:?}");
    }
    assert_eq!(operations.len(), 6);
    assert!(emulator.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_shuts_down_gracefully() {
    let emulator = Emulator::start().await;
    let mut server = serve(SNAPSHOTS, &emulator, &[]);
    let pid = server.pid().to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    let status = server.wait_for_exit(std::time::Duration::from_secs(10)).expect("exited within 10 s");
    assert!(status.success(), "{status:?}");
    assert!(server.logs().iter().any(|l| l.contains("shutting down")), "{:?}", server.logs());
}
