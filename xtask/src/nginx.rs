//! nginx as the benchmark's peer: a `proxy_pass` to the same static upstream the generated server
//! calls, with a keep-alive pool to it, as one would put nginx in front of an API. It runs from a
//! scratch directory of its own (configuration, pid file, temp paths), never the system's.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running nginx; stopped when dropped.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

/// `nginx` when it is on PATH, else `None` (the caller says the row was skipped).
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")]).map(|d| d.join("nginx")).find(|p| p.is_file())
}

impl Nginx {
    /// Starts `binary` on `port` in front of `upstream`, with as many workers as cores, and waits until
    /// it answers.
    pub fn start(binary: &std::path::Path, upstream: SocketAddr, port: u16) -> Result<Nginx, String> {
        let dir = std::env::temp_dir().join(format!("naftiko-bench-nginx-{}-{port}", std::process::id()));
        std::fs::create_dir_all(dir.join("logs")).map_err(|e| format!("{}: {e}", dir.display()))?;
        let d = dir.display();
        // Workers as root keep the scratch directory readable without a `nobody` account's rights.
        let user = if rustix::process::geteuid().is_root() { "user root;" } else { "" };
        let config = format!(
            "{user}
worker_processes auto;
daemon off;
master_process on;
pid {d}/nginx.pid;
error_log stderr error;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    keepalive_requests 1000000;
    upstream api {{
        server {upstream};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_buffering on;
        }}
    }}
}}
"
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config).map_err(|e| format!("{}: {e}", conf.display()))?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg("stderr")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut nginx = Nginx { child, dir, url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                return Err(format!("nginx exited at start-up ({status})"));
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(nginx);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        nginx.stop();
        Err("nginx did not listen within 10 s".to_owned())
    }

    /// The master and its workers.
    fn pids(&self) -> Vec<u32> {
        let master = self.child.id();
        let mut pids = vec![master];
        let Ok(entries) = std::fs::read_dir("/proc") else { return pids };
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let parent = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
            if parent == Some(master) {
                pids.push(pid);
            }
        }
        pids
    }

    /// CPU time of the master and its workers.
    pub fn cpu_time(&self) -> Duration {
        self.pids().into_iter().filter_map(super::load::cpu_time).sum()
    }

    /// Peak resident set size of the master and its workers together, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.pids().into_iter().filter_map(super::load::peak_rss_kib).sum()
    }

    /// SIGTERM to the master (a fast shutdown that takes its workers along; SIGKILL would orphan
    /// them), then SIGKILL if it is still there after 5 s.
    fn stop(&mut self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop();
    }
}
