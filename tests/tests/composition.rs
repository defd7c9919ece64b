//! Composition beyond what the engine's fixtures cover, on a spec of our own compiled by `capability!`:
//! `{{step.field}}` in a later step's `with`, lookups that match one entry or none, dotted mapping
//! targets, several outputs (the first that is not `null` answers), typed mock outputs, and a raw JSON
//! body with bare placeholders. Served in-process on loopback against a recording upstream.

use std::net::SocketAddr;
use std::sync::Arc;

use naftiko_tests::{Answer, RecordedRequest, Recorder, serve};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};

mod directory {
    naftiko_runtime::capability!(
        yaml = r#"
naftiko: 1.0.0-alpha2
info:
  label: Directory
  description: Profiles, regions and notes, composed.
capability:
  consumes:
  - type: http
    namespace: directory
    baseUri: http://directory.invalid
    resources:
    - name: profile
      path: /profiles/{{user}}
      operations:
      - name: get-profile
        method: GET
        inputParameters:
        - name: user
          in: path
    - name: region
      path: /regions/{{region}}
      operations:
      - name: get-region
        method: GET
        inputParameters:
        - name: region
          in: path
    - name: users
      path: /users
      operations:
      - name: list-users
        method: GET
    - name: notes
      path: /notes
      operations:
      - name: add-note
        method: POST
        body: |
          {"user": "{{user}}", "count": {{count}}, "tags": {{tags}}, "text": "{{text}}"}
  exposes:
  - type: mcp
    namespace: directory-tools
    port: 9300
    tools:
    - name: profile-summary
      description: A profile with its region and manager resolved.
      inputParameters:
      - name: user
        type: string
        description: User id
      steps:
      - name: fetch-profile
        type: call
        call: directory.get-profile
        with:
          user: directory-tools.user
      - name: fetch-region
        type: call
        call: directory.get-region
        with:
          region: "{{fetch-profile.region}}"
      - name: list-users
        type: call
        call: directory.list-users
      - name: find-manager
        type: lookup
        index: list-users
        match: id
        lookupValue: "$.fetch-profile.manager"
        outputParameters: [name]
      - name: find-nobody
        type: lookup
        index: list-users
        match: id
        lookupValue: "{{user}}-missing"
        outputParameters: [name]
      mappings:
      - targetName: id
        value: "$.fetch-profile.id"
      - targetName: location.region
        value: "$.fetch-region.name"
      - targetName: location.zones
        value: "$.fetch-region.zones"
      - targetName: manager
        value: "$.find-manager"
      - targetName: nobody
        value: "$.find-nobody"
      outputParameters:
      - name: id
        type: string
      - name: location
        type: object
        properties:
          region:
            type: string
          zones:
            type: array
      - name: manager
        type: object
      - name: nobody
        type: object
    - name: first-known
      description: The first output that is there.
      inputParameters:
      - name: user
        type: string
      call: directory.get-profile
      with:
        user: "{{user}}"
      outputParameters:
      - type: string
        mapping: $.nickname
      - type: string
        mapping: $.region
    - name: status-card
      description: A mock with typed outputs.
      inputParameters:
      - name: user
        type: string
      outputParameters:
      - name: code
        type: integer
        value: "42"
      - name: label
        type: string
        value: "User {{user}}"
      - name: details
        type: object
        properties:
          active:
            type: boolean
            value: "true"
      - name: tags
        type: array
        items:
          type: string
          value: "{{user}}"
    - name: add-note
      description: Posts a note.
      inputParameters:
      - name: user
        type: string
      - name: count
        type: integer
      - name: tags
        type: array
        required: false
      - name: text
        type: string
      call: directory.add-note
      with:
        user: directory-tools.user
        count: directory-tools.count
        tags: directory-tools.tags
        text: directory-tools.text
  - type: rest
    namespace: directory-rest
    port: 9301
    resources:
    - path: /summary/{user}
      operations:
      - method: GET
        name: summary
        inputParameters:
        - name: user
          in: path
          type: string
        steps:
        - name: fetch-profile
          type: call
          call: directory.get-profile
          with:
            user: "{{user}}"
        mappings:
        - targetName: who.id
          value: "$.fetch-profile.id"
        - targetName: who.region
          value: "$.fetch-profile.region"
"#
    );
}

type Peer = RunningService<RoleClient, ()>;

fn directory_api(request: &RecordedRequest) -> Answer {
    match request.path.as_str() {
        "/profiles/u-1" => Answer::json(200, r#"{"id":"u-1","region":"eu","manager":"u-2"}"#),
        "/regions/eu" => Answer::json(200, r#"{"name":"Europe","zones":["eu-1","eu-2"]}"#),
        "/users" => Answer::json(200, r#"[{"id":"u-1","name":"Ada"},{"id":"u-2","name":"Grace"},"not an object"]"#),
        "/notes" => Answer::json(201, r#"{"ok":true}"#),
        _ => Answer::json(404, r#"{"error":"not found"}"#),
    }
}

async fn start() -> (Recorder, SocketAddr, Peer) {
    naftiko_runtime::install_crypto_provider();
    let upstream = Recorder::start(directory_api).await;
    let client = directory::Client::new(upstream.base_url(), directory::Auth::default());
    let handlers = Arc::new(directory::Proxy::new(directory::Clients { directory: client }));
    let rest = serve(directory::rest::router(handlers.clone())).await;
    let mcp = serve(directory::mcp::router(handlers)).await;
    let peer = ().serve(StreamableHttpClientTransport::from_uri(format!("http://{mcp}/mcp"))).await.expect("initialize");
    (upstream, rest, peer)
}

async fn call(peer: &Peer, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    peer.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)).await.unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn answer(result: &CallToolResult) -> Value {
    let text: String = result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect();
    assert_eq!(result.is_error, Some(false), "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn steps_templates_lookups_and_dotted_targets() {
    let (upstream, rest, peer) = start().await;
    let summary = answer(&call(&peer, "profile-summary", json!({"user": "u-1"})).await);
    // `nobody` is left out: its lookup matched nothing. Non-objects in the index are skipped.
    assert_eq!(summary, json!({"id": "u-1", "location": {"region": "Europe", "zones": ["eu-1", "eu-2"]}, "manager": {"name": "Grace"}}));
    let targets: Vec<String> = upstream.requests().iter().map(RecordedRequest::target).collect();
    assert_eq!(targets, ["/profiles/u-1", "/regions/eu", "/users"], "`{{fetch-profile.region}}` filled the second call");

    let tools: Vec<Value> = peer.list_all_tools().await.expect("tools").iter().map(|t| serde_json::to_value(t).expect("JSON")).collect();
    let schema = &tools.iter().find(|t| t["name"] == "profile-summary").expect("tool")["outputSchema"];
    assert_eq!(schema["properties"]["location"]["properties"]["zones"]["type"], json!(["array", "null"]), "{schema}");
    assert_eq!(schema["properties"]["id"]["type"], json!(["string", "null"]), "{schema}");

    let reply = reqwest::get(format!("http://{rest}/summary/u-1")).await.expect("GET");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.json::<Value>().await.expect("JSON"), json!({"who": {"id": "u-1", "region": "eu"}}));
    peer.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn several_outputs_answer_the_first_that_is_there() {
    let (_upstream, _rest, peer) = start().await;
    assert_eq!(answer(&call(&peer, "first-known", json!({"user": "u-1"})).await), json!("eu"), "no `nickname`: the region");
    peer.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn mock_outputs_are_typed_and_nested() {
    let (upstream, _rest, peer) = start().await;
    let card = answer(&call(&peer, "status-card", json!({"user": "u-7"})).await);
    assert_eq!(card, json!({"code": 42, "label": "User u-7", "details": {"active": true}, "tags": ["u-7"]}));
    assert!(upstream.requests().is_empty(), "a mock calls nothing");
    peer.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_json_bodies_escape_strings_and_render_bare_values() {
    let (upstream, _rest, peer) = start().await;
    let text = "quote \" backslash \\ newline \n and \"}, \"admin\": true, \"x\": {\"";
    let result = call(&peer, "add-note", json!({"user": "u-1", "count": 3, "tags": ["a", "b"], "text": text})).await;
    assert_eq!(answer(&result), json!({"ok": true}));
    let sent = upstream.only_request().body_json().expect("the body is JSON");
    assert_eq!(sent, json!({"user": "u-1", "count": 3, "tags": ["a", "b"], "text": text}));
    upstream.clear();
    let result = call(&peer, "add-note", json!({"user": "u-1", "count": 0, "text": ""})).await;
    assert_eq!(result.is_error, Some(false));
    assert_eq!(upstream.only_request().body_json(), Some(json!({"user": "u-1", "count": 0, "tags": null, "text": ""})));
    peer.cancel().await.ok();
}
