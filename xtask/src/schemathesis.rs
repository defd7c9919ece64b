//! `cargo xtask schemathesis`: property-based API testing of generated servers against their own
//! OpenAPI documents, with a larger budget than `cargo test` runs — the seed crates in front of the
//! Scaleway emulator, then a deterministic sample of the corpus in front of an upstream that answers
//! every request `200 {}` (the corpus's real APIs are not reachable from here).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use naftiko_codegen::CrateOptions;
use naftiko_codegen::emit::crate_files::RuntimeDependency;
use naftiko_tests::schemathesis::{self, Outcome, Run};
use naftiko_tests::{Answer, EMULATOR_TOKEN, Emulator, Recorder, ServerProcess};

#[derive(clap::Args)]
pub struct Args {
    /// Test cases per operation and phase.
    #[arg(long, default_value_t = 100)]
    examples: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Corpus specs to sample (0: the seed crates only).
    #[arg(long, default_value_t = 8)]
    corpus_sample: usize,
    /// The corpus (default: ../shared/corpus/dev).
    #[arg(long)]
    corpus: Option<PathBuf>,
}

/// One server's result, for the table.
struct Row {
    name: String,
    operations: usize,
    outcome: Result<Outcome, String>,
    seconds: f64,
}

pub fn run(args: Args) -> ExitCode {
    let root = crate::root();
    let work = root.join("target/schemathesis");
    let st = match schemathesis::install(&work.join("venv")) {
        Ok(st) => st,
        Err(why) => {
            eprintln!("error: Schemathesis {} cannot be installed: {why}", schemathesis::VERSION);
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut rows = Vec::new();

    // The seeds, built as users build them, in front of the emulator.
    let seeds = ["instance-snapshots", "instance-images", "block-snapshots"];
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(&root).args(["build", "-q", "--features", "server"]);
    for seed in seeds {
        build.args(["-p", seed]);
    }
    if !build.status().is_ok_and(|s| s.success()) {
        eprintln!("error: the seed crates do not build");
        return ExitCode::FAILURE;
    }
    let emulator = runtime.block_on(Emulator::start());
    let upstream = emulator.base_url();
    let harness = Harness { st: &st, work: &work, args: &args };
    for seed in seeds {
        rows.push(harness.test(
            Server {
                name: seed.to_owned(),
                binary: root.join("target/debug").join(seed),
                operations: operations_of(&root.join(format!("generated/{seed}/openapi.json"))),
                env: vec![("SCALEWAY_API_KEY".to_owned(), EMULATOR_TOKEN.to_owned())],
                // The zone the emulator knows: the document cannot say which zones exist.
                parameters: vec![("path.zone".to_owned(), "fr-par-1".to_owned())],
            },
            &upstream,
        ));
    }

    if args.corpus_sample > 0 {
        let dir = args.corpus.clone().unwrap_or_else(crate::corpus::default_dir);
        match corpus_crates(&root, &work, &dir, args.corpus_sample) {
            Err(e) => eprintln!("corpus sample skipped: {e}"),
            Ok(crates) => {
                let recorder = runtime.block_on(Recorder::start(|_| Answer::json(200, "{}")));
                let upstream = recorder.base_url();
                rows.extend(crates.into_iter().map(|server| harness.test(server, &upstream)));
            }
        }
    }

    println!(
        "\nSchemathesis {} (--checks all but {}), {} examples per operation and phase, seed {}:",
        schemathesis::VERSION,
        schemathesis::EXCLUDED_CHECKS,
        args.examples,
        args.seed
    );
    println!("{:<58} {:>5} {:>8} {:>9} {:>7}", "server", "ops", "cases", "failures", "time");
    let mut failed = false;
    for row in &rows {
        match &row.outcome {
            Ok(o) => {
                failed |= !o.passed || o.failures > 0;
                println!("{:<58} {:>5} {:>8} {:>9} {:>6.1}s", row.name, row.operations, o.generated, o.failures, row.seconds);
            }
            Err(e) => {
                failed = true;
                println!("{:<58} {:>5} error: {}", row.name, row.operations, e.lines().next().unwrap_or_default());
            }
        }
    }
    let cases: usize = rows.iter().filter_map(|r| r.outcome.as_ref().ok()).map(|o| o.generated).sum();
    let failures: usize = rows.iter().filter_map(|r| r.outcome.as_ref().ok()).map(|o| o.failures).sum();
    println!("total: {} servers, {cases} test cases, {failures} failures", rows.len());
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// A generated server binary to test, and what it needs to start.
struct Server {
    name: String,
    binary: PathBuf,
    operations: usize,
    /// Its secrets' environment variables.
    env: Vec<(String, String)>,
    /// Fixed parameter values for Schemathesis (see [`Run::parameters`]).
    parameters: Vec<(String, String)>,
}

/// What every run shares: the `st` executable, the scratch directory and the budget.
struct Harness<'a> {
    st: &'a Path,
    work: &'a Path,
    args: &'a Args,
}

impl Harness<'_> {
    /// Starts `server` in front of `upstream` and runs Schemathesis on its document.
    fn test(&self, server: Server, upstream: &str) -> Row {
        let started = Instant::now();
        let Server { name, binary, operations, env, parameters } = server;
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let outcome = ServerProcess::start(&binary.to_string_lossy(), &["--upstream", upstream, "--no-mcp"], &env).and_then(|process| {
            let run = Run {
                schema_url: format!("{}/openapi.json", process.rest_url()),
                max_examples: self.args.examples,
                seed: self.args.seed,
                parameters,
            };
            let outcome = run.execute(self.st, &self.work.join("runs").join(name.replace('/', "+")));
            if let Ok(o) = &outcome
                && (o.failures > 0 || !o.passed)
            {
                eprintln!("── {name} ──\n{}", o.output);
            }
            outcome
        });
        Row { name, operations, outcome, seconds: started.elapsed().as_secs_f64() }
    }
}

fn operations_of(document: &Path) -> usize {
    let text = std::fs::read_to_string(document).unwrap_or_default();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    document["paths"].as_object().map_or(0, |paths| paths.values().filter_map(|p| p.as_object()).map(|p| p.len()).sum())
}

/// Generates and builds `n` corpus specs: those that compile, expose REST operations, demand no
/// credentials from REST callers and declare no operation left to a `Handlers` implementation, every
/// k-th in path order.
fn corpus_crates(root: &Path, work: &Path, dir: &Path, n: usize) -> Result<Vec<Server>, String> {
    let files = crate::corpus::spec_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let candidates: Vec<(PathBuf, naftiko_codegen::ir::Capability)> = files
        .into_iter()
        .filter_map(|f| {
            let cap = naftiko_codegen::load(&f).capability?;
            let rest = cap.rest.first()?;
            // An operation without a `call` answers 501 until a user implements it: a server error by design.
            (rest.auth.is_none() && !rest.endpoints.is_empty() && cap.custom.is_empty()).then_some((f, cap))
        })
        .collect();
    if candidates.is_empty() {
        return Err(format!("no spec under {} exposes REST without authentication", dir.display()));
    }
    // Half of the sample from specs that shape their replies (outputs with a shape, steps, mocks), whose
    // documents promise more than a passthrough does; the rest from the others.
    let shaped = |cap: &naftiko_codegen::ir::Capability| {
        cap.rest.iter().flat_map(|r| &r.endpoints).any(|e| e.output_schema.is_some() || matches!(e.action, naftiko_codegen::ir::Action::Flow { .. }))
    };
    let (with_shape, plain): (Vec<_>, Vec<_>) = candidates.iter().partition(|(_, cap)| shaped(cap));
    let from_shaped = every(&with_shape, n / 2);
    let mut picked = every(&plain, n - from_shaped.len());
    picked.extend(from_shaped);
    picked.sort_by(|a, b| a.0.cmp(&b.0));
    // And our own fixture, whose replies are shaped and whose inputs are constrained (the corpus's are not).
    let ours = root.join("tests/fixtures/constraints.yaml");
    let ours = naftiko_codegen::load(&ours).capability.map(|cap| (ours, cap));
    picked.extend(ours.as_ref());
    let crates_dir = work.join("corpus");
    let _ = std::fs::remove_dir_all(&crates_dir);
    let options = CrateOptions { runtime: RuntimeDependency::Path(root.join("naftiko-runtime").to_string_lossy().into_owned()) };
    let paths: Vec<&PathBuf> = picked.iter().map(|(f, _)| f).collect();
    eprintln!("sampled {} of {} candidates ({} of them shape their replies)", picked.len(), candidates.len(), with_shape.len());
    let generated = naftiko_codegen::generate_files(&paths, &options);
    let mut members = Vec::new();
    let mut crates = Vec::new();
    for (g, (file, cap)) in generated.iter().zip(&picked) {
        let Some(Ok(generated)) = &g.generated else { continue };
        // Two repositories may name a spec alike: the first one is kept.
        if members.contains(&format!("\"{}\"", generated.name)) {
            continue;
        }
        naftiko_codegen::output::write(std::slice::from_ref(generated), &crates_dir).map_err(|e| e.to_string())?;
        members.push(format!("\"{}\"", generated.name));
        crates.push(Server {
            binary: work.join("target/debug").join(&generated.name),
            operations: operations_of(&crates_dir.join(&generated.name).join("openapi.json")),
            // Any value will do: the upstream answers everything.
            env: cap.secrets.iter().map(|s| (s.var.clone(), "schemathesis".to_owned())).collect(),
            // The upstream answers anything: no value needs fixing.
            parameters: Vec::new(),
            name: format!("{}", file.strip_prefix(dir).or_else(|_| file.strip_prefix(root)).unwrap_or(file).display()),
        });
    }
    let workspace = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(crates_dir.join("Cargo.toml"), workspace).map_err(|e| e.to_string())?;
    // Our lock file: the same dependency versions as the repository, so the build reuses its artifacts.
    std::fs::copy(root.join("Cargo.lock"), crates_dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    eprintln!("building {} corpus crates…", crates.len());
    let status = Command::new(env!("CARGO"))
        .current_dir(&crates_dir)
        // Built once per run: no incremental state (it is most of a debug target's size).
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "-q", "--workspace", "--target-dir"])
        .arg(work.join("target"))
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("the sampled corpus crates do not build".to_owned());
    }
    Ok(crates)
}

/// Every k-th of `group`, for about `n` of them.
fn every<'a, T>(group: &[&'a T], n: usize) -> Vec<&'a T> {
    let stride = group.len().div_ceil(n.max(1)).max(1);
    group.iter().step_by(stride).take(n).copied().collect()
}
