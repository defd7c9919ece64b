//! The generated `instance-snapshots` binary (as `e2e-instance-snapshots`), built here so this package's tests can start it
//! (`CARGO_BIN_EXE_e2e-instance-snapshots`); its code is the generated crate's `server::main`.
fn main() -> std::process::ExitCode {
    instance_snapshots::server::main()
}
