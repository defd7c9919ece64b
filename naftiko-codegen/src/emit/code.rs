//! Rust code as text: what the emitters write.
//!
//! [`code!`] takes the same templates as `quote!` (`#var`, `#(#items)*`, `#(#items),*`) and writes
//! their tokens as text, one space after each, instead of building a token stream. A template's
//! tokens are spelled at compile time (`stringify!`); at run time a template is a few `push_str`s and
//! the values it interpolates, where `quote!` allocates every identifier and copies every
//! interpolated stream. [`crate::emit::format`] lexes the text into the same tokens `quote!` would
//! have made; the proc macro hands it to the compiler's lexer.
//!
//! The macros follow `quote!`'s (MIT OR Apache-2.0, by David Tolnay): each token is expanded with
//! three tokens of context on either side, so a template of any length expands without recursing
//! once per token, and a repetition zips every iterator interpolated in it.

use std::fmt::{self, Write};

/// Rust tokens as text, each followed by a space.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub const fn new() -> Code {
        Code(String::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens' text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Appends one token (or several, already spaced) spelled `text`: Rust tokens, lexed again by the
    /// formatter and the compiler (text that does not lex is an emitter's bug, which `format_file`
    /// reports).
    #[inline]
    pub fn push(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push(' ');
    }

    /// Appends a token spelled by `Display`.
    fn push_display(&mut self, value: impl fmt::Display) {
        // Writing to a `String` cannot fail.
        let _ = write!(self.0, "{value} ");
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code!{{ {self} }}")
    }
}

impl FromIterator<Code> for Code {
    fn from_iter<I: IntoIterator<Item = Code>>(iter: I) -> Code {
        let mut all = Code::new();
        all.extend(iter);
        all
    }
}

impl Extend<Code> for Code {
    fn extend<I: IntoIterator<Item = Code>>(&mut self, iter: I) {
        for code in iter {
            self.0.push_str(&code.0);
        }
    }
}

/// A value that interpolates into [`code!`] as tokens, as its `quote::ToTokens` would.
pub trait ToCode {
    fn to_code(&self, out: &mut Code);
}

impl ToCode for Code {
    fn to_code(&self, out: &mut Code) {
        out.0.push_str(&self.0);
    }
}

impl<T: ToCode + ?Sized> ToCode for &T {
    fn to_code(&self, out: &mut Code) {
        (**self).to_code(out);
    }
}

impl<T: ToCode> ToCode for Option<T> {
    fn to_code(&self, out: &mut Code) {
        if let Some(value) = self {
            value.to_code(out);
        }
    }
}

/// A string literal, as `proc_macro2::Literal::string` spells it.
impl ToCode for str {
    fn to_code(&self, out: &mut Code) {
        string_literal(self, &mut out.0);
        out.0.push(' ');
    }
}

impl ToCode for String {
    fn to_code(&self, out: &mut Code) {
        self.as_str().to_code(out);
    }
}

impl ToCode for bool {
    fn to_code(&self, out: &mut Code) {
        out.push(if *self { "true" } else { "false" });
    }
}

impl ToCode for proc_macro2::Literal {
    fn to_code(&self, out: &mut Code) {
        out.push_display(self);
    }
}

impl ToCode for proc_macro2::Ident {
    fn to_code(&self, out: &mut Code) {
        out.push_display(self);
    }
}

/// Numbers as suffixed literals (`7u16`, `0.5f64`), as `quote!` interpolates them.
macro_rules! suffixed {
    ($($ty:ident)*) => {$(
        impl ToCode for $ty {
            fn to_code(&self, out: &mut Code) {
                let _ = write!(out.0, concat!("{}", stringify!($ty), " "), self);
            }
        }
    )*};
}
suffixed!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64);

/// `text` as a string literal (`"…"`, escaped as `proc_macro2::Literal::string` escapes it: with
/// `escape_debug`, except `'`, and `\0` as `\x00` before an octal digit), onto `out`.
fn string_literal(text: &str, out: &mut String) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Most text needs no escape: copy runs of plain characters whole.
    let mut plain_from = 0;
    for (at, ch) in text.char_indices() {
        let plain = match ch {
            ' '..='~' => ch != '"' && ch != '\\',
            '\0'..='\x7f' => false,
            _ => ch.escape_debug().len() == 1,
        };
        if plain {
            continue;
        }
        out.push_str(&text[plain_from..at]);
        plain_from = at + ch.len_utf8();
        if ch == '\0' {
            let octal_next = text[plain_from..].starts_with(|next: char| next.is_digit(8));
            out.push_str(if octal_next { r"\x00" } else { r"\0" });
        } else {
            out.extend(ch.escape_debug());
        }
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

/// The identifier `name` (raw when it starts with `r#`) as a token.
pub fn ident(name: &str) -> Code {
    let mut code = Code(String::with_capacity(name.len() + 1));
    code.push(name);
    code
}

/// Rust tokens written as text: `quote!`'s syntax, [`Code`] out.
macro_rules! code {
    () => {
        $crate::emit::code::Code::new()
    };
    ($($tt:tt)+) => {{
        let mut _code = $crate::emit::code::Code::new();
        $crate::emit::code::code_each_token!{_code $($tt)+}
        _code
    }};
}
pub(crate) use code;

/// What the macros' expansions name (they are this crate's only).
pub(crate) mod private {
    /// Whether a repetition interpolates an iterator (one that does not would repeat forever).
    pub struct HasIterator<const B: bool>;

    macro_rules! or {
        ($($a:literal | $b:literal = $c:literal;)*) => {$(
            impl std::ops::BitOr<HasIterator<$b>> for HasIterator<$a> {
                type Output = HasIterator<$c>;
                fn bitor(self, _: HasIterator<$b>) -> HasIterator<$c> {
                    HasIterator
                }
            }
        )*};
    }
    or! {
        false | false = false;
        false | true = true;
        true | false = true;
        true | true = true;
    }

    pub trait CheckHasIterator: Sized {
        fn check(self) {}
    }

    impl CheckHasIterator for HasIterator<true> {}

    /// `quote_into_iter` for iterators and for what can be iterated by reference, in two traits so that
    /// method resolution picks one. Unlike `quote!`, a repetition takes iterators only, each named once,
    /// and repetitions do not nest: no template needs more, and anything else does not compile.
    pub mod ext {
        use super::HasIterator;

        pub trait RepIteratorExt: Iterator + Sized {
            fn quote_into_iter(self) -> (Self, HasIterator<true>) {
                (self, HasIterator)
            }
        }

        impl<T: Iterator> RepIteratorExt for T {}

        pub trait RepAsIteratorExt<'q> {
            type Iter: Iterator;

            fn quote_into_iter(&'q self) -> (Self::Iter, HasIterator<true>);
        }

        impl<'q, T: RepAsIteratorExt<'q> + ?Sized> RepAsIteratorExt<'q> for &T {
            type Iter = T::Iter;

            fn quote_into_iter(&'q self) -> (Self::Iter, HasIterator<true>) {
                <T as RepAsIteratorExt>::quote_into_iter(*self)
            }
        }

        impl<'q, T: 'q> RepAsIteratorExt<'q> for [T] {
            type Iter = std::slice::Iter<'q, T>;

            fn quote_into_iter(&'q self) -> (Self::Iter, HasIterator<true>) {
                (self.iter(), HasIterator)
            }
        }

        impl<'q, T: 'q, const N: usize> RepAsIteratorExt<'q> for [T; N] {
            type Iter = std::slice::Iter<'q, T>;

            fn quote_into_iter(&'q self) -> (Self::Iter, HasIterator<true>) {
                (self.iter(), HasIterator)
            }
        }

        impl<'q, T: 'q> RepAsIteratorExt<'q> for Vec<T> {
            type Iter = std::slice::Iter<'q, T>;

            fn quote_into_iter(&'q self) -> (Self::Iter, HasIterator<true>) {
                (self.iter(), HasIterator)
            }
        }
    }
}

macro_rules! code_each_token {
    ($code:ident $($tts:tt)*) => {
        $crate::emit::code::code_tokens_with_context!{$code
            (@ @ @ @ @ @ $($tts)*)
            (@ @ @ @ @ $($tts)* @)
            (@ @ @ @ $($tts)* @ @)
            (@ @ @ $(($tts))* @ @ @)
            (@ @ $($tts)* @ @ @ @)
            (@ $($tts)* @ @ @ @ @)
            ($($tts)* @ @ @ @ @ @)
        }
    };
}
pub(crate) use code_each_token;

macro_rules! code_tokens_with_context {
    ($code:ident
        ($($b3:tt)*) ($($b2:tt)*) ($($b1:tt)*)
        ($($curr:tt)*)
        ($($a1:tt)*) ($($a2:tt)*) ($($a3:tt)*)
    ) => {
        $(
            $crate::emit::code::code_token_with_context!{$code $b3 $b2 $b1 $curr $a1 $a2 $a3}
        )*
    };
}
pub(crate) use code_tokens_with_context;

macro_rules! code_token_with_context {
    ($code:ident $b3:tt $b2:tt $b1:tt @ $a1:tt $a2:tt $a3:tt) => {};

    // `#( … )*`
    ($code:ident $b3:tt $b2:tt $b1:tt (#) ( $($inner:tt)* ) * $a3:tt) => {{
        #[allow(unused_imports)]
        use $crate::emit::code::private::ext::*;
        let has_iter = $crate::emit::code::private::HasIterator::<false>;
        $crate::emit::code::pounded_var_names!{code_bind_into_iter!(has_iter) () $($inner)*}
        <_ as $crate::emit::code::private::CheckHasIterator>::check(has_iter);
        loop {
            $crate::emit::code::pounded_var_names!{code_bind_next_or_break!() () $($inner)*}
            $crate::emit::code::code_each_token!{$code $($inner)*}
        }
    }};
    ($code:ident $b3:tt $b2:tt # (( $($inner:tt)* )) * $a2:tt $a3:tt) => {};
    ($code:ident $b3:tt # ( $($inner:tt)* ) (*) $a1:tt $a2:tt $a3:tt) => {};

    // `#( … ) sep *`
    ($code:ident $b3:tt $b2:tt $b1:tt (#) ( $($inner:tt)* ) $sep:tt *) => {{
        #[allow(unused_imports)]
        use $crate::emit::code::private::ext::*;
        let mut _first = true;
        let has_iter = $crate::emit::code::private::HasIterator::<false>;
        $crate::emit::code::pounded_var_names!{code_bind_into_iter!(has_iter) () $($inner)*}
        <_ as $crate::emit::code::private::CheckHasIterator>::check(has_iter);
        loop {
            $crate::emit::code::pounded_var_names!{code_bind_next_or_break!() () $($inner)*}
            if !_first {
                $crate::emit::code::code_token!{$sep $code}
            }
            _first = false;
            $crate::emit::code::code_each_token!{$code $($inner)*}
        }
    }};
    ($code:ident $b3:tt $b2:tt # (( $($inner:tt)* )) $sep:tt * $a3:tt) => {};
    ($code:ident $b3:tt # ( $($inner:tt)* ) ($sep:tt) * $a2:tt $a3:tt) => {};
    ($code:ident # ( $($inner:tt)* ) * (*) $a1:tt $a2:tt $a3:tt) => {
        $crate::emit::code::code_token!{* $code}
    };
    ($code:ident # ( $($inner:tt)* ) $sep:tt (*) $a1:tt $a2:tt $a3:tt) => {};

    // `#var`
    ($code:ident $b3:tt $b2:tt $b1:tt (#) $var:ident $a2:tt $a3:tt) => {
        $crate::emit::code::ToCode::to_code(&$var, &mut $code);
    };
    ($code:ident $b3:tt $b2:tt # ($var:ident) $a1:tt $a2:tt $a3:tt) => {};

    ($code:ident $b3:tt $b2:tt $b1:tt ($curr:tt) $a1:tt $a2:tt $a3:tt) => {
        $crate::emit::code::code_token!{$curr $code}
    };
}
pub(crate) use code_token_with_context;

macro_rules! code_token {
    (( $($inner:tt)* ) $code:ident) => {
        $code.push("(");
        $crate::emit::code::code_each_token!{$code $($inner)*}
        $code.push(")");
    };
    ([ $($inner:tt)* ] $code:ident) => {
        $code.push("[");
        $crate::emit::code::code_each_token!{$code $($inner)*}
        $code.push("]");
    };
    ({ $($inner:tt)* } $code:ident) => {
        $code.push("{");
        $crate::emit::code::code_each_token!{$code $($inner)*}
        $code.push("}");
    };
    ($other:tt $code:ident) => {
        $code.push(stringify!($other));
    };
}
pub(crate) use code_token;

macro_rules! pounded_var_names {
    ($call:ident! $extra:tt $($tts:tt)*) => {
        $crate::emit::code::pounded_var_names_with_context!{$call! $extra
            (@ $($tts)*)
            ($($tts)* @)
        }
    };
}
pub(crate) use pounded_var_names;

macro_rules! pounded_var_names_with_context {
    ($call:ident! $extra:tt ($($b1:tt)*) ($($curr:tt)*)) => {
        $(
            $crate::emit::code::pounded_var_with_context!{$call! $extra $b1 $curr}
        )*
    };
}
pub(crate) use pounded_var_names_with_context;

macro_rules! pounded_var_with_context {
    ($call:ident! $extra:tt $b1:tt ( $($inner:tt)* )) => {
        $crate::emit::code::pounded_var_names!{$call! $extra $($inner)*}
    };
    ($call:ident! $extra:tt $b1:tt [ $($inner:tt)* ]) => {
        $crate::emit::code::pounded_var_names!{$call! $extra $($inner)*}
    };
    ($call:ident! $extra:tt $b1:tt { $($inner:tt)* }) => {
        $crate::emit::code::pounded_var_names!{$call! $extra $($inner)*}
    };
    ($call:ident!($($extra:tt)*) # $var:ident) => {
        $crate::emit::code::$call!($($extra)* $var);
    };
    ($call:ident! $extra:tt $b1:tt $curr:tt) => {};
}
pub(crate) use pounded_var_with_context;

macro_rules! code_bind_into_iter {
    ($has_iter:ident $var:ident) => {
        #[allow(unused_mut)]
        let (mut $var, i) = $var.quote_into_iter();
        let $has_iter = $has_iter | i;
    };
}
pub(crate) use code_bind_into_iter;

macro_rules! code_bind_next_or_break {
    ($var:ident) => {
        let Some($var) = $var.next() else { break };
    };
}
pub(crate) use code_bind_next_or_break;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_spelled_as_proc_macro2_spells_them() {
        for text in ["", "plain", "it's", "say \"hi\"", "back\\slash", "tab\there", "line\nbreak", "nul\0", "nul\u{0}7", "café — ok", "e\u{301}", "\u{200b}zero width", "\u{1}", "emoji 🦀", "{braces}"] {
            let mut ours = String::new();
            string_literal(text, &mut ours);
            assert_eq!(ours, proc_macro2::Literal::string(text).to_string(), "{text:?}");
        }
    }

    #[test]
    fn templates_interpolate_and_repeat_as_quote_does() {
        let name = ident("r#type");
        let items = vec![code! { a }, code! { b }];
        let more = ["x", "y"];
        let count = 3usize;
        let none: Option<Code> = None;
        let code = code! {
            pub fn #name<'a>(x: &'a str) -> ::core::option::Option<#count> { #none #(#items => #more),* ; [#(#items)*] }
        };
        assert_eq!(
            code.as_str(),
            r#"pub fn r#type < 'a > ( x : & 'a str ) -> :: core :: option :: Option < 3usize > { a => "x" , b => "y" ; [ a b ] } "#
        );
    }
}
