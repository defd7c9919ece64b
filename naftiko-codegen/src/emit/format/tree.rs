//! Tokens as plain data, lexed once from the emitted text: the formatter looks ahead and backtracks
//! freely over them and prints their text without copying it again.

use proc_macro2::Delimiter;
#[cfg(test)]
use proc_macro2::{Spacing, TokenTree};

#[derive(Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    /// A punctuation character, and whether the next one joins it (`:` of `::`).
    Punct(char, bool),
    Literal(String),
    Group(Delimiter, Vec<Tok>),
}

/// `tree` as data, as `quote!` made it (the lexer's tests compare).
#[cfg(test)]
fn tok(tree: TokenTree) -> Tok {
    match tree {
        TokenTree::Ident(ident) => Tok::Ident(ident.to_string()),
        TokenTree::Punct(punct) => Tok::Punct(punct.as_char(), punct.spacing() == Spacing::Joint),
        TokenTree::Literal(literal) => Tok::Literal(literal.to_string()),
        TokenTree::Group(group) => {
            let delimiter = group.delimiter();
            let stream = group.stream();
            drop(group);
            Tok::Group(delimiter, read(stream.into_iter()))
        }
    }
}

/// The tokens of `trees`, into a vector allocated once (collecting in place would reuse the trees'
/// buffer, then shrink it).
#[cfg(test)]
pub fn read(trees: impl Iterator<Item = TokenTree>) -> Vec<Tok> {
    let mut toks = Vec::with_capacity(trees.size_hint().0);
    for tree in trees {
        toks.push(tok(tree));
    }
    toks
}

