//! The `naftiko-codegen` command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "naftiko-codegen", version, about = "Compile Naftiko capability specs into Rust crates")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report diagnostics for each spec; exit 1 if any has an error.
    Check {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the lowered IR of a spec as JSON.
    Ir { spec: PathBuf },
    /// Print the OpenAPI 3.1 document of a spec's exposed REST surface.
    Openapi { spec: PathBuf },
    /// Generate one crate per spec into DIR/<crate-name>/.
    Generate {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Depend on naftiko-runtime at this path (relative to each generated crate) instead of a crates.io version.
        #[arg(long, value_name = "PATH", conflicts_with = "runtime_version")]
        runtime_path: Option<String>,
        /// The naftiko-runtime version requirement to depend on.
        #[arg(long, value_name = "VERSION", default_value = env!("CARGO_PKG_VERSION"))]
        runtime_version: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { specs, format } => check(&specs, format),
        Command::Ir { spec } => ir(&spec),
        Command::Openapi { spec } => openapi(&spec),
        Command::Generate { specs, out, runtime_path, runtime_version } => {
            let runtime = match runtime_path {
                Some(p) => naftiko_codegen::RuntimeDependency::Path(p),
                None => naftiko_codegen::RuntimeDependency::Version(runtime_version),
            };
            generate(&specs, &out, &naftiko_codegen::CrateOptions { runtime })
        }
    }
}

fn check(specs: &[PathBuf], format: Format) -> ExitCode {
    let color = std::io::stderr().is_terminal();
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut stdout = std::io::stdout().lock();
    for spec in specs {
        let loaded = naftiko_codegen::load(spec);
        for d in &loaded.diagnostics {
            match d.severity {
                naftiko_codegen::Severity::Error => errors += 1,
                naftiko_codegen::Severity::Warning => warnings += 1,
            }
            match format {
                Format::Human => eprintln!("{}\n", d.render(&loaded.sources, color)),
                Format::Json => {
                    let _ = writeln!(stdout, "{}", d.to_json(&loaded.sources));
                }
            }
        }
    }
    if matches!(format, Format::Human) {
        eprintln!("{} spec(s) checked: {errors} error(s), {warnings} warning(s)", specs.len());
    }
    if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Loads a spec, printing its diagnostics; the IR when it has no errors.
fn load_reporting(spec: &std::path::Path) -> Option<naftiko_codegen::ir::Capability> {
    let loaded = naftiko_codegen::load(spec);
    let color = std::io::stderr().is_terminal();
    for d in &loaded.diagnostics {
        eprintln!("{}\n", d.render(&loaded.sources, color));
    }
    loaded.capability
}

fn print_json(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: cannot serialize: {err}");
            ExitCode::from(1)
        }
    }
}

fn openapi(spec: &std::path::Path) -> ExitCode {
    let Some(cap) = load_reporting(spec) else { return ExitCode::from(1) };
    match naftiko_codegen::emit::openapi::document(&cap) {
        Some(doc) => print_json(&doc),
        None => {
            eprintln!("error: {} exposes no REST adapter", spec.display());
            ExitCode::from(1)
        }
    }
}

fn generate(specs: &[PathBuf], out: &std::path::Path, options: &naftiko_codegen::CrateOptions) -> ExitCode {
    let color = std::io::stderr().is_terminal();
    let mut failed = false;
    let mut crates = Vec::new();
    // Every spec on every core; reported and written in the order given.
    for (spec, outcome) in specs.iter().zip(naftiko_codegen::generate_files(specs, options)) {
        for d in &outcome.loaded.diagnostics {
            eprintln!("{}\n", d.render(&outcome.loaded.sources, color));
        }
        match outcome.generated {
            Some(Ok(c)) => crates.push(c),
            Some(Err(e)) => {
                eprintln!("error: {}: {e}", spec.display());
                failed = true;
            }
            None => failed = true,
        }
    }
    if let Err(e) = naftiko_codegen::output::write(&crates, out) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::from(1);
    }
    for c in &crates {
        eprintln!("wrote {}", out.join(&c.name).display());
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn ir(spec: &std::path::Path) -> ExitCode {
    match load_reporting(spec) {
        Some(cap) => print_json(&cap),
        None => ExitCode::from(1),
    }
}
