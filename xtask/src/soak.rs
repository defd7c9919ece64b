//! `cargo xtask bench --only soak`: the generated `instance-snapshots` binary (release) in front of the
//! Scaleway emulator, under a closed-loop load through REST and MCP at once, for a bounded time. Passes
//! when no request failed and the binary's resident memory after warm-up stayed flat.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use naftiko_tests::emulator::Emulator;

use super::load;

/// Loopback ports of the binary under soak (apart from the server benchmark's).
const REST_PORT: u16 = 18480;
const MCP_PORT: u16 = 19490;
/// Resident memory measured after this much load is the reference the rest is compared with.
const WARM_UP: Duration = Duration::from_secs(5);
/// Growth beyond the warm-up figure that still counts as flat: allocator slack, not a leak.
const FLAT_KIB: u64 = 4 * 1024;

pub fn soak(seconds: u64, connections: usize) -> ExitCode {
    let binary = match load::release_binary() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The emulator runs on its own runtime thread for the whole soak.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let stop_emulator = Arc::new(tokio::sync::Notify::new());
    let stop = Arc::clone(&stop_emulator);
    let emulator_thread = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() else { return };
        runtime.block_on(async move {
            let emulator = Emulator::builder().start().await;
            for _ in 0..3 {
                emulator.seed_snapshot("fr-par-1");
            }
            let _ = ready_tx.send((emulator.base_url(), emulator.token().to_owned()));
            // The request log grows with every request; the soak is about the binary, so keep it short.
            loop {
                tokio::select! {
                    () = stop.notified() => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => emulator.clear_requests(),
                }
            }
            emulator.shutdown().await;
        });
    });
    let Ok((upstream, token)) = ready_rx.recv() else {
        eprintln!("error: the emulator did not start");
        return ExitCode::FAILURE;
    };
    let served = match load::serve_against(&binary, &upstream, &token, REST_PORT, MCP_PORT, &[]) {
        Ok((served, _)) => served,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pid = served.child.id();
    println!("soak: instance-snapshots (release) → Scaleway emulator, {connections} connections (half REST, half MCP tools/call), {seconds} s, loopback");

    // Resident memory once a second, for the whole run.
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = Arc::clone(&sampling);
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut samples = Vec::new();
            while sampling.load(Ordering::Relaxed) {
                if let Some(rss) = load::rss_kib(pid) {
                    samples.push((started.elapsed(), rss));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
            samples
        })
    };
    let duration = Duration::from_secs(seconds);
    let half = (connections / 2).max(1);
    let rest_target = load::Target { url: format!("{}/v1/instance/v1/zones/fr-par-1/snapshots", served.rest), body: None };
    let rest = std::thread::spawn(move || load::run(&rest_target, half, duration));
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list-snapshots","arguments":{"zone":"fr-par-1"}}}"#;
    let mcp = load::run(&load::Target { url: served.mcp.clone(), body: Some(call.to_owned()) }, half, duration);
    let rest = rest.join().unwrap_or(load::Load { requests: 0, errors: 1, elapsed: duration, latencies: Vec::new() });
    let alive = load::rss_kib(pid).is_some();
    sampling.store(false, Ordering::Relaxed);
    let samples = sampler.join().unwrap_or_default();
    drop(served);
    stop_emulator.notify_one();
    let _ = emulator_thread.join();

    let line = |what: &str, l: &load::Load| {
        println!(
            "  {what:<16} {:>9} requests  {:>8.0} req/s   p50 {:>7.1} µs  p99 {:>7.1} µs   errors {}",
            l.requests,
            l.per_second(),
            l.percentile(0.50).as_secs_f64() * 1e6,
            l.percentile(0.99).as_secs_f64() * 1e6,
            l.errors,
        );
    };
    line("REST", &rest);
    line("MCP tools/call", &mcp);
    let warm = samples.iter().find(|(at, _)| *at >= WARM_UP).map(|(_, rss)| *rss);
    let last = samples.last().map(|(_, rss)| *rss);
    let peak = samples.iter().map(|(_, rss)| *rss).max();
    let mib = |kib: Option<u64>| kib.map_or_else(|| "?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!("  resident memory  after {} s {}, at the end {}, peak {} ({} samples)", WARM_UP.as_secs(), mib(warm), mib(last), mib(peak), samples.len());

    let mut failed = Vec::new();
    if rest.errors + mcp.errors > 0 {
        failed.push(format!("{} requests failed", rest.errors + mcp.errors));
    }
    if rest.requests == 0 || mcp.requests == 0 {
        failed.push("a surface served nothing".to_owned());
    }
    if !alive {
        failed.push("the binary exited during the soak".to_owned());
    }
    match (warm, peak) {
        (Some(warm), Some(peak)) if peak > warm + FLAT_KIB => {
            failed.push(format!("resident memory grew by {:.1} MiB after warm-up", (peak - warm) as f64 / 1024.0));
        }
        (Some(_), Some(_)) => {}
        _ => failed.push("resident memory could not be sampled (run the soak for more than the warm-up)".to_owned()),
    }
    if failed.is_empty() {
        println!("  ok: 0 errors, resident memory flat after warm-up (within {} MiB)", FLAT_KIB / 1024);
        ExitCode::SUCCESS
    } else {
        eprintln!("  soak failed: {}", failed.join("; "));
        ExitCode::FAILURE
    }
}
