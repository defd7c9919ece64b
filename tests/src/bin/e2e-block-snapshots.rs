//! The generated `block-snapshots` binary (as `e2e-block-snapshots`), built here so this package's tests can start it
//! (`CARGO_BIN_EXE_e2e-block-snapshots`); its code is the generated crate's `server::main`.
fn main() -> std::process::ExitCode {
    block_snapshots::server::main()
}
