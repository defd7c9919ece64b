//! MCP over stdin/stdout: rmcp's stdio service, with the raw checks of `tools/call` arguments that
//! rmcp's reading cannot make (a key given twice, a number that would be rounded) applied to each
//! line before rmcp reads it, and lines rmcp cannot read answered with a JSON-RPC error — the same
//! rules as on the Streamable HTTP transport.

use rmcp::ServiceExt as _;
use rmcp::model::{ServerJsonRpcMessage, ServerResult};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWrite, AsyncWriteExt as _, BufReader};
use tokio::sync::mpsc;

use crate::mcp::message::{RefusedArguments, read_message, refused_arguments};
use crate::mcp::{BoxError, McpServer, ToolError};
use crate::rest::DEFAULT_BODY_LIMIT;

/// Serves MCP on stdin/stdout until the client closes stdin. Logs must go to stderr (stdout is the
/// protocol stream).
pub async fn serve_stdio(server: McpServer) -> Result<(), BoxError> {
    serve_io(server, tokio::io::stdin(), tokio::io::stdout()).await
}

/// Serves MCP over any byte streams, one JSON-RPC message per line.
///
/// Lines go through a filter on their way to rmcp: a line rmcp cannot read as a JSON-RPC message is
/// answered with the JSON-RPC error the reference engine's `StdioJsonRpcHandler` writes (-32700 for
/// one that is not JSON, which rmcp would drop without a word; -32600 or -32602 with the message's
/// `id`, see `message::ProtocolError`), a `tools/call` whose arguments would be read two ways with a
/// tool error; neither reaches rmcp. Blank lines are skipped. rmcp's replies and those answers are
/// written to `output` a whole line at a time.
pub async fn serve_io<R, W>(server: McpServer, input: R, output: W) -> Result<(), BoxError>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let (to_rmcp, rmcp_input) = tokio::io::duplex(64 * 1024);
    let (rmcp_output, from_rmcp) = tokio::io::duplex(64 * 1024);
    let (refusals, refused) = mpsc::unbounded_channel();
    let filter = tokio::spawn(filter(server.clone(), input, to_rmcp, refusals));
    let writer = tokio::spawn(write_lines(from_rmcp, refused, output));
    let running = server.serve((rmcp_input, rmcp_output)).await?;
    running.waiting().await?;
    filter.abort();
    let _ = writer.await;
    Ok(())
}

/// Copies `input` to rmcp line by line, answering unreadable lines and refused calls itself (through
/// `refusals`). Lines longer than the body limit are dropped, as rmcp drops them.
async fn filter<R, W>(server: McpServer, input: R, mut to_rmcp: W, refusals: mpsc::UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) if line.len() > DEFAULT_BODY_LIMIT => {
                tracing::warn!(bytes = line.len(), "dropped an MCP message longer than the body limit");
                continue;
            }
            Ok(_) => {}
        }
        // rmcp skips a byte order mark, and blank lines, as the engine does.
        let message = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if message.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Err(error) = read_message(message) {
            let mut reply = error.to_json();
            reply.push(b'\n');
            let _ = refusals.send(reply);
            continue;
        }
        if let Some(RefusedArguments { id, tool, problem }) = refused_arguments(message)
            && server.has_tool(&tool)
        {
            let refusal = ToolError::new(format!("invalid arguments for `{tool}`: {problem}")).into_result();
            let mut result = ServerResult::CallToolResult(refusal);
            result.strip_result_type_for_legacy_peer();
            if let Ok(mut reply) = serde_json::to_vec(&ServerJsonRpcMessage::response(result, id)) {
                reply.push(b'\n');
                let _ = refusals.send(reply);
            }
            continue;
        }
        if to_rmcp.write_all(&line).await.is_err() {
            break;
        }
    }
    // End of input: rmcp sees it and ends the session.
    let _ = to_rmcp.shutdown().await;
}

/// Writes rmcp's lines and the filter's answers to `output`, never one inside another.
async fn write_lines<R, W>(from_rmcp: R, mut refused: mpsc::UnboundedReceiver<Vec<u8>>, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut from_rmcp = BufReader::new(from_rmcp);
    let mut line = Vec::new();
    loop {
        let next = tokio::select! {
            read = from_rmcp.read_until(b'\n', &mut line) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => std::mem::take(&mut line),
            },
            Some(reply) = refused.recv() => reply,
        };
        if output.write_all(&next).await.is_err() || output.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use tokio::io::AsyncBufReadExt as _;

    use super::*;
    use crate::mcp::test_support::server;

    /// The server on in-memory pipes, initialized: each line written gets the one reply it reads.
    struct Pipe {
        client: tokio::io::DuplexStream,
        replies: tokio::io::Lines<BufReader<tokio::io::DuplexStream>>,
        serving: tokio::task::JoinHandle<Result<(), BoxError>>,
    }

    impl Pipe {
        async fn start() -> Pipe {
            let (_, server) = server();
            let (client, server_input) = tokio::io::duplex(64 * 1024);
            let (server_output, client_output) = tokio::io::duplex(64 * 1024);
            let serving = tokio::spawn(serve_io(server, server_input, server_output));
            let mut pipe = Pipe { client, replies: BufReader::new(client_output).lines(), serving };
            let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
            assert_eq!(pipe.exchange(&init.to_string()).await["result"]["serverInfo"]["name"], "snapshots-mcp");
            pipe
        }

        async fn exchange(&mut self, line: &str) -> Value {
            self.client.write_all(format!("{line}\n").as_bytes()).await.unwrap();
            serde_json::from_str::<Value>(&self.replies.next_line().await.unwrap().unwrap()).unwrap()
        }

        /// Closes the client's end; the server stops.
        async fn close(self) {
            drop(self.client);
            self.serving.await.unwrap().unwrap();
        }
    }

    #[tokio::test]
    async fn stdio_refuses_arguments_read_two_ways_and_serves_the_rest() {
        let mut pipe = Pipe::start().await;
        let twice = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get-snapshot","arguments":{"zone":"a","zone":"b"}}}"#;
        let refused = pipe.exchange(twice).await;
        assert_eq!((&refused["id"], &refused["result"]["isError"]), (&json!(2), &json!(true)), "{refused}");
        assert!(refused["result"]["content"][0]["text"].as_str().unwrap().contains("the key `zone` is given twice"), "{refused}");

        let ok = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "get-snapshot", "arguments": {"zone": "fr-par-1"}}});
        assert_eq!(pipe.exchange(&ok.to_string()).await["result"]["structuredContent"], json!({"zone": "fr-par-1"}));
        pipe.close().await;
    }

    /// A line rmcp cannot read gets the JSON-RPC error the HTTP transport answers (rmcp's stdio
    /// service drops a line that is not JSON without a word); blank lines get nothing.
    #[tokio::test]
    async fn stdio_answers_unreadable_lines_with_json_rpc_errors() {
        let mut pipe = Pipe::start().await;
        let cases = [
            ("{not json", -32700, Value::Null),
            (r#"{"jsonrpc":"2.0","id":2,"method":"ping"} trailing"#, -32700, Value::Null),
            (r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#, -32600, json!(3)),
            (r#"[{"jsonrpc":"2.0","id":4,"method":"ping"}]"#, -32600, Value::Null),
            ("7", -32600, Value::Null),
            (r#"{"jsonrpc":"2.0","id":"five"}"#, -32600, json!("five")),
            (r#"{"jsonrpc":"2.0","id":6,"method":"tools/list","params":[]}"#, -32602, json!(6)),
            (r#"{"jsonrpc":"2.0","id":7,"method":"no/such"}"#, -32601, json!(7)),
        ];
        for (line, code, id) in cases {
            let reply = pipe.exchange(line).await;
            assert_eq!((&reply["jsonrpc"], &reply["id"], &reply["error"]["code"]), (&json!("2.0"), &id, &json!(code)), "{line}: {reply}");
        }
        // Blank lines are skipped: the next reply is the ping's. A byte order mark is skipped too.
        let ping = pipe.exchange(" \r\n\n\u{feff}{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}").await;
        assert_eq!(ping, json!({"jsonrpc": "2.0", "id": 8, "result": {}}));
        pipe.close().await;
    }
}
