//! [`ClientAuth`]: the credentials a client sends, as the spec's `authentication` declares them.

use crate::Secret;

/// Where an API key travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    Header,
    Query,
    Cookie,
}

/// How requests to one upstream API authenticate. Values are already rendered from the spec's
/// templates (`"Bearer {{TOKEN}}"` → the token) by generated code; `Debug` shows none of them.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// The API needs no credentials.
    #[default]
    None,
    /// `name: value` in a header, query parameter or cookie.
    ApiKey { placement: Placement, name: String, value: Secret },
    /// `Authorization: Bearer <token>`.
    Bearer { token: Secret },
    /// `Authorization: Basic base64(username:password)`.
    Basic { username: Secret, password: Secret },
    /// RFC 7616 digest: the first request goes without credentials, the server's `401` challenge is
    /// answered once.
    Digest { username: Secret, password: Secret },
}

impl ClientAuth {
    pub fn api_key(placement: Placement, name: impl Into<String>, value: Secret) -> Self {
        ClientAuth::ApiKey { placement, name: name.into(), value }
    }

    pub fn bearer(token: Secret) -> Self {
        ClientAuth::Bearer { token }
    }

    pub fn basic(username: Secret, password: Secret) -> Self {
        ClientAuth::Basic { username, password }
    }

    pub fn digest(username: Secret, password: Secret) -> Self {
        ClientAuth::Digest { username, password }
    }
}
