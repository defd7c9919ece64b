//! Function bodies: the statements and expressions this formatter prints itself, read into a small
//! tree (prettyplease lays a chain out from its outermost call in; `print_expr` prints it). A body
//! holding anything else is [`Unsupported`].

use proc_macro2::Delimiter;

use super::cursor::{Cursor, Result, Unsupported};
use super::printer::Printer;
use super::tree::Tok;
use super::ty::{generic_arguments, ty};

pub enum Expr<'a> {
    Path(Path<'a>),
    Lit(&'a str),
    Call(Box<Expr<'a>>, Vec<Expr<'a>>),
    MethodCall(MethodCall<'a>),
    Field(Box<Expr<'a>>, &'a str),
    Try(Box<Expr<'a>>),
    Await(Box<Expr<'a>>),
    Reference {
        mutable: bool,
        expr: Box<Expr<'a>>,
    },
    Unary(&'static str, Box<Expr<'a>>),
    /// `Path { a: x, b, ..rest }`.
    Struct(Path<'a>, Vec<(&'a str, Option<Expr<'a>>)>, Option<Box<Expr<'a>>>),
    /// `()` or `(a, b, …)`: not one element (that is parentheses, or a tuple spelled `(a,)`).
    Tuple(Vec<Expr<'a>>),
    /// `expr as Type`, with the type's tokens.
    Cast(Box<Expr<'a>>, &'a [Tok<'a>]),
    /// `path!("literal")`: a macro call whose one argument is a literal, in parentheses.
    Macro(Path<'a>, &'a str),
    Assign(Box<Expr<'a>>, Box<Expr<'a>>),
    Array(Vec<Expr<'a>>),
    Match(Box<Expr<'a>>, Vec<(Pat<'a>, Expr<'a>)>),
    /// `{ … }`: a match arm's, or a closure's body.
    Block(Vec<Stmt<'a>>),
    /// `[move] |a, b| body`.
    Closure { capture: bool, inputs: Vec<Pat<'a>>, body: Box<Expr<'a>> },
    /// `async [move] { … }`.
    Async { capture: bool, stmts: Vec<Stmt<'a>> },
}

/// `receiver.method::<T>(args)`.
pub struct MethodCall<'a> {
    pub receiver: Box<Expr<'a>>,
    pub method: &'a str,
    /// The turbofish's tokens, from `<`.
    pub turbofish: Option<&'a [Tok<'a>]>,
    pub args: Vec<Expr<'a>>,
}

/// A pattern: `_`, a literal, a name or path, or a tuple struct's (`Some(x)`).
pub enum Pat<'a> {
    Wild,
    Lit(&'a str),
    Path(Path<'a>),
    TupleStruct(Path<'a>, Vec<Pat<'a>>),
}

/// An expression's path: `::a::b::<T>::c`, each segment with its turbofish's tokens (from `<`).
pub struct Path<'a> {
    pub leading_colon: bool,
    pub segments: Vec<(&'a str, Option<&'a [Tok<'a>]>)>,
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
pub fn block<'a>(tokens: &'a [Tok<'a>]) -> Result<Vec<Stmt<'a>>> {
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
            } else if !c.at_end() && !matches!(e, Expr::Match(..)) {
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

/// An expression; what follows it is for the caller to check (binary operators, casts and ranges
/// are not printed here, so they are left there, unexpected).
pub fn expr<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    expr_in(c, true)
}

/// An expression, where `structs` tells whether a path before `{ … }` is a struct literal (not in a
/// `match` scrutinee).
fn expr_in<'a>(c: &mut Cursor<'a>, structs: bool) -> Result<Expr<'a>> {
    let mut left = unary(c, structs)?;
    while c.peek_keyword("as") {
        // A block-like expression would need parentheses at the start of a statement.
        if matches!(left, Expr::Match(..) | Expr::Block(_) | Expr::Async { .. } | Expr::Closure { .. }) {
            return Err(Unsupported);
        }
        c.pos += 1;
        left = Expr::Cast(Box::new(left), type_tokens(c)?);
    }
    if matches!(c.peek(), Some(Tok::Punct('=', false))) {
        c.pos += 1;
        let right = expr_in(c, structs)?;
        return Ok(Expr::Assign(Box::new(left), Box::new(right)));
    }
    Ok(left)
}

fn unary<'a>(c: &mut Cursor<'a>, structs: bool) -> Result<Expr<'a>> {
    match c.peek() {
        Some(Tok::Punct('&', false)) => {
            c.pos += 1;
            let mutable = c.peek_keyword("mut");
            if mutable {
                c.pos += 1;
            }
            Ok(Expr::Reference {
                mutable,
                expr: Box::new(unary(c, structs)?),
            })
        }
        Some(Tok::Punct(op @ ('!' | '-' | '*'), false)) => {
            c.pos += 1;
            let op = match op {
                '!' => "!",
                '-' => "-",
                _ => "*",
            };
            Ok(Expr::Unary(op, Box::new(unary(c, structs)?)))
        }
        _ => postfix(c, structs),
    }
}

fn postfix<'a>(c: &mut Cursor<'a>, structs: bool) -> Result<Expr<'a>> {
    let mut e = primary(c, structs)?;
    loop {
        match c.peek() {
            Some(Tok::Punct('?', _)) => {
                c.pos += 1;
                e = Expr::Try(Box::new(e));
            }
            Some(Tok::Punct('.', false)) => {
                c.pos += 1;
                match c.next() {
                    Some(Tok::Ident(name)) if *name == "await" => e = Expr::Await(Box::new(e)),
                    Some(Tok::Ident(name)) if !keyword(name) => {
                        let turbofish = turbofish(c)?;
                        if let Some(args) = c.peek_group(Delimiter::Parenthesis) {
                            c.pos += 1;
                            e = Expr::MethodCall(MethodCall { receiver: Box::new(e), method: name, turbofish, args: expr_list(args)? });
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
                e = Expr::Call(Box::new(e), expr_list(args)?);
            }
            _ => return Ok(e),
        }
    }
}

/// The tokens of the type at `c`, read through the type printing (what it does not know must be found
/// now, while the item can still go to prettyplease).
fn type_tokens<'a>(c: &mut Cursor<'a>) -> Result<&'a [Tok<'a>]> {
    let start = c.pos;
    ty(&mut Printer::new(), c)?;
    Ok(&c.tokens[start..c.pos])
}

/// `::<…>` after a method or path segment: its tokens from the `<` on.
fn turbofish<'a>(c: &mut Cursor<'a>) -> Result<Option<&'a [Tok<'a>]>> {
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
                    let arguments = &c.tokens[start..c.pos];
                    // Printed later, from these tokens: what the printing does not know must be
                    // found now, while the item can still go to prettyplease.
                    let mut check = Cursor::new(arguments);
                    generic_arguments(&mut Printer::new(), &mut check, true)?;
                    return if check.at_end() { Ok(Some(arguments)) } else { Err(Unsupported) };
                }
            }
            _ => {}
        }
    }
    Err(Unsupported)
}

/// Comma-separated expressions: a call's arguments, an array's or a tuple's elements.
fn expr_list<'a>(tokens: &'a [Tok<'a>]) -> Result<Vec<Expr<'a>>> {
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

fn primary<'a>(c: &mut Cursor<'a>, structs: bool) -> Result<Expr<'a>> {
    match c.peek().ok_or(Unsupported)? {
        Tok::Ident(name) if *name == "match" => {
            c.pos += 1;
            let scrutinee = expr_in(c, false)?;
            let arms = match_arms(c.group(Delimiter::Brace)?)?;
            Ok(Expr::Match(Box::new(scrutinee), arms))
        }
        Tok::Ident(name) if *name == "async" => {
            c.pos += 1;
            let capture = c.peek_keyword("move");
            if capture {
                c.pos += 1;
            }
            let stmts = block(c.group(Delimiter::Brace)?)?;
            Ok(Expr::Async { capture, stmts })
        }
        Tok::Ident(name) if *name == "move" => closure(c),
        Tok::Punct('|', _) => closure(c),
        Tok::Literal(lit) => {
            c.pos += 1;
            Ok(Expr::Lit(lit))
        }
        Tok::Ident(name) if *name == "true" || *name == "false" => {
            c.pos += 1;
            Ok(Expr::Lit(name))
        }
        Tok::Ident(name) if keyword(name) => Err(Unsupported),
        Tok::Ident(_) => path_expr(c, structs),
        Tok::Group(Delimiter::Bracket, elems) => {
            c.pos += 1;
            // `[x; n]` is not printed here.
            Ok(Expr::Array(expr_list(elems)?))
        }
        Tok::Group(Delimiter::Parenthesis, elems) => {
            c.pos += 1;
            let items = expr_list(elems)?;
            // `(x)` is parentheses and `(x,)` a tuple of one: neither printed here.
            if items.len() == 1 {
                return Err(Unsupported);
            }
            Ok(Expr::Tuple(items))
        }
        Tok::Punct(':', true) if c.peek_colon2() => path_expr(c, structs),
        _ => Err(Unsupported),
    }
}

fn path_expr<'a>(c: &mut Cursor<'a>, structs: bool) -> Result<Expr<'a>> {
    let path = path(c)?;
    if c.peek_punct('!') {
        // A macro call: only `path!("literal")`.
        let plain = path.segments.iter().all(|(_, turbofish)| turbofish.is_none());
        return match c.peek_at(1) {
            Some(Tok::Group(Delimiter::Parenthesis, arguments)) if plain => match arguments.as_slice() {
                [Tok::Literal(literal)] => {
                    c.pos += 2;
                    Ok(Expr::Macro(path, literal))
                }
                _ => Err(Unsupported),
            },
            _ => Err(Unsupported),
        };
    }
    if structs && let Some(body) = c.peek_group(Delimiter::Brace) {
        c.pos += 1;
        let (fields, rest) = struct_fields(body)?;
        return Ok(Expr::Struct(path, fields, rest));
    }
    Ok(Expr::Path(path))
}

fn path<'a>(c: &mut Cursor<'a>) -> Result<Path<'a>> {
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
    Ok(Path { leading_colon, segments })
}

/// `[move] |a, b| body`, without types or a return type.
fn closure<'a>(c: &mut Cursor<'a>) -> Result<Expr<'a>> {
    let capture = c.peek_keyword("move");
    if capture {
        c.pos += 1;
    }
    c.punct('|')?;
    let mut inputs = Vec::new();
    while !c.peek_punct('|') {
        inputs.push(pattern(c)?);
        if !c.peek_punct('|') {
            c.punct(',')?;
        }
    }
    c.pos += 1;
    if c.peek_punct('-') {
        return Err(Unsupported);
    }
    let body = match c.peek_group(Delimiter::Brace) {
        Some(stmts) => {
            c.pos += 1;
            Expr::Block(block(stmts)?)
        }
        None => expr(c)?,
    };
    Ok(Expr::Closure { capture, inputs, body: Box::new(body) })
}

/// The arms of a `match`: `pattern => body`, without guards.
fn match_arms<'a>(tokens: &'a [Tok<'a>]) -> Result<Vec<(Pat<'a>, Expr<'a>)>> {
    let mut c = Cursor::new(tokens);
    let mut arms = Vec::new();
    while !c.at_end() {
        if c.peek_punct('#') {
            return Err(Unsupported);
        }
        let pat = pattern(&mut c)?;
        if !matches!(c.tokens.get(c.pos..c.pos + 2), Some([Tok::Punct('=', true), Tok::Punct('>', _)])) {
            // A guard, an or-pattern.
            return Err(Unsupported);
        }
        c.pos += 2;
        let body = match c.peek_group(Delimiter::Brace) {
            Some(stmts) => {
                c.pos += 1;
                Expr::Block(block(stmts)?)
            }
            None => expr(&mut c)?,
        };
        if c.peek_punct(',') {
            c.pos += 1;
        } else if !c.at_end() && !matches!(body, Expr::Block(_)) {
            return Err(Unsupported);
        }
        arms.push((pat, body));
    }
    Ok(arms)
}

pub fn pattern<'a>(c: &mut Cursor<'a>) -> Result<Pat<'a>> {
    match c.peek().ok_or(Unsupported)? {
        Tok::Literal(lit) => {
            c.pos += 1;
            Ok(Pat::Lit(lit))
        }
        Tok::Ident(name) if *name == "_" => {
            c.pos += 1;
            Ok(Pat::Wild)
        }
        Tok::Ident(name) if keyword(name) || *name == "true" || *name == "false" => Err(Unsupported),
        Tok::Ident(_) | Tok::Punct(':', true) => {
            let path = path(c)?;
            let Some(elems) = c.peek_group(Delimiter::Parenthesis) else { return Ok(Pat::Path(path)) };
            c.pos += 1;
            let mut inner = Cursor::new(elems);
            let mut pats = Vec::new();
            while !inner.at_end() {
                pats.push(pattern(&mut inner)?);
                if !inner.at_end() {
                    inner.punct(',')?;
                }
            }
            Ok(Pat::TupleStruct(path, pats))
        }
        _ => Err(Unsupported),
    }
}

/// A struct literal's fields, and its `..rest`.
type StructFields<'a> = (Vec<(&'a str, Option<Expr<'a>>)>, Option<Box<Expr<'a>>>);

fn struct_fields<'a>(tokens: &'a [Tok<'a>]) -> Result<StructFields<'a>> {
    let mut c = Cursor::new(tokens);
    let mut fields = Vec::new();
    while !c.at_end() {
        if matches!(c.tokens.get(c.pos..c.pos + 2), Some([Tok::Punct('.', true), Tok::Punct('.', false)])) {
            c.pos += 2;
            let rest = expr(&mut c)?;
            return if c.at_end() { Ok((fields, Some(Box::new(rest)))) } else { Err(Unsupported) };
        }
        if c.peek_punct('#') {
            // Attributes.
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
    Ok((fields, None))
}
