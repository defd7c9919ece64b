//! The tokens of one item as plain data, read once from the token stream: the formatter looks
//! ahead and backtracks freely over them and prints their text without copying it again.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

pub enum Tok {
    Ident(String),
    /// A punctuation character, and whether the next one joins it (`:` of `::`).
    Punct(char, bool),
    Literal(String),
    Group(Delimiter, Vec<Tok>),
}

/// The tokens of `stream`, groups included.
pub fn read(stream: TokenStream) -> Vec<Tok> {
    stream.into_iter().map(tok).collect()
}

pub fn tok(tree: TokenTree) -> Tok {
    match tree {
        TokenTree::Ident(ident) => Tok::Ident(ident.to_string()),
        TokenTree::Punct(punct) => Tok::Punct(punct.as_char(), punct.spacing() == Spacing::Joint),
        TokenTree::Literal(literal) => Tok::Literal(literal.to_string()),
        TokenTree::Group(group) => Tok::Group(group.delimiter(), read(group.stream())),
    }
}
