//! [`ServerAuth`]: the credentials an exposed adapter demands (DESIGN §3.8), compared in constant time.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse as _, Response as HttpResponse};

use crate::Secret;
use crate::rest::AdapterError;

/// Credentials an exposed adapter demands.
#[derive(Clone, Debug)]
pub enum ServerAuth {
    Bearer { token: Secret },
    ApiKeyHeader { name: HeaderName, value: Secret },
    ApiKeyQuery { name: String, value: Secret },
    Basic { username: Secret, password: Secret },
}

impl ServerAuth {
    /// Whether the request carries the configured credentials. Scheme names (`Bearer`, `Basic`)
    /// are matched case-insensitively (RFC 9110 §11.1).
    pub fn accepts(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        use base64::Engine as _;
        match self {
            ServerAuth::Bearer { token } => credentials(headers, "Bearer").is_some_and(|given| constant_time_eq(given, token.expose().as_bytes())),
            ServerAuth::ApiKeyHeader { name, value } => {
                headers.get(name).is_some_and(|given| constant_time_eq(given.as_bytes(), value.expose().as_bytes()))
            }
            ServerAuth::ApiKeyQuery { name, value } => query
                .map(|q| form_urlencoded::parse(q.as_bytes()))
                .and_then(|mut pairs| pairs.find(|(k, _)| k == name))
                .is_some_and(|(_, given)| constant_time_eq(given.as_bytes(), value.expose().as_bytes())),
            ServerAuth::Basic { username, password } => {
                let expected = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", username.expose(), password.expose()));
                credentials(headers, "Basic").is_some_and(|given| constant_time_eq(given, expected.as_bytes()))
            }
        }
    }

    /// The `WWW-Authenticate` challenge of a 401 (RFC 9110 §11.6.1): what to send instead.
    pub fn challenge(&self) -> HeaderValue {
        let text = match self {
            ServerAuth::Bearer { .. } => "Bearer".to_owned(),
            ServerAuth::Basic { .. } => r#"Basic realm="api", charset="UTF-8""#.to_owned(),
            ServerAuth::ApiKeyHeader { name, .. } => format!(r#"ApiKey header="{name}""#),
            ServerAuth::ApiKeyQuery { name, .. } => format!(r#"ApiKey query="{}""#, name.replace(['"', '\\'], "")),
        };
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("ApiKey"))
    }

    /// The 401 answered to a request without the credentials.
    pub fn refusal(&self) -> HttpResponse {
        let mut response = AdapterError::unauthorized().into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, self.challenge());
        response
    }
}

/// The credentials after `scheme` in `Authorization`.
fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a [u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let space = value.iter().position(|b| *b == b' ')?;
    let (given_scheme, rest) = value.split_at(space);
    given_scheme.eq_ignore_ascii_case(scheme.as_bytes()).then(|| rest.trim_ascii_start())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        HeaderMap::from_iter([(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap())])
    }

    #[test]
    fn schemes_are_case_insensitive() {
        let bearer = ServerAuth::Bearer { token: Secret::new("s3cret".to_owned()) };
        for value in ["Bearer s3cret", "bearer s3cret", "BEARER s3cret", "bEaReR  s3cret"] {
            assert!(bearer.accepts(&with_authorization(value), None), "{value}");
        }
        for value in ["Bearer s3cre", "Bearers3cret", "Basic s3cret", "s3cret", "Bearer"] {
            assert!(!bearer.accepts(&with_authorization(value), None), "{value}");
        }
        let basic = ServerAuth::Basic { username: Secret::new("Aladdin".to_owned()), password: Secret::new("open sesame".to_owned()) };
        assert!(basic.accepts(&with_authorization("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), None));
    }

    #[test]
    fn refusals_carry_a_challenge() {
        let bearer = ServerAuth::Bearer { token: Secret::new("t".to_owned()) };
        let refusal = bearer.refusal();
        assert_eq!(refusal.status(), 401);
        assert_eq!(refusal.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let key = ServerAuth::ApiKeyHeader { name: HeaderName::from_static("x-api-key"), value: Secret::new("k".to_owned()) };
        assert_eq!(key.challenge(), r#"ApiKey header="x-api-key""#);
    }
}
