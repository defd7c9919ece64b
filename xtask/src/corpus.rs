//! `cargo xtask corpus [DIR] [--sample N]`: generates every spec under DIR (default: the dev corpus)
//! and type-checks what it generates.
//!
//! Every spec that lowers becomes one module of a scratch workspace (`target/corpus-check/<run>/`): its
//! crates each include a chunk of the modules and share one build of the runtime and its dependencies.
//! `cargo check` runs on it with its own target directory (`target/corpus-check/target/`), never
//! fighting the workspace's build lock, and its JSON messages are mapped back to the spec each module
//! came from. A spec that does not lower must be rejected with
//! error diagnostics that carry a file, line and column; a panic anywhere is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use naftiko_codegen::emit::{Surfaces, format_file, inline_code};
use naftiko_codegen::{Code, Loaded};

/// What to run over.
pub struct Options {
    pub dir: PathBuf,
    /// Type-check a deterministic stratified sample of about this many files instead of all.
    pub sample: Option<usize>,
    /// Show progress bars (off in tests).
    pub progress: bool,
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Lowered; `module` is its module in the scratch crate. Type-check results are in `Report`.
    Generated { module: String },
    /// Error diagnostics: every code, and the first error as `file:line:col: message [CODE]`.
    Rejected { codes: BTreeSet<Code>, first: String, unlocated: usize },
    /// A consumes-only document (root `consumes`, no `capability`): compiled through the specs
    /// that import it, not on its own.
    Fragment,
    /// The compiler panicked (a bug).
    Panicked { message: String },
    /// Lowered, but the emitted tokens do not parse (a bug in an emitter), or `emit::format` prints
    /// them otherwise than prettyplease (a bug in the formatter).
    EmitFailed { message: String },
}

#[derive(Debug)]
pub struct FileReport {
    /// Path relative to the corpus directory.
    pub path: String,
    pub outcome: Outcome,
    /// rustc errors in this spec's module (rendered, first lines).
    pub type_errors: Vec<String>,
    pub type_warnings: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub total_files: usize,
    pub files: Vec<FileReport>,
    pub load_time: Duration,
    pub emit_time: Duration,
    pub deps_time: Duration,
    pub check_time: Duration,
    /// rustc messages that point at no spec module (the runtime, or cargo itself).
    pub other_messages: Vec<String>,
    pub generated_lines: usize,
    /// The scratch workspace holding the generated modules.
    pub workspace: PathBuf,
}

impl Report {
    fn count(&self, f: impl Fn(&FileReport) -> bool) -> usize {
        self.files.iter().filter(|r| f(r)).count()
    }

    pub fn specs(&self) -> usize {
        self.count(|r| !matches!(r.outcome, Outcome::Fragment))
    }

    pub fn compiled(&self) -> usize {
        self.count(|r| matches!(r.outcome, Outcome::Generated { .. }) && r.type_errors.is_empty())
    }

    pub fn rejected(&self) -> usize {
        self.count(|r| matches!(r.outcome, Outcome::Rejected { .. }))
    }

    pub fn panicked(&self) -> usize {
        self.count(|r| matches!(r.outcome, Outcome::Panicked { .. }))
    }

    pub fn emit_failed(&self) -> usize {
        self.count(|r| matches!(r.outcome, Outcome::EmitFailed { .. }))
    }

    pub fn type_failures(&self) -> usize {
        self.count(|r| !r.type_errors.is_empty())
    }

    pub fn warned(&self) -> usize {
        self.count(|r| !r.type_warnings.is_empty())
    }

    /// Error diagnostics without a file:line:col.
    pub fn unlocated(&self) -> usize {
        self.files.iter().map(|r| if let Outcome::Rejected { unlocated, .. } = r.outcome { unlocated } else { 0 }).sum()
    }

    /// Whether the run proves what it must: no panic, every generated module type-checks without
    /// warnings, every rejection is located.
    pub fn passed(&self) -> bool {
        self.panicked() == 0
            && self.emit_failed() == 0
            && self.type_failures() == 0
            && self.warned() == 0
            && self.unlocated() == 0
            && self.other_messages.is_empty()
    }
}

/// The task: runs and prints the table; fails when [`Report::passed`] does not hold.
pub fn corpus(dir: Option<PathBuf>, sample: Option<usize>) -> ExitCode {
    let dir = dir.unwrap_or_else(default_dir);
    match run(&Options { dir, sample, progress: true }) {
        Ok(report) => {
            print!("{}", table(&report));
            if !naftiko_codegen::emit::format::checks_against_prettyplease() {
                println!("note: emit::format was not compared with prettyplease (a release build, or NAFTIKO_FORMAT_ORACLE unset)");
            }
            if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `../shared/corpus/dev` beside the workspace.
pub fn default_dir() -> PathBuf {
    super::root().join("../shared/corpus/dev")
}

/// Generates and type-checks the corpus (or its sample).
pub fn run(options: &Options) -> Result<Report, String> {
    let all = spec_files(&options.dir).map_err(|e| format!("cannot read {}: {e}", options.dir.display()))?;
    if all.is_empty() {
        return Err(format!("no specs (*.yaml, *.yml) under {}", options.dir.display()));
    }
    let files = match options.sample {
        Some(n) => sample(&options.dir, &all, n),
        None => all.clone(),
    };
    let mut report = Report { total_files: all.len(), ..Report::default() };
    // One scratch workspace per directory and sample size, so that runs over different inputs (the
    // test's, a developer's) never rewrite each other's modules; they share the target directory.
    let dir_name: String = options.dir.file_name().map(|n| n.to_string_lossy().chars().filter(char::is_ascii_alphanumeric).collect()).unwrap_or_default();
    let run_name = format!("{dir_name}-{}", options.sample.map_or_else(|| "all".to_owned(), |n| format!("sample-{n}")));
    let work = super::root().join("target/corpus-check");
    let crate_dir = work.join(&run_name);
    report.workspace = crate_dir.clone();
    let src = crate_dir.join("modules");
    // A clean directory: modules of specs no longer generated must not linger.
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;

    // Phase 1: load + check + lower, catching panics (the default hook would print over the bars;
    // without bars, as in tests, it stays: other threads' panics must still be told).
    let quiet = options.progress.then(QuietPanics::install);
    let bar = bar(options.progress, files.len() as u64, "load + check + lower");
    let started = Instant::now();
    let mut loaded: Vec<(String, Result<Loaded, String>)> = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&options.dir).unwrap_or(path).display().to_string();
        bar.set_message(rel.clone());
        let result = catch_unwind(AssertUnwindSafe(|| naftiko_codegen::load(path))).map_err(panic_message);
        loaded.push((rel, result));
        bar.inc(1);
    }
    report.load_time = started.elapsed();
    bar.finish_and_clear();

    // Phase 2: emit + format, one module per spec.
    let bar = self::bar(options.progress, loaded.len() as u64, "emit + format");
    let started = Instant::now();
    let mut modules: BTreeMap<String, usize> = BTreeMap::new();
    let mut sizes: Vec<(String, usize)> = Vec::new();
    // The naftiko-runtime features the modules need beyond the surfaces (format converters); one
    // scratch workspace, so they unify and the runtime compiles once.
    let mut features: std::collections::BTreeSet<&'static str> = std::collections::BTreeSet::new();
    for (i, (rel, result)) in loaded.into_iter().enumerate() {
        bar.set_message(rel.clone());
        let outcome = match result {
            Err(message) => Outcome::Panicked { message },
            Ok(l) => match &l.capability {
                None => rejection(&l, &files[i], &options.dir),
                Some(cap) => {
                    features.extend(naftiko_codegen::emit::crate_files::runtime_features(cap));
                    let module = module_name(i, &rel);
                    // In the debug build `cargo xtask` runs, `format_file` also compares the formatter
                    // with prettyplease, and a difference is its error (see `corpus` for the others).
                    match catch_unwind(AssertUnwindSafe(|| format_file(&inline_code(cap, Surfaces::ALL)))) {
                        Err(payload) => Outcome::Panicked { message: panic_message(payload) },
                        Ok(Err(message)) => Outcome::EmitFailed { message: first_lines(&message, 3) },
                        Ok(Ok(source)) => {
                            let lines = source.lines().count();
                            report.generated_lines += lines;
                            sizes.push((module.clone(), lines));
                            let text = format!("//! Generated from `{rel}`.\n\n{source}");
                            let file = src.join(format!("{module}.rs"));
                            std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
                            modules.insert(module.clone(), report.files.len());
                            Outcome::Generated { module }
                        }
                    }
                }
            },
        };
        report.files.push(FileReport { path: rel, outcome, type_errors: Vec::new(), type_warnings: Vec::new() });
        bar.inc(1);
    }
    report.emit_time = started.elapsed();
    bar.finish_and_clear();
    drop(quiet);

    // Phase 3: the dependencies (empty crates), then the modules, a chunk of them per crate: one crate
    // of every module would need tens of GB in one rustc, and chunks let cargo use every core.
    let chunks = chunks(&sizes);
    write_workspace(&crate_dir, &vec![Vec::new(); chunks.len()], &features)?;
    let target = work.join("target");
    let started = Instant::now();
    let deps = cargo_check(&crate_dir, &target, options.progress, "dependencies (cargo check)")?;
    report.deps_time = started.elapsed();
    if !deps.success {
        return Err(format!("the scratch crates' dependencies do not build:\n{}", deps.stderr));
    }
    write_workspace(&crate_dir, &chunks, &features)?;
    let started = Instant::now();
    let checked = cargo_check(&crate_dir, &target, options.progress, "type-check (cargo check)")?;
    report.check_time = started.elapsed();
    for message in checked.messages {
        let target = message.module.as_ref().and_then(|m| modules.get(m)).copied();
        match (target, message.level.as_str()) {
            (Some(i), "error") => report.files[i].type_errors.push(message.rendered),
            (Some(i), "warning") => report.files[i].type_warnings.push(message.rendered),
            (None, "error" | "warning") => report.other_messages.push(message.rendered),
            _ => {}
        }
    }
    if !checked.success && report.type_failures() == 0 && report.other_messages.is_empty() {
        report.other_messages.push(format!("cargo check failed without a message on a spec module:\n{}", checked.stderr));
    }
    Ok(report)
}

/// Silences the panic hook until dropped (panics are caught and reported in the table instead).
struct QuietPanics(Option<PanicHook>);

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

impl QuietPanics {
    fn install() -> Self {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        QuietPanics(Some(hook))
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(hook) = self.0.take() {
            std::panic::set_hook(hook);
        }
    }
}

fn rejection(loaded: &Loaded, path: &Path, dir: &Path) -> Outcome {
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    let codes: BTreeSet<Code> = errors.iter().map(|d| d.code).collect();
    if codes == BTreeSet::from([Code::NothingToCompile]) && is_consumes_only(path) {
        return Outcome::Fragment;
    }
    let first = errors
        .first()
        .map(|d| {
            let location = d.location(&loaded.sources).unwrap_or_else(|| "<no location>".into());
            // Relative to the corpus directory, as the table names files.
            let prefix = format!("{}/", dir.display());
            format!("{}: {} [{}]", location.strip_prefix(&prefix).unwrap_or(&location), d.message, d.code.as_str())
        })
        .unwrap_or_else(|| "no IR and no error diagnostic".to_owned());
    let unlocated = errors.iter().filter(|d| d.location(&loaded.sources).is_none()).count() + usize::from(errors.is_empty());
    Outcome::Rejected { codes, first, unlocated }
}

/// A shared-consumes document: a top-level `consumes:` and no top-level `capability:`.
fn is_consumes_only(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let top = |key: &str| text.lines().any(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')));
    top("consumes") && !top("capability")
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-text panic payload)".to_owned())
}

fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n).collect::<Vec<_>>().join("\n")
}

/// `s042_instance_snapshots`: unique by index, readable by stem.
fn module_name(index: usize, rel: &str) -> String {
    let stem = Path::new(rel).file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let mut name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    name.truncate(40);
    format!("s{index:03}_{}", name.trim_matches('_'))
}

/// Every `*.yaml` / `*.yml` under `dir`, sorted.
pub fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A deterministic stratified sample: the files of each source repository (the first directory under
/// `dir`) in name order, every k-th one starting with the first, k the smallest stride that keeps the
/// sample at most `n` files (at least one file per repository).
pub fn sample(dir: &Path, files: &[PathBuf], n: usize) -> Vec<PathBuf> {
    let mut by_repo: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
    for f in files {
        let repo = f.strip_prefix(dir).ok().and_then(|r| r.components().next()).map(|c| c.as_os_str().to_string_lossy().into_owned());
        by_repo.entry(repo.unwrap_or_default()).or_default().push(f);
    }
    let size = |k: usize| by_repo.values().map(|v| v.len().div_ceil(k)).sum::<usize>();
    let largest = by_repo.values().map(Vec::len).max().unwrap_or(1);
    let k = (1..=largest).find(|&k| size(k) <= n).unwrap_or(largest.max(1));
    let mut picked: Vec<PathBuf> = by_repo.values().flat_map(|v| v.iter().step_by(k).map(|p| (*p).clone())).collect();
    picked.sort();
    picked
}

/// Splits modules into crates of about [`CHUNK_LINES`] generated lines each, in order.
fn chunks(sizes: &[(String, usize)]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    let mut lines = 0;
    for (module, n) in sizes {
        if lines > 0 && lines + n > CHUNK_LINES {
            out.push(Vec::new());
            lines = 0;
        }
        lines += n;
        if let Some(chunk) = out.last_mut() {
            chunk.push(module.clone());
        }
    }
    out
}

/// Generated lines per scratch crate: about a gigabyte of rustc memory.
const CHUNK_LINES: usize = 60_000;

/// The scratch workspace: `chunk-NN` crates whose `lib.rs` includes their modules from `modules/`.
fn write_workspace(dir: &Path, chunks: &[Vec<String>], features: &std::collections::BTreeSet<&'static str>) -> Result<(), String> {
    let write = |path: PathBuf, text: &str| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
            return Ok(());
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let runtime = super::root().join("naftiko-runtime");
    let names: Vec<String> = (0..chunks.len()).map(|i| format!("chunk-{i:02}")).collect();
    let members: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    write(
        dir.join("Cargo.toml"),
        &format!(
            "# Not a member of the repository's workspace: `cargo xtask corpus` type-checks generated code here.\n\
             [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[workspace.dependencies]\n\
             naftiko-runtime = {{ path = {}, default-features = false, features = [\"server\"{}] }}\n",
            members.join(", "),
            serde_json::Value::from(runtime.display().to_string()),
            features.iter().map(|f| format!(", {f:?}")).collect::<String>()
        ),
    )?;
    for (name, modules) in names.iter().zip(chunks) {
        write(
            dir.join(name).join("Cargo.toml"),
            &format!(
                "[package]\nname = \"naftiko-corpus-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\nnaftiko-runtime.workspace = true\n"
            ),
        )?;
        let mut lib = String::from("//! Generated corpus modules, type-checked by `cargo xtask corpus`.\n\n");
        for m in modules {
            let _ = writeln!(lib, "#[path = \"../../modules/{m}.rs\"]\npub mod {m};");
        }
        write(dir.join(name).join("src/lib.rs"), &lib)?;
    }
    // The workspace's lock: the same dependency versions as the generated crates, and no network.
    if !dir.join("Cargo.lock").exists()
        && let Ok(lock) = std::fs::read_to_string(super::root().join("Cargo.lock"))
    {
        write(dir.join("Cargo.lock"), &lock)?;
    }
    Ok(())
}

struct Message {
    level: String,
    /// The spec module (`s042_x`) the primary span is in, when it is one.
    module: Option<String>,
    rendered: String,
}

struct Checked {
    success: bool,
    messages: Vec<Message>,
    stderr: String,
}

fn cargo_check(crate_dir: &Path, target: &Path, progress: bool, phase: &'static str) -> Result<Checked, String> {
    let mut child = super::cargo()
        .args(["check", "--workspace", "--quiet", "--message-format=json", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Every run writes new modules: incremental state would only fill the disk (gigabytes).
        .env("CARGO_INCREMENTAL", "0")
        // Flags of an enclosing build (cargo test, xtask) would rebuild every dependency here.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let spinner = if progress { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
    spinner.set_style(ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    spinner.set_prefix(phase);
    spinner.enable_steady_tick(Duration::from_millis(200));
    let stderr = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(s) = stderr {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        text
    });
    let mut messages = Vec::new();
    let (mut artifacts, mut errors) = (0usize, 0usize);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            match json["reason"].as_str() {
                Some("compiler-artifact") => {
                    artifacts += 1;
                    spinner.set_message(format!("{artifacts} crates checked, {}", json["target"]["name"].as_str().unwrap_or_default()));
                }
                Some("compiler-message") => {
                    let m = &json["message"];
                    let level = m["level"].as_str().unwrap_or_default().to_owned();
                    if level == "error" {
                        errors += 1;
                        spinner.set_message(format!("{errors} errors so far"));
                    }
                    let module = m["spans"]
                        .as_array()
                        .and_then(|spans| spans.iter().find(|s| s["is_primary"].as_bool() == Some(true)))
                        .and_then(|s| s["file_name"].as_str())
                        .filter(|f| f.contains("modules/"))
                        .and_then(|f| Path::new(f).file_stem()?.to_str())
                        .map(str::to_owned);
                    let rendered = first_lines(m["rendered"].as_str().unwrap_or_default(), 12);
                    // "aborting due to …" and per-crate summaries carry no span.
                    let summary = m["spans"].as_array().is_some_and(Vec::is_empty) && module.is_none();
                    if !summary {
                        messages.push(Message { level, module, rendered });
                    }
                }
                _ => {}
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo check: {e}"))?;
    spinner.finish_and_clear();
    let stderr = stderr_reader.join().unwrap_or_default();
    Ok(Checked { success: status.success(), messages, stderr })
}

fn bar(progress: bool, len: u64, phase: &'static str) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>22} [{bar:40}] {pos}/{len} {wide_msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(phase);
    bar
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "-".to_owned() } else { format!("{:.1}%", part as f64 * 100.0 / whole as f64) }
}

/// The report as text: counts, times per phase, rejections by code, and every file that did not compile.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let specs = r.specs();
    let fragments = r.files.len() - specs;
    let scope = if r.files.len() == r.total_files { "all".to_owned() } else { format!("a stratified sample of {} of {}", r.files.len(), r.total_files) };
    let _ = writeln!(out, "corpus: {} files ({scope})\n", r.files.len());
    let rows: Vec<(String, String, String)> = vec![
        ("specs".into(), specs.to_string(), String::new()),
        ("  compiled and type-checked".into(), r.compiled().to_string(), percent(r.compiled(), specs)),
        ("  rejected with error diagnostics".into(), r.rejected().to_string(), percent(r.rejected(), specs)),
        ("  panicked".into(), r.panicked().to_string(), String::new()),
        ("  emitted code unparsable or unlike prettyplease".into(), r.emit_failed().to_string(), String::new()),
        ("  type-check failures".into(), r.type_failures().to_string(), String::new()),
        ("  generated with rustc warnings".into(), r.warned().to_string(), String::new()),
        ("consumes-only fragments (compiled by their importers)".into(), fragments.to_string(), String::new()),
        ("error diagnostics without file:line:col".into(), r.unlocated().to_string(), String::new()),
        ("generated lines type-checked".into(), r.generated_lines.to_string(), String::new()),
    ];
    for (label, n, p) in rows {
        let _ = writeln!(out, "{label:<56}{n:>7}  {p}");
    }
    let _ = writeln!(out, "\ntime per phase");
    for (label, d) in [
        ("load + check + lower", r.load_time),
        ("emit + format", r.emit_time),
        ("dependencies (cargo check)", r.deps_time),
        ("type-check (cargo check)", r.check_time),
    ] {
        let _ = writeln!(out, "  {label:<54}{:>7}", secs(d));
    }
    let mut by_code: BTreeMap<Code, usize> = BTreeMap::new();
    for f in &r.files {
        if let Outcome::Rejected { codes, .. } = &f.outcome {
            for c in codes {
                *by_code.entry(*c).or_default() += 1;
            }
        }
    }
    if !by_code.is_empty() {
        let _ = writeln!(out, "\nrejected files by error code (a file may have several)");
        for (code, n) in by_code {
            let _ = writeln!(out, "  {} {n:>5}  {}", code.as_str(), code.explain());
        }
    }
    let mut problems = String::new();
    for f in &r.files {
        match &f.outcome {
            Outcome::Rejected { first, .. } => {
                let _ = writeln!(problems, "rejected   {}\n           {first}", f.path);
            }
            Outcome::Panicked { message } => {
                let _ = writeln!(problems, "PANICKED   {}\n           {message}", f.path);
            }
            Outcome::EmitFailed { message } => {
                let _ = writeln!(problems, "EMIT BUG   {}\n           {message}", f.path);
            }
            Outcome::Generated { module } if !f.type_errors.is_empty() || !f.type_warnings.is_empty() => {
                let _ = writeln!(
                    problems,
                    "TYPECHECK  {} (module {module}): {} errors, {} warnings\n{}",
                    f.path,
                    f.type_errors.len(),
                    f.type_warnings.len(),
                    indent(f.type_errors.first().or(f.type_warnings.first()).map_or("", String::as_str))
                );
            }
            _ => {}
        }
    }
    for m in &r.other_messages {
        let _ = writeln!(problems, "OTHER      {}", indent(m).trim_start());
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "\n{problems}");
    }
    let _ = writeln!(out, "\ngenerated modules: {}", r.workspace.join("modules").display());
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("           {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of the dev corpus that `cargo test` type-checks: a stratified sample (about one file per
    /// source repository, more of the large ones), small enough for CI on two cores.
    const CI_SAMPLE: usize = 40;

    /// What CI proves on every run: the construct fixtures and a sample of the real world generate code
    /// that type-checks without warnings, and nothing panics. The full corpus is `cargo xtask corpus`.
    #[test]
    fn constructs_and_a_corpus_sample_type_check() {
        let constructs = run(&Options { dir: super::super::root().join("naftiko-codegen/tests/fixtures/constructs"), sample: None, progress: false })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(constructs.passed() && constructs.compiled() == constructs.specs(), "{}", table(&constructs));
        let sample = run(&Options { dir: default_dir(), sample: Some(CI_SAMPLE), progress: false }).unwrap_or_else(|e| panic!("{e}"));
        assert!(sample.passed(), "{}", table(&sample));
        assert!(sample.compiled() * 100 >= sample.specs() * 90, "{}", table(&sample));
    }

    #[test]
    fn sample_takes_every_kth_file_of_each_repository() {
        let dir = Path::new("/c");
        let files: Vec<PathBuf> = ["a/1", "a/2", "a/3", "a/4", "a/5", "a/6", "b/1", "c/1", "c/2"].iter().map(|f| dir.join(f)).collect();
        let picked = sample(dir, &files, 5);
        let names: Vec<String> = picked.iter().map(|p| p.strip_prefix(dir).unwrap().display().to_string()).collect();
        assert_eq!(names, ["a/1", "a/3", "a/5", "b/1", "c/1"]);
        assert_eq!(sample(dir, &files, 100).len(), files.len());
        assert_eq!(sample(dir, &files, 1).len(), 3, "at least one file per repository");
    }

    #[test]
    fn module_names_are_identifiers() {
        assert_eq!(module_name(7, "x/NIST Cybersecurity Framework (CSF) 2.0 — Sandbox.yml"), "s007_nist_cybersecurity_framework__csf__2_0");
        assert_eq!(module_name(12, "a/b/instance-snapshots.yaml"), "s012_instance_snapshots");
    }
}
