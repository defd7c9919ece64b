//! Tokens as plain data, lexed once from the emitted text: the formatter looks ahead and backtracks
//! freely over them and prints their text without copying it again.

use proc_macro2::Delimiter;
#[cfg(test)]
use proc_macro2::{Spacing, TokenTree};

/// A token; names and literals are slices of the lexed text.
#[derive(Debug)]
pub enum Tok<'t> {
    Ident(&'t str),
    /// A punctuation character, and whether the next one joins it (`:` of `::`).
    Punct(char, bool),
    Literal(&'t str),
    Group(Delimiter, Vec<Tok<'t>>),
}

/// `tokens` one per line, as [`describe_stream`] describes proc-macro2's (the lexer's tests compare).
#[cfg(test)]
pub fn describe(tokens: &[Tok<'_>]) -> String {
    let mut out = String::new();
    for token in tokens {
        match token {
            Tok::Ident(name) => out += &format!("ident {name}\n"),
            Tok::Punct(ch, joint) => out += &format!("punct {ch} {joint}\n"),
            Tok::Literal(text) => out += &format!("literal {text}\n"),
            Tok::Group(delimiter, inner) => out += &format!("group {delimiter:?}\n{}end\n", describe(inner)),
        }
    }
    out
}

/// proc-macro2's tokens as [`describe`] describes ours.
#[cfg(test)]
pub fn describe_stream(tokens: proc_macro2::TokenStream) -> String {
    let mut out = String::new();
    for tree in tokens {
        match tree {
            TokenTree::Ident(name) => out += &format!("ident {name}\n"),
            TokenTree::Punct(punct) => out += &format!("punct {} {}\n", punct.as_char(), punct.spacing() == Spacing::Joint),
            TokenTree::Literal(literal) => out += &format!("literal {literal}\n"),
            TokenTree::Group(group) => out += &format!("group {:?}\n{}end\n", group.delimiter(), describe_stream(group.stream())),
        }
    }
    out
}
