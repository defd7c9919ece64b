//! A skill's folder as a ZIP archive: every file [`files::list`] serves, read with [`files::read`]
//! (so no link out and no hidden file gets in), entries named by their `/`-separated relative paths
//! as the engine names them, stored uncompressed (skill folders are small text files; any unzip reads
//! stored and deflated entries alike).

use std::io::Write as _;
use std::path::Path;

use zip::write::SimpleFileOptions;

use crate::files;

/// Most bytes of files put in one archive (it is built in memory).
pub const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;

/// The files under `dir`, zipped.
pub fn zip_dir(dir: &Path) -> Result<Vec<u8>, String> {
    let mut entries = Vec::new();
    let mut total = 0u64;
    for relative in files::list(dir) {
        // A file removed or replaced by a link out since it was listed is left out, not an error.
        let Ok((_, bytes)) = files::read(dir, &relative) else { continue };
        total += bytes.len() as u64;
        if total > MAX_ARCHIVE_BYTES {
            return Err(format!("its files exceed {MAX_ARCHIVE_BYTES} bytes"));
        }
        entries.push((relative, bytes));
    }
    zip(&entries)
}

/// An archive of `(name, bytes)` entries, in order.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).unix_permissions(0o644);
    for (name, bytes) in entries {
        writer.start_file(name.as_str(), options).map_err(|e| e.to_string())?;
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    writer.finish().map(std::io::Cursor::into_inner).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_holds_its_entries() {
        let zipped = zip(&[("SKILL.md".to_owned(), b"---\nname: x\n---\n".to_vec()), ("guide/a.md".to_owned(), b"A".to_vec())]).expect("zip");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).expect("readable");
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("guide/a.md").expect("entry"), &mut text).expect("read");
        assert_eq!(text, "A");
    }
}
