//! [`HttpClient`]: sends [`RequestBuilder`]s with credentials, timeouts and a safe redirect policy.

use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, SystemTime};

use thread_local::ThreadLocal;

use http::header::AUTHORIZATION;
use http::{HeaderValue, StatusCode};

use crate::request::Prepared;
use crate::{ClientAuth, Error, RequestBuilder, Response, digest};

mod deadline;
mod direct;
mod pool;

/// Timeouts and retries of an [`HttpClient`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Time to establish a connection (TCP and TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Time for a whole request, from sending to the last byte of the reply. Default 60 s.
    pub timeout: Duration,
    /// Extra attempts for idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) that could not
    /// connect or were answered 429, 502, 503 or 504. POST and PATCH are never repeated. Default 2.
    pub retries: u32,
    /// Longest wait before a retry; a longer `Retry-After` returns the reply instead. Default 5 s.
    pub max_retry_delay: Duration,
}

/// Set once by a binary (`serve --upstream-timeout …`) before clients are built.
static PROCESS_DEFAULT: OnceLock<ClientOptions> = OnceLock::new();

impl Default for ClientOptions {
    /// The process default if a binary set one, else 10 s connect, 60 s request, 2 retries, 5 s delay cap.
    fn default() -> Self {
        PROCESS_DEFAULT.get().cloned().unwrap_or(ClientOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retries: 2,
            max_retry_delay: Duration::from_secs(5),
        })
    }
}

impl ClientOptions {
    /// Makes `options` what [`ClientOptions::default`] (and so every generated client) uses in this
    /// process; the first call wins. Binaries call it from their flags before building clients.
    pub fn set_process_default(options: ClientOptions) -> bool {
        PROCESS_DEFAULT.set(options).is_ok()
    }

    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Installs rustls' `ring` crypto provider as the process default, once. reqwest is built without a
/// provider of its own (ring builds fast and without cmake); a provider the application installed
/// first is kept.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another provider is installed already: that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Redirects followed for one request, within its origin.
const MAX_REDIRECTS: usize = 10;

/// The `User-Agent` of upstream requests.
const USER_AGENT: &str = concat!("naftiko-runtime/", env!("CARGO_PKG_VERSION"));

/// The HTTP client of generated API clients (cheap to clone; clones share connection pools), plus the
/// rules every upstream call follows.
///
/// A client built here ([`HttpClient::new`], [`HttpClient::with_options`]) keeps a connection pool per
/// thread that sends through it: a pooled connection is driven by a task on the runtime that opened
/// it, so a connection shared between the serving binary's threads (each runs its own runtime) would
/// wake the other thread for every reply. It sends with hyper's connections (`direct`), or with
/// reqwest when the environment names a proxy (reqwest honours `HTTP_PROXY` and its kin) or the URL
/// carries credentials. A client handed in with [`From<reqwest::Client>`] is used as it is, from
/// every thread.
#[derive(Clone, Debug)]
pub struct HttpClient {
    /// A client that could not be built is reported by every `send`, so that constructors of
    /// generated clients need not fail.
    inner: Result<Clients, Arc<dyn std::error::Error + Send + Sync>>,
    retries: u32,
    max_retry_delay: Duration,
}

/// The clients behind an [`HttpClient`].
#[derive(Clone, Debug)]
enum Clients {
    /// The caller's reqwest client, from every thread.
    Shared(reqwest::Client),
    /// Built with these options the first time a thread sends.
    PerThread(Arc<PerThread>),
}

#[derive(Debug)]
struct PerThread {
    options: ClientOptions,
    /// `None` when a proxy is configured in the environment: then reqwest sends.
    direct: Option<ThreadLocal<direct::Direct>>,
    /// For forwarded (streamed) requests, [`HttpClient::reqwest`], and when a proxy is configured.
    reqwest: ThreadLocal<reqwest::Client>,
}

/// What sends a request.
enum Sender<'a> {
    Direct(&'a direct::Direct),
    Reqwest(&'a reqwest::Client),
}

impl Clients {
    fn built(options: &ClientOptions) -> Result<Clients, Error> {
        let per_thread =
            PerThread { options: options.clone(), direct: (!proxy_in_environment()).then(ThreadLocal::new), reqwest: ThreadLocal::new() };
        // Built once now, so that an unusable configuration is reported where the client is made.
        if per_thread.direct()?.is_none() {
            per_thread.reqwest()?;
        }
        Ok(Clients::PerThread(Arc::new(per_thread)))
    }

    /// What sends a request to `uri` from the calling thread.
    fn sender(&self, uri: &http::Uri) -> Result<Sender<'_>, Error> {
        match self {
            Clients::Shared(client) => Ok(Sender::Reqwest(client)),
            Clients::PerThread(per_thread) => per_thread.sender(uri),
        }
    }

    /// The reqwest client of the calling thread.
    fn reqwest(&self) -> Result<&reqwest::Client, Error> {
        match self {
            Clients::Shared(client) => Ok(client),
            Clients::PerThread(per_thread) => per_thread.reqwest(),
        }
    }
}

impl PerThread {
    /// The calling thread's direct client; `None` where reqwest sends (a proxy in the environment).
    fn direct(&self) -> Result<Option<&direct::Direct>, Error> {
        self.direct.as_ref().map(|direct| direct.get_or_try(|| direct::Direct::build(&self.options))).transpose()
    }

    fn sender(&self, uri: &http::Uri) -> Result<Sender<'_>, Error> {
        match self.direct()? {
            // Credentials in the URL (`https://user:secret@host`) are sent by reqwest, as basic
            // authentication; the direct client has no such rule.
            Some(direct) if !uri.authority().is_some_and(|a| a.as_str().contains('@')) => Ok(Sender::Direct(direct)),
            _ => self.reqwest().map(Sender::Reqwest),
        }
    }

    fn reqwest(&self) -> Result<&reqwest::Client, Error> {
        self.reqwest.get_or_try(|| HttpClient::builder(&self.options).build()).map_err(|e| Error::Unavailable(Arc::new(e)))
    }
}

/// Whether reqwest would send through a proxy named in the environment.
fn proxy_in_environment() -> bool {
    ["ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient::new()
    }
}

impl From<reqwest::Client> for HttpClient {
    /// Your client's timeouts, with the default retry policy.
    fn from(client: reqwest::Client) -> Self {
        let options = ClientOptions::default();
        HttpClient { inner: Ok(Clients::Shared(client)), retries: options.retries, max_retry_delay: options.max_retry_delay }
    }
}

impl HttpClient {
    /// A client with the default [`ClientOptions`].
    pub fn new() -> Self {
        let options = ClientOptions::default();
        let inner = Clients::built(&options).map_err(|e| match e {
            Error::Unavailable(cause) => cause,
            other => Arc::new(other) as Arc<dyn std::error::Error + Send + Sync>,
        });
        HttpClient { inner, retries: options.retries, max_retry_delay: options.max_retry_delay }
    }

    /// A client with these timeouts and retries.
    pub fn with_options(options: &ClientOptions) -> Result<Self, Error> {
        let clients = Clients::built(options)?;
        Ok(HttpClient { inner: Ok(clients), retries: options.retries, max_retry_delay: options.max_retry_delay })
    }

    /// The reqwest builder behind [`HttpClient::with_options`], to add a proxy or root certificates
    /// before `build()` (then `HttpClient::from(client)`). Redirects are followed (up to 10) only within
    /// the same origin: credentials in custom headers or the query would otherwise reach another host.
    pub fn builder(options: &ClientOptions) -> reqwest::ClientBuilder {
        install_crypto_provider();
        let same_origin = reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if same_origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(same_origin)
            .user_agent(USER_AGENT)
    }

    /// A reqwest client with this client's configuration (the calling thread's), if it could be built.
    pub fn reqwest(&self) -> Option<&reqwest::Client> {
        self.inner.as_ref().ok()?.reqwest().ok()
    }

    fn clients(&self) -> Result<&Clients, Error> {
        self.inner.as_ref().map_err(|e| Error::Unavailable(Arc::clone(e)))
    }

    /// Sends `request` with `auth`. An upstream status of 400 or more is `Err(Error::Status)` with the
    /// whole reply; with digest authentication a `401` challenge is answered once.
    pub async fn send(&self, request: RequestBuilder, auth: &ClientAuth) -> Result<Response, Error> {
        let clients = self.clients()?;
        let prepared = request.prepare(auth)?;
        let client = clients.sender(&prepared.uri)?;
        let mut response = self.execute_with_retries(&client, &prepared).await?;
        if response.status == StatusCode::UNAUTHORIZED
            && let ClientAuth::Digest { username, password } = auth
            && let Some(challenge) = digest::challenge(&response.headers)
        {
            let answer = challenge
                .authorization(prepared.method.as_str(), &prepared.request_target(), username.expose(), password.expose())
                .ok_or_else(|| Error::invalid("authentication", "the system's random source gave no digest client nonce"))?;
            let mut answer =
                HeaderValue::from_str(&answer).map_err(|_| Error::invalid("authentication", "the digest credentials cannot be sent in a header"))?;
            answer.set_sensitive(true);
            response = execute(&client, &prepared, Some(answer)).await?;
        }
        if response.status.as_u16() >= 400 {
            return Err(Error::Status(Box::new(response)));
        }
        Ok(response)
    }
}

impl HttpClient {
    /// Sends a `forward` route's request with `auth` and its `body` streamed, once (a stream cannot be
    /// sent twice, so no retry), and answers the upstream's reply whatever its status, its body
    /// streamed too.
    pub async fn forward(&self, request: RequestBuilder, auth: &ClientAuth, body: reqwest::Body) -> Result<http::Response<reqwest::Body>, Error> {
        let client = self.clients()?.reqwest()?;
        let prepared = request.prepare(auth)?;
        let reply =
            client.request(prepared.method.clone(), prepared.uri.to_string()).headers(prepared.headers(0)).body(body).send().await.map_err(Error::from_reqwest)?;
        Ok(reply.into())
    }

    /// Sends once, then again (at most `retries` times) while an idempotent request could not connect
    /// or was answered 429/502/503/504, waiting as `Retry-After` says when given (seconds or an HTTP
    /// date; else 100 ms, 200 ms, …). Timeouts are not retried: the time is already spent.
    async fn execute_with_retries(&self, client: &Sender<'_>, prepared: &Prepared) -> Result<Response, Error> {
        let idempotent = matches!(prepared.method, http::Method::GET | http::Method::HEAD | http::Method::PUT | http::Method::DELETE | http::Method::OPTIONS);
        let mut attempt = 0u32;
        loop {
            let result = execute(client, prepared, None).await;
            let wait = match &result {
                Err(Error::Connect(_)) => Some(backoff(attempt)),
                Ok(r) if matches!(r.status.as_u16(), 429 | 502 | 503 | 504) => Some(retry_after(&r.headers).unwrap_or_else(|| backoff(attempt))),
                _ => None,
            };
            match wait {
                Some(delay) if idempotent && attempt < self.retries && delay <= self.max_retry_delay => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return result,
            }
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(10)))
}

/// `Retry-After` as a wait: seconds, or an HTTP date (RFC 9110 §10.2.3) from now, zero when it is already
/// past. A wait beyond the client's longest is the caller's to refuse, as for seconds.
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

fn retry_after_at(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

async fn execute(client: &Sender<'_>, prepared: &Prepared, authorization: Option<HeaderValue>) -> Result<Response, Error> {
    // The trace of the request being served passes on (the control expose's observability).
    #[cfg(feature = "control")]
    let observed = crate::control::client_call_start();
    // An attempt's headers: built for each (a redirect sends them again), in a map sized for them and
    // the few added here and by the client (a digest answer, `traceparent`, `User-Agent`, `Accept`,
    // `Host`), so that no insert grows it.
    let headers = || {
        let mut headers = prepared.headers(5);
        if let Some(value) = &authorization {
            headers.insert(AUTHORIZATION, value.clone());
        }
        #[cfg(feature = "control")]
        crate::control::propagate(observed.as_ref(), &mut headers);
        headers
    };
    let reply = match client {
        Sender::Direct(direct) => direct.execute(&prepared.method, &prepared.uri, &headers, prepared.body.as_ref()).await,
        Sender::Reqwest(client) => {
            let mut builder = client.request(prepared.method.clone(), prepared.uri.to_string()).headers(headers());
            if let Some(body) = &prepared.body {
                builder = builder.body(body.clone());
            }
            async {
                let reply = builder.send().await.map_err(Error::from_reqwest)?;
                let status = reply.status();
                let headers = reply.headers().clone();
                let body = reply.bytes().await.map_err(Error::from_reqwest)?;
                Ok(Response { status, headers, body })
            }
            .await
        }
    };
    #[cfg(feature = "control")]
    crate::control::client_call_end(observed, &prepared.method, reply.as_ref().ok().map(|r: &Response| r.status.as_u16()));
    reply
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::{Placement, Secret};

    /// A request as the loopback server received it.
    #[derive(Clone, Debug)]
    struct Seen {
        head: String,
        body: String,
    }

    impl Seen {
        fn request_line(&self) -> &str {
            self.head.lines().next().unwrap_or_default()
        }
        fn header(&self, name: &str) -> Option<String> {
            self.head.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
        }
    }

    /// Serves `replies` in order, one per connection, and records what it was sent.
    async fn server(replies: Vec<String>) -> (String, Arc<Mutex<Vec<Seen>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        tokio::spawn(async move {
            for reply in replies {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                let (head, body) = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break (String::from_utf8_lossy(&data).into_owned(), String::new());
                    }
                    data.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&data).into_owned();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let head = text[..end].to_owned();
                        let length = head
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                            .unwrap_or(0);
                        if data.len() >= end + 4 + length {
                            break (head, text[end + 4..].to_owned());
                        }
                    }
                };
                record.lock().unwrap().push(Seen { head, body });
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        (url, seen)
    }

    fn reply(status: &str, headers: &[&str], body: &str) -> String {
        let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
        for h in headers {
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out.push_str(body);
        out
    }

    #[tokio::test]
    async fn sends_what_was_built() {
        let (url, seen) = server(vec![reply("200 OK", &["content-type: application/json"], r#"{"ok":true}"#)]).await;
        let request = RequestBuilder::new(http::Method::POST, &format!("{url}/base/"))
            .path("/zones/")
            .path_param("zone", "a/b")
            .unwrap()
            .query("tags", &vec!["x".to_owned(), "y z".to_owned()])
            .json_body(&serde_json::json!({"name": "n"}));
        let auth = ClientAuth::api_key(Placement::Header, "X-Auth-Token", Secret::new("tok"));
        let response = HttpClient::new().send(request, &auth).await.unwrap();
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.json::<serde_json::Value>().unwrap(), serde_json::json!({"ok": true}));
        let seen = seen.lock().unwrap()[0].clone();
        assert_eq!(seen.request_line(), "POST /base/zones/a%2Fb?tags=x&tags=y%20z HTTP/1.1");
        assert_eq!(seen.header("x-auth-token").as_deref(), Some("tok"));
        assert_eq!(seen.header("content-type").as_deref(), Some("application/json"));
        assert_eq!(seen.body, r#"{"name":"n"}"#);
    }

    #[tokio::test]
    async fn error_status_keeps_the_reply() {
        let (url, _) =
            server(vec![reply("404 Not Found", &["content-type: application/json"], r#"{"type":"not_found","message":"no such snapshot"}"#)]).await;
        let err = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url).path("/s"), &ClientAuth::None).await.unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(err.json().unwrap()["type"], "not_found");
        assert_eq!(err.to_string(), r#"upstream replied 404 Not Found: {"type":"not_found","message":"no such snapshot"}"#);
    }

    #[tokio::test]
    async fn answers_a_digest_challenge_once() {
        let challenge = r#"www-authenticate: Digest realm="api", qop="auth", nonce="abc123", opaque="op""#;
        let (url, seen) = server(vec![reply("401 Unauthorized", &[challenge], ""), reply("200 OK", &[], "fine")]).await;
        let auth = ClientAuth::digest(Secret::new("user"), Secret::new("pass"));
        let request = RequestBuilder::new(http::Method::GET, &url).path("/dir/x").query("q", "1");
        let response = HttpClient::new().send(request, &auth).await.unwrap();
        assert_eq!(response.text(), "fine");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen[0].header("authorization"), None);
        let answer = seen[1].header("authorization").unwrap();
        let param = |name: &str| {
            let start = answer.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            answer[start..].split('"').next().unwrap().to_owned()
        };
        assert_eq!(param("uri"), "/dir/x?q=1");
        let hex = |s: String| md5::compute(s.as_bytes()).0.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let expected =
            hex(format!("{}:abc123:00000001:{}:auth:{}", hex("user:api:pass".to_owned()), param("cnonce"), hex("GET:/dir/x?q=1".to_owned())));
        assert_eq!(param("response"), expected);
    }

    #[tokio::test]
    async fn digest_gives_up_after_one_retry() {
        let challenge = r#"www-authenticate: Digest realm="api", nonce="n""#;
        let (url, seen) = server(vec![reply("401 Unauthorized", &[challenge], ""), reply("401 Unauthorized", &[challenge], "denied")]).await;
        let auth = ClientAuth::digest(Secret::new("user"), Secret::new("wrong"));
        let err = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url), &auth).await.unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn transport_errors_hide_the_query() {
        // A port that was free a moment ago: the connection is refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let auth = ClientAuth::api_key(Placement::Query, "apikey", Secret::new("s3cret-key"));
        let err = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url).path("/p"), &auth).await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "{err:?}");
        // Where it went, for the logs; not the query.
        assert!(err.to_string().contains(&format!("{url}/p")), "{err}");
        assert!(!err.to_string().contains("s3cret"), "{err}");
        assert!(!format!("{err:?}").contains("s3cret"), "{err:?}");
    }

    #[tokio::test]
    async fn times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // Accepts and never answers.
        let hold = tokio::spawn(async move {
            let conn = listener.accept().await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(conn);
        });
        let client = HttpClient::with_options(&ClientOptions::default().timeout(Duration::from_millis(200))).unwrap();
        let err = client.send(RequestBuilder::new(http::Method::GET, &url), &ClientAuth::None).await.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        hold.abort();
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let at = |value: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            // Sun, 06 Nov 1994 08:49:37 GMT, the RFC's own example date.
            retry_after_at(&headers, SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
        };
        assert_eq!(at("3"), Some(Duration::from_secs(3)));
        assert_eq!(at(" 0 "), Some(Duration::ZERO));
        assert_eq!(at("Sun, 06 Nov 1994 08:49:40 GMT"), Some(Duration::from_secs(3)));
        // The obsolete forms a recipient must still read.
        assert_eq!(at("Sunday, 06-Nov-94 08:50:37 GMT"), Some(Duration::from_secs(60)));
        assert_eq!(at("Sun Nov  6 08:49:38 1994"), Some(Duration::from_secs(1)));
        // Already past: retry now.
        assert_eq!(at("Sat, 05 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(at("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        for unreadable in ["-1", "1.5", "soon", "Sun, 06 Nov 1994 25:00:00 GMT", ""] {
            assert_eq!(at(unreadable), None, "{unreadable}");
        }
        assert_eq!(retry_after_at(&http::HeaderMap::new(), SystemTime::now()), None);
    }

    #[tokio::test]
    async fn retries_at_a_past_date_and_not_beyond_the_longest_wait() {
        let past = format!("retry-after: {}", httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60)));
        let (url, seen) = server(vec![reply("503 Service Unavailable", &[&past], ""), reply("200 OK", &[], "fine")]).await;
        let response = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url), &ClientAuth::None).await.unwrap();
        assert_eq!(response.text(), "fine");
        assert_eq!(seen.lock().unwrap().len(), 2);

        // An hour away, beyond the default 5 s: the reply is returned, as for `Retry-After: 3600`.
        let later = format!("retry-after: {}", httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600)));
        let (url, seen) = server(vec![reply("429 Too Many Requests", &[&later], "slow down"), reply("200 OK", &[], "fine")]).await;
        let err = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url), &ClientAuth::None).await.unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn follows_a_redirect_within_the_origin_with_its_credentials() {
        let (url, seen) = server(vec![reply("303 See Other", &["location: /next?page=2"], ""), reply("200 OK", &[], "there")]).await;
        let auth = ClientAuth::api_key(Placement::Header, "X-Auth-Token", Secret::new("tok"));
        let request = RequestBuilder::new(http::Method::POST, &url).path("/start").json_body(&serde_json::json!({"a": 1}));
        let response = HttpClient::new().send(request, &auth).await.unwrap();
        assert_eq!((response.status, response.text().as_ref()), (StatusCode::OK, "there"));
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen[0].request_line(), "POST /start HTTP/1.1");
        // A 303 is followed with GET and no body; the credentials stay (same origin).
        assert_eq!(seen[1].request_line(), "GET /next?page=2 HTTP/1.1");
        assert_eq!((seen[1].header("x-auth-token").as_deref(), seen[1].header("content-type"), seen[1].body.as_str()), (Some("tok"), None, ""));
        assert_eq!(seen[1].header("user-agent").as_deref(), Some(USER_AGENT));
    }

    #[tokio::test]
    async fn keeps_connections_and_replaces_those_the_server_closed() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // Two requests answered on the connection, then it is closed without a word.
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    for _ in 0..2 {
                        let mut head = Vec::new();
                        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => head.extend_from_slice(&buf[..n]),
                            }
                        }
                        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
                    }
                });
            }
        });
        let client = HttpClient::new();
        for _ in 0..5 {
            let response = client.send(RequestBuilder::new(http::Method::GET, &url).path("/k"), &ClientAuth::None).await.unwrap();
            assert_eq!(response.text(), "ok");
            // Time for the close to be seen, as between the requests of a real client.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3, "two requests per connection");
    }

    #[tokio::test]
    async fn credentials_in_the_url_are_sent_as_basic_authentication() {
        let (url, seen) = server(vec![reply("200 OK", &[], "fine")]).await;
        let url = url.replacen("http://", "http://user:p%40ss@", 1);
        let response = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url).path("/p"), &ClientAuth::None).await.unwrap();
        assert_eq!(response.text(), "fine");
        let seen = seen.lock().unwrap()[0].clone();
        assert_eq!(seen.request_line(), "GET /p HTTP/1.1");
        // base64("user:p@ss")
        assert_eq!(seen.header("authorization").as_deref(), Some("Basic dXNlcjpwQHNz"));
        assert!(!seen.head.contains("user:"), "{}", seen.head);
    }

    #[tokio::test]
    async fn https_goes_through_tls() {
        // A server that answers in plain text where a TLS handshake is expected: the handshake fails,
        // as a connection failure, and nothing is taken for a reply.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket.write_all(reply("200 OK", &[], "plain").as_bytes()).await;
            }
        });
        let client = HttpClient::with_options(&ClientOptions::default().retries(0)).unwrap();
        let err = client.send(RequestBuilder::new(http::Method::GET, &url).path("/p"), &ClientAuth::None).await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "{err:?}");

        // One that accepts and says nothing: the handshake is bounded by the connect timeout.
        let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", silent.local_addr().unwrap());
        let client = HttpClient::with_options(&ClientOptions::default().retries(0).connect_timeout(Duration::from_millis(200))).unwrap();
        let started = std::time::Instant::now();
        let err = client.send(RequestBuilder::new(http::Method::GET, &url), &ClientAuth::None).await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        drop(silent);
    }

    #[tokio::test]
    async fn no_redirect_to_another_origin() {
        let (other, other_seen) = server(vec![reply("200 OK", &[], "elsewhere")]).await;
        let location = format!("location: {other}/steal");
        let (url, _) = server(vec![reply("302 Found", &[&location], "")]).await;
        let auth = ClientAuth::api_key(Placement::Header, "X-Auth-Token", Secret::new("tok"));
        let response = HttpClient::new().send(RequestBuilder::new(http::Method::GET, &url), &auth).await.unwrap();
        assert_eq!(response.status, StatusCode::FOUND);
        assert!(other_seen.lock().unwrap().is_empty());
    }
}
