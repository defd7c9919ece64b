//! Delimited bodies (`outputRawFormat: csv`, `tsv`, `psv`) converted to the JSON the reference engine makes of
//! them with Jackson's CSV reader (jackson-dataformat-csv 2.20: `CsvSchema.emptySchema().withHeader()` with the
//! format's separator, every other setting at its default). The answer is an array of objects.
//!
//! - The first record is the header. Its fields, trimmed of leading and trailing characters up to U+0020, name
//!   the columns. An empty last name (a trailing separator) is dropped. A header that names no column (an
//!   empty body, a blank first line) is an error.
//! - Each later record is an object with the header's names as keys, in header order. Values are strings,
//!   exactly as written: no trimming, no type inference.
//! - A record shorter than the header has only its first keys (no `null`s are added).
//! - A record longer than the header is an error. The exception is one extra field that is empty or blank
//!   (a trailing separator).
//! - A blank line is a record with one empty field (`{"<first name>":""}`). A line end closing the body adds
//!   no record. A header-only body is `[]`.
//! - Quoting follows RFC 4180. A field that starts with `"` runs to the next `"` that is not doubled, and may
//!   hold separators and line ends, kept as written. A doubled `""` inside it stands for `"`.
//! - Spaces and tabs after a closing quote are skipped. Anything else there is an error, and so is a quote
//!   that is never closed. A `"` that does not start a field is an ordinary character.
//! - Backslash is not an escape character.
//! - Records end at `\n`, `\r\n` or `\r`.
//! - A name given twice in the header: the later column's value is kept, at the place of the first (engine
//!   behaviour inferred from Jackson's tree building).
//! - The body is read as UTF-8; bytes that are not UTF-8 become U+FFFD, as the engine's character reader makes
//!   them. A byte order mark is not skipped: it stays at the start of the first column's name, as it does
//!   when the engine reads through a `Reader` (inferred from Jackson CSV reading a `Reader` as is).
//! - At most 99,999 columns, as Jackson allows.
//!
//! The separator is any byte but `"`, `\r` and `\n`. A byte from 0x80 up is read as the Latin-1 character
//! with that code. An error says where (line and column) and why the body does not parse, never what it holds.

use serde_json::{Map, Value};

/// Jackson CSV's limit on the columns of a header.
const MAX_COLUMNS: usize = 99_999;

/// The body as the JSON the reference engine makes of it: an array of objects of strings (see the module
/// documentation). `separator` is `b','` for CSV, `b'\t'` for TSV, `b'|'` for PSV.
pub fn to_json(body: &[u8], separator: u8) -> Result<Value, String> {
    let separator = char::from(separator);
    if matches!(separator, '"' | '\r' | '\n') {
        return Err(format!("{separator:?} cannot separate fields"));
    }
    let text = String::from_utf8_lossy(body);
    let mut fields = Fields { text: &text, pos: 0, separator, record_ended: false };

    let mut names = Vec::new();
    while let Some(name) = fields.next_field()? {
        if names.len() == MAX_COLUMNS {
            return Err(fields.error(fields.pos, &format!("more than {MAX_COLUMNS} columns in the header")));
        }
        names.push(java_trim(&name).to_owned());
    }
    if names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    if names.first().is_none_or(String::is_empty) && names.len() < 2 {
        return Err(fields.error(0, "the header names no column"));
    }

    let mut rows = Vec::new();
    while fields.pos < text.len() {
        let mut row = Map::new();
        let mut index = 0;
        loop {
            let start = fields.pos;
            let Some(value) = fields.next_field()? else { break };
            if let Some(name) = names.get(index) {
                row.insert(name.clone(), Value::String(value));
                index += 1;
                continue;
            }
            // One blank field past the last column, ending the record, is a trailing separator.
            if index == names.len() && java_trim(&value).is_empty() && fields.next_field()?.is_none() {
                break;
            }
            return Err(fields.error(start, &format!("more fields than the header's {} columns", names.len())));
        }
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

/// The fields of the body, read one after the other as Jackson's CSV decoder reads them.
struct Fields<'t> {
    text: &'t str,
    /// Byte offset of the next character to read.
    pos: usize,
    separator: char,
    /// The last field ended its record (at a line end or the end of the body): the next call says so.
    record_ended: bool,
}

impl Fields<'_> {
    /// The next field of the current record, or `None` once the record has ended.
    fn next_field(&mut self) -> Result<Option<String>, String> {
        if self.record_ended {
            self.record_ended = false;
            return Ok(None);
        }
        let rest = &self.text[self.pos..];
        let Some(first) = rest.chars().next() else {
            // The end of the body where a field starts: an empty field, then the end of the record.
            self.record_ended = true;
            return Ok(Some(String::new()));
        };
        if first == '"' {
            return self.quoted().map(Some);
        }
        // An unquoted field runs to the separator, a line end or the end of the body.
        let length = rest.find([self.separator, '\r', '\n']).unwrap_or(rest.len());
        let value = rest[..length].to_owned();
        self.pos += length;
        match self.text[self.pos..].chars().next() {
            Some(c) if c == self.separator => self.pos += c.len_utf8(),
            Some(_) => self.end_line(),
            None => self.record_ended = true,
        }
        Ok(Some(value))
    }

    /// A quoted field, from its opening quote at `pos`.
    fn quoted(&mut self) -> Result<String, String> {
        let opening = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(quote) = rest.find('"') else {
                return Err(self.error(opening, "quoted field without its closing quote"));
            };
            value.push_str(&rest[..quote]);
            self.pos += quote + 1;
            if self.text[self.pos..].starts_with('"') {
                value.push('"');
                self.pos += 1;
            } else {
                break;
            }
        }
        // Past the closing quote: blanks, then the separator, a line end or the end of the body.
        loop {
            match self.text[self.pos..].chars().next() {
                None => {
                    self.record_ended = true;
                    return Ok(value);
                }
                Some(c) if c == self.separator => {
                    self.pos += c.len_utf8();
                    return Ok(value);
                }
                Some('\r' | '\n') => {
                    self.end_line();
                    return Ok(value);
                }
                Some(c) if c <= ' ' => self.pos += 1,
                Some(_) => return Err(self.error(self.pos, "a closing quote must be followed by the separator or a line end")),
            }
        }
    }

    /// Consumes the line end at `pos` (`\r\n` is one) and ends the record.
    fn end_line(&mut self) {
        if self.text[self.pos..].starts_with("\r\n") {
            self.pos += 2;
        } else {
            self.pos += 1;
        }
        self.record_ended = true;
    }

    /// `what`, prefixed with the line and column (1-based, in characters) of byte `at`.
    fn error(&self, at: usize, what: &str) -> String {
        let before = &self.text[..at.min(self.text.len())];
        let mut line = 1;
        let mut line_start = 0;
        let bytes = before.as_bytes();
        for (i, byte) in bytes.iter().enumerate() {
            // `\r\n` counts once, at its `\n`.
            if *byte == b'\n' || (*byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
                line_start = i + 1;
            }
        }
        let column = before[line_start..].chars().count() + 1;
        format!("line {line}, column {column}: {what}")
    }
}

/// Java's `String.trim`: strips characters up to U+0020 from both ends.
fn java_trim(text: &str) -> &str {
    text.trim_matches(|c| c <= ' ')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::test_support::{converted, refused};

    fn csv(text: &str) -> Value {
        converted(text, to_json(text.as_bytes(), b','))
    }

    fn error(text: &str) -> String {
        refused(text, to_json(text.as_bytes(), b','))
    }

    #[test]
    fn records_become_objects_of_strings_in_header_order() {
        let value = csv("id,name,age\n1,Alice,39\n2,Bob,true\n");
        assert_eq!(value, json!([{"id": "1", "name": "Alice", "age": "39"}, {"id": "2", "name": "Bob", "age": "true"}]));
        assert_eq!(csv("b,a\n1,2").to_string(), r#"[{"b":"1","a":"2"}]"#);
    }

    #[test]
    fn tsv_and_psv_use_their_separator() {
        let expected = json!([{"id": "1", "name": "Alice, Smith"}]);
        assert_eq!(to_json(b"id\tname\n1\tAlice, Smith\n", b'\t'), Ok(expected.clone()));
        assert_eq!(to_json(b"id|name\n1|Alice, Smith\n", b'|'), Ok(expected));
        // A comma is an ordinary character in TSV, a tab in CSV.
        assert_eq!(to_json(b"a,b\tc\n1,2\t3", b','), Ok(json!([{"a": "1", "b\tc": "2\t3"}])));
        // A separator from 0x80 up is its Latin-1 character.
        assert_eq!(to_json("a§b\n1§2".as_bytes(), 0xA7), Ok(json!([{"a": "1", "b": "2"}])));
        for bad in [b'"', b'\r', b'\n'] {
            assert!(to_json(b"a\n1", bad).is_err());
        }
    }

    #[test]
    fn values_are_not_trimmed_but_header_names_are() {
        assert_eq!(csv(" id , name \n 1 , Alice \n"), json!([{"id": " 1 ", "name": " Alice "}]));
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let value = csv("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"\",plain \"q\" text,\"\r\n\"\n");
        assert_eq!(value, json!([{"a": "x, y", "b": "say \"hi\"", "c": "two\nlines"}, {"a": "", "b": "plain \"q\" text", "c": "\r\n"}]));
        // Blanks after a closing quote are skipped; blanks before an opening quote are content.
        assert_eq!(csv("a,b\n\"x\"  ,\"y\" \t\n"), json!([{"a": "x", "b": "y"}]));
        assert_eq!(csv("a,b\n \"x\",y"), json!([{"a": " \"x\"", "b": "y"}]));
        // Backslash is an ordinary character.
        assert_eq!(csv("a\n\"c:\\\\dir\\\"\n"), json!([{"a": "c:\\\\dir\\"}]));
        // Quoted header names work too.
        assert_eq!(csv("\"a,b\",c\n1,2"), json!([{"a,b": "1", "c": "2"}]));
    }

    #[test]
    fn short_rows_omit_keys_and_long_rows_are_errors() {
        assert_eq!(csv("a,b,c\n1\n1,2\n"), json!([{"a": "1"}, {"a": "1", "b": "2"}]));
        let long = error("a,b\n1,2\n1,2,3\n");
        assert_eq!(long, "line 3, column 5: more fields than the header's 2 columns");
        // One trailing separator (an empty or blank extra field) is allowed; two are not.
        assert_eq!(csv("a,b\n1,2,\n3,4, \n"), json!([{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]));
        assert!(error("a,b\n1,2,,\n").contains("more fields"));
        assert!(error("a,b\n1,2, ,x\n").contains("more fields"));
        // A trailing separator on the header is dropped too.
        assert_eq!(csv("a,b,\n1,2,\n"), json!([{"a": "1", "b": "2"}]));
    }

    #[test]
    fn line_ends_and_blank_lines() {
        assert_eq!(csv("a,b\r\n1,2\r\n3,4"), json!([{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]));
        assert_eq!(csv("a,b\r1,2\r"), json!([{"a": "1", "b": "2"}]));
        // A blank line is a record of one empty field; a final line end adds nothing.
        assert_eq!(csv("a,b\n1,2\n\n3,4\n"), json!([{"a": "1", "b": "2"}, {"a": ""}, {"a": "3", "b": "4"}]));
        assert_eq!(csv("a,b\n1,2\n\n"), json!([{"a": "1", "b": "2"}, {"a": ""}]));
        assert_eq!(csv("a,b\n1,"), json!([{"a": "1", "b": ""}]));
    }

    #[test]
    fn header_only_is_empty_and_no_header_is_an_error() {
        assert_eq!(csv("id,name\n"), json!([]));
        assert_eq!(csv("id,name"), json!([]));
        assert_eq!(csv(",b\n1,2"), json!([{"": "1", "b": "2"}]));
        for empty in ["", "\n", "  ", ",", " ,\n1,2"] {
            assert_eq!(error(empty), "line 1, column 1: the header names no column", "{empty:?}");
        }
    }

    #[test]
    fn a_repeated_name_keeps_the_later_value_in_the_first_place() {
        assert_eq!(csv("a,b,a\n1,2,3\n").to_string(), r#"[{"a":"3","b":"2"}]"#);
    }

    #[test]
    fn bad_quoting_is_located_without_the_content() {
        let unclosed = error("a,b\n1,\"secret\nnever closed");
        assert_eq!(unclosed, "line 2, column 3: quoted field without its closing quote");
        let after_quote = error("a,b\n\"x\"secret,2\n");
        assert_eq!(after_quote, "line 2, column 4: a closing quote must be followed by the separator or a line end");
        assert!(!unclosed.contains("secret") && !after_quote.contains("secret"));
    }

    #[test]
    fn encoding_bom_and_hostile_bodies() {
        assert_eq!(to_json(b"a\n\xff\xfe\n", b','), Ok(json!([{"a": "\u{fffd}\u{fffd}"}])));
        // The engine's reader keeps a byte order mark: it is part of the first name.
        assert_eq!(to_json("\u{feff}id\n1".as_bytes(), b','), Ok(json!([{"\u{feff}id": "1"}])));
        // 1 MiB of separators in a header is refused at the column limit; in a row, at its first extra field.
        assert!(to_json(&vec![b','; 1 << 20], b',').is_err_and(|e| e.contains("more than 99999 columns")));
        let wide_row = format!("a\n1{}", ",".repeat(1 << 20));
        assert!(error(&wide_row).contains("more fields"));
        // 1 MiB of line ends: one record each, in linear time.
        let tall = format!("a\n{}", "\n".repeat(1 << 20));
        assert_eq!(csv(&tall).as_array().map(Vec::len), Some(1 << 20));
        let unclosed = format!("a\n\"{}", "x".repeat(1 << 20));
        assert!(error(&unclosed).contains("without its closing quote"));
        // Every truncation of a document answers without panicking.
        let document = "a,\"b\"\"c\"\r\n\"1\n2\",3,\n4";
        for end in 0..=document.len() {
            let _ = to_json(&document.as_bytes()[..end], b',');
        }
    }

    #[test]
    fn the_engine_samples_convert_as_its_tests_expect() {
        let expected = json!([
            {"id": "1", "name": "Alice Smith", "email": "alice@example.com"},
            {"id": "2", "name": "Bob Johnson", "email": "bob@example.com"},
            {"id": "3", "name": "Carol White", "email": "carol@example.com"}
        ]);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas");
        for (extension, separator) in [("csv", b','), ("tsv", b'\t'), ("psv", b'|')] {
            let path = format!("{dir}/sample-users.{extension}");
            let Ok(body) = std::fs::read(&path) else {
                eprintln!("skipped: {path} is not there");
                continue;
            };
            assert_eq!(to_json(&body, separator), Ok(expected.clone()), "{path}");
        }
    }
}
