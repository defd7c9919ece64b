//! The `naftiko-codegen` command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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

fn ir(spec: &PathBuf) -> ExitCode {
    let loaded = naftiko_codegen::load(spec);
    let color = std::io::stderr().is_terminal();
    for d in &loaded.diagnostics {
        eprintln!("{}\n", d.render(&loaded.sources, color));
    }
    match &loaded.capability {
        Some(cap) => match serde_json::to_string_pretty(cap) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: cannot serialize the IR: {err}");
                ExitCode::from(1)
            }
        },
        None => ExitCode::from(1),
    }
}
