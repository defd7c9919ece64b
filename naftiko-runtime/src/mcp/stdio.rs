//! MCP over stdin/stdout.

use crate::mcp::{BoxError, McpServer};

/// Serves MCP on stdin/stdout until the client closes stdin. Logs must go to stderr (stdout is the
/// protocol stream).
pub async fn serve_stdio(server: McpServer) -> Result<(), BoxError> {
    use rmcp::ServiceExt as _;
    let running = server.serve(rmcp::transport::stdio_pipes()).await?;
    running.waiting().await?;
    Ok(())
}
