//! Avro upstream bodies (`outputRawFormat: avro`) converted to JSON.
//!
//! The body is **one datum** in Avro's binary encoding, of the schema the spec's `outputSchema` (an
//! `.avsc` file) declares at its top level — what the reference engine reads (a bare datum, no header).
//! A body that starts with the Object Container File magic `Obj\x01` is read as a container instead:
//! the answer is the array of its records, decoded with the schema embedded in the file (the writer's,
//! so no schema resolution is needed or done); codecs `null` and `deflate` are supported.
//!
//! JSON of a datum:
//!
//! - `null`, `boolean`, `string` as themselves; `int` and `long` as numbers (never strings).
//! - `float` and `double` as numbers (a `float` in its shortest decimal form, `0.1` not
//!   `0.10000000149011612`); NaN and the infinities, which JSON cannot hold, as `null`.
//! - `bytes` and `fixed` as base64 text (standard alphabet, with padding).
//! - A record as an object with its fields in schema order; an enum as its symbol; an array as an
//!   array; a map as an object (a key written twice keeps its last value); a union as the bare value of
//!   its branch (no `{"type": value}` wrapper).
//! - Logical types, as a JSON API would write them:
//!   - `decimal` (on `bytes` or `fixed`): a number when its `precision` is at most 15 digits (a double
//!     holds those exactly), otherwise a string of the exact digits (`"12345678901234567.89"`). The
//!     unscaled value may be up to 16 bytes wide (38 digits): a wider one is an error;
//!   - `uuid` (on `string`, or `fixed` of 16 bytes): the usual lowercase hyphenated text;
//!   - `date`: `"2024-01-15"`; `time-millis`, `time-micros`: `"12:34:56.789"`;
//!   - `timestamp-millis|micros|nanos`: `"2024-01-15T12:34:56.789Z"` (UTC); the `local-timestamp-…`
//!     ones the same without the `Z`. Fractions are written only when non-zero, in groups of three
//!     digits (as Java's `Instant.toString`); years beyond 9999 get a `+` sign and negative years a `-`;
//!   - `duration` (on `fixed` of 12 bytes): `{"months": m, "days": d, "milliseconds": ms}`;
//!   - any other logical type (`big-decimal` included), or one on a type it does not apply to, is ignored:
//!     the value is its underlying type's (as the Avro specification asks of readers).
//!
//! Where this differs from the engine: the engine answers only the *schema* of the decoded record
//! (`{"schema": "…"}`, Jackson serialising the `GenericRecord` bean), an evident bug; this answers the
//! datum. Bytes left after the datum are an error here (the engine would ignore them). Any top-level
//! schema is accepted (the engine's cast to `GenericRecord` fails on anything but a record).
//!
//! The schema is parsed here rather than by `apache-avro`, whose 0.21 parser panics on some invalid
//! names and cannot tell a `uuid` on `fixed` from one on `string`; its datum reader reserves room for
//! as many items as a block claims (a 6-byte body can ask for gigabytes). This decoder does bounded
//! work: a length must fit in the bytes left, the items of all arrays and maps of a datum together may
//! not outnumber the body's bytes (plus 1024, for items that take no bytes, such as `null`), nesting stops
//! at [`MAX_DEPTH`] JSON levels, and `deflate` blocks are inflated under a budget. Error messages say
//! what is wrong and at which byte, never the body's content.

mod container;
mod datum;
mod schema;
#[cfg(test)]
mod test_support;

use serde_json::Value as Json;

use self::container::{CONTAINER_MAGIC, container_json};
use self::datum::Reader;
use self::schema::Schema;

/// The deepest JSON nesting an answer may have (records, arrays and maps each count one level):
/// under serde_json's own limit of 128, so the converted body always parses again.
pub const MAX_DEPTH: usize = 100;

/// Decodes bodies of one schema into JSON.
#[derive(Clone, Debug)]
pub struct Decoder {
    schema: Schema,
}

impl Decoder {
    /// A decoder of datums of the Avro schema `schema_json` (the text of an `.avsc` file).
    pub fn new(schema_json: &str) -> Result<Decoder, String> {
        Schema::parse(schema_json).map(|schema| Decoder { schema }).map_err(|error| format!("invalid Avro schema: {error}"))
    }

    /// `body`, one binary datum (or an Object Container File), as JSON (see the module documentation).
    pub fn to_json(&self, body: &[u8]) -> Result<Json, String> {
        if body.starts_with(CONTAINER_MAGIC) {
            return container_json(body);
        }
        let mut reader = Reader::new(body, 0);
        let value = reader.datum(&self.schema, self.schema.root, 1)?;
        if reader.at < body.len() {
            return Err(format!("the datum ends at byte {} of {}: the body holds more than one datum", reader.at, body.len()));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{DEFLATE_CONTAINER, DIGEST_BODY, EVERYTHING, NULL_CONTAINER, RECORDS, records_json};
    use super::*;

    #[test]
    fn the_engine_digest_record_decodes_to_the_datum() {
        let decoder = Decoder::new(RECORDS).expect("decoder");
        assert_eq!(decoder.to_json(DIGEST_BODY).expect("decodes").to_string(), records_json().to_string());
    }

    /// Written by apache-avro 0.21's `to_avro_datum` with schema [`RECORDS`], the value built with its
    /// `Record` type: `{"records": [{"id": "1", "title": "First", "description": Union(1, "Desc")},
    /// {"id": "2", "title": "Second", "description": Union(0, Null)}]}`.
    const WRITTEN_BY_APACHE_AVRO: &[u8] = b"\x04\x02\x31\x0a\x46\x69\x72\x73\x74\x02\x08\x44\x65\x73\x63\x02\x32\x0c\x53\x65\x63\x6f\x6e\x64\x00\x00";

    #[test]
    fn records_written_by_apache_avro_round_trip() {
        let body = WRITTEN_BY_APACHE_AVRO;
        assert_eq!(body, b"\x04\x02\x31\x0a\x46\x69\x72\x73\x74\x02\x08\x44\x65\x73\x63\x02\x32\x0c\x53\x65\x63\x6f\x6e\x64\x00\x00");
        assert_eq!(Decoder::new(RECORDS).expect("decoder").to_json(body).expect("decodes"), records_json());
    }

    #[test]
    fn random_and_truncated_bodies_never_panic() {
        let decoder = Decoder::new(EVERYTHING).expect("decoder");
        let records = Decoder::new(RECORDS).expect("decoder");
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = (next() % 96) as usize;
            let mut body: Vec<u8> = (0..length).map(|_| next() as u8).collect();
            let _ = decoder.to_json(&body);
            let _ = records.to_json(&body);
            // And as a container.
            body.splice(0..0, CONTAINER_MAGIC.iter().copied());
            let _ = records.to_json(&body);
        }
        let body = DIGEST_BODY;
        for end in 0..body.len() {
            assert!(records.to_json(&body[..end]).is_err(), "a prefix of {end} bytes decoded");
        }
        // Schemas with one character removed: parsed or refused, and what parses decodes the body or not.
        for index in EVERYTHING.char_indices().map(|(index, _)| index) {
            let mut schema = EVERYTHING.to_owned();
            schema.remove(index);
            if let Ok(decoder) = Decoder::new(&schema) {
                let _ = decoder.to_json(body);
            }
        }
        for container in [NULL_CONTAINER, DEFLATE_CONTAINER] {
            crate::formats::test_support::prefixes_and_corruptions(container, |body| {
                let _ = records.to_json(body);
            });
        }
    }

    #[test]
    fn the_decoder_can_live_in_a_static() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Decoder>();
    }
}
