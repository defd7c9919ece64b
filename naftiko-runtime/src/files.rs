//! Files a server reads at run time (static MCP resources, prompt files, skill folders): where relative
//! paths start, and reading under a directory without ever leaving it.
//!
//! A file resource's URI names a file by its path relative to the directory. Each segment must be a
//! plain name — letters, digits, `.`, `_`, `-`, not starting with `.` (no `..`, no hidden files, no
//! percent-escapes, backslashes or empty segments) — and the file found, once every symbolic link is
//! resolved, must still be inside the directory (resolved the same way).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Largest file served (bytes); a larger one is an error, not a truncated read.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most files listed for one resource.
pub const MAX_LISTED: usize = 10_000;

static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Sets the directory relative locations (`file:///./docs`) are resolved against, once, before the
/// servers are built (`serve --root`); the working directory otherwise. Returns `false` if already set.
pub fn set_root(root: PathBuf) -> bool {
    ROOT.set(root).is_ok()
}

/// The directory relative locations are resolved against.
pub fn root() -> PathBuf {
    ROOT.get().cloned().or_else(|| std::env::current_dir().ok()).unwrap_or_else(|| PathBuf::from("."))
}

/// A location's path as the spec wrote it, made absolute: relative ones against [`root`].
pub fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() { path.to_path_buf() } else { root().join(path) }
}

/// Why a file could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The path is not a plain relative path, or leads out of the directory.
    Invalid(String),
    /// No regular file there.
    NotFound,
    /// Larger than [`MAX_FILE_BYTES`] or unreadable.
    Unreadable(String),
}

/// Reads the file at `relative` under `dir`: its resolved path and bytes.
pub fn read(dir: &Path, relative: &str) -> Result<(PathBuf, Vec<u8>), Refusal> {
    for segment in relative.split('/') {
        if !plain_name(segment) {
            return Err(Refusal::Invalid(format!("`{segment}` is not a plain file name")));
        }
    }
    let base = dir.canonicalize().map_err(|_| Refusal::NotFound)?;
    let target = base.join(relative).canonicalize().map_err(|_| Refusal::NotFound)?;
    if !target.starts_with(&base) {
        return Err(Refusal::Invalid("it leads out of the resource's directory".to_owned()));
    }
    let file = std::fs::File::open(&target).map_err(|_| Refusal::NotFound)?;
    let metadata = file.metadata().map_err(|e| Refusal::Unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(Refusal::NotFound);
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Refusal::Unreadable(format!("it is larger than {MAX_FILE_BYTES} bytes")));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refusal::Unreadable(format!("it is larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok((target, bytes))
}

/// The regular files under `dir` that [`read`] serves, as sorted `/`-separated relative paths (at
/// most [`MAX_LISTED`]); links are listed only when they resolve inside `dir`.
pub fn list(dir: &Path) -> Vec<String> {
    let Ok(base) = dir.canonicalize() else { return Vec::new() };
    let mut found = Vec::new();
    let mut pending = vec![(base.clone(), String::new())];
    while let Some((path, prefix)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else { continue };
            if !plain_name(&name) {
                continue;
            }
            let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let Ok(resolved) = entry.path().canonicalize() else { continue };
            if !resolved.starts_with(&base) {
                continue;
            }
            if resolved.is_dir() {
                // A link to a directory inside is not walked: its files are listed where they are.
                if !entry.file_type().is_ok_and(|t| t.is_symlink()) {
                    pending.push((resolved, relative));
                }
            } else if resolved.is_file() {
                found.push(relative);
            }
        }
    }
    found.sort();
    found.truncate(MAX_LISTED);
    found
}

/// A file's media type from its name (`application/octet-stream` when unknown).
pub fn mime_type(name: &str) -> String {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        // Not in every table: what the engine infers for these.
        Some("md" | "markdown") => "text/markdown".to_owned(),
        Some("yaml" | "yml") => "application/yaml".to_owned(),
        _ => mime_guess::from_path(name).first_raw().unwrap_or("application/octet-stream").to_owned(),
    }
}

fn plain_name(segment: &str) -> bool {
    !segment.is_empty() && !segment.starts_with('.') && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (PathBuf, PathBuf) {
        let scratch = std::env::temp_dir().join(format!("naftiko-files-{}-{:?}", std::process::id(), std::thread::current().id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let docs = scratch.join("docs");
        std::fs::create_dir_all(docs.join("guide")).unwrap();
        std::fs::write(docs.join("index.md"), "# Index").unwrap();
        std::fs::write(docs.join("guide/start.txt"), "start").unwrap();
        std::fs::write(docs.join(".env"), "SECRET=1").unwrap();
        std::fs::write(scratch.join("secret.txt"), "outside").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(scratch.join("secret.txt"), docs.join("escape.txt")).unwrap();
            std::os::unix::fs::symlink(docs.join("index.md"), docs.join("alias.md")).unwrap();
        }
        (scratch, docs)
    }

    #[test]
    fn reads_stay_inside_the_directory() {
        let (scratch, docs) = tree();
        assert_eq!(read(&docs, "index.md").map(|(_, b)| b), Ok(b"# Index".to_vec()));
        assert_eq!(read(&docs, "guide/start.txt").map(|(_, b)| b), Ok(b"start".to_vec()));
        for hostile in
            ["../secret.txt", "guide/../../secret.txt", "..", ".env", "guide//start.txt", "%2e%2e/secret.txt", "guide\\start.txt", "/etc/passwd", ""]
        {
            assert!(matches!(read(&docs, hostile), Err(Refusal::Invalid(_))), "{hostile:?} must be refused");
        }
        #[cfg(unix)]
        {
            assert!(matches!(read(&docs, "escape.txt"), Err(Refusal::Invalid(_))), "a link out of the directory");
            assert_eq!(read(&docs, "alias.md").map(|(_, b)| b), Ok(b"# Index".to_vec()), "a link inside");
        }
        assert_eq!(read(&docs, "missing.md"), Err(Refusal::NotFound));
        assert_eq!(read(&docs, "guide"), Err(Refusal::NotFound));
        let listed = list(&docs);
        #[cfg(unix)]
        assert_eq!(listed, ["alias.md", "guide/start.txt", "index.md"]);
        std::fs::remove_dir_all(scratch).unwrap();
    }

    #[test]
    fn media_types_from_names() {
        assert_eq!(mime_type("a/index.md"), "text/markdown");
        assert_eq!(mime_type("b.json"), "application/json");
        assert_eq!(mime_type("c.txt"), "text/plain");
        assert_eq!(mime_type("d.unknown"), "application/octet-stream");
    }
}
