//! What the tests of several files of this module share: schemas, bodies written by apache-avro 0.21
//! (the reference writer, no dependency of this crate: its bytes were printed once by a throwaway program
//! and pasted here) and the JSON they decode to.

use serde_json::{Value as Json, json};

/// `schemas/test-records.avsc` of the engine's tests.
pub(super) const RECORDS: &str = r#"{
      "type": "record", "namespace": "io.naftiko.test", "name": "RecordsList",
      "fields": [{"name": "records", "doc": "List of records", "type": {"type": "array", "items": {
        "type": "record", "name": "Record", "fields": [
          {"name": "id", "type": "string"},
          {"name": "title", "type": "string"},
          {"name": "description", "type": ["null", "string"], "default": null}
        ]}}}]
    }"#;

/// The exact bytes of the engine digest's sample record (§1.9), a datum of [`RECORDS`].
pub(super) const DIGEST_BODY: &[u8] = b"\x04\x02\x31\x0a\x46\x69\x72\x73\x74\x02\x08\x44\x65\x73\x63\x02\x32\x0c\x53\x65\x63\x6f\x6e\x64\x00\x00";

/// [`DIGEST_BODY`] as JSON.
pub(super) fn records_json() -> Json {
    json!({"records": [
        {"id": "1", "title": "First", "description": "Desc"},
        {"id": "2", "title": "Second", "description": null},
    ]})
}

/// A schema of every type and logical type.
pub(super) const EVERYTHING: &str = r#"{
      "type": "record", "name": "Everything", "namespace": "t",
      "fields": [
        {"name": "n", "type": "null"},
        {"name": "yes", "type": "boolean"},
        {"name": "small", "type": "int"},
        {"name": "big", "type": "long"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "nan", "type": "double"},
        {"name": "raw", "type": "bytes"},
        {"name": "text", "type": "string"},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 3}},
        {"name": "again", "type": "Hash"},
        {"name": "list", "type": {"type": "array", "items": "long"}},
        {"name": "counts", "type": {"type": "map", "values": "int"}},
        {"name": "maybe", "type": ["null", "Color", {"type": "array", "items": "string"}]},
        {"name": "child", "type": {"type": "record", "name": "Child", "fields": [{"name": "next", "type": ["null", "Child"]}]}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
        {"name": "huge", "type": {"type": "fixed", "name": "Huge", "size": 9, "logicalType": "decimal", "precision": 20, "scale": 3}},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "clock", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "clock_us", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "at_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "at_local", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}},
        {"name": "odd", "type": {"type": "string", "logicalType": "no-such-type"}}
      ]
    }"#;

/// A container of two [`RECORDS`] datums, written by apache-avro 0.21's `Writer` (codec `Null`, schema
/// [`RECORDS`]) appending `{"records": [{"id": "1", "title": "Title 1", "description": "Desc"}]}` then
/// `{"records": [{"id": "2", "title": "Title 2", "description": null}]}`: header (magic, metadata
/// `avro.codec` and `avro.schema`, the sync marker `\x92U…\xdc`), one block of 2 records in 0x3e / 2 = 31
/// bytes, the sync marker.
pub(super) const NULL_CONTAINER: &[u8] = b"Obj\x01\x04\x14avro.codec\x08null\x16avro.schema\x96\x05{\"type\":\"record\",\"namespace\":\"io.naft\
iko.test\",\"name\":\"RecordsList\",\"fields\":[{\"name\":\"records\",\"type\":{\"type\":\"array\",\"\
items\":{\"type\":\"record\",\"namespace\":\"io.naftiko.test\",\"name\":\"Record\",\"fields\":[{\"na\
me\":\"id\",\"type\":\"string\"},{\"name\":\"title\",\"type\":\"string\"},{\"name\":\"description\",\
\"type\":[\"null\",\"string\"],\"default\":null}]}}}]}\x00\x92U\xf6;As\xfa\xd7m\x87\xa2\x15\x07\xeb\x97\
\xdc\x04>\x02\x021\x0eTitle 1\x02\x08Desc\x00\x02\x022\x0eTitle 2\x00\x00\x92U\xf6;As\xfa\xd7m\x87\xa2\
\x15\x07\xeb\x97\xdc";

/// The same records written by apache-avro 0.21's `Writer` with codec `Deflate(DeflateSettings::default())`:
/// the block holds 0x38 / 2 = 28 bytes of raw DEFLATE (no zlib header).
pub(super) const DEFLATE_CONTAINER: &[u8] = b"Obj\x01\x04\x16avro.schema\x96\x05{\"type\":\"record\",\"namespace\":\"io.naftiko.test\",\"name\":\"\
RecordsList\",\"fields\":[{\"name\":\"records\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"r\
ecord\",\"namespace\":\"io.naftiko.test\",\"name\":\"Record\",\"fields\":[{\"name\":\"id\",\"type\":\
\"string\"},{\"name\":\"title\",\"type\":\"string\"},{\"name\":\"description\",\"type\":[\"null\",\"\
string\"],\"default\":null}]}}}]}\x14avro.codec\x0edeflate\x00\x84\xe0\xc7\xf6g\x17\xe2S\xf6Q\x03X>\xa4\
z\xb7\x048cb2\xe4\x0b\xc9,\xc9IU0d\xe2pI-Nf`b2\x82\x8a\x1810\x00\x00\x84\xe0\xc7\xf6g\x17\xe2S\xf6Q\x03\
X>\xa4z\xb7";
