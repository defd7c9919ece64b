//! `cargo xtask bench`: compiler timings over a corpus, each next to a baseline measured in the same run.
//!
//! Baseline: the bare YAML event parse (saphyr-parser) of the same bytes, which any YAML-reading tool
//! must pay. Figures: best of N runs, in release mode (the task re-runs itself with `--release`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The parts of `cargo xtask bench`, each runnable alone with `--only`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    Compiler,
    Servers,
    /// What a generated crate costs its users to build; the client-only dependency tree.
    Build,
    /// XML → JSON conversion and a REST `forward` route, each against its baseline.
    Formats,
    /// 60 s through REST and MCP at once against the emulator (not part of a plain `bench`).
    Soak,
}

pub fn bench(corpus: Option<PathBuf>, runs: usize, only: Option<Part>, peer: Option<Peer>, soak_seconds: u64) -> ExitCode {
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the same task from a release build.
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        args.insert(0, "--".into());
        let status = super::cargo()
            .args(["run", "--quiet", "--release", "--package", "xtask"])
            .args(&args)
            .status();
        return match status {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    if only.is_none_or(|p| p == Part::Compiler) {
        let code = compiler(corpus, runs);
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    if only.is_none_or(|p| p == Part::Servers) {
        let code = servers(runs, peer);
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    if only.is_none_or(|p| p == Part::Formats) {
        let code = super::bench_formats::formats(runs);
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    if only.is_none_or(|p| p == Part::Build) {
        let code = super::build_cost::build_cost(runs.min(3));
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    if only == Some(Part::Soak) {
        return soak(soak_seconds);
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "demo")]
fn soak(seconds: u64) -> ExitCode {
    super::soak::soak(seconds, 64)
}

#[cfg(not(feature = "demo"))]
fn soak(_seconds: u64) -> ExitCode {
    eprintln!("error: the soak runs against the emulator: build xtask with its default `demo` feature");
    ExitCode::FAILURE
}

fn compiler(corpus: Option<PathBuf>, runs: usize) -> ExitCode {
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
    // The code alone, as the proc macro gets it (the macro then hands it to the compiler's lexer). The
    // crate files' code differs a little (OpenAPI documents as files, not string literals), so the next
    // row less this approximates formatting's cost.
    let code = best(runs, || {
        let mut emitted = 0usize;
        for (name, text) in &files {
            if let Some(cap) = naftiko_codegen::load_str(name, text).capability {
                emitted += naftiko_codegen::emit::inline_code(&cap, naftiko_codegen::emit::Surfaces::ALL).as_str().len();
            }
        }
        emitted
    });
    let one_thread = best(runs, || {
        let mut generated = 0usize;
        for (name, text) in &files {
            if let Some(cap) = naftiko_codegen::load_str(name, text).capability {
                generated += naftiko_codegen::generate(&cap, &naftiko_codegen::CrateOptions::default()).map_or(0, |c| c.files.len());
            }
        }
        generated
    });
    // The library's `generate_all`: every spec, on every core, results in input order.
    let all_threads = best(runs, || {
        naftiko_codegen::generate_all(&files, &naftiko_codegen::CrateOptions::default())
            .iter()
            .filter_map(|g| g.generated.as_ref()?.as_ref().ok())
            .map(|c| c.files.len())
            .sum()
    });
    row("bare YAML parse (baseline)", parse, parse);
    row("load + check + lower", load, parse);
    row("… + code (macro), 1 thread", code, parse);
    row("… + emit + format, 1 thread", one_thread, parse);
    row(&format!("… + emit + format, {} threads", naftiko_codegen::parallel::threads()), all_threads, parse);

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
        // What the proc macro does (before the compiler lexes the text): load, then the code of every surface.
        let expansion = best(runs * 10, || {
            naftiko_codegen::load_str(seed, &text)
                .capability
                .map_or(0, |cap| naftiko_codegen::emit::inline_code(&cap, naftiko_codegen::emit::Surfaces::ALL).as_str().len())
        });
        println!("  {seed}");
        row("  bare YAML parse (baseline)", parse, parse);
        row("  macro expansion (code)", expansion, parse);
        row("  crate files (formatted)", crate_files, parse);
    }
    ExitCode::SUCCESS
}

fn row(what: &str, (time, _): (Duration, usize), (baseline, _): (Duration, usize)) {
    println!("  {what:<32} {:>9.1} ms   {:>5.2}x baseline", time.as_secs_f64() * 1e3, time.as_secs_f64() / baseline.as_secs_f64());
}

pub(crate) fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
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

/// A server measured beside ours in `cargo xtask bench`, in the same rounds.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Peer {
    /// nginx as a `proxy_pass` in front of the same static upstream (needs `nginx` on PATH).
    Nginx,
}

/// The generated `instance-snapshots` binary (release) in front of a static upstream, against the same
/// load sent straight to that upstream; MCP `tools/call`; CPU per request; peak RSS; start-up; and,
/// with `--peer nginx`, nginx proxying to the same upstream, the REST row's reference.
///
/// The machine is shared and noisy, so the loads are interleaved: `rounds` rounds of direct, REST,
/// MCP (and the others). Each row pools its rounds; the ratio to direct is the pooled one, with the
/// range of the per-round ratios beside it.
fn servers(rounds: usize, peer: Option<Peer>) -> ExitCode {
    use super::load;
    const CONNECTIONS: usize = 16;
    const SECONDS: u64 = 3;
    let rounds = rounds.max(1);
    let binary = match load::release_binary() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The same spec with a control expose: the cost of metrics and traces on the REST and MCP rows.
    let control_binary = match load::release_binary_with_control() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let upstream = match load::static_upstream() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: static upstream: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("servers: instance-snapshots (release) → static upstream, {CONNECTIONS} connections, {rounds} interleaved rounds of {SECONDS} s each, loopback");

    let mut startups = Vec::new();
    for i in 0..5u16 {
        match load::serve(&binary, upstream, 18180 + i, 19190 + i, &[]) {
            Ok((_served, took)) => startups.push(took),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    startups.sort_unstable();

    // The binary as users run it, and the same binary with its request checks off (`--no-checks`:
    // Host/Origin, timeouts, connection and body-memory caps), to measure what the checks cost.
    let (served, _) = match load::serve(&binary, upstream, 18280, 19290, &[]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (unchecked, _) = match load::serve(&binary, upstream, 18281, 19291, &["--no-checks"]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (observed, _) = match load::serve(&control_binary, upstream, 18282, 19292, &["--listen", "control=127.0.0.1:18480"]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let nginx = match peer {
        None => None,
        Some(Peer::Nginx) => match super::nginx::find() {
            None => {
                println!("  nginx peer: skipped (no `nginx` on PATH; `apt-get install nginx` puts it there)");
                None
            }
            Some(path) => match super::nginx::Nginx::start(&path, upstream, 18380) {
                Ok(n) => Some(n),
                Err(e) => {
                    eprintln!("error: nginx peer: {e}");
                    return ExitCode::FAILURE;
                }
            },
        },
    };
    let pids = [None, Some(served.child.id()), Some(served.child.id()), Some(unchecked.child.id()), Some(unchecked.child.id())];
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list-snapshots","arguments":{"zone":"fr-par-1"}}}"#;
    let list = "/v1/instance/v1/zones/fr-par-1/snapshots";
    let direct_path = "/instance/v1/zones/fr-par-1/snapshots";
    let mut targets = vec![
        load::Target { url: format!("http://{upstream}{direct_path}"), body: None },
        load::Target { url: format!("{}{list}", served.rest), body: None },
        load::Target { url: served.mcp.clone(), body: Some(call.to_owned()) },
        load::Target { url: format!("{}{list}", unchecked.rest), body: None },
        load::Target { url: unchecked.mcp.clone(), body: Some(call.to_owned()) },
    ];
    if let Some(n) = &nginx {
        targets.push(load::Target { url: format!("{}{direct_path}", n.url), body: None });
    }
    // REST and MCP of the binary with a control port, after the others (nginx keeps index 5).
    let observed_at = targets.len();
    targets.push(load::Target { url: format!("{}{list}", observed.rest), body: None });
    targets.push(load::Target { url: observed.mcp.clone(), body: Some(call.to_owned()) });
    let cpu_of = |i: usize| match (i, &nginx) {
        (5, Some(n)) => Some(n.cpu_time()),
        _ if i >= observed_at => load::cpu_time(observed.child.id()),
        _ => pids.get(i).copied().flatten().and_then(load::cpu_time),
    };
    // direct, REST, MCP, REST and MCP unchecked, nginx: pooled loads, the server's CPU time, each
    // round's ratio to direct, each round's checked/unchecked ratio and REST/nginx ratio.
    let n = targets.len();
    let mut pooled: Vec<load::Load> = std::iter::repeat_with(load::Load::default).take(n).collect();
    let mut cpu = vec![Duration::ZERO; n];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut check_cost: [Vec<f64>; 2] = Default::default();
    let mut versus_nginx: Vec<f64> = Vec::new();
    let mut metrics_cost: [Vec<f64>; 2] = Default::default();
    for round in 0..rounds {
        let mut rates = vec![0.0; n];
        // Checked and unchecked servers take turns going first, so neither gains from its place; the
        // peer goes right before or right after the REST adapter.
        let mut order = if round % 2 == 0 { vec![0, 1, 2, 3, 4] } else { vec![0, 3, 4, 1, 2] };
        if observed_at > 5 {
            let at = order.iter().position(|&i| i == 1).unwrap_or(1) + usize::from(round % 2 == 0);
            order.insert(at, 5);
        }
        // With and without the control port side by side, taking turns going first.
        for (plain, with) in [(1, observed_at), (2, observed_at + 1)] {
            let at = order.iter().position(|&i| i == plain).unwrap_or(0) + usize::from(round % 2 == 0);
            order.insert(at, with);
        }
        for i in order {
            let target = &targets[i];
            let before = cpu_of(i).unwrap_or_default();
            let l = load::run(target, CONNECTIONS, Duration::from_secs(SECONDS));
            cpu[i] += cpu_of(i).unwrap_or_default().saturating_sub(before);
            rates[i] = l.per_second();
            ratios[i].push(l.per_second() / rates[0]);
            pooled[i].add(l);
        }
        check_cost[0].push(rates[1] / rates[3]);
        check_cost[1].push(rates[2] / rates[4]);
        if observed_at > 5 {
            versus_nginx.push(rates[1] / rates[5]);
        }
        metrics_cost[0].push(rates[observed_at] / rates[1]);
        metrics_cost[1].push(rates[observed_at + 1] / rates[2]);
    }
    let rss = load::peak_rss_kib(served.child.id()).unwrap_or_default();
    let range = |r: &[f64]| {
        if r.is_empty() {
            return " ".repeat(20);
        }
        let (min, max) = r.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        format!(" (rounds {min:.2}–{max:.2})")
    };
    let per_request = |cpu: Duration, l: &load::Load| cpu.as_secs_f64() * 1e6 / l.requests.max(1) as f64;
    let direct = &pooled[0];
    let line = |what: &str, l: &load::Load, cpu: Option<Duration>, ratios: &[f64]| {
        let cpu = cpu.map_or_else(String::new, |c| format!("   {:>6.1} µs CPU/req", per_request(c, l)));
        println!(
            "  {what:<28} {:>9.0} req/s  {:>5.2}x direct{}   p50 {:>7.1} µs  p99 {:>7.1} µs   errors {}{cpu}",
            l.per_second(),
            l.per_second() / direct.per_second(),
            range(ratios),
            l.percentile(0.50).as_secs_f64() * 1e6,
            l.percentile(0.99).as_secs_f64() * 1e6,
            l.errors,
        );
    };
    line("direct to upstream (baseline)", direct, None, &[]);
    if nginx.is_some() {
        line("nginx proxy_pass (peer)", &pooled[5], Some(cpu[5]), &ratios[5]);
    }
    line("REST adapter", &pooled[1], Some(cpu[1]), &ratios[1]);
    line("MCP tools/call", &pooled[2], Some(cpu[2]), &ratios[2]);
    line("REST adapter + control port", &pooled[observed_at], Some(cpu[observed_at]), &ratios[observed_at]);
    line("MCP tools/call + control port", &pooled[observed_at + 1], Some(cpu[observed_at + 1]), &ratios[observed_at + 1]);
    line("REST adapter, --no-checks", &pooled[3], Some(cpu[3]), &ratios[3]);
    line("MCP tools/call, --no-checks", &pooled[4], Some(cpu[4]), &ratios[4]);
    if let Some(n) = &nginx {
        let (rest, peer) = (&pooled[1], &pooled[5]);
        println!(
            "  REST vs nginx: {:.2}x its throughput{}, {:.2}x its CPU per request; nginx peak RSS {:.1} MiB (master and workers)",
            rest.per_second() / peer.per_second(),
            range(&versus_nginx),
            per_request(cpu[1], rest) / per_request(cpu[5], peer),
            n.peak_rss_kib() as f64 / 1024.0,
        );
    }
    let mcp_per_rest: Vec<f64> = ratios[2].iter().zip(&ratios[1]).map(|(m, r)| m / r).collect();
    println!("  MCP vs REST: {:.2}x its throughput{}", pooled[2].per_second() / pooled[1].per_second(), range(&mcp_per_rest));
    println!(
        "  request checks: REST {:.3}x{}, MCP {:.3}x{} the throughput without them",
        pooled[1].per_second() / pooled[3].per_second(),
        range(&check_cost[0]),
        pooled[2].per_second() / pooled[4].per_second(),
        range(&check_cost[1]),
    );
    // The server's own CPU per request, with against without: the cost itself, which the load generator
    // and the upstream, sharing the machine, dilute in the throughput.
    let cpu_cost = |with: usize, without: usize| (per_request(cpu[with], &pooled[with]) / per_request(cpu[without], &pooled[without]) - 1.0) * 100.0;
    println!(
        "  metrics and traces (control port): REST {:.3}x{}, MCP {:.3}x{} the throughput without them; CPU per request REST {:+.1}%, MCP {:+.1}%",
        pooled[observed_at].per_second() / pooled[1].per_second(),
        range(&metrics_cost[0]),
        pooled[observed_at + 1].per_second() / pooled[2].per_second(),
        range(&metrics_cost[1]),
        cpu_cost(observed_at, 1),
        cpu_cost(observed_at + 1, 2),
    );
    println!("  peak RSS of the binary        {:>9.1} MiB", rss as f64 / 1024.0);
    println!("  start-up to first /healthz    {:>9.1} ms (median of 5; min {:.1}, max {:.1})", startups[2].as_secs_f64() * 1e3, startups[0].as_secs_f64() * 1e3, startups[4].as_secs_f64() * 1e3);
    ExitCode::SUCCESS
}
