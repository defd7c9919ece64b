//! The generated `instance-images` binary (as `e2e-instance-images`), built here so this package's tests can start it
//! (`CARGO_BIN_EXE_e2e-instance-images`); its code is the generated crate's `server::main`.
fn main() -> std::process::ExitCode {
    instance_images::server::main()
}
