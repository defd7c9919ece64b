//! Generates `$OUT_DIR/instance_images.rs` from the spec; the build stops with the spec's
//! file:line:col when it has errors.
use naftiko_codegen::emit::Surfaces;

fn main() {
    naftiko_codegen::Builder::new()
        .spec("../../specs/instance-images.yaml")
        .surfaces(Surfaces { rest: true, mcp: true, server: false })
        .compile_or_exit();
}
