//! HTML bodies (`outputRawFormat: html`) converted to the JSON the reference engine makes of them with
//! jsoup: `{"tables": [table, …]}`, where each table is an array of row objects whose values are all
//! strings. Nothing else of the page is kept.
//!
//! - **Tables.** With no selector (absent or blank), every `<table>` in document order, nested ones
//!   included. Otherwise the selector is CSS: a matched `<table>` is taken, and any other matched
//!   element contributes the tables inside it, in the order the elements match. The engine does not
//!   remove repeats, so a table reached through two matched elements is listed twice.
//! - **Headers.** The `<th>` cells of the first row of a `<thead>` (`thead tr:first-child th`), else
//!   those of any first row (`tr:first-child th`). Like every step here, these look at all descendants,
//!   so a nested table's header cells count too. A table with no header, or only blank ones, is left
//!   out (a table whose header row is made of `<td>` cells is therefore dropped).
//! - **Rows.** The `<tr>` elements inside a `<tbody>` (the parser adds one around bare rows), else
//!   every `<tr>`; a `<tfoot>` row counts only when there is no `<tbody>`. A row holding any `<th>` is
//!   skipped, and so is a row with no `<td>`. A nested table's rows are also rows of the outer table.
//! - **Row objects.** Header *i* takes the text of the row's *i*-th `<td>` (nested cells included, in
//!   document order), or `""` when the row is shorter; extra cells are dropped. A repeated header
//!   keeps its first place and takes the last value. Cells are never typed: `"42"` stays a string.
//! - **Text** is jsoup's `Element.text()`: each run of whitespace (no-break spaces included) becomes
//!   one space, block elements and `<br>` separate words, zero-width spaces and soft hyphens are
//!   dropped, text in `<pre>`, `<textarea>` and `<title>` keeps its whitespace, and the result is
//!   trimmed. Content of `<script>`, `<style>`, `<xmp>`, `<iframe>`, `<noembed>` and `<noframes>` is not
//!   text. Tags and attributes never show; entities are decoded.
//! - Malformed HTML is not an error: it is repaired the way browsers repair it.
//!
//! Where this differs from the engine, and why:
//! - The parser is html5ever, which follows the HTML standard to the letter; jsoup's own parser
//!   repairs some badly broken markup differently, so such pages may give different trees.
//! - The selector is parsed by the `selectors` crate (CSS Selectors level 4). jsoup's own extensions,
//!   such as `:contains()` or `:eq()`, are refused as invalid, and class and attribute values match
//!   case-sensitively where jsoup ignores case.
//! - `<noscript>` content is raw text to html5ever (it parses with scripting on) while jsoup parses it
//!   as markup: here it holds no table and adds no text.
//!
//! Errors, each a short message that never quotes the body: a body that is not UTF-8 (with the byte
//! offset), a selector that does not parse (naming the selector), and bodies that would take unbounded
//! work. The parser's cost grows with how deep elements nest, so it is given the body a few kilobytes
//! at a time, and between two its own state is read: more than 256 open elements (or active
//! formatting elements), or more elements created than the body has bytes (plus a margin), stops it
//! there and refuses the body. The conversion itself is bounded too: nested tables repeat their
//! content in every enclosing table, so the cells written and the nodes visited are capped in
//! proportion to the body's size.

use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::Hash;
use std::ops::Deref;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{TreeBuilder, TreeSink};
use scraper::{ElementRef, Html, HtmlTreeSink, Node, Selector};
use serde_json::{Map, Value};

/// How deep elements may nest (html5ever's stack of open elements, `<html>` and `<body>` included),
/// and how long its list of active formatting elements may get. Real pages stay far below; four
/// levels of the stack are one level of nested table.
const MAX_NESTING: usize = 256;

/// A node of the parsed tree (ego-tree's node reference, which scraper does not re-export).
type NodeRef<'a> = <ElementRef<'a> as Deref>::Target;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";
const SVG_NS: &str = "http://www.w3.org/2000/svg";
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";

/// Converts an HTML body to `{"tables": […]}`, keeping the tables that `selector` (CSS) designates, or
/// all of them when it is `None` or blank.
pub fn to_json(body: &[u8], selector: Option<&str>) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))?;
    let selector = match selector {
        Some(css) if !is_java_blank(css) => Some(parse_selector(css)?),
        _ => None,
    };
    let document = parse(text, CHUNK)?;
    let mut budget = Budget::for_body(text.len());
    let mut tables = Vec::new();
    for table in selected_tables(&document, selector.as_ref(), &mut budget)? {
        if let Some(rows) = convert_table(table, &mut budget)? {
            tables.push(Value::Array(rows));
        }
    }
    let mut out = Map::new();
    out.insert("tables".to_owned(), Value::Array(tables));
    Ok(Value::Object(out))
}

fn parse_selector(css: &str) -> Result<Selector, String> {
    Selector::parse(css).map_err(|e| {
        let why = match e {
            // Its text is a debug dump meant for scraper's developers.
            scraper::error::SelectorErrorKind::UnexpectedSelectorParseError(_) => "unsupported syntax".to_owned(),
            other => other.to_string(),
        };
        format!("invalid CSS selector `{css}`: {why}")
    })
}

/// Caps on the work a conversion does, in proportion to the body: nested tables (and elements
/// matched inside each other) make the same content count several times over.
struct Budget {
    /// Nodes visited and characters of text gathered.
    work: usize,
    /// Values written into row objects.
    cells: usize,
}

impl Budget {
    fn for_body(len: usize) -> Self {
        Budget { work: 64 * len + (1 << 20), cells: len + (1 << 16) }
    }

    fn spend(&mut self, units: usize) -> Result<(), String> {
        self.work = self.work.checked_sub(units).ok_or_else(|| "the tables repeat too much nested content to convert".to_owned())?;
        Ok(())
    }

    fn write_cells(&mut self, count: usize) -> Result<(), String> {
        self.cells = self.cells.checked_sub(count).ok_or_else(|| "the tables hold too many cells to convert".to_owned())?;
        Ok(())
    }
}

// ---------------------------------------------------------------- tables

/// The tables to convert, in the engine's order.
fn selected_tables<'a>(document: &'a Html, selector: Option<&Selector>, budget: &mut Budget) -> Result<Vec<ElementRef<'a>>, String> {
    let root = document.tree.root();
    let Some(selector) = selector else {
        budget.spend(document.tree.nodes().len())?;
        return Ok(root.descendants().filter_map(ElementRef::wrap).filter(|e| is_named(e, "table")).collect());
    };
    // `Html::select` keeps the matcher's caches across elements but goes in the order nodes were
    // created; the engine wants document order, so the matches are collected first.
    let matched: HashSet<_> = document.select(selector).map(|e| e.id()).collect();
    let mut tables = Vec::new();
    for element in root.descendants().filter_map(ElementRef::wrap) {
        budget.spend(1)?;
        if !matched.contains(&element.id()) {
            continue;
        }
        if is_named(&element, "table") {
            tables.push(element);
        } else {
            for inner in element.descendants().skip(1).filter_map(ElementRef::wrap) {
                budget.spend(1)?;
                if is_named(&inner, "table") {
                    tables.push(inner);
                }
            }
        }
    }
    Ok(tables)
}

/// The rows of one table as JSON objects, or `None` when the table has no usable header.
fn convert_table(table: ElementRef<'_>, budget: &mut Budget) -> Result<Option<Vec<Value>>, String> {
    let headers = headers(table, budget)?;
    if headers.iter().all(|h| is_java_blank(h)) {
        return Ok(None);
    }
    let mut rows = Vec::new();
    for row in body_rows(table, budget)? {
        let mut has_th = false;
        let mut cells = Vec::new();
        for element in row.descendants().skip(1).filter_map(ElementRef::wrap) {
            budget.spend(1)?;
            if is_named(&element, "th") {
                has_th = true;
                break;
            }
            if is_named(&element, "td") {
                cells.push(element);
            }
        }
        if has_th || cells.is_empty() {
            continue;
        }
        budget.write_cells(headers.len())?;
        let mut object = Map::new();
        for (i, header) in headers.iter().enumerate() {
            let value = match cells.get(i) {
                Some(cell) => element_text(*cell, budget)?,
                None => String::new(),
            };
            // `insert` on an existing key keeps the key's place and replaces the value, as the
            // engine's `ObjectNode.put` does.
            object.insert(header.clone(), Value::String(value));
        }
        rows.push(Value::Object(object));
    }
    Ok(Some(rows))
}

/// The header texts: `thead tr:first-child th`, else `tr:first-child th`.
fn headers(table: ElementRef<'_>, budget: &mut Budget) -> Result<Vec<String>, String> {
    let mut in_thead_first_row = Vec::new();
    let mut in_first_row = Vec::new();
    for th in table.descendants().skip(1).filter_map(ElementRef::wrap) {
        budget.spend(1)?;
        if !is_named(&th, "th") {
            continue;
        }
        // Ancestors up to the table itself, as jsoup's descendant combinator looks no higher than the
        // element `select` was called on.
        let mut first_row = false;
        let mut thead_above_first_row = false;
        for ancestor in th.ancestors().filter_map(ElementRef::wrap) {
            budget.spend(1)?;
            if ancestor.id() == table.id() {
                break;
            }
            if first_row && is_named(&ancestor, "thead") {
                thead_above_first_row = true;
            }
            if is_named(&ancestor, "tr") && is_first_element_child(ancestor) {
                first_row = true;
            }
        }
        if thead_above_first_row {
            in_thead_first_row.push(th);
        }
        if first_row {
            in_first_row.push(th);
        }
    }
    let cells = if in_thead_first_row.is_empty() { in_first_row } else { in_thead_first_row };
    cells.into_iter().map(|th| element_text(th, budget)).collect()
}

/// `tbody tr`, else every `tr`.
fn body_rows<'a>(table: ElementRef<'a>, budget: &mut Budget) -> Result<Vec<ElementRef<'a>>, String> {
    let mut in_tbody = Vec::new();
    let mut all = Vec::new();
    for tr in table.descendants().skip(1).filter_map(ElementRef::wrap) {
        budget.spend(1)?;
        if !is_named(&tr, "tr") {
            continue;
        }
        for ancestor in tr.ancestors().filter_map(ElementRef::wrap) {
            budget.spend(1)?;
            if ancestor.id() == table.id() {
                break;
            }
            if is_named(&ancestor, "tbody") {
                in_tbody.push(tr);
                break;
            }
        }
        all.push(tr);
    }
    Ok(if in_tbody.is_empty() { all } else { in_tbody })
}

/// jsoup's `:first-child`: the first element among its parent's children.
fn is_first_element_child(element: ElementRef<'_>) -> bool {
    element.prev_siblings().all(|sibling| !sibling.value().is_element())
}

/// An element named `name` in any namespace (jsoup's `select("table")` ignores namespaces; the
/// parser puts these names in the HTML namespace anyway).
fn is_named(element: &ElementRef<'_>, name: &str) -> bool {
    element.value().name() == name
}

// ---------------------------------------------------------------- text

/// jsoup's `Element.text()`.
fn element_text(element: ElementRef<'_>, budget: &mut Budget) -> Result<String, String> {
    let mut text = String::new();
    let root: NodeRef<'_> = *element;
    let mut node = root;
    let mut entering = true;
    loop {
        budget.spend(1)?;
        if entering {
            enter(node, &mut text);
            if let Some(child) = node.first_child().filter(|_| !is_data_element(node)) {
                node = child;
                continue;
            }
            entering = false;
        }
        if node.id() == root.id() {
            break;
        }
        leave(node, &mut text);
        if let Some(next) = node.next_sibling() {
            node = next;
            entering = true;
        } else {
            match node.parent() {
                Some(parent) => node = parent,
                None => break,
            }
        }
    }
    budget.spend(text.len())?;
    Ok(java_trim(&text).to_owned())
}

/// What jsoup's text accumulator does on reaching a node.
fn enter(node: NodeRef<'_>, text: &mut String) {
    match node.value() {
        Node::Text(t) => {
            if preserves_whitespace(node) {
                text.push_str(t);
            } else {
                append_normalised(text, t);
            }
        }
        Node::Element(e) if !text.is_empty() && (is_block(e) || e.name() == "br") && !text.ends_with(' ') => text.push(' '),
        _ => {}
    }
}

/// What it does on leaving an element: a block followed by text or an inline element gets a space.
fn leave(node: NodeRef<'_>, text: &mut String) {
    let Node::Element(e) = node.value() else { return };
    if !is_block(e) || text.ends_with(' ') {
        return;
    }
    let followed_by_inline = node.next_sibling().is_some_and(|next| match next.value() {
        Node::Text(_) => true,
        Node::Element(n) => !is_block(n),
        _ => false,
    });
    if followed_by_inline {
        text.push(' ');
    }
}

/// jsoup's `StringUtil.appendNormalisedWhitespace`, with leading whitespace dropped after a space.
fn append_normalised(text: &mut String, s: &str) {
    let mut last_was_white = text.ends_with(' ');
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r' | '\u{A0}') {
            if !last_was_white {
                text.push(' ');
                last_was_white = true;
            }
        } else if c != '\u{200B}' && c != '\u{AD}' {
            text.push(c);
            last_was_white = false;
        }
    }
}

/// Whether a text node's element, or one of its five nearest element ancestors, keeps whitespace.
fn preserves_whitespace(text: NodeRef<'_>) -> bool {
    text.ancestors().filter_map(ElementRef::wrap).take(6).any(|e| {
        let e = e.value();
        &*e.name.ns == HTML_NS && matches!(e.name(), "pre" | "plaintext" | "title" | "textarea" | "script")
    })
}

/// Elements whose content jsoup keeps as data, not text (and `<noscript>`, raw text to html5ever).
fn is_data_element(node: NodeRef<'_>) -> bool {
    let Node::Element(e) = node.value() else { return false };
    match &*e.name.ns {
        HTML_NS => matches!(e.name(), "iframe" | "noembed" | "noframes" | "noscript" | "script" | "style" | "xmp"),
        SVG_NS => e.name() == "script",
        _ => false,
    }
}

/// jsoup's block tags in the HTML namespace.
#[rustfmt::skip]
const JSOUP_BLOCK: &[&str] = &[
    "html", "head", "body", "frameset", "script", "noscript", "style", "meta", "link", "title", "frame", "noframes", "section", "nav", "aside",
    "hgroup", "header", "footer", "p", "h1", "h2", "h3", "h4", "h5", "h6", "button", "ul", "ol", "pre", "div", "blockquote", "hr", "address",
    "figure", "figcaption", "form", "fieldset", "ins", "del", "dl", "dt", "dd", "li", "table", "caption", "thead", "tfoot", "tbody", "colgroup",
    "col", "tr", "th", "td", "video", "audio", "canvas", "details", "menu", "plaintext", "template", "article", "main", "center", "dir", "applet",
    "marquee", "listing",
];

/// jsoup's block tags; any other tag, unknown ones included, is inline.
fn is_block(e: &scraper::node::Element) -> bool {
    let name = e.name();
    match &*e.name.ns {
        HTML_NS => JSOUP_BLOCK.contains(&name),
        SVG_NS => ["svg", "femerge", "femergenode"].iter().any(|b| name.eq_ignore_ascii_case(b)),
        MATHML_NS => name == "math",
        _ => false,
    }
}

/// Java's `String.trim()`: strips characters up to U+0020.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's `String.isBlank()`: only `Character.isWhitespace` characters (which leave out the
/// no-break spaces U+00A0, U+2007 and U+202F).
fn is_java_blank(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(c, '\t'..='\r' | '\u{1C}'..='\u{20}' | '\u{1680}' | '\u{2028}' | '\u{2029}' | '\u{205F}' | '\u{3000}')
            || ('\u{2000}'..='\u{200A}').contains(&c) && c != '\u{2007}'
    })
}

// ---------------------------------------------------------------- the watched parse

/// Bytes handed to the parser at a time: the parser's state is looked at between two of them.
const CHUNK: usize = 4 * 1024;

/// Parses `text` with html5ever into scraper's tree, a chunk at a time, and stops as soon as the
/// parser keeps too many elements open or has created too many.
///
/// The parser searches its stack of open elements for almost every tag (is there a `<p>` to close?
/// which element does this end tag end?), and its list of active formatting elements for every
/// formatting tag, so its work is the number of tags times the length of those: 200 000 nested
/// `<div>`s take minutes. Between chunks, the tree builder lists the handles it holds ([`Census`]),
/// which gives the length of both, and the elements created since the last look are counted from the
/// end of the tree's arena, where each new node goes. A chunk is at most ~1 400 tags (three bytes
/// each at least), each adding one element to the stack or reopening up to 256 formatting elements,
/// so the parse stops at most one chunk's work past a limit, and the looks cost no more than the
/// parse.
fn parse(text: &str, chunk: usize) -> Result<Html, String> {
    let max_elements = text.len() + 16 * 1024;
    let mut parser = html5ever::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default());
    let (mut nodes, mut elements) = (0, 0);
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = chunk.clamp(1, rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (head, tail) = rest.split_at(end);
        rest = tail;
        parser.process(StrTendril::from_slice(head));

        let census = Census::of(&parser.tokenizer.sink);
        if census.open > MAX_NESTING {
            return Err(format!("elements nest more than {MAX_NESTING} deep"));
        }
        if census.formatting > MAX_NESTING {
            return Err(format!("more than {MAX_NESTING} formatting elements are left open"));
        }
        let html = parser.tokenizer.sink.sink.0.borrow();
        let total = html.tree.values().len();
        elements += html.tree.values().rev().take(total.saturating_sub(nodes)).filter(|node| node.is_element()).count();
        nodes = total;
        if elements > max_elements {
            return Err("the document makes more elements than it has bytes".to_owned());
        }
    }
    Ok(parser.finish())
}

/// What the tree builder holds, from the handles it lists for a garbage collector: the document,
/// then its stack of open elements, then its list of active formatting elements (markers left out),
/// then its head and form element pointers.
///
/// The two lists are told apart where a handle first repeats: the stack holds an element once and so
/// does the list, so the first repeat is in the list (an element still open, met a second time).
/// Counting up to it as the stack takes in the list's entries before it (formatting elements closed by
/// the end of an enclosing element, waiting to be reopened), and the rest of the list comes with the
/// two pointers: `open` is never less than the stack's length, and `open + formatting` is exactly what
/// the two lists and the pointers hold. (As every formatting start tag first reopens the closed
/// entries, the list hardly outgrows the stack; its limit is a safety net.)
struct Census {
    open: usize,
    formatting: usize,
}

impl Census {
    fn of<Handle: Clone + Eq + Hash, Sink: TreeSink<Handle = Handle>>(builder: &TreeBuilder<Handle, Sink>) -> Self {
        let list = Handles(RefCell::new(Vec::new()));
        builder.trace_handles(&list);
        let handles = list.0.into_inner();
        let mut seen = HashSet::new();
        let open = handles.iter().skip(1).take_while(|handle| seen.insert(*handle)).count();
        Census { open, formatting: handles.len().saturating_sub(1 + open) }
    }
}

/// Collects the handles the tree builder lists.
struct Handles<Handle>(RefCell<Vec<Handle>>);

impl<Handle: Clone> html5ever::tree_builder::Tracer for Handles<Handle> {
    type Handle = Handle;

    fn trace_handle(&self, handle: &Handle) {
        self.0.borrow_mut().push(handle.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn convert(html: &str) -> Value {
        match to_json(html.as_bytes(), None) {
            Ok(value) => value,
            Err(e) => panic!("conversion failed: {e}"),
        }
    }

    fn convert_with(html: &str, selector: &str) -> Value {
        match to_json(html.as_bytes(), Some(selector)) {
            Ok(value) => value,
            Err(e) => panic!("conversion failed: {e}"),
        }
    }

    fn tables(rows: Value) -> Value {
        json!({ "tables": rows })
    }

    const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas/sample-products.html");

    #[test]
    fn engine_sample_with_and_without_selectors() {
        let Ok(body) = std::fs::read(SAMPLE) else {
            eprintln!("skipped: {SAMPLE} is not there");
            return;
        };
        let expected = tables(json!([[
            { "Name": "Widget", "Price": "$42", "Stock": "150" },
            { "Name": "Gadget", "Price": "$99", "Stock": "30" }
        ]]));
        for selector in [Some("table.products"), Some("section.inventory"), None, Some("  ")] {
            assert_eq!(to_json(&body, selector), Ok(expected.clone()), "selector {selector:?}");
        }
        assert_eq!(to_json(&body, Some("#nomatch")), Ok(tables(json!([]))));
    }

    #[test]
    fn same_table_contract_as_markdown() {
        // ConverterTest.convertHtmlAndMarkdownShouldProduceSameTableContract, HTML half.
        let html = "<table>\n  <thead>\n    <tr><th>Name</th><th>Price</th><th>Stock</th></tr>\n  </thead>\n  <tbody>\n    \
                    <tr><td>Widget</td><td>$42</td><td>150</td></tr>\n    <tr><td>Gadget</td><td>$99</td><td>30</td></tr>\n  </tbody>\n</table>\n";
        assert_eq!(
            convert(html),
            tables(json!([[
                { "Name": "Widget", "Price": "$42", "Stock": "150" },
                { "Name": "Gadget", "Price": "$99", "Stock": "30" }
            ]]))
        );
        assert_eq!(convert("<table><tr><th>Name</th></tr><tr><td>Alice</td></tr></table>"), tables(json!([[{ "Name": "Alice" }]])));
    }

    #[test]
    fn selector_scopes_tables() {
        // ConverterTest.convertHtmlToJsonShouldApplyCssSelectorScoping.
        let html = r#"<div>
              <table class="ignored"><tr><th>Name</th><th>Stock</th></tr><tr><td>Ignored</td><td>0</td></tr></table>
              <table class="products"><tr><th>Name</th><th>Stock</th></tr><tr><td>Kept</td><td>42</td></tr></table>
            </div>"#;
        assert_eq!(convert_with(html, "table.products"), tables(json!([[{ "Name": "Kept", "Stock": "42" }]])));
        // A matched element that is not a table gives the tables inside it, in document order.
        assert_eq!(convert_with(html, "div"), tables(json!([[{ "Name": "Ignored", "Stock": "0" }], [{ "Name": "Kept", "Stock": "42" }]])));
    }

    #[test]
    fn tables_reached_twice_are_listed_twice() {
        let html = "<section><table><tr><th>A</th></tr><tr><td>1</td></tr></table></section>";
        let one = json!([{ "A": "1" }]);
        assert_eq!(convert_with(html, "section, table"), tables(json!([one, one])));
        let nested = "<div class=x><div class=x><table><tr><th>A</th></tr><tr><td>1</td></tr></table></div></div>";
        assert_eq!(convert_with(nested, ".x"), tables(json!([one, one])));
    }

    #[test]
    fn rows_with_a_th_are_skipped() {
        // ConverterTest.convertHtmlToJsonShouldSkipRowsContainingThElements.
        let html = "<table><tr><th>Name</th><th>Price</th></tr><tr><th>Widget</th><td>$42</td></tr><tr><td>Gadget</td><td>$99</td></tr></table>";
        assert_eq!(convert(html), tables(json!([[{ "Name": "Gadget", "Price": "$99" }]])));
    }

    #[test]
    fn headers_text_missing_extra_and_repeated_cells() {
        let html = "<table><tr><th> Na  me </th><th>X</th><th>X</th></tr>\
                    <tr><td> a\n b </td><td>1</td><td>2</td><td>extra</td></tr><tr><td>only</td></tr></table>";
        let value = convert(html);
        assert_eq!(value, tables(json!([[{ "Na me": "a b", "X": "2" }, { "Na me": "only", "X": "" }]])));
        // The repeated header keeps its first place.
        let keys: Vec<&String> = value["tables"][0][0].as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert_eq!(keys, ["Na me", "X"]);
    }

    #[test]
    fn nested_tables_leak_into_the_outer_one() {
        let html = "<table><tr><th>Outer</th></tr><tr><td><table><tr><th>In</th></tr><tr><td>x</td></tr></table></td></tr></table>";
        assert_eq!(convert(html), tables(json!([[{ "Outer": "x", "In": "" }], [{ "In": "x" }]])));
    }

    #[test]
    fn tables_without_usable_headers_are_left_out() {
        assert_eq!(convert("<table><tr><td>Name</td></tr><tr><td>Alice</td></tr></table>"), tables(json!([])));
        assert_eq!(convert("<p>no tables</p>"), tables(json!([])));
        assert_eq!(convert(""), tables(json!([])));
        assert_eq!(convert("<table><tr><th> </th><th>&nbsp;</th></tr><tr><td>1</td><td>2</td></tr></table>"), tables(json!([])));
        // Headers without rows: an empty table.
        assert_eq!(convert("<table><tr><th>A</th></tr></table>"), tables(json!([[]])));
        // Only the first row's cells are headers.
        assert_eq!(convert("<table><tr><td>x</td></tr><tr><th>A</th></tr><tr><td>1</td></tr></table>"), tables(json!([])));
    }

    #[test]
    fn thead_first_row_wins_and_tbody_rows_are_the_rows() {
        let html = "<table><thead><tr><th>A</th><th>B</th></tr><tr><th>C</th></tr></thead>\
                    <tbody><tr><th>not a header</th></tr><tr><td>1</td><td>2</td></tr></tbody>\
                    <tfoot><tr><td>sum</td><td>3</td></tr></tfoot></table>";
        assert_eq!(convert(html), tables(json!([[{ "A": "1", "B": "2" }]])));
        // Without a tbody every row counts, the footer's too.
        let html = "<table><thead><tr><th>A</th></tr></thead><tfoot><tr><td>f</td></tr></tfoot></table>";
        assert_eq!(convert(html), tables(json!([[{ "A": "f" }]])));
        // Without a thead, the first row of any section gives the headers.
        let html = "<table><tbody><tr><th>A</th></tr><tr><td>1</td></tr></tbody></table>";
        assert_eq!(convert(html), tables(json!([[{ "A": "1" }]])));
    }

    #[test]
    fn cell_text_follows_jsoup() {
        let cases = [
            ("a<br>b", "a b"),
            ("<p>x</p><p>y</p>", "x y"),
            ("a<span>b</span>", "ab"),
            ("<div>x</div>y", "x y"),
            ("a <b> b </b> c", "a b c"),
            ("&amp;&lt;&gt; &quot;", "&<> \""),
            ("a\u{200B}b&shy;c", "abc"),
            ("a&nbsp;&nbsp;b", "a b"),
            ("<pre> a  b </pre>", "a  b"),
            ("x<script>var a = 1;</script>y", "x y"),
            ("x<style>p {}</style>y", "x y"),
            ("<img alt=x>t<!-- comment -->", "t"),
            ("<ul><li>one</li><li>two</li></ul>", "one two"),
            ("<textarea> keep  this </textarea>", "keep  this"),
            ("<noscript>hidden</noscript>shown", "shown"),
            ("42", "42"),
        ];
        for (cell, expected) in cases {
            let html = format!("<table><tr><th>H</th></tr><tr><td>{cell}</td></tr></table>");
            assert_eq!(convert(&html), tables(json!([[{ "H": expected }]])), "cell {cell:?}");
        }
    }

    #[test]
    fn malformed_html_is_repaired_not_refused() {
        let html = "<table><tr><th>A<th>B<tr><td>1<td>2<tr><td>3</table><p>tail";
        assert_eq!(convert(html), tables(json!([[{ "A": "1", "B": "2" }, { "A": "3", "B": "" }]])));
        assert_eq!(convert("<<<>>>&&&</div></table>"), tables(json!([])));
    }

    #[test]
    fn invalid_selectors_name_the_selector() {
        let err = to_json(b"<table></table>", Some("table[")).err().unwrap_or_default();
        assert!(err.starts_with("invalid CSS selector `table[`: "), "{err}");
        // jsoup's extensions are not CSS.
        let err = to_json(b"<table></table>", Some("td:contains(x)")).err().unwrap_or_default();
        assert!(err.starts_with("invalid CSS selector `td:contains(x)`: "), "{err}");
    }

    #[test]
    fn invalid_utf8_gives_the_offset() {
        assert_eq!(to_json(b"<table>\xff</table>", None), Err("invalid UTF-8 at byte 7".to_owned()));
        assert_eq!(to_json(b"<p>\xe2\x82</p>", Some("p")), Err("invalid UTF-8 at byte 3".to_owned()));
    }

    #[test]
    fn deep_nesting_is_refused_while_parsing() {
        let deep = "<table><tr><td>".repeat(100_000);
        assert_eq!(to_json(deep.as_bytes(), None), Err(format!("elements nest more than {MAX_NESTING} deep")));
        let divs = "<div>".repeat(200_000);
        assert_eq!(to_json(divs.as_bytes(), None), Err(format!("elements nest more than {MAX_NESTING} deep")));
        // Formatting elements left open are reopened in every paragraph after them: 200 elements for
        // each four bytes of `<p>x`.
        let open: String = (0..200).map(|i| format!("<b id={i}>")).collect();
        let reopened = format!("<div>{open}</div>{}", "<p>x".repeat(2_000));
        assert_eq!(to_json(reopened.as_bytes(), None), Err("the document makes more elements than it has bytes".to_owned()));
        // Framesets nest without limit too.
        assert!(to_json("<frameset>".repeat(1000).as_bytes(), None).is_err());
        // A formatting element closed by its parent's end tag is reopened by the next one, inside the
        // next parent: html5ever takes minutes over a megabyte of this.
        let closed: String = (0..40_000).map(|i| format!("<div><b id={i}></div>")).collect();
        assert_eq!(to_json(closed.as_bytes(), None), Err(format!("elements nest more than {MAX_NESTING} deep")));
    }

    #[test]
    fn census_reads_the_stack_and_the_formatting_list() {
        let census = |html: &str| {
            let mut parser = html5ever::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default());
            parser.process(StrTendril::from_slice(html));
            let census = Census::of(&parser.tokenizer.sink);
            (census.open, census.formatting)
        };
        // `<html>`, `<body>`, `<div>`, `<b>`, `<i>` open; `<b>` and `<i>` in the list, then `<head>`.
        assert_eq!(census("<div><b><i>"), (5, 3));
        // With no repeat, the head pointer is counted with the stack, and so are closed formatting
        // elements waiting to be reopened.
        assert_eq!(census(&"<div>".repeat(300)), (303, 0));
        assert_eq!(census("<div><b><i></div>"), (5, 0));
    }

    #[test]
    fn parsing_in_chunks_builds_the_same_tree() {
        let pages = [
            "\u{FEFF}<!DOCTYPE html><title>a &amp b</title><p>caf\u{E9} &eacute;&notin;&noti; &#x41;&#65;\r\n\r\nz",
            "<table><tr><th>H</th></tr>\n <tr><td>1<b>x</td></tr> text <!-- c -- --><td>2</table>",
            "<pre>\n\nkept</pre><textarea>\r\n</textarea><script>if (a </b) {} </script ><style>p{}</style>",
            "<svg><![CDATA[<x>]]><foreignObject><p>\u{1F600}\u{4E2D}</p></foreignObject></svg><math><mi>1</mi></math>",
            "<p><b><i>x</p>y</b>z<a href=1><div>w</a></div><frameset><plaintext><table>",
        ];
        for page in pages {
            let whole = Html::parse_document(page);
            for chunk in [1, 2, 3, 5, 8, CHUNK] {
                assert_eq!(parse(page, chunk).as_ref(), Ok(&whole), "{page:?} in chunks of {chunk}");
            }
        }
    }

    #[test]
    fn moderately_nested_tables_convert() {
        let depth = 40;
        let mut html = String::new();
        for i in 0..depth {
            html.push_str(&format!("<table><tr><th>H{i}</th></tr><tr><td>v{i}"));
        }
        html.push_str(&"</td></tr></table>".repeat(depth));
        let value = convert(&html);
        let all = value["tables"].as_array().map(Vec::len);
        assert_eq!(all, Some(depth));
        // The outermost table sees every header and every row (rows holding a nested table are skipped).
        assert_eq!(value["tables"][0].as_array().map(Vec::len), Some(1));
        assert_eq!(value["tables"][0][0].as_object().map(Map::len), Some(depth));
        assert_eq!(value["tables"][depth - 1], json!([{ format!("H{}", depth - 1): format!("v{}", depth - 1) }]));
    }

    #[test]
    fn repeated_nested_content_is_bounded() {
        // Every enclosing table repeats the inner table's 20 000 rows.
        let mut html = String::new();
        for _ in 0..50 {
            html.push_str("<table><tr><th>H</th></tr><tr><td>");
        }
        html.push_str(&"<tr><td>x</td></tr>".repeat(20_000));
        assert_eq!(to_json(html.as_bytes(), None), Err("the tables hold too many cells to convert".to_owned()));
        // Many headers padded onto many short rows.
        let wide = format!("<table><tr>{}</tr>{}</table>", "<th>h</th>".repeat(5_000), "<tr><td>x".repeat(50_000));
        assert_eq!(to_json(wide.as_bytes(), None), Err("the tables hold too many cells to convert".to_owned()));
    }

    #[test]
    fn a_megabyte_table_converts() {
        let row = "<tr><td>name</td><td>42</td></tr>\n";
        let count = (1 << 20) / row.len();
        let html = format!("<table><tr><th>Name</th><th>Value</th></tr>{}</table>", row.repeat(count));
        let value = convert(&html);
        assert_eq!(value["tables"][0].as_array().map(Vec::len), Some(count));
        assert_eq!(value["tables"][0][count - 1], json!({ "Name": "name", "Value": "42" }));
        // And a megabyte of tag soup is refused or converted, quickly either way.
        let soup = "<b><i><table><td><p><li><select><option><svg><path/><math><mi><a>".repeat(20_000);
        let _ = to_json(soup.as_bytes(), None);
        let _ = to_json(soup.as_bytes(), Some("td, li"));
    }

    #[test]
    fn java_whitespace_rules() {
        assert_eq!(java_trim("\u{1} a \u{A0}"), "a \u{A0}");
        assert!(is_java_blank(" \t\u{2003}\u{3000}"));
        assert!(!is_java_blank("\u{A0}"));
        assert!(!is_java_blank("\u{2007}"));
        assert!(is_java_blank(""));
    }
}
