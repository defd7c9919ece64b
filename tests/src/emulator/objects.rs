//! The slice of Object Storage that snapshot import/export touches.
//!
//! Export writes `(region, bucket, key)`; import reads it back. The import/export guide
//! (seed 004, "Import constraints and error handling") lists three QCOW2 features the
//! import refuses. The emulator has no QCOW2 bytes, so a key *naming* the feature stands
//! for an object that has it: a key containing `encrypted`, `zstd` or `backing-chain`
//! (case-insensitive) exists and is refused with the guide's message.

use super::store::{Store, StoredObject};

/// Why an import cannot proceed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImportFailure {
    /// One of the guide's unsupported QCOW2 features; the message is the guide's, verbatim.
    Unsupported(&'static str),
    /// No such object in the bucket (in the zone's region).
    Missing,
}

/// The guide's three refusals, in the order it lists them.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("encrypted", "The provided QCOW2 file is encrypted"),
    (
        "zstd",
        "The provided QCOW2 has an unsupported compression type",
    ),
    (
        "backing-chain",
        "The provided QCOW2 file has a backing chain",
    ),
];

/// The object an import of `bucket/key` into `zone` would read.
pub(crate) fn source_for_import(
    store: &Store,
    zone: &str,
    bucket: &str,
    key: &str,
) -> Result<StoredObject, ImportFailure> {
    let lower = key.to_ascii_lowercase();
    if let Some((_, message)) = UNSUPPORTED.iter().find(|(mark, _)| lower.contains(mark)) {
        return Err(ImportFailure::Unsupported(message));
    }
    store
        .object(zone, bucket, key)
        .cloned()
        .ok_or(ImportFailure::Missing)
}

/// `href_result` of an export task: the object's public URL (§1.4, export task).
pub(crate) fn object_url(region: &str, bucket: &str, key: &str) -> String {
    format!("https://s3.{region}.scw.cloud/{bucket}/{key}")
}
