//! `cargo xtask bench --only build`: what a generated crate costs its users to build. Dependencies are
//! built first (a warm-up build); then the crate is touched and rebuilt with `CARGO_INCREMENTAL=0`, dev
//! profile, client-only and with every surface. Baseline: the same `cargo build` with nothing to do
//! (cargo's own fixed cost, measured in the same run). Also the client-only dependency tree.

use std::collections::BTreeSet;
use std::process::{ExitCode, Stdio};

use super::cargo;
use std::time::{Duration, Instant, SystemTime};

const SEEDS: [&str; 2] = ["instance-snapshots", "instance-images"];

pub fn build_cost(runs: usize) -> ExitCode {
    println!("build cost: generated crates, dev profile, CARGO_INCREMENTAL=0, dependencies already built, best of {runs}");
    let configurations: [(&str, &[&str]); 2] =
        [("client only (lib)", &["--no-default-features", "--features", "client", "--lib"]), ("all surfaces (lib + binary)", &[])];
    for seed in SEEDS {
        println!("  {seed}");
        for (what, features) in configurations {
            match measure(seed, features, runs) {
                Ok((build, noop)) => println!(
                    "    {what:<28} {:>7.2} s   (nothing to do: {:.2} s; the crate itself: {:.2} s)",
                    build.as_secs_f64(),
                    noop.as_secs_f64(),
                    build.saturating_sub(noop).as_secs_f64()
                ),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    match client_tree(SEEDS[0]) {
        Ok(crates) => println!("  client-only dependency tree of {}: {} crates (itself, TLS and proc macros included)", SEEDS[0], crates.len()),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// (best rebuild after touching the crate, best build with nothing to do).
fn measure(seed: &str, features: &[&str], runs: usize) -> Result<(Duration, Duration), String> {
    let lib = super::root().join("generated").join(seed).join("src/lib.rs");
    let build = || -> Result<Duration, String> {
        let started = Instant::now();
        let status = cargo()
            .args(["build", "--quiet", "--package", seed])
            .args(features)
            .env("CARGO_INCREMENTAL", "0")
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo build -p {seed} {} failed", features.join(" ")));
        }
        Ok(started.elapsed())
    };
    build()?; // dependencies
    let (mut rebuild, mut noop) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs.max(1) {
        std::fs::File::options()
            .append(true)
            .open(&lib)
            .and_then(|f| f.set_modified(SystemTime::now()))
            .map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
        rebuild = rebuild.min(build()?);
        noop = noop.min(build()?);
    }
    Ok((rebuild, noop))
}

/// Distinct packages (name and version) of the client-only normal-dependency tree.
fn client_tree(seed: &str) -> Result<BTreeSet<String>, String> {
    let out = cargo()
        .args(["tree", "--quiet", "--package", seed, "--no-default-features", "--features", "client", "--edges", "normal", "--prefix", "none"])
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect())
}
