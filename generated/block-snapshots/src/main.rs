//! `block-snapshots serve`: the adapters of `specs/block-snapshots.yaml` over REST and MCP (see `block_snapshots::server`).

fn main() -> ::std::process::ExitCode {
    block_snapshots::server::main()
}
