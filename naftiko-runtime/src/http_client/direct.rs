//! The upstream client of the [`HttpClient`](super::HttpClient)s this crate builds: hyper's
//! connections over hyper-rustls, kept by a pool of the thread's own (`pool`), sent a request whose
//! URI was assembled once (see `request::Prepared`), without reqwest's per-request URL parsing, layer
//! stack and request clones.
//! It keeps reqwest's behaviour where the callers can see it: the same certificate verification
//! (`rustls-platform-verifier`), HTTP/2 when a TLS server offers it, the connect and request timeouts,
//! `User-Agent` and `Accept: */*`, and redirects followed within the same origin only (at most 10).
//!
//! A process with proxy variables in its environment (`HTTP_PROXY`, …), which reqwest honours, and a
//! URL with credentials in it, which reqwest sends as basic authentication, are served by reqwest
//! instead (see `PerThread::sender`).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, TRANSFER_ENCODING, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use tower_service::Service as _;

use super::deadline::Deadlines;
use super::pool::{NotSent, Pool, Sender};

use crate::http_client::{ClientOptions, MAX_REDIRECTS};
use crate::{Error, Response};

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Makes an attempt's headers: each attempt (a redirect is one more) sends them anew.
pub(crate) type MakeHeaders<'a> = &'a (dyn Fn() -> HeaderMap + Sync);

/// One thread's pooled client.
#[derive(Debug)]
pub(crate) struct Direct {
    https: Https,
    /// For TCP and TLS together, as reqwest's (the plain connector's own timeout covers TCP only).
    connect_timeout: Duration,
    pool: Pool,
    /// The requests in flight, each with the request timeout.
    deadlines: Arc<Deadlines>,
}

/// A reply's whole body. Most arrive in one frame, kept as it is; more are copied into one buffer.
async fn whole_body(mut incoming: Incoming) -> Result<Bytes, hyper::Error> {
    let (mut first, mut joined) = (Bytes::new(), None::<bytes::BytesMut>);
    while let Some(frame) = incoming.frame().await {
        // Trailers are not part of the body.
        let Ok(data) = frame?.into_data() else { continue };
        match &mut joined {
            Some(buffer) => buffer.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let mut buffer = bytes::BytesMut::with_capacity(first.len() + data.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&data);
                joined = Some(buffer);
            }
        }
    }
    Ok(joined.map_or(first, bytes::BytesMut::freeze))
}

impl Direct {
    /// A client with `options`' timeouts, verifying certificates as reqwest does.
    pub(crate) fn build(options: &ClientOptions) -> Result<Direct, Error> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config()?.clone())
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(http);
        Ok(Direct { https, connect_timeout: options.connect_timeout, pool: Pool::default(), deadlines: Deadlines::new(options.timeout) })
    }

    /// Sends the request (following same-origin redirects) and reads the whole reply, within the
    /// request timeout.
    pub(crate) async fn execute(&self, method: &Method, uri: &Uri, headers: MakeHeaders<'_>, body: Option<&Bytes>) -> Result<Response, Error> {
        match self.deadlines.within(self.follow(method, uri, headers, body)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout(Box::new(Sending { url: shown(uri), source: Box::new(TimedOut(self.deadlines.timeout())) }))),
        }
    }

    async fn follow(&self, method: &Method, uri: &Uri, make_headers: MakeHeaders<'_>, body: Option<&Bytes>) -> Result<Response, Error> {
        let (mut method, mut uri, mut body) = (method.clone(), uri.clone(), body.cloned());
        let (mut redirects, mut body_dropped) = (0, false);
        loop {
            let mut headers = make_headers();
            headers.entry(USER_AGENT).or_insert(HeaderValue::from_static(super::USER_AGENT));
            headers.entry(ACCEPT).or_insert(HeaderValue::from_static("*/*"));
            if body_dropped {
                // Redirected as a GET (a 303, or a 301/302 after a POST): no body, nor what described it.
                for name in [CONTENT_TYPE, CONTENT_LENGTH, TRANSFER_ENCODING] {
                    headers.remove(name);
                }
            }
            let mut request = http::Request::new(Full::new(body.clone().unwrap_or_default()));
            *request.method_mut() = method.clone();
            *request.uri_mut() = uri.clone();
            *request.headers_mut() = headers;
            let (reply, sender) = self.send(request).await?;
            let (parts, incoming) = reply.into_parts();
            let next = redirect(&method, &uri, parts.status, &parts.headers);
            let body_bytes = whole_body(incoming).await.map_err(|e| Error::Transport(Box::new(Sending { url: shown(&uri), source: Box::new(e) })))?;
            // Read through: the connection can take the next request.
            self.pool.put(&uri, sender);
            let Some((next_method, next_uri)) = next else {
                return Ok(Response { status: parts.status, headers: parts.headers, body: body_bytes });
            };
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(Error::Transport(format!("more than {MAX_REDIRECTS} redirects").into()));
            }
            if next_method != method {
                // 301/302 after a POST and 303: the body is not sent again.
                body = None;
                body_dropped = true;
            }
            (method, uri) = (next_method, next_uri);
        }
    }
}

impl Direct {
    /// Sends `request` on a kept connection to its origin, or a new one; a request a kept connection
    /// did not take (the server closed it meanwhile) goes on a new connection. Returns the reply and
    /// the connection, to be kept once the reply is read.
    async fn send(&self, mut request: http::Request<Full<Bytes>>) -> Result<(http::Response<Incoming>, Sender), Error> {
        let uri = request.uri().clone();
        let failed = |error: hyper::Error| Error::Transport(Box::new(Sending { url: shown(&uri), source: Box::new(error) }));
        if let Some(mut sender) = self.pool.checkout(&uri).await {
            match sender.send(request).await {
                Ok(reply) => return Ok((reply, sender)),
                Err(NotSent { request: Some(again), .. }) => request = again,
                Err(NotSent { error, request: None }) => return Err(failed(error)),
            }
        }
        // Boxed: connecting (TCP, TLS, the HTTP/2 handshake) is a large future, and the usual path,
        // a kept connection, should not carry it.
        let mut sender = Box::pin(self.connect(&uri)).await?;
        let reply = sender.send(request).await.map_err(|e| failed(e.error))?;
        Ok((reply, sender))
    }

    /// A new connection to `uri`'s origin.
    async fn connect(&self, uri: &Uri) -> Result<Sender, Error> {
        let connecting = |error: Box<dyn std::error::Error + Send + Sync>| Error::Connect(Box::new(Sending { url: shown(uri), source: error }));
        let io = match tokio::time::timeout(self.connect_timeout, self.https.clone().call(uri.clone())).await {
            Ok(connected) => connected.map_err(connecting)?,
            Err(_) => return Err(connecting(format!("no connection (TCP and TLS) within {:?}", self.connect_timeout).into())),
        };
        self.pool.open(uri, io).await.map_err(|e| connecting(Box::new(e)))
    }
}

/// Where a reply sends the request next, if it is a redirect within the origin of `uri`: the method
/// (GET after a 303, and after a 301 or 302 to a POST, as browsers and reqwest do) and the URI.
fn redirect(method: &Method, uri: &Uri, status: StatusCode, headers: &HeaderMap) -> Option<(Method, Uri)> {
    let method = match status {
        StatusCode::SEE_OTHER if *method != Method::HEAD => Method::GET,
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if *method == Method::POST => Method::GET,
        StatusCode::SEE_OTHER
        | StatusCode::MOVED_PERMANENTLY
        | StatusCode::FOUND
        | StatusCode::TEMPORARY_REDIRECT
        | StatusCode::PERMANENT_REDIRECT => method.clone(),
        _ => return None,
    };
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let from = reqwest::Url::parse(&uri.to_string()).ok()?;
    let to = from.join(location).ok()?;
    (to.origin() == from.origin()).then_some(())?;
    Some((method, to.as_str().parse().ok()?))
}

/// The verifier configuration, built once per process (reading the system's roots is not free).
fn tls_config() -> Result<&'static rustls::ClientConfig, Error> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, Arc<rustls::Error>>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        super::install_crypto_provider();
        let provider = rustls::crypto::CryptoProvider::get_default().cloned().unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider)).map_err(Arc::new)?;
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(Arc::new)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth())
    });
    config.as_ref().map_err(|e| Error::Unavailable(Arc::clone(e) as Arc<dyn std::error::Error + Send + Sync>))
}

/// `uri` as an error may show it (logs keep it; adapters' answers never do): without user info and
/// query, where credentials may travel.
fn shown(uri: &Uri) -> String {
    let authority = uri.authority().map_or("", |a| a.as_str().rsplit('@').next().unwrap_or_default());
    format!("{}://{authority}{}", uri.scheme_str().unwrap_or("http"), uri.path())
}

/// A request that failed, and where it was going (as reqwest's errors say).
#[derive(Debug)]
struct Sending {
    url: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl std::fmt::Display for Sending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error sending request for url ({})", self.url)
    }
}

impl std::error::Error for Sending {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The request took longer than the client's timeout.
#[derive(Debug)]
struct TimedOut(Duration);

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no complete reply within {:?}", self.0)
    }
}

impl std::error::Error for TimedOut {}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(to: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(to).unwrap());
        headers
    }

    /// Serves one connection: each reply in `replies` answers one request, written in the pieces given
    /// (a pause between them, so that they arrive as frames of their own).
    async fn upstream(replies: Vec<Vec<&'static str>>) -> Uri {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            for pieces in replies {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let mut byte = [0u8];
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                for piece in pieces {
                    stream.write_all(piece.as_bytes()).await.unwrap();
                    stream.flush().await.unwrap();
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        format!("http://{addr}/x").parse().unwrap()
    }

    #[tokio::test]
    async fn a_body_in_one_frame_in_several_or_none_is_read_whole() {
        let uri = upstream(vec![
            vec!["HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world"],
            vec![
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n",
                "5\r\nhello\r\n",
                "1\r\n \r\n",
                "5\r\nworld\r\n",
                "0\r\nx-checksum: 1\r\n\r\n",
            ],
            vec!["HTTP/1.1 204 No Content\r\n\r\n"],
        ])
        .await;
        let client = Direct::build(&ClientOptions::default()).unwrap();
        let headers = HeaderMap::new;
        for (status, body) in [(200, "hello world"), (200, "hello world"), (204, "")] {
            let reply = client.execute(&Method::GET, &uri, &headers, None).await.unwrap();
            assert_eq!((reply.status.as_u16(), &reply.body[..]), (status, body.as_bytes()));
        }
    }

    #[test]
    fn errors_show_where_the_request_went_but_not_its_credentials() {
        let uri: Uri = "https://user:pw@api.test:8443/v1/x?key=secret".parse().unwrap();
        assert_eq!(shown(&uri), "https://api.test:8443/v1/x");
    }

    #[test]
    fn redirects_stay_within_the_origin() {
        let uri: Uri = "http://api.test:8080/v1/things?x=1".parse().unwrap();
        let next = |method: Method, status: u16, to: &str| {
            redirect(&method, &uri, StatusCode::from_u16(status).unwrap(), &location(to)).map(|(m, u)| (m.to_string(), u.to_string()))
        };
        assert_eq!(next(Method::GET, 302, "/v2/things"), Some(("GET".into(), "http://api.test:8080/v2/things".into())));
        assert_eq!(next(Method::GET, 301, "other"), Some(("GET".into(), "http://api.test:8080/v1/other".into())));
        assert_eq!(next(Method::POST, 302, "/a"), Some(("GET".into(), "http://api.test:8080/a".into())));
        assert_eq!(next(Method::POST, 307, "/a"), Some(("POST".into(), "http://api.test:8080/a".into())));
        assert_eq!(next(Method::PUT, 303, "/a"), Some(("GET".into(), "http://api.test:8080/a".into())));
        assert_eq!(next(Method::HEAD, 303, "/a"), Some(("HEAD".into(), "http://api.test:8080/a".into())));
        // Another host, port or scheme: the reply is the answer.
        assert_eq!(next(Method::GET, 302, "http://evil.test:8080/a"), None);
        assert_eq!(next(Method::GET, 302, "http://api.test:8081/a"), None);
        assert_eq!(next(Method::GET, 308, "https://api.test:8080/a"), None);
        assert_eq!(next(Method::GET, 304, "/a"), None);
        assert_eq!(redirect(&Method::GET, &uri, StatusCode::FOUND, &HeaderMap::new()), None);
    }
}
