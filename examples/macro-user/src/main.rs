//! `capability!` compiles `specs/instance-snapshots.yaml` while this crate builds: the client, the
//! handlers, the REST router and the MCP server appear in `snapshots`, exactly as in the checked-in
//! `generated/instance-snapshots` crate. Run: `cargo run -p example-macro-user -- http://127.0.0.1:8000`.

mod snapshots {
    naftiko_runtime::capability!("../../specs/instance-snapshots.yaml");
}

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| snapshots::DEFAULT_BASE_URL.to_owned());
    let auth = snapshots::Auth::from_env()?;
    let client = snapshots::Client::new(base_url, auth);
    // A client call…
    let reply = client.listsnapshots(snapshots::ListsnapshotsParams::new("fr-par-1")).await?;
    println!("{} {}", reply.status, reply.text());
    // …and the surfaces, built from the same handlers.
    let handlers = Arc::new(snapshots::Proxy::new(snapshots::Clients { instance_snapshots: client }));
    let _router = snapshots::rest::router(handlers.clone());
    let _mcp_server = snapshots::mcp::server(handlers);
    println!("{} tools", snapshots::mcp::tools().len());
    Ok(())
}
