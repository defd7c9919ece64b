//! Rust text into the formatter's tokens: the tokens `quote!` would have made of the same template.
//!
//! It lexes what [`crate::emit::code`] writes (tokens spelled by `stringify!`, literals and names spelled
//! as proc-macro2 spells them), by the rules of proc-macro2's lexer: a punctuation character joins the
//! next when that is punctuation too, and `'a` is a joined `'` and a name. Names and literals are
//! slices of the text. Emitted code has no comments (a template's doc comments reach it as `#[doc]`
//! attributes), so a comment is an error rather than something to skip.

use proc_macro2::Delimiter;

use super::tree::Tok;

/// The tokens of `text` and where each top-level token starts, or where it does not lex.
pub fn lex(text: &str) -> Result<(Vec<Tok<'_>>, Vec<usize>), String> {
    let mut lexer = Lexer { text, bytes: text.as_bytes(), at: 0, pending: Vec::new() };
    let mut offsets = Vec::new();
    let tokens = lexer.tokens(None, Some(&mut offsets))?;
    Ok((tokens, offsets))
}

struct Lexer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    /// The tokens of the groups being lexed, innermost last: a group's are moved into a vector of
    /// their exact number when it closes (pushing to a vector per group would grow each one).
    pending: Vec<Tok<'t>>,
}

/// Punctuation, for joining: proc-macro2's list.
fn is_punct(b: u8) -> bool {
    matches!(b, b'~' | b'!' | b'@' | b'#' | b'$' | b'%' | b'^' | b'&' | b'*' | b'-' | b'=' | b'+' | b'|' | b';' | b':' | b',' | b'<' | b'.' | b'>' | b'/' | b'?' | b'\'')
}

fn is_ident_start(ch: char) -> bool {
    ch.is_ascii_alphabetic() || ch == '_' || (!ch.is_ascii() && unicode_ident::is_xid_start(ch))
}

impl<'t> Lexer<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn error(&self, what: &str) -> String {
        let context: String = self.rest().chars().take(40).collect();
        format!("{what} at byte {} ({context:?})", self.at)
    }

    /// Tokens up to `close` (the end of the text when `None`), and where each top-level one starts.
    fn tokens(&mut self, close: Option<u8>, mut offsets: Option<&mut Vec<usize>>) -> Result<Vec<Tok<'t>>, String> {
        let first = self.pending.len();
        loop {
            while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
                self.at += 1;
            }
            let start = self.at;
            let Some(&b) = self.bytes.get(self.at) else {
                return match close {
                    None => Ok(self.pending.drain(first..).collect()),
                    Some(close) => Err(self.error(&format!("`{}` missing", char::from(close)))),
                };
            };
            let token = match b {
                b'(' | b'[' | b'{' => {
                    self.at += 1;
                    let (delimiter, closing) = match b {
                        b'(' => (Delimiter::Parenthesis, b')'),
                        b'[' => (Delimiter::Bracket, b']'),
                        _ => (Delimiter::Brace, b'}'),
                    };
                    Tok::Group(delimiter, self.tokens(Some(closing), None)?)
                }
                b')' | b']' | b'}' => {
                    if close != Some(b) {
                        return Err(self.error("unbalanced delimiter"));
                    }
                    self.at += 1;
                    return Ok(self.pending.drain(first..).collect());
                }
                b'/' if self.bytes.get(self.at + 1) == Some(&b'/') => return Err(self.error("a comment (emitted code has none)")),
                b'"' => self.literal(|l| l.quoted(0))?,
                b'\'' => self.quote()?,
                b'0'..=b'9' => self.number(),
                _ if is_punct(b) => {
                    self.at += 1;
                    Tok::Punct(char::from(b), self.bytes.get(self.at).is_some_and(|&next| is_punct(next)))
                }
                _ if self.rest().starts_with(is_ident_start) => self.word()?,
                _ => return Err(self.error("unexpected character")),
            };
            self.pending.push(token);
            if let Some(offsets) = offsets.as_deref_mut() {
                // `'a` is two tokens: both start here.
                offsets.resize(self.pending.len() - first, start);
            }
        }
    }

    /// A literal whose body `body` scans (returning its length from the current position), then its
    /// suffix.
    fn literal(&mut self, body: impl FnOnce(&Self) -> Option<usize>) -> Result<Tok<'t>, String> {
        let start = self.at;
        let Some(len) = body(self) else {
            return Err(self.error("unterminated literal"));
        };
        self.at += len;
        self.skip_ident_chars();
        Ok(Tok::Literal(&self.text[start..self.at]))
    }

    /// The length of `"…"` starting `offset` bytes from here, escapes honoured.
    fn quoted(&self, offset: usize) -> Option<usize> {
        let body = self.at + offset + 1;
        let mut i = body;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => return Some(i + 1 - self.at),
                _ => i += 1,
            }
        }
        None
    }

    /// The length of `r#"…"#` (with `prefix` bytes before the `r`'s hashes).
    fn raw_quoted(&self, prefix: usize) -> Option<usize> {
        let rest = &self.rest()[prefix..];
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        let body = rest[hashes..].strip_prefix('"')?;
        let closing = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&closing)?;
        Some(prefix + hashes + 1 + end + closing.len())
    }

    fn skip_ident_chars(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.at += 1;
            } else if b.is_ascii() {
                return;
            } else {
                let Some(ch) = self.rest().chars().next().filter(|&ch| unicode_ident::is_xid_continue(ch)) else { return };
                self.at += ch.len_utf8();
            }
        }
    }

    /// A name, a raw name (`r#type`), or a literal with a letter prefix (`r"…"`, `b"…"`, `br#"…"#`,
    /// `b'x'`, `c"…"`).
    fn word(&mut self) -> Result<Tok<'t>, String> {
        let rest = self.rest();
        let raw_string = |prefix: &str| rest.strip_prefix(prefix).is_some_and(|after| after.trim_start_matches('#').starts_with('"'));
        if raw_string("r") {
            return self.literal(|l| l.raw_quoted(1));
        }
        if raw_string("br") || raw_string("cr") {
            return self.literal(|l| l.raw_quoted(2));
        }
        if rest.starts_with("b\"") || rest.starts_with("c\"") {
            return self.literal(|l| l.quoted(1));
        }
        if rest.starts_with("b'") {
            let start = self.at;
            self.at += 1;
            let Some(len) = self.char_literal() else {
                return Err(self.error("unterminated byte literal"));
            };
            self.at += len;
            return Ok(Tok::Literal(&self.text[start..self.at]));
        }
        let start = self.at;
        if rest.starts_with("r#") && rest[2..].starts_with(is_ident_start) {
            self.at += 2;
        }
        self.skip_ident_chars();
        Ok(Tok::Ident(&self.text[start..self.at]))
    }

    /// The length of a character literal `'x'` or `'\n'` here, if there is one.
    fn char_literal(&self) -> Option<usize> {
        let rest = self.rest();
        let mut chars = rest.char_indices().skip(1);
        let (_, first) = chars.next()?;
        if first == '\\' {
            // `'\''`: the escaped character is not the end.
            let close = rest.get(3..)?.find('\'')?;
            return Some(3 + close + 1);
        }
        let (at, next) = chars.next()?;
        (next == '\'').then_some(at + 1)
    }

    /// After `'`: a character literal, or a lifetime (a joined `'`, pushed here, and its name).
    fn quote(&mut self) -> Result<Tok<'t>, String> {
        if let Some(len) = self.char_literal() {
            let start = self.at;
            self.at += len;
            self.skip_ident_chars();
            return Ok(Tok::Literal(&self.text[start..self.at]));
        }
        self.at += 1;
        if !self.rest().starts_with(is_ident_start) {
            return Err(self.error("a lone `'`"));
        }
        self.pending.push(Tok::Punct('\'', true));
        self.word()
    }

    /// A number: digits, letters and `_` (base prefixes and suffixes), a `.` before a digit, and an
    /// exponent's sign.
    fn number(&mut self) -> Tok<'t> {
        let start = self.at;
        let bytes = self.bytes;
        let hex = self.rest().starts_with("0x") || self.rest().starts_with("0X");
        let mut fraction_seen = false;
        while let Some(&b) = bytes.get(self.at) {
            let exponent_sign = (b == b'+' || b == b'-') && !hex && matches!(bytes[self.at - 1], b'e' | b'E') && bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
            let fraction = b == b'.' && !fraction_seen && bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
            fraction_seen |= fraction;
            if b.is_ascii_alphanumeric() || b == b'_' || exponent_sign || fraction {
                self.at += 1;
            } else {
                break;
            }
        }
        Tok::Literal(&self.text[start..self.at])
    }
}
