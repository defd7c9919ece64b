//! Percent-encoding of values placed in URLs and cookies, so that a value stays one value.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986 `unreserved` (ALPHA / DIGIT / `-` / `.` / `_` / `~`): a value encoded with
/// it can never add a path segment (`/`), a query (`?`), a fragment (`#`), a parameter (`&`, `=`) or an
/// escape of its own (`%`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Bytes outside RFC 6265 `cookie-octet`, plus `%` so that encoded values decode unambiguously.
// Not the `cookie` crate's encoding: it also encodes `/ : = @ ( ) [ ] ^ |` and more (the URL userinfo set),
// which would change the bytes an upstream receives for base64 padding, JWTs or paths it reads as sent.
const COOKIE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%').add(b'\x7f');

/// `value` as exactly one path segment.
///
/// Rejected (with the reason) when it is empty (it would change the path's shape: `/a//b`) or when it
/// is `.` or `..`, also spelled `%2E`/`%2e`: URL libraries and servers collapse such segments even when
/// encoded, which would move the request to another resource.
pub fn path_segment(value: &str) -> Result<String, &'static str> {
    let mut segment = String::new();
    push_path_segment(&mut segment, value)?;
    Ok(segment)
}

/// [`path_segment`], written at the end of `path`.
pub(crate) fn push_path_segment(path: &mut String, value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("a path value must not be empty");
    }
    if is_dot_segment(value) {
        return Err("a path value must not be `.` or `..` (in any spelling): it would change the path");
    }
    // The encoder's pieces appended as they come (no formatting machinery; a value with nothing to
    // encode is one piece).
    path.extend(utf8_percent_encode(value, COMPONENT));
    Ok(())
}

/// A query parameter name or value (and any other URL component): everything but unreserved encoded.
pub fn component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).collect()
}

/// A cookie value: the bytes a cookie cannot hold (`;`, `,`, space, quotes, controls, non-ASCII) encoded.
pub fn cookie_value(value: &str) -> String {
    utf8_percent_encode(value, COOKIE).collect()
}

/// Whether a segment is `.` or `..` once percent-decoded (`%2E`, `.%2e`, …).
pub fn is_dot_segment(segment: &str) -> bool {
    // At most `%2e%2e`, of these characters only: most segments are told apart without decoding
    // (this runs for every segment of every upstream request).
    if segment.is_empty() || segment.len() > 6 || !segment.bytes().all(|b| matches!(b, b'.' | b'%' | b'2' | b'e' | b'E')) {
        return false;
    }
    let decoded = percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_in_every_spelling() {
        for dot in [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e", "%2e%2E"] {
            assert!(is_dot_segment(dot), "{dot}");
        }
        for other in ["", "...", "a", ".a", "%2e%2e%2e", "%2f", "%2", "%25", "fr-par-1", "%2e%2e."] {
            assert!(!is_dot_segment(other), "{other}");
        }
    }

    #[test]
    fn one_segment_whatever_the_value() {
        assert_eq!(path_segment("a/b").unwrap(), "a%2Fb");
        assert_eq!(path_segment("a?b#c").unwrap(), "a%3Fb%23c");
        assert_eq!(path_segment("100%").unwrap(), "100%25");
        assert_eq!(path_segment("%2F").unwrap(), "%252F");
        assert_eq!(path_segment("a b+c").unwrap(), "a%20b%2Bc");
        assert_eq!(path_segment("zürich-日本").unwrap(), "z%C3%BCrich-%E6%97%A5%E6%9C%AC");
        assert_eq!(path_segment("fr-par-1").unwrap(), "fr-par-1");
        assert_eq!(path_segment("a.b_c~d").unwrap(), "a.b_c~d");
        assert_eq!(path_segment("...").unwrap(), "...");
        assert_eq!(path_segment("../etc").unwrap(), "..%2Fetc");
    }

    #[test]
    fn dot_segments_rejected() {
        for value in [".", "..", "%2e", "%2E", "%2e%2E", "%2E%2E", ".%2e", "%2E.", ""] {
            assert!(path_segment(value).is_err(), "{value:?} accepted");
        }
    }

    #[test]
    fn query_and_cookie() {
        assert_eq!(component("a&b=c d"), "a%26b%3Dc%20d");
        assert_eq!(component("x+y/z"), "x%2By%2Fz");
        assert_eq!(cookie_value("a; b=c,d\"é"), "a%3B%20b=c%2Cd%22%C3%A9");
    }
}
