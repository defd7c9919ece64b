//! Repository tasks: `cargo xtask gen [--check]`, `cargo xtask bench`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use naftiko_codegen::CrateOptions;
use naftiko_codegen::output;

/// What the `naftiko-codegen` command line uses, so the compiler benchmarks measure what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate every crate under generated/ from specs/.
    Gen {
        /// Change nothing; fail if generated/ is not what the generator writes.
        #[arg(long)]
        check: bool,
    },
    /// Time the compiler over a directory of specs (default: the dev corpus), in this build's profile.
    Bench {
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Repetitions; the best run is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Run one part only.
        #[arg(long)]
        only: Option<bench::Part>,
        /// Measure a peer server in the same rounds as the REST adapter (`nginx`: needs nginx on PATH).
        #[arg(long)]
        peer: Option<bench::Peer>,
        /// Length of the soak (`--only soak`).
        #[arg(long, default_value_t = 60)]
        soak_seconds: u64,
    },
    /// Generate every spec under DIR (default: the dev corpus) and type-check the output; print a report.
    Corpus {
        dir: Option<PathBuf>,
        /// Only a deterministic stratified sample of about N files (every k-th file per source repository).
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
    },
    /// The main job: regenerate generated/, then export a Block snapshot and import it into another zone
    /// (built-in emulator by default; --upstream https://api.scaleway.com for the real API).
    #[cfg(feature = "demo")]
    Demo(demo::DemoArgs),
    /// Property-based API testing (Schemathesis) of the seed crates' servers and a sample of the
    /// corpus against their own OpenAPI documents, with a larger budget than `cargo test`.
    #[cfg(feature = "demo")]
    Schemathesis(schemathesis::Args),
}

/// The cargo that runs this task (`$CARGO`), in the repository root.
fn cargo() -> std::process::Command {
    let mut command = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Gen { check } => gen_task(check),
        Task::Bench { corpus, runs, only, peer, soak_seconds } => bench(corpus, runs, only, peer, soak_seconds),
        Task::Corpus { dir, sample } => corpus::corpus(dir, sample),
        #[cfg(feature = "demo")]
        Task::Demo(args) => demo::run(args),
        #[cfg(feature = "demo")]
        Task::Schemathesis(args) => schemathesis::run(args),
    }
}

fn gen_task(check: bool) -> ExitCode {
    let root = root();
    let crates = match output::generate_dir(&root, "specs", &CrateOptions::default()) {
        Ok(c) => c,
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let out = root.join("generated");
    if check {
        let stale = output::stale(&crates, &out);
        if stale.is_empty() {
            println!("generated/ is up to date ({} crates)", crates.len());
            return ExitCode::SUCCESS;
        }
        eprintln!("generated/ is stale; run `cargo xtask gen`:");
        for s in stale {
            eprintln!("  {s}");
        }
        return ExitCode::FAILURE;
    }
    if let Err(e) = output::write(&crates, &out) {
        eprintln!("error: cannot write generated/: {e}");
        return ExitCode::FAILURE;
    }
    for c in &crates {
        println!("generated/{} ({} files)", c.name, c.files.len());
    }
    ExitCode::SUCCESS
}

mod bench;
mod bench_formats;
mod load;
mod nginx;
use bench::bench;

mod corpus;

mod build_cost;
#[cfg(feature = "demo")]
mod soak;

#[cfg(feature = "demo")]
mod demo;
#[cfg(feature = "demo")]
mod schemathesis;
