//! One listener per expose: a seed binary served with `--listen NAMESPACE=HOST:PORT` and `--only
//! NAMESPACE`, its `serve --help` listing the exposes, and the start-up errors of those flags.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

/// Built for the other end-to-end tests too.
const SNAPSHOTS: &str = env!("CARGO_BIN_EXE_e2e-instance-snapshots");
const REST: &str = "instance-snapshots-rest";
const MCP: &str = "instance-snapshots-mcp";

/// A listener a `listening` log line announced.
#[derive(Debug)]
struct Announced {
    surface: String,
    namespace: String,
    address: SocketAddr,
}

/// `SNAPSHOTS serve` as a child process (killed when dropped), once it announced `count` listeners.
struct Serving {
    child: Child,
    announced: Vec<Announced>,
}

impl Serving {
    fn start(flags: &[&str], count: usize) -> Serving {
        Serving::start_binary(SNAPSHOTS, &[], flags, count)
    }

    /// `binary serve` with `env` (besides an unused API key) and `flags`.
    fn start_binary(binary: &str, env: &[(&str, &str)], flags: &[&str], count: usize) -> Serving {
        let mut child = Command::new(binary)
            .args(["serve", "--log-format", "json", "--upstream", "http://127.0.0.1:9"])
            .args(flags)
            .env("SCALEWAY_API_KEY", "unused")
            .envs(env.iter().copied())
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut serving = Serving { child, announced: Vec::new() };
        let mut logs = Vec::new();
        while serving.announced.len() < count {
            let Ok(line) = rx.recv_timeout(Duration::from_secs(20)) else {
                panic!("{count} listeners were not announced; logs:\n{}", logs.join("\n"));
            };
            let fields = serde_json::from_str::<Value>(&line).map(|v| v["fields"].clone()).unwrap_or_default();
            if fields["message"] == "listening" {
                serving.announced.push(Announced {
                    surface: fields["surface"].as_str().unwrap_or_default().to_owned(),
                    namespace: fields["namespace"].as_str().unwrap_or_default().to_owned(),
                    address: fields["address"].as_str().and_then(|a| a.parse().ok()).unwrap_or_else(|| panic!("no address in {line}")),
                });
            }
            logs.push(line);
        }
        serving
    }

    fn url(&self, namespace: &str, path: &str) -> String {
        let announced = self.announced.iter().find(|a| a.namespace == namespace).unwrap_or_else(|| panic!("{namespace} is not listening"));
        format!("http://{}{path}", announced.address)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http() -> reqwest::Client {
    naftiko_runtime::install_crypto_provider();
    reqwest::Client::new()
}

async fn status(request: reqwest::RequestBuilder) -> StatusCode {
    request.send().await.expect("a response").status()
}

/// `SNAPSHOTS serve <flags>` run to its end, before any secret is read (none is given).
fn refused(flags: &[&str]) -> String {
    let Output { status, stderr, .. } =
        Command::new(SNAPSHOTS).arg("serve").args(flags).env_remove("SCALEWAY_API_KEY").env_remove("RUST_LOG").output().expect("run the binary");
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    assert_eq!(status.code(), Some(1), "{flags:?}: {stderr}");
    assert!(!stderr.contains("listening"), "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread")]
async fn each_expose_listens_where_listen_says_with_its_own_router() {
    let serving = Serving::start(&["--listen", &format!("{REST}=127.0.0.1:0"), "--listen", &format!("{MCP}=127.0.0.1:0")], 2);
    let announced: Vec<(&str, &str)> = serving.announced.iter().map(|a| (a.surface.as_str(), a.namespace.as_str())).collect();
    assert_eq!(announced, [("rest", REST), ("mcp", MCP)]);
    assert_ne!(serving.announced[0].address, serving.announced[1].address);
    let http = http();
    for namespace in [REST, MCP] {
        assert_eq!(status(http.get(serving.url(namespace, "/healthz"))).await, StatusCode::OK, "{namespace}");
    }
    // REST's document is on REST's listener only, MCP on MCP's.
    assert_eq!(status(http.get(serving.url(REST, "/openapi.json"))).await, StatusCode::OK);
    assert_eq!(status(http.get(serving.url(MCP, "/openapi.json"))).await, StatusCode::NOT_FOUND);
    let tools_list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let mcp = |namespace| http.post(serving.url(namespace, "/mcp")).header("accept", "application/json, text/event-stream").json(&tools_list);
    assert_eq!(status(mcp(REST)).await, StatusCode::NOT_FOUND);
    let reply: Value = mcp(MCP).send().await.expect("tools/list").json().await.expect("a JSON reply");
    assert!(reply["result"]["tools"].as_array().is_some_and(|tools| !tools.is_empty()), "{reply}");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_serves_the_named_exposes() {
    // Listeners are announced in spec order, REST first: had REST been served, its line came first.
    let serving = Serving::start(&["--only", MCP, "--listen", &format!("{MCP}=127.0.0.1:0")], 1);
    assert_eq!((serving.announced[0].surface.as_str(), serving.announced[0].namespace.as_str()), ("mcp", MCP));
    assert_eq!(status(http().get(serving.url(MCP, "/healthz"))).await, StatusCode::OK);
    // The shorthands still name the one expose of their kind.
    let serving = Serving::start(&["--only", REST, "--rest-addr", "127.0.0.1:0", "--mcp-addr", "127.0.0.1:0"], 1);
    assert_eq!(serving.announced[0].namespace, REST);
}

#[test]
fn help_lists_the_exposes_with_their_kinds_and_default_addresses() {
    let output = Command::new(SNAPSHOTS).args(["serve", "--help"]).output().expect("run the binary");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    assert!(help.contains("--listen <NAMESPACE=HOST:PORT>") && help.contains("--only <NAMESPACE>"), "{help}");
    assert!(help.contains(&format!("\n  {REST}  rest     127.0.0.1:8080\n  {MCP}   mcp      127.0.0.1:9090\n")), "{help}");
}

#[test]
fn start_up_refuses_unknown_namespaces_malformed_flags_and_one_address_twice() {
    let known = format!("which is not an expose of instance-snapshots (its exposes: {REST}, {MCP})");
    assert!(refused(&["--listen", "instance-snapshots=127.0.0.1:0"]).contains(&format!("--listen names `instance-snapshots`, {known}")));
    assert!(refused(&["--only", "rest"]).contains(&format!("--only names `rest`, {known}")));
    assert!(refused(&["--listen", REST]).contains(&format!("--listen takes NAMESPACE=HOST:PORT, not `{REST}`")));
    assert!(refused(&["--listen", &format!("{REST}=127.0.0.1")]).contains("expected HOST:PORT"));
    let twice = refused(&["--listen", &format!("{REST}=127.0.0.1:7000"), "--mcp-addr", "127.0.0.1:7000"]);
    assert!(twice.contains(&format!("`{REST}` and `{MCP}` would both listen on 127.0.0.1:7000")), "{twice}");
    let both = refused(&["--rest-addr", "127.0.0.1:0", "--listen", &format!("{REST}=127.0.0.1:0")]);
    assert!(both.contains(&format!("both say where `{REST}` listens")), "{both}");
}

/// A spec with two REST and two MCP exposes (tests/fixtures/several-exposes.yaml): each its own listener,
/// router module and OpenAPI document; `serve --help` lists all four.
#[tokio::test(flavor = "multi_thread")]
async fn several_exposes_of_a_kind_each_listen_on_their_own() {
    const FIXTURES: &str = env!("CARGO_BIN_EXE_e2e-shipyard");
    let env = [("SHIPYARD_STEP", "several-exposes")];
    let listen = ["public-rest", "admin-rest", "public-mcp", "ops-mcp"].map(|ns| format!("{ns}=127.0.0.1:0"));
    let flags: Vec<&str> = listen.iter().flat_map(|l| ["--listen", l.as_str()]).collect();
    let serving = Serving::start_binary(FIXTURES, &env, &flags, 4);
    let mut namespaces: Vec<(&str, &str)> = serving.announced.iter().map(|a| (a.namespace.as_str(), a.surface.as_str())).collect();
    namespaces.sort_unstable();
    assert_eq!(namespaces, [("admin-rest", "rest"), ("ops-mcp", "mcp"), ("public-mcp", "mcp"), ("public-rest", "rest")]);

    let http = reqwest::Client::new();
    let paths = |document: Value| document["paths"].as_object().map(|p| p.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let public: Value = http.get(serving.url("public-rest", "/openapi.json")).send().await.expect("GET").json().await.expect("JSON");
    let admin: Value = http.get(serving.url("admin-rest", "/openapi.json")).send().await.expect("GET").json().await.expect("JSON");
    assert_eq!(paths(public.clone()), ["/zones/{zone}/snapshots"]);
    assert_eq!(paths(admin.clone()), ["/zones/{zone}/snapshots/{snapshot_id}"]);
    assert_eq!(
        (public["servers"][0]["url"].as_str(), admin["servers"][0]["url"].as_str()),
        (Some("http://127.0.0.1:8181"), Some("http://127.0.0.1:8182"))
    );
    // Each REST listener serves its own operations only.
    let other = http.delete(serving.url("public-rest", "/zones/fr-par-1/snapshots/s-1")).send().await.expect("DELETE");
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let reached = http.delete(serving.url("admin-rest", "/zones/fr-par-1/snapshots/s-1")).send().await.expect("DELETE");
    assert_eq!(reached.status(), StatusCode::BAD_GATEWAY, "the upstream (port 9) is not there: the operation ran");

    for (namespace, tool) in [("public-mcp", "list-snapshots"), ("ops-mcp", "delete-snapshot")] {
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
        let reply: Value = http
            .post(serving.url(namespace, "/mcp"))
            .header("accept", "application/json, text/event-stream")
            .json(&list)
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("JSON");
        let names: Vec<&str> = reply["result"]["tools"].as_array().map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect()).unwrap_or_default();
        assert_eq!(names, [tool], "{namespace}: {reply}");
    }

    let help = Command::new(FIXTURES).args(["serve", "--help"]).envs(env).output().expect("serve --help");
    let help = String::from_utf8_lossy(&help.stdout);
    for expose in ["public-rest", "admin-rest", "public-mcp", "ops-mcp"] {
        assert!(help.contains(expose), "{expose} in:\n{help}");
    }
}

/// `--threads`: every thread serves its own listener of the expose's one port (`SO_REUSEPORT` on
/// Linux), and that port stays the process's: a second server started on it is refused, as is a port
/// any other socket holds.
#[tokio::test(flavor = "multi_thread")]
async fn serving_threads_share_a_port_no_other_process_gets() {
    let serving = Serving::start(&["--threads", "3", "--only", REST, "--rest-addr", "127.0.0.1:0"], 1);
    let address = serving.announced[0].address;
    // Separate connections, spread over the threads by the kernel: each is answered.
    for _ in 0..24 {
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("a client");
        assert_eq!(status(client.get(format!("http://{address}/healthz"))).await, StatusCode::OK);
    }
    #[cfg(target_os = "linux")]
    {
        let threads = std::fs::read_dir(format!("/proc/{}/task", serving.child.id())).expect("the process's threads");
        let serving_threads = threads
            .filter_map(Result::ok)
            .filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|name| name.starts_with("serve-")))
            .count();
        assert_eq!(serving_threads, 2, "the main thread and two more serve");
    }
    let second = |addr: String| {
        Command::new(SNAPSHOTS)
            .args(["serve", "--upstream", "http://127.0.0.1:9", "--threads", "2", "--only", REST, "--rest-addr", &addr])
            .env("SCALEWAY_API_KEY", "unused")
            .env_remove("RUST_LOG")
            .output()
            .expect("run the binary")
    };
    let Output { status: exit, stderr, .. } = second(address.to_string());
    let stderr = String::from_utf8_lossy(&stderr);
    assert_eq!(exit.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on {address}")), "{stderr}");
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let held = held.local_addr().expect("addr").to_string();
    let Output { status: exit, stderr, .. } = second(held.clone());
    assert_eq!(exit.code(), Some(1), "{}", String::from_utf8_lossy(&stderr));
    assert!(String::from_utf8_lossy(&stderr).contains(&format!("cannot listen on {held}")));
}
