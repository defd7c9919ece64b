//! The same input means the same thing on REST and MCP: one table of values, each sent once as a REST
//! query (text) and once as MCP arguments (JSON), must reach the upstream as the same request, or be
//! refused by both with nothing sent (tests/fixtures/parity.yaml, against a recording upstream). Both
//! surfaces read inputs through `naftiko_runtime::Input`, whose coercions its module docs list.

use std::sync::Arc;

use naftiko_tests::{Answer, Recorder, Served};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Map, Value, json};

mod parity {
    include!(concat!(env!("OUT_DIR"), "/parity.rs"));
}

/// What one row expects upstream: the query string sent, or a refusal by both surfaces.
enum Expect {
    Sent(&'static str),
    Refused,
}

/// (REST query, MCP arguments besides `kind`, what reaches the upstream). A REST query carries text;
/// MCP arguments carry JSON of the type the tool's input schema advertises (arguments of another JSON
/// type are refused by the schema check before they are read), so a row pairs the text with the JSON
/// a client following each surface's contract sends for the same value.
fn table() -> Vec<(&'static str, Value, Expect)> {
    use Expect::*;
    vec![
        ("count=7", json!({"count": 7}), Sent("count=7")),
        ("count=%2042%20", json!({"count": 42}), Sent("count=42")),
        ("count=3.0", json!({"count": 3.0}), Sent("count=3")),
        ("count=1e3", json!({"count": 1e3}), Sent("count=1000")),
        ("count=3.5", json!({"count": 3.5}), Refused),
        ("count=abc", json!({"count": "abc"}), Refused),
        ("count=9223372036854775808", json!({"count": 9_223_372_036_854_775_808_u64}), Refused),
        ("ratio=0.1", json!({"ratio": 0.1}), Sent("ratio=0.1")),
        ("ratio=2", json!({"ratio": 2}), Sent("ratio=2")),
        ("ratio=-1.5e3", json!({"ratio": -1.5e3}), Sent("ratio=-1500")),
        ("ratio=abc", json!({"ratio": "abc"}), Refused),
        ("ratio=NaN", json!({"ratio": "NaN"}), Refused),
        ("active=true", json!({"active": true}), Sent("active=true")),
        ("active=false", json!({"active": false}), Sent("active=false")),
        ("active=%20true", json!({"active": true}), Sent("active=true")),
        ("active=1", json!({"active": "1"}), Refused),
        ("active=True", json!({"active": "True"}), Refused),
        ("active=0", json!({"active": 0}), Refused),
        ("tags=a&tags=b", json!({"tags": ["a", "b"]}), Sent("tags=a&tags=b")),
        ("tags=a", json!({"tags": ["a"]}), Sent("tags=a")),
        ("tags=a%2Cb", json!({"tags": ["a,b"]}), Sent("tags=a%2Cb")),
        ("label=5", json!({"label": "5"}), Sent("label=5")),
        ("label=a%20b", json!({"label": "a b"}), Sent("label=a%20b")),
        ("", json!({}), Sent("")),
    ]
}

async fn start() -> Served {
    naftiko_runtime::install_crypto_provider();
    let upstream = Recorder::start(|_| Answer::json(200, r#"{"items":[]}"#)).await;
    let client = parity::Client::new(upstream.base_url(), parity::Auth::default());
    let handlers = Arc::new(parity::Proxy::new(parity::Clients { items: client }));
    Served::start(upstream, parity::rest::router(handlers.clone()), parity::mcp::router(handlers)).await
}

/// The one request the upstream received since the last call, as `path?query`; `None` when none.
fn sent(upstream: &Recorder) -> Option<String> {
    let requests = upstream.requests();
    upstream.clear();
    assert!(requests.len() <= 1, "{requests:?}");
    requests.first().map(|r| format!("{}?{}", r.path, r.query.clone().unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_and_mcp_send_the_same_request_or_refuse_alike() {
    let served = start().await;
    let http = reqwest::Client::new();
    let peer = ().serve(StreamableHttpClientTransport::from_uri(format!("http://{}/mcp", served.mcp))).await.expect("initialize");
    for (query, arguments, expect) in table() {
        let reply = http.get(format!("http://{}/kinds/bolts/items?{query}", served.rest)).send().await.expect("REST request");
        let status = reply.status().as_u16();
        let body: Value = reply.json().await.expect("JSON body");
        let by_rest = sent(&served.upstream);

        let mut arguments: Map<String, Value> = serde_json::from_value(arguments).expect("an object");
        arguments.insert("kind".into(), json!("bolts"));
        let shown = Value::Object(arguments.clone());
        // The generated params struct's serde reading agrees: a Rust caller reading the same JSON gets
        // the value the adapters read, or the same refusal.
        let read = serde_json::from_value::<parity::ListItemsParams>(shown.clone());
        let result = peer.call_tool(CallToolRequestParams::new("list-items").with_arguments(arguments)).await.expect("tools/call");
        let by_mcp = sent(&served.upstream);

        match expect {
            Expect::Sent(upstream_query) => {
                assert_eq!(status, 200, "REST ?{query}: {body}");
                assert_eq!(result.is_error, Some(false), "MCP {shown}: {:?}", result.content);
                assert_eq!(by_rest.as_deref(), Some(format!("/kinds/bolts/items?{upstream_query}").as_str()), "REST ?{query}");
                assert_eq!(by_mcp, by_rest, "MCP {shown} against REST ?{query}");
                assert!(read.is_ok(), "serde {shown}: {read:?}");
            }
            Expect::Refused => {
                assert_eq!((status, body["type"].as_str()), (400, Some("invalid_argument")), "REST ?{query}: {body}");
                assert_eq!(result.is_error, Some(true), "MCP {shown}: {:?}", result.content);
                assert_eq!((by_rest, by_mcp), (None, None), "nothing sent for ?{query} / {shown}");
                assert!(read.is_err(), "serde {shown}: {read:?}");
            }
        }
    }
    peer.cancel().await.ok();
}
