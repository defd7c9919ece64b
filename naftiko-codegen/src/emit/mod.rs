//! Emitters: IR → Rust source, OpenAPI and crate files.
