//! A read position in an item's tokens, and what the formatter answers when it does not print them.

use proc_macro2::Delimiter;

use super::tree::Tok;

/// Not printed here: the item goes through prettyplease.
pub struct Unsupported;

pub type Result<T = ()> = std::result::Result<T, Unsupported>;

/// A read position in a slice of tokens.
#[derive(Clone, Copy)]
pub struct Cursor<'a> {
    pub tokens: &'a [Tok<'a>],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(tokens: &'a [Tok<'a>]) -> Self {
        Cursor { tokens, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub fn peek(&self) -> Option<&'a Tok<'a>> {
        self.tokens.get(self.pos)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<&'a Tok<'a>> {
        self.tokens.get(self.pos + ahead)
    }

    pub fn next(&mut self) -> Option<&'a Tok<'a>> {
        let token = self.tokens.get(self.pos)?;
        self.pos += 1;
        Some(token)
    }

    pub fn peek_ident(&self) -> Option<&'a str> {
        match self.peek()? {
            Tok::Ident(ident) => Some(ident),
            _ => None,
        }
    }

    pub fn peek_punct(&self, ch: char) -> bool {
        matches!(self.peek(), Some(Tok::Punct(p, _)) if *p == ch)
    }

    pub fn peek_keyword(&self, keyword: &str) -> bool {
        self.peek_ident() == Some(keyword)
    }

    pub fn peek_group(&self, delimiter: Delimiter) -> Option<&'a [Tok<'a>]> {
        match self.peek()? {
            Tok::Group(d, inner) if *d == delimiter => Some(inner),
            _ => None,
        }
    }

    /// `::` (a joint `:` and a `:`).
    pub fn peek_colon2(&self) -> bool {
        matches!(
            self.tokens.get(self.pos..self.pos + 2),
            Some([Tok::Punct(':', true), Tok::Punct(':', _)])
        )
    }

    pub fn ident(&mut self) -> Result<&'a str> {
        let ident = self.peek_ident().ok_or(Unsupported)?;
        self.pos += 1;
        Ok(ident)
    }

    pub fn keyword(&mut self, keyword: &str) -> Result {
        if self.peek_keyword(keyword) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    pub fn punct(&mut self, ch: char) -> Result {
        if self.peek_punct(ch) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    pub fn group(&mut self, delimiter: Delimiter) -> Result<&'a [Tok<'a>]> {
        let group = self.peek_group(delimiter).ok_or(Unsupported)?;
        self.pos += 1;
        Ok(group)
    }

    /// The outer attributes here: the tokens inside each `#[…]`.
    pub fn outer_attrs(&mut self) -> Vec<&'a [Tok<'a>]> {
        let mut attrs = Vec::new();
        while let Some([Tok::Punct('#', _), Tok::Group(Delimiter::Bracket, inner)]) =
            self.tokens.get(self.pos..self.pos + 2)
        {
            attrs.push(inner.as_slice());
            self.pos += 2;
        }
        attrs
    }
}
