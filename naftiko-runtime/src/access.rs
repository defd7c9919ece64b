//! Who may call an exposed adapter, and from where: the `Host` names it answers to (a web page cannot
//! reach a loopback server through a rebinding DNS name) and the browser origins it serves (a page on
//! another site cannot drive it with the server's credentials). Shared by the REST and MCP routers.
//!
//! Refusals are JSON 403s sent before any handler runs, so nothing reaches the upstream. CORS headers
//! are added only when origins are configured.

use std::convert::Infallible;
use std::future::Ready;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse as _, Response};
use futures::future::Either;

use crate::rest::AdapterError;

const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The `Host` and `Origin` values an adapter accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// Accepted `Host` values: `name` (any port) or `name:port`, case-insensitive, IPv6 with or
    /// without brackets. Empty accepts any `Host`.
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed to call: `scheme://host[:port]`, `scheme://host:*` (any port), `null`,
    /// or `*` (any origin). A request carrying an `Origin` not on the list is refused; requests
    /// without `Origin` (every non-browser client) are not affected.
    pub allowed_origins: Vec<String>,
}

impl Default for Access {
    /// [`Access::loopback`].
    fn default() -> Self {
        Access::loopback()
    }
}

impl Access {
    /// What a server bound to 127.0.0.1 (the default, DESIGN §3.11) is reached by: the loopback
    /// names, no browser origin.
    pub fn loopback() -> Self {
        Access { allowed_hosts: loopback_names(), allowed_origins: Vec::new() }
    }

    /// No check at all (benchmarks measure what the checks cost with this).
    pub fn unchecked() -> Self {
        Access { allowed_hosts: Vec::new(), allowed_origins: vec!["*".to_owned()] }
    }

    /// No check in the router, because the server in front of it checks: what a generated binary
    /// gives its routers, since its serve loop checks every request of a listener against the
    /// listener's access (`serve::Config::access`) where it comes in, before any routing (one check
    /// rather than a layer around each route). A router served any other way needs an access of its
    /// own ([`Access::loopback`], [`Access::for_address`]).
    pub fn checked_at_edge() -> Self {
        Access::unchecked()
    }

    /// The access of a listener on `address` (`host`, `host:port`, `[v6]:port`), given the extra
    /// `Host` names (`--allowed-host`) and origins (`--allowed-origin`) the operator allows.
    ///
    /// A loopback listener accepts the loopback names and `hosts`. Any other listener (all
    /// interfaces in a container, an address behind a load balancer) cannot know the names it is
    /// reached by: with no `hosts` it accepts any `Host`; with some, those, the loopback names and its
    /// own address.
    pub fn for_address(address: &str, hosts: &[String], origins: &[String]) -> Self {
        let host = host_of(address);
        let mut allowed_hosts = Vec::new();
        if is_loopback(&host) || !hosts.is_empty() {
            allowed_hosts = loopback_names();
            if !is_wildcard(&host) && !allowed_hosts.contains(&host) {
                allowed_hosts.push(host);
            }
            allowed_hosts.extend(hosts.iter().map(|h| h.trim().to_ascii_lowercase()));
        }
        Access { allowed_hosts, allowed_origins: origins.to_vec() }
    }

    /// Whether any `Host` is accepted (the operator is told at start-up).
    pub fn accepts_any_host(&self) -> bool {
        self.allowed_hosts.is_empty()
    }

    /// Refuses a request whose `Host` (or HTTP/2 authority) is not allowed, or whose `Origin` is.
    pub fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), AdapterError> {
        if !self.host_allowed(uri, headers) {
            return Err(forbidden_host());
        }
        self.check_origin(headers)
    }

    fn check_origin(&self, headers: &HeaderMap) -> Result<(), AdapterError> {
        match headers.get(header::ORIGIN) {
            Some(origin) if !self.origin_allowed(origin) => Err(AdapterError::new(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "requests from this browser origin are not allowed (the server's --allowed-origin lists those that are)",
            )),
            _ => Ok(()),
        }
    }

    fn host_allowed(&self, uri: &Uri, headers: &HeaderMap) -> bool {
        let allowed: Vec<(String, Option<u16>)> = self.allowed_hosts.iter().filter_map(|a| allowed_host(a)).collect();
        self.allowed_hosts.is_empty() || host_matches(&allowed, uri, headers)
    }

    /// Whether a request's `Origin` is allowed (RFC 6454: scheme, host and port; a missing port is
    /// the scheme's default).
    pub fn origin_allowed(&self, origin: &HeaderValue) -> bool {
        let Some(origin) = origin.to_str().ok().and_then(Origin::parse) else { return false };
        self.allowed_origins.iter().any(|allowed| allowed.trim() == "*" || AllowedOrigin::parse(allowed).is_some_and(|a| a.matches(&origin)))
    }
}

fn forbidden_host() -> AdapterError {
    AdapterError::new(StatusCode::FORBIDDEN, "forbidden_host", "this server does not answer to this Host name")
}

fn loopback_names() -> Vec<String> {
    LOOPBACK_NAMES.iter().map(|h| (*h).to_owned()).collect()
}

fn is_loopback(host: &str) -> bool {
    LOOPBACK_NAMES.contains(&host) || host.starts_with("127.")
}

fn is_wildcard(host: &str) -> bool {
    matches!(host, "" | "0.0.0.0" | "::" | "*")
}

/// The host of a listen address, lowercase, without IPv6 brackets.
fn host_of(address: &str) -> String {
    let address = address.trim();
    let host = if let Some(rest) = address.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if address.matches(':').count() == 1 {
        address.split(':').next().unwrap_or_default()
    } else {
        address // a bare IPv6 address, or a name without port
    };
    host.to_ascii_lowercase()
}

/// Whether the request's `Host` (else its absolute-form authority) is one of `allowed` (parsed
/// allow-list entries, lowercase). Reads the header in place: no allocation on the request path.
fn host_matches(allowed: &[(String, Option<u16>)], uri: &Uri, headers: &HeaderMap) -> bool {
    let (host, port) = match headers.get(header::HOST) {
        // Any byte that is not visible ASCII is refused by `split_host`, so UTF-8 is only its form here.
        Some(value) => match std::str::from_utf8(value.as_bytes()).ok().and_then(split_host) {
            Some(split) => split,
            None => return false,
        },
        None => match uri.authority() {
            Some(authority) => (unbracket(authority.host()), authority.port_u16()),
            None => return false,
        },
    };
    allowed.iter().any(|(h, p)| h.eq_ignore_ascii_case(host) && p.is_none_or(|p| port == Some(p)))
}

/// The host and port of a `Host` value (`name`, `name:port`, `[v6]`, `[v6]:port`); `None` for anything
/// else (user info, a path, spaces, a bare IPv6 address, a port that is not a number).
fn split_host(value: &str) -> Option<(&str, Option<u16>)> {
    // One pass over the bytes (this runs for every request): none a host value cannot hold, and where
    // the colons are.
    let (mut colons, mut last_colon) = (0, 0);
    for (at, byte) in value.bytes().enumerate() {
        match byte {
            b':' => (colons, last_colon) = (colons + 1, at),
            b'\0'..=b' ' | 0x7f.. | b'@' | b'/' | b'?' | b'#' | b'\\' => return None,
            _ => {}
        }
    }
    let (host, port) = match value.strip_prefix('[') {
        Some(rest) => {
            let (v6, after) = rest.split_once(']')?;
            (v6, if after.is_empty() { None } else { Some(after.strip_prefix(':')?) })
        }
        None => match colons {
            0 => (value, None),
            1 => (&value[..last_colon], Some(&value[last_colon + 1..])),
            // A bare IPv6 address.
            _ => return None,
        },
    };
    let port = match port {
        None | Some("") => None,
        Some(port) => Some(port_number(port)?),
    };
    (!host.is_empty()).then_some((host, port))
}

/// A port: digits only (RFC 3986 §3.2.3), at most 65535.
fn port_number(digits: &str) -> Option<u16> {
    digits
        .bytes()
        .try_fold(0u16, |port, digit| if digit.is_ascii_digit() { port.checked_mul(10)?.checked_add(u16::from(digit - b'0')) } else { None })
}

fn unbracket(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// An entry of the `Host` allow-list (`host`, `host:port`, `[v6]:port`, bare `v6`).
fn allowed_host(allowed: &str) -> Option<(String, Option<u16>)> {
    let allowed = allowed.trim();
    if allowed.is_empty() {
        return None;
    }
    Some(match http::uri::Authority::try_from(allowed) {
        Ok(authority) => (unbracket(authority.host()).to_ascii_lowercase(), authority.port_u16()),
        Err(_) => (unbracket(allowed).to_ascii_lowercase(), None),
    })
}

/// A serialized origin (`scheme://host[:port]` or `null`).
#[derive(Debug, PartialEq, Eq)]
enum Origin {
    Null,
    Tuple { scheme: String, host: String, port: Option<u16> },
}

impl Origin {
    fn parse(text: &str) -> Option<Origin> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("null") {
            return Some(Origin::Null);
        }
        let uri = Uri::try_from(text).ok()?;
        let authority = uri.authority()?;
        Some(Origin::Tuple {
            scheme: uri.scheme_str()?.to_ascii_lowercase(),
            host: unbracket(authority.host()).to_ascii_lowercase(),
            port: authority.port_u16(),
        })
    }
}

/// An entry of the origin allow-list; `:*` allows any port, no port only the scheme's default.
struct AllowedOrigin {
    origin: Origin,
    any_port: bool,
}

impl AllowedOrigin {
    fn parse(text: &str) -> Option<AllowedOrigin> {
        let text = text.trim();
        match text.strip_suffix(":*") {
            Some(base) => {
                Origin::parse(base).filter(|o| matches!(o, Origin::Tuple { port: None, .. })).map(|origin| AllowedOrigin { origin, any_port: true })
            }
            None => Origin::parse(text).map(|origin| AllowedOrigin { origin, any_port: false }),
        }
    }

    fn matches(&self, origin: &Origin) -> bool {
        match (&self.origin, origin) {
            (Origin::Null, Origin::Null) => true,
            (Origin::Tuple { scheme, host, port }, Origin::Tuple { scheme: s, host: h, port: p }) => {
                scheme == s && host == h && (self.any_port || port.or_else(|| default_port(scheme)) == p.or_else(|| default_port(s)))
            }
            _ => false,
        }
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Headers a browser page may read from replies: paging, created resources, back-off, MCP's own.
const EXPOSED: [&str; 6] = ["x-total-count", "link", "location", "retry-after", "mcp-session-id", "mcp-protocol-version"];

/// Guards `router` with `access`: foreign `Host` or `Origin` → JSON 403 before anything else runs;
/// with allowed origins, CORS preflights answered and CORS headers added (and only then).
/// [`Access::unchecked`] adds nothing.
pub fn guard(router: axum::Router, access: Access) -> axum::Router {
    let Some(checks) = Prepared::checking(&access) else { return router };
    let router = match cors(&access) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router.layer(GuardLayer(checks))
}

/// The CORS answers of `access`, when it allows browser origins: preflights answered, the allowed
/// origin mirrored (the check itself refuses the others first).
pub(crate) fn cors(access: &Access) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};
    if access.allowed_origins.is_empty() || *access == Access::unchecked() {
        return None;
    }
    let allowed = access.clone();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(move |origin, _| allowed.origin_allowed(origin)))
            .allow_methods(AllowMethods::mirror_request())
            .allow_headers(AllowHeaders::mirror_request())
            .expose_headers(EXPOSED.map(HeaderName::from_static))
            .max_age(Duration::from_secs(600)),
    )
}

/// The check as a tower layer rather than `middleware::from_fn`: it runs inline in `call`, so an
/// accepted request costs a header comparison, not a boxed future and two service clones.
#[derive(Clone)]
struct GuardLayer(Arc<Prepared>);

/// An [`Access`] with its `Host` allow-list parsed once, not on every request.
pub(crate) struct Prepared {
    access: Access,
    hosts: Vec<(String, Option<u16>)>,
    /// Tells this allow-list's accepted `Host` value apart from another's ([`ACCEPTED_HOST`]).
    id: u64,
}

thread_local! {
    /// The `Host` value this thread last accepted, and by which [`Prepared`] (its id; 0: none): a client
    /// sends the same value with every request of a keep-alive connection, and the same bytes are
    /// accepted again without being split and compared (the check is a function of them alone).
    static ACCEPTED_HOST: std::cell::RefCell<(u64, Vec<u8>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

impl Prepared {
    pub(crate) fn new(access: Access) -> Prepared {
        static IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let hosts = access.allowed_hosts.iter().filter_map(|a| allowed_host(a)).collect();
        Prepared { access, hosts, id: IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) }
    }

    /// The checks of `access`; `None` for [`Access::unchecked`], which checks nothing.
    pub(crate) fn checking(access: &Access) -> Option<Arc<Prepared>> {
        (*access != Access::unchecked()).then(|| Arc::new(Prepared::new(access.clone())))
    }

    /// [`Access::check`], without parsing the allow-list again.
    pub(crate) fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), AdapterError> {
        if !self.access.allowed_hosts.is_empty() && !self.host_allowed(uri, headers) {
            return Err(forbidden_host());
        }
        self.access.check_origin(headers)
    }

    fn host_allowed(&self, uri: &Uri, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(header::HOST).map(HeaderValue::as_bytes) else { return host_matches(&self.hosts, uri, headers) };
        if ACCEPTED_HOST.with_borrow(|(id, accepted)| *id == self.id && accepted.as_slice() == host) {
            return true;
        }
        let allowed = host_matches(&self.hosts, uri, headers);
        if allowed {
            ACCEPTED_HOST.with_borrow_mut(|(id, accepted)| {
                *id = self.id;
                accepted.clear();
                accepted.extend_from_slice(host);
            });
        }
        allowed
    }

    /// [`Prepared::check`] as a server answers it: the JSON 403 of a refused request (logged), or
    /// `None` when it may go on.
    pub(crate) fn refusal(&self, request: &Request) -> Option<Response> {
        let refusal = self.check(request.uri(), request.headers()).err()?;
        tracing::info!(status = refusal.status.as_u16(), kind = refusal.kind, "request refused");
        Some(refusal.into_response())
    }
}

impl<S> tower::Layer<S> for GuardLayer {
    type Service = Guarded<S>;

    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded { inner, access: Arc::clone(&self.0) }
    }
}

#[derive(Clone)]
struct Guarded<S> {
    inner: S,
    access: Arc<Prepared>,
}

impl<S> tower::Service<Request> for Guarded<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Ready<Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.access.refusal(&request) {
            None => Either::Left(self.inner.call(request)),
            Some(refused) => Either::Right(std::future::ready(Ok(refused))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_str(v).unwrap())).collect()
    }

    #[test]
    fn an_accepted_host_is_remembered_for_its_own_allow_list_only() {
        let loopback = Prepared::new(Access::loopback());
        let public = Prepared::new(Access { allowed_hosts: vec!["api.example.com".into()], allowed_origins: Vec::new() });
        let uri = Uri::from_static("/x");
        let local = headers(&[("host", "localhost:8080")]);
        let api = headers(&[("host", "api.example.com")]);
        for _ in 0..2 {
            assert!(loopback.check(&uri, &local).is_ok());
            assert!(public.check(&uri, &local).is_err(), "accepted by the other list only");
            assert!(public.check(&uri, &api).is_ok());
            assert!(loopback.check(&uri, &api).is_err());
        }
        assert!(loopback.check(&uri, &headers(&[("host", "localhost:8080 ")])).is_err(), "other bytes are checked again");
    }

    #[test]
    fn host_values_are_split_without_allocating() {
        assert_eq!(split_host("example.com:8080"), Some(("example.com", Some(8080))));
        assert_eq!(split_host("Example.COM"), Some(("Example.COM", None)));
        assert_eq!(split_host("[::1]:9090"), Some(("::1", Some(9090))));
        assert_eq!(split_host("[::1]"), Some(("::1", None)));
        assert_eq!(split_host("host:"), Some(("host", None)));
        assert_eq!(split_host("host:00080"), Some(("host", Some(80))));
        assert_eq!(split_host("host:65535"), Some(("host", Some(65535))));
        for bad in [
            "",
            "::1",
            "a@b",
            "a/b",
            "host:99999",
            "host:65536",
            "host:+80",
            "host:x",
            "[::1]x",
            "[::1",
            "a b",
            ":80",
            "h\\x",
            "a:b:c",
            "h\u{e9}:80",
            "h\t",
        ] {
            assert_eq!(split_host(bad), None, "{bad:?}");
        }
    }

    fn allowed(access: &Access, pairs: &[(&'static str, &str)]) -> bool {
        access.check(&Uri::from_static("/x"), &headers(pairs)).is_ok()
    }

    #[test]
    fn loopback_listeners_answer_to_loopback_names_only() {
        let access = Access::for_address("127.0.0.1:8080", &[], &[]);
        for host in ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080"] {
            assert!(allowed(&access, &[("host", host)]), "{host}");
        }
        for host in ["attacker.example:8080", "127.0.0.1.nip.io", "bad host", ""] {
            assert!(!allowed(&access, &[("host", host)]), "{host}");
        }
        assert!(!allowed(&access, &[]), "no Host and no authority");
        let more = Access::for_address("127.0.0.1:8080", &["api.internal:8080".to_owned()], &[]);
        assert!(allowed(&more, &[("host", "api.internal:8080")]));
        assert!(!allowed(&more, &[("host", "api.internal:9999")]));
    }

    #[test]
    fn other_listeners_answer_to_any_host_unless_told() {
        let any = Access::for_address("0.0.0.0:8080", &[], &[]);
        assert!(any.accepts_any_host());
        assert!(allowed(&any, &[("host", "whatever.example")]));
        let named = Access::for_address("0.0.0.0:8080", &["api.example.com".to_owned()], &[]);
        assert!(allowed(&named, &[("host", "API.example.com:443")]));
        assert!(allowed(&named, &[("host", "localhost:8080")]));
        assert!(!allowed(&named, &[("host", "attacker.example")]));
        let specific = Access::for_address("10.0.0.5:8080", &["api.example.com".to_owned()], &[]);
        assert!(allowed(&specific, &[("host", "10.0.0.5:8080")]));
    }

    #[test]
    fn origins_must_be_listed() {
        let none = Access::loopback();
        assert!(allowed(&none, &[("host", "localhost")]), "no Origin: not a browser");
        assert!(!allowed(&none, &[("host", "localhost"), ("origin", "http://attacker.example")]));
        assert!(!allowed(&none, &[("host", "localhost"), ("origin", "http://localhost:8080")]), "not even our own");
        let some = Access { allowed_origins: vec!["https://app.example".into(), "http://localhost:*".into(), "null".into()], ..Access::loopback() };
        for origin in ["https://app.example", "https://APP.example:443", "http://localhost:3000", "null"] {
            assert!(allowed(&some, &[("host", "localhost"), ("origin", origin)]), "{origin}");
        }
        for origin in ["http://app.example", "https://app.example:8443", "https://app.example.evil", "not an origin"] {
            assert!(!allowed(&some, &[("host", "localhost"), ("origin", origin)]), "{origin}");
        }
        let any = Access { allowed_origins: vec!["*".into()], ..Access::loopback() };
        assert!(allowed(&any, &[("host", "localhost"), ("origin", "https://anything.example")]));
    }
}
