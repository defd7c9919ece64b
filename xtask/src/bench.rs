//! `cargo xtask bench`: compiler timings over a corpus, each next to a baseline measured in the same run.
//!
//! Baseline: the bare YAML event parse (saphyr-parser) of the same bytes, which any YAML-reading tool
//! must pay. Figures: best of N runs, in release mode (the task re-runs itself with `--release`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

pub fn bench(corpus: Option<PathBuf>, runs: usize) -> ExitCode {
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the same task from a release build.
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        args.insert(0, "--".into());
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--quiet", "--release", "--package", "xtask"])
            .args(&args)
            .status();
        return match status {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    let dir = corpus.unwrap_or_else(|| super::root().join("../shared/corpus/dev"));
    let files = match read_all(&dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("error: no specs under {}", dir.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!("corpus: {} ({} files, {:.1} MiB), best of {runs} runs, release build", dir.display(), files.len(), bytes as f64 / (1024.0 * 1024.0));

    let parse = best(runs, || {
        let mut events = 0usize;
        for (_, text) in &files {
            events += saphyr_parser::Parser::new_from_str(text).take_while(Result::is_ok).count();
        }
        events
    });
    let load = best(runs, || {
        let mut lowered = 0usize;
        for (name, text) in &files {
            lowered += usize::from(naftiko_codegen::load_str(name, text).capability.is_some());
        }
        lowered
    });
    let generate = best(runs, || {
        let mut generated = 0usize;
        for (name, text) in &files {
            if let Some(cap) = naftiko_codegen::load_str(name, text).capability {
                generated += naftiko_codegen::generate(&cap, &naftiko_codegen::CrateOptions::default()).map_or(0, |c| c.files.len());
            }
        }
        generated
    });
    row("bare YAML parse (baseline)", parse, parse);
    row("load + check + lower", load, parse);
    row("… + emit + format every file", generate, parse);

    println!("seeds: per spec, best of {} runs", runs * 10);
    for seed in ["specs/instance-snapshots.yaml", "specs/instance-images.yaml"] {
        let Ok(text) = std::fs::read_to_string(super::root().join(seed)) else { continue };
        let parse = best(runs * 10, || saphyr_parser::Parser::new_from_str(&text).count());
        let crate_files = best(runs * 10, || {
            naftiko_codegen::load_str(seed, &text)
                .capability
                .and_then(|cap| naftiko_codegen::generate(&cap, &naftiko_codegen::CrateOptions::default()).ok())
                .map_or(0, |c| c.files.len())
        });
        // What the proc macro does: load, then one token stream of every surface.
        let expansion = best(runs * 10, || {
            naftiko_codegen::load_str(seed, &text)
                .capability
                .map_or(0, |cap| naftiko_codegen::emit::inline_tokens(&cap, naftiko_codegen::emit::Surfaces::ALL).into_iter().count())
        });
        println!("  {seed}");
        row("  bare YAML parse (baseline)", parse, parse);
        row("  macro expansion (tokens)", expansion, parse);
        row("  crate files (formatted)", crate_files, parse);
    }
    ExitCode::SUCCESS
}

fn row(what: &str, (time, _): (Duration, usize), (baseline, _): (Duration, usize)) {
    println!("  {what:<32} {:>9.1} ms   {:>5.2}x baseline", time.as_secs_f64() * 1e3, time.as_secs_f64() / baseline.as_secs_f64());
}

fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut result = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        result = std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    (best, result)
}

fn read_all(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d)? {
            let path = e?.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path)?));
            }
        }
    }
    out.sort();
    Ok(out)
}
