//! Statements and expressions as prettyplease's `expr.rs` and `stmt.rs` print them (the functions
//! mirror prettyplease's of the same names).

use super::cursor::Cursor;
use super::expr::{Expr, MethodCall, Pat, Path, Stmt};
use super::printer::{INDENT, Printer};
use super::tree::Tok;
use super::ty::generic_arguments;

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
            expr(p, init);
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

/// An expression (prettyplease's `expr`).
pub fn expr<'a>(p: &mut Printer<'a>, e: &Expr<'a>) {
    match e {
        // The links of a chain print as prettyplease's `expr_beginning_of_line` prints them elsewhere.
        Expr::Await(_) | Expr::Field(..) | Expr::Try(_) | Expr::MethodCall(_) => expr_beginning_of_line(p, e, false),
        Expr::Path(path) => expr_path(p, path),
        Expr::Lit(lit) => p.word(*lit),
        Expr::Call(func, args) => {
            expr(p, func);
            p.word("(");
            call_args(p, args);
            p.word(")");
        }
        Expr::Reference { mutable, expr: inner } => {
            p.word("&");
            if *mutable {
                p.word("mut ");
            }
            expr(p, inner);
        }
        Expr::Unary(op, inner) => {
            p.word(*op);
            expr(p, inner);
        }
        Expr::Struct(path, fields, rest) => expr_struct(p, path, fields, rest.as_deref()),
        Expr::Tuple(elems) => expr_tuple(p, elems),
        Expr::Cast(inner, ty) => {
            p.ibox(INDENT);
            p.ibox(-INDENT);
            expr(p, inner);
            p.end();
            p.space();
            p.word("as ");
            // Read through the same printing when the expression was read.
            let _ = super::ty::ty(p, &mut Cursor::new(ty));
            p.end();
        }
        Expr::Macro(path, literal) => {
            expr_path(p, path);
            p.word("!(");
            p.cbox(INDENT);
            p.zerobreak();
            p.ibox(0);
            p.word(*literal);
            p.end();
            p.zerobreak();
            p.offset(-INDENT);
            p.end();
            p.word(")");
        }
        Expr::Array(elems) => expr_array(p, elems),
        Expr::Match(scrutinee, arms) => expr_match(p, scrutinee, arms),
        // A closure's body (a match arm's prints in `arm`).
        Expr::Block(stmts) => {
            p.cbox(INDENT);
            small_block(p, stmts);
            p.end();
        }
        Expr::Closure { capture, inputs, body } => expr_closure(p, *capture, inputs, body),
        Expr::Async { capture, stmts } => {
            p.word("async ");
            if *capture {
                p.word("move ");
            }
            p.cbox(INDENT);
            small_block(p, stmts);
            p.end();
        }
        Expr::Assign(left, right) => {
            p.ibox(0);
            expr(p, left);
            p.word(" = ");
            p.neverbreak();
            expr(p, right);
            p.end();
        }
    }
}

fn expr_beginning_of_line<'a>(p: &mut Printer<'a>, e: &Expr<'a>, beginning_of_line: bool) {
    match e {
        Expr::Await(_) | Expr::Field(..) => {
            p.cbox(INDENT);
            prefix_subexpr(p, e, beginning_of_line);
            p.end();
        }
        Expr::MethodCall(call) => {
            p.cbox(INDENT);
            let unindent_call_args = beginning_of_line && is_short_ident(&call.receiver);
            prefix_subexpr_method_call(p, call, beginning_of_line, unindent_call_args);
            p.end();
        }
        Expr::Try(inner) => {
            expr_beginning_of_line(p, inner, beginning_of_line);
            p.word("?");
        }
        _ => expr(p, e),
    }
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
            call_args(p, args);
            p.word(")");
        }
        Expr::Field(base, member) => {
            prefix_subexpr(p, base, beginning_of_line);
            dot_break(p, base, beginning_of_line);
            p.word(".");
            p.word(*member);
        }
        Expr::MethodCall(call) => prefix_subexpr_method_call(p, call, beginning_of_line, false),
        Expr::Try(inner) => {
            prefix_subexpr(p, inner, beginning_of_line);
            p.word("?");
        }
        _ => {
            p.cbox(-INDENT);
            expr(p, e);
            p.end();
        }
    }
}

fn prefix_subexpr_method_call<'a>(p: &mut Printer<'a>, call: &MethodCall<'a>, beginning_of_line: bool, unindent_call_args: bool) {
    prefix_subexpr(p, &call.receiver, beginning_of_line);
    dot_break(p, &call.receiver, beginning_of_line);
    p.word(".");
    p.word(call.method);
    if let Some(tokens) = call.turbofish {
        turbofish(p, tokens);
    }
    p.cbox(if unindent_call_args { -INDENT } else { 0 });
    p.word("(");
    call_args(p, &call.args);
    p.word(")");
    p.end();
}

/// `::<…>`. Its tokens were printed once already, to a scratch printer, when `expr::turbofish` read
/// them, so the printing cannot fail here.
fn turbofish<'a>(p: &mut Printer<'a>, tokens: &'a [Tok<'a>]) {
    let printed = generic_arguments(p, &mut Cursor::new(tokens), true);
    debug_assert!(printed.is_ok(), "a turbofish expr::turbofish accepted");
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

fn call_args<'a>(p: &mut Printer<'a>, args: &[Expr<'a>]) {
    if let [only] = args
        && is_blocklike(only)
    {
        expr(p, only);
        return;
    }
    comma_list(p, args, expr);
}

/// `items` separated by commas in a box that breaks all or none of them, a comma after the last one
/// when broken (the body of prettyplease's argument, array and tuple lists).
fn comma_list<'a, T>(p: &mut Printer<'a>, items: &[T], mut print: impl FnMut(&mut Printer<'a>, &T)) {
    p.cbox(INDENT);
    p.zerobreak();
    for (i, item) in items.iter().enumerate() {
        print(p, item);
        p.trailing_comma(i + 1 == items.len());
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
            self::turbofish(p, tokens);
        }
    }
}

fn expr_struct<'a>(p: &mut Printer<'a>, path: &Path<'a>, fields: &[(&'a str, Option<Expr<'a>>)], rest: Option<&Expr<'a>>) {
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
            expr(p, value);
            p.end();
        }
        p.trailing_comma_or_space(i + 1 == fields.len() && rest.is_none());
    }
    if let Some(rest) = rest {
        p.word("..");
        expr(p, rest);
        p.space();
    }
    p.offset(-INDENT);
    p.end_with_max_width(34);
    p.word("}");
}

/// A tuple (of one it is not read: see `expr::primary`).
fn expr_tuple<'a>(p: &mut Printer<'a>, elems: &[Expr<'a>]) {
    p.word("(");
    comma_list(p, elems, expr);
    p.word(")");
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
            expr(p, elem);
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
        comma_list(p, elems, expr);
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

fn expr_match<'a>(p: &mut Printer<'a>, scrutinee: &Expr<'a>, arms: &[(Pat<'a>, Expr<'a>)]) {
    p.ibox(0);
    p.word("match ");
    // `expr_condition`.
    p.cbox(0);
    expr(p, scrutinee);
    if needs_newline_if_wrap(scrutinee) {
        p.space();
    } else {
        p.nbsp();
    }
    p.end();
    p.word("{");
    p.neverbreak();
    p.cbox(INDENT);
    p.hardbreak_if_nonempty();
    for (pat, body) in arms {
        arm(p, pat, body);
        p.hardbreak();
    }
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.end();
}

fn arm<'a>(p: &mut Printer<'a>, pat: &Pat<'a>, body: &Expr<'a>) {
    p.ibox(0);
    pattern(p, pat);
    p.word(" => ");
    let mut body = body;
    while let Expr::Block(stmts) = body
        && let [Stmt::Expr(inner, false)] = stmts.as_slice()
    {
        body = inner;
    }
    if let Expr::Block(stmts) = body {
        arm_block(p, stmts);
    } else {
        p.neverbreak();
        p.cbox(INDENT);
        let okay_to_brace = parseable_as_stmt(body);
        p.body_open(if okay_to_brace { '{' } else { '(' });
        expr_beginning_of_line(p, body, true);
        p.body_close(
            (okay_to_brace && matches!(body, Expr::Assign(..))).then_some(';'),
            if okay_to_brace { "}" } else { ")," },
            (!matches!(body, Expr::Match(..))).then_some(','),
        );
        p.end();
    }
    p.end();
}

/// A match arm's `{ … }`.
fn arm_block<'a>(p: &mut Printer<'a>, stmts: &[Stmt<'a>]) {
    p.word("{");
    p.neverbreak();
    p.cbox(INDENT);
    p.hardbreak_if_nonempty();
    for stmt in stmts {
        self::stmt(p, stmt);
    }
    p.offset(-INDENT);
    p.end();
    p.word("}");
}

pub fn pattern<'a>(p: &mut Printer<'a>, pat: &Pat<'a>) {
    match pat {
        Pat::Wild => p.word("_"),
        Pat::Lit(lit) => p.word(*lit),
        Pat::Path(path) => expr_path(p, path),
        Pat::TupleStruct(path, elems) => {
            expr_path(p, path);
            p.word("(");
            comma_list(p, elems, pattern);
            p.word(")");
        }
    }
}

fn expr_closure<'a>(p: &mut Printer<'a>, capture: bool, inputs: &[Pat<'a>], body: &Expr<'a>) {
    p.ibox(0);
    if capture {
        p.word("move ");
    }
    p.cbox(INDENT);
    p.word("|");
    for (i, pat) in inputs.iter().enumerate() {
        if i == 0 {
            p.zerobreak();
        }
        pattern(p, pat);
        if i + 1 < inputs.len() {
            p.word(",");
            p.space();
        }
    }
    p.word("|");
    p.space();
    p.offset(-INDENT);
    p.end();
    p.neverbreak();
    let wrap_in_brace = match body {
        Expr::Match(..) | Expr::Call(..) => false,
        body => !is_blocklike(body),
    };
    if wrap_in_brace {
        p.cbox(INDENT);
        let okay_to_brace = parseable_as_stmt(body);
        p.body_open(if okay_to_brace { '{' } else { '(' });
        expr(p, body);
        p.body_close((okay_to_brace && matches!(body, Expr::Assign(..))).then_some(';'), if okay_to_brace { "}" } else { ")" }, None);
        p.end();
    } else {
        expr(p, body);
    }
    p.end();
}

/// `{ … }` of an `async` block or a closure (prettyplease's `small_block`).
fn small_block<'a>(p: &mut Printer<'a>, stmts: &[Stmt<'a>]) {
    p.word("{");
    if !stmts.is_empty() {
        p.space();
        if let [Stmt::Expr(e, false)] = stmts {
            p.ibox(0);
            expr_beginning_of_line(p, e, true);
            p.end();
            p.space();
        } else {
            for stmt in stmts {
                self::stmt(p, stmt);
            }
        }
        p.offset(-INDENT);
    }
    p.word("}");
}

fn is_blocklike(e: &Expr<'_>) -> bool {
    matches!(e, Expr::Array(_) | Expr::Async { .. } | Expr::Block(_) | Expr::Closure { .. } | Expr::Struct(..) | Expr::Tuple(_))
}

/// prettyplease's `needs_newline_if_wrap`: whether the `{` after a `match` scrutinee goes on a line of
/// its own when the scrutinee breaks.
fn needs_newline_if_wrap(e: &Expr<'_>) -> bool {
    match e {
        Expr::Assign(..) | Expr::Await(_) | Expr::Cast(..) | Expr::Field(..) | Expr::MethodCall(_) => true,
        Expr::Call(inner, _) | Expr::Reference { expr: inner, .. } | Expr::Try(inner) | Expr::Unary(_, inner) => needs_newline_if_wrap(inner),
        _ => false,
    }
}

/// prettyplease's `parseable_as_stmt`: whether braces around `e` keep its meaning.
fn parseable_as_stmt(mut e: &Expr<'_>) -> bool {
    loop {
        match e {
            Expr::Assign(left, _) | Expr::Call(left, _) | Expr::Cast(left, _) => {
                if matches!(**left, Expr::Match(..) | Expr::Block(_)) {
                    return false;
                }
                e = left;
            }
            Expr::Await(base) | Expr::Field(base, _) | Expr::Try(base) => e = base,
            Expr::MethodCall(call) => e = &call.receiver,
            _ => return true,
        }
    }
}
