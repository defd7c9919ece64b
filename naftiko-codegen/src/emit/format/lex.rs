//! Rust text into the formatter's tokens: the tokens `quote!` would have made of the same template.
//!
//! It lexes what [`crate::emit::code`] writes (tokens spelled by `stringify!`, literals and names spelled
//! as proc-macro2 spells them), by the rules of proc-macro2's lexer: a punctuation character joins the
//! next when that is punctuation too, `'a` is a joined `'` and a name, `///` is a `#[doc = "…"]`.

use proc_macro2::Delimiter;

use super::tree::Tok;

/// The tokens of `text` and where each top-level token starts, or where it does not lex.
pub fn lex(text: &str) -> Result<(Vec<Tok>, Vec<usize>), String> {
    let mut lexer = Lexer { text, at: 0 };
    let mut offsets = Vec::new();
    let tokens = lexer.tokens(None, Some(&mut offsets))?;
    Ok((tokens, offsets))
}

struct Lexer<'t> {
    text: &'t str,
    at: usize,
}

/// Punctuation, for joining: proc-macro2's list.
fn is_punct(ch: char) -> bool {
    matches!(ch, '~' | '!' | '@' | '#' | '$' | '%' | '^' | '&' | '*' | '-' | '=' | '+' | '|' | ';' | ':' | ',' | '<' | '.' | '>' | '/' | '?' | '\'')
}

fn is_ident_start(ch: char) -> bool {
    ch == '_' || unicode_ident::is_xid_start(ch)
}

fn is_ident_continue(ch: char) -> bool {
    unicode_ident::is_xid_continue(ch)
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, what: &str) -> String {
        let context: String = self.rest().chars().take(40).collect();
        format!("{what} at byte {} ({context:?})", self.at)
    }

    /// Tokens up to `close` (the end of the text when `None`), and where each starts.
    fn tokens(&mut self, close: Option<char>, mut offsets: Option<&mut Vec<usize>>) -> Result<Vec<Tok>, String> {
        let mut tokens = Vec::new();
        // Where the token (or tokens: `'a`, `///`) lexed last started.
        let mut start = self.at;
        loop {
            if let Some(offsets) = offsets.as_deref_mut() {
                offsets.resize(tokens.len(), start);
            }
            self.skip_space();
            start = self.at;
            let Some(ch) = self.peek() else {
                return match close {
                    None => Ok(tokens),
                    Some(close) => Err(self.error(&format!("`{close}` missing"))),
                };
            };
            match ch {
                '(' | '[' | '{' => {
                    self.at += 1;
                    let (delimiter, closing) = match ch {
                        '(' => (Delimiter::Parenthesis, ')'),
                        '[' => (Delimiter::Bracket, ']'),
                        _ => (Delimiter::Brace, '}'),
                    };
                    let inner = self.tokens(Some(closing), None)?;
                    tokens.push(Tok::Group(delimiter, inner));
                }
                ')' | ']' | '}' => {
                    if close != Some(ch) {
                        return Err(self.error("unbalanced delimiter"));
                    }
                    self.at += 1;
                    return Ok(tokens);
                }
                '/' if self.rest().starts_with("///") && !self.rest().starts_with("////") => self.doc_comment(3, false, &mut tokens),
                '/' if self.rest().starts_with("//!") => self.doc_comment(3, true, &mut tokens),
                '/' if self.rest().starts_with("//") => {
                    let end = self.rest().find('\n').unwrap_or(self.rest().len());
                    self.at += end;
                }
                '"' => tokens.push(self.literal(|l| l.quoted(0))?),
                '\'' => self.quote(&mut tokens)?,
                '0'..='9' => tokens.push(self.number()),
                _ if is_ident_start(ch) => tokens.push(self.word()?),
                _ if is_punct(ch) => {
                    self.at += 1;
                    let joint = self.peek().is_some_and(is_punct);
                    tokens.push(Tok::Punct(ch, joint));
                }
                _ => return Err(self.error("unexpected character")),
            }
        }
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// `///line` or `//!line` as proc-macro2 reads it: `#[doc = "line"]` (`#![…]` for `//!`).
    fn doc_comment(&mut self, marker: usize, inner: bool, tokens: &mut Vec<Tok>) {
        let text = self.text;
        let rest = &text[self.at + marker..];
        let end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..end].trim_end_matches('\r');
        self.at += marker + end;
        tokens.push(Tok::Punct('#', false));
        if inner {
            tokens.push(Tok::Punct('!', false));
        }
        let mut literal = String::new();
        crate::emit::code::string_literal(line, &mut literal);
        tokens.push(Tok::Group(Delimiter::Bracket, vec![Tok::Ident("doc".to_owned()), Tok::Punct('=', false), Tok::Literal(literal)]));
    }

    /// A literal whose body `body` scans (returning its length from the current position), then its
    /// suffix.
    fn literal(&mut self, body: impl FnOnce(&Self) -> Option<usize>) -> Result<Tok, String> {
        let start = self.at;
        let Some(len) = body(self) else {
            return Err(self.error("unterminated literal"));
        };
        self.at += len;
        self.skip_ident_chars();
        Ok(Tok::Literal(self.text[start..self.at].to_owned()))
    }

    /// The length of `"…"` starting `offset` bytes from here, escapes honoured.
    fn quoted(&self, offset: usize) -> Option<usize> {
        let rest = &self.rest()[offset..];
        let mut chars = rest.char_indices().skip(1);
        while let Some((at, ch)) = chars.next() {
            match ch {
                '\\' => {
                    chars.next();
                }
                '"' => return Some(offset + at + 1),
                _ => {}
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
        let rest = self.rest();
        let len = rest.find(|c: char| !is_ident_continue(c)).unwrap_or(rest.len());
        self.at += len;
    }

    /// A name, a raw name (`r#type`), or a literal with a letter prefix (`r"…"`, `b"…"`, `br#"…"#`,
    /// `b'x'`, `c"…"`).
    fn word(&mut self) -> Result<Tok, String> {
        let rest = self.rest();
        let raw_string = |prefix: &str| rest.starts_with(prefix) && matches!(rest[prefix.len()..].chars().next(), Some('"' | '#')) && (rest[prefix.len()..].starts_with('"') || rest[prefix.len()..].trim_start_matches('#').starts_with('"'));
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
            self.at += 1;
            let Some(len) = self.char_literal() else {
                return Err(self.error("unterminated byte literal"));
            };
            let start = self.at - 1;
            self.at += len;
            return Ok(Tok::Literal(self.text[start..self.at].to_owned()));
        }
        let start = self.at;
        if rest.starts_with("r#") && rest[2..].starts_with(is_ident_start) {
            self.at += 2;
        }
        self.skip_ident_chars();
        Ok(Tok::Ident(self.text[start..self.at].to_owned()))
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

    /// After `'`: a character literal, or a lifetime (a joined `'` and a name).
    fn quote(&mut self, tokens: &mut Vec<Tok>) -> Result<(), String> {
        if let Some(len) = self.char_literal() {
            let start = self.at;
            self.at += len;
            self.skip_ident_chars();
            tokens.push(Tok::Literal(self.text[start..self.at].to_owned()));
            return Ok(());
        }
        self.at += 1;
        if !self.peek().is_some_and(is_ident_start) {
            return Err(self.error("a lone `'`"));
        }
        tokens.push(Tok::Punct('\'', true));
        tokens.push(self.word()?);
        Ok(())
    }

    /// A number: digits, letters and `_` (base prefixes and suffixes), a `.` before a digit, and an
    /// exponent's sign.
    fn number(&mut self) -> Tok {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let hex = self.rest().starts_with("0x") || self.rest().starts_with("0X");
        while let Some(&b) = bytes.get(self.at) {
            let exponent_sign = (b == b'+' || b == b'-') && !hex && matches!(bytes[self.at - 1], b'e' | b'E') && bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
            let fraction = b == b'.' && bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit) && !self.text[start..self.at].contains('.');
            if b.is_ascii_alphanumeric() || b == b'_' || exponent_sign || fraction {
                self.at += 1;
            } else {
                break;
            }
        }
        Tok::Literal(self.text[start..self.at].to_owned())
    }
}
