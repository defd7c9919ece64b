//! `block-snapshots serve`: the adapters of `specs/block-snapshots.yaml` over REST and MCP (see `block_snapshots::server`).

/// mimalloc: the adapters allocate per request (see `naftiko_runtime::serve::Allocator`).
#[global_allocator]
static ALLOCATOR: ::naftiko_runtime::serve::Allocator = ::naftiko_runtime::serve::Allocator;

fn main() -> ::std::process::ExitCode {
    block_snapshots::server::main()
}
