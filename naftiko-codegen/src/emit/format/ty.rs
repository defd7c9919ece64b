//! Types, paths and generics, as prettyplease's `ty.rs`, `path.rs` and `generics.rs` print them.

use proc_macro2::Delimiter;

use super::cursor::{Cursor, Result, Unsupported};
use super::expr;
use super::printer::{INDENT, Printer};
use super::tree::Tok;

/// `&`, `&'a `, `&mut ` before a type or `self`.
pub fn reference<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    c.punct('&')?;
    p.word("&");
    if c.peek_punct('\'') {
        lifetime(p, c)?;
        p.nbsp();
    }
    if c.peek_keyword("mut") {
        c.pos += 1;
        p.word("mut ");
    }
    Ok(())
}

/// `<…>` whose elements `element` reads and prints, in a box of `indent` (prettyplease's generic
/// parameter and argument lists); `<` has been read, `>` is read here.
fn angle_list<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, indent: isize, mut element: impl FnMut(&mut Printer<'a>, &mut Cursor<'a>) -> Result) -> Result {
    p.word("<");
    p.cbox(indent);
    p.zerobreak();
    loop {
        element(p, c)?;
        if c.peek_punct(',') {
            c.pos += 1;
        }
        let last = c.peek_punct('>');
        p.trailing_comma(last);
        if last {
            c.pos += 1;
            break;
        }
        if c.at_end() {
            return Err(Unsupported);
        }
    }
    p.offset(-INDENT);
    p.end();
    p.word(">");
    Ok(())
}

/// Bounds joined by `+`: `" + "` between them, or a break and `"+ "` when `breaking` (type
/// parameters' bounds).
pub fn bounds<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, breaking: bool) -> Result {
    bound(p, c)?;
    while c.peek_punct('+') {
        c.pos += 1;
        if breaking {
            p.space();
            p.word("+ ");
        } else {
            p.word(" + ");
        }
        bound(p, c)?;
    }
    Ok(())
}

pub fn ty<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    match c.peek().ok_or(Unsupported)? {
        Tok::Punct('&', false) => {
            reference(p, c)?;
            ty(p, c)
        }
        Tok::Group(Delimiter::Parenthesis, inner) if inner.is_empty() => {
            // `()`: an empty tuple's box and break go, as the engine drops an empty box.
            c.pos += 1;
            p.word("()");
            Ok(())
        }
        Tok::Group(Delimiter::Bracket, inner) => {
            c.pos += 1;
            let mut elem = Cursor::new(inner);
            p.word("[");
            ty(p, &mut elem)?;
            if !elem.at_end() {
                // `[T; N]`: an expression.
                return Err(Unsupported);
            }
            p.word("]");
            Ok(())
        }
        Tok::Ident(ident) if *ident == "impl" || *ident == "dyn" => {
            c.pos += 1;
            p.word(if *ident == "impl" { "impl " } else { "dyn " });
            bounds(p, c, false)
        }
        Tok::Ident(ident) if *ident == "_" => {
            c.pos += 1;
            p.word("_");
            Ok(())
        }
        Tok::Ident(ident)
            if ["fn", "unsafe", "extern", "for", "mut", "const"].contains(ident) =>
        {
            Err(Unsupported)
        }
        Tok::Ident(_) => type_path(p, c),
        Tok::Punct(':', true) if c.peek_colon2() => type_path(p, c),
        _ => Err(Unsupported),
    }
}

/// `<T: Bound + Other, U>`: type parameters with trait bounds (prettyplease's `generics`).
pub fn generics<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    c.punct('<')?;
    angle_list(p, c, 0, |p, c| {
        let name = c.ident()?;
        if expr::keyword(name) {
            return Err(Unsupported);
        }
        p.word(name);
        p.ibox(INDENT);
        if c.peek_punct(':') {
            c.pos += 1;
            p.word(": ");
            bounds(p, c, true)?;
        }
        if c.peek_punct('=') {
            return Err(Unsupported);
        }
        p.end();
        Ok(())
    })
}

pub fn lifetime<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    c.punct('\'')?;
    p.word("'");
    p.word(c.ident()?);
    Ok(())
}

/// A bound of `impl`/`dyn`: a lifetime or a trait path.
fn bound<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    if c.peek_punct('\'') {
        return lifetime(p, c);
    }
    if c.peek_punct('?') || c.peek_group(Delimiter::Parenthesis).is_some() || c.peek_keyword("for")
    {
        return Err(Unsupported);
    }
    type_path(p, c)
}

/// A path in a type: `::a::B<T, Output = U>` (a turbofish's `::` is not printed).
fn type_path<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    let mut first = true;
    loop {
        if c.peek_colon2() {
            c.pos += 2;
            p.word("::");
        } else if !first {
            return Ok(());
        }
        first = false;
        p.word(c.ident()?);
        if c.peek_colon2() && matches!(c.peek_at(2), Some(Tok::Punct('<', _))) {
            c.pos += 2;
        }
        if c.peek_punct('<') {
            generic_arguments(p, c, false)?;
        } else if c.peek_group(Delimiter::Parenthesis).is_some() {
            // `Fn(A) -> B`.
            return Err(Unsupported);
        }
    }
}

/// `<…>` after a path segment: lifetimes, types and `Name = Type` bindings; `turbofish` prints the
/// `::` of an expression's path before them.
pub fn generic_arguments<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, turbofish: bool) -> Result {
    c.punct('<')?;
    if c.peek_punct('>') {
        // `X<>`: syn keeps no arguments, and prettyplease prints none.
        c.pos += 1;
        return Ok(());
    }
    if turbofish {
        p.word("::");
    }
    let mut seen_type = false;
    angle_list(p, c, INDENT, |p, c| {
        if c.peek_punct('\'') {
            // prettyplease moves lifetimes first.
            if seen_type {
                return Err(Unsupported);
            }
            return lifetime(p, c);
        }
        seen_type = true;
        if let (Some(Tok::Ident(name)), Some(Tok::Punct('=', false))) = (c.peek(), c.peek_at(1)) {
            c.pos += 2;
            p.word(*name);
            p.word(" = ");
        }
        ty(p, c)
    })
}
