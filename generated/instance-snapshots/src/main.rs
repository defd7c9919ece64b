//! `instance-snapshots serve`: the adapters of `specs/instance-snapshots.yaml` over REST and MCP (see `instance_snapshots::server`).

/// mimalloc: the adapters allocate per request (see `naftiko_runtime::serve::Allocator`).
#[global_allocator]
static ALLOCATOR: ::naftiko_runtime::serve::Allocator = ::naftiko_runtime::serve::Allocator;

fn main() -> ::std::process::ExitCode {
    instance_snapshots::server::main()
}
