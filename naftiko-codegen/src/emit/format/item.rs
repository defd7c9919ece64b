//! The items this formatter prints itself, each laid out as prettyplease lays it out (the functions
//! mirror prettyplease's of the same names). Anything else is [`Unsupported`], and the item goes
//! through prettyplease.

use proc_macro2::Delimiter;

use super::attr::{attribute, outer_attrs};
use super::cursor::{Cursor, Result, Unsupported};
use super::expr;
use super::print_expr;
use super::printer::{INDENT, Printer};
use super::tree::Tok;
use super::ty::{bounds, generics, reference, ty};

/// Whether an item's tokens may be one [`item`] prints, by the keyword after its attributes and
/// visibility, so that no other is tried for nothing.
pub fn candidate(tokens: &[Tok]) -> bool {
    let mut at = 0;
    while let Some(Tok::Punct('#', _)) = tokens.get(at) {
        // `#[…]`, or a file's `#![…]`.
        at += if matches!(tokens.get(at + 1), Some(Tok::Punct('!', _))) { 3 } else { 2 };
    }
    if matches!(tokens.get(at), Some(Tok::Ident(i)) if *i == "pub") {
        at += 1;
        if matches!(tokens.get(at), Some(Tok::Group(Delimiter::Parenthesis, _))) {
            at += 1;
        }
    }
    matches!(tokens.get(at), Some(Tok::Ident(i)) if ["struct", "impl", "fn", "async", "const", "static", "mod", "use", "trait"].contains(i))
}

/// The item of `tokens` as prettyplease prints it in a file (ending with a line break).
pub fn item(tokens: &[Tok]) -> Option<String> {
    let mut p = Printer::new();
    // Inside the file's box, as `prettyplease::unparse` prints items.
    p.cbox(0);
    let mut c = Cursor::new(tokens);
    inner_attrs(&mut p, &mut c).ok()?;
    item_into(&mut p, &mut c).ok()?;
    if !c.at_end() {
        return None;
    }
    p.end();
    Some(p.eof())
}

/// The inner attributes (`#![…]`) at `c`: a file's or a module's.
fn inner_attrs<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    while let Some([Tok::Punct('#', _), Tok::Punct('!', _), Tok::Group(Delimiter::Bracket, attr)]) = c.tokens.get(c.pos..c.pos + 3) {
        c.pos += 3;
        attribute(p, attr, true)?;
    }
    Ok(())
}

/// The item at `c` (prettyplease's `item`).
fn item_into<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    let attrs = c.outer_attrs();
    let vis = read_visibility(c)?;
    match c.peek_ident().ok_or(Unsupported)? {
        "struct" => item_struct(p, c, &attrs, &vis),
        "impl" if matches!(vis, Visibility::Inherited) => item_impl(p, c, &attrs),
        "fn" | "async" => impl_item_fn(p, c, &attrs, &vis),
        "const" if !matches!(c.peek_at(1), Some(Tok::Ident(next)) if *next == "fn" || *next == "unsafe" || *next == "async") => {
            item_const(p, c, &attrs, &vis, "const ")
        }
        "static" if !c.peek_at(1).is_some_and(|next| matches!(next, Tok::Ident("mut"))) => item_const(p, c, &attrs, &vis, "static "),
        "mod" => item_mod(p, c, &attrs, &vis),
        "use" => item_use(p, c, &attrs, &vis),
        "trait" => item_trait(p, c, &attrs, &vis),
        _ => Err(Unsupported),
    }
}

fn item_mod<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]], vis: &Visibility<'a>) -> Result {
    head(p, c, attrs, vis, "mod ", INDENT)?;
    if c.peek_punct(';') {
        c.pos += 1;
        p.word(";");
        p.end();
    } else {
        let body = c.group(Delimiter::Brace)?;
        p.word(" {");
        p.hardbreak_if_nonempty();
        let mut items = Cursor::new(body);
        inner_attrs(p, &mut items)?;
        while !items.at_end() {
            item_into(p, &mut items)?;
        }
        p.offset(-INDENT);
        p.end();
        p.word("}");
    }
    p.hardbreak();
    Ok(())
}

/// `use a::b::{c, d as e, *};`
fn item_use<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]], vis: &Visibility<'a>) -> Result {
    outer_attrs(p, attrs)?;
    visibility(p, vis);
    c.keyword("use")?;
    p.word("use ");
    if c.peek_colon2() {
        c.pos += 2;
        p.word("::");
    }
    use_tree(p, c)?;
    c.punct(';')?;
    p.word(";");
    p.hardbreak();
    Ok(())
}

/// One tree of a `use`, and whether it ends in a group (`a::{b, c}`).
fn use_tree<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result<bool> {
    if c.peek_punct('*') {
        c.pos += 1;
        p.word("*");
        return Ok(false);
    }
    if let Some(items) = c.peek_group(Delimiter::Brace) {
        c.pos += 1;
        use_group(p, items)?;
        return Ok(true);
    }
    let name = c.ident()?;
    p.word(name);
    if c.peek_colon2() {
        c.pos += 2;
        p.word("::");
        return use_tree(p, c);
    }
    if c.peek_keyword("as") {
        c.pos += 1;
        p.word(" as ");
        p.word(c.ident()?);
    }
    Ok(false)
}

fn use_group<'a>(p: &mut Printer<'a>, tokens: &'a [Tok<'a>]) -> Result {
    if tokens.is_empty() {
        p.word("{}");
        return Ok(());
    }
    // The group's trees: one more than its commas, less a trailing one.
    let trees = 1 + tokens.iter().filter(|t| matches!(t, Tok::Punct(',', _))).count() - usize::from(matches!(tokens.last(), Some(Tok::Punct(',', _))));
    let single_not_self = trees == 1 && !matches!(tokens, [Tok::Ident(first), ..] if *first == "self" && !matches!(tokens.get(1), Some(Tok::Punct(':', true))));
    let mut c = Cursor::new(tokens);
    if single_not_self {
        use_tree(p, &mut c)?;
        if c.peek_punct(',') {
            c.pos += 1;
        }
        return if c.at_end() { Ok(()) } else { Err(Unsupported) };
    }
    p.cbox(INDENT);
    p.word("{");
    p.zerobreak();
    p.ibox(0);
    for i in 0..trees {
        let ends_in_group = use_tree(p, &mut c)?;
        if c.peek_punct(',') {
            c.pos += 1;
        }
        if i + 1 < trees {
            p.word(",");
            if ends_in_group {
                p.hardbreak();
            } else {
                p.space();
            }
        }
    }
    if !c.at_end() {
        return Err(Unsupported);
    }
    p.end();
    p.trailing_comma(true);
    p.offset(-INDENT);
    p.word("}");
    p.end();
    Ok(())
}

/// `trait Name: Bound + 'a { fn …; fn … { … } }`, without generics or a where clause.
fn item_trait<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]], vis: &Visibility<'a>) -> Result {
    head(p, c, attrs, vis, "trait ", INDENT)?;
    if c.peek_punct('<') {
        return Err(Unsupported);
    }
    if c.peek_punct(':') {
        c.pos += 1;
        p.word(": ");
        bounds(p, c, false)?;
    }
    braced_body(p, c, |p, items| {
        let attrs = items.outer_attrs();
        outer_attrs(p, &attrs)?;
        p.cbox(INDENT);
        signature(p, items)?;
        if items.peek_punct(';') {
            items.pos += 1;
            // `where_clause_semi` without a where clause.
            p.word(";");
            p.end();
        } else {
            fn_body(p, items)?;
        }
        p.hardbreak();
        Ok(())
    })?;
    p.hardbreak();
    Ok(())
}

/// The `{ … }` of a struct, impl, trait or function (no where clause before it): its elements (fields,
/// items, statements) printed by `element` until none is left, then the `}` closing the item's box.
fn braced_body<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, mut element: impl FnMut(&mut Printer<'a>, &mut Cursor<'a>) -> Result) -> Result {
    if c.peek_keyword("where") {
        return Err(Unsupported);
    }
    let body = c.group(Delimiter::Brace)?;
    // `where_clause_for_body` without a where clause.
    p.nbsp();
    p.word("{");
    p.hardbreak_if_nonempty();
    let mut elements = Cursor::new(body);
    while !elements.at_end() {
        element(p, &mut elements)?;
    }
    p.offset(-INDENT);
    p.end();
    p.word("}");
    Ok(())
}

enum Visibility<'a> {
    Inherited,
    Public,
    /// `pub(crate)`, `pub(super)`, `pub(self)`.
    Restricted(&'a str),
}

/// The start of an item named after its keyword: its attributes, its box (of `indent`), its
/// visibility, `keyword` (with its space) and its name.
fn head<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]], vis: &Visibility<'a>, keyword: &'static str, indent: isize) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(indent);
    visibility(p, vis);
    c.keyword(keyword.trim_end())?;
    p.word(keyword);
    let name = c.ident()?;
    if name == "_" || expr::keyword(name) {
        return Err(Unsupported);
    }
    p.word(name);
    Ok(())
}

/// `pub`, `pub(crate)`, `pub(super)`, `pub(self)` or nothing.
fn read_visibility<'a>(c: &mut Cursor<'a>) -> Result<Visibility<'a>> {
    if !c.peek_keyword("pub") {
        return Ok(Visibility::Inherited);
    }
    c.pos += 1;
    let Some(inner) = c.peek_group(Delimiter::Parenthesis) else {
        return Ok(Visibility::Public);
    };
    match inner {
        [Tok::Ident(scope)] if *scope == "crate" || *scope == "super" || *scope == "self" => {
            c.pos += 1;
            Ok(Visibility::Restricted(scope))
        }
        _ => Err(Unsupported),
    }
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
    attrs: &[&'a [Tok<'a>]],
    vis: &Visibility<'a>,
) -> Result {
    head(p, c, attrs, vis, "struct ", INDENT)?;
    if c.peek_punct('<') {
        return Err(Unsupported);
    }
    if c.peek_punct(';') {
        c.pos += 1;
        p.word(";");
        p.end();
    } else {
        braced_body(p, c, |p, fields| {
            let attrs = fields.outer_attrs();
            outer_attrs(p, &attrs)?;
            let vis = read_visibility(fields)?;
            visibility(p, &vis);
            p.word(fields.ident()?);
            fields.punct(':')?;
            p.word(": ");
            ty(p, fields)?;
            if !fields.at_end() {
                fields.punct(',')?;
            }
            p.word(",");
            p.hardbreak();
            Ok(())
        })?;
    }
    p.hardbreak();
    Ok(())
}

/// `impl [Trait for] Type { fn … }`, without generics or a where clause.
fn item_impl<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]]) -> Result {
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
    braced_body(p, c, |p, items| {
        let attrs = items.outer_attrs();
        let vis = read_visibility(items)?;
        impl_item_fn(p, items, &attrs, &vis)
    })?;
    p.hardbreak();
    Ok(())
}

/// A `const` or `static` item (prettyplease's `item_const` and `item_static` print alike without
/// generics or `mut`).
fn item_const<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>, attrs: &[&'a [Tok<'a>]], vis: &Visibility<'a>, keyword: &'static str) -> Result {
    head(p, c, attrs, vis, keyword, 0)?;
    c.punct(':')?;
    p.word(": ");
    ty(p, c)?;
    c.punct('=')?;
    p.word(" = ");
    p.neverbreak();
    let value = expr::expr(c)?;
    c.punct(';')?;
    print_expr::expr(p, &value);
    p.word(";");
    p.end();
    p.hardbreak();
    Ok(())
}

/// A function with a body (prettyplease's `item_fn` and `impl_item_fn` print alike).
fn impl_item_fn<'a>(
    p: &mut Printer<'a>,
    c: &mut Cursor<'a>,
    attrs: &[&'a [Tok<'a>]],
    vis: &Visibility<'a>,
) -> Result {
    outer_attrs(p, attrs)?;
    p.cbox(INDENT);
    visibility(p, vis);
    signature(p, c)?;
    fn_body(p, c)?;
    p.hardbreak();
    Ok(())
}

/// A function's `{ … }` after its signature, closing the function's box: its statements, all read
/// before any is printed.
fn fn_body<'a>(p: &mut Printer<'a>, c: &mut Cursor<'a>) -> Result {
    braced_body(p, c, |p, body| {
        let stmts = expr::block(&body.tokens[body.pos..])?;
        body.pos = body.tokens.len();
        for stmt in &stmts {
            print_expr::stmt(p, stmt);
        }
        Ok(())
    })
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
        reference(p, c)?;
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
    // A name, or a tuple struct's pattern (`State(handlers)`).
    let pat = expr::pattern(c)?;
    print_expr::pattern(p, &pat);
    c.punct(':')?;
    p.word(": ");
    ty(p, c)
}
