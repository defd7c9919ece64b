//! Attributes, as prettyplease's `attr.rs` prints them: doc lines as comments, the others token by
//! token.

use proc_macro2::Delimiter;

use super::cursor::{Cursor, Result, Unsupported};
use super::printer::{INDENT, Printer};
use super::tree::Tok;

pub fn outer_attrs<'a>(p: &mut Printer<'a>, attrs: &[&'a [Tok<'a>]]) -> Result {
    for attr in attrs {
        attribute(p, attr, false)?;
    }
    Ok(())
}

/// One attribute, `tokens` being inside its `[…]`.
pub fn attribute<'a>(p: &mut Printer<'a>, tokens: &'a [Tok<'a>], inner: bool) -> Result {
    if let [Tok::Ident(name), Tok::Punct('=', _), Tok::Literal(value)] = tokens
        && *name == "doc"
        && let Some(mut doc) = string_value(value)
    {
        if !doc.contains('\n') && (inner || !doc.starts_with('/')) {
            doc.truncate(doc.trim_end_matches(' ').len());
            p.word(if inner { "//!" } else { "///" });
            p.word(doc);
            p.hardbreak();
            return Ok(());
        }
        // Block comments and attributes of multi-line docs: prettyplease's rules, not ours.
        return Err(Unsupported);
    }
    p.word(if inner { "#!" } else { "#" });
    p.word("[");
    let mut c = Cursor::new(tokens);
    simple_path(p, &mut c)?;
    match c.next() {
        None => {}
        Some(Tok::Group(delimiter, list)) if c.at_end() => attr_tokens(p, *delimiter, list),
        Some(Tok::Punct('=', false)) => {
            // prettyplease's `meta_name_value`: a literal, or `include_str!("…")`.
            let value = super::expr::expr(&mut c)?;
            if !c.at_end() {
                return Err(Unsupported);
            }
            p.word(" = ");
            super::print_expr::expr(p, &value);
        }
        Some(_) => return Err(Unsupported),
    }
    p.word("]");
    p.space();
    Ok(())
}

/// A path without generic arguments (`a::b`, `::a`).
fn simple_path<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    if c.peek_colon2() {
        c.pos += 2;
        p.word("::");
    }
    p.word(c.ident()?);
    while c.peek_colon2() {
        c.pos += 2;
        p.word("::");
        p.word(c.ident()?);
    }
    Ok(())
}

/// The tokens of a `#[name(…)]` attribute, prettyplease's `attr_tokens`.
fn attr_tokens<'a>(p: &mut Printer<'a>, delimiter: Delimiter, list: &'a [Tok<'a>]) {
    #[derive(PartialEq, Clone, Copy)]
    enum State {
        Word,
        Punct,
        TrailingComma,
    }
    use State::*;
    // prettyplease starts at a level holding the one group, whose spaces do not break; every space
    // inside the group may.
    let mut stack: Vec<(std::iter::Peekable<std::slice::Iter<'a, Tok<'a>>>, Delimiter)> = Vec::new();
    let mut state = Word;
    let open = |p: &mut Printer<'a>, delimiter: Delimiter, state: &mut State| {
        match delimiter {
            Delimiter::Parenthesis => {
                p.word("(");
                p.cbox(INDENT);
                p.zerobreak();
            }
            Delimiter::Brace => p.word("{"),
            Delimiter::Bracket => p.word("["),
            Delimiter::None => {}
        }
        if delimiter != Delimiter::None {
            *state = Punct;
        }
    };
    open(p, delimiter, &mut state);
    stack.push((list.iter().peekable(), delimiter));
    while let Some((tokens, delimiter)) = stack.last_mut() {
        match tokens.next() {
            Some(Tok::Ident(ident)) => {
                if state == Word {
                    p.space();
                }
                p.word(*ident);
                state = Word;
            }
            Some(Tok::Punct(ch, _)) => {
                let ch = *ch;
                if (state, ch) == (Word, '=') {
                    p.nbsp();
                }
                if ch == ',' && tokens.peek().is_none() {
                    p.trailing_comma(true);
                    state = TrailingComma;
                } else {
                    p.word(punct_str(ch));
                    if ch == '=' {
                        p.nbsp();
                    } else if ch == ',' {
                        p.space();
                    }
                    state = Punct;
                }
            }
            Some(Tok::Literal(literal)) => {
                if state == Word {
                    p.space();
                }
                p.word(*literal);
                state = Word;
            }
            Some(Tok::Group(inner_delimiter, inner)) => {
                open(p, *inner_delimiter, &mut state);
                stack.push((inner.iter().peekable(), *inner_delimiter));
            }
            None => {
                match delimiter {
                    Delimiter::Parenthesis => {
                        if state != TrailingComma {
                            p.zerobreak();
                        }
                        p.offset(-INDENT);
                        p.end();
                        p.word(")");
                        state = Punct;
                    }
                    Delimiter::Brace => {
                        p.word("}");
                        state = Punct;
                    }
                    Delimiter::Bracket => {
                        p.word("]");
                        state = Punct;
                    }
                    Delimiter::None => {}
                }
                stack.pop();
            }
        }
    }
}

/// A punctuation character as a word, without allocating.
pub fn punct_str(ch: char) -> &'static str {
    const PUNCTS: &str = "!#$%&'*+,-./:;<=>?@^|~";
    match PUNCTS.find(ch) {
        Some(i) => &PUNCTS[i..i + 1],
        None => "?",
    }
}

/// The value of a string literal (`"…"` or `r#"…"#`), or `None` for any other literal.
pub fn string_value(repr: &str) -> Option<String> {
    if let Some(raw) = repr.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len() - hashes)?;
        return Some(body.strip_prefix('"')?.strip_suffix('"')?.to_owned());
    }
    let body = repr.strip_prefix('"')?.strip_suffix('"')?;
    if !body.contains('\\') {
        return Some(body.to_owned());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                out.push(char::from(
                    u8::from_str_radix(&hex, 16).ok().filter(|b| b.is_ascii())?,
                ));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        d => hex.push(d),
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => {
                // A line continuation: the break and the next line's leading whitespace go.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}
