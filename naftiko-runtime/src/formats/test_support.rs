//! What the converters' tests share: a conversion that must succeed or fail, and a body mangled every
//! way one byte can mangle it.

use std::fmt::Display;

/// The value `text` converted to; a failure names the text and why.
pub(crate) fn converted<T: Display>(text: &str, result: Result<T, String>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("{text:?} did not convert: {error}"),
    }
}

/// Why `text` did not convert; a success names the text and what it made.
pub(crate) fn refused<T: Display>(text: &str, result: Result<T, String>) -> String {
    match result {
        Ok(value) => panic!("{text:?} converted to {value}"),
        Err(error) => error,
    }
}

/// Feeds `decode` every prefix of `body`, then `body` with each byte in turn replaced by each of a few
/// telling values (0, 0x7f, 0x80, 0xff): the decoder must answer each, whatever it answers.
pub(crate) fn prefixes_and_corruptions(body: &[u8], mut decode: impl FnMut(&[u8])) {
    for end in 0..body.len() {
        decode(&body[..end]);
    }
    for index in 0..body.len() {
        for byte in [0x00, 0x7f, 0x80, 0xff] {
            let mut corrupt = body.to_vec();
            corrupt[index] = byte;
            decode(&corrupt);
        }
    }
}
