//! Binary Avro datums decoded into JSON, with bounded work: lengths must fit in the bytes left, array and
//! map items are charged to a budget of the body's size, and nesting stops at [`MAX_DEPTH`].

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Number, Value as Json};

use super::MAX_DEPTH;
use super::schema::{Node, Schema, Unit};

/// Items (array elements, map entries, container records) that take no bytes, allowed on top of one per
/// byte of the body.
const FREE_ITEMS: usize = 1024;

/// A cursor over binary Avro data. `offset` is where `bytes` starts in the body (non-zero for a
/// container's blocks), so that errors point into the body.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pub(super) at: usize,
    offset: usize,
    /// Array items and map entries this datum may still hold.
    pub(super) items_left: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8], offset: usize) -> Reader<'a> {
        Reader { bytes, at: 0, offset, items_left: bytes.len().saturating_add(FREE_ITEMS) }
    }

    /// The body offset of the next byte.
    pub(super) fn position(&self) -> usize {
        self.offset + self.at
    }

    pub(super) fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub(super) fn take(&mut self, count: usize, what: &str) -> Result<&'a [u8], String> {
        if count > self.left() {
            return Err(format!("truncated at byte {}: {what} needs {count} bytes, {} left", self.position(), self.left()));
        }
        let taken = &self.bytes[self.at..self.at + count];
        self.at += count;
        Ok(taken)
    }

    /// A zig-zag varint (`int` and `long` alike).
    pub(super) fn long(&mut self) -> Result<i64, String> {
        let start = self.position();
        let mut value = 0_u64;
        for shift in 0..10 {
            let Some(&byte) = self.bytes.get(self.at) else {
                return Err(format!("truncated at byte {}: a number started at byte {start} is cut short", self.position()));
            };
            self.at += 1;
            value |= u64::from(byte & 0x7f) << (7 * shift);
            if byte & 0x80 == 0 {
                return Ok((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        Err(format!("invalid number at byte {start}: longer than 10 bytes"))
    }

    fn int(&mut self) -> Result<i32, String> {
        let start = self.position();
        let value = self.long()?;
        i32::try_from(value).map_err(|_| format!("invalid int at byte {start}: beyond 32 bits"))
    }

    /// A length prefix, which must fit in the bytes left.
    fn length(&mut self, what: &str) -> Result<usize, String> {
        let start = self.position();
        let length = self.long()?;
        let Ok(length) = usize::try_from(length) else {
            return Err(format!("invalid {what} length {length} at byte {start}"));
        };
        if length > self.left() {
            return Err(format!("truncated at byte {}: {what} of {length} bytes, {} left", self.position(), self.left()));
        }
        Ok(length)
    }

    pub(super) fn bytes(&mut self, what: &str) -> Result<&'a [u8], String> {
        let length = self.length(what)?;
        self.take(length, what)
    }

    fn string(&mut self, what: &str) -> Result<&'a str, String> {
        let start = self.position();
        let bytes = self.bytes(what)?;
        std::str::from_utf8(bytes).map_err(|_| format!("invalid {what} at byte {start}: not UTF-8"))
    }

    /// The item count of the next array or map block (0 at the end), charged to the item budget.
    pub(super) fn block_count(&mut self, what: &str) -> Result<usize, String> {
        let start = self.position();
        let count = self.long()?;
        if count < 0 {
            // A negative count is followed by the block's size in bytes, which a reader may skip by.
            let size = self.long()?;
            if size < 0 {
                return Err(format!("invalid {what} block size {size} at byte {start}"));
            }
        }
        let count = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        if count > self.items_left {
            return Err(format!("invalid {what} block at byte {start}: {count} items, more than a body of this size can hold"));
        }
        self.items_left -= count;
        Ok(count)
    }

    /// The datum of type `node` at nesting `depth` (1 for the top level).
    pub(super) fn datum(&mut self, schema: &Schema, node: usize, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the datum nests deeper than {MAX_DEPTH} levels at byte {}", self.position()));
        }
        let start = self.position();
        Ok(match &schema.nodes[node] {
            Node::Null => Json::Null,
            Node::Boolean => match self.take(1, "a boolean")?[0] {
                0 => Json::Bool(false),
                1 => Json::Bool(true),
                _ => return Err(format!("invalid boolean at byte {start}: neither 0 nor 1")),
            },
            Node::Int => Json::from(self.int()?),
            Node::Long => Json::from(self.long()?),
            Node::Float => {
                let bytes = self.take(4, "a float")?;
                float_json(f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            }
            Node::Double => {
                let mut bytes = [0; 8];
                bytes.copy_from_slice(self.take(8, "a double")?);
                Number::from_f64(f64::from_le_bytes(bytes)).map_or(Json::Null, Json::Number)
            }
            Node::Bytes => Json::String(BASE64.encode(self.bytes("bytes")?)),
            Node::String => Json::String(self.string("string")?.to_owned()),
            Node::Record(fields) => {
                let mut object = Map::new();
                for (name, field) in fields {
                    let value = self.datum(schema, *field, depth + 1)?;
                    object.insert(name.clone(), value);
                }
                Json::Object(object)
            }
            Node::Enum(symbols) => {
                let index = self.int()?;
                match usize::try_from(index).ok().and_then(|index| symbols.get(index)) {
                    Some(symbol) => Json::String(symbol.clone()),
                    None => return Err(format!("invalid enum index {index} at byte {start}: the enum has {} symbols", symbols.len())),
                }
            }
            Node::Array(items) => {
                let mut array = Vec::new();
                loop {
                    let count = self.block_count("array")?;
                    if count == 0 {
                        break;
                    }
                    for _ in 0..count {
                        array.push(self.datum(schema, *items, depth + 1)?);
                    }
                }
                Json::Array(array)
            }
            Node::Map(values) => {
                let mut object = Map::new();
                loop {
                    let count = self.block_count("map")?;
                    if count == 0 {
                        break;
                    }
                    for _ in 0..count {
                        let key = self.string("map key")?.to_owned();
                        let value = self.datum(schema, *values, depth + 1)?;
                        object.insert(key, value);
                    }
                }
                Json::Object(object)
            }
            Node::Union(branches) => {
                let index = self.long()?;
                match usize::try_from(index).ok().and_then(|index| branches.get(index)) {
                    // The branch's value, bare: a union adds no JSON level.
                    Some(branch) => self.datum(schema, *branch, depth)?,
                    None => return Err(format!("invalid union branch {index} at byte {start}: the union has {} branches", branches.len())),
                }
            }
            Node::Fixed(size) => Json::String(BASE64.encode(self.take(*size, "a fixed")?)),
            Node::Decimal { precision, scale, size } => {
                let unscaled = match size {
                    Some(size) => self.take(*size, "a decimal")?,
                    None => self.bytes("decimal")?,
                };
                decimal_json(unscaled, *precision, *scale).map_err(|problem| format!("invalid decimal at byte {start}: {problem}"))?
            }
            Node::Uuid { fixed: false } => Json::String(self.string("uuid")?.to_owned()),
            Node::Uuid { fixed: true } => Json::String(uuid_text(self.take(16, "a uuid")?)),
            Node::Date => {
                let days = self.int()?;
                Json::String(date_text(i64::from(days)))
            }
            Node::TimeMillis => {
                let millis = self.int()?;
                time_json(i64::from(millis), Unit::Millis).ok_or_else(|| format!("invalid time-millis at byte {start}: not within a day"))?
            }
            Node::TimeMicros => {
                let micros = self.long()?;
                time_json(micros, Unit::Micros).ok_or_else(|| format!("invalid time-micros at byte {start}: not within a day"))?
            }
            Node::Timestamp { unit, local } => Json::String(timestamp_text(self.long()?, *unit, *local)),
            Node::Duration => {
                let bytes = self.take(12, "a duration")?;
                let part = |index: usize| u32::from_le_bytes([bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3]]);
                let mut object = Map::new();
                object.insert("months".to_owned(), Json::from(part(0)));
                object.insert("days".to_owned(), Json::from(part(4)));
                object.insert("milliseconds".to_owned(), Json::from(part(8)));
                Json::Object(object)
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------------
// Values

/// A `float` as the shortest decimal that reads back as the same `f32`, not the `f64` it widens to.
fn float_json(value: f32) -> Json {
    if !value.is_finite() {
        return Json::Null;
    }
    value.to_string().parse::<f64>().ok().and_then(Number::from_f64).map_or(Json::Null, Json::Number)
}

/// A decimal's big-endian two's-complement unscaled value with `scale` digits after the point.
fn decimal_json(mut unscaled: &[u8], precision: u64, scale: u32) -> Result<Json, String> {
    // Leading bytes that only extend the sign (a wide `fixed` holding a small value) are dropped.
    while unscaled.len() > 16
        && let [first, second, ..] = unscaled
        && ((*first == 0 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0))
    {
        unscaled = &unscaled[1..];
    }
    if unscaled.len() > 16 {
        return Err(format!("an unscaled value of {} bytes (at most 16 are read)", unscaled.len()));
    }
    let negative = unscaled.first().is_some_and(|byte| byte & 0x80 != 0);
    let value = unscaled.iter().fold(if negative { -1_i128 } else { 0 }, |value, byte| (value << 8) | i128::from(*byte));
    let digits = value.unsigned_abs().to_string();
    let scale = scale as usize;
    let mut text = String::with_capacity(digits.len() + scale + 3);
    if negative {
        text.push('-');
    }
    if scale == 0 {
        text.push_str(&digits);
    } else {
        // At least one digit before the point: 0.05, not .05.
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        let _ = write!(text, "{whole}.{fraction}");
    }
    if precision > 15 {
        return Ok(Json::String(text));
    }
    if scale == 0
        && let Ok(whole) = text.parse::<i64>()
    {
        return Ok(Json::from(whole));
    }
    Ok(text.parse::<f64>().ok().and_then(Number::from_f64).map_or(Json::String(text), Json::Number))
}

fn uuid_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// `YYYY-MM-DD`; as Java writes years out of 0..=9999: `+10000`, `-0001`.
fn date_text(days: i64) -> String {
    let (year, month, day) = crate::calendar::civil_from_days(days);
    let year = match year {
        0..=9999 => format!("{year:04}"),
        10_000.. => format!("+{year}"),
        _ => format!("-{:04}", year.unsigned_abs()),
    };
    format!("{year}-{month:02}-{day:02}")
}

/// `HH:MM:SS` and the fraction, if any, in groups of three digits.
fn clock_text(second_of_day: i64, nanos: i64) -> String {
    let mut text = format!("{:02}:{:02}:{:02}", second_of_day / 3_600, second_of_day / 60 % 60, second_of_day % 60);
    if nanos != 0 {
        let _ = if nanos % 1_000_000 == 0 {
            write!(text, ".{:03}", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            write!(text, ".{:06}", nanos / 1_000)
        } else {
            write!(text, ".{nanos:09}")
        };
    }
    text
}

/// A time of day in `unit`s after midnight; `None` outside one day.
fn time_json(value: i64, unit: Unit) -> Option<Json> {
    if !(0..86_400 * unit.per_second()).contains(&value) {
        return None;
    }
    let nanos = value % unit.per_second() * (1_000_000_000 / unit.per_second());
    Some(Json::String(clock_text(value / unit.per_second(), nanos)))
}

fn timestamp_text(value: i64, unit: Unit, local: bool) -> String {
    let seconds = value.div_euclid(unit.per_second());
    let nanos = value.rem_euclid(unit.per_second()) * (1_000_000_000 / unit.per_second());
    let mut text = date_text(seconds.div_euclid(86_400));
    text.push('T');
    text.push_str(&clock_text(seconds.rem_euclid(86_400), nanos));
    if !local {
        text.push('Z');
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::avro::Decoder;
    use crate::formats::avro::test_support::{EVERYTHING, RECORDS};

    /// A datum of [`EVERYTHING`] written by apache-avro 0.21's `to_avro_datum` from these of its
    /// `types::Value`s: n `Null`, yes `Boolean(true)`, small `Int(-42)`, big `Long(-9_007_199_254_740_993)`,
    /// f `Float(0.1)`, d `Double(1.5e300)`, nan `Double(NAN)`, raw `Bytes([0, 1, 2, 0xff])`, text
    /// `String("héllo")`, color `Enum(2, "BLUE")`, hash `Fixed(3, [0xfb, 0xff, 0x00])`, again `Fixed(3, [1, 2, 3])`,
    /// list `Array([Long(1), Long(i64::MAX)])`, counts `Map({"a": Int(1)})`, maybe `Union(2, Array([String("x")]))`,
    /// child `Record({next: Union(1, Record({next: Union(0, Null)}))})`, price `Decimal([0xfe, 0x59])`, huge
    /// `Decimal([0x06, 0xb1, 0x4e, 0x9f, 0x81, 0x2f, 0x36, 0x6c, 0x4c])`, id
    /// `Uuid(936da01f-9abd-4d9d-80c7-02af85c822a8)`, day `Date(19_737)`, clock `TimeMillis(45_296_789)`, clock_us
    /// `TimeMicros(45_296_000_001)`, at `TimestampMillis(1_705_322_096_789)`, at_us `TimestampMicros(-1)`, at_local
    /// `LocalTimestampMillis(1_705_322_096_000)`, wait `Duration(Months 1, Days 2, Millis 3)`, odd `String("kept")`.
    const EVERYTHING_BODY: &[u8] = b"\x01\x53\x81\x80\x80\x80\x80\x80\x80\x20\xcd\xcc\xcc\x3d\x35\x58\x00\x66\x2d\xeb\x41\x7e\x00\x00\x00\
    \x00\x00\x00\xf8\x7f\x08\x00\x01\x02\xff\x0c\x68\xc3\xa9\x6c\x6c\x6f\x04\xfb\xff\x00\x01\x02\x03\x04\
    \x02\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x02\x02\x61\x02\x00\x04\x02\x02\x78\x00\x02\x00\x04\
    \xfe\x59\x06\xb1\x4e\x9f\x81\x2f\x36\x6c\x4c\x48\x39\x33\x36\x64\x61\x30\x31\x66\x2d\x39\x61\x62\x64\
    \x2d\x34\x64\x39\x64\x2d\x38\x30\x63\x37\x2d\x30\x32\x61\x66\x38\x35\x63\x38\x32\x32\x61\x38\xb2\xb4\
    \x02\xaa\xb2\x99\x2b\x82\xf0\xd0\xbd\xd1\x02\xaa\xa2\xf1\xd1\xa1\x63\x01\x80\x96\xf1\xd1\xa1\x63\x01\
    \x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x08\x6b\x65\x70\x74";

    #[test]
    fn every_type_follows_the_rules() {
        let body = EVERYTHING_BODY;
        let answer = Decoder::new(EVERYTHING).expect("decoder").to_json(body).expect("decodes");
        let expected = json!({
            "n": null,
            "yes": true,
            "small": -42,
            "big": -9_007_199_254_740_993_i64,
            "f": 0.1,
            "d": 1.5e300,
            "nan": null,
            "raw": "AAEC/w==",
            "text": "héllo",
            "color": "BLUE",
            "hash": "+/8A",
            "again": "AQID",
            "list": [1, i64::MAX],
            "counts": {"a": 1},
            "maybe": ["x"],
            "child": {"next": {"next": null}},
            "price": -4.23,
            "huge": "123456789012345678.924",
            "id": "936da01f-9abd-4d9d-80c7-02af85c822a8",
            "day": "2024-01-15",
            "clock": "12:34:56.789",
            "clock_us": "12:34:56.000001",
            "at": "2024-01-15T12:34:56.789Z",
            "at_us": "1969-12-31T23:59:59.999999Z",
            "at_local": "2024-01-15T12:34:56",
            "wait": {"months": 1, "days": 2, "milliseconds": 3},
            "odd": "kept",
        });
        assert_eq!(answer.to_string(), expected.to_string());
    }

    #[test]
    fn a_uuid_on_fixed_is_read_as_sixteen_bytes() {
        let schema = r#"{"type": "fixed", "name": "Id", "size": 16, "logicalType": "uuid"}"#;
        let body: Vec<u8> = (0..16).collect();
        assert_eq!(Decoder::new(schema).expect("decoder").to_json(&body).expect("decodes"), json!("00010203-0405-0607-0809-0a0b0c0d0e0f"));
    }

    #[test]
    fn values_at_the_edges() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(-1), "1969-12-31");
        assert_eq!(date_text(11_016), "2000-02-29");
        assert_eq!(date_text(2_932_897), "+10000-01-01");
        assert_eq!(date_text(-719_529), "-0001-12-31");
        assert_eq!(timestamp_text(i64::MIN, Unit::Nanos, false), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(timestamp_text(1, Unit::Nanos, true), "1970-01-01T00:00:00.000000001");
        assert!(time_json(86_400_000, Unit::Millis).is_none());
        assert!(time_json(-1, Unit::Micros).is_none());
        assert_eq!(decimal_json(&[], 5, 2), Ok(json!(0.0)));
        assert_eq!(decimal_json(&[0x05], 5, 2), Ok(json!(0.05)));
        assert_eq!(decimal_json(&[0xff], 5, 0), Ok(json!(-1)));
        assert_eq!(decimal_json(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 40, 1), Ok(json!("-17014118346046923173168730371588410572.8")));
        assert_eq!(decimal_json(&[0xff; 20], 40, 1), Ok(json!("-0.1")));
        assert_eq!(decimal_json(&[0; 20], 40, 0), Ok(json!("0")));
        assert!(decimal_json(&[0x7f; 17], 40, 1).is_err());
        assert_eq!(float_json(f32::INFINITY), Json::Null);
    }

    #[test]
    fn broken_bodies_say_what_and_where_without_their_content() {
        let decoder = Decoder::new(RECORDS).expect("decoder");
        let error = decoder.to_json(b"\x02\x0cSECRE").expect_err("truncated");
        assert_eq!(error, "truncated at byte 2: string of 6 bytes, 5 left");
        let error = decoder.to_json(b"\x02\x02\x31\x02\x32\x04").expect_err("bad union");
        assert_eq!(error, "invalid union branch 2 at byte 5: the union has 2 branches");
        let error = decoder.to_json(b"\x00\x00").expect_err("left over");
        assert_eq!(error, "the datum ends at byte 1 of 2: the body holds more than one datum");
        let error = Decoder::new(r#""boolean""#).expect("decoder").to_json(b"\x02").expect_err("bad boolean");
        assert_eq!(error, "invalid boolean at byte 0: neither 0 nor 1");
        let error = Decoder::new(r#""int""#).expect("decoder").to_json(b"\x80\x80\x80\x80\x20").expect_err("too big");
        assert_eq!(error, "invalid int at byte 0: beyond 32 bits");
        let error = Decoder::new(r#""string""#).expect("decoder").to_json(b"\x04\xff\xfe").expect_err("not UTF-8");
        assert_eq!(error, "invalid string at byte 0: not UTF-8");
    }

    #[test]
    fn work_is_bounded_by_the_body() {
        // A block of 2^62 nulls: refused before any is made.
        let nulls = Decoder::new(r#"{"type": "array", "items": "null"}"#).expect("decoder");
        let error = nulls.to_json(b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01\x00").expect_err("too many");
        assert!(error.contains("more than a body of this size can hold"), "{error}");
        // A few nulls for free are fine.
        assert_eq!(nulls.to_json(b"\x06\x00").expect("three nulls"), json!([null, null, null]));
        // Nested arrays of nulls cannot multiply the budget either.
        let nested = Decoder::new(r#"{"type": "array", "items": {"type": "array", "items": "null"}}"#).expect("decoder");
        let mut body = vec![0x14]; // 10 inner arrays…
        for _ in 0..10 {
            body.extend_from_slice(b"\xd0\x0f\x00"); // …of 1000 nulls each
        }
        body.push(0);
        assert!(nested.to_json(&body).expect_err("budget").contains("more than a body"));
        // A string claiming 2^62 bytes.
        let error = Decoder::new(r#""string""#).expect("decoder").to_json(b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01").expect_err("long");
        assert!(error.starts_with("truncated at byte 10"), "{error}");
        // A linked list deeper than the limit: an error, not a stack overflow.
        let list = Decoder::new(r#"{"type": "record", "name": "L", "fields": [{"name": "next", "type": ["null", "L"]}]}"#).expect("decoder");
        let mut deep = vec![0x02; 10_000];
        deep.push(0);
        assert!(list.to_json(&deep).expect_err("deep").contains("deeper than 100"));
        let mut shallow = vec![0x02; 98];
        shallow.push(0);
        assert!(list.to_json(&shallow).is_ok());
    }
}
