//! The module build.rs generated, included as source. Run:
//! `cargo run -p example-build-rs-user -- http://127.0.0.1:8000`.

mod images {
    include!(concat!(env!("OUT_DIR"), "/instance_images.rs"));
}

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| images::DEFAULT_BASE_URL.to_owned());
    let client = images::Client::new(base_url, images::Auth::from_env()?);
    let reply = client.listimages(images::ListimagesParams::new("fr-par-1")).await?;
    println!("{} {}", reply.status, reply.text());
    let handlers = Arc::new(images::Proxy::new(images::Clients { instance_images: client }));
    let _router = images::rest::router(handlers.clone());
    let _mcp_server = images::mcp::server(handlers);
    Ok(())
}
