//! naftiko-tests: cross-crate tests, the Scaleway API emulator they run against, and a harness that
//! runs generated binaries as real processes.

pub mod emulator;
pub mod faulty;
pub mod fleet;
pub mod process;
pub mod recorder;
pub mod schemathesis;
pub mod shipyard;
pub mod spectral;

pub use emulator::{EMULATOR_TOKEN, Emulator, EmulatorBuilder, RecordedRequest};
pub use faulty::{Fault, FaultyUpstream};
pub use process::ServerProcess;
pub use recorder::{Answer, Recorder};
pub use shipyard::Shipyard;

/// The project README's Rust blocks, compiled as doctests of this crate (it depends on the generated
/// crates they use).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ProjectReadme;

/// A capability's REST and MCP routers served in this process, in front of a recording upstream.
pub struct Served {
    pub upstream: Recorder,
    pub rest: std::net::SocketAddr,
    pub mcp: std::net::SocketAddr,
}

impl Served {
    /// Serves `rest` and `mcp` (built with clients of `upstream`) on free loopback ports.
    pub async fn start(upstream: Recorder, rest: axum::Router, mcp: axum::Router) -> Served {
        Served { upstream, rest: serve(rest).await, mcp: serve(mcp).await }
    }
}

/// Serves `router` on a free loopback port in this process and answers the address. It also chooses
/// the TLS provider that the tests' HTTP clients (reqwest, rmcp's) need, even for plain HTTP.
pub async fn serve(router: axum::Router) -> std::net::SocketAddr {
    naftiko_runtime::install_crypto_provider();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}
