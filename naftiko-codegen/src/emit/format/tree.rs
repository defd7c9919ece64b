//! The tokens of one item as plain data, read once from the token stream: the formatter looks
//! ahead and backtracks freely over them and prints their text without copying it again.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

pub enum Tok {
    Ident(String),
    /// A punctuation character, and whether the next one joins it (`:` of `::`).
    Punct(char, bool),
    Literal(String),
    Group(Delimiter, Vec<Tok>),
}

/// `tree` as data. A group's tokens are moved out of it when nothing else holds them (a token
/// stream shared with another owner would be copied whole).
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
pub fn read(trees: impl Iterator<Item = TokenTree>) -> Vec<Tok> {
    let mut toks = Vec::with_capacity(trees.size_hint().0);
    for tree in trees {
        toks.push(tok(tree));
    }
    toks
}

/// The token `tok` was read from (for an item this formatter leaves to prettyplease); `None` for a
/// literal that does not lex again, which cannot come from a token.
pub fn untok(tok: Tok) -> Option<TokenTree> {
    Some(match tok {
        Tok::Ident(name) => match name.strip_prefix("r#") {
            Some(raw) => TokenTree::Ident(Ident::new_raw(raw, Span::call_site())),
            None => TokenTree::Ident(Ident::new(&name, Span::call_site())),
        },
        Tok::Punct(ch, joint) => TokenTree::Punct(Punct::new(ch, if joint { Spacing::Joint } else { Spacing::Alone })),
        Tok::Literal(text) => TokenTree::Literal(text.parse::<Literal>().ok()?),
        Tok::Group(delimiter, tokens) => TokenTree::Group(Group::new(delimiter, tokens.into_iter().map(untok).collect::<Option<TokenStream>>()?)),
    })
}
