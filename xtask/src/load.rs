//! Server benchmarks for `cargo xtask bench`: a minimal static upstream, a closed-loop load generator,
//! and /proc probes for CPU time and peak RSS of the generated binary. Every adapter figure is printed
//! next to the same load sent straight to the static upstream in the same run.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The fixed reply of the static upstream: a list of two snapshots, as Scaleway shapes it.
const BODY: &str = r#"{"snapshots":[{"id":"11111111-1111-4111-8111-111111111111","name":"a","size":20000000000,"state":"available","zone":"fr-par-1"},{"id":"22222222-2222-4222-8222-222222222222","name":"b","size":20000000000,"state":"available","zone":"fr-par-1"}]}"#;

/// Serves `BODY` to every request on a loopback port, on its own runtime thread.
pub fn static_upstream() -> Result<SocketAddr, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            let app = axum::Router::new().fallback(|| async {
                ([(axum::http::header::CONTENT_TYPE, "application/json"), (axum::http::HeaderName::from_static("x-total-count"), "2")], BODY)
            });
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(addr)
}

/// What a load run measured.
#[derive(Default)]
pub struct Load {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// Adds `other`'s requests, errors, time and latencies (runs pooled into one).
    pub fn add(&mut self, other: Load) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
    }
}

/// A request the load generator repeats.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    /// `None`: GET; `Some(body)`: POST this JSON.
    pub body: Option<String>,
}

/// `connections` closed-loop clients (one keep-alive connection each) for `duration`.
pub fn run(target: &Target, connections: usize, duration: Duration) -> Load {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(r) => r,
        Err(_) => return Load { requests: 0, errors: 1, elapsed: duration, latencies: Vec::new() },
    };
    runtime.block_on(async {
        naftiko_runtime::install_crypto_provider();
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let target = target.clone();
            let stop = Arc::clone(&stop);
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().ok();
                let (mut ok, mut errors, mut latencies) = (0u64, 0u64, Vec::new());
                let Some(client) = client else { return (0, 1, latencies) };
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let request = match &target.body {
                        None => client.get(&target.url),
                        Some(body) => client.post(&target.url).header("content-type", "application/json").header("accept", "application/json, text/event-stream").body(body.clone()),
                    };
                    match request.send().await {
                        Ok(r) if r.status().is_success() => match r.bytes().await {
                            Ok(_) => ok += 1,
                            Err(_) => errors += 1,
                        },
                        _ => errors += 1,
                    }
                    if latencies.len() < 200_000 {
                        latencies.push(t.elapsed());
                    }
                }
                (ok, errors, latencies)
            }));
        }
        tokio::time::sleep(duration).await;
        stop.store(true, Ordering::Relaxed);
        let mut load = Load { requests: 0, errors: 0, elapsed: Duration::ZERO, latencies: Vec::new() };
        for task in tasks {
            if let Ok((ok, errors, latencies)) = task.await {
                load.requests += ok;
                load.errors += errors;
                load.latencies.extend(latencies);
            }
        }
        load.elapsed = started.elapsed();
        load
    })
}

/// The generated binary under measurement.
pub struct Served {
    pub child: Child,
    pub rest: String,
    pub mcp: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds the generated `instance-snapshots` binary in release and returns its path.
pub fn release_binary() -> Result<PathBuf, String> {
    let built = super::cargo()
        .args(["build", "--quiet", "--release", "--package", "instance-snapshots", "--bin", "instance-snapshots"])
        .status();
    if !built.is_ok_and(|s| s.success()) {
        return Err("cannot build the instance-snapshots binary".into());
    }
    Ok(super::root().join("target/release/instance-snapshots"))
}

/// The seed `instance-snapshots` with a `control` expose added (port 18480), generated into a scratch
/// crate under `target/bench-control/` and built in release beside the seed's (same target directory,
/// same lock file): what metrics and traces cost, measured against the same binary without them.
pub fn release_binary_with_control() -> Result<PathBuf, String> {
    let root = super::root();
    let spec = std::fs::read_to_string(root.join("specs/instance-snapshots.yaml")).map_err(|e| format!("specs/instance-snapshots.yaml: {e}"))?;
    let at = spec.find("\n  exposes:\n").ok_or("specs/instance-snapshots.yaml: no `  exposes:` list")? + "\n  exposes:\n".len();
    let spec = format!("{}  - type: control\n    port: 18480\n{}", &spec[..at], &spec[at..]);
    let name = "instance-snapshots-control.yaml";
    let loaded = naftiko_codegen::load_str(name, &spec);
    let cap = loaded.capability.as_ref().ok_or_else(|| loaded.render(false))?;
    let runtime = root.join("naftiko-runtime").display().to_string();
    let options = naftiko_codegen::CrateOptions { runtime: naftiko_codegen::emit::crate_files::RuntimeDependency::Path(runtime) };
    let generated = naftiko_codegen::generate(cap, &options)?;
    let dir = root.join("target/bench-control").join(&generated.name);
    for file in &generated.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).map_err(|e| format!("{}: {e}", path.display()))?;
        // Its own workspace (it lives under this one's directory but is no member of it).
        let contents = if file.path.as_os_str() == "Cargo.toml" { format!("{}\n[workspace]\n", file.contents) } else { file.contents.clone() };
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let built = super::cargo()
        .args(["build", "--quiet", "--release", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status();
    if !built.is_ok_and(|s| s.success()) {
        return Err(format!("cannot build {}", dir.display()));
    }
    Ok(root.join("target/release").join(&generated.name))
}

/// Starts `binary serve` against the static `upstream` on fixed loopback ports; returns once `/healthz`
/// answers, with the time that took (start-up to first served request).
pub fn serve(binary: &Path, upstream: SocketAddr, rest_port: u16, mcp_port: u16, extra: &[&str]) -> Result<(Served, Duration), String> {
    serve_against(binary, &format!("http://{upstream}"), "bench-key-not-a-secret", rest_port, mcp_port, extra)
}

/// Starts `binary serve --upstream <upstream> <extra>` with `SCALEWAY_API_KEY=<key>`; see [`serve`].
pub fn serve_against(binary: &Path, upstream: &str, key: &str, rest_port: u16, mcp_port: u16, extra: &[&str]) -> Result<(Served, Duration), String> {
    let started = Instant::now();
    let child = Command::new(binary)
        .args(["serve", "--upstream", upstream, "--rest-addr", &format!("127.0.0.1:{rest_port}"), "--mcp-addr", &format!("127.0.0.1:{mcp_port}")])
        .args(extra)
        .env("SCALEWAY_API_KEY", key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let served = Served { child, rest: format!("http://127.0.0.1:{rest_port}"), mcp: format!("http://127.0.0.1:{mcp_port}/mcp") };
    let health = format!("{}/healthz", served.rest);
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", rest_port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut reply = [0u8; 12];
            if stream.read_exact(&mut reply).is_ok() && reply.starts_with(b"HTTP/1.1 200") {
                return Ok((served, started.elapsed()));
            }
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    Err(format!("{health} did not answer within 10 s"))
}

/// User+system CPU time of a process so far.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ).
    Some(Duration::from_millis(ticks * 10))
}

/// Peak resident set size of a process, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

/// Current resident set size of a process, in KiB; `None` once it has exited (for the soak).
#[cfg(feature = "demo")]
pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// A `kB` field of `/proc/<pid>/status`.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
}
