//! The items this formatter prints itself, each laid out as prettyplease lays it out (the functions
//! mirror prettyplease's of the same names). Anything else is [`Unsupported`], and the item goes
//! through prettyplease.

use proc_macro2::Delimiter;

use super::attr::outer_attrs;
use super::cursor::{Cursor, Result, Unsupported};
use super::expr;
use super::printer::{INDENT, Printer};
use super::tree::Tok;
use super::ty::{generics, lifetime, ty};

/// Whether an item's tokens may be one [`item`] prints: a `struct`, `impl` or `fn` (whose kind the
/// first keyword after the attributes and visibility tells), so that no other is read for nothing.
pub fn candidate(tokens: &[proc_macro2::TokenTree]) -> bool {
    use proc_macro2::TokenTree;
    let mut at = 0;
    while let Some(TokenTree::Punct(hash)) = tokens.get(at)
        && hash.as_char() == '#'
    {
        at += 2;
    }
    if matches!(tokens.get(at), Some(TokenTree::Ident(i)) if i == "pub") {
        at += 1;
        if matches!(tokens.get(at), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            at += 1;
        }
    }
    matches!(tokens.get(at), Some(TokenTree::Ident(i)) if ["struct", "impl", "fn", "async", "const"].iter().any(|k| i == k))
}

/// The item of `tokens` as prettyplease prints it in a file (ending with a line break).
pub fn item(tokens: &[Tok]) -> Option<String> {
    let mut p = Printer::new();
    // Inside the file's box, as `prettyplease::unparse` prints items.
    p.cbox(0);
    let mut c = Cursor::new(tokens);
    let attrs = c.outer_attrs();
    let vis = c.visibility().ok()?;
    if c.peek_keyword("struct") {
        item_struct(&mut p, &mut c, &attrs, vis).ok()?;
    } else if c.peek_keyword("impl") && matches!(vis, Visibility::Inherited) {
        item_impl(&mut p, &mut c, &attrs).ok()?;
    } else if c.peek_keyword("fn") || c.peek_keyword("async") {
        impl_item_fn(&mut p, &mut c, &attrs, &vis).ok()?;
    } else if c.peek_keyword("const")
        && !matches!(c.peek_at(1), Some(Tok::Ident(next)) if next == "fn" || next == "unsafe" || next == "async")
    {
        item_const(&mut p, &mut c, &attrs, &vis).ok()?;
    } else {
        return None;
    }
    if !c.at_end() {
        return None;
    }
    p.end();
    Some(p.eof())
}

pub enum Visibility<'a> {
    Inherited,
    Public,
    /// `pub(crate)`, `pub(super)`, `pub(self)`.
    Restricted(&'a str),
}

fn visibility<'a>(p: &mut Printer<'a>, vis: &Visibility<'a>) {
    match vis {
        Visibility::Inherited => {}
        Visibility::Public => p.word("pub "),
        Visibility::Restricted(scope) => {
            p.word("pub(");
            p.word(*scope);
            p.word(") ");
        }
    }
}

fn item_struct<'a>(
    p: &mut Printer<'a>,
    c: &mut Cursor<'a>,
    attrs: &[&'a [Tok]],
    vis: Visibility<'a>,
) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(INDENT);
    visibility(p, &vis);
    c.keyword("struct")?;
    p.word("struct ");
    p.word(c.ident()?);
    if c.peek_punct('<') {
        return Err(Unsupported);
    }
    if c.peek_punct(';') {
        c.pos += 1;
        p.word(";");
        p.end();
    } else {
        let body = c.group(Delimiter::Brace)?;
        // `where_clause_for_body` without a where clause.
        p.nbsp();
        p.word("{");
        p.hardbreak_if_nonempty();
        let mut fields = Cursor::new(body);
        while !fields.at_end() {
            let attrs = fields.outer_attrs();
            outer_attrs(p, &attrs)?;
            let vis = fields.visibility()?;
            visibility(p, &vis);
            p.word(fields.ident()?);
            fields.punct(':')?;
            p.word(": ");
            ty(p, &mut fields)?;
            if !fields.at_end() {
                fields.punct(',')?;
            }
            p.word(",");
            p.hardbreak();
        }
        p.offset(-INDENT);
        p.end();
        p.word("}");
    }
    p.hardbreak();
    Ok(())
}

/// `impl [Trait for] Type { fn … }`, without generics or a where clause.
fn item_impl<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok]]) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(INDENT);
    p.ibox(-INDENT);
    p.cbox(INDENT);
    c.keyword("impl")?;
    p.word("impl");
    if c.peek_punct('<') {
        return Err(Unsupported);
    }
    p.end();
    p.nbsp();
    // `Trait for Type` or `Type`: the first type is the trait when `for` follows it.
    ty(p, c)?;
    if c.peek_keyword("for") {
        c.pos += 1;
        p.space();
        p.word("for ");
        ty(p, c)?;
    }
    p.end();
    if c.peek_keyword("where") {
        return Err(Unsupported);
    }
    let body = c.group(Delimiter::Brace)?;
    p.nbsp();
    p.word("{");
    p.hardbreak_if_nonempty();
    let mut items = Cursor::new(body);
    while !items.at_end() {
        let attrs = items.outer_attrs();
        let vis = items.visibility()?;
        impl_item_fn(p, &mut items, &attrs, &vis)?;
    }
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
    Ok(())
}

fn item_const<'a>(
    p: &mut Printer<'a>,
    c: &mut Cursor<'a>,
    attrs: &[&'a [Tok]],
    vis: &Visibility<'a>,
) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(0);
    visibility(p, vis);
    c.keyword("const")?;
    p.word("const ");
    let name = c.ident()?;
    if name == "_" || expr::keyword(name) {
        return Err(Unsupported);
    }
    p.word(name);
    c.punct(':')?;
    p.word(": ");
    ty(p, c)?;
    c.punct('=')?;
    p.word(" = ");
    p.neverbreak();
    let value = expr::expr(c)?;
    c.punct(';')?;
    expr::print(p, &value);
    p.word(";");
    p.end();
    p.hardbreak();
    Ok(())
}

/// A function with a body (prettyplease's `item_fn` and `impl_item_fn` print alike).
fn impl_item_fn<'a>(
    p: &mut Printer<'a>,
    c: &mut Cursor<'a>,
    attrs: &[&'a [Tok]],
    vis: &Visibility<'a>,
) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(INDENT);
    visibility(p, vis);
    signature(p, c)?;
    if c.peek_keyword("where") {
        return Err(Unsupported);
    }
    let body = c.group(Delimiter::Brace)?;
    p.nbsp();
    p.word("{");
    p.hardbreak_if_nonempty();
    let stmts = expr::block(body)?;
    for stmt in &stmts {
        expr::stmt(p, stmt);
    }
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
    Ok(())
}

fn signature<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    if c.peek_keyword("async") {
        c.pos += 1;
        p.word("async ");
    }
    c.keyword("fn")?;
    p.word("fn ");
    p.word(c.ident()?);
    if c.peek_punct('<') {
        generics(p, c)?;
    }
    let inputs = c.group(Delimiter::Parenthesis)?;
    p.word("(");
    p.neverbreak();
    p.cbox(0);
    p.zerobreak();
    let mut args = Cursor::new(inputs);
    while !args.at_end() {
        fn_arg(p, &mut args)?;
        if !args.at_end() {
            args.punct(',')?;
        }
        p.trailing_comma(args.at_end());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
    p.cbox(-INDENT);
    if matches!(
        c.tokens.get(c.pos..c.pos + 2),
        Some([Tok::Punct('-', true), Tok::Punct('>', _)])
    ) {
        c.pos += 2;
        p.word(" -> ");
        ty(p, c)?;
    }
    p.end();
    Ok(())
}

/// `self`, `&self`, `mut self`, `&mut self` or `name: Type` (`mut name: Type`).
fn fn_arg<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    if !c.outer_attrs().is_empty() {
        return Err(Unsupported);
    }
    if c.peek_punct('&') {
        c.pos += 1;
        p.word("&");
        if c.peek_punct('\'') {
            lifetime(p, c)?;
            p.nbsp();
        }
        if c.peek_keyword("mut") {
            c.pos += 1;
            p.word("mut ");
        }
        c.keyword("self")?;
        p.word("self");
        return Ok(());
    }
    if c.peek_keyword("mut") {
        c.pos += 1;
        p.word("mut ");
    }
    if c.peek_keyword("self") {
        c.pos += 1;
        p.word("self");
        return if c.peek_punct(':') {
            Err(Unsupported)
        } else {
            Ok(())
        };
    }
    let name = c.ident()?;
    if expr::keyword(name) || name == "_" {
        return Err(Unsupported);
    }
    p.word(name);
    if let Some(elems) = c.peek_group(Delimiter::Parenthesis) {
        // A tuple struct's pattern, `State(handlers)`: prettyplease's `pat_tuple_struct`.
        c.pos += 1;
        p.word("(");
        p.cbox(INDENT);
        p.zerobreak();
        let mut elems = Cursor::new(elems);
        while !elems.at_end() {
            let elem = elems.ident()?;
            if expr::keyword(elem) || elem == "_" {
                return Err(Unsupported);
            }
            p.word(elem);
            if !elems.at_end() {
                elems.punct(',')?;
            }
            p.trailing_comma(elems.at_end());
        }
        p.offset(-INDENT);
        p.end();
        p.word(")");
    }
    c.punct(':')?;
    p.word(": ");
    ty(p, c)
}
