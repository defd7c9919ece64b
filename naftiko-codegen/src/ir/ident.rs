//! Rust identifiers from arbitrary spec names: deterministic, always valid, never silently equal.

use std::collections::BTreeMap;

/// Keywords that may be written as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen",
    "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];
/// Keywords that cannot be raw identifiers.
const NEVER: &[&str] = &["self", "Self", "super", "crate", "_"];

/// ASCII words of `name`: punctuation becomes a word break, non-ASCII letters become `uXXXX`.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            out.push('_');
        } else {
            out.push_str(&format!("_u{:04x}_", c as u32));
        }
    }
    out
}

fn finish(mut ident: String, fallback: &str, digit_prefix: &str) -> String {
    if ident.is_empty() {
        ident = fallback.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, digit_prefix);
    }
    if NEVER.contains(&ident.as_str()) {
        ident.push('_');
    } else if RAW_OK.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

/// The case words of `ascii` (what [`words`] gives), split as heck splits them: at every `_`, after a
/// lowercase letter followed by an uppercase one, and before the last capital of a run followed by a
/// lowercase letter (`XMLHttp` → `XML`, `Http`); digits take the case of the letter before them.
///
/// heck's own conversions go through `fmt` one character at a time (`char::to_lowercase` and
/// `write!`), which made naming a tenth of loading a spec; its rules on ASCII are these few, and a
/// test checks them against heck on every short string of letters, digits and `_`.
fn case_words(ascii: &str) -> impl Iterator<Item = &str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    ascii.split('_').flat_map(|word| {
        let bytes = word.as_bytes();
        let mut cuts = vec![0];
        let mut mode = Mode::Boundary;
        for (i, pair) in bytes.windows(2).enumerate() {
            let (c, next) = (pair[0], pair[1]);
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                cuts.push(i + 1);
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                cuts.push(i);
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
        cuts.push(bytes.len());
        (0..cuts.len() - 1).map(move |k| &word[cuts[k]..cuts[k + 1]]).filter(|w| !w.is_empty())
    })
}

/// `snake_case` of [`words`]' output, as heck's `to_snake_case` writes it.
fn snake_case(ascii: &str) -> String {
    let mut out = String::with_capacity(ascii.len() + 4);
    for word in case_words(ascii) {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// `UpperCamelCase` of [`words`]' output, as heck's `to_upper_camel_case` writes it.
fn upper_camel_case(ascii: &str) -> String {
    let mut out = String::with_capacity(ascii.len());
    for word in case_words(ascii) {
        let mut chars = word.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.extend(chars.map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// `snake_case` identifier for fields, functions and modules.
pub fn snake(name: &str) -> String {
    finish(snake_case(&words(name)), "value", "_")
}

/// `UpperCamelCase` identifier for types.
pub fn camel(name: &str) -> String {
    finish(upper_camel_case(&words(name)), "Value", "T")
}

/// `UpperCamelCase` type name made of `name` and a suffix (`ListsnapshotsParams`); the suffix keeps
/// it clear of keywords, so `self` gives `SelfParams`, not `Self_Params`.
pub fn camel_with_suffix(name: &str, suffix: &str) -> String {
    finish(format!("{}{suffix}", upper_camel_case(&words(name))), suffix, "T")
}

/// Cargo package name: lowercase ASCII letters, digits and `-`.
pub fn crate_name(stem: &str) -> String {
    let s = snake(stem).trim_start_matches("r#").trim_start_matches('_').replace('_', "-");
    if s.is_empty() { "capability".to_owned() } else { s }
}

/// Whether two spec names denote the same thing across `-`, `_` and case (`{snapshot-id}` binds
/// `snapshot_id`, `{pet-id}` binds `petId`). Callers try an exact match first.
pub fn same_name(a: &str, b: &str) -> bool {
    // Compared as they are read, not collected: lowering asks this of every input of an operation for
    // each reference, and two strings per question were a tenth of loading a spec.
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !matches!(c, '-' | '_')).flat_map(char::to_lowercase)
    }
    a == b || (!a.is_empty() && norm(a).eq(norm(b)))
}

/// Hands out identifiers in one scope, renaming later ones that collide.
#[derive(Default)]
pub struct Scope {
    taken: BTreeMap<String, String>,
}

/// An identifier given out by a [`Scope`], with the name it collided with when it had to be renamed.
pub struct Named {
    pub ident: String,
    pub collided_with: Option<String>,
}

impl Scope {
    /// Reserves names the generated code itself uses in this scope.
    pub fn reserve(&mut self, idents: &[&str]) {
        for ident in idents {
            self.taken.insert((*ident).to_owned(), format!("(generated `{ident}`)"));
        }
    }

    /// Whether `ident` is taken in this scope.
    pub fn contains(&self, ident: &str) -> bool {
        self.taken.contains_key(ident)
    }

    pub fn name(&mut self, ident: String, original: &str) -> Named {
        if !self.taken.contains_key(&ident) {
            self.taken.insert(ident.clone(), original.to_owned());
            return Named { ident, collided_with: None };
        }
        let other = self.taken[&ident].clone();
        let base = ident.trim_start_matches("r#").to_owned();
        // `select_2` for values, `ListParams2` for types: each keeps its case convention.
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) { "" } else { "_" };
        let renamed = (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| !self.taken.contains_key(candidate))
            .unwrap_or(base);
        self.taken.insert(renamed.clone(), original.to_owned());
        Named { ident: renamed, collided_with: Some(other) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_become_valid_identifiers() {
        assert_eq!(snake("$select"), "select");
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(snake("mrap_name+"), "mrap_name");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("If-Match"), "if_match");
        assert_eq!(snake("café"), "caf_u00e9");
        assert_eq!(snake("—"), "u2014");
        assert_eq!(snake(""), "value");
        assert_eq!(camel("listsnapshots"), "Listsnapshots");
        assert_eq!(camel("2fa codes"), "T2faCodes");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(camel_with_suffix("self", "Params"), "SelfParams");
        assert_eq!(camel_with_suffix("2nd-list", "Params"), "T2ndListParams");
        assert_eq!(camel_with_suffix("", "Input"), "Input");
        assert_eq!(crate_name("instance-snapshots"), "instance-snapshots");
        assert_eq!(crate_name("My Spec.v2"), "my-spec-v2");
    }

    #[test]
    fn scope_renames_collisions_deterministically() {
        let mut scope = Scope::default();
        assert!(scope.name(snake("select"), "select").collided_with.is_none());
        let second = scope.name(snake("$select"), "$select");
        assert_eq!(second.ident, "select_2");
        assert_eq!(second.collided_with.as_deref(), Some("select"));
        let mut types = Scope::default();
        types.name(camel_with_suffix("list-models", "Params"), "list-models");
        assert_eq!(types.name(camel_with_suffix("list_models", "Params"), "list_models").ident, "ListModelsParams2");
    }

    /// Every string of up to six characters from an alphabet with both cases, a digit and `_` (what
    /// [`words`] gives is made of these) is split and cased as heck does it.
    #[test]
    fn cases_are_hecks_on_ascii_words() {
        use heck::{ToSnakeCase, ToUpperCamelCase};
        const ALPHABET: &[u8] = b"aBc1_X";
        let mut strings = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..6 {
            frontier = frontier.iter().flat_map(|s| ALPHABET.iter().map(move |&c| format!("{s}{}", c as char))).collect();
            strings.extend(frontier.iter().cloned());
        }
        for text in strings.iter().map(String::as_str).chain(["XMLHttpRequest", "FIELD_NAME11", "getHTTPResponseCode", "v2Beta", "ABC", "aB1Cd"]) {
            assert_eq!(snake_case(text), text.to_snake_case(), "{text:?}");
            assert_eq!(upper_camel_case(text), text.to_upper_camel_case(), "{text:?}");
        }
    }

    #[test]
    fn names_match_across_dash_and_underscore() {
        assert!(same_name("snapshot-id", "snapshot_id"));
        assert!(same_name("pet-id", "petId"));
        assert!(!same_name("snapshot-id", "snapshot"));
    }
}
