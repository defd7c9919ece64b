//! `Builder`: generates a capability module from `build.rs` into `OUT_DIR`, for `include!`.
//!
//! ```no_run
//! // build.rs
//! naftiko_codegen::Builder::new().spec("specs/instance-images.yaml").compile_or_exit();
//! // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/instance_images.rs"));
//! ```

use std::path::{Path, PathBuf};

use crate::emit::{Surfaces, format_file, inline_code};

/// Configures which specs `build.rs` compiles and which surfaces their modules include.
#[derive(Clone, Debug)]
pub struct Builder {
    specs: Vec<PathBuf>,
    surfaces: Surfaces,
    out_dir: Option<PathBuf>,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// No specs yet; every surface (client, handlers, REST, MCP, server).
    pub fn new() -> Self {
        Builder { specs: Vec::new(), surfaces: Surfaces::ALL, out_dir: None }
    }

    /// Adds a spec; relative paths are relative to the package root (build scripts run there).
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.specs.push(path.into());
        self
    }

    /// The surfaces to generate; match them to the naftiko-runtime features you enable.
    pub fn surfaces(mut self, surfaces: Surfaces) -> Self {
        self.surfaces = surfaces;
        self
    }

    /// Where to write `<module>.rs` (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates every spec; returns the files written, or every diagnostic rendered when a spec has errors.
    /// Prints `cargo:rerun-if-changed` for each spec (and each file it imports) and `cargo:warning` for
    /// each warning.
    pub fn compile(self) -> Result<Vec<PathBuf>, String> {
        let out = match self.out_dir.or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from)) {
            Some(dir) => dir,
            None => return Err("OUT_DIR is not set: call Builder::compile from build.rs, or set Builder::out_dir".to_owned()),
        };
        let mut written = Vec::new();
        let mut failures = String::new();
        for spec in &self.specs {
            println!("cargo:rerun-if-changed={}", spec.display());
            let loaded = crate::load(spec);
            // Imported consumes files are inputs too.
            for (_, file) in loaded.sources.files().skip(1) {
                println!("cargo:rerun-if-changed={}", file.name);
            }
            for warning in loaded.diagnostics.iter().filter(|d| !d.is_error()) {
                let location = warning.location(&loaded.sources).unwrap_or_default();
                println!("cargo:warning={location}: {} [{}]", warning.message, warning.code.as_str());
            }
            let Some(cap) = &loaded.capability else {
                failures.push_str(&loaded.render(false));
                failures.push('\n');
                continue;
            };
            let source = format_file(&inline_code(cap, self.surfaces)).map_err(|e| format!("{}: {e}", spec.display()))?;
            let path = out.join(format!("{}.rs", cap.module));
            write_if_changed(&path, &source).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path);
        }
        if failures.is_empty() { Ok(written) } else { Err(failures) }
    }

    /// [`Builder::compile`], printing the diagnostics and exiting with status 1 on failure: the
    /// build stops with the spec's file:line:col in its output.
    pub fn compile_or_exit(self) -> Vec<PathBuf> {
        match self.compile() {
            Ok(written) => written,
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                std::process::exit(1);
            }
        }
    }
}

fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
