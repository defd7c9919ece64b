//! A generated binary as a real child process: started on loopback port 0, its addresses read from
//! its JSON `listening` log lines, killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `<binary> serve`.
pub struct ServerProcess {
    child: Child,
    pub rest: Option<SocketAddr>,
    pub mcp: Option<SocketAddr>,
    /// Every stderr line so far (tests assert that secrets never appear in logs).
    logs: Arc<Mutex<Vec<String>>>,
    /// Every listener reported so far: namespace and address.
    listening: Arc<Mutex<Vec<(String, SocketAddr)>>>,
}

impl ServerProcess {
    /// Starts `binary serve --log-format json --rest-addr 127.0.0.1:0 --mcp-addr 127.0.0.1:0 <extra>`
    /// with `env`, and waits (at most 20 s) until each enabled listener reports its address.
    pub fn start(binary: &str, extra: &[&str], env: &[(&str, &str)]) -> Result<ServerProcess, String> {
        Self::spawn(Command::new(binary), binary, extra, env)
    }

    /// Like [`ServerProcess::start`], in working directory `dir` (where a spec's relative
    /// `file:///./…` secrets files are found).
    pub fn start_in(dir: &Path, binary: &str, extra: &[&str], env: &[(&str, &str)]) -> Result<ServerProcess, String> {
        let mut command = Command::new(binary);
        command.current_dir(dir);
        Self::spawn(command, binary, extra, env)
    }

    /// Like [`ServerProcess::start`], with the process limited to `files` open files (soft and hard
    /// limit, set by the shell that then runs the binary in its place).
    pub fn start_with_file_limit(binary: &str, files: u32, extra: &[&str], env: &[(&str, &str)]) -> Result<ServerProcess, String> {
        let mut command = Command::new("sh");
        command.args(["-c", &format!("ulimit -n {files} && exec \"$0\" \"$@\""), binary]);
        Self::spawn(command, binary, extra, env)
    }

    fn spawn(mut command: Command, binary: &str, extra: &[&str], env: &[(&str, &str)]) -> Result<ServerProcess, String> {
        command
            .args(["serve", "--log-format", "json", "--rest-addr", "127.0.0.1:0", "--mcp-addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().map_err(|e| format!("cannot start {binary}: {e}"))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let logs = Arc::new(Mutex::new(Vec::new()));
        let listening = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        spawn_reader(stderr, Arc::clone(&logs), Arc::clone(&listening), tx);
        let expected = usize::from(!extra.contains(&"--no-rest")) + usize::from(!extra.contains(&"--no-mcp"));
        let mut server = ServerProcess { child, rest: None, mcp: None, logs, listening };
        let deadline = Instant::now() + Duration::from_secs(20);
        while usize::from(server.rest.is_some()) + usize::from(server.mcp.is_some()) < expected {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((surface, addr)) if surface == "rest" => server.rest = Some(addr),
                Ok((surface, addr)) if surface == "mcp" => server.mcp = Some(addr),
                Ok(_) => {}
                Err(_) => return Err(format!("{binary} did not start listening; logs:\n{}", server.logs().join("\n"))),
            }
        }
        Ok(server)
    }

    pub fn rest_url(&self) -> String {
        self.rest.map(|a| format!("http://{a}")).unwrap_or_default()
    }

    pub fn mcp_url(&self) -> String {
        self.mcp.map(|a| format!("http://{a}/mcp")).unwrap_or_default()
    }

    /// Where the listener of expose `namespace` listens, once it says so (at most 20 s).
    pub fn addr_of(&self, namespace: &str) -> Option<SocketAddr> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let found = self.listening.lock().ok().and_then(|l| l.iter().find(|(ns, _)| ns == namespace).map(|(_, addr)| *addr));
            if found.is_some() {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit on its own (e.g. after SIGTERM), at most `limit`.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the log reader a moment to see the last lines.
                std::thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Whether the process is still running (it must survive hostile input).
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

fn spawn_reader(
    stderr: ChildStderr,
    logs: Arc<Mutex<Vec<String>>>,
    listening: Arc<Mutex<Vec<(String, SocketAddr)>>>,
    tx: std::sync::mpsc::Sender<(String, SocketAddr)>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                let fields = &v["fields"];
                if fields["message"] == "listening"
                    && let (Some(surface), Some(addr)) = (fields["surface"].as_str(), fields["address"].as_str().and_then(|a| a.parse().ok()))
                {
                    if let (Some(namespace), Ok(mut l)) = (fields["namespace"].as_str(), listening.lock()) {
                        l.push((namespace.to_owned(), addr));
                    }
                    let _ = tx.send((surface.to_owned(), addr));
                }
            }
            if let Ok(mut l) = logs.lock() {
                l.push(line);
            }
        }
    });
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
