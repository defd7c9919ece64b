//! YAML bodies (`outputRawFormat: yaml`) converted to the JSON the reference engine makes of them with
//! Jackson's YAML `ObjectMapper.readTree` (jackson-dataformat-yaml 2.20, SnakeYAML's YAML 1.1 scalar rules).
//!
//! - Only the first document is read. Later ones are not looked at, even when they are malformed.
//! - A body with no document at all (empty, or only comments) is `null`; the engine has a "missing" node
//!   there, which its mappings read as null.
//! - Mappings are objects, sequences are arrays. A key is the key's text as written (`yes: 1` is
//!   `{"yes":1}`). A key that is not a scalar (a sequence, a mapping, an alias) is an error. A key given
//!   twice keeps the later value, at the place of the first.
//! - Aliases are not resolved: `*x` is the string `"x"`, the anchor's name, as Jackson reports it.
//!   Anchors, and tags on sequences and mappings, are ignored. A merge key `<<` is an ordinary key.
//! - Quoted and block scalars are strings. Plain scalars are typed as YAML 1.1 does:
//!   - `true`/`false`, `yes`/`no` and `on`/`off`, each in lower case, capitalized or upper case, are booleans;
//!     `y` and `n` stay strings.
//!   - `~`, `null` (also `Null`, `NULL`) and the empty scalar are `null`.
//!   - Integers may have a sign and `_` separators. `0b…` is binary, `0x…` hexadecimal, and a leading `0`
//!     means octal: `012` is `10`. A sexagesimal `1:30` stays a string.
//!   - Floats: `1.5`, `1.`, `.5`, `1e3`, with `_` separators.
//!   - Anything else is a string, dates (`2026-04-10`) included.
//! - Explicit tags: `!!str` makes a string, and `!!int`, `!!float`, `!!bool` and `!!null` convert the
//!   scalar's text as Jackson does. `!!binary` is its base64 text with the line breaks removed (Jackson
//!   decodes it, and re-encodes it when the tree is written). A lone `!` types the scalar as if it were
//!   plain. Other tags leave a string.
//! - Numbers: integers that fit 64 bits stay exact. Larger ones become the nearest double, or the digits
//!   as a string when no double holds them; Jackson keeps them exact, which JSON numbers of 64 bits
//!   cannot.
//! - `.inf`, `.nan` and sexagesimal floats (`1:30.5`) are errors, as in the engine: Jackson tags them as
//!   floats and then fails to read them as Java doubles (inferred from its source). A double too large
//!   for its type (`1e999`) is the string `"Infinity"`, as Jackson writes it.
//! - The body is read as UTF-8; a byte order mark is skipped. Bytes that are not UTF-8 become U+FFFD, as
//!   the engine's character reader makes them.
//! - Sequences and mappings nested deeper than 256 levels are an error (the engine has no such limit;
//!   it keeps the work and the JSON bounded).
//!
//! One difference remains: an alias to an anchor not defined before it is an error here (the YAML
//! parser refuses it). Jackson answers the alias's name.
//!
//! An error says where (line and column) and why the body is not valid YAML, never what it holds.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::{Map, Number, Value};

/// Sequences and mappings nested deeper than this are refused.
const MAX_DEPTH: usize = 256;

/// The body as the JSON the reference engine makes of it (see the module documentation).
pub fn to_json(body: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    convert(text)
}

/// A sequence or mapping being read.
enum Open {
    Sequence(Vec<Value>),
    /// The members read so far, and the key whose value comes next (`None`: a key comes next).
    Mapping(Map<String, Value>, Option<String>),
}

fn convert(text: &str) -> Result<Value, String> {
    let mut open: Vec<Open> = Vec::new();
    let mut chars = CharIndex { text, chars: 0, bytes: 0 };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| scan_error(&error))?;
        let fail = |what: &str| Err(located(&span, what));
        let expects_key = matches!(open.last(), Some(Open::Mapping(_, None)));
        let value = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => continue,
            // The stream ended before any node: there was no document.
            Event::StreamEnd => return Ok(Value::Null),
            // A key is its text as written, whatever its style or tag.
            Event::Scalar(content, _, _, _) if expects_key => {
                if let Some(Open::Mapping(_, key)) = open.last_mut() {
                    *key = Some(content.into_owned());
                }
                continue;
            }
            Event::Scalar(content, style, _, tag) => scalar(content, style, tag.as_deref()).or_else(|what| fail(&what))?,
            Event::Alias(_) if expects_key => return fail("an alias cannot be a mapping key"),
            // Jackson reports an alias as the name of its anchor; the event has only a number for it.
            Event::Alias(_) => {
                let alias = &text[chars.byte(span.start.index())..chars.byte(span.end.index())];
                Value::String(alias.strip_prefix('*').unwrap_or(alias).to_owned())
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if expects_key => return fail("a mapping key must be a scalar"),
            Event::SequenceStart(..) | Event::MappingStart(..) if open.len() >= MAX_DEPTH => {
                return fail(&format!("sequences and mappings nested deeper than {MAX_DEPTH} levels"));
            }
            Event::SequenceStart(..) => {
                open.push(Open::Sequence(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                open.push(Open::Mapping(Map::new(), None));
                continue;
            }
            // The parser pairs ends with starts, so the end closes the collection on top.
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(Open::Sequence(items)) => Value::Array(items),
                Some(Open::Mapping(members, _)) => Value::Object(members),
                None => continue,
            },
        };
        match open.last_mut() {
            Some(Open::Sequence(items)) => items.push(value),
            Some(Open::Mapping(members, key)) => {
                if let Some(key) = key.take() {
                    members.insert(key, value);
                }
            }
            // The first document's root is complete: nothing after it is read.
            None => return Ok(value),
        }
    }
    Ok(Value::Null)
}

/// A scalar's JSON: typed as Jackson types it (`_decodeScalar`), from its style and tag.
fn scalar(text: Cow<str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let tag = tag.map(|tag| format!("{}{}", tag.handle, tag.suffix));
    let tag = match tag.as_deref() {
        // A lone `!` asks for the plain-scalar rules, whatever the style.
        Some("!") => return plain(text),
        None if style == ScalarStyle::Plain => return plain(text),
        None => return Ok(Value::String(text.into_owned())),
        Some(tag) => tag,
    };
    let tag = match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(core) => core.split(',').next().unwrap_or_default(),
        None => tag,
    };
    Ok(match tag {
        "binary" => Value::String(text.chars().filter(|c| !c.is_whitespace()).collect()),
        "bool" => match boolean(&text) {
            Some(value) => Value::Bool(value),
            None => Value::String(text.into_owned()),
        },
        _ if text.is_empty() => Value::String(String::new()),
        "int" => integer(&text)?.unwrap_or_else(|| Value::String(text.into_owned())),
        "float" => float(&text)?,
        "null" => Value::Null,
        _ => Value::String(text.into_owned()),
    })
}

/// A plain scalar, typed by SnakeYAML's YAML 1.1 resolver (booleans, integers, floats, null); any other
/// text, dates included, is a string.
fn plain(text: Cow<str>) -> Result<Value, String> {
    if is_null(&text) {
        return Ok(Value::Null);
    }
    if is_bool(&text) {
        return Ok(Value::Bool(boolean(&text).unwrap_or_default()));
    }
    if is_int(&text) {
        return Ok(integer(&text)?.unwrap_or_else(|| Value::String(text.into_owned())));
    }
    if is_float(&text) {
        return float(&text);
    }
    Ok(Value::String(text.into_owned()))
}

/// SnakeYAML's `NULL` and `EMPTY` patterns.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL" | " ")
}

/// SnakeYAML's `BOOL` pattern.
fn is_bool(text: &str) -> bool {
    const WORDS: [&str; 18] =
        ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"];
    WORDS.contains(&text)
}

/// Jackson's `_matchYAMLBoolean`: also `y`/`n`, in any case (reached through a `!!bool` tag).
fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "on" | "true" => Some(true),
        "n" | "no" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// SnakeYAML's `INT` pattern: `[-+]?` then binary `0b_*[01][01_]*`, octal `0_*[0-7][0-7_]*`, decimal
/// `0|[1-9][0-9_]*`, hexadecimal `0x_*[0-9a-fA-F][0-9a-fA-F_]*` or sexagesimal `[1-9][0-9_]*(:[0-5]?[0-9])+`.
fn is_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let radix_digits = |rest: &str, is_digit: fn(&char) -> bool| {
        let rest = rest.trim_start_matches('_');
        rest.chars().next().is_some_and(|c| is_digit(&c)) && rest.chars().all(|c| c == '_' || is_digit(&c))
    };
    if let Some(rest) = digits.strip_prefix("0b") {
        return radix_digits(rest, |c| matches!(c, '0' | '1'));
    }
    if let Some(rest) = digits.strip_prefix("0x") {
        return radix_digits(rest, char::is_ascii_hexdigit);
    }
    if digits == "0" {
        return true;
    }
    if let Some(rest) = digits.strip_prefix('0') {
        return radix_digits(rest, |c| matches!(c, '0'..='7'));
    }
    let (head, sexagesimal) = match digits.split_once(':') {
        Some((head, tail)) => (head, Some(tail)),
        None => (digits, None),
    };
    let decimal = head.starts_with(|c: char| matches!(c, '1'..='9')) && head.chars().all(|c| c == '_' || c.is_ascii_digit());
    decimal && sexagesimal.is_none_or(|tail| tail.split(':').all(|part| matches!(part.as_bytes(), [b'0'..=b'9'] | [b'0'..=b'5', b'0'..=b'9'])))
}

/// SnakeYAML's `FLOAT` pattern: `[-+]?` then `[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?`,
/// `[0-9][0-9_]*[eE][-+]?[0-9]+`, `\.[0-9_]+([eE][-+]?[0-9]+)?`, sexagesimal
/// `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*` or `\.inf`; or `\.nan` without a sign.
fn is_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let is_digits = |part: &str, allow_empty: bool| (allow_empty || !part.is_empty()) && part.chars().all(|c| c == '_' || c.is_ascii_digit());
    let starts_with_digit = unsigned.starts_with(|c: char| c.is_ascii_digit());
    // Sexagesimal: `1:30.5`.
    if let Some((head, tail)) = unsigned.split_once(':') {
        let Some((parts, fraction)) = tail.rsplit_once('.') else { return false };
        return starts_with_digit
            && is_digits(head, false)
            && parts.split(':').all(|part| matches!(part.as_bytes(), [b'0'..=b'9'] | [b'0'..=b'5', b'0'..=b'9']))
            && is_digits(fraction, true);
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    let mantissa_ok = match mantissa.split_once('.') {
        // `1.5`, `1.`: a digit first.
        Some((whole, fraction)) if !whole.is_empty() => starts_with_digit && is_digits(whole, false) && is_digits(fraction, true),
        // `.5`: one digit or `_` at least after the point.
        Some((_, fraction)) => is_digits(fraction, false),
        // `1e3`: an exponent is then required.
        None => starts_with_digit && is_digits(mantissa, false) && exponent.is_some(),
    };
    mantissa_ok && exponent_ok
}

/// Jackson's `_decodeNumberScalar`: the integer `text` stands for; `None` when Jackson reads it as a
/// string (a sexagesimal number, a `!!int` that is not a number).
fn integer(text: &str) -> Result<Option<Value>, String> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = digits.strip_prefix('0') {
        return match rest.as_bytes().first() {
            None => Ok(Some(Value::from(0))),
            Some(b'b' | b'B') => radix(&rest[1..], 2, negative).map(Some),
            Some(b'x' | b'X') => radix(&rest[1..], 16, negative).map(Some),
            Some(b'0'..=b'9' | b'_') => radix(rest, 8, negative).map(Some),
            Some(_) => Ok(None),
        };
    }
    if !digits.chars().all(|c| c == '_' || c.is_ascii_digit()) {
        return Ok(None);
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() {
        return Err("invalid number".to_owned());
    }
    radix(&cleaned, 10, negative).map(Some)
}

/// An integer written in `radix` (with `_` separators), negated when `negative`. Integers that do not
/// fit 64 bits become the nearest double, or the digits as a string beyond any double.
fn radix(digits: &str, radix: u32, negative: bool) -> Result<Value, String> {
    let invalid = || format!("invalid base-{radix} number");
    let mut exact: Option<u128> = Some(0);
    let mut approximate = 0f64;
    let mut any = false;
    for c in digits.chars().filter(|c| *c != '_') {
        let digit = c.to_digit(radix).ok_or_else(invalid)?;
        any = true;
        exact = exact.and_then(|n| n.checked_mul(u128::from(radix))).and_then(|n| n.checked_add(u128::from(digit)));
        approximate = approximate * f64::from(radix) + f64::from(digit);
    }
    if !any {
        return Err(invalid());
    }
    let value = match exact {
        Some(n) if negative => match i64::try_from(n) {
            Ok(n) => Some(Value::from(-n)),
            Err(_) if n == 1 << 63 => Some(Value::from(i64::MIN)),
            Err(_) => None,
        },
        Some(n) => u64::try_from(n).ok().map(Value::from),
        None => None,
    };
    if let Some(value) = value {
        return Ok(value);
    }
    // The nearest double: `as` rounds correctly from u128, `parse` from decimal text of any length; the
    // running product (last resort, for other radixes beyond 128 bits) may be off in the last digit.
    let approximate = match exact {
        Some(n) => n as f64,
        None if radix == 10 => digits.parse().unwrap_or(approximate),
        None => approximate,
    };
    let approximate = if negative { -approximate } else { approximate };
    Ok(Number::from_f64(approximate).map_or_else(|| Value::String(format!("{}{digits}", if negative { "-" } else { "" })), Value::Number))
}

/// Jackson's float: `_` removed, then read as a Java double (`Double.parseDouble`), which refuses
/// `.inf`, `.nan` and sexagesimal floats.
fn float(text: &str) -> Result<Value, String> {
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    let Some(value) = java_double(&cleaned) else {
        return Err("float that Java cannot read as a double".to_owned());
    };
    Ok(match Number::from_f64(value) {
        Some(number) => Value::Number(number),
        // Jackson writes non-finite doubles as strings.
        None if value.is_nan() => Value::String("NaN".to_owned()),
        None if value > 0.0 => Value::String("Infinity".to_owned()),
        None => Value::String("-Infinity".to_owned()),
    })
}

/// `Double.parseDouble` for decimal text: surrounding blanks, a sign, `NaN`, `Infinity`, digits with an
/// optional point and exponent, an optional `f`/`d` suffix. (Hexadecimal doubles are not read.)
fn java_double(text: &str) -> Option<f64> {
    let text = text.trim_matches(|c| c <= ' ');
    let (sign, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    match unsigned {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let number = unsigned.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(unsigned);
    let (mantissa, exponent) = match number.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (number, None),
    };
    let mantissa_ok = mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa.chars().filter(|c| *c == '.').count() <= 1
        && mantissa.chars().all(|c| c == '.' || c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    number.parse::<f64>().ok().map(|value| sign * value)
}

/// Byte offsets of the parser's character indexes, found by walking the text forward from the last
/// one asked for (aliases come in document order, so the walk is linear overall).
struct CharIndex<'t> {
    text: &'t str,
    chars: usize,
    bytes: usize,
}

impl CharIndex<'_> {
    fn byte(&mut self, index: usize) -> usize {
        if index < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars == index {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }
}

/// `what`, prefixed with where `span` starts.
fn located(span: &Span, what: &str) -> String {
    format!("line {}, column {}: {what}", span.start.line(), span.start.col() + 1)
}

/// The parser's error, located, without the one character some of its messages quote.
fn scan_error(error: &ScanError) -> String {
    let info = error.info();
    let info = info.split('`').next().unwrap_or(info).trim_end_matches([' ', ':']);
    format!("line {}, column {}: {info}", error.marker().line(), error.marker().col() + 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::test_support::{converted, refused};

    fn yaml(text: &str) -> Value {
        converted(text, to_json(text.as_bytes()))
    }

    fn error(text: &str) -> String {
        refused(text, to_json(text.as_bytes()))
    }

    /// The JSON of `value:` followed by `scalar`.
    fn typed(scalar: &str) -> Value {
        yaml(&format!("value: {scalar}\n"))["value"].clone()
    }

    #[test]
    fn mappings_and_sequences() {
        assert_eq!(yaml("name: Alice\nage: 42"), json!({"name": "Alice", "age": 42}));
        assert_eq!(yaml("b: 1\na: [x, {c: d}]\n").to_string(), r#"{"b":1,"a":["x",{"c":"d"}]}"#);
        assert_eq!(yaml("- 1\n- two\n-\n  - 3\n"), json!([1, "two", [3]]));
        assert_eq!(yaml("hello"), json!("hello"));
        assert_eq!(yaml("{}"), json!({}));
    }

    #[test]
    fn booleans_follow_yaml_1_1() {
        for truthy in ["yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"] {
            assert_eq!(typed(truthy), json!(true), "{truthy}");
        }
        for falsy in ["no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"] {
            assert_eq!(typed(falsy), json!(false), "{falsy}");
        }
        for text in ["y", "n", "Y", "yEs", "tRUE"] {
            assert_eq!(typed(text), json!(text), "{text}");
        }
    }

    #[test]
    fn integers_floats_and_nulls() {
        let cases = [
            ("42", json!(42)),
            ("-17", json!(-17)),
            ("+5", json!(5)),
            ("1_000", json!(1000)),
            ("0", json!(0)),
            ("-0", json!(0)),
            ("012", json!(10)),
            ("0_17", json!(15)),
            ("0x1F", json!(31)),
            ("-0x10", json!(-16)),
            ("0b101", json!(5)),
            ("9223372036854775807", json!(i64::MAX)),
            ("-9223372036854775808", json!(i64::MIN)),
            ("12345678901234567890", json!(12_345_678_901_234_567_890_u64)),
            ("123456789012345678901234567890", json!(1.2345678901234568e29)),
            ("0xFFFFFFFFFFFFFFFFFF", json!(4.722366482869645e21)),
            ("1.5", json!(1.5)),
            ("-1.5e3", json!(-1500.0)),
            ("1.", json!(1.0)),
            (".5", json!(0.5)),
            ("+.5", json!(0.5)),
            ("1e3", json!(1000.0)),
            ("1_000.5", json!(1000.5)),
            ("-0.0", json!(-0.0)),
            ("1e999", json!("Infinity")),
            ("~", Value::Null),
            ("null", Value::Null),
            ("Null", Value::Null),
            ("NULL", Value::Null),
            ("", Value::Null),
        ];
        for (text, expected) in cases {
            assert_eq!(typed(text), expected, "{text:?}");
        }
        // A number too long for any double keeps its digits.
        let huge = "9".repeat(400);
        assert_eq!(typed(&huge), json!(huge));
    }

    #[test]
    fn other_plain_scalars_are_strings() {
        for text in ["2.1.0", "2026-04-10", "2001-12-14t21:59:43.10-05:00", "1:30", "08", "0x", "0b2", "1e", "e5", "nULL", "<<", "12abc", "a b"] {
            assert_eq!(typed(text), json!(text), "{text:?}");
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        assert_eq!(
            yaml("a: \"1\"\nb: 'true'\nc: ''\nd: \"~\"\ne: |\n  12\nf: >\n  x\n  y\n"),
            json!({"a": "1", "b": "true", "c": "", "d": "~", "e": "12\n", "f": "x y\n"})
        );
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(typed("!!str 123"), json!("123"));
        assert_eq!(typed("!!str"), json!(""));
        assert_eq!(typed("!!int \"12\""), json!(12));
        assert_eq!(typed("!!int 0X1f"), json!(31));
        assert_eq!(typed("!!int abc"), json!("abc"));
        assert_eq!(typed("!!float \"2\""), json!(2.0));
        assert_eq!(typed("!!float Infinity"), json!("Infinity"));
        assert_eq!(typed("!!bool \"Y\""), json!(true));
        assert_eq!(typed("!!bool maybe"), json!("maybe"));
        assert_eq!(typed("!!null \"x\""), Value::Null);
        assert_eq!(typed("!!null ''"), json!(""));
        assert_eq!(typed("!!binary |\n  aGVs\n  bG8=\n"), json!("aGVsbG8="));
        assert_eq!(typed("!custom 12"), json!("12"));
        assert_eq!(typed("! 12"), json!(12));
        assert_eq!(typed("! '12'"), json!(12));
        assert_eq!(yaml("!!set {a, b}"), json!({"a": null, "b": null}));
        assert!(error("value: !!int 09").contains("invalid base-8 number"));
        assert!(error("value: !!float abc").contains("float"));
    }

    #[test]
    fn infinities_and_nans_fail_as_in_the_engine() {
        for text in [".inf", "-.inf", "+.INF", ".nan", ".NaN", "1:30.5"] {
            let message = error(&format!("value: {text}"));
            assert_eq!(message, "line 1, column 8: float that Java cannot read as a double", "{text}");
        }
    }

    #[test]
    fn keys_are_their_text_and_repeats_keep_the_last_value_first() {
        assert_eq!(yaml("yes: 1\n1: 2\n~: 3\n'q': 4\n"), json!({"yes": 1, "1": 2, "~": 3, "q": 4}));
        assert_eq!(yaml("a: 1\nb: 2\na: 3\n").to_string(), r#"{"a":3,"b":2}"#);
        assert!(error("? [a, b]\n: 1\n").contains("a mapping key must be a scalar"));
        assert!(error("a: &x 1\n*x : 2\n").contains("an alias cannot be a mapping key"));
    }

    #[test]
    fn aliases_are_their_anchor_names() {
        assert_eq!(yaml("a: &x {k: 1}\nb: *x\n"), json!({"a": {"k": 1}, "b": "x"}));
        assert_eq!(yaml("base: &base {k: 1}\nd:\n  <<: *base\n  z: 2\n"), json!({"base": {"k": 1}, "d": {"<<": "base", "z": 2}}));
        assert_eq!(yaml("- &é1 a\n- *é1\n- *é1\n"), json!(["a", "é1", "é1"]));
        // An alias to an anchor defined nowhere before it: the parser refuses it (Jackson answers its name).
        assert!(error("a: *nope").contains("unknown anchor"));
    }

    #[test]
    fn only_the_first_document_is_read() {
        assert_eq!(yaml("---\na: 1\n---\nb: 2\n"), json!({"a": 1}));
        assert_eq!(yaml("a: 1\n---\n[bad: {"), json!({"a": 1}));
        assert_eq!(yaml("# only a comment\n---\nb: 2\n"), json!({"b": 2}));
        assert_eq!(yaml("--- 7\n--- 8\n"), json!(7));
    }

    #[test]
    fn no_document_is_null() {
        for empty in ["", "   \n", "# nothing\n", "---\n", "---\n...\n"] {
            assert_eq!(to_json(empty.as_bytes()), Ok(Value::Null), "{empty:?}");
        }
    }

    #[test]
    fn syntax_errors_are_located_without_the_content() {
        let message = error("a: 1\nsecret: [unclosed\n");
        assert!(message.starts_with("line "), "{message}");
        assert!(!message.contains("secret") && !message.contains("unclosed"), "{message}");
        let indentation = error("a:\n  b: 1\n c: 2\n");
        assert!(indentation.starts_with("line 3, "), "{indentation}");
        assert!(error("a: \"open").starts_with("line 1, "));
        let character = error("a: 1\n@secret\n");
        assert!(character.starts_with("line 2, column 1: ") && !character.contains('@'), "{character}");
    }

    #[test]
    fn encoding_and_hostile_bodies() {
        assert_eq!(to_json(b"\xef\xbb\xbfa: 1"), Ok(json!({"a": 1})));
        assert_eq!(to_json(b"a: \xff\xfe"), Ok(json!({"a": "\u{fffd}\u{fffd}"})));
        // 1 MiB of `[`: the parser itself stops at 255 open flow collections.
        assert_eq!(error(&"[".repeat(1 << 20)), "line 1, column 256: recursion limit exceeded");
        // Block collections are counted here: 256 levels are fine, one more is not.
        let nested = |levels: usize| -> String { (0..levels).map(|depth| format!("{}-\n", " ".repeat(depth))).collect() };
        assert!(to_json(nested(MAX_DEPTH).as_bytes()).is_ok());
        let message = error(&nested(MAX_DEPTH + 1));
        assert!(message.contains("deeper than 256 levels"), "{message}");
        // An alias bomb stays small: aliases are names, never copies.
        let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c]\n";
        assert_eq!(yaml(bomb)["d"], json!(["c", "c", "c"]));
        // Many aliases with multi-byte text before them: the name lookup stays linear.
        let many: String = std::iter::once("- &é ü\n".to_owned()).chain((0..100_000).map(|_| "- *é\n".to_owned())).collect();
        assert_eq!(yaml(&many).as_array().map(Vec::len), Some(100_001));
        // Every truncation of a document answers without panicking.
        let document = "a: &x [1, 'two', {b: *x}]\nc: |\n  text\nd: !!int 0x1F\n";
        for end in 0..=document.len() {
            let _ = to_json(&document.as_bytes()[..end]);
        }
        for noise in [&b"\x00"[..], b"\t", b"{", b"]", b": :", b"? ? ?", b"*", b"&", b"!", b"%YAML 9.9\n---\n", b"a: !<tag:yaml.org,2002:int> 5"] {
            let _ = to_json(noise);
        }
    }

    #[test]
    fn the_engine_sample_converts_as_its_tests_expect() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas/sample-users.yaml");
        let Ok(body) = std::fs::read(path) else {
            eprintln!("skipped: {path} is not there");
            return;
        };
        assert_eq!(
            to_json(&body),
            Ok(json!({"users": [
                {"id": "1", "name": "Alice Smith", "email": "alice@example.com"},
                {"id": "2", "name": "Bob Johnson", "email": "bob@example.com"},
                {"id": "3", "name": "Carol White", "email": "carol@example.com"}
            ]}))
        );
    }
}
