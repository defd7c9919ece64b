//! `instance-snapshots serve`: the adapters of `specs/instance-snapshots.yaml` over REST and MCP (see `instance_snapshots::server`).

fn main() -> ::std::process::ExitCode {
    instance_snapshots::server::main()
}
