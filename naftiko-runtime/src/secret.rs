//! [`Secret`]: a credential that can be used but never printed.

use std::fmt;

/// A credential (API key, token, password) or a value built from one.
///
/// `Debug` and `Display` print `Secret(***)`, so a secret cannot reach a log line, an error message or
/// a `{:?}` of a struct holding it by accident; [`Secret::expose`] is the one, greppable, way to read it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "Secret(***)");
        #[derive(Debug)]
        #[allow(dead_code)] // read through Debug only
        struct Holder {
            key: Secret,
        }
        assert!(!format!("{:?}", Holder { key: s.clone() }).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }
}
