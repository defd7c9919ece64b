//! Markdown bodies (`outputRawFormat: markdown`) converted to the JSON the reference engine makes of
//! them with commonmark-java and its GFM tables extension:
//! `{"frontMatter": {…}, "tables": [table, …], "sections": [section, …]}`, keys in that order.
//!
//! - `\r\n` line endings become `\n` first.
//! - **Front matter** is recognised only when the text starts with exactly `---\n` and a later line,
//!   not the very next one, is exactly `---` followed by `\n`. The YAML between them, trimmed, is
//!   parsed (see [`super::yaml`]) and kept when it is a mapping; anything else (a list, a scalar,
//!   nothing) gives `{}`. YAML that does not parse makes the whole body invalid. Without front matter,
//!   `"frontMatter"` is `{}`. A closing `---` at the very end with no newline after it, `...`, a blank
//!   line or a byte order mark before the first `---`: none of these is front matter, and the text is
//!   read as Markdown from its first byte.
//! - The rest is CommonMark with GFM tables, as pulldown-cmark parses it.
//! - **Tables**: only tables at the top level of the document, not in lists or block quotes. The header
//!   row gives the keys, each body row an object: header *i* takes cell *i*, or `""` when the row is
//!   shorter; extra cells are dropped; a repeated header keeps its first place and takes the last
//!   value. A table whose headers are all blank is left out. This is the HTML converter's contract, so
//!   the same data gives the same `tables` in both formats.
//! - **Sections**: each top-level heading (`#` or underlined) opens
//!   `{"heading": text, "level": 1-6, "content": text}`. The content is the text of the top-level blocks
//!   after it, up to the next heading, tables excepted: each block's text trimmed, empty ones dropped,
//!   the rest joined with `\n`. Text before the first heading belongs to no section.
//! - With `heading_prefix` (not blank), only the sections whose heading starts with it are kept,
//!   compared case-sensitively and without the `#` marks.
//! - **Text** of a heading, cell or block: its literal text and inline code; a soft line break is a space,
//!   a hard one `\n`. Emphasis and link markup disappear and so do link targets (`[new features](url)`
//!   is `new features`); an image gives its alt text. Fenced and indented code blocks and HTML (blocks
//!   and inline tags) give nothing. The items of a list, or the paragraphs of a block quote, are joined
//!   with no separator: `- a\n- b` is `ab` (the engine concatenates what it collects; inferred from its
//!   code, not from a test).
//!
//! Where this differs from the engine: table detection follows pulldown-cmark, which implements the
//! GFM specification; commonmark-java's extension may disagree on unusual tables (a delimiter row whose
//! cell count differs from the header's, a table directly under a paragraph line, a row without `|`).
//! pulldown-cmark also ends a table once it has had to pad 262 144 missing cells, reading the lines
//! after as text; the engine pads without limit.
//!
//! Errors, each a short message that never quotes the body: a body that is not UTF-8 (with the byte
//! offset), front matter that is not YAML, and tables whose padded rows would hold more cells than the
//! body has bytes (plus a margin), which would otherwise let a small body produce a huge result.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

/// Converts a Markdown body to `{"frontMatter", "tables", "sections"}`, keeping only the sections
/// whose heading starts with `heading_prefix` when it is given and not blank.
pub fn to_json(body: &[u8], heading_prefix: Option<&str>) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))?;
    let text = text.replace("\r\n", "\n");
    let (front_matter, markdown) = split_front_matter(&text)?;
    let prefix = heading_prefix.filter(|p| !is_java_blank(p));

    let mut collector = Collector { cells_left: text.len() + (1 << 16), ..Collector::default() };
    // Nesting depth of the current event: 0 between top-level blocks.
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    collector.begin(&tag);
                }
                collector.start(&tag);
                depth += 1;
            }
            Event::End(tag) => {
                collector.end(tag);
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    collector.finish_block(prefix)?;
                }
            }
            Event::Text(s) | Event::Code(s) => collector.push_text(&s),
            Event::SoftBreak => collector.push_text(" "),
            Event::HardBreak => collector.push_text("\n"),
            // HTML, and events of extensions that are not enabled, carry no text.
            _ => {}
        }
    }
    collector.finish_section(prefix);

    let mut out = Map::new();
    out.insert("frontMatter".to_owned(), front_matter);
    out.insert("tables".to_owned(), Value::Array(collector.tables));
    out.insert("sections".to_owned(), Value::Array(collector.sections));
    Ok(Value::Object(out))
}

/// The front matter (an object, possibly empty) and the Markdown after it.
fn split_front_matter(text: &str) -> Result<(Value, &str), String> {
    let empty = Value::Object(Map::new());
    // The engine looks for the closing line from index 4, right after the opening `---\n`.
    let Some(rest) = text.strip_prefix("---\n") else { return Ok((empty, text)) };
    let Some(end) = rest.find("\n---\n") else { return Ok((empty, text)) };
    let yaml = java_trim(&rest[..end]);
    let markdown = &rest[end + "\n---\n".len()..];
    if is_java_blank(yaml) {
        return Ok((empty, markdown));
    }
    match super::yaml::to_json(yaml.as_bytes()) {
        Ok(Value::Object(map)) => Ok((Value::Object(map), markdown)),
        Ok(_) => Ok((empty, markdown)),
        Err(e) => Err(format!("invalid YAML front matter: {e}")),
    }
}

/// What a top-level block turns into.
#[derive(Default)]
enum Block {
    #[default]
    Other,
    Heading(u8),
    Table,
}

#[derive(Default)]
struct Collector {
    block: Block,
    /// The text of the current block (or table cell).
    text: String,
    /// Inside a fenced or indented code block, whose text is not collected.
    in_code: usize,
    /// Inside an HTML block.
    in_html: usize,
    // The current top-level table.
    in_head: bool,
    headers: Vec<String>,
    row: Vec<String>,
    rows: Vec<Vec<String>>,
    // The current section: heading, level, content blocks.
    section: Option<(String, u8, Vec<String>)>,
    tables: Vec<Value>,
    sections: Vec<Value>,
    /// Values the tables may still write.
    cells_left: usize,
}

impl Collector {
    /// A top-level block starts.
    fn begin(&mut self, tag: &Tag<'_>) {
        self.block = match tag {
            Tag::Heading { level, .. } => Block::Heading(*level as u8),
            Tag::Table(_) => Block::Table,
            _ => Block::Other,
        };
        self.text.clear();
        self.headers.clear();
        self.rows.clear();
    }

    fn start(&mut self, tag: &Tag<'_>) {
        let top_level_table = matches!(self.block, Block::Table);
        match tag {
            Tag::CodeBlock(_) => self.in_code += 1,
            Tag::HtmlBlock => self.in_html += 1,
            // The parts of a top-level table. A table inside a list or a block quote is only more
            // text of that block, as in the engine.
            Tag::TableHead if top_level_table => self.in_head = true,
            Tag::TableRow if top_level_table => self.row.clear(),
            Tag::TableCell if top_level_table => self.text.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let top_level_table = matches!(self.block, Block::Table);
        match tag {
            TagEnd::CodeBlock => self.in_code = self.in_code.saturating_sub(1),
            TagEnd::HtmlBlock => self.in_html = self.in_html.saturating_sub(1),
            TagEnd::TableHead if top_level_table => self.in_head = false,
            TagEnd::TableRow if top_level_table => self.rows.push(std::mem::take(&mut self.row)),
            TagEnd::TableCell if top_level_table => {
                let cell = java_trim(&self.text).to_owned();
                if self.in_head {
                    self.headers.push(cell);
                } else {
                    self.row.push(cell);
                }
                self.text.clear();
            }
            _ => {}
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.in_code == 0 && self.in_html == 0 {
            self.text.push_str(s);
        }
    }

    /// A top-level block ended.
    fn finish_block(&mut self, prefix: Option<&str>) -> Result<(), String> {
        match std::mem::take(&mut self.block) {
            Block::Heading(level) => {
                self.finish_section(prefix);
                self.section = Some((java_trim(&self.text).to_owned(), level, Vec::new()));
            }
            Block::Table => self.finish_table()?,
            Block::Other => {
                let content = java_trim(&self.text);
                if let Some((_, _, blocks)) = &mut self.section
                    && !content.is_empty()
                {
                    blocks.push(content.to_owned());
                }
            }
        }
        self.text.clear();
        Ok(())
    }

    fn finish_table(&mut self) -> Result<(), String> {
        if self.headers.iter().all(|h| is_java_blank(h)) {
            return Ok(());
        }
        let mut table = Vec::with_capacity(self.rows.len());
        for row in self.rows.drain(..) {
            self.cells_left =
                self.cells_left.checked_sub(self.headers.len()).ok_or_else(|| "the tables hold too many cells to convert".to_owned())?;
            let mut object = Map::new();
            let mut cells = row.into_iter();
            for header in &self.headers {
                // An existing key keeps its place and takes the new value, as in the engine.
                object.insert(header.clone(), Value::String(cells.next().unwrap_or_default()));
            }
            table.push(Value::Object(object));
        }
        self.tables.push(Value::Array(table));
        Ok(())
    }

    fn finish_section(&mut self, prefix: Option<&str>) {
        let Some((heading, level, blocks)) = self.section.take() else { return };
        if prefix.is_some_and(|p| !heading.starts_with(p)) {
            return;
        }
        let mut section = Map::new();
        section.insert("heading".to_owned(), Value::String(heading));
        section.insert("level".to_owned(), Value::from(level));
        section.insert("content".to_owned(), Value::String(blocks.join("\n")));
        self.sections.push(Value::Object(section));
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
            || (('\u{2000}'..='\u{200A}').contains(&c) && c != '\u{2007}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn convert(markdown: &str) -> Value {
        convert_with(markdown, None)
    }

    fn convert_with(markdown: &str, prefix: Option<&str>) -> Value {
        match to_json(markdown.as_bytes(), prefix) {
            Ok(value) => value,
            Err(e) => panic!("conversion failed: {e}"),
        }
    }

    fn sections(markdown: &str) -> Value {
        convert(markdown)["sections"].clone()
    }

    fn section(heading: &str, level: u8, content: &str) -> Value {
        json!({ "heading": heading, "level": level, "content": content })
    }

    const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas/sample-readme.md");

    #[test]
    fn engine_sample() {
        let Ok(body) = std::fs::read(SAMPLE) else {
            eprintln!("skipped: {SAMPLE} is not there");
            return;
        };
        assert_eq!(
            to_json(&body, None),
            Ok(json!({
                "frontMatter": { "title": "Product Release Notes", "version": "2.1.0" },
                "tables": [[
                    { "Feature": "HTML support", "Status": "GA" },
                    { "Feature": "Markdown support", "Status": "Beta" }
                ]],
                "sections": [section("Overview", 2, "This release introduces table extraction for markdown.")]
            }))
        );
    }

    #[test]
    fn front_matter_tables_and_sections() {
        // ConverterTest.convertMarkdownToJsonShouldExtractFrontMatterTablesAndSections.
        let markdown = "---\ntitle: Release Notes\nversion: 2.1.0\n---\n\n## Overview\n\
                        This **release** introduces [new features](https://example.com).\n\n\
                        | Feature | Status |\n|---------|--------|\n| Search  | GA     |\n";
        let value = convert(markdown);
        assert_eq!(
            value,
            json!({
                "frontMatter": { "title": "Release Notes", "version": "2.1.0" },
                "tables": [[{ "Feature": "Search", "Status": "GA" }]],
                "sections": [section("Overview", 2, "This release introduces new features.")]
            })
        );
        let keys: Vec<&String> = value.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert_eq!(keys, ["frontMatter", "tables", "sections"]);
    }

    #[test]
    fn same_table_contract_as_html() {
        // ConverterTest.convertHtmlAndMarkdownShouldProduceSameTableContract, Markdown half.
        let markdown = "| Name | Price | Stock |\n|------|-------|-------|\n| Widget | $42 | 150 |\n| Gadget | $99 | 30 |\n";
        assert_eq!(
            convert(markdown)["tables"],
            json!([[{ "Name": "Widget", "Price": "$42", "Stock": "150" }, { "Name": "Gadget", "Price": "$99", "Stock": "30" }]])
        );
        assert_eq!(
            convert("| Name | Role |\n|------|------|\n| Alice | User |"),
            json!({ "frontMatter": {}, "tables": [[{ "Name": "Alice", "Role": "User" }]], "sections": [] })
        );
    }

    #[test]
    fn heading_prefix_filters_sections() {
        // ConverterTest.convertMarkdownToJsonShouldFilterSectionsByHeadingPrefix and …WithNullFilter….
        let markdown = "## Overview\nGeneral introduction.\n\n## API Reference\nDetails about the API.\n\n## API Usage\nHow to use the API.\n";
        assert_eq!(
            convert_with(markdown, Some("API"))["sections"],
            json!([section("API Reference", 2, "Details about the API."), section("API Usage", 2, "How to use the API.")])
        );
        assert_eq!(convert_with(markdown, None)["sections"].as_array().map(Vec::len), Some(3));
        assert_eq!(convert_with(markdown, Some(" "))["sections"].as_array().map(Vec::len), Some(3));
        assert_eq!(convert_with(markdown, Some("api"))["sections"], json!([]));
        // The prefix is matched against the heading's text, without the `#` marks.
        assert_eq!(convert_with(markdown, Some("## API"))["sections"], json!([]));
    }

    #[test]
    fn section_content_rules() {
        let markdown = "Before any heading.\n\n# Title\nFirst line\nsecond line  \nafter a hard break\n\n\
                        ```\ncode is not text\n```\n\n    indented code\n\n<div>html block</div>\n\n\
                        Inline `code`, *emphasis*, ![alt text](img.png), <b>tag</b> and <https://example.com>.\n\n\
                        - a\n- b\n\n> quoted\n>\n> twice\n\n---\n\n| T | U |\n|---|---|\n| 1 | 2 |\n\nLast.\n";
        assert_eq!(
            sections(markdown),
            json!([section(
                "Title",
                1,
                "First line second line\nafter a hard break\n\
                 Inline code, emphasis, alt text, tag and https://example.com.\nab\nquotedtwice\nLast."
            )])
        );
    }

    #[test]
    fn headings() {
        let markdown = "Setext one\n===\ntext\n\nSetext *two*\n---\n\n### Closed ###\n\n#\n\n#### `code` [link](u)\nbody\n";
        assert_eq!(
            sections(markdown),
            json!([
                section("Setext one", 1, "text"),
                section("Setext two", 2, ""),
                section("Closed", 3, ""),
                section("", 1, ""),
                section("code link", 4, "body")
            ])
        );
        // A heading inside a list or a quote is text of that block.
        assert_eq!(sections("# Top\n> # Quoted\n> text\n\n- ## Listed\n"), json!([section("Top", 1, "Quotedtext\nListed")]));
    }

    #[test]
    fn table_rules() {
        let markdown = "| A | B | A |\n|---|---|---|\n| 1 | 2 | 3 |\n| only |\n| **x** | [y](u) | a \\| b |\n";
        let value = convert(markdown);
        assert_eq!(value["tables"], json!([[{ "A": "3", "B": "2" }, { "A": "", "B": "" }, { "A": "a | b", "B": "y" }]]));
        let keys: Vec<&String> = value["tables"][0][0].as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert_eq!(keys, ["A", "B"]);
        // Blank headers: the table is left out.
        assert_eq!(convert("|  |   |\n|---|---|\n| 1 | 2 |\n")["tables"], json!([]));
        // A header row alone is an empty table.
        assert_eq!(convert("| A |\n|---|\n")["tables"], json!([[]]));
        // Only top-level tables; one in a quote is text of the quote. Tables are never section content.
        let markdown = "# S\n> | a | b |\n> |---|---|\n> | 1 | 2 |\n\n| c |\n|---|\n| 3 |\n";
        let value = convert(markdown);
        assert_eq!(value["tables"], json!([[{ "c": "3" }]]));
        assert_eq!(value["sections"], json!([section("S", 1, "ab12")]));
    }

    #[test]
    fn front_matter_edges() {
        let yaml_list = convert("---\n- a\n- b\n---\n# T\n");
        assert_eq!(yaml_list["frontMatter"], json!({}));
        assert_eq!(yaml_list["sections"], json!([section("T", 1, "")]));
        // Empty front matter.
        assert_eq!(convert("---\n\n---\n# T\n"), json!({ "frontMatter": {}, "tables": [], "sections": [section("T", 1, "")] }));
        // `\r\n` endings are read as `\n`.
        assert_eq!(convert("---\r\ntitle: x\r\n---\r\n# T\r\nbody\r\n")["frontMatter"], json!({ "title": "x" }));
        assert_eq!(convert("---\r\ntitle: x\r\n---\r\n# T\r\nbody\r\n")["sections"], json!([section("T", 1, "body")]));
        // No closing line: the whole text is Markdown, `---` a thematic break.
        assert_eq!(convert("---\ntitle: x\n"), json!({ "frontMatter": {}, "tables": [], "sections": [] }));
        // A closing `---` at the very end is not one either: it underlines a heading.
        assert_eq!(convert("---\na: 1\n---"), json!({ "frontMatter": {}, "tables": [], "sections": [section("a: 1", 2, "")] }));
        // `---\n---\n`: the closing line is looked for after the opening one.
        assert_eq!(convert("---\n---\n# T\n")["sections"], json!([section("T", 1, "")]));
        assert_eq!(convert("---\n---\n# T\n")["frontMatter"], json!({}));
        // A byte order mark or a blank line first: no front matter.
        assert_eq!(convert("\u{FEFF}---\ntitle: x\n---\n")["frontMatter"], json!({}));
        assert_eq!(convert("\n---\ntitle: x\n---\n")["frontMatter"], json!({}));
        // Front matter only.
        assert_eq!(convert("---\ntitle: x\n---\n"), json!({ "frontMatter": { "title": "x" }, "tables": [], "sections": [] }));
    }

    #[test]
    fn invalid_front_matter_is_an_error() {
        let err = to_json(b"---\ntitle: [unclosed\n---\n# T\n", None).err().unwrap_or_default();
        assert!(err.starts_with("invalid YAML front matter: "), "{err}");
    }

    #[test]
    fn invalid_utf8_gives_the_offset() {
        assert_eq!(to_json(b"# T\n\xc3(", None), Err("invalid UTF-8 at byte 4".to_owned()));
    }

    #[test]
    fn empty_and_plain_bodies() {
        assert_eq!(convert(""), json!({ "frontMatter": {}, "tables": [], "sections": [] }));
        assert_eq!(convert("just text"), json!({ "frontMatter": {}, "tables": [], "sections": [] }));
    }

    #[test]
    fn hostile_bodies_are_bounded() {
        let mb = 1 << 20;
        for body in [
            ">".repeat(mb),
            "[".repeat(mb),
            "*a".repeat(mb / 2),
            "- ".repeat(mb / 2),
            "`".repeat(mb),
            "<".repeat(mb),
            "# h\n".repeat(mb / 4),
            "|".repeat(mb),
            "[a]: b\n".repeat(mb / 7),
            "![[a](b)](c)".repeat(mb / 12),
        ] {
            let result = to_json(body.as_bytes(), None);
            assert!(result.is_ok(), "{:?}", result.err());
        }
        // Many headers padded onto many short rows would write far more cells than the body has bytes.
        // (pulldown-cmark ends a table once it has padded 2^18 cells; twenty tables stay under that.)
        let wide = format!("{}|\n{}|\n{}\n", "| h ".repeat(2_000), "|---".repeat(2_000), "| x\n".repeat(130));
        assert_eq!(to_json(wide.repeat(20).as_bytes(), None), Err("the tables hold too many cells to convert".to_owned()));
    }

    #[test]
    fn java_whitespace_rules() {
        assert_eq!(java_trim("\u{1} a \u{A0}"), "a \u{A0}");
        assert!(is_java_blank(" \t\u{2003}"));
        assert!(!is_java_blank("\u{202F}"));
    }
}
