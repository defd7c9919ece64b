//! `instance-images serve`: the adapters of `specs/instance-images.yaml` over REST and MCP (see `instance_images::server`).

fn main() -> ::std::process::ExitCode {
    instance_images::server::main()
}
