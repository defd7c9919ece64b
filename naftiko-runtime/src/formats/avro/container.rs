//! Avro Object Container Files: a header naming the writer's schema and codec, then blocks of records,
//! each optionally compressed (`deflate`, inflated under a budget) and followed by the file's sync marker.

use std::borrow::Cow;

use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_with_limit};
use serde_json::Value as Json;

use super::datum::Reader;
use super::schema::Schema;

/// The first bytes of an Avro Object Container File.
pub(super) const CONTAINER_MAGIC: &[u8] = b"Obj\x01";

/// A `deflate` block's size bound: deflate expands at most 1032-fold, so a compressed block is refused
/// when 1032 times its size would exceed this (before inflating anything).
const MAX_INFLATED_BLOCK: usize = 64 << 20;

/// The most bytes all `deflate` blocks of one container may inflate to together.
const MAX_INFLATED_TOTAL: usize = 256 << 20;

/// The records of an Object Container File: header (magic, metadata map, 16-byte sync marker), then
/// blocks of (record count, byte size, records, sync marker).
pub(super) fn container_json(body: &[u8]) -> Result<Json, String> {
    let mut reader = Reader::new(body, 0);
    reader.take(CONTAINER_MAGIC.len(), "the container magic")?;
    let mut schema = None;
    let mut codec: &[u8] = b"null";
    loop {
        let count = reader.block_count("container metadata")?;
        if count == 0 {
            break;
        }
        for _ in 0..count {
            let key = reader.bytes("container metadata key")?;
            let value = reader.bytes("container metadata value")?;
            match key {
                b"avro.schema" => schema = Some(value),
                b"avro.codec" => codec = value,
                _ => {}
            }
        }
    }
    let sync = reader.take(16, "the container's sync marker")?;
    let Some(schema) = schema else {
        return Err("the container's header has no `avro.schema`".to_owned());
    };
    // The embedded schema is body content: its problems are reported without quoting it.
    let schema = std::str::from_utf8(schema)
        .ok()
        .and_then(|schema| Schema::parse(schema).ok())
        .ok_or_else(|| "the container's schema (`avro.schema`) is not a valid Avro schema".to_owned())?;
    let deflate = match codec {
        b"null" => false,
        b"deflate" => true,
        b"snappy" | b"zstandard" | b"bzip2" | b"xz" => {
            return Err(format!("the container's codec `{}` is not supported (null and deflate are)", String::from_utf8_lossy(codec)));
        }
        _ => return Err("the container names an unknown codec (null and deflate are supported)".to_owned()),
    };
    let mut records = Vec::new();
    let mut inflated_total = 0_usize;
    let mut block_number = 0;
    while reader.left() > 0 {
        block_number += 1;
        let start = reader.position();
        let count = reader.long()?;
        let Ok(count) = usize::try_from(count) else {
            return Err(format!("invalid record count {count} of block {block_number} at byte {start}"));
        };
        let data_start = reader.position();
        let data = reader.bytes("a container block")?;
        let block: Cow<[u8]> = if deflate {
            if data.len().saturating_mul(1032) > MAX_INFLATED_BLOCK {
                return Err(format!("block {block_number} at byte {start}: a deflate block over {} bytes is not read", MAX_INFLATED_BLOCK / 1032));
            }
            // Inflated no further than the container's budget left (and the block bound, which data
            // this short cannot reach).
            let budget = MAX_INFLATED_TOTAL.saturating_sub(inflated_total);
            let inflated = match inflate(data, budget.min(MAX_INFLATED_BLOCK)) {
                Ok(Some(inflated)) => inflated,
                Ok(None) if budget < MAX_INFLATED_BLOCK => {
                    return Err(format!("the container inflates to more than {MAX_INFLATED_TOTAL} bytes"));
                }
                Ok(None) => return Err(format!("block {block_number} at byte {start}: inflates to more than {MAX_INFLATED_BLOCK} bytes")),
                Err(()) => return Err(format!("block {block_number} at byte {data_start}: invalid deflate data")),
            };
            inflated_total += inflated.len();
            Cow::Owned(inflated)
        } else {
            Cow::Borrowed(data)
        };
        // Inflated data has no body offsets: its errors then count from the block's start.
        let mut records_reader = Reader::new(&block, data_start);
        if count > records_reader.items_left {
            return Err(format!("invalid block {block_number} at byte {start}: {count} records, more than it can hold"));
        }
        records_reader.items_left -= count;
        for _ in 0..count {
            records.push(records_reader.datum(&schema, schema.root, 2)?);
        }
        if records_reader.left() > 0 {
            return Err(format!("block {block_number} at byte {start}: {} bytes left after its {count} records", records_reader.left()));
        }
        let marker_at = reader.position();
        if reader.take(16, "a block's sync marker")? != sync {
            return Err(format!("block {block_number}: the sync marker at byte {marker_at} does not match the header's"));
        }
    }
    Ok(Json::Array(records))
}

/// `data`, a raw DEFLATE stream (Avro's `deflate` codec writes no zlib header or checksum), inflated:
/// `None` when it holds more than `limit` bytes, an error when it is not valid DEFLATE. Bytes after the
/// end of the stream are ignored.
fn inflate(data: &[u8], limit: usize) -> Result<Option<Vec<u8>>, ()> {
    match decompress_to_vec_with_limit(data, limit) {
        Ok(inflated) => Ok(Some(inflated)),
        Err(error) if error.status == TINFLStatus::HasMoreOutput => Ok(None),
        Err(_) => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::avro::Decoder;
    use crate::formats::avro::test_support::{DEFLATE_CONTAINER, NULL_CONTAINER, RECORDS};

    #[test]
    fn containers_answer_their_records() {
        let decoder = Decoder::new(RECORDS).expect("decoder");
        let expected = json!([
            {"records": [{"id": "1", "title": "Title 1", "description": "Desc"}]},
            {"records": [{"id": "2", "title": "Title 2", "description": null}]},
        ]);
        for (codec, container) in [("null", NULL_CONTAINER), ("deflate", DEFLATE_CONTAINER)] {
            assert!(container.starts_with(CONTAINER_MAGIC));
            assert_eq!(decoder.to_json(container).expect("decodes"), expected, "{codec}");
        }
        // A corrupted sync marker (the file's last byte) is found.
        let mut container = NULL_CONTAINER.to_vec();
        if let Some(last) = container.last_mut() {
            *last ^= 1;
        }
        assert!(decoder.to_json(&container).expect_err("sync").contains("sync marker"));
    }

    /// The block of [`DEFLATE_CONTAINER`]: its data (raw DEFLATE) and where it starts in the body.
    fn deflate_block() -> (&'static [u8], usize) {
        // The header ends with the sync marker, which also ends the file; then come the record count
        // (one byte) and the data's length (one byte).
        let sync = &DEFLATE_CONTAINER[DEFLATE_CONTAINER.len() - 16..];
        let header_end = DEFLATE_CONTAINER.windows(16).position(|window| window == sync).expect("the header's sync marker") + 16;
        let start = header_end + 2;
        (&DEFLATE_CONTAINER[start..DEFLATE_CONTAINER.len() - 16], start)
    }

    #[test]
    fn deflate_blocks_are_inflated_within_a_limit() {
        let (data, _) = deflate_block();
        assert_eq!(data.len(), 28);
        // The two records: 31 bytes.
        let inflated = inflate(data, MAX_INFLATED_BLOCK).expect("valid").expect("under the limit");
        assert_eq!(inflated, b"\x02\x021\x0eTitle 1\x02\x08Desc\x00\x02\x022\x0eTitle 2\x00\x00");
        assert_eq!(inflate(data, 31), Ok(Some(inflated)));
        assert_eq!(inflate(data, 30), Ok(None));
        assert_eq!(inflate(data, 0), Ok(None));
        // Not DEFLATE: block type 3 is reserved; and no data at all.
        assert_eq!(inflate(b"\xff\xff", 100), Err(()));
        assert_eq!(inflate(b"", 100), Err(()));
    }

    #[test]
    fn invalid_deflate_data_is_an_error_that_says_where() {
        let (_, start) = deflate_block();
        let mut container = DEFLATE_CONTAINER.to_vec();
        container[start] = 0xff;
        let error = Decoder::new(RECORDS).expect("decoder").to_json(&container).expect_err("invalid");
        assert_eq!(error, format!("block 1 at byte {}: invalid deflate data", start - 1));
    }
}
