//! Formats emitted code as prettyplease does, without building a syntax tree first.
//!
//! prettyplease needs a `syn::File`, and parsing our code into one costs more than the printing.
//! [`lex`] reads the code into tokens (those `quote!` would have made of the same templates), and
//! the items whose syntax [`item`] knows are printed straight from their tokens by a port of
//! prettyplease's own printing (same engine, same layout of each construct), so the text is the same
//! byte for byte; every other item goes through `syn` and prettyplease, in runs of consecutive items.
//! Items print independently: each starts on a line of its own at column 0 and ends with a forced
//! line break, so a file is the concatenation of its items, whichever way each was printed.

mod attr;
mod cursor;
mod expr;
mod item;
mod lex;
mod print_expr;
mod printer;
#[cfg(test)]
mod tests;
mod tree;
mod ty;

use proc_macro2::Delimiter;

use crate::emit::code::Code;
use tree::Tok;

/// `code` (a file's inner attributes, then items) as prettyplease prints it.
pub(crate) fn unparse(code: &Code) -> Result<String, String> {
    if !checks_against_prettyplease() {
        return unparse_here(code.as_str());
    }
    let (ours, theirs) = both(code.as_str())?;
    if ours != theirs {
        return Err(format!("emit::format differs from prettyplease: {}", first_difference(&ours, &theirs)));
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

/// `text` printed here and by prettyplease.
fn both(text: &str) -> Result<(String, String), String> {
    let ours = unparse_here(text)?;
    let theirs = prettyplease_unparse(text)?;
    Ok((ours, theirs))
}

fn unparse_here(text: &str) -> Result<String, String> {
    let (tokens, offsets) = lex::lex(text)?;
    let Some(spans) = item_spans(&tokens) else {
        return prettyplease_unparse(text);
    };
    let mut out = String::with_capacity(text.len());
    // Where the text of the consecutive items left to prettyplease starts.
    let mut batch: Option<usize> = None;
    for (start, end) in spans {
        let item = &tokens[start..end];
        match item::candidate(item).then(|| item::item(item)).flatten() {
            Some(printed) => {
                if let Some(from) = batch.take() {
                    out.push_str(&prettyplease_unparse(&text[from..offsets[start]])?);
                }
                out.push_str(&printed);
            }
            None => {
                batch.get_or_insert(offsets[start]);
            }
        }
    }
    if let Some(from) = batch {
        out.push_str(&prettyplease_unparse(&text[from..])?);
    }
    Ok(out)
}

/// Whether this formatter prints `code` as prettyplease does; the first line that differs when not.
pub fn agrees_with_prettyplease(code: &Code) -> Result<(), String> {
    let (ours, theirs) = both(code.as_str()).map_err(|e| format!("the code does not parse: {e}"))?;
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

/// For each item of `code` (the first with the inner attributes), whether this formatter prints it itself.
#[cfg(test)]
fn printed_here(code: &Code) -> Vec<bool> {
    let (tokens, _) = lex::lex(code.as_str()).expect("the code lexes");
    let spans = item_spans(&tokens).expect("the items split");
    spans.iter().map(|&(start, end)| item::candidate(&tokens[start..end]) && item::item(&tokens[start..end]).is_some()).collect()
}

fn prettyplease_unparse(text: &str) -> Result<String, String> {
    let file: syn::File = syn::parse_str(text).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// Where each of the file's items starts and ends (the first with the file's inner attributes), or
/// `None` when the tokens do not split as expected (the whole file then goes through prettyplease).
fn item_spans(trees: &[Tok]) -> Option<Vec<(usize, usize)>> {
    let mut at = 0;
    // Inner attributes: `#`, `!`, `[…]`.
    while let [Tok::Punct('#', _), Tok::Punct('!', _), Tok::Group(Delimiter::Bracket, _), ..] = &trees[at..] {
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
fn item_end(trees: &[Tok], start: usize) -> Option<usize> {
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
            Tok::Punct('#', _) if ends.is_none() => {
                // An outer attribute: `#` then `[…]`.
                i += 2;
                continue;
            }
            Tok::Ident(ident) if ends.is_none() => {
                if ["struct", "enum", "union", "impl", "trait", "mod", "fn"]
                    .iter()
                    .any(|k| ident == k)
                {
                    ends = Some(Ends::BodyOrSemi);
                } else if ["use", "static", "type"].iter().any(|k| ident == k) {
                    ends = Some(Ends::Semi);
                } else if *ident == "const" {
                    // `const fn`, `const unsafe fn`: a function.
                    let next_is_fn = matches!(trees.get(i + 1), Some(Tok::Ident(n)) if *n == "fn" || *n == "unsafe" || *n == "async" || *n == "extern");
                    ends = Some(if next_is_fn {
                        Ends::BodyOrSemi
                    } else {
                        Ends::Semi
                    });
                }
            }
            Tok::Punct('!', _) if ends.is_none() => ends = Some(Ends::Macro),
            Tok::Punct(';', _) if ends.is_some() => return Some(i + 1),
            Tok::Group(Delimiter::Brace, _) if matches!(ends, Some(Ends::BodyOrSemi | Ends::Macro)) =>
            {
                return Some(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    None
}
