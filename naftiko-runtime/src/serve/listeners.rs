//! The `serve` command line, and the listen addresses it can name.

use clap::{Parser, Subcommand};

/// A default listen address from the spec: its port, and its address or loopback (DESIGN §3.11).
#[derive(Clone, Copy, Debug)]
pub struct Listener {
    pub port: u16,
    pub address: Option<&'static str>,
}

impl Listener {
    pub(crate) fn default_addr(self) -> String {
        let host = self.address.unwrap_or("127.0.0.1");
        if host.contains(':') { format!("[{host}]:{}", self.port) } else { format!("{host}:{}", self.port) }
    }
}

#[derive(Parser)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Serve the capability's REST and MCP adapters.
    Serve(ServeArgs),
}

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// REST listen address (default: the spec's address or 127.0.0.1, and its port).
    #[arg(long, value_name = "ADDR")]
    pub(crate) rest_addr: Option<String>,
    /// MCP Streamable HTTP listen address (default: the spec's address or 127.0.0.1, and its port).
    #[arg(long, value_name = "ADDR")]
    pub(crate) mcp_addr: Option<String>,
    /// Upstream base URL: `URL` for every consumed API, or `NAMESPACE=URL` (repeatable).
    #[arg(long, value_name = "URL")]
    pub(crate) upstream: Vec<String>,
    /// Do not serve REST.
    #[arg(long)]
    pub(crate) no_rest: bool,
    /// Do not serve MCP over HTTP.
    #[arg(long)]
    pub(crate) no_mcp: bool,
    /// Serve MCP on stdin/stdout (logs go to stderr); no HTTP listener.
    #[arg(long)]
    pub(crate) stdio: bool,
    /// Seconds an upstream request may take, from sending to the last byte of the reply (then 504).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub(crate) upstream_timeout: f64,
    /// Seconds to establish an upstream connection (then 502, after retries).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) connect_timeout: f64,
    /// Extra attempts for idempotent upstream requests that could not connect or got 429/502/503/504
    /// (honouring Retry-After up to 5 s); POST and PATCH are never repeated.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) retries: u32,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::rest::DEFAULT_BODY_LIMIT)]
    pub(crate) body_limit: usize,
    /// Another `Host` name the adapters answer to (repeatable). On loopback they answer only to
    /// loopback names unless told; on any other address to any name unless told (then only to
    /// these, loopback names and the address itself). Name the public host when behind a proxy.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub(crate) allowed_host: Vec<String>,
    /// A browser origin allowed to call the adapters, with CORS (repeatable): `https://app.example`,
    /// `http://localhost:*` (any port), or `*`. Requests from any other origin are refused (403).
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) allowed_origin: Vec<String>,
    /// Seconds a client has to send a request's head once its connection is ready for one; this
    /// also closes keep-alive connections left idle that long.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) header_timeout: f64,
    /// Seconds a client has to send a request's body, from its head (then 408).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub(crate) body_timeout: f64,
    /// Open client connections at most; more wait to be accepted (default: half the file limit,
    /// which start-up raises to the hard limit, at most 16384).
    #[arg(long, value_name = "N")]
    pub(crate) max_connections: Option<usize>,
    /// Bytes of request bodies held in memory at once, all requests together; a body that would go
    /// beyond is answered 503 with `Retry-After`.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_body_memory: usize,
    /// Benchmarks only: serve without the `Host`/`Origin` checks, the timeouts and the connection
    /// and body-memory caps, to measure what they cost.
    #[arg(long, hide = true)]
    pub(crate) no_checks: bool,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}
