//! The connections of one thread's [`Direct`](super::direct::Direct) client: hyper's own HTTP/1 and
//! HTTP/2 connections, kept idle per origin and handed out again.
//!
//! hyper-util's pool does the same behind a lock shared by every thread, hashing the origin three
//! times per request (about 5,000 instructions, a fourteenth of the REST adapter's request); this one
//! belongs to a thread, so its lock is never contended and an origin is found by comparing it with
//! the few this thread talks to.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Uri;
use http::uri::{Authority, Scheme};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::{TrySendError, http1, http2};
use hyper_util::rt::TokioExecutor;

/// How long an unused connection is kept (reqwest's default).
const IDLE_FOR: Duration = Duration::from_secs(90);

/// Connections kept per thread, all origins together; one more is closed once its reply is read.
const MAX_IDLE: usize = 1024;

/// A connection to send on.
pub(crate) enum Sender {
    /// Sends one request at a time; back to the pool once its reply is read. With the `Host` of
    /// its origin.
    Http1(http1::SendRequest<Full<Bytes>>, Option<http::HeaderValue>),
    /// Multiplexed; stays in the pool while it is used.
    Http2(http2::SendRequest<Full<Bytes>>),
}

impl Sender {
    /// Sends `request` (an absolute URI; HTTP/1 gets it in origin form with `Host`). A request the
    /// connection did not take (it was closed) is handed back, as it was given, with the error.
    pub(crate) async fn send(&mut self, mut request: http::Request<Full<Bytes>>) -> Result<http::Response<Incoming>, NotSent> {
        let failed = |mut e: TrySendError<http::Request<Full<Bytes>>>| {
            let request = e.take_message();
            NotSent { error: e.into_error(), request }
        };
        match self {
            Sender::Http1(sender, host) => {
                let uri = std::mem::take(request.uri_mut());
                if let (false, Some(host)) = (request.headers().contains_key(http::header::HOST), host) {
                    request.headers_mut().insert(http::header::HOST, host.clone());
                }
                *request.uri_mut() = uri.path_and_query().map_or_else(|| Uri::from_static("/"), |p| Uri::from(p.clone()));
                sender.try_send_request(request).await.map_err(|e| {
                    let mut failure = failed(e);
                    if let Some(request) = &mut failure.request {
                        *request.uri_mut() = uri;
                    }
                    failure
                })
            }
            Sender::Http2(sender) => sender.try_send_request(request).await.map_err(failed),
        }
    }
}

/// A request that failed: why, and the request itself when the connection never took it.
pub(crate) struct NotSent {
    pub(crate) error: hyper::Error,
    pub(crate) request: Option<http::Request<Full<Bytes>>>,
}

/// `Host` as hyper-util writes it: the host, and the port unless it is the scheme's default.
fn host_header(uri: &Uri) -> Option<http::HeaderValue> {
    let host = uri.host()?;
    let default_port = if uri.scheme() == Some(&Scheme::HTTPS) { 443 } else { 80 };
    match uri.port_u16().filter(|p| *p != default_port) {
        Some(port) => http::HeaderValue::from_str(&format!("{host}:{port}")).ok(),
        None => http::HeaderValue::from_str(host).ok(),
    }
}

struct Idle {
    scheme: Scheme,
    authority: Authority,
    sender: Sender,
    since: Instant,
}

impl Idle {
    fn serves(&self, uri: &Uri) -> bool {
        // Byte for byte first (the same base URL every time, nearly always), then as `Authority`
        // compares (hosts are case-insensitive), a byte at a time.
        uri.authority().is_some_and(|a| a.as_str() == self.authority.as_str() || *a == self.authority) && uri.scheme() == Some(&self.scheme)
    }

    fn expired(&self, now: Instant) -> bool {
        now.duration_since(self.since) >= IDLE_FOR
            || match &self.sender {
                Sender::Http1(s, _) => s.is_closed(),
                Sender::Http2(s) => s.is_closed(),
            }
    }
}

/// One thread's connections.
#[derive(Default)]
pub(crate) struct Pool {
    idle: Mutex<Vec<Idle>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}

impl Pool {
    /// A connection to `uri`'s origin that is ready to send, if one is kept.
    pub(crate) async fn checkout(&self, uri: &Uri) -> Option<Sender> {
        loop {
            let taken = {
                let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let now = Instant::now();
                idle.retain(|i| !i.expired(now));
                // The most recently used first: it is the likeliest to be still open.
                let at = idle.iter().rposition(|i| i.serves(uri))?;
                match &idle[at].sender {
                    Sender::Http2(sender) => {
                        let sender = Sender::Http2(sender.clone());
                        // Idle is counted from its last use.
                        idle[at].since = now;
                        return Some(sender);
                    }
                    Sender::Http1(..) => idle.swap_remove(at).sender,
                }
            };
            // Ready once the previous reply has been read through (at once, nearly always); an error
            // means the server closed it meanwhile: the next one is tried.
            if let Sender::Http1(mut sender, host) = taken
                && sender.ready().await.is_ok()
            {
                return Some(Sender::Http1(sender, host));
            }
        }
    }

    /// Keeps `sender` for `uri`'s origin, once its reply has been read through.
    pub(crate) fn put(&self, uri: &Uri, sender: Sender) {
        // HTTP/2 connections stay in the pool while they are used.
        if let Sender::Http1(http1, _) = &sender
            && !http1.is_closed()
        {
            self.keep(uri, sender);
        }
    }

    fn keep(&self, uri: &Uri, sender: Sender) {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else { return };
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(Idle { scheme: scheme.clone(), authority: authority.clone(), sender, since: Instant::now() });
        }
    }

    /// Opens a connection on `io` (HTTP/2 when TLS negotiated it), driven by a task of the current
    /// runtime; an HTTP/2 connection is shared from the pool at once.
    pub(crate) async fn open<T>(&self, uri: &Uri, io: T) -> Result<Sender, hyper::Error>
    where
        T: hyper::rt::Read + hyper::rt::Write + hyper_util::client::legacy::connect::Connection + Send + Unpin + 'static,
    {
        if io.connected().is_negotiated_h2() {
            let (sender, connection) = http2::Builder::new(TokioExecutor::new()).handshake(io).await?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            self.keep(uri, Sender::Http2(sender.clone()));
            Ok(Sender::Http2(sender))
        } else {
            let (sender, connection) = http1::handshake(io).await?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(Sender::Http1(sender, host_header(uri)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_the_port_unless_it_is_the_default() {
        let host = |uri: &str| host_header(&uri.parse().unwrap()).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(host("http://api.test/x").as_deref(), Some("api.test"));
        assert_eq!(host("http://api.test:80/x").as_deref(), Some("api.test"));
        assert_eq!(host("http://api.test:8080/x").as_deref(), Some("api.test:8080"));
        assert_eq!(host("https://api.test:443/x").as_deref(), Some("api.test"));
        assert_eq!(host("https://api.test:80/x").as_deref(), Some("api.test:80"));
        assert_eq!(host("http://[::1]:9/x").as_deref(), Some("[::1]:9"));
    }
}
