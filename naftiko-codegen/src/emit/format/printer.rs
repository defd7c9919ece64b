//! The Oppen pretty-printing engine prettyplease uses, with the same constants, so that what this
//! formatter prints is byte for byte what prettyplease prints.
//!
//! Adapted from prettyplease 0.3.0 (`algorithm.rs`, `ring.rs`, `convenience.rs`; MIT OR Apache-2.0,
//! © David Tolnay), itself adapted from rustc's `rustc_ast_pretty::pp`.

use std::borrow::Cow;
use std::collections::VecDeque;

/// prettyplease's line width, indentation step and least space a line keeps after its indentation.
pub const MARGIN: isize = 89;
pub const INDENT: isize = 4;
const MIN_SPACE: isize = 60;
const SIZE_INFINITY: isize = 0xffff;

#[derive(Clone, Copy, PartialEq)]
enum Breaks {
    Consistent,
    Inconsistent,
}

#[derive(Clone, Copy, Default)]
struct BreakToken {
    offset: isize,
    blank_space: usize,
    pre_break: Option<char>,
    /// Printed on the new line when the break breaks.
    post_break: &'static str,
    /// Printed when the break does not break.
    no_break: Option<char>,
    if_nonempty: bool,
    never_break: bool,
}

#[derive(Clone, Copy)]
struct BeginToken {
    offset: isize,
    breaks: Breaks,
}

enum Token<'a> {
    String(Cow<'a, str>),
    Break(BreakToken),
    Begin(BeginToken),
    End,
}

#[derive(Clone, Copy)]
enum PrintFrame {
    Fits,
    Broken(usize, Breaks),
}

struct BufEntry<'a> {
    token: Token<'a>,
    size: isize,
}

/// Tokens pending layout, indexed from `offset` on (an unbounded queue's window).
struct Ring<'a> {
    data: VecDeque<BufEntry<'a>>,
    offset: usize,
}

impl<'a> Ring<'a> {
    fn push(&mut self, entry: BufEntry<'a>) -> usize {
        let index = self.offset + self.data.len();
        self.data.push_back(entry);
        index
    }

    fn first_index(&self) -> usize {
        self.offset
    }

    fn pop_first(&mut self) -> Option<BufEntry<'a>> {
        let entry = self.data.pop_front()?;
        self.offset += 1;
        Some(entry)
    }

    fn get_mut(&mut self, index: usize) -> Option<&mut BufEntry<'a>> {
        self.data.get_mut(index.checked_sub(self.offset)?)
    }
}

/// Prints words borrowed for `'a` (the tokens of the item being printed).
pub struct Printer<'a> {
    out: String,
    /// Columns left on the line.
    space: isize,
    buf: Ring<'a>,
    left_total: isize,
    right_total: isize,
    scan_stack: VecDeque<usize>,
    print_stack: Vec<PrintFrame>,
    indent: usize,
    pending_indentation: usize,
}

impl<'a> Printer<'a> {
    pub fn new() -> Self {
        Printer {
            out: String::new(),
            space: MARGIN,
            buf: Ring {
                data: VecDeque::new(),
                offset: 0,
            },
            left_total: 0,
            right_total: 0,
            scan_stack: VecDeque::new(),
            print_stack: Vec::new(),
            indent: 0,
            pending_indentation: 0,
        }
    }

    pub fn eof(mut self) -> String {
        if !self.scan_stack.is_empty() {
            self.check_stack(0);
            self.advance_left();
        }
        self.out
    }

    // What prettyplease's printing functions call.

    pub fn ibox(&mut self, indent: isize) {
        self.scan_begin(BeginToken {
            offset: indent,
            breaks: Breaks::Inconsistent,
        });
    }

    pub fn cbox(&mut self, indent: isize) {
        self.scan_begin(BeginToken {
            offset: indent,
            breaks: Breaks::Consistent,
        });
    }

    pub fn end(&mut self) {
        self.scan_end();
    }

    pub fn word(&mut self, word: impl Into<Cow<'a, str>>) {
        self.scan_string(word.into());
    }

    pub fn zerobreak(&mut self) {
        self.scan_break(BreakToken::default());
    }

    pub fn space(&mut self) {
        self.scan_break(BreakToken {
            blank_space: 1,
            ..BreakToken::default()
        });
    }

    pub fn nbsp(&mut self) {
        self.word(" ");
    }

    pub fn hardbreak(&mut self) {
        self.scan_break(BreakToken {
            blank_space: SIZE_INFINITY as usize,
            ..BreakToken::default()
        });
    }

    pub fn hardbreak_if_nonempty(&mut self) {
        self.scan_break(BreakToken {
            blank_space: SIZE_INFINITY as usize,
            if_nonempty: true,
            ..BreakToken::default()
        });
    }

    pub fn space_if_nonempty(&mut self) {
        self.scan_break(BreakToken {
            blank_space: 1,
            if_nonempty: true,
            ..BreakToken::default()
        });
    }

    pub fn neverbreak(&mut self) {
        self.scan_break(BreakToken {
            never_break: true,
            ..BreakToken::default()
        });
    }

    /// The breaks around a match arm's or closure's body that is not a block: broken, they put
    /// braces (or parentheses) around it; whole, `no_break` after it.
    pub fn body_open(&mut self, pre_break: char) {
        self.scan_break(BreakToken { pre_break: Some(pre_break), ..BreakToken::default() });
    }

    pub fn body_close(&mut self, pre_break: Option<char>, post_break: &'static str, no_break: Option<char>) {
        self.scan_break(BreakToken { offset: -INDENT, pre_break, post_break, no_break, ..BreakToken::default() });
    }

    /// A break printing `no_break` when it does not break (the dot of a chain after a `1.`).
    pub fn zerobreak_or(&mut self, no_break: Option<char>) {
        self.scan_break(BreakToken {
            no_break,
            ..BreakToken::default()
        });
    }

    pub fn trailing_comma_or_space(&mut self, is_last: bool) {
        if is_last {
            self.scan_break(BreakToken {
                blank_space: 1,
                pre_break: Some(','),
                ..BreakToken::default()
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    pub fn trailing_comma(&mut self, is_last: bool) {
        if is_last {
            self.scan_break(BreakToken {
                pre_break: Some(','),
                ..BreakToken::default()
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// Adds `offset` to the indentation after the last break (nothing after a begin).
    pub fn offset(&mut self, offset: isize) {
        if let Some(BufEntry {
            token: Token::Break(token),
            ..
        }) = self.buf.data.back_mut()
        {
            token.offset += offset;
        }
    }

    /// Ends a box that breaks when it is wider than `max`, whether or not it fits.
    pub fn end_with_max_width(&mut self, max: isize) {
        let mut depth = 1;
        for &index in self.scan_stack.iter().rev() {
            let Some(entry) = index
                .checked_sub(self.buf.offset)
                .and_then(|i| self.buf.data.get(i))
            else {
                break;
            };
            match entry.token {
                Token::Begin(_) => {
                    depth -= 1;
                    if depth == 0 {
                        if entry.size < 0 && entry.size + self.right_total > max {
                            self.buf.push(BufEntry {
                                token: Token::String(Cow::Borrowed("")),
                                size: SIZE_INFINITY,
                            });
                            self.right_total += SIZE_INFINITY;
                        }
                        break;
                    }
                }
                Token::End => depth += 1,
                Token::Break(_) | Token::String(_) => {}
            }
        }
        self.scan_end();
    }

    /// Whether the last thing printed (or pending) ends with `ch`.
    pub fn ends_with(&self, ch: char) -> bool {
        for entry in self.buf.data.iter().rev() {
            if let Token::String(token) = &entry.token {
                return token.ends_with(ch);
            }
        }
        self.out.ends_with(ch)
    }

    // The engine.

    fn scan_begin(&mut self, token: BeginToken) {
        if self.scan_stack.is_empty() {
            self.left_total = 1;
            self.right_total = 1;
            self.buf.data.clear();
        }
        let right = self.buf.push(BufEntry {
            token: Token::Begin(token),
            size: -self.right_total,
        });
        self.scan_stack.push_back(right);
    }

    fn scan_end(&mut self) {
        if self.scan_stack.is_empty() {
            self.print_end();
            return;
        }
        let len = self.buf.data.len();
        if let Some(BufEntry {
            token: Token::Break(break_token),
            ..
        }) = self.buf.data.back()
        {
            let break_token = *break_token;
            if len >= 2 && matches!(self.buf.data[len - 2].token, Token::Begin(_)) {
                self.buf.data.pop_back();
                self.buf.data.pop_back();
                self.scan_stack.pop_back();
                self.scan_stack.pop_back();
                self.right_total -= break_token.blank_space as isize;
                return;
            }
            if break_token.if_nonempty {
                self.buf.data.pop_back();
                self.scan_stack.pop_back();
                self.right_total -= break_token.blank_space as isize;
            }
        }
        let right = self.buf.push(BufEntry {
            token: Token::End,
            size: -1,
        });
        self.scan_stack.push_back(right);
    }

    fn scan_break(&mut self, token: BreakToken) {
        if self.scan_stack.is_empty() {
            self.left_total = 1;
            self.right_total = 1;
            self.buf.data.clear();
        } else {
            self.check_stack(0);
        }
        let right = self.buf.push(BufEntry {
            token: Token::Break(token),
            size: -self.right_total,
        });
        self.scan_stack.push_back(right);
        self.right_total += token.blank_space as isize;
    }

    fn scan_string(&mut self, string: Cow<'a, str>) {
        if self.scan_stack.is_empty() {
            self.print_string(&string);
        } else {
            let len = string.len() as isize;
            self.buf.push(BufEntry {
                token: Token::String(string),
                size: len,
            });
            self.right_total += len;
            self.check_stream();
        }
    }

    fn check_stream(&mut self) {
        while self.right_total - self.left_total > self.space {
            if self.scan_stack.front() == Some(&self.buf.first_index()) {
                self.scan_stack.pop_front();
                if let Some(first) = self.buf.data.front_mut() {
                    first.size = SIZE_INFINITY;
                }
            }
            self.advance_left();
            if self.buf.data.is_empty() {
                break;
            }
        }
    }

    fn advance_left(&mut self) {
        while self.buf.data.front().is_some_and(|first| first.size >= 0) {
            let Some(left) = self.buf.pop_first() else {
                break;
            };
            match left.token {
                Token::String(string) => {
                    self.left_total += left.size;
                    self.print_string(&string);
                }
                Token::Break(token) => {
                    self.left_total += token.blank_space as isize;
                    self.print_break(token, left.size);
                }
                Token::Begin(token) => self.print_begin(token, left.size),
                Token::End => self.print_end(),
            }
        }
    }

    fn check_stack(&mut self, mut depth: usize) {
        while let Some(&index) = self.scan_stack.back() {
            let right_total = self.right_total;
            let Some(entry) = self.buf.get_mut(index) else {
                break;
            };
            match entry.token {
                Token::Begin(_) => {
                    if depth == 0 {
                        break;
                    }
                    entry.size += right_total;
                    self.scan_stack.pop_back();
                    depth -= 1;
                }
                Token::End => {
                    entry.size = 1;
                    self.scan_stack.pop_back();
                    depth += 1;
                }
                Token::Break(_) => {
                    entry.size += right_total;
                    self.scan_stack.pop_back();
                    if depth == 0 {
                        break;
                    }
                }
                Token::String(_) => break,
            }
        }
    }

    fn print_begin(&mut self, token: BeginToken, size: isize) {
        if size > self.space {
            self.print_stack
                .push(PrintFrame::Broken(self.indent, token.breaks));
            self.indent = (self.indent as isize + token.offset).max(0) as usize;
        } else {
            self.print_stack.push(PrintFrame::Fits);
        }
    }

    fn print_end(&mut self) {
        if let Some(PrintFrame::Broken(indent, _)) = self.print_stack.pop() {
            self.indent = indent;
        }
    }

    fn print_break(&mut self, token: BreakToken, size: isize) {
        let fits = token.never_break
            || match self
                .print_stack
                .last()
                .copied()
                .unwrap_or(PrintFrame::Broken(0, Breaks::Inconsistent))
            {
                PrintFrame::Fits => true,
                PrintFrame::Broken(_, Breaks::Consistent) => false,
                PrintFrame::Broken(_, Breaks::Inconsistent) => size <= self.space,
            };
        if fits {
            self.pending_indentation += token.blank_space;
            self.space -= token.blank_space as isize;
            if let Some(no_break) = token.no_break {
                self.out.push(no_break);
                self.space -= no_break.len_utf8() as isize;
            }
        } else {
            if let Some(pre_break) = token.pre_break {
                self.print_indent();
                self.out.push(pre_break);
            }
            self.out.push('\n');
            let indent = (self.indent as isize + token.offset).max(0);
            self.pending_indentation = indent as usize;
            self.space = (MARGIN - indent).max(MIN_SPACE);
            if !token.post_break.is_empty() {
                self.print_indent();
                self.out.push_str(token.post_break);
                self.space -= token.post_break.len() as isize;
            }
        }
    }

    fn print_string(&mut self, string: &str) {
        self.print_indent();
        self.out.push_str(string);
        self.space -= string.len() as isize;
    }

    fn print_indent(&mut self) {
        self.out
            .extend(std::iter::repeat_n(' ', self.pending_indentation));
        self.pending_indentation = 0;
    }
}
