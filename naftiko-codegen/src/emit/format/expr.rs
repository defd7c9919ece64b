//! Function bodies: the statements and expressions this formatter prints itself, read into a small
//! tree (prettyplease lays a chain out from its outermost call in) and printed as prettyplease's
//! `expr.rs` and `stmt.rs` print them. A body holding anything else is [`Unsupported`].

use proc_macro2::Delimiter;

use super::printer::{INDENT, Printer};
use super::cursor::{Cursor, Result, Unsupported};
use super::ty::generic_arguments;
use super::tree::Tok;

pub enum Expr<'a> {
    Path(Path<'a>),
    Lit(&'a str),
    Call(Box<Expr<'a>>, Vec<Expr<'a>>),
    MethodCall {
        receiver: Box<Expr<'a>>,
        method: &'a str,
        turbofish: Option<&'a [Tok]>,
        args: Vec<Expr<'a>>,
    },
    Field(Box<Expr<'a>>, &'a str),
    Try(Box<Expr<'a>>),
    Await(Box<Expr<'a>>),
    Reference {
        mutable: bool,
        expr: Box<Expr<'a>>,
    },
    Unary(&'static str, Box<Expr<'a>>),
    /// `Path { a: x, b }`.
    Struct(Path<'a>, Vec<(&'a str, Option<Expr<'a>>)>),
    Assign(Box<Expr<'a>>, Box<Expr<'a>>),
    Array(Vec<Expr<'a>>),
}

/// An expression's path: `::a::b::<T>::c`, each segment with its turbofish's tokens (from `<`).
pub struct Path<'a> {
    leading_colon: bool,
    segments: Vec<(&'a str, Option<&'a [Tok]>)>,
}

pub enum Stmt<'a> {
    /// `let [mut] name = init;`
    Let {
        mutable: bool,
        name: &'a str,
        init: Expr<'a>,
    },
    /// An expression, with or without its `;`.
    Expr(Expr<'a>, bool),
}

// Reading.

/// The statements of a block's tokens.
pub fn block(tokens: &[Tok]) -> Result<Vec<Stmt<'_>>> {
    let mut c = Cursor::new(tokens);
    let mut stmts = Vec::new();
    while !c.at_end() {
        if c.peek_punct('#') || c.peek_punct(';') {
            return Err(Unsupported);
        }
        if c.peek_keyword("let") {
            c.pos += 1;
            let mutable = c.peek_keyword("mut");
            if mutable {
                c.pos += 1;
            }
            let name = c.ident()?;
            if keyword(name) {
                return Err(Unsupported);
            }
            c.punct('=')?;
            let init = expr(&mut c)?;
            c.punct(';')?;
            stmts.push(Stmt::Let {
                mutable,
                name,
                init,
            });
        } else {
            let e = expr(&mut c)?;
            let semi = c.peek_punct(';');
            if semi {
                c.pos += 1;
            } else if !c.at_end() {
                return Err(Unsupported);
            }
            stmts.push(Stmt::Expr(e, semi));
        }
    }
    Ok(stmts)
}

/// Keywords: the expressions they start are not printed here, and they are no names.
pub fn keyword(ident: &str) -> bool {
    matches!(
        ident,
        "as" | "async"
            | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "return"
            | "static"
            | "unsafe"
            | "while"
            | "ref"
            | "yield"
            | "struct"
            | "trait"
            | "type"
            | "use"
            | "where"
            | "dyn"
            | "extern"
            | "pub"
    )
}

pub fn expr<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    let left = unary(c)?;
    if matches!(c.peek(), Some(Tok::Punct('=', false))) {
        c.pos += 1;
        let right = expr(c)?;
        return Ok(Expr::Assign(Box::new(left), Box::new(right)));
    }
    match c.peek() {
        // Binary operators, casts, ranges: not printed here.
        Some(Tok::Punct(',' | ';', _)) | None => Ok(left),
        _ => Err(Unsupported),
    }
}

fn unary<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    match c.peek() {
        Some(Tok::Punct('&', false)) => {
            c.pos += 1;
            let mutable = c.peek_keyword("mut");
            if mutable {
                c.pos += 1;
            }
            Ok(Expr::Reference {
                mutable,
                expr: Box::new(unary(c)?),
            })
        }
        Some(Tok::Punct(op @ ('!' | '-' | '*'), false)) => {
            c.pos += 1;
            let op = match op {
                '!' => "!",
                '-' => "-",
                _ => "*",
            };
            Ok(Expr::Unary(op, Box::new(unary(c)?)))
        }
        _ => postfix(c),
    }
}

fn postfix<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    let mut e = primary(c)?;
    loop {
        match c.peek() {
            Some(Tok::Punct('?', _)) => {
                c.pos += 1;
                e = Expr::Try(Box::new(e));
            }
            Some(Tok::Punct('.', false)) => {
                c.pos += 1;
                match c.next() {
                    Some(Tok::Ident(name)) if name == "await" => e = Expr::Await(Box::new(e)),
                    Some(Tok::Ident(name)) if !keyword(name) => {
                        let turbofish = turbofish(c)?;
                        if let Some(args) = c.peek_group(Delimiter::Parenthesis) {
                            c.pos += 1;
                            e = Expr::MethodCall {
                                receiver: Box::new(e),
                                method: name,
                                turbofish,
                                args: call_args(args)?,
                            };
                        } else if turbofish.is_some() {
                            return Err(Unsupported);
                        } else {
                            e = Expr::Field(Box::new(e), name);
                        }
                    }
                    Some(Tok::Literal(index)) if index.bytes().all(|b| b.is_ascii_digit()) => {
                        e = Expr::Field(Box::new(e), index)
                    }
                    _ => return Err(Unsupported),
                }
            }
            Some(Tok::Group(Delimiter::Parenthesis, args)) => {
                c.pos += 1;
                e = Expr::Call(Box::new(e), call_args(args)?);
            }
            _ => return Ok(e),
        }
    }
}

/// `::<…>` after a method or path segment: its tokens from the `<` on.
fn turbofish<'a>(c: &mut Cursor<'a>) -> Result<Option<&'a [Tok]>> {
    if !(c.peek_colon2() && matches!(c.peek_at(2), Some(Tok::Punct('<', _)))) {
        return Ok(None);
    }
    c.pos += 2;
    let start = c.pos;
    let mut depth = 0usize;
    while let Some(token) = c.next() {
        match token {
            Tok::Punct('<', _) => depth += 1,
            // The `>` of a `->` closes nothing.
            Tok::Punct('>', _)
                if !matches!(
                    c.tokens.get(c.pos.wrapping_sub(2)),
                    Some(Tok::Punct('-', true))
                ) =>
            {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(&c.tokens[start..c.pos]));
                }
            }
            _ => {}
        }
    }
    Err(Unsupported)
}

fn call_args(tokens: &[Tok]) -> Result<Vec<Expr<'_>>> {
    let mut c = Cursor::new(tokens);
    let mut args = Vec::new();
    while !c.at_end() {
        args.push(expr(&mut c)?);
        if !c.at_end() {
            c.punct(',')?;
        }
    }
    Ok(args)
}

fn primary<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    match c.peek().ok_or(Unsupported)? {
        Tok::Literal(lit) => {
            c.pos += 1;
            Ok(Expr::Lit(lit))
        }
        Tok::Ident(name) if name == "true" || name == "false" => {
            c.pos += 1;
            Ok(Expr::Lit(name))
        }
        Tok::Ident(name) if keyword(name) => Err(Unsupported),
        Tok::Ident(_) => path_expr(c),
        Tok::Group(Delimiter::Bracket, elems) => {
            c.pos += 1;
            let mut inner = Cursor::new(elems);
            let mut items = Vec::new();
            while !inner.at_end() {
                items.push(expr(&mut inner)?);
                if !inner.at_end() {
                    // `[x; n]` is not printed here.
                    inner.punct(',')?;
                }
            }
            Ok(Expr::Array(items))
        }
        Tok::Punct(':', true) if c.peek_colon2() => path_expr(c),
        _ => Err(Unsupported),
    }
}

fn path_expr<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    let leading_colon = c.peek_colon2();
    if leading_colon {
        c.pos += 2;
    }
    let mut segments = Vec::new();
    loop {
        let name = c.ident()?;
        if keyword(name) {
            return Err(Unsupported);
        }
        segments.push((name, turbofish(c)?));
        if c.peek_colon2() && matches!(c.peek_at(2), Some(Tok::Ident(_))) {
            c.pos += 2;
        } else {
            break;
        }
    }
    let path = Path {
        leading_colon,
        segments,
    };
    if c.peek_punct('!') {
        // A macro call.
        return Err(Unsupported);
    }
    if let Some(body) = c.peek_group(Delimiter::Brace) {
        c.pos += 1;
        return Ok(Expr::Struct(path, struct_fields(body)?));
    }
    Ok(Expr::Path(path))
}

fn struct_fields(tokens: &[Tok]) -> Result<Vec<(&str, Option<Expr<'_>>)>> {
    let mut c = Cursor::new(tokens);
    let mut fields = Vec::new();
    while !c.at_end() {
        if c.peek_punct('.') || c.peek_punct('#') {
            // `..rest`, attributes.
            return Err(Unsupported);
        }
        let name = c.ident()?;
        let value = if c.peek_punct(':') {
            c.pos += 1;
            Some(expr(&mut c)?)
        } else {
            None
        };
        fields.push((name, value));
        if !c.at_end() {
            c.punct(',')?;
        }
    }
    Ok(fields)
}

// Printing.

pub fn stmt<'a>(p: &mut Printer<'a>, stmt: &Stmt<'a>) {
    match stmt {
        Stmt::Let {
            mutable,
            name,
            init,
        } => {
            p.ibox(0);
            p.word("let ");
            if *mutable {
                p.word("mut ");
            }
            p.word(*name);
            p.word(" = ");
            p.neverbreak();
            expr_print(p, init);
            p.end();
            p.word(";");
            p.hardbreak();
        }
        Stmt::Expr(e, semi) => {
            p.ibox(0);
            expr_beginning_of_line(p, e, true);
            // A tail assignment gets its `;` (prettyplease's `add_semi`).
            if *semi || matches!(e, Expr::Assign(..)) {
                p.word(";");
            }
            p.end();
            p.hardbreak();
        }
    }
}

pub fn print<'a>(p: &mut Printer<'a>, e: &Expr<'a>) {
    expr_print(p, e);
}

fn expr_print<'a>(p: &mut Printer<'a>, e: &Expr<'a>) {
    match e {
        Expr::Path(path) => expr_path(p, path),
        Expr::Lit(lit) => p.word(*lit),
        Expr::Call(func, args) => expr_call(p, func, args, false),
        Expr::MethodCall { .. } => expr_method_call(p, e, false),
        Expr::Field(..) => {
            p.cbox(INDENT);
            prefix_subexpr(p, e, false);
            p.end();
        }
        Expr::Try(inner) => {
            expr_beginning_of_line(p, inner, false);
            p.word("?");
        }
        Expr::Await(..) => {
            p.cbox(INDENT);
            prefix_subexpr(p, e, false);
            p.end();
        }
        Expr::Reference { mutable, expr } => {
            p.word("&");
            if *mutable {
                p.word("mut ");
            }
            expr_print(p, expr);
        }
        Expr::Unary(op, expr) => {
            p.word(*op);
            expr_print(p, expr);
        }
        Expr::Struct(path, fields) => expr_struct(p, path, fields),
        Expr::Array(elems) => expr_array(p, elems),
        Expr::Assign(left, right) => {
            p.ibox(0);
            expr_print(p, left);
            p.word(" = ");
            p.neverbreak();
            expr_print(p, right);
            p.end();
        }
    }
}

fn expr_beginning_of_line<'a>(p: &mut Printer<'a>, e: &Expr<'a>, beginning_of_line: bool) {
    match e {
        Expr::Await(..) | Expr::Field(..) => {
            p.cbox(INDENT);
            prefix_subexpr(p, e, beginning_of_line);
            p.end();
        }
        Expr::MethodCall { .. } => expr_method_call(p, e, beginning_of_line),
        Expr::Try(inner) => {
            expr_beginning_of_line(p, inner, beginning_of_line);
            p.word("?");
        }
        _ => expr_print(p, e),
    }
}

fn expr_call<'a>(p: &mut Printer<'a>, func: &Expr<'a>, args: &[Expr<'a>], beginning_of_line: bool) {
    expr_beginning_of_line(p, func, beginning_of_line);
    p.word("(");
    call_args_print(p, args);
    p.word(")");
}

fn expr_method_call<'a>(p: &mut Printer<'a>, e: &Expr<'a>, beginning_of_line: bool) {
    let Expr::MethodCall { receiver, .. } = e else {
        return;
    };
    p.cbox(INDENT);
    let unindent_call_args = beginning_of_line && is_short_ident(receiver);
    prefix_subexpr_method_call(p, e, beginning_of_line, unindent_call_args);
    p.end();
}

/// A link of a chain, its receiver printed first (prettyplease's `prefix_subexpr`).
fn prefix_subexpr<'a>(p: &mut Printer<'a>, e: &Expr<'a>, beginning_of_line: bool) {
    match e {
        Expr::Await(base) => {
            prefix_subexpr(p, base, beginning_of_line);
            dot_break(p, base, beginning_of_line);
            p.word(".await");
        }
        Expr::Call(func, args) => {
            prefix_subexpr(p, func, false);
            p.word("(");
            call_args_print(p, args);
            p.word(")");
        }
        Expr::Field(base, member) => {
            prefix_subexpr(p, base, beginning_of_line);
            dot_break(p, base, beginning_of_line);
            p.word(".");
            p.word(*member);
        }
        Expr::MethodCall { .. } => prefix_subexpr_method_call(p, e, beginning_of_line, false),
        Expr::Try(inner) => {
            prefix_subexpr(p, inner, beginning_of_line);
            p.word("?");
        }
        _ => {
            p.cbox(-INDENT);
            expr_print(p, e);
            p.end();
        }
    }
}

fn prefix_subexpr_method_call<'a>(
    p: &mut Printer<'a>,
    e: &Expr<'a>,
    beginning_of_line: bool,
    unindent_call_args: bool,
) {
    let Expr::MethodCall {
        receiver,
        method,
        turbofish,
        args,
    } = e
    else {
        return;
    };
    prefix_subexpr(p, receiver, beginning_of_line);
    dot_break(p, receiver, beginning_of_line);
    p.word(".");
    p.word(*method);
    if let Some(tokens) = turbofish {
        let mut c = Cursor::new(tokens);
        // Read before: `turbofish` holds whole `<…>` arguments.
        let _ = generic_arguments(p, &mut c, true);
    }
    p.cbox(if unindent_call_args { -INDENT } else { 0 });
    p.word("(");
    call_args_print(p, args);
    p.word(")");
    p.end();
}

/// The break before a `.` of a chain (none after a short name starting the line).
fn dot_break<'a>(p: &mut Printer<'a>, base: &Expr<'a>, beginning_of_line: bool) {
    if !(beginning_of_line && is_short_ident(base)) {
        let no_break = p.ends_with('.').then_some(' ');
        p.zerobreak_or(no_break);
    }
}

fn is_short_ident(e: &Expr<'_>) -> bool {
    matches!(e, Expr::Path(Path { leading_colon: false, segments }) if matches!(segments.as_slice(), [(name, None)] if name.len() as isize <= INDENT))
}

fn call_args_print<'a>(p: &mut Printer<'a>, args: &[Expr<'a>]) {
    if let [only @ Expr::Struct(..)] = args {
        expr_print(p, only);
        return;
    }
    p.cbox(INDENT);
    p.zerobreak();
    for (i, arg) in args.iter().enumerate() {
        expr_print(p, arg);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
}

fn expr_path<'a>(p: &mut Printer<'a>, path: &Path<'a>) {
    for (i, (name, turbofish)) in path.segments.iter().enumerate() {
        if i > 0 || path.leading_colon {
            p.word("::");
        }
        p.word(*name);
        if let Some(tokens) = turbofish {
            let mut c = Cursor::new(tokens);
            let _ = generic_arguments(p, &mut c, true);
        }
    }
}

fn expr_struct<'a>(p: &mut Printer<'a>, path: &Path<'a>, fields: &[(&'a str, Option<Expr<'a>>)]) {
    p.cbox(INDENT);
    p.ibox(-INDENT);
    expr_path(p, path);
    p.end();
    p.word(" {");
    p.space_if_nonempty();
    for (i, (name, value)) in fields.iter().enumerate() {
        p.word(*name);
        if let Some(value) = value {
            p.word(": ");
            p.ibox(0);
            expr_print(p, value);
            p.end();
        }
        p.trailing_comma_or_space(i + 1 == fields.len());
    }
    p.offset(-INDENT);
    p.end_with_max_width(34);
    p.word("}");
}

fn expr_array<'a>(p: &mut Printer<'a>, elems: &[Expr<'a>]) {
    if elems.is_empty() {
        p.word("[]");
    } else if elems.iter().all(simple_literal) {
        p.cbox(INDENT);
        p.word("[");
        p.zerobreak();
        p.ibox(0);
        for (i, elem) in elems.iter().enumerate() {
            expr_print(p, elem);
            if i + 1 < elems.len() {
                p.word(",");
                p.space();
            }
        }
        p.end();
        p.trailing_comma(true);
        p.offset(-INDENT);
        p.word("]");
        p.end();
    } else {
        p.word("[");
        p.cbox(INDENT);
        p.zerobreak();
        for (i, elem) in elems.iter().enumerate() {
            expr_print(p, elem);
            p.trailing_comma(i + 1 == elems.len());
        }
        p.offset(-INDENT);
        p.end();
        p.word("]");
    }
}

/// A byte, character, integer or boolean literal (prettyplease's `simple_array` elements).
fn simple_literal(e: &Expr<'_>) -> bool {
    let Expr::Lit(lit) = e else { return false };
    let integer = lit.starts_with(|c: char| c.is_ascii_digit())
        && !lit.contains('.')
        && (lit.starts_with("0x") || !lit.contains(['e', 'E']))
        && !lit.ends_with("f32")
        && !lit.ends_with("f64");
    integer || *lit == "true" || *lit == "false" || lit.starts_with('\'') || lit.starts_with("b'")
}
