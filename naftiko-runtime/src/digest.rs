//! HTTP Digest authentication (RFC 7616): parsing a `401` challenge and answering it.

use std::fmt::Write as _;

use http::HeaderMap;
use http::header::WWW_AUTHENTICATE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha256,
}

/// A `Digest` challenge we can answer: MD5 or SHA-256 (plain or `-sess`), `qop=auth` or no qop.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// The name as the server wrote it, echoed back.
    algorithm_name: Option<String>,
    session: bool,
    /// The server offered `qop=auth`; without qop the RFC 2069 response is computed.
    qop_auth: bool,
}

/// The first `Digest` challenge of the reply's `WWW-Authenticate` headers that we can answer.
pub(crate) fn challenge(headers: &HeaderMap) -> Option<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_challenges)
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("digest"))
        .find_map(|(_, params)| Challenge::from_params(&params))
}

impl Challenge {
    fn from_params(params: &[(String, String)]) -> Option<Challenge> {
        let get = |name: &str| params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let algorithm_name = get("algorithm");
        let (algorithm, session) = match algorithm_name.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None | Some("MD5") => (Algorithm::Md5, false),
            Some("MD5-SESS") => (Algorithm::Md5, true),
            Some("SHA-256") => (Algorithm::Sha256, false),
            Some("SHA-256-SESS") => (Algorithm::Sha256, true),
            Some(_) => return None,
        };
        let qop_auth = match get("qop") {
            None => false,
            // Only `auth-int` offered: we do not sign bodies.
            Some(qop) => qop.split(',').any(|q| q.trim().eq_ignore_ascii_case("auth")).then_some(true)?,
        };
        Some(Challenge {
            realm: get("realm").unwrap_or_default(),
            nonce: get("nonce")?,
            opaque: get("opaque"),
            algorithm,
            algorithm_name,
            session,
            qop_auth,
        })
    }

    /// The `Authorization` header value answering this challenge for `method uri`; `None` when the
    /// system's random source fails to give a client nonce.
    pub(crate) fn authorization(&self, method: &str, uri: &str, username: &str, password: &str) -> Option<String> {
        Some(self.authorization_with_cnonce(method, uri, username, password, &cnonce()?))
    }

    fn authorization_with_cnonce(&self, method: &str, uri: &str, username: &str, password: &str, cnonce: &str) -> String {
        const NC: &str = "00000001";
        let hash = |data: String| hex(self.algorithm, data.as_bytes());
        let mut ha1 = hash(format!("{username}:{}:{password}", self.realm));
        if self.session {
            ha1 = hash(format!("{ha1}:{}:{cnonce}", self.nonce));
        }
        let ha2 = hash(format!("{method}:{uri}"));
        let response =
            if self.qop_auth { hash(format!("{ha1}:{}:{NC}:{cnonce}:auth:{ha2}", self.nonce)) } else { hash(format!("{ha1}:{}:{ha2}", self.nonce)) };
        let mut out = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{response}\"",
            quote(username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(uri)
        );
        if let Some(name) = &self.algorithm_name {
            let _ = write!(out, ", algorithm={name}");
        }
        if let Some(opaque) = &self.opaque {
            let _ = write!(out, ", opaque=\"{}\"", quote(opaque));
        }
        if self.qop_auth {
            let _ = write!(out, ", qop=auth, nc={NC}, cnonce=\"{cnonce}\"");
        }
        out
    }
}

fn hex(algorithm: Algorithm, data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    let mut push = |bytes: &[u8]| {
        bytes.iter().for_each(|b| {
            let _ = write!(out, "{b:02x}");
        })
    };
    match algorithm {
        Algorithm::Md5 => push(&md5::compute(data).0),
        Algorithm::Sha256 => push(ring::digest::digest(&ring::digest::SHA256, data).as_ref()),
    }
    out
}

/// A client nonce: 128 bits from the operating system's random source (ring's `SystemRandom`), in hex.
fn cnonce() -> Option<String> {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).ok()?;
    Some(bytes.iter().fold(String::with_capacity(32), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    }))
}

fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `WWW-Authenticate` value → `(scheme, params)` per challenge (RFC 7235 §4.1; several may share a line).
fn parse_challenges(header: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let bytes = header.as_bytes();
    let mut i = 0;
    let is_token_char = |b: u8| !(b.is_ascii_whitespace() || b == b',' || b == b'=' || b == b'"');
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && is_token_char(bytes[i]) {
            i += 1;
        }
        if start == i {
            i += 1; // a stray `=` or `"`: skip it
            continue;
        }
        let token = &header[start..i];
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'"' {
                j += 1;
                let mut chars = header[j..].char_indices();
                let mut end = header.len();
                while let Some((k, c)) = chars.next() {
                    match c {
                        '"' => {
                            end = j + k + 1;
                            break;
                        }
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        c => value.push(c),
                    }
                }
                j = end;
            } else {
                let value_start = j;
                while j < bytes.len() && !(bytes[j].is_ascii_whitespace() || bytes[j] == b',') {
                    j += 1;
                }
                value.push_str(&header[value_start..j]);
            }
            if let Some((_, params)) = out.last_mut() {
                params.push((token.to_owned(), value));
            }
            i = j;
        } else {
            out.push((token.to_owned(), Vec::new()));
            i = j;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(WWW_AUTHENTICATE, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn rfc_2617_example() {
        let ch = challenge(&headers(&[
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        ]))
        .unwrap();
        let value = ch.authorization_with_cnonce("GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b");
        assert!(value.contains(r#"response="6629fae49393a05397450978507c4ef1""#), "{value}");
        assert!(value.contains(r#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#));
        assert!(value.contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\""));
    }

    #[test]
    fn rfc_7616_examples() {
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        for (algorithm, expected) in
            [("MD5", "8ca523f5e9506fed4657c9700eebdbec"), ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
        {
            let header = format!(
                r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, nonce="{nonce}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
            );
            let ch = challenge(&headers(&[&header])).unwrap();
            let value = ch.authorization_with_cnonce("GET", "/dir/index.html", "Mufasa", "Circle of Life", cnonce);
            assert!(value.contains(&format!("response=\"{expected}\"")), "{algorithm}: {value}");
            assert!(value.contains(&format!("algorithm={algorithm}")));
        }
    }

    #[test]
    fn picks_the_digest_challenge_among_others() {
        let ch = challenge(&headers(&[r#"Basic realm="x", Digest realm="r", nonce="n""#])).unwrap();
        assert_eq!((ch.realm.as_str(), ch.nonce.as_str(), ch.qop_auth), ("r", "n", false));
        assert!(challenge(&headers(&[r#"Basic realm="x""#])).is_none());
        assert!(challenge(&headers(&[r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#])).is_none());
        assert!(challenge(&headers(&[r#"Digest realm="r", nonce="n", qop="auth-int""#])).is_none());
        assert_eq!(
            parse_challenges(r#"Digest realm="a \"q\"", nonce=abc"#),
            vec![("Digest".to_owned(), vec![("realm".to_owned(), "a \"q\"".to_owned()), ("nonce".to_owned(), "abc".to_owned())])]
        );
    }

    #[test]
    fn cnonces_differ() {
        let (a, b) = (cnonce().unwrap(), cnonce().unwrap());
        assert_ne!(a, b);
        assert!(a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{a}");
    }
}
