//! XML bodies (`outputRawFormat: xml`) converted to the JSON the reference engine makes of them with
//! Jackson's `XmlMapper.readTree` (jackson-dataformat-xml 2.20 defaults, Woodstox underneath).
//!
//! - The root element's name is dropped: `<root><name>Alice</name></root>` is `{"name":"Alice"}`. The
//!   root is always an object (`<r/>` is `{}`), unless it is `xsi:nil` (then `null`).
//! - Every value is a string: `<n>42</n>` is `{"n":"42"}`; nothing is typed.
//! - An element with neither attributes nor child elements is a string: its text, untrimmed
//!   (`<g>  </g>` is `"  "`, `<e/>` and `<e></e>` are `""`). Any other element is an object.
//! - Attributes are plain fields (`<item id="7"/>` is `{"id":"7"}`), named by their local name.
//! - In an object, each run of text between tags that is not whitespace only becomes a field named
//!   `""`, untrimmed: `<item id="7">x</item>` is `{"id":"7","":"x"}`. Whitespace-only runs (indentation)
//!   are dropped.
//! - A name seen twice in one element makes an array of the values in document order, kept at the
//!   place of the first one, even when other names come between: `<r><a>1</a><b>2</b><a>3</a></r>` is
//!   `{"a":["1","3"],"b":"2"}`. This holds for attributes, child elements and text runs alike. One
//!   child stays an object or a string, never an array of one.
//! - `xsi:nil="true"` (XML Schema instance namespace) as an element's first attribute makes the
//!   element `null` and drops its attributes and content; that attribute is never a field itself.
//!   Jackson looks at the first attribute only, so `xsi:nil` in another position is an ordinary
//!   `nil` field.
//! - Namespaces: prefixes and `xmlns` declarations are dropped, local names kept. A prefix that is not
//!   declared is an error, as in a namespace-aware parser.
//! - CDATA sections are text; the five predefined entities and character references are decoded;
//!   comments and processing instructions are ignored; line ends are normalized to `\n`.
//! - A DOCTYPE is skipped without being read, so an entity it declares is undeclared: `&x;` is an
//!   error (XmlMapper turns DTD support off).
//! - Whatever follows the root element's end (a second root, garbage) is not read.
//! - The body is read as UTF-8 (a byte order mark is skipped); bytes that are not UTF-8 become
//!   U+FFFD, as the engine's character reader makes them. The XML declaration's `encoding` is not
//!   used (the engine decodes the body before its XML parser sees it).
//! - Elements nested deeper than 256 levels are an error (the engine has no such limit; it keeps the
//!   work and the JSON bounded).
//!
//! An error says where (line and column) and why the body is not well-formed XML, never what it holds.

use std::mem;

use quick_xml::XmlVersion;
use quick_xml::errors::{Error as XmlError, IllFormedError};
use quick_xml::escape::{EscapeError, resolve_xml_entity};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{NamespaceError, NamespaceResolver, ResolveResult};
use quick_xml::reader::NsReader;
use serde_json::map::Entry;
use serde_json::{Map, Value};

/// Elements nested deeper than this are refused.
const MAX_DEPTH: usize = 256;

/// The namespace of `xsi:nil`.
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The body as the JSON the reference engine makes of it (see the module documentation).
pub fn to_json(body: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    convert(text)
}

/// An element being read.
struct Element {
    /// Its local name: its key in the parent.
    name: String,
    /// Attributes, children and text runs read so far, in first-seen order.
    fields: Map<String, Value>,
    /// Whether it is an object: it has attributes or child elements (the root always is).
    object: bool,
    /// Text read since its start tag or its last child (one run; CDATA and references included).
    text: String,
    /// `xsi:nil="true"`: the element is `null`, its content is checked but dropped.
    nil: bool,
}

impl Element {
    /// Before a child element: the text run read so far is a `""` field if it is not whitespace only,
    /// and the element is an object from now on.
    fn start_child(&mut self) {
        let text = mem::take(&mut self.text);
        if !is_blank(&text) {
            insert(&mut self.fields, String::new(), Value::String(text));
        }
        self.object = true;
    }

    /// The element's JSON, at its end tag.
    fn finish(mut self) -> Value {
        if self.nil {
            Value::Null
        } else if self.object {
            self.start_child();
            Value::Object(self.fields)
        } else {
            Value::String(self.text)
        }
    }
}

fn convert(text: &str) -> Result<Value, String> {
    let mut reader = NsReader::from_str(text);
    // Woodstox checks that end tags match and that comments hold no `--`.
    reader.config_mut().enable_all_checks(true);
    let mut document = Document { version: XmlVersion::Implicit1_0, open: Vec::new(), skipped: 0 };
    let mut first_event = true;
    loop {
        let at = offset(reader.buffer_position());
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => return Err(located(text, offset(reader.error_position()), &describe(&error))),
        };
        let step = match event {
            Event::Decl(decl) if first_event => match decl.xml_version() {
                Ok(version) => {
                    document.version = version;
                    Ok(None)
                }
                Err(_) => Err("XML declaration with a missing or unknown version".to_owned()),
            },
            Event::Decl(_) => Err("XML declaration not at the start of the document".to_owned()),
            Event::Start(start) => document.start(&start, false, reader.resolver()),
            Event::Empty(start) => document.start(&start, true, reader.resolver()),
            Event::End(_) => Ok(document.end()),
            Event::Text(run) => {
                let run = run.xml_content(document.version);
                if run.contains("]]>") {
                    Err("`]]>` in text".to_owned())
                } else if document.open.is_empty() && is_blank(&run) {
                    // Whitespace around the root is fine; other text there is not.
                    Ok(None)
                } else {
                    document.append(&run, "text")
                }
            }
            Event::CData(cdata) => document.append(&cdata.xml_content(document.version), "CDATA"),
            Event::GeneralRef(reference) => match decode_reference(&reference) {
                Ok(decoded) => document.append(&decoded, "entity reference"),
                Err(what) => Err(what.to_owned()),
            },
            Event::DocType(_) if document.open.is_empty() => Ok(None),
            Event::DocType(_) => Err("DOCTYPE inside an element".to_owned()),
            Event::Comment(_) | Event::PI(_) => Ok(None),
            Event::Eof if document.open.is_empty() => Err("no root element".to_owned()),
            Event::Eof => Err(format!("end of input with {} element(s) not closed", document.open.len() + document.skipped)),
        };
        match step {
            Ok(Some(root)) => return Ok(root),
            Ok(None) => first_event = false,
            Err(what) => return Err(located(text, at, &what)),
        }
    }
}

/// The elements open at a point of the document.
struct Document {
    /// The declared XML version (it decides how line ends are normalized).
    version: XmlVersion,
    /// Open elements, the root first. A `nil` one stays on top while its content is skipped.
    open: Vec<Element>,
    /// Depth of the elements open inside the `nil` element on top of `open`.
    skipped: usize,
}

impl Document {
    /// Whether the content read now belongs to a `nil` element (and is dropped).
    fn skipping(&self) -> bool {
        self.open.last().is_some_and(|top| top.nil)
    }

    /// A start tag (`<a>`, or `<a/>` when `empty`). Answers the document's JSON when `<a/>` was the root.
    fn start(&mut self, start: &BytesStart, empty: bool, resolver: &NamespaceResolver) -> Result<Option<Value>, String> {
        if self.open.len() + self.skipped >= MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
        }
        // Content of a `nil` element is dropped, but only once checked.
        let attributes = read_attributes(start, resolver, self.version)?;
        if self.skipping() {
            if !empty {
                self.skipped += 1;
            }
            return Ok(None);
        }
        let mut element =
            Element { name: start.local_name().into_inner().to_owned(), fields: Map::new(), object: false, text: String::new(), nil: false };
        for (index, attribute) in attributes.into_iter().enumerate() {
            if index == 0 && attribute.xsi_nil {
                // Jackson looks at the first attribute only; it skips it whatever its value, and reads the
                // element as null for "true".
                element.nil = attribute.value == "true";
                continue;
            }
            element.object = true;
            insert(&mut element.fields, attribute.local.to_owned(), Value::String(attribute.value));
        }
        match self.open.last_mut() {
            Some(parent) => parent.start_child(),
            None => element.object = true,
        }
        if empty {
            return Ok(self.close(element));
        }
        self.open.push(element);
        Ok(None)
    }

    /// An end tag (quick-xml has checked that it closes the open element). Answers the document's JSON
    /// when it closed the root.
    fn end(&mut self) -> Option<Value> {
        if self.skipped > 0 {
            self.skipped -= 1;
            return None;
        }
        let element = self.open.pop()?;
        self.close(element)
    }

    /// Puts `element`, now complete, into its parent; answers its JSON when it is the root.
    fn close(&mut self, element: Element) -> Option<Value> {
        let name = element.name.clone();
        let value = element.finish();
        match self.open.last_mut() {
            Some(parent) => {
                insert(&mut parent.fields, name, value);
                None
            }
            None => Some(value),
        }
    }

    /// Text (a `kind` of it) read inside the open element.
    fn append(&mut self, run: &str, kind: &str) -> Result<Option<Value>, String> {
        check_chars(run)?;
        let skipping = self.skipping();
        match self.open.last_mut() {
            Some(element) if !skipping => element.text.push_str(run),
            Some(_) => {}
            None => return Err(format!("{kind} outside the root element")),
        }
        Ok(None)
    }
}

/// The text a reference (`&amp;`, `&#65;`) stands for. Only the five predefined entities exist: the
/// engine's parser reads no DTD.
fn decode_reference(reference: &BytesRef) -> Result<String, &'static str> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
            _ => Err("invalid character reference"),
        };
    }
    resolve_xml_entity(reference).map(str::to_owned).ok_or("undeclared entity (DTDs are not read)")
}

/// An attribute of a start tag.
struct Attribute<'t> {
    /// Its local name.
    local: &'t str,
    /// Its value, normalized (entities decoded, tabs and line ends made spaces).
    value: String,
    /// Whether it is `nil` in the XML Schema instance namespace.
    xsi_nil: bool,
}

/// The attributes of a start tag, `xmlns` declarations left out (they are not attributes to a
/// namespace-aware parser), once its names are checked: well-formed (`prefix:local` at most), their
/// prefixes declared.
fn read_attributes<'t>(start: &'t BytesStart, resolver: &NamespaceResolver, version: XmlVersion) -> Result<Vec<Attribute<'t>>, String> {
    if !is_qualified_name(start.name().into_inner()) {
        return Err("invalid element name".to_owned());
    }
    if let (ResolveResult::Unknown(_), _) = resolver.resolve_element(start.name()) {
        return Err("element name with an undeclared namespace prefix".to_owned());
    }
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| describe_attribute(&error))?;
        if !is_qualified_name(attribute.key.into_inner()) {
            return Err("invalid attribute name".to_owned());
        }
        if attribute.value.contains('<') {
            return Err("`<` inside an attribute value".to_owned());
        }
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (namespace, local) = resolver.resolve_attribute(attribute.key);
        let xsi_nil = match namespace {
            ResolveResult::Unknown(_) => return Err("attribute name with an undeclared namespace prefix".to_owned()),
            ResolveResult::Bound(namespace) => namespace.into_inner() == XSI_NAMESPACE && local.into_inner() == "nil",
            ResolveResult::Unbound => false,
        };
        let value = attribute.normalized_value_with(version, 1, resolve_xml_entity).map_err(|error| describe(&error))?;
        check_chars(&value)?;
        attributes.push(Attribute { local: local.into_inner(), value: value.into_owned(), xsi_nil });
    }
    Ok(attributes)
}

/// A name as namespaces allow it: `local` or `prefix:local`, each part an XML name without `:`.
fn is_qualified_name(name: &str) -> bool {
    let (prefix, local) = name.split_once(':').unwrap_or(("a", name));
    is_local_name(prefix) && is_local_name(local)
}

/// An XML 1.0 name without `:` (an NCName).
fn is_local_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(|c| is_name_start_char(c) || is_name_char(c))
}

fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Adds `key: value` to `fields`; a key already there collects its values into an array, in place.
fn insert(fields: &mut Map<String, Value>, key: String, value: Value) {
    match fields.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(value);
        }
        // A value is an array only when this function made it one: element values, attribute values
        // and text runs are strings, objects or null.
        Entry::Occupied(mut entry) => match entry.get_mut() {
            Value::Array(items) => items.push(value),
            first => {
                let first = first.take();
                entry.insert(Value::Array(vec![first, value]));
            }
        },
    }
}

/// Jackson's "all whitespace": every character at most U+0020 (the empty string too).
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c <= ' ')
}

/// A character XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text and attribute values may not hold control characters (Woodstox refuses them too).
fn check_chars(text: &str) -> Result<(), &'static str> {
    if text.chars().all(is_xml_char) { Ok(()) } else { Err("character not allowed in XML") }
}

/// A reader position as an index into the text.
fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// `what`, prefixed with the line and column (1-based, in characters) of byte `at` of `text`.
fn located(text: &str, at: usize, what: &str) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before, |newline| &before[newline + 1..]).chars().count() + 1;
    format!("line {line}, column {column}: {what}")
}

/// Why quick-xml refused the body, without quoting it (its messages may name tags).
fn describe(error: &XmlError) -> String {
    match error {
        XmlError::Syntax(syntax) => syntax.to_string(),
        XmlError::IllFormed(ill_formed) => match ill_formed {
            IllFormedError::MismatchedEndTag { .. } => "end tag does not match the open element".to_owned(),
            IllFormedError::UnmatchedEndTag(_) => "end tag without a start tag".to_owned(),
            IllFormedError::MissingEndTag(_) => "element not closed before the end of input".to_owned(),
            IllFormedError::MissingDeclVersion(_) => "XML declaration without a version".to_owned(),
            IllFormedError::UnknownVersion => "unknown XML version".to_owned(),
            IllFormedError::MissingDoctypeName => "DOCTYPE without a name".to_owned(),
            IllFormedError::DoubleHyphenInComment => "`--` inside a comment".to_owned(),
            IllFormedError::UnclosedReference => "`&` without a closing `;`".to_owned(),
        },
        XmlError::InvalidAttr(attribute) => describe_attribute(attribute),
        XmlError::Escape(escape) => match escape {
            EscapeError::UnrecognizedEntity(..) => "undeclared entity (DTDs are not read)".to_owned(),
            EscapeError::UnterminatedEntity(_) => "`&` without a closing `;`".to_owned(),
            EscapeError::InvalidCharRef(_) => "invalid character reference".to_owned(),
            EscapeError::TooManyNestedEntities => "entities nested too deeply".to_owned(),
        },
        XmlError::Namespace(namespace) => match namespace {
            NamespaceError::UnknownPrefix(_) => "undeclared namespace prefix".to_owned(),
            NamespaceError::TooManyBindings(limit) => format!("more than {limit} namespace declarations in scope"),
            NamespaceError::TooDeeplyNested(limit) => format!("elements nested deeper than {limit} levels"),
            _ => "invalid namespace declaration".to_owned(),
        },
        XmlError::Encoding(_) => "not valid UTF-8".to_owned(),
        XmlError::Io(_) => "the body could not be read".to_owned(),
    }
}

fn describe_attribute(error: &AttrError) -> String {
    match error {
        AttrError::ExpectedEq(_) => "attribute name not followed by `=`",
        AttrError::ExpectedValue(_) => "attribute without a value",
        AttrError::UnquotedValue(_) => "attribute value not in quotes",
        AttrError::ExpectedQuote(..) => "attribute value without its closing quote",
        AttrError::Duplicated(..) => "attribute given twice in one tag",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::test_support::{converted, refused};

    fn xml(text: &str) -> Value {
        converted(text, to_json(text.as_bytes()))
    }

    fn error(text: &str) -> String {
        refused(text, to_json(text.as_bytes()))
    }

    #[test]
    fn the_root_name_is_dropped_and_leaves_are_strings() {
        assert_eq!(xml("<root><name>Alice</name></root>"), json!({"name": "Alice"}));
        assert_eq!(xml("<r><n>42</n><b>true</b><f>1.5</f></r>"), json!({"n": "42", "b": "true", "f": "1.5"}));
    }

    #[test]
    fn repeated_names_make_arrays_in_the_place_of_the_first() {
        assert_eq!(xml("<root><user><id>1</id></user><user><id>2</id></user></root>"), json!({"user": [{"id": "1"}, {"id": "2"}]}));
        // serde_json compares objects without their order: compare the text to see it.
        assert_eq!(xml("<r><a>1</a><b>2</b><a>3</a></r>").to_string(), r#"{"a":["1","3"],"b":"2"}"#);
        assert_eq!(xml("<r><a>1</a><b>2</b><a>3</a><a>4</a></r>").to_string(), r#"{"a":["1","3","4"],"b":"2"}"#);
        assert_eq!(xml("<r><list><i>1</i><i>2</i></list><list><i>3</i></list></r>"), json!({"list": [{"i": ["1", "2"]}, {"i": "3"}]}));
    }

    #[test]
    fn a_single_child_stays_an_object_or_a_string() {
        assert_eq!(xml("<vessels><vessel><imo>1</imo></vessel></vessels>"), json!({"vessel": {"imo": "1"}}));
        assert_eq!(xml("<vessels><vessel>A</vessel></vessels>"), json!({"vessel": "A"}));
    }

    #[test]
    fn attributes_are_fields_and_text_beside_them_is_keyed_empty() {
        assert_eq!(xml(r#"<r><item id="7" type="x">text</item></r>"#).to_string(), r#"{"item":{"id":"7","type":"x","":"text"}}"#);
        assert_eq!(xml(r#"<r a="1"><a>2</a></r>"#), json!({"a": ["1", "2"]}));
        assert_eq!(xml(r#"<r id="1"/>"#), json!({"id": "1"}));
        assert_eq!(xml(r#"<r><item id="7"> </item></r>"#), json!({"item": {"id": "7"}}));
        // Attribute values are normalized: tabs and line ends become spaces; entities are decoded.
        assert_eq!(xml("<r><a v=\"a\tb\r\nc &amp; &#x41;\"/></r>"), json!({"a": {"v": "a b c & A"}}));
    }

    #[test]
    fn mixed_content_keeps_each_text_run_untrimmed() {
        assert_eq!(xml("<r>mixed <b>bold</b> tail</r>").to_string(), r#"{"":["mixed "," tail"],"b":"bold"}"#);
        // Text before the first child of an element makes it an object too.
        assert_eq!(xml("<r><c>lead <b>x</b></c></r>").to_string(), r#"{"c":{"":"lead ","b":"x"}}"#);
        // Comments do not split a run.
        assert_eq!(xml("<r><c>x<!-- no -->y<?pi z?></c></r>"), json!({"c": "xy"}));
    }

    #[test]
    fn empty_elements_are_empty_strings() {
        assert_eq!(xml(r#"<r><e/><f></f><item id="7"/><a><b/></a></r>"#), json!({"e": "", "f": "", "item": {"id": "7"}, "a": {"b": ""}}));
    }

    #[test]
    fn indentation_is_dropped_but_leaf_text_is_not_trimmed() {
        assert_eq!(xml("<r>\n  <g>  </g>\n  <h> padded </h>\n</r>"), json!({"g": "  ", "h": " padded "}));
        assert_eq!(xml("<r><a>x\r\ny\rz</a></r>"), json!({"a": "x\ny\nz"}));
    }

    #[test]
    fn the_root_is_always_an_object() {
        assert_eq!(xml("<r>just text</r>"), json!({"": "just text"}));
        for empty in ["<r/>", "<vessels></vessels>", "<vessels>\n</vessels>", "<r>  </r>"] {
            assert_eq!(xml(empty), json!({}), "{empty}");
        }
    }

    #[test]
    fn namespaces_keep_local_names() {
        assert_eq!(
            xml(r#"<r xmlns="urn:x" xmlns:p="urn:p"><p:a p:attr="1">v</p:a><b xml:lang="en"/></r>"#).to_string(),
            r#"{"a":{"attr":"1","":"v"},"b":{"lang":"en"}}"#
        );
        assert!(error("<r><p:a/></r>").contains("undeclared namespace prefix"));
        assert!(error(r#"<r><a p:x="1"/></r>"#).contains("undeclared namespace prefix"));
    }

    #[test]
    fn xsi_nil_as_first_attribute_is_null() {
        let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        let nil = r#"<a xsi:nil="true"/><b xsi:nil="true" id="1"><c>x</c><c>&amp;</c></b>"#;
        let not_nil = r#"<d xsi:nil="false" k="2">v</d><e id="2" xsi:nil="true"/><f xsi:nil="false"/>"#;
        let text = format!("<r {xsi}>{nil}{not_nil}</r>");
        assert_eq!(xml(&text), json!({"a": null, "b": null, "d": {"k": "2", "": "v"}, "e": {"id": "2", "nil": "true"}, "f": ""}));
        assert_eq!(xml(&format!(r#"<r {xsi} xsi:nil="true"><a/></r>"#)), Value::Null);
        // `nil` in another namespace is an ordinary attribute.
        assert_eq!(xml(r#"<r xmlns:x="urn:x"><a x:nil="true"/></r>"#), json!({"a": {"nil": "true"}}));
        // Skipped content is still checked.
        assert!(error(&format!(r#"<r {xsi}><a xsi:nil="true"><b>&bogus;</b></a></r>"#)).contains("undeclared entity"));
        assert!(error(&format!(r#"<r {xsi}><a xsi:nil="true"><b></c></a></r>"#)).contains("end tag"));
        assert!(error(&format!(r#"<r {xsi}><a xsi:nil="true"><b x="1" x="2"/></a></r>"#)).contains("attribute given twice"));
        assert!(error(&format!(r#"<r {xsi}><a xsi:nil="true"><p:b/></a></r>"#)).contains("undeclared namespace prefix"));
    }

    #[test]
    fn cdata_and_references_are_decoded() {
        assert_eq!(
            xml("<r><a><![CDATA[<x> & y]]></a><b>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;</b><c>1<![CDATA[2]]>3</c></r>"),
            json!({"a": "<x> & y", "b": "&<>\"'AB", "c": "123"})
        );
    }

    #[test]
    fn a_dtd_is_skipped_and_its_entities_are_undeclared() {
        assert_eq!(xml("<!DOCTYPE r><r>a</r>"), json!({"": "a"}));
        let message = error(r#"<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>"#);
        assert!(message.contains("undeclared entity"), "{message}");
        assert!(error("<r>&nbsp;</r>").contains("undeclared entity"));
        assert!(error("<r>&#0;</r>").contains("invalid character reference"));
        assert!(error("<r>&#1;</r>").contains("invalid character reference"));
    }

    #[test]
    fn content_after_the_root_is_not_read() {
        assert_eq!(xml("<a>1</a><b>2</b>"), json!({"": "1"}));
        assert_eq!(xml("<r/>garbage <<< &nope;"), json!({}));
    }

    #[test]
    fn prolog_bom_and_declaration_are_accepted() {
        let text = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><?pi x?>\n<r><a>1</a></r>\n";
        assert_eq!(xml(text), json!({"a": "1"}));
        assert!(error(" <?xml version=\"1.0\"?><r/>").contains("XML declaration not at the start"));
        assert!(error("<?xml version=\"2.0\"?><r/>").contains("version"));
    }

    #[test]
    fn malformed_bodies_are_errors_located_without_their_content() {
        assert_eq!(error(""), "line 1, column 1: no root element");
        assert_eq!(error("  \n "), "line 2, column 2: no root element");
        assert_eq!(error("not xml"), "line 1, column 1: text outside the root element");
        let mismatched = error("<r>\n  <secret42>\n</other99></r>");
        assert!(mismatched.starts_with("line 3, column 1: "), "{mismatched}");
        assert!(!mismatched.contains("secret42") && !mismatched.contains("other99"), "{mismatched}");
        assert!(error("<r><a>").contains("2 element(s) not closed"));
        assert!(error("<r>a & b</r>").starts_with("line 1, "));
        assert!(error("<r><a x=1/></r>").contains("attribute value not in quotes"));
        assert!(error(r#"<r><a x="1" x="2"/></r>"#).contains("attribute given twice"));
        assert!(error("<r><!-- a -- b --></r>").contains("`--`"));
        assert!(error("<r>\u{1}</r>").contains("character not allowed"));
        assert!(error("<r><a").contains("not closed"));
        assert!(error("<r></r").starts_with("line 1, "));
        assert!(error("<r><![CDATA[x</r>").contains("CDATA"));
        assert!(error("</r>").contains("end tag without a start tag"));
        assert!(error("<r><!DOCTYPE x></r>").contains("DOCTYPE inside an element"));
        for bad_name in ["<r><1a/></r>", "<r><a\u{0}/></r>", "<r xmlns:a='u'><a:/></r>", "<r><a:b:c/></r>", "<r><a -x='1'/></r>"] {
            assert!(error(bad_name).contains("invalid"), "{bad_name}");
        }
        assert!(to_json("<r><é.x-1 _a='1' b·c='2'/></r>".as_bytes()).is_ok());
        assert!(error("<r><a b='<'/></r>").contains("`<` inside an attribute value"));
        assert!(error("<r>]]></r>").contains("`]]>` in text"));
    }

    #[test]
    fn hostile_bodies_are_bounded() {
        // 1 MiB of `<a>`: refused at the depth limit, long before the end.
        let deep = "<a>".repeat(1 << 18);
        assert!(error(&deep).contains("deeper than 256 levels"));
        // The limit counts levels: 256 are fine.
        let at_limit = format!("{}x{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(to_json(at_limit.as_bytes()).is_ok());
        let over = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(error(&over).contains("deeper than 256 levels"));
        // Inside a nil element too.
        let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        assert!(error(&format!(r#"<r {xsi}><n xsi:nil="true">{}"#, "<a>".repeat(1000))).contains("deeper than 256 levels"));
        // A quarter of a million siblings: one array, built in linear time.
        let wide = format!("<r>{}</r>", "<a/>".repeat(1 << 18));
        let value = xml(&wide);
        assert_eq!(value["a"].as_array().map(Vec::len), Some(1 << 18));
        let many_names: String = (0..50_000).map(|i| format!("<k{i}>{i}</k{i}>")).collect();
        assert_eq!(xml(&format!("<r>{many_names}</r>")).as_object().map(Map::len), Some(50_000));
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_fail() {
        assert_eq!(to_json(b"<r><a>\xff\xfe</a></r>"), Ok(json!({"a": "\u{fffd}\u{fffd}"})));
        // Every truncation of a document, and some noise, answers without panicking.
        let document = r#"<?xml version="1.0"?><r xmlns:p="urn:p" a="1"><p:b>x &amp; y</p:b><![CDATA[z]]><!-- c --></r>"#;
        for end in 0..=document.len() {
            let _ = to_json(&document.as_bytes()[..end]);
        }
        for noise in [&b"\x00\x01<\xff>"[..], b"<<<>>>", b"<r a='", b"<r>&#xFFFFFFFF;</r>", b"<r>&#x;</r>", b"<?xml?>"] {
            let _ = to_json(noise);
        }
    }

    #[test]
    fn the_engine_sample_converts_as_its_tests_expect() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas/sample-users.xml");
        let Ok(body) = std::fs::read(path) else {
            eprintln!("skipped: {path} is not there");
            return;
        };
        assert_eq!(
            to_json(&body),
            Ok(json!({"user": [
                {"id": "1", "name": "Alice Smith", "email": "alice@example.com"},
                {"id": "2", "name": "Bob Johnson", "email": "bob@example.com"},
                {"id": "3", "name": "Carol White", "email": "carol@example.com"}
            ]}))
        );
    }
}
