//! The Streamable HTTP transport at `/mcp`: answered directly for the plain requests, by rmcp's service otherwise.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse as _, Response as HttpResponse};
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, ErrorData, GetMeta as _, JsonRpcRequest, ProtocolVersion, RequestId, ServerJsonRpcMessage, ServerResult};
use rmcp::transport::common::http_header::{EVENT_STREAM_MIME_TYPE, HEADER_MCP_PROTOCOL_VERSION, JSON_MIME_TYPE};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

use crate::mcp::message::{ProtocolError, READ_INLINE_LIMIT, RefusedArguments, read_message, refused_arguments};
use crate::mcp::{MCP_PATH, McpServer, ToolError};
use crate::access::Access;
use crate::rest::{BodyLimit, DEFAULT_BODY_LIMIT, RestOptions, ServerAuth, read_body};

/// Options of the Streamable HTTP router.
#[derive(Clone, Debug)]
pub struct McpOptions {
    /// The credentials the MCP expose demands (checked before rmcp sees the request).
    pub auth: Option<ServerAuth>,
    /// Largest accepted request body (413 beyond).
    pub body_limit: usize,
    /// The `Host` names (against DNS rebinding) and browser origins (the MCP specification: servers
    /// MUST validate `Origin`) it accepts; loopback names and no origin by default.
    pub access: Access,
}

impl Default for McpOptions {
    /// Loopback only: what a server bound to 127.0.0.1 (the default, DESIGN §3.11) is reached by.
    fn default() -> Self {
        McpOptions { auth: None, body_limit: DEFAULT_BODY_LIMIT, access: Access::loopback() }
    }
}

impl McpOptions {
    /// Options for a server listening on `address` (`host`, `host:port`, `[v6]:port`; `None` is the
    /// loopback default). See [`Access::for_address`].
    pub fn for_address(address: Option<&str>) -> Self {
        McpOptions { access: address.map_or_else(Access::loopback, |a| Access::for_address(a, &[], &[])), ..McpOptions::default() }
    }
}

/// The Streamable HTTP transport at [`MCP_PATH`]: stateless (no session kept between requests, so
/// replicas behind a load balancer need no affinity — DESIGN §3.13), JSON responses, bounded bodies,
/// `Host`/`Origin` checks, the expose's authentication, and JSON 401/404/405 like the REST router.
///
/// The body limit is the [`BodyLimit`] request extension when the binary sets one (`--body-limit`),
/// else `options.body_limit`; a larger body is a JSON 413.
///
/// rmcp's stateless service builds and runs a whole service (channels, tasks, cancellation tokens)
/// for every POST. The plain requests — `ping`, `tools/list`, `tools/call` and notifications on a
/// protocol version with the `initialize` handshake, which is what clients send once initialized —
/// are answered here directly, byte for byte as rmcp would (see `Endpoint::answer`); everything
/// else (`initialize`, discovery, per-request protocol metadata, the 2026-07-28 headers, other
/// methods, and every request refused before its body is read) goes to rmcp's service, so its
/// answers stay rmcp's own. A body rmcp cannot read as a JSON-RPC message (not JSON, empty, a
/// `jsonrpc` other than "2.0", …) is answered here with a JSON-RPC error (-32700, -32600, -32602),
/// 200 and `application/json` as the reference engine answers, where rmcp's is a plain-text 415.
pub fn router(server: McpServer, options: McpOptions) -> axum::Router {
    let auth = options.auth.clone();
    let rmcp_server = server.clone();
    let endpoint = Arc::new(Endpoint::new(server, &options, move || Ok(rmcp_server.clone())));
    let router = axum::Router::new().route(
        MCP_PATH,
        axum::routing::any(move |request: Request| {
            let endpoint = Arc::clone(&endpoint);
            async move { endpoint.handle(request).await }
        }),
    );
    crate::rest::finish(router, RestOptions { auth, access: options.access })
}

/// The `/mcp` endpoint: the direct answers and rmcp's service for the rest.
struct Endpoint {
    server: McpServer,
    rmcp: StreamableHttpService<McpServer, NeverSessionManager>,
    /// The `Host` and `Origin` values rmcp is configured with, with the `Host` allow-list parsed once
    /// (checked first by the router's guard, or by a binary's serve loop, whose routers check none).
    access: crate::access::Prepared,
    /// An `Origin` allow-list is set: requests carrying `Origin` go to rmcp, which checks it.
    check_origins: bool,
    body_limit: usize,
}

impl Endpoint {
    /// `make_server` is what rmcp's service calls for each request it serves.
    fn new(server: McpServer, options: &McpOptions, make_server: impl Fn() -> Result<McpServer, std::io::Error> + Send + Sync + 'static) -> Self {
        let access = &options.access;
        // The router's guard (or the serve loop's edge) has refused foreign origins already; rmcp's list
        // cannot say "any".
        let origins = if access.allowed_origins.iter().any(|o| o.trim() == "*") { Vec::new() } else { access.allowed_origins.clone() };
        let config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            // Bounded in `handle`, before rmcp reads the body.
            .with_max_request_body_bytes(usize::MAX)
            .with_allowed_hosts(access.allowed_hosts.clone())
            .with_allowed_origins(origins.clone());
        Endpoint {
            server,
            rmcp: StreamableHttpService::new(make_server, Arc::new(NeverSessionManager::default()), config),
            access: crate::access::Prepared::new(access.clone()),
            check_origins: !origins.is_empty(),
            body_limit: options.body_limit,
        }
    }

    async fn handle(&self, request: Request) -> HttpResponse {
        // Buffered up to the limit (MCP messages are small JSON documents, and rmcp reads them whole
        // anyway), answering 413 beyond it.
        let limit = request.extensions().get::<BodyLimit>().map_or(self.body_limit, |l| l.0);
        let (parts, body) = request.into_parts();
        let body = match read_body(body, limit).await {
            Ok(bytes) => bytes,
            Err(refusal) => return refusal.into_response(),
        };
        let version = peer_version(&parts.headers);
        // What rmcp would serve: its checks pass and the protocol version is one it knows.
        let served = parts.method == http::Method::POST && self.rmcp_reads(&parts) && version.is_some();
        if !served {
            return self.rmcp.handle(Request::from_parts(parts, Body::from(body))).await.map(Body::new);
        }
        let reading = {
            let body = body.clone();
            move || (refused_arguments(&body), Some(read_message(&body)))
        };
        let (refused, message) = if body.len() > READ_INLINE_LIMIT {
            tokio::task::spawn_blocking(reading).await.unwrap_or((None, None))
        } else {
            reading()
        };
        // A body rmcp cannot read: the JSON-RPC error, not rmcp's plain-text 415.
        let message = match message.transpose() {
            Ok(message) => message,
            Err(error) => return protocol_error_response(&error),
        };
        if let Some(RefusedArguments { id, tool, problem }) = refused
            && self.server.has_tool(&tool)
        {
            let refusal = ToolError::new(format!("invalid arguments for `{tool}`: {problem}")).into_result();
            let legacy = version.as_ref().is_some_and(ProtocolVersion::has_initialize);
            return json_rpc_response(Ok(ServerResult::CallToolResult(refusal)), id, legacy);
        }
        if let Some(message) = message
            && self.admits(&parts)
            && let Some(response) = self.answer(&parts.headers, message).await
        {
            return response;
        }
        self.rmcp.handle(Request::from_parts(parts, Body::from(body))).await.map(Body::new)
    }

    /// Whether rmcp's stateless POST checks pass, so that it would read the message: `Host` and
    /// `Origin` allowed, both media types accepted, a JSON body. A request failing any of them is
    /// left to rmcp, whose refusal (400, 403, 406, 415) is then the answer.
    fn rmcp_reads(&self, parts: &http::request::Parts) -> bool {
        let headers = &parts.headers;
        self.access.check(&parts.uri, headers).is_ok()
            && accepts_json_and_sse(headers)
            && headers.get(http::header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).is_some_and(|h| {
                let essence = h.split_once(';').map_or(h, |(essence, _)| essence);
                essence.trim().eq_ignore_ascii_case(JSON_MIME_TYPE)
            })
    }

    /// Whether the message can be answered here, as rmcp would: [`Self::rmcp_reads`], and no
    /// `Origin` for rmcp to check.
    fn admits(&self, parts: &http::request::Parts) -> bool {
        self.rmcp_reads(parts) && !(self.check_origins && parts.headers.contains_key(http::header::ORIGIN))
    }

    /// The answer to a POST that passed [`Self::admits`] (read into `message`), or `None` to leave it
    /// to rmcp.
    ///
    /// What rmcp's stateless JSON-response path does for these messages: a request on a protocol
    /// version with the `initialize` handshake (the `MCP-Protocol-Version` header, else 2025-03-26)
    /// that carries no protocol version in its `_meta` is served with the peer on that version — the
    /// handler's result made legacy-shaped (no `resultType: "complete"`, no non-object structured
    /// content) — and answered 200 with the JSON-RPC response or error; a notification is 202 with
    /// an empty body.
    async fn answer(&self, headers: &http::HeaderMap, message: ClientJsonRpcMessage) -> Option<HttpResponse> {
        if !peer_version(headers)?.has_initialize() {
            return None; // 2026-07-28 and later bring header and `_meta` rules
        }
        let (request, id) = match message {
            ClientJsonRpcMessage::Notification(_) => {
                return Some(http::StatusCode::ACCEPTED.into_response());
            }
            ClientJsonRpcMessage::Request(JsonRpcRequest { id, request, .. }) => (request, id),
            _ => return None,
        };
        if request.get_meta().protocol_version().is_some() {
            return None; // per-request negotiation
        }
        let result = match request {
            ClientRequest::PingRequest(_) => Ok(ServerResult::empty(())),
            ClientRequest::ListToolsRequest(_) => Ok(ServerResult::ListToolsResult(self.server.list_tools_result())),
            ClientRequest::CallToolRequest(call) => self.server.call_tool_params(call.params).await.map(ServerResult::CallToolResult),
            _ => return None,
        };
        Some(json_rpc_response(result, id, true))
    }
}

/// The protocol version a request is on: its `MCP-Protocol-Version` header, else 2025-03-26 (the
/// transport's rule); `None` for a version rmcp does not know (it refuses those).
fn peer_version(headers: &http::HeaderMap) -> Option<ProtocolVersion> {
    match headers.get(HEADER_MCP_PROTOCOL_VERSION) {
        None => Some(ProtocolVersion::V_2025_03_26),
        Some(version) => {
            let version = version.to_str().ok()?;
            ProtocolVersion::KNOWN_VERSIONS.iter().find(|known| known.as_str() == version).cloned()
        }
    }
}

/// A JSON-RPC response as rmcp writes it: 200, `application/json`; `legacy` strips what peers before
/// 2026-07-28 do not read (`resultType`, non-object structured content).
fn json_rpc_response(result: Result<ServerResult, ErrorData>, id: RequestId, legacy: bool) -> HttpResponse {
    let mut size = 256;
    let message = match result {
        Ok(mut result) => {
            if legacy {
                result.strip_result_type_for_legacy_peer();
                result.strip_non_object_output_for_legacy_peer();
            }
            if let ServerResult::CallToolResult(call) = &result {
                // The text is written escaped, and structured content usually repeats it.
                size += call.content.iter().filter_map(|c| c.as_text()).map(|t| t.text.len() * 2).sum::<usize>();
            }
            ServerJsonRpcMessage::response(result, id)
        }
        Err(error) => ServerJsonRpcMessage::error(error, Some(id)),
    };
    let mut body = Vec::with_capacity(size);
    match serde_json::to_writer(&mut body, &message) {
        Ok(()) => {
            let mut response = HttpResponse::new(Body::from(body));
            response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(JSON_MIME_TYPE));
            response
        }
        Err(error) => {
            tracing::error!("Internal server error when serialize json response: {error}");
            let mut response = HttpResponse::new(Body::from(format!("Encounter an error when serialize json response: {error}")));
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

/// The answer to a body rmcp cannot read (see [`ProtocolError`]): the JSON-RPC error, `application/json`,
/// status 400. The reference engine sends the same error object with 200 (`McpServerResource` sets no
/// status); the MCP transport says a message the server cannot accept gets an HTTP error status (400),
/// which is what clients and proxies read first.
fn protocol_error_response(error: &ProtocolError) -> HttpResponse {
    let mut response = HttpResponse::new(Body::from(error.to_json()));
    *response.status_mut() = http::StatusCode::BAD_REQUEST;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(JSON_MIME_TYPE));
    response
}

/// rmcp's `Accept` rule for POST: both `application/json` and `text/event-stream` among the media
/// ranges not weighted `q=0` (delimiters inside quoted strings do not split).
fn accepts_json_and_sse(headers: &http::HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(http::header::ACCEPT).iter().filter_map(|v| v.to_str().ok()) {
        for entry in split_unquoted(value, ',') {
            let mut parts = split_unquoted(entry, ';');
            let Some(essence) = parts.next().map(str::trim) else {
                continue;
            };
            let weighted_zero = parts.any(|parameter| {
                parameter.split_once('=').is_some_and(|(name, q)| name.trim().eq_ignore_ascii_case("q") && !quality_is_acceptable(q.trim()))
            });
            if !weighted_zero {
                json |= essence.eq_ignore_ascii_case(JSON_MIME_TYPE);
                sse |= essence.eq_ignore_ascii_case(EVENT_STREAM_MIME_TYPE);
            }
        }
    }
    json && sse
}

fn split_unquoted(value: &str, delimiter: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    value.split(move |character| {
        if escaped {
            escaped = false;
        } else if quoted && character == '\\' {
            escaped = true;
        } else if character == '"' {
            quoted = !quoted;
        } else if !quoted && character == delimiter {
            return true;
        }
        false
    })
}

/// Only an explicit zero weight excludes a media range; a malformed weight is ignored (RFC 9110
/// §12.4.2 allows up to three fractional digits).
fn quality_is_acceptable(quality: &str) -> bool {
    let (whole, fraction) = quality.split_once('.').unwrap_or((quality, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|digit| digit.is_ascii_digit()) {
        return true;
    }
    whole != "0" || fraction.bytes().any(|digit| digit != b'0')
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::http::{StatusCode, header};
    use rmcp::model::CallToolRequestParams;
    use serde_json::{Value, json};

    use super::*;
    use crate::mcp::message::client_message;
    use crate::mcp::test_support::*;

    #[test]
    fn options_follow_the_listen_address() {
        assert_eq!(McpOptions::for_address(None).access, Access::loopback());
        assert_eq!(McpOptions::for_address(Some("127.0.0.1:9090")).access, Access::loopback());
        assert!(McpOptions::for_address(Some("0.0.0.0:9090")).access.accepts_any_host());
    }

    async fn post(router: axum::Router, host: &str, headers: &[(&str, &str)], body: String) -> (StatusCode, Value) {
        use tower::Service as _;
        let mut request = axum::http::Request::post(MCP_PATH)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).unwrap();
        let response = router.into_service().call(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn list_request() -> String {
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).to_string()
    }

    #[tokio::test]
    async fn streamable_http_answers_statelessly_in_json() {
        let (_, server) = server();
        let (status, reply) = post(router(server.clone(), McpOptions::default()), "127.0.0.1:9090", &[], list_request()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reply["result"]["tools"][0]["name"], "get-snapshot");

        let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {}}});
        let (_, reply) = post(router(server, McpOptions::default()), "localhost", &[], call.to_string()).await;
        assert_eq!(reply["result"]["isError"], json!(true));
    }

    #[tokio::test]
    async fn streamable_http_guards_hosts_credentials_and_body_size() {
        let (_, server) = server();
        let (status, _) = post(router(server.clone(), McpOptions::default()), "evil.example", &[], list_request()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let auth = McpOptions { auth: Some(ServerAuth::Bearer { token: crate::Secret::new("s3cret".to_owned()) }), ..McpOptions::default() };
        let (status, reply) = post(router(server.clone(), auth.clone()), "localhost", &[], list_request()).await;
        assert_eq!((status, reply["type"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
        let (status, _) = post(router(server.clone(), auth), "localhost", &[("authorization", "Bearer s3cret")], list_request()).await;
        assert_eq!(status, StatusCode::OK);

        let small = McpOptions { body_limit: 16, ..McpOptions::default() };
        let (status, reply) = post(router(server, small), "localhost", &[], list_request()).await;
        assert_eq!((status, reply["type"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    }

    // ------------------------------------------------------------ the `/mcp` endpoint vs rmcp's service

    fn endpoint(options: McpOptions) -> Endpoint {
        endpoint_counting(options, Arc::default())
    }

    /// An endpoint whose rmcp service counts the requests it serves (it makes a server for each).
    fn endpoint_counting(options: McpOptions, served_by_rmcp: Arc<AtomicUsize>) -> Endpoint {
        let (_, server) = server();
        let rmcp_server = server.clone();
        Endpoint::new(server, &options, move || {
            served_by_rmcp.fetch_add(1, Ordering::SeqCst);
            Ok(rmcp_server.clone())
        })
    }

    fn http_request(method: &str, headers: &[(&str, &str)], body: &str) -> Request {
        let mut request = axum::http::Request::builder().method(method).uri(MCP_PATH);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::from(body.to_owned())).unwrap()
    }

    /// Status, the headers that matter, and the body.
    async fn parts_of(response: HttpResponse) -> (StatusCode, Vec<(String, String)>, String) {
        let status = response.status();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != header::CONTENT_LENGTH)
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_owned()))
            .collect();
        headers.sort();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    const STANDARD: [(&str, &str); 3] =
        [("host", "localhost:9090"), ("content-type", "application/json"), ("accept", "application/json, text/event-stream")];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut headers: Vec<_> = STANDARD.iter().filter(|(name, _)| !extra.iter().any(|(n, _)| n == name)).copied().collect();
        headers.extend_from_slice(extra);
        headers
    }

    /// Every request is answered exactly as rmcp's own stateless service answers it, and the plain ones
    /// without it.
    #[tokio::test]
    async fn the_endpoint_answers_like_rmcp() {
        let endpoint = endpoint(McpOptions { access: Access { allowed_origins: vec!["https://app.example:*".into()], ..Access::loopback() }, ..McpOptions::default() });
        let call = |id: Value, name: &str, arguments: Value| {
            json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}}).to_string()
        };
        let direct: Vec<String> = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string(),
            json!({"jsonrpc": "2.0", "id": "a", "method": "ping", "params": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"cursor": "x"}}).to_string(),
            call(json!(4), "get-snapshot", json!({"zone": "fr-par-1"})),
            call(json!("five"), "get-snapshot", json!({"zone": 1, "colour": "red"})),
            call(json!(6), "numbers", json!({})),
            call(json!(7), "nope", json!({})),
            call(json!(8), "plain", json!({})),
            json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "get-snapshot"}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {"zone": "z"}, "_meta": {"progressToken": 3}}}).to_string(),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
            json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}}).to_string(),
            json!({"jsonrpc": "2.0", "method": "whatever/custom"}).to_string(),
        ];
        let to_rmcp: Vec<String> = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2026-07-28", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 2, "method": "server/discover", "params": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 3, "method": "no/such"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 4, "method": "prompts/list"}).to_string(),
            // Resources and prompts are rmcp's to answer (through `McpServer`'s handler), on every path.
            json!({"jsonrpc": "2.0", "id": 41, "method": "prompts/get", "params": {"name": "review", "arguments": {"zone": "fr-par-1"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 42, "method": "prompts/get", "params": {"name": "review"}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 43, "method": "resources/list"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 44, "method": "resources/templates/list"}).to_string(),
            json!({"jsonrpc": "2.0", "id": 45, "method": "resources/read", "params": {"uri": "snapshots://fr-par-1/latest"}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 46, "method": "resources/read", "params": {"uri": "snapshots://nowhere"}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2025-11-25"}}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 6, "result": {}}).to_string(),
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -1, "message": "x"}}).to_string(),
        ];
        // Bodies rmcp cannot read: a JSON-RPC error here (code and `id`), a plain-text 415 from rmcp.
        let unreadable: Vec<(String, i32, Option<i64>)> = vec![
            ("{not json".to_owned(), -32700, None),
            (String::new(), -32700, None),
            (" \r\n".to_owned(), -32700, None),
            ("\u{feff}{}".to_owned(), -32700, None),
            (json!({"jsonrpc": "1.0", "id": 8, "method": "tools/list"}).to_string(), -32600, Some(8)),
            (json!([{"jsonrpc": "2.0", "id": 9, "method": "tools/list"}]).to_string(), -32600, None),
            ("[]".to_owned(), -32600, None),
            ("42".to_owned(), -32600, None),
            (json!({"jsonrpc": "2.0", "id": 10}).to_string(), -32600, Some(10)),
            (json!({"jsonrpc": "2.0", "id": 11, "method": null}).to_string(), -32600, Some(11)),
            (json!({"jsonrpc": "2.0", "id": 12, "result": {}, "error": {"code": 1, "message": "x"}}).to_string(), -32600, Some(12)),
            (json!({"jsonrpc": "2.0", "id": 13, "method": "tools/list", "params": 5}).to_string(), -32602, Some(13)),
            (json!({"jsonrpc": "2.0", "id": 14, "method": "no/such", "params": [1]}).to_string(), -32602, Some(14)),
            (json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": 5}).to_string(), -32602, None),
        ];
        let plain = with(&[]);
        let versions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
        let mut header_sets: Vec<Vec<(&str, &str)>> = vec![plain.clone()];
        header_sets.extend(versions.iter().map(|v| with(&[("mcp-protocol-version", v)])));
        header_sets.push(with(&[("accept", "text/event-stream;q=0.5, application/json;profile=\"a,b\"")]));
        header_sets.push(with(&[("content-type", "Application/JSON; charset=utf-8"), ("host", "[::1]")]));
        header_sets.push(with(&[("origin", "https://app.example:8443")]));

        for headers in &header_sets {
            for body in &direct {
                let ours = answer(&endpoint, headers, body).await;
                assert!(ours.is_some(), "answered directly: {body} with {headers:?}");
                compare(&endpoint, headers, body).await;
            }
            for body in &to_rmcp {
                assert!(answer(&endpoint, headers, body).await.is_none(), "left to rmcp: {body}");
                compare(&endpoint, headers, body).await;
            }
            for body in ODD_CALLS {
                compare(&endpoint, headers, body).await;
            }
        }
        header_sets.push(with(&[("mcp-protocol-version", "2026-07-28")]));
        for headers in &header_sets {
            let unreadable_calls = UNREADABLE_CALLS.iter().map(|(body, code, id)| ((*body).to_owned(), *code, *id));
            for (body, code, id) in unreadable.iter().cloned().chain(unreadable_calls) {
                assert!(answer(&endpoint, headers, &body).await.is_none(), "not read: {body}");
                compare_unreadable(&endpoint, headers, &body, code, id).await;
            }
        }
        // Refused before or by the body checks, and everything that is not a POST: rmcp's answers.
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();
        let refused_before_the_body = [
            with(&[("accept", "application/json")]),
            with(&[("accept", "application/json, text/event-stream;q=0")]),
            with(&[("accept", "application/json;q=0.000, text/event-stream")]),
            with(&[("content-type", "text/plain")]),
            with(&[("host", "evil.example")]),
            with(&[("host", "bad host")]),
            with(&[("origin", "https://evil.example")]),
            with(&[("origin", "not an origin")]),
            with(&[("mcp-protocol-version", "1999-01-01")]),
        ];
        let refused: Vec<_> = refused_before_the_body.iter().cloned().chain([with(&[("mcp-protocol-version", "2026-07-28")])]).collect();
        for headers in &refused {
            assert!(
                !endpoint.admits(&http_request("POST", headers, "").into_parts().0)
                    || answer(&endpoint, headers, &list).await.is_none()
            );
            compare(&endpoint, headers, &list).await;
        }
        // A refusal of the headers (media types, `Host`, `Origin`, version) comes before the body's.
        for headers in &refused_before_the_body {
            for body in ["{not json", ""] {
                compare(&endpoint, headers, body).await;
            }
        }
        for method in ["GET", "DELETE", "PUT", "HEAD"] {
            let ours = parts_of(endpoint.handle(http_request(method, &plain, "")).await).await;
            let theirs = parts_of(endpoint.rmcp.handle(http_request(method, &plain, "")).await.map(Body::new)).await;
            assert_eq!(ours, theirs, "{method}");
        }
    }

    /// `tools/call` messages off the plain shape (member order, escapes, repeated or extra members,
    /// odd params, ids and versions) that rmcp reads: some are served directly, some by rmcp, some
    /// refused.
    const ODD_CALLS: &[&str] = &[
        r#"{"params":{"arguments":{"zone":"z"},"name":"get-snapshot"},"method":"tools/call","id":1,"jsonrpc":"2.0"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools\/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"\u006dethod":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"extra":true}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","name":"plain","arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"a","zone":"b"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"progressToken":"t"},"other":1}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":null}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"requestState":"s","inputResponses":{}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":null}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z","per_page":1e2,"tags":[1.5,-0]}}}"#,
        r#"{"jsonrpc":"2.0","id":-9007199254740993,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"\ud83d\ude00"}}}"#,
        r#"{"jsonrpc":"2.0","id":"x\"y","method":"tools/call","params":{"name":"numbers"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":["z"]}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"zone":"z"}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","requestState":5}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
        r#"  {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}  "#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}"#,
    ];

    /// `tools/call` messages off the plain shape that rmcp cannot read (a plain-text 415 from it), with
    /// the JSON-RPC error code and `id` answering each here.
    const UNREADABLE_CALLS: &[(&str, i32, Option<i64>)] = &[
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#,
            -32600,
            Some(1),
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"a"}},"params":{"name":"get-snapshot","arguments":{"zone":"b"}}}"#,
            -32600,
            Some(1),
        ),
        (r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}"#, -32602, Some(1)),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"result":null}"#,
            -32600,
            Some(1),
        ),
        (r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}} x"#, -32700, None),
        (r#"{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#, -32600, None),
        (r#"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#, -32600, None),
        (r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#, -32600, None),
        (r#"{"id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}}}"#, -32600, Some(1)),
        (r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"error":{}}"#, -32600, Some(1)),
        (r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"}},"result":{}}"#, -32600, None),
        (r#"{"jsonrpc":"2.0","id":1,"method":5,"params":{"name":"get-snapshot"}}"#, -32600, Some(1)),
    ];

    /// The quick reading of `tools/call` gives what rmcp's reading gives, and refuses what it refuses.
    #[test]
    fn messages_are_read_as_rmcp_reads_them() {
        let plain =
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"z"},"_meta":{"progressToken":1}}}"#;
        let bodies = ODD_CALLS.iter().chain(UNREADABLE_CALLS.iter().map(|(body, ..)| body)).chain(std::iter::once(&plain));
        for body in bodies {
            let ours = client_message(body.as_bytes());
            let theirs = serde_json::from_slice::<ClientJsonRpcMessage>(body.as_bytes()).ok();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{body}");
            assert_eq!(ours.map(|m| serde_json::to_value(m).unwrap()), theirs.map(|m| serde_json::to_value(m).unwrap()), "{body}");
        }
        let Some(ClientJsonRpcMessage::Request(request)) = client_message(plain.as_bytes()) else { panic!("a request") };
        assert!(matches!(request.request, ClientRequest::CallToolRequest(_)));
        assert_eq!(request.request.get_meta().get_progress_token(), Some(rmcp::model::ProgressToken(rmcp::model::NumberOrString::Number(1))));
        assert!(serde_json::from_slice::<crate::mcp::message::Envelope>(plain.as_bytes()).is_ok_and(|e| e.tools_call), "read the quick way");
    }

    /// `Endpoint::answer` of the message in `body`, as `handle` reads it.
    async fn answer(endpoint: &Endpoint, headers: &[(&str, &str)], body: &str) -> Option<HttpResponse> {
        endpoint.answer(&headers_of(headers), client_message(body.as_bytes())?).await
    }

    fn headers_of(headers: &[(&str, &str)]) -> http::HeaderMap {
        http_request("POST", headers, "").into_parts().0.headers
    }

    /// Ours and rmcp's answers are the same, except where we refuse on purpose: arguments rmcp would
    /// read with a key given twice (it keeps the last) or a number rounded are a tool error here.
    async fn compare(endpoint: &Endpoint, headers: &[(&str, &str)], body: &str) {
        let ours = parts_of(endpoint.handle(http_request("POST", headers, body)).await).await;
        let theirs = parts_of(endpoint.rmcp.handle(http_request("POST", headers, body)).await.map(Body::new)).await;
        let refused = refused_arguments(body.as_bytes()).is_some_and(|r| endpoint.server.has_tool(&r.tool));
        if refused && ours != theirs {
            assert!(ours.2.contains(r#""isError":true"#) && ours.2.contains("is given twice"), "{body}: {}", ours.2);
            assert!(!theirs.2.contains("is given twice"), "rmcp differs: {}", theirs.2);
            return;
        }
        assert_eq!(ours, theirs, "{body} with {headers:?}");
    }

    /// A body rmcp cannot read: ours is the JSON-RPC error with `code` and `id` (400, `application/json`),
    /// rmcp's a plain-text 415.
    async fn compare_unreadable(endpoint: &Endpoint, headers: &[(&str, &str)], body: &str, code: i32, id: Option<i64>) {
        let (status, reply_headers, reply) = parts_of(endpoint.handle(http_request("POST", headers, body)).await).await;
        assert_eq!((status, reply_headers), (StatusCode::BAD_REQUEST, vec![("content-type".to_owned(), "application/json".to_owned())]), "{body}");
        let reply: Value = serde_json::from_str(&reply).unwrap_or_default();
        let error = &reply["error"];
        assert_eq!((&reply["jsonrpc"], &reply["id"], &error["code"]), (&json!("2.0"), &json!(id), &json!(code)), "{body}: {reply}");
        assert!(error["message"].is_string() && error["data"].is_string(), "{body}: {reply}");
        let (status, _, theirs) = parts_of(endpoint.rmcp.handle(http_request("POST", headers, body)).await.map(Body::new)).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "rmcp: {body}");
        assert!(theirs.starts_with("fail to deserialize request body"), "rmcp: {body}: {theirs}");
    }

    async fn send(router: axum::Router, method: &str, headers: &[(&str, &str)], body: &str) -> (StatusCode, Vec<(String, String)>, String) {
        use tower::Service as _;
        parts_of(router.into_service().call(http_request(method, headers, body)).await.unwrap()).await
    }

    #[tokio::test]
    async fn streamable_http_edge_cases() {
        let (_, server) = server();
        let router = || router(server.clone(), McpOptions::default());
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();

        let (status, _, body) = send(router(), "POST", &with(&[("accept", "application/json")]), &list).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::NOT_ACCEPTABLE, "Not Acceptable: Client must accept both application/json and text/event-stream")
        );
        let (status, _, _) = send(router(), "POST", &with(&[("content-type", "text/plain")]), &list).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        for method in ["GET", "DELETE"] {
            let (status, headers, _) = send(router(), method, &STANDARD, "").await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
            assert!(headers.contains(&("allow".to_owned(), "POST".to_owned())), "{headers:?}");
        }
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
        let (status, _, body) = send(router(), "POST", &STANDARD, &initialized).await;
        assert_eq!((status, body.as_str()), (StatusCode::ACCEPTED, ""));

        // Not a JSON-RPC message (malformed, a batch): a JSON-RPC error before any handler runs; a
        // response (no request of ours is pending): rmcp's 4xx.
        for (body, code) in [("{not json", -32700), ("[]", -32600), (r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, -32600)] {
            let (status, _, reply) = send(router(), "POST", &STANDARD, body).await;
            let reply: Value = serde_json::from_str(&reply).unwrap_or_default();
            assert_eq!((status, &reply["id"], &reply["error"]["code"]), (StatusCode::BAD_REQUEST, &Value::Null, &json!(code)), "{body}: {reply}");
        }
        let (status, _, reply) = send(router(), "POST", &STANDARD, r#"{"jsonrpc":"2.0","id":1,"result":{}}"#).await;
        assert!(status.is_client_error(), "{status} {reply}");
        let unknown = json!({"jsonrpc": "2.0", "id": 7, "method": "no/such"}).to_string();
        let (status, _, reply) = send(router(), "POST", &STANDARD, &unknown).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!((status, &reply["id"], &reply["error"]["code"]), (StatusCode::OK, &json!(7), &json!(-32601)));

        let ping = json!({"jsonrpc": "2.0", "id": "p", "method": "ping"}).to_string();
        let (status, headers, reply) = send(router(), "POST", &STANDARD, &ping).await;
        assert_eq!((status, reply.as_str()), (StatusCode::OK, r#"{"jsonrpc":"2.0","id":"p","result":{}}"#));
        assert!(headers.contains(&("content-type".to_owned(), "application/json".to_owned())));

        // Non-object structured content is dropped for peers before 2026-07-28, and so is a
        // non-object output schema.
        let numbers = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "numbers", "arguments": {}}}).to_string();
        let (_, _, reply) = send(router(), "POST", &with(&[("mcp-protocol-version", "2025-11-25")]), &numbers).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(reply["result"], json!({"content": [{"type": "text", "text": "[1, 2, 3]"}], "isError": false}));
        let (_, _, reply) = send(router(), "POST", &STANDARD, &list).await;
        let reply: Value = serde_json::from_str(&reply).unwrap();
        assert!(reply["result"]["tools"][2].get("outputSchema").is_none(), "{reply}");

        let (status, _, _) = send(router(), "POST", &with(&[("mcp-protocol-version", "1999-01-01")]), &list).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _, _) = send(router(), "POST", &with(&[("host", "evil.example")]), &list).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    /// Raw requests through the router: a body that is not a JSON-RPC message gets a JSON-RPC error
    /// (200, as the reference engine answers), an unknown method rmcp's -32601; the refusals of the
    /// headers and of the body's size come first, as before.
    #[tokio::test]
    async fn unreadable_messages_get_json_rpc_errors() {
        let (_, server) = server();
        let router = || router(server.clone(), McpOptions::default());
        let cases = [
            ("{not json", -32700, Value::Null),
            ("", -32700, Value::Null),
            (r#"{"jsonrpc":"1.0","id":7,"method":"tools/list"}"#, -32600, json!(7)),
            (r#"{"jsonrpc":"2.0","id":"a","method":"ping"}{}"#, -32700, Value::Null),
            (r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, -32600, Value::Null),
            ("42", -32600, Value::Null),
            (r#"{"jsonrpc":"2.0","id":"x"}"#, -32600, json!("x")),
            (r#"{"jsonrpc":"2.0","id":3,"method":["ping"]}"#, -32600, json!(3)),
            (r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#, -32600, Value::Null),
            (r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"get-snapshot"}"#, -32602, json!(4)),
            (r#"{"jsonrpc":"2.0","id":7,"method":"no/such"}"#, -32601, json!(7)),
        ];
        for (body, code, id) in cases {
            let (status, headers, reply) = send(router(), "POST", &STANDARD, body).await;
            // An unknown method is a request read and answered (rmcp's -32601, 200); the rest were not read.
            let expected = if code == -32601 { StatusCode::OK } else { StatusCode::BAD_REQUEST };
            assert_eq!(status, expected, "{body}: {reply}");
            assert!(headers.contains(&("content-type".to_owned(), "application/json".to_owned())), "{body}: {headers:?}");
            let reply: Value = serde_json::from_str(&reply).unwrap_or_default();
            assert_eq!((&reply["jsonrpc"], &reply["id"], &reply["error"]["code"]), (&json!("2.0"), &id, &json!(code)), "{body}: {reply}");
            assert!(reply.get("result").is_none(), "{body}: {reply}");
        }
        let (_, _, reply) = send(router(), "POST", &STANDARD, "").await;
        assert_eq!(reply, r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"empty body"}}"#);
        let (_, _, reply) = send(router(), "POST", &STANDARD, r#"{"jsonrpc":"1.0","id":7,"method":"tools/list"}"#).await;
        assert_eq!(reply, r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32600,"message":"Invalid Request","data":"`jsonrpc` must be \"2.0\""}}"#);
        // No reply to a notification of a method rmcp does not know.
        let (status, _, reply) = send(router(), "POST", &STANDARD, r#"{"jsonrpc":"2.0","method":"no/such"}"#).await;
        assert_eq!((status, reply.as_str()), (StatusCode::ACCEPTED, ""));

        // The media types, then the body's size, are refused before the body is read.
        let (status, _, reply) = send(router(), "POST", &with(&[("content-type", "text/plain")]), "{not json").await;
        assert_eq!((status, reply.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type: Content-Type must be application/json"));
        let (status, _, _) = send(router(), "POST", &with(&[("accept", "application/json")]), "").await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
        let small = super::router(server.clone(), McpOptions { body_limit: 4, ..McpOptions::default() });
        let (status, _, reply) = send(small, "POST", &STANDARD, "{not json").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{reply}");
    }

    /// The same over a socket, bytes in and out: an empty body (`Content-Length: 0`) and one cut short.
    #[tokio::test]
    async fn unreadable_bodies_over_the_wire() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (_, server) = server();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router(server, McpOptions::default())).await });
        for (body, code, id) in [
            ("", -32700, Value::Null),
            (r#"{"jsonrpc":"2.0","#, -32700, Value::Null),
            (r#"{"jsonrpc":"2","id":1,"method":"ping"}"#, -32600, json!(1)),
        ] {
            let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let request = format!(
                "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).await.unwrap();
            let (head, reply) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
            assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{body}: {head}");
            assert!(head.to_ascii_lowercase().contains("\r\ncontent-type: application/json\r\n"), "{body}: {head}");
            let reply: Value = serde_json::from_str(reply).unwrap_or_default();
            assert_eq!((&reply["error"]["code"], &reply["id"]), (&json!(code), &id), "{body}: {reply}");
        }
    }

    /// The real rmcp client: after `initialize` (rmcp's), everything it sends is answered directly.
    #[tokio::test]
    async fn the_rmcp_client_is_served_without_rmcp_after_initialize() {
        use rmcp::ServiceExt as _;
        crate::install_crypto_provider();
        let served_by_rmcp = Arc::new(AtomicUsize::new(0));
        let endpoint = Arc::new(endpoint_counting(McpOptions::default(), Arc::clone(&served_by_rmcp)));
        let app = axum::Router::new().route(
            MCP_PATH,
            axum::routing::any(move |request: Request| {
                let endpoint = Arc::clone(&endpoint);
                async move { endpoint.handle(request).await }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let transport = rmcp::transport::StreamableHttpClientTransport::from_uri(format!("http://{address}{MCP_PATH}"));
        let peer = ().serve(transport).await.expect("initialize");
        assert_eq!(peer.peer_info().and_then(|i| i.server_info.clone()).map(|s| s.name), Some("snapshots-mcp".to_owned()));
        assert_eq!(served_by_rmcp.load(Ordering::SeqCst), 1, "initialize is rmcp's");

        let tools = peer.list_all_tools().await.expect("tools/list");
        assert_eq!(tools.iter().map(|t| t.name.as_ref()).collect::<Vec<_>>(), ["get-snapshot", "plain", "numbers"]);
        let call = |name: &str, arguments: Value| CallToolRequestParams::new(name.to_owned()).with_arguments(args(arguments));
        let ok = peer.call_tool(call("get-snapshot", json!({"zone": "fr-par-1"}))).await.expect("tools/call");
        assert_eq!(ok.structured_content, Some(json!({"zone": "fr-par-1"})));
        let rejected = peer.call_tool(call("get-snapshot", json!({}))).await.expect("tools/call");
        assert_eq!(rejected.is_error, Some(true));
        let unknown = peer.call_tool(call("nope", json!({}))).await.expect_err("unknown tool");
        assert!(unknown.to_string().contains("nope"), "{unknown}");
        peer.cancel().await.expect("close");
        assert_eq!(served_by_rmcp.load(Ordering::SeqCst), 1, "nothing else reached rmcp's service");
    }
}
