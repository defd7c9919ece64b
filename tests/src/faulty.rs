//! A deliberately misbehaving upstream on loopback: each request is answered as a test's script says
//! (a reply, a hang, a connection reset mid-body), and every request is counted.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the upstream does with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status, extra headers and body.
    Reply { status: u16, headers: Vec<(String, String)>, body: String },
    /// Answer after a delay.
    Slow { delay: Duration, body: String },
    /// Read the request and never answer.
    Hang,
    /// Promise a long body, send a little, then close the connection.
    ResetMidBody,
}

impl Fault {
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::Reply { status, headers: vec![("content-type".into(), "application/json".into())], body: body.into() }
    }
}

type Script = dyn Fn(usize, &str, &str) -> Fault + Send + Sync;

/// A running faulty upstream; `script(n, method, path)` decides the n-th request's fate (n from 0).
pub struct FaultyUpstream {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl FaultyUpstream {
    pub async fn start(script: impl Fn(usize, &str, &str) -> Fault + Send + Sync + 'static) -> FaultyUpstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind faulty upstream");
        let addr = listener.local_addr().expect("address");
        let hits = Arc::new(AtomicUsize::new(0));
        let script: Arc<Script> = Arc::new(script);
        let counter = Arc::clone(&hits);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let script = Arc::clone(&script);
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head).into_owned();
                    let mut line = text.lines().next().unwrap_or_default().split(' ');
                    let (method, path) = (line.next().unwrap_or_default().to_owned(), line.next().unwrap_or_default().to_owned());
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let reply = |status: u16, headers: &[(String, String)], body: &str| {
                        let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(body);
                        out
                    };
                    match script(n, &method, &path) {
                        Fault::Reply { status, headers, body } => {
                            let _ = socket.write_all(reply(status, &headers, &body).as_bytes()).await;
                        }
                        Fault::Slow { delay, body } => {
                            tokio::time::sleep(delay).await;
                            let _ = socket.write_all(reply(200, &[("content-type".into(), "application/json".into())], &body).as_bytes()).await;
                        }
                        Fault::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
                        Fault::ResetMidBody => {
                            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"snapsh").await;
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        FaultyUpstream { addr, hits }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
