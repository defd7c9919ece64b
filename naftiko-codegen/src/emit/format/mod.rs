//! Formats emitted tokens as prettyplease does, without building a syntax tree first.
//!
//! prettyplease needs a `syn::File`, and parsing our tokens into one costs more than the printing.
//! The items whose syntax [`item`] knows are printed straight from their tokens by a port of
//! prettyplease's own printing (same engine, same layout of each construct), so the text is the same
//! byte for byte; every other item goes through `syn` and prettyplease, in runs of consecutive items.
//! Items print independently: each starts on a line of its own at column 0 and ends with a forced
//! line break, so a file is the concatenation of its items, whichever way each was printed.

mod attr;
mod cursor;
mod expr;
mod item;
mod print_expr;
mod printer;
#[cfg(test)]
mod tests;
mod tree;
mod ty;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// `tokens` (a file's inner attributes, then items) as prettyplease prints them.
pub(crate) fn unparse(tokens: TokenStream) -> Result<String, syn::Error> {
    if !checks_against_prettyplease() {
        return unparse_here(tokens);
    }
    let (ours, theirs) = both(tokens)?;
    if ours != theirs {
        let difference = first_difference(&ours, &theirs);
        return Err(syn::Error::new(proc_macro2::Span::call_site(), format!("emit::format differs from prettyplease: {difference}")));
    }
    Ok(ours)
}

/// Whether [`unparse`] checks every file against prettyplease: in debug builds of this workspace,
/// whose `.cargo/config.toml` sets NAFTIKO_FORMAT_ORACLE, so that every test that generates code tests
/// the formatter too. A difference is then an error, never a panic; users' builds (their `build.rs`
/// is a debug build) and release builds skip the second formatting.
pub fn checks_against_prettyplease() -> bool {
    cfg!(debug_assertions) && std::env::var_os("NAFTIKO_FORMAT_ORACLE").is_some()
}

/// `tokens` printed here and by prettyplease.
fn both(tokens: TokenStream) -> Result<(String, String), syn::Error> {
    let ours = unparse_here(tokens.clone())?;
    let theirs = prettyplease_unparse(tokens.into_iter().collect())?;
    Ok((ours, theirs))
}

fn unparse_here(tokens: TokenStream) -> Result<String, syn::Error> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let Some(spans) = item_spans(&trees) else {
        return prettyplease_unparse(trees);
    };
    let mut out = String::new();
    // Consecutive items left to prettyplease.
    let mut batch: Vec<TokenTree> = Vec::new();
    let mut trees = trees.into_iter();
    for (start, end) in spans {
        let item: Vec<TokenTree> = trees.by_ref().take(end - start).collect();
        if !item::candidate(&item) {
            batch.extend(item);
            continue;
        }
        let tokens = tree::read(item.into_iter());
        match item::item(&tokens) {
            Some(text) => {
                if !batch.is_empty() {
                    out.push_str(&prettyplease_unparse(std::mem::take(&mut batch))?);
                }
                out.push_str(&text);
            }
            None => {
                let Some(item) = tokens.into_iter().map(tree::untok).collect::<Option<Vec<_>>>() else {
                    return Err(syn::Error::new(proc_macro2::Span::call_site(), "a literal does not lex again"));
                };
                batch.extend(item);
            }
        }
    }
    if !batch.is_empty() {
        out.push_str(&prettyplease_unparse(batch)?);
    }
    Ok(out)
}

/// Whether this formatter prints `tokens` as prettyplease does; the first line that differs when not.
pub fn agrees_with_prettyplease(tokens: TokenStream) -> Result<(), String> {
    let (ours, theirs) = both(tokens).map_err(|e| format!("tokens do not parse: {e}"))?;
    if ours == theirs { Ok(()) } else { Err(first_difference(&ours, &theirs)) }
}

/// The first line where `ours` and `theirs` differ, both ways.
fn first_difference(ours: &str, theirs: &str) -> String {
    let line = ours
        .lines()
        .zip(theirs.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| ours.lines().count().min(theirs.lines().count()));
    format!(
        "line {}: ours {:?}, prettyplease's {:?}",
        line + 1,
        ours.lines().nth(line).unwrap_or("<end>"),
        theirs.lines().nth(line).unwrap_or("<end>")
    )
}

/// For each item of `tokens` (the first with the inner attributes), whether this formatter prints it itself.
#[cfg(test)]
fn printed_here(tokens: TokenStream) -> Vec<bool> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let spans = item_spans(&trees).expect("the items split");
    spans
        .iter()
        .map(|&(start, end)| {
            item::candidate(&trees[start..end]) && item::item(&tree::read(trees[start..end].iter().cloned())).is_some()
        })
        .collect()
}

fn prettyplease_unparse(trees: Vec<TokenTree>) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(trees.into_iter().collect())?;
    Ok(prettyplease::unparse(&file))
}

/// Where each of the file's items starts and ends (the first with the file's inner attributes), or
/// `None` when the tokens do not split as expected (the whole file then goes through prettyplease).
fn item_spans(trees: &[TokenTree]) -> Option<Vec<(usize, usize)>> {
    let mut at = 0;
    // Inner attributes: `#`, `!`, `[…]`.
    while let [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(group), ..] = &trees[at..]
        && hash.as_char() == '#'
        && bang.as_char() == '!'
        && group.delimiter() == Delimiter::Bracket
    {
        at += 3;
    }
    if at == trees.len() {
        return Some(vec![(0, at)]);
    }
    let mut spans = Vec::new();
    let mut start = 0;
    while at < trees.len() {
        let end = item_end(trees, at)?;
        spans.push((start, end));
        (start, at) = (end, end);
    }
    Some(spans)
}

/// The end of the item starting at `start`: after its body (`{…}`) or its `;`.
fn item_end(trees: &[TokenTree], start: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum Ends {
        /// `struct`, `fn`, `impl`, …: at a top-level `{…}` or `;`.
        BodyOrSemi,
        /// `use`, `const`, `static`, `type`: at a top-level `;`.
        Semi,
        /// A macro call: after a `{…}`, or the `;` after its `(…)` or `[…]`.
        Macro,
    }
    let mut ends = None;
    let mut i = start;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Punct(p) if p.as_char() == '#' && ends.is_none() => {
                // An outer attribute: `#` then `[…]`.
                i += 2;
                continue;
            }
            TokenTree::Ident(ident) if ends.is_none() => {
                if ["struct", "enum", "union", "impl", "trait", "mod", "fn"]
                    .iter()
                    .any(|k| ident == k)
                {
                    ends = Some(Ends::BodyOrSemi);
                } else if ["use", "static", "type"].iter().any(|k| ident == k) {
                    ends = Some(Ends::Semi);
                } else if ident == "const" {
                    // `const fn`, `const unsafe fn`: a function.
                    let next_is_fn = matches!(trees.get(i + 1), Some(TokenTree::Ident(n)) if n == "fn" || n == "unsafe" || n == "async" || n == "extern");
                    ends = Some(if next_is_fn {
                        Ends::BodyOrSemi
                    } else {
                        Ends::Semi
                    });
                }
            }
            TokenTree::Punct(p) if p.as_char() == '!' && ends.is_none() => ends = Some(Ends::Macro),
            TokenTree::Punct(p) if p.as_char() == ';' && ends.is_some() => return Some(i + 1),
            TokenTree::Group(g)
                if g.delimiter() == Delimiter::Brace
                    && matches!(ends, Some(Ends::BodyOrSemi | Ends::Macro)) =>
            {
                return Some(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    None
}
