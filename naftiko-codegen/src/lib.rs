//! naftiko-codegen compiles Naftiko capability specs (`naftiko: 1.0.0-alpha2`) into Rust crates.
//!
//! The pipeline is the folder layout: [`spec`] reads YAML into a located model, [`check`] reports what
//! is wrong with it, [`ir`] lowers it into a fully resolved capability, and [`emit`] writes Rust.
//! The CLI, the proc macro, `build.rs` users and `cargo xtask` all call [`load`] / [`load_str`] and
//! then the emitters; none has logic of its own.

pub mod builder;
pub mod check;
pub mod emit;
pub mod ir;
pub mod output;
pub mod parallel;
pub mod source;
pub mod spec;

use std::path::Path;

pub use builder::Builder;
pub use check::diagnostic::{Code, Diagnostic, Severity};
pub use emit::crate_files::{CrateOptions, GeneratedCrate, GeneratedFile, RuntimeDependency, generate_crate as generate};
pub use source::SourceMap;

/// The result of loading one spec: the files read, every diagnostic, and the IR when there were no errors.
#[derive(Debug)]
pub struct Loaded {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub capability: Option<ir::Capability>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics rendered rustc-style.
    pub fn render(&self, color: bool) -> String {
        self.diagnostics.iter().map(|d| d.render(&self.sources, color)).collect::<Vec<_>>().join("\n")
    }
}

/// One spec's outcome in [`generate_all`].
#[derive(Debug)]
pub struct Generated {
    pub loaded: Loaded,
    /// The crate, when the spec lowered; an `Err` is a bug in an emitter (see [`generate`]).
    pub generated: Option<Result<GeneratedCrate, String>>,
}

/// [`load_str`] then [`generate`] for each `(name, text)`, spread over the cores ([`parallel`]);
/// results are in input order and identical to generating the specs one at a time.
pub fn generate_all<N: AsRef<str> + Sync, T: AsRef<str> + Sync>(specs: &[(N, T)], options: &CrateOptions) -> Vec<Generated> {
    parallel::map_largest_first(
        specs,
        |(_, text)| text.as_ref().len(),
        |(name, text)| generated(load_str(name.as_ref(), text.as_ref()), options),
    )
}

/// [`generate_all`] for spec files: [`load`] then [`generate`] for each path (a file that cannot be
/// read is a diagnostic of its outcome).
pub fn generate_files<P: AsRef<Path> + Sync>(paths: &[P], options: &CrateOptions) -> Vec<Generated> {
    parallel::map_largest_first(
        paths,
        |path| std::fs::metadata(path).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX)),
        |path| generated(load(path.as_ref()), options),
    )
}

fn generated(loaded: Loaded, options: &CrateOptions) -> Generated {
    let generated = loaded.capability.as_ref().map(|cap| generate(cap, options));
    Generated { loaded, generated }
}

/// Loads, checks and lowers the spec at `path` (shown in diagnostics as given). Imported consumes are
/// read relative to the spec's directory.
pub fn load(path: &Path) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => load_with(&path.display().to_string(), &text, Some(path.parent().unwrap_or(Path::new("")))),
        Err(err) => Loaded {
            sources: SourceMap::default(),
            diagnostics: vec![
                Diagnostic::new(Code::Import, None, format!("cannot read `{}`: {err}", path.display()))
                    .hint("check the path; relative paths are resolved from the current directory (from CARGO_MANIFEST_DIR in the macro)"),
            ],
            capability: None,
        },
    }
}

/// Loads, checks and lowers spec text; `name` is its path for diagnostics and its file stem names the crate.
/// Imported consumes are read relative to `name`'s directory (from the current directory).
pub fn load_str(name: &str, text: &str) -> Loaded {
    load_with(name, text, Some(Path::new(name).parent().unwrap_or(Path::new(""))))
}

/// [`load_str`] with the directory imported consumes are resolved against (`None`: the spec may not
/// import; the macro passes the directory of the file it read).
pub fn load_with(name: &str, text: &str, import_dir: Option<&Path>) -> Loaded {
    let mut sources = SourceMap::default();
    let file = sources.add(source::SourceFile::new(name, text));
    let mut diagnostics = Vec::new();
    let mut capability = None;
    let parsed = sources.get(file).and_then(|f| spec::yaml::parse(file, f, &mut diagnostics));
    match parsed {
        None if diagnostics.is_empty() => diagnostics.push(
            Diagnostic::new(Code::NothingToCompile, source::Span::new(file, 0, 0), "the file is empty")
                .hint("a capability spec starts with `naftiko: 1.0.0-alpha2`"),
        ),
        None => {}
        Some(root) => {
            let mut doc = spec::read::document(&root, &mut diagnostics);
            spec::import::resolve(&mut doc, import_dir, &mut sources, &mut diagnostics);
            spec::schemas::resolve(&mut doc, import_dir, &mut sources, &mut diagnostics);
            check::check(&doc, &mut diagnostics);
            let stem = Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or("capability");
            let stem = stem.strip_suffix(".capability").or_else(|| stem.strip_suffix(".naftiko")).unwrap_or(stem);
            let lowered = ir::lower::lower(&doc, name, stem, &mut diagnostics);
            if !diagnostics.iter().any(Diagnostic::is_error) {
                capability = lowered;
            }
        }
    }
    let mut all = check::diagnostic::Diagnostics::default();
    all.extend(diagnostics);
    Loaded { sources, diagnostics: dedup(all.sorted()), capability }
}

/// The same finding reached twice (e.g. a secret used in two fields of one block) is shown once.
fn dedup(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    diagnostics
}
