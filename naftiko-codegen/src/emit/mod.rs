//! Emitters: IR → Rust code (text, written with [`code::code!`]), formatted source, OpenAPI and crate
//! files. They read only the IR.
//!
//! Every surface is a module of the generated crate (`client`, later `rest`, `mcp`). A checked-in crate
//! gets one file per module; the proc macro and `build.rs` get the same modules inline, so all ways in
//! produce the same items.

pub mod binary;
pub mod client;
pub mod code;
pub mod control;
pub mod crate_files;
pub mod deploy;
pub mod flows;
pub mod format;
pub mod handlers;
pub mod inputs;
pub mod mapping;
pub mod mcp;
pub mod mcp_features;
pub mod openapi;
pub mod outputs;
pub mod rest;
pub mod skill;
pub mod values;

use std::cell::RefCell;

use code::{Code, code};

use crate::ir::Capability;

/// One module of the generated code.
pub struct EmittedModule {
    /// File stem and module name, e.g. `client`.
    pub name: String,
    /// Cargo feature of the generated crate that enables it.
    pub feature: &'static str,
    /// The module's items, starting with its `#![doc]`.
    pub code: Code,
    /// Re-exported at the crate root (`pub use client::*`); surfaces stay qualified (`rest::router`).
    pub glob_export: bool,
}

/// Everything a spec compiles to, before formatting.
pub struct Emitted {
    /// Crate-level docs (`#![doc]` attributes).
    pub docs: Code,
    pub modules: Vec<EmittedModule>,
    /// The OpenAPI document, when the capability exposes REST.
    pub openapi: Option<String>,
}

/// Where the REST module finds its OpenAPI document.
#[derive(Clone, Copy)]
pub enum Layout {
    /// A crate on disk: `openapi.json` beside `Cargo.toml`.
    Files,
    /// One piece of code (macro, build.rs): the document inline.
    Inline,
}

/// A module of the generated code, before it is emitted.
pub struct Module {
    /// File stem and module name, e.g. `client`.
    pub name: &'static str,
    /// Cargo feature of the generated crate that enables it.
    pub feature: &'static str,
    /// Re-exported at the crate root (`pub use client::*`); surfaces stay qualified (`rest::router`).
    pub glob_export: bool,
    /// Whether a capability has this module (the `flows` of one that declares none would be empty).
    pub present: fn(&Capability) -> bool,
    emit: fn(&Capability, rest::OpenApi<'_>) -> Code,
}

impl Module {
    /// The module's items, starting with its `#![doc]`; `openapi` is where `rest` finds its document.
    pub fn emit(&self, cap: &Capability, openapi: rest::OpenApi<'_>) -> Code {
        (self.emit)(cap, openapi)
    }
}

/// Every module, in the order of the crate root.
pub const MODULES: [Module; 7] = [
    Module { name: "client", feature: "client", glob_export: true, present: |_| true, emit: |cap, _| client::emit(cap) },
    Module { name: "handlers", feature: "rest", glob_export: true, present: |_| true, emit: |cap, _| handlers::emit(cap) },
    Module { name: "flows", feature: "rest", glob_export: false, present: |cap| !cap.flows.is_empty(), emit: |cap, _| flows::emit(cap) },
    Module { name: "rest", feature: "rest", glob_export: false, present: |_| true, emit: rest::emit },
    Module { name: "mcp", feature: "mcp", glob_export: false, present: |_| true, emit: |cap, _| mcp::emit(cap) },
    Module { name: "skill", feature: "skill", glob_export: false, present: |cap| !cap.skill.is_empty(), emit: |cap, _| skill::emit(cap) },
    Module { name: "server", feature: "server", glob_export: false, present: |_| true, emit: |cap, _| binary::emit(cap) },
];

/// The modules `cap` has.
pub fn modules(cap: &Capability) -> impl Iterator<Item = &'static Module> + '_ {
    MODULES.iter().filter(|m| (m.present)(cap))
}

/// A REST or MCP expose after the first of its kind (the first is the `rest` or `mcp` module): a
/// module of its own, `rest_<namespace>` or `mcp_<namespace>`, and for REST its own OpenAPI document.
pub enum FurtherSurface<'c> {
    Rest(&'c crate::ir::RestSurface),
    Mcp(&'c crate::ir::McpSurface),
}

impl FurtherSurface<'_> {
    pub fn name(&self) -> &str {
        match self {
            FurtherSurface::Rest(r) => &r.module,
            FurtherSurface::Mcp(m) => &m.module,
        }
    }

    pub fn feature(&self) -> &'static str {
        match self {
            FurtherSurface::Rest(_) => "rest",
            FurtherSurface::Mcp(_) => "mcp",
        }
    }

    /// Its file in a checked-in crate, when it has an OpenAPI document.
    pub fn openapi_file(&self) -> Option<&str> {
        match self {
            FurtherSurface::Rest(r) => Some(&r.openapi_file),
            FurtherSurface::Mcp(_) => None,
        }
    }

    pub fn emit(&self, cap: &Capability, openapi: rest::OpenApi<'_>) -> Code {
        match self {
            FurtherSurface::Rest(r) => rest::emit_surface(cap, r, openapi),
            FurtherSurface::Mcp(m) => mcp::emit_surface(cap, m),
        }
    }
}

/// The exposes after the first of their kind, in spec order of each kind.
pub fn further_surfaces(cap: &Capability) -> Vec<FurtherSurface<'_>> {
    let rest = cap.rest.iter().skip(1).map(FurtherSurface::Rest);
    rest.chain(cap.mcp.iter().skip(1).map(FurtherSurface::Mcp)).collect()
}

/// Every REST expose's OpenAPI document as its file holds it, with the file's name.
pub fn openapi_files(cap: &Capability) -> Vec<(&str, String)> {
    cap.rest.iter().map(|r| (r.openapi_file.as_str(), serde_json::to_string_pretty(&openapi::surface_document(cap, r)).unwrap_or_default() + "\n")).collect()
}

/// The OpenAPI document as the crate's `openapi.json` holds it, when the capability exposes REST.
pub fn openapi_json(cap: &Capability) -> Option<String> {
    openapi::document(cap).map(|d| serde_json::to_string_pretty(&d).unwrap_or_default() + "\n")
}

/// Emits every surface of `cap`.
pub fn emit(cap: &Capability, layout: Layout) -> Emitted {
    let openapi_text = openapi_json(cap);
    let openapi = match (layout, &openapi_text) {
        (Layout::Files, _) => rest::OpenApi::File("../openapi.json"),
        (Layout::Inline, Some(text)) => rest::OpenApi::Inline(text),
        (Layout::Inline, None) => rest::OpenApi::Inline("{}"),
    };
    let mut modules: Vec<EmittedModule> = modules(cap)
        .map(|m| EmittedModule { name: m.name.to_owned(), feature: m.feature, code: m.emit(cap, openapi), glob_export: m.glob_export })
        .collect();
    let documents = openapi_files(cap);
    for surface in further_surfaces(cap) {
        let text = surface.openapi_file().and_then(|file| documents.iter().find(|(f, _)| *f == file)).map_or("{}", |(_, text)| text.as_str());
        let path = surface.openapi_file().map(|file| format!("../{file}")).unwrap_or_default();
        let openapi = match layout {
            Layout::Files => rest::OpenApi::File(&path),
            Layout::Inline => rest::OpenApi::Inline(text),
        };
        let code = surface.emit(cap, openapi);
        modules.push(EmittedModule { name: surface.name().to_owned(), feature: surface.feature(), code, glob_export: false });
    }
    Emitted { docs: crate_docs(cap), modules, openapi: openapi_text }
}

/// The crate's `//!` header: what it is and where it came from.
pub(crate) fn crate_docs(cap: &Capability) -> Code {
    let mut lines = vec![format!(" {}", cap.title)];
    if let Some(d) = &cap.description {
        lines.push(String::new());
        lines.extend(d.lines().map(|l| format!(" {l}")));
    }
    lines.push(String::new());
    lines.push(format!(" @generated by naftiko-codegen from `{}`; do not edit.", cap.source));
    inner_docs(&lines)
}

/// Which surfaces an inline expansion includes (the client is always there). A checked-in crate has
/// them all, behind Cargo features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Surfaces {
    /// `handlers` and `rest`.
    pub rest: bool,
    pub mcp: bool,
    /// The binary's `server::main`.
    pub server: bool,
}

impl Surfaces {
    pub const ALL: Surfaces = Surfaces { rest: true, mcp: true, server: true };
    pub const CLIENT: Surfaces = Surfaces { rest: false, mcp: false, server: false };

    fn includes(self, feature: &str) -> bool {
        match feature {
            // Skill catalogs are served by the same axum glue as REST.
            "rest" | "skill" => self.rest,
            "mcp" => self.mcp,
            "server" => self.server,
            _ => true,
        }
    }
}

/// The whole capability as inline modules (what the macro and build.rs emit). The client and
/// handlers are re-exported at the top, as in a checked-in crate.
pub fn inline_code(cap: &Capability, surfaces: Surfaces) -> Code {
    let emitted = emit(cap, Layout::Inline);
    let modules = emitted.modules.iter().filter(|m| surfaces.includes(m.feature)).map(|m| {
        let name = ident(&m.name);
        let body = &m.code;
        // Inside a user's crate the capability is a library used in part: unused items are expected.
        let export = m.glob_export.then(|| code! { #[allow(unused_imports)] pub use #name::*; });
        code! {
            #[allow(dead_code)]
            pub mod #name { #body }
            #export
        }
    });
    code! { #(#modules)* }
}

/// Formats code as a Rust file; code that does not parse is a bug in an emitter, reported as text.
pub fn format_file(code: &Code) -> Result<String, String> {
    let printed = format::unparse(code).map_err(|e| format!("emitted code does not parse: {e}\n{code}"))?;
    Ok(separate_items(&printed))
}

/// prettyplease puts items on consecutive lines; a blank line after the module docs and after each
/// item's closing line (at the indentation the next item starts at) makes the files read like
/// hand-written code.
fn separate_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(&next) = lines.peek() else { break };
        if blank_line_between(line, next) {
            out.push('\n');
        }
    }
    out
}

/// Whether [`separate_items`] puts a blank line between `line` and `next`.
fn blank_line_between(line: &str, next: &str) -> bool {
    let after_docs = line.starts_with("//!") && !next.starts_with("//!");
    if after_docs {
        return true;
    }
    // Most lines end with neither `}` nor `;`: they end no item. Nor does a comment (a doc line may
    // end with either).
    let line_end = line.trim_end();
    let line_start = line.trim_start();
    if !(line_end.ends_with('}') || line_end.ends_with(';')) || line_start.starts_with("//") {
        return false;
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    // A one-line item: at the top level, a `use`, or a trait's method declaration.
    let one_line_item = indent(line) == 0 || ["use ", "fn ", "async fn "].iter().any(|k| line_start.starts_with(k));
    let ends_item = matches!(line.trim(), "}" | "};") || (line_end.ends_with(';') && one_line_item);
    let next_start = next.trim_start();
    // Not a closing delimiter, a method chain, or the next arm of a `match`.
    let next_starts_item = !next.trim().is_empty() && !matches!(next_start.chars().next(), Some('}' | ')' | ']' | ',' | '.')) && !next_start.contains("=>");
    let between_uses = line_start.starts_with("use ") && next_start.starts_with("use ");
    ends_item && next_starts_item && indent(line) == indent(next) && !between_uses && !next_start.starts_with("else")
}

/// A summary paragraph of doc comments (` text` lines, then a blank line), or nothing when `summary`
/// is empty: no item starts with an empty `///`.
pub fn summary_doc(summary: &str) -> Code {
    if summary.trim().is_empty() {
        return Code::new();
    }
    let summary = doc(summary);
    let blank = doc("");
    code! { #summary #blank }
}

/// `#[doc = text]`: one line of the documentation of an item or a field (never of a parameter or an
/// expression: see `DocPlaceholders`).
pub fn doc(text: &str) -> Code {
    let text = doc_literal(text, false);
    code! { #[doc = #text] }
}

/// `#![doc = line]` for each line: documentation of the enclosing module or crate.
pub fn inner_docs(lines: &[String]) -> Code {
    let lines = lines.iter().map(|l| doc_literal(l, true));
    code! { #( #![doc = #lines] )* }
}

/// Marks a doc placeholder: `\u{1}` and the text's index in the table.
const PLACEHOLDER: char = '\u{1}';

thread_local! {
    /// While [`DocPlaceholders`] collects on this thread: the texts of the doc lines emitted so far as
    /// placeholders, or `None` when one could not be (it contains [`PLACEHOLDER`]).
    static DOC_TABLE: RefCell<Option<Option<Vec<String>>>> = const { RefCell::new(None) };
}

/// The literal of a doc attribute: the text itself, or a short placeholder while a
/// [`DocPlaceholders`] collects.
fn doc_literal(text: &str, inner: bool) -> String {
    // Lines prettyplease prints as `///text` / `//!text` (a newline makes a block comment, an outer doc
    // starting with `/` stays an attribute): only these are stood in for.
    let one_line = !text.contains('\n') && (inner || !text.starts_with('/'));
    let index = DOC_TABLE.with_borrow_mut(|table| match table {
        Some(Some(_)) if text.contains(PLACEHOLDER) => {
            *table = Some(None);
            None
        }
        Some(Some(texts)) if one_line => {
            texts.push(text.to_owned());
            Some(texts.len() - 1)
        }
        _ => None,
    });
    match index {
        Some(i) => format!("{PLACEHOLDER}{i}"),
        None => text.to_owned(),
    }
}

/// Doc lines as placeholders while emitting a crate's files, put back after formatting.
///
/// Doc lines are a quarter of the generated source, and each costs `syn` an unescaping copy twice and
/// prettyplease once more. A placeholder is a few bytes; the formatted file gets the line back as
/// prettyplease prints it (`///` or `//!`, then the text without trailing spaces). The layout cannot
/// change as long as doc lines document items, fields and modules, as [`doc`] and [`inner_docs`] are
/// used: prettyplease starts such a line after a forced line break and ends it with one, so no other
/// break depends on its width. Anything unexpected (a placeholder that was not printed, or printed
/// twice) makes [`DocPlaceholders::fill`] return `None`, and the caller formats the real code instead.
pub(crate) struct DocPlaceholders {
    texts: Vec<String>,
    filled: Vec<bool>,
}

impl DocPlaceholders {
    /// Runs `emit` with doc lines emitted as placeholders on this thread; `None` when a doc line could
    /// not be stood in for (then emit again without).
    pub(crate) fn collect<T>(emit: impl FnOnce() -> T) -> Option<(T, DocPlaceholders)> {
        struct Reset(Option<Option<Vec<String>>>);
        impl Drop for Reset {
            fn drop(&mut self) {
                let previous = self.0.take();
                DOC_TABLE.with_borrow_mut(|table| *table = previous);
            }
        }
        let reset = Reset(DOC_TABLE.with_borrow_mut(|table| table.replace(Some(Vec::new()))));
        let emitted = emit();
        let texts = DOC_TABLE.with_borrow_mut(|table| table.take().flatten());
        drop(reset);
        let texts = texts?;
        Some((emitted, DocPlaceholders { filled: vec![false; texts.len()], texts }))
    }

    /// `code` formatted as [`format_file`] does, with the doc lines put back; `None` when they do not
    /// parse or the placeholders did not come out as expected.
    pub(crate) fn format(&mut self, code: &Code) -> Option<String> {
        let printed = format::unparse(code).ok()?;
        self.fill(&printed).map(|text| separate_items(&text))
    }

    /// Whether every placeholder was put back exactly once.
    pub(crate) fn all_filled(&self) -> bool {
        self.filled.iter().all(|&f| f)
    }

    fn fill(&mut self, printed: &str) -> Option<String> {
        let mut out = String::with_capacity(printed.len() + printed.len() / 2);
        let mut rest = printed;
        while let Some(at) = rest.find(PLACEHOLDER) {
            let (before, after) = rest.split_at(at);
            if !(before.ends_with("///") || before.ends_with("//!")) {
                return None;
            }
            let after = &after[PLACEHOLDER.len_utf8()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if !after[digits..].starts_with('\n') {
                return None;
            }
            let i: usize = after[..digits].parse().ok()?;
            if std::mem::replace(self.filled.get_mut(i)?, true) {
                return None;
            }
            out.push_str(before);
            out.push_str(self.texts[i].trim_end_matches(' '));
            rest = &after[digits..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// `r#"…"#` with as many `#` as the text needs, so JSON reads as JSON in the generated source.
pub fn raw_string(text: &str) -> Code {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    // A carriage return not before a line feed cannot be in a raw string.
    let bare_cr = text.match_indices('\r').any(|(at, _)| !text[at + 1..].starts_with('\n'));
    if bare_cr {
        return code! { #text };
    }
    let mut code = Code::new();
    code.push(&format!("r{hashes}\"{text}\"{hashes}"));
    code
}

/// A Rust identifier from an IR name, raw (`r#type`) when the IR decided so.
pub use code::ident;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_separate_items_not_doc_lines() {
        let printed = "//! first;\n//! second}\nuse a::b;\nuse c::d;\n/// ends with a brace {x}\n/// and a semicolon;\npub struct S;\nfn f() {\n    g();\n}\nconst C: u8 = 1;\n";
        assert_eq!(
            separate_items(printed),
            "//! first;\n//! second}\n\nuse a::b;\nuse c::d;\n\n/// ends with a brace {x}\n/// and a semicolon;\npub struct S;\n\nfn f() {\n    g();\n}\n\nconst C: u8 = 1;\n"
        );
        // A trait's method declaration is an item; the arms of a `match` are not.
        let printed = "trait T {\n    fn a(&self);\n    /// b\n    fn b(&self) {}\n}\nfn f() {\n    match x {\n        A => {\n            a()\n        }\n        B => b(),\n    }\n}\n";
        assert_eq!(
            separate_items(printed),
            "trait T {\n    fn a(&self);\n\n    /// b\n    fn b(&self) {}\n}\n\nfn f() {\n    match x {\n        A => {\n            a()\n        }\n        B => b(),\n    }\n}\n"
        );
    }

    #[test]
    fn placeholders_outside_a_collection_are_real_docs() {
        assert_eq!(doc(" text").to_string(), code!(#[doc = " text"]).to_string());
        let ((), placeholders) = DocPlaceholders::collect(|| {
            assert_eq!(doc(" text").to_string(), code!(#[doc = "\u{1}0"]).to_string());
            // Not one line, or an outer doc starting with `/`: prettyplease prints these otherwise.
            assert_eq!(doc(" a\n b").to_string(), code!(#[doc = " a\n b"]).to_string());
            assert_eq!(doc("/ path").to_string(), code!(#[doc = "/ path"]).to_string());
        })
        .expect("collected");
        assert_eq!(placeholders.texts, vec![" text".to_owned()]);
        assert_eq!(doc(" text").to_string(), code!(#[doc = " text"]).to_string());
        // A doc line holding the marker cannot be stood in for: the collection gives up.
        assert!(DocPlaceholders::collect(|| doc("\u{1}0")).is_none());
    }

    #[test]
    fn a_placeholder_comes_back_once_as_printed() {
        let mut docs = DocPlaceholders { texts: vec![" first  ".to_owned(), " second".to_owned()], filled: vec![false; 2] };
        assert_eq!(docs.fill("///\u{1}0\nfn f() {}\n    //!\u{1}1\n").as_deref(), Some("/// first\nfn f() {}\n    //! second\n"));
        assert!(docs.all_filled());
        let mut twice = DocPlaceholders { texts: vec![" x".to_owned()], filled: vec![false] };
        assert_eq!(twice.fill("///\u{1}0\n///\u{1}0\n"), None);
        let mut elsewhere = DocPlaceholders { texts: vec![" x".to_owned()], filled: vec![false] };
        assert_eq!(elsewhere.fill("#[doc = \"\u{1}0\"]\n"), None);
        let mut unknown = DocPlaceholders { texts: vec![], filled: vec![] };
        assert_eq!(unknown.fill("///\u{1}3\n"), None);
    }
}
