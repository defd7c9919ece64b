//! [`RequestBuilder`]: one upstream request, assembled part by part from typed parameters.

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use http::Method;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::auth::{ClientAuth, Placement};
use crate::secret::Secret;
use crate::{Error, Json, ParamValue, encode};

/// One request to an upstream API. Generated methods chain its parts in the spec's order; absent
/// (`None`) values add nothing. Nothing is sent until [`crate::HttpClient::send`].
#[derive(Clone)]
pub struct RequestBuilder(Box<Parts>);

/// What a [`RequestBuilder`] holds, in one allocation: each part added takes the builder and gives it
/// back, and a pointer moves where the parts themselves (a quarter of a kilobyte) were copied twice
/// for every parameter.
#[derive(Clone)]
struct Parts {
    method: Method,
    /// The base URL, then the percent-encoded path appended to it as text (the URL is built in one
    /// string, sent as it is when the URL parser would not change it).
    url: String,
    /// Where the path starts in `url`.
    path_at: usize,
    /// Percent-encoded `name=value` pairs.
    query: Vec<String>,
    headers: HeaderMap,
    /// Encoded `name=value` cookie pairs.
    cookies: Vec<String>,
    body: Body,
}

#[derive(Clone)]
enum Body {
    None,
    /// The whole body, as JSON text kept exactly.
    Json(Json),
    /// `in: body` fields gathered into one object, each kept exactly.
    Fields(Vec<(String, Json)>),
    /// A rendered `body:` template, encoded according to its content type when sent.
    Template {
        content_type: String,
        value: Value,
    },
    Raw {
        content_type: String,
        bytes: Bytes,
    },
}

/// A request ready to send (and to send again, for a digest challenge).
pub(crate) struct Prepared {
    pub method: Method,
    /// The URL as the WHATWG URL parser (reqwest's) would write it, as an `http::Uri`.
    pub uri: http::Uri,
    /// The request's own headers, its cookies and its body's `Content-Type`.
    headers: HeaderMap,
    /// The credential's header, which replaces a header of the request's own of that name.
    credential: Option<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
}

impl Prepared {
    /// The headers an attempt sends: the request's own and its credential, in a map with room for
    /// `more` (what the sending client adds), so that adding them does not grow it. Each attempt (a
    /// redirect is one more) sends them anew; a request with only a credential, the usual one, is
    /// hashed into one map once.
    pub fn headers(&self, more: usize) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(self.headers.len() + usize::from(self.credential.is_some()) + more);
        headers.extend(self.headers.iter().map(|(name, value)| (name.clone(), value.clone())));
        if let Some((name, value)) = &self.credential {
            headers.insert(name.clone(), value.clone());
        }
        headers
    }

    /// Path and query as sent: the `uri` a digest response signs.
    pub fn request_target(&self) -> String {
        match self.uri.query() {
            Some(q) => format!("{}?{q}", self.uri.path()),
            None => self.uri.path().to_owned(),
        }
    }
}

impl RequestBuilder {
    /// A request to `base_url` (scheme, host and an optional path prefix; a trailing `/` is ignored).
    pub fn new(method: Method, base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/');
        // Room for a usual path and query: the URL is written once, in this string.
        let mut url = String::with_capacity(base_url.len() + 96);
        url.push_str(base_url);
        RequestBuilder(Box::new(Parts {
            method,
            path_at: url.len(),
            url,
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: Body::None,
        }))
    }

    /// Literal path text from the spec, appended as written.
    pub fn path(mut self, literal: &str) -> Self {
        self.0.url.push_str(literal);
        self
    }

    /// A `forward` route's request: its path (already checked and encoded, as
    /// `rest::forward::Forwarded` does) appended to the base URL, its query before the API's own query
    /// parameters, and its headers where the API sets none of that name (the API's own parameters, and
    /// its credentials when sent, win).
    pub fn forwarded(mut self, path: &str, query: Option<&str>, headers: HeaderMap) -> Self {
        self.0.url.push_str(path);
        if let Some(query) = query.filter(|q| !q.is_empty()) {
            self.0.query.insert(0, query.to_owned());
        }
        let own: Vec<HeaderName> = self.0.headers.keys().cloned().collect();
        let mut name = None;
        // `HeaderMap`'s iterator names a header once, then gives its further values without a name.
        for (header, value) in headers {
            name = header.or(name);
            if let Some(name) = &name
                && !own.contains(name)
            {
                self.0.headers.append(name.clone(), value);
            }
        }
        self
    }

    /// A path value, percent-encoded as exactly one segment (see [`encode::path_segment`] for what is
    /// rejected); `field` names it in the error.
    pub fn path_param<V: ParamValue + ?Sized>(mut self, field: &str, value: &V) -> Result<Self, Error> {
        let text = value.to_text().ok_or_else(|| Error::invalid(field, "a path value is required"))?;
        encode::push_path_segment(&mut self.0.url, &text).map_err(|reason| Error::invalid(field, reason))?;
        Ok(self)
    }

    /// A query parameter: nothing when absent, one `name=value` per element for arrays.
    pub fn query<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        for item in value.to_query_values() {
            self.0.query.push(format!("{}={}", encode::component(name), encode::component(&item)));
        }
        self
    }

    /// `name=v1&name=v2…`.
    pub fn query_all(self, name: &str, values: &[String]) -> Self {
        self.query(name, values)
    }

    /// A header: nothing when absent. Values with CR, LF or NUL are rejected (they would end the header
    /// and start another one).
    pub fn header<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Result<Self, Error> {
        let Some(text) = value.to_text() else { return Ok(self) };
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::invalid(name, "not a valid HTTP header name"))?;
        let value = header_value(&text).map_err(|reason| Error::invalid(name, reason))?;
        self.0.headers.append(header, value);
        Ok(self)
    }

    /// A cookie: nothing when absent; the value percent-encoded where a cookie cannot hold a byte.
    pub fn cookie<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Result<Self, Error> {
        let Some(text) = value.to_text() else { return Ok(self) };
        if !is_token(name) {
            return Err(Error::invalid(name, "not a valid cookie name"));
        }
        self.0.cookies.push(format!("{name}={}", encode::cookie_value(&text)));
        Ok(self)
    }

    /// The whole body as JSON: nothing when absent. A [`Json`] value is sent as it is, digit for digit.
    pub fn json_body<V: ParamValue + ?Sized>(mut self, value: &V) -> Self {
        if let Some(json) = value.to_body_json() {
            self.0.body = Body::Json(json);
        }
        self
    }

    /// One field of a JSON object body: nothing when absent. A field set twice keeps the last value.
    pub fn body_field<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        let Some(json) = value.to_body_json() else { return self };
        match &mut self.0.body {
            Body::Fields(fields) => match fields.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => *existing = json,
                None => fields.push((name.to_owned(), json)),
            },
            _ => self.0.body = Body::Fields(vec![(name.to_owned(), json)]),
        }
        self
    }

    /// A rendered `body:` template. JSON content types send it as JSON; `x-www-form-urlencoded` sends an
    /// object's members as form fields; other types send a string as it is and anything else as JSON.
    pub fn templated_body(mut self, content_type: &str, value: Value) -> Self {
        self.0.body = Body::Template { content_type: content_type.to_owned(), value };
        self
    }

    /// A body sent as it is.
    pub fn body(mut self, content_type: &str, bytes: impl Into<Bytes>) -> Self {
        self.0.body = Body::Raw { content_type: content_type.to_owned(), bytes: bytes.into() };
        self
    }

    /// The URL without credentials: base URL, path and the parameters' query.
    pub fn url(&self) -> String {
        let mut url = self.0.url.clone();
        push_query(&mut url, &self.0.query);
        url
    }

    /// Applies `auth` and builds the URL: the string is assembled here and parsed once, so nothing
    /// re-normalises the encoded path (`%2F` stays `%2F`).
    pub(crate) fn prepare(self, auth: &ClientAuth) -> Result<Prepared, Error> {
        let Parts { method, url, path_at, mut query, mut headers, mut cookies, body } = *self.0;
        let path = &url[path_at..];
        // Values cannot form a dot segment (each is checked), but two of them side by side in one
        // segment (`{a}{b}`) could: check the assembled path too.
        // A dot segment holds a `.` or an escape (`%2e`): most paths hold neither, and are not split.
        if path.bytes().any(|b| b == b'.' || b == b'%') && path.split('/').any(encode::is_dot_segment) {
            return Err(Error::invalid("path", "the path would contain a `.` or `..` segment"));
        }
        let credential = match auth {
            ClientAuth::None => None,
            ClientAuth::ApiKey { placement, name, value } => match placement {
                Placement::Header => Some((api_key_header(name)?, secret_header("", value.expose())?)),
                Placement::Query => {
                    query.push(format!("{}={}", encode::component(name), encode::component(value.expose())));
                    None
                }
                Placement::Cookie => {
                    cookies.push(format!("{name}={}", encode::cookie_value(value.expose())));
                    None
                }
            },
            ClientAuth::Bearer { token } => Some((AUTHORIZATION, secret_header("Bearer ", token.expose())?)),
            ClientAuth::Basic { username, password } => {
                let pair = Secret::new(base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", username.expose(), password.expose())));
                Some((AUTHORIZATION, secret_header("Basic ", pair.expose())?))
            }
            // Answered when the server challenges (see `HttpClient::send`).
            ClientAuth::Digest { .. } => None,
        };
        if !cookies.is_empty() {
            let value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| Error::invalid("cookie", "not a valid cookie header"))?;
            headers.insert(COOKIE, value);
        }
        let body = match body {
            Body::None => None,
            Body::Json(json) => Some(("application/json".to_owned(), Bytes::from(json.as_str().to_owned()))),
            Body::Fields(fields) => Some(("application/json".to_owned(), object_bytes(&fields))),
            Body::Template { content_type, value } => {
                let bytes = template_bytes(&content_type, value);
                Some((content_type, bytes))
            }
            Body::Raw { content_type, bytes } => Some((content_type, bytes)),
        };
        let body = match body {
            Some((content_type, bytes)) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    let value = HeaderValue::from_str(&content_type).map_err(|_| Error::invalid("content-type", "not a valid header value"))?;
                    headers.insert(CONTENT_TYPE, value);
                }
                Some(bytes)
            }
            None => None,
        };
        let uri = request_uri(url, path_at, &query)?;
        Ok(Prepared { method, uri, headers, credential, body })
    }
}

/// Shows where the request goes, not what it carries: values may hold secrets rendered from templates.
impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.0.query.iter().map(|pair| pair.split('=').next().unwrap_or_default()).collect();
        f.debug_struct("RequestBuilder")
            .field("method", &self.0.method)
            .field("base_url", &&self.0.url[..self.0.path_at])
            .field("path", &&self.0.url[self.0.path_at..])
            .field("query", &query)
            .field("headers", &self.0.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The URI of a request: exactly what the WHATWG URL parser (`url`, reqwest's) makes of the joined
/// text, for a path without dot segments (`prepare` refuses those). Parsing that is most of the cost
/// of building a request, so it is skipped when it would change nothing: the base URL is already as
/// the parser writes it (checked once per thread for the last base seen, which also keeps its scheme
/// and authority parsed) and the path (which starts with `/`) and query hold only characters it
/// leaves as they are (what the encoders write). Then only the path and query are parsed, in place.
fn request_uri(mut url: String, path_at: usize, query: &[String]) -> Result<http::Uri, Error> {
    let invalid = |reason: String| Error::invalid("base_url", format!("not a valid URL with this path ({reason})"));
    let (base_url, path) = url.split_at(path_at);
    let origin = if path.starts_with('/') && kept_as_is(path, false) && query.iter().all(|pair| kept_as_is(pair, true)) {
        canonical_base(base_url)
    } else {
        None
    };
    push_query(&mut url, query);
    if let Some((scheme, authority)) = origin {
        let origin_length = scheme.as_str().len() + "://".len() + authority.as_str().len();
        // The string itself holds the path and query, without a copy. Were they refused, the URL
        // parser would give the same text back to be refused again.
        let path_and_query = http::uri::PathAndQuery::from_maybe_shared(Bytes::from(url).slice(origin_length..)).map_err(|e| invalid(e.to_string()))?;
        let mut parts = http::uri::Parts::default();
        (parts.scheme, parts.authority, parts.path_and_query) = (Some(scheme), Some(authority), Some(path_and_query));
        return http::Uri::from_parts(parts).map_err(|e| invalid(e.to_string()));
    }
    let url = reqwest::Url::parse(&url).map_err(|e| invalid(e.to_string()))?;
    http::Uri::try_from(url.as_str()).map_err(|e| invalid(e.to_string()))
}

/// The scheme and authority of `base` (without its trailing `/`) when it is an `http` or `https` URL
/// as the URL parser writes it and `http::Uri` reads it back to the same text, remembering the answer
/// for the last base this thread asked about.
fn canonical_base(base: &str) -> Option<(http::uri::Scheme, http::uri::Authority)> {
    type Origin = Option<(http::uri::Scheme, http::uri::Authority)>;
    thread_local! {
        static LAST: std::cell::RefCell<(String, Origin)> = const { std::cell::RefCell::new((String::new(), None)) };
    }
    LAST.with_borrow_mut(|(last, origin)| {
        if last != base {
            let canonical = (base.starts_with("http://") || base.starts_with("https://"))
                && reqwest::Url::parse(base).is_ok_and(|url| url.as_str().strip_suffix('/').unwrap_or(url.as_str()) == base && url.query().is_none())
                && !base.contains('#');
            *origin = canonical.then(|| base.parse::<http::Uri>().ok()).flatten().and_then(|uri| {
                let (scheme, authority) = (uri.scheme()?.clone(), uri.authority()?.clone());
                base.strip_prefix(scheme.as_str())?.strip_prefix("://")?.starts_with(authority.as_str()).then_some((scheme, authority))
            });
            base.clone_into(last);
        }
        origin.clone()
    })
}

/// Whether the URL parser leaves `text` unchanged in a path (or a query): unreserved characters,
/// sub-delimiters (but `'` in a query, which it encodes for `http`), `:`, `@`, `/`, `%` escapes, and
/// `?` in a query.
fn kept_as_is(text: &str, in_query: bool) -> bool {
    // A table of what each byte is (this runs over every upstream path and query).
    const PATH: u8 = 1;
    const QUERY: u8 = 2;
    const KEPT: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = match c {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => PATH | QUERY,
                b'!' | b'$' | b'&' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' | b'/' => PATH | QUERY,
                b'\'' => PATH,
                b'?' => QUERY,
                _ => 0,
            };
            b += 1;
        }
        table
    };
    let kept = if in_query { QUERY } else { PATH };
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        KEPT[usize::from(b)] & kept != 0 || (b == b'%' && bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)))
    })
}

/// Appends `?pair&pair…` to `url`.
fn push_query(url: &mut String, query: &[String]) {
    url.reserve(query.iter().map(|q| q.len() + 1).sum::<usize>());
    for (i, pair) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(pair);
    }
}

fn header_value(text: &str) -> Result<HeaderValue, &'static str> {
    if text.contains(['\r', '\n', '\0']) {
        return Err("a header value must not contain CR, LF or NUL");
    }
    HeaderValue::from_bytes(text.as_bytes()).map_err(|_| "not a valid HTTP header value")
}

/// How many values of each kind a thread keeps ([`kept_or_made`]); past it they are made each time.
const KEPT_PER_THREAD: usize = 16;

/// The value `kept` holds under a key `is_key` accepts, or else the key and value `make` makes (kept
/// while there is room).
fn kept_or_made<K: 'static, V: Clone + 'static, E>(
    kept: &'static std::thread::LocalKey<std::cell::RefCell<Vec<(K, V)>>>,
    is_key: impl Fn(&K) -> bool,
    make: impl FnOnce() -> Result<(K, V), E>,
) -> Result<V, E> {
    kept.with_borrow_mut(|kept| {
        if let Some((_, value)) = kept.iter().find(|(key, _)| is_key(key)) {
            return Ok(value.clone());
        }
        let (key, value) = make()?;
        if kept.len() < KEPT_PER_THREAD {
            kept.push((key, value.clone()));
        }
        Ok(value)
    })
}

/// The header an API key travels in, parsed once per thread and name: `HeaderName::from_bytes`
/// lowercases and copies a name that is not a standard header's, which cost more than the rest of
/// preparing a request's headers. A spec declares a few such names (see [`KEPT_PER_THREAD`]).
fn api_key_header(name: &str) -> Result<HeaderName, Error> {
    thread_local! {
        static PARSED: std::cell::RefCell<Vec<(Box<str>, HeaderName)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    kept_or_made(&PARSED, |kept| **kept == *name, || {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::invalid(name, "not a valid HTTP header name"))?;
        Ok((name.into(), header))
    })
}

/// The credential header `prefix` + `secret`, marked sensitive (kept out of `Debug` and of HTTP/2
/// header compression tables). Made once per thread and credential (see [`KEPT_PER_THREAD`]), then
/// shared: checking and copying the value cost a hundredth of a request, and each copy was one more
/// the allocator freed unzeroed. The text it was made from is kept as a [`Secret`] (zeroed when
/// dropped).
fn secret_header(prefix: &str, secret: &str) -> Result<HeaderValue, Error> {
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(Secret, HeaderValue)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let made_from = |text: &Secret| {
        let text = text.expose();
        text.len() == prefix.len() + secret.len() && text.starts_with(prefix) && text.ends_with(secret)
    };
    kept_or_made(&MADE, made_from, || {
        let text = Secret::new(format!("{prefix}{secret}"));
        let mut value = header_value(text.expose()).map_err(|reason| Error::invalid("authentication", reason))?;
        value.set_sensitive(true);
        Ok((text, value))
    })
}

/// RFC 7230 `token`: what a cookie name may be.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// `{"name": value, …}` with each value's JSON text as it is.
fn object_bytes(fields: &[(String, Json)]) -> Bytes {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(name.clone()).to_string());
        out.push(':');
        out.push_str(value.as_str());
    }
    out.push('}');
    Bytes::from(out)
}

fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(value.to_string())
}

fn template_bytes(content_type: &str, value: Value) -> Bytes {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let is_json = essence == "application/json" || essence.ends_with("+json");
    match value {
        _ if is_json => json_bytes(&value),
        Value::Object(map) if essence == "application/x-www-form-urlencoded" => {
            let mut pairs = Vec::new();
            for (name, value) in &map {
                for item in value.to_query_values() {
                    pairs.push(format!("{}={}", encode::component(name), encode::component(&item)));
                }
            }
            Bytes::from(pairs.join("&"))
        }
        Value::String(text) => Bytes::from(text),
        other => json_bytes(&other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept header name is the one `HeaderName::from_bytes` makes, the second time too; a name that
    /// is not one is refused each time.
    #[test]
    fn api_key_header_names_are_parsed_as_http_parses_them() {
        for name in ["X-Auth-Token", "x-api-key", "Authorization", "X-Auth-Token"] {
            assert_eq!(api_key_header(name).ok(), HeaderName::from_bytes(name.as_bytes()).ok(), "{name}");
        }
        for _ in 0..2 {
            assert!(api_key_header("bad name").is_err());
        }
    }

    /// The shortcut of [`request_uri`] gives what the URL parser gives, whatever the base, path
    /// and query `prepare` lets through (it refuses dot segments, which the parser would resolve):
    /// written as the parser writes it, or refused where it refuses.
    #[test]
    fn the_uri_is_what_the_url_parser_makes_of_the_request() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://api.test/base",
            "HTTPS://API.Test:443/v1",
            "http://api.test:80",
            "http://bücher.test",
            "http://u:p@api.test",
            "http://api.test/a/../b",
            "http://[::1]:9",
            "ftp://api.test",
            "not a url",
        ];
        let paths = ["/x/y", "", "x", "/a b", "/é", "/%2F", "/%zz", "/a'b", "/{x}", "/a|b", "/a\\b", "/a/./b"];
        let queries: [&[&str]; 6] = [&[], &["a=1"], &["a=1", "b=x%20y"], &["q='x'"], &["q=a b"], &["q=?/:@"]];
        for base in bases {
            for path in paths {
                for query in queries {
                    if path.split('/').any(encode::is_dot_segment) {
                        assert!(url_of(RequestBuilder::new(Method::GET, base).path(path)).starts_with("error:"), "{path}");
                        continue;
                    }
                    let query: Vec<String> = query.iter().map(|q| (*q).to_owned()).collect();
                    let mut joined = format!("{base}{path}");
                    push_query(&mut joined, &query);
                    let expected = reqwest::Url::parse(&joined).ok().and_then(|url| http::Uri::try_from(url.as_str()).ok());
                    let got = request_uri(format!("{base}{path}"), base.len(), &query).ok();
                    assert_eq!(got, expected, "{base} {path} {query:?}");
                }
            }
        }
    }

    fn url_of(request: RequestBuilder) -> String {
        request.prepare(&ClientAuth::None).map(|p| p.uri.to_string()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn encoded_values_survive_url_parsing() {
        let request = RequestBuilder::new(Method::GET, "https://api.test/base/")
            .path("/zones/")
            .path_param("zone", "a/b?c#d%")
            .unwrap()
            .path("/x/")
            .path_param("id", "...")
            .unwrap();
        assert_eq!(url_of(request), "https://api.test/base/zones/a%2Fb%3Fc%23d%25/x/...");
        let request = RequestBuilder::new(Method::GET, "https://api.test").path("/f/").path_param("name", "%2E%2Ex%2F").unwrap();
        assert_eq!(url_of(request), "https://api.test/f/%252E%252Ex%252F");
        let request = RequestBuilder::new(Method::GET, "https://api.test").path("/u/").path_param("name", "zürich 1").unwrap();
        assert_eq!(url_of(request), "https://api.test/u/z%C3%BCrich%201");
    }

    /// Why dot segments are rejected: the URL parser collapses them even when percent-encoded.
    #[test]
    fn url_parser_collapses_encoded_dot_segments() {
        assert_eq!(reqwest::Url::parse("https://h.test/a/%2E%2E/b").unwrap().path(), "/b");
        assert_eq!(reqwest::Url::parse("https://h.test/a/%2e/b").unwrap().path(), "/a/b");
        assert_eq!(reqwest::Url::parse("https://h.test/a/%2F/b").unwrap().path(), "/a/%2F/b");
    }

    #[test]
    fn text_kept_as_is_is_what_the_url_parser_keeps() {
        for byte in 0x20u8..0x7f {
            let c = char::from(byte);
            for text in [format!("/a{c}b"), format!("/a{c}"), format!("/%4{c}x")] {
                let url = reqwest::Url::parse(&format!("http://h.test{text}"));
                let path_kept = url.as_ref().is_ok_and(|u| u.path() == text && u.query().is_none() && u.fragment().is_none());
                assert!(!kept_as_is(&text, false) || path_kept, "path {text:?}");
                let pair = &text[1..];
                let url = reqwest::Url::parse(&format!("http://h.test/?{pair}"));
                let query_kept = url.as_ref().is_ok_and(|u| u.query() == Some(pair) && u.fragment().is_none());
                assert!(!kept_as_is(pair, true) || query_kept, "query {pair:?}");
            }
        }
        assert!(kept_as_is("/v1/zones/fr-par-1/snapshots", false));
        assert!(kept_as_is("/a%2Fb", false) && !kept_as_is("/a%2", false) && !kept_as_is("/a%zz", false));
        assert!(kept_as_is("a=b?c", true) && !kept_as_is("/a?b", false) && !kept_as_is("a='", true) && kept_as_is("/a'", false));
    }

    #[test]
    fn dot_segments_rejected() {
        for value in [".", "..", "%2e", "%2E%2e", ".%2E", ""] {
            let err = RequestBuilder::new(Method::GET, "https://h.test").path("/a/").path_param("id", value).unwrap_err();
            assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "id"), "{value:?}: {err}");
        }
        // Two values side by side in one segment.
        let request = RequestBuilder::new(Method::GET, "https://h.test").path("/a/").path_param("x", ".a").unwrap();
        for path in ["/a/.", "/a/..", "/a/%2e%2E", "/a/%2E/b", "/./a"] {
            let mut request = request.clone();
            request.0.url.truncate(request.0.path_at);
            request.0.url.push_str(path);
            assert!(request.prepare(&ClientAuth::None).is_err(), "{path}");
        }
        // A `.` or an escape elsewhere in a segment is no dot segment.
        for path in ["/a/.b", "/a/b%2e", "/v1.2/x%20y/..."] {
            let mut request = request.clone();
            request.0.url.truncate(request.0.path_at);
            request.0.url.push_str(path);
            assert!(request.prepare(&ClientAuth::None).is_ok(), "{path}");
        }
    }

    #[test]
    fn query_encoding() {
        let request = RequestBuilder::new(Method::GET, "https://h.test")
            .path("/s")
            .query("name", "a b&c=d")
            .query("page", &2i64)
            .query("ratio", &0.5f64)
            .query("public", &true)
            .query("absent", &None::<String>)
            .query("tags", &vec!["x/y".to_owned(), "é".to_owned()])
            .query_all("ids", &["1".to_owned(), "2".to_owned()]);
        assert_eq!(url_of(request), "https://h.test/s?name=a%20b%26c%3Dd&page=2&ratio=0.5&public=true&tags=x%2Fy&tags=%C3%A9&ids=1&ids=2");
    }

    #[test]
    fn headers_reject_line_breaks() {
        for value in ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\0b"] {
            let err = RequestBuilder::new(Method::GET, "https://h.test").header("X-Note", value).unwrap_err();
            assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "X-Note"));
            assert!(!err.to_string().contains("Evil"), "the value is not echoed: {err}");
        }
        assert!(RequestBuilder::new(Method::GET, "https://h.test").header("Bad Name", "v").is_err());
        assert!(RequestBuilder::new(Method::GET, "https://h.test").header("X-Absent", &None::<String>).is_ok());
    }

    #[test]
    fn auth_and_cookies() {
        let request = RequestBuilder::new(Method::GET, "https://h.test").path("/p").cookie("session", "a b;c").unwrap();
        let auth = ClientAuth::api_key(Placement::Cookie, "key", crate::Secret::new("s3cr;t"));
        let prepared = request.prepare(&auth).unwrap();
        assert_eq!(prepared.headers(0)[COOKIE], "session=a%20b%3Bc; key=s3cr%3Bt");

        let request = RequestBuilder::new(Method::GET, "https://h.test").path("/p");
        let auth = ClientAuth::api_key(Placement::Query, "api key", crate::Secret::new("k&1"));
        assert_eq!(request.prepare(&auth).unwrap().uri.to_string(), "https://h.test/p?api%20key=k%261");

        let request = RequestBuilder::new(Method::GET, "https://h.test").header("Authorization", "from-caller").unwrap();
        let prepared = request.prepare(&ClientAuth::basic("Aladdin".into(), "open sesame".into())).unwrap();
        assert_eq!(prepared.headers(0).get_all(AUTHORIZATION).iter().collect::<Vec<_>>(), ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
        assert!(prepared.headers(0)[AUTHORIZATION].is_sensitive());
    }

    /// A credential header is made once per thread and credential, and each request gets its own
    /// credential's value: made again, kept, or (two credentials whose texts share a prefix and a
    /// suffix, a bearer token that is another key's tail) told apart.
    #[test]
    fn credential_headers_are_kept_per_credential() {
        let header = |auth: &ClientAuth, name| {
            let prepared = RequestBuilder::new(Method::GET, "https://h.test").prepare(auth).unwrap();
            let headers = prepared.headers(0);
            let value = &headers[name];
            assert!(value.is_sensitive());
            value.to_str().unwrap().to_owned()
        };
        let key = |value: &str| ClientAuth::api_key(Placement::Header, "X-Auth-Token", crate::Secret::new(value));
        for _ in 0..2 {
            assert_eq!(header(&key("Bearer tok"), "x-auth-token"), "Bearer tok");
            assert_eq!(header(&ClientAuth::bearer("tok".into()), "authorization"), "Bearer tok");
            assert_eq!(header(&key("tok"), "x-auth-token"), "tok");
            assert_eq!(header(&ClientAuth::bearer("Bearer tok".into()), "authorization"), "Bearer Bearer tok");
        }
        for i in 0..40 {
            assert_eq!(header(&key(&format!("key-{i}")), "x-auth-token"), format!("key-{i}"));
        }
        assert!(RequestBuilder::new(Method::GET, "https://h.test").prepare(&key("a\r\nb")).is_err());
    }

    #[test]
    fn bodies() {
        let body = |r: RequestBuilder| {
            let p = r.prepare(&ClientAuth::None).unwrap();
            (p.headers(0).get(CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()), p.body.map(|b| String::from_utf8(b.to_vec()).unwrap()))
        };
        let base = || RequestBuilder::new(Method::POST, "https://h.test");
        assert_eq!(body(base().json_body(&serde_json::json!({"a": 1}))), (Some("application/json".into()), Some(r#"{"a":1}"#.into())));
        assert_eq!(body(base().json_body(&None::<Value>)), (None, None));
        assert_eq!(
            body(base().body_field("name", "n").body_field("size", &None::<i64>).body_field("tags", &vec!["t".to_owned()])),
            (Some("application/json".into()), Some(r#"{"name":"n","tags":["t"]}"#.into()))
        );
        assert_eq!(
            body(base().templated_body("application/x-www-form-urlencoded", serde_json::json!({"q": "a b", "n": 2}))),
            (Some("application/x-www-form-urlencoded".into()), Some("q=a%20b&n=2".into()))
        );
        assert_eq!(body(base().templated_body("text/plain", Value::from("hi"))), (Some("text/plain".into()), Some("hi".into())));
    }

    #[test]
    fn debug_hides_values() {
        let request = RequestBuilder::new(Method::GET, "https://h.test").query("apikey", "s3cret").header("X-Key", "s3cret").unwrap();
        assert!(!format!("{request:?}").contains("s3cret"));
    }
}
