//! [`Secret`]: a credential that can be used but never printed.

use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

/// A credential (API key, token, password) or a value built from one.
///
/// `Debug` and `Display` print `Secret(***)`, so a secret cannot reach a log line, an error message or
/// a `{:?}` of a struct holding it by accident; [`Secret::expose`] is the one, greppable, way to read it.
/// The value is held by [`secrecy`], which zeroes its memory when dropped (a clone is a second copy,
/// zeroed in turn).
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        let mut value = value.into();
        // `String::into_boxed_str` (secrecy's `From<String>`) may move the text to a tighter buffer and
        // free the old one as it was: copy it into an exact one instead, then zero the whole original.
        let secret = SecretString::from(value.as_str());
        value.zeroize();
        Secret(secret)
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

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
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
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

    #[test]
    fn compared_and_cloned_by_value() {
        let s = Secret::from("k");
        assert_eq!(s, Secret::new("k".to_owned()));
        assert_ne!(s, Secret::from(String::from("K")));
        assert_eq!(s.clone().expose(), "k");
        assert_eq!(Secret::default().expose(), "");
    }
}
