//! Imported consumes (`{location, import, as}`): reads the consumes-only file the entry names, finds the
//! namespace it imports, and puts that consumes in the entry's place. Everything after this step sees an
//! ordinary `type: http` consumes whose spans point into the imported file, so diagnostics about it are
//! located there.

use std::path::{Path, PathBuf};

use crate::check::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, SourceMap};
use crate::spec::model::{Consumes, Document, HttpConsumes, ImportedConsumes};
use crate::spec::{read, yaml};

/// Imported files larger than this are refused (real consumes documents are kilobytes).
const MAX_IMPORT_BYTES: u64 = 16 << 20;

/// Resolves every imported consumes of `doc`. `base` is the directory `location`s are relative to
/// (the spec's own directory); `None` when the spec has no file (inline text).
pub fn resolve(doc: &mut Document, base: Option<&Path>, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) {
    let Some(cap) = doc.capability.as_mut() else { return };
    for entry in &mut cap.consumes {
        let Consumes::Imported(imported) = entry else { continue };
        if let Some(http) = import(imported, base, sources, diags) {
            *entry = Consumes::Http(http);
        }
    }
}

fn import(entry: &ImportedConsumes, base: Option<&Path>, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Option<HttpConsumes> {
    let location = &entry.location;
    let Some(base) = base else {
        diags.push(
            Diagnostic::new(Code::Import, location.span, format!("cannot import `{}`: this spec has no directory to resolve it from", location.value))
                .label("relative to nothing")
                .hint("load the spec from a file (`naftiko_codegen::load`), or inline the consumed API"),
        );
        return None;
    };
    let path = resolve_location(base, &location.value);
    // Only a regular file of sane size: a location naming a device or a FIFO must not hang the compiler.
    let text = match std::fs::metadata(&path).and_then(|m| {
        if !m.is_file() {
            Err(std::io::Error::other("not a regular file"))
        } else if m.len() > MAX_IMPORT_BYTES {
            Err(std::io::Error::other(format!("larger than {} MiB", MAX_IMPORT_BYTES >> 20)))
        } else {
            std::fs::read_to_string(&path)
        }
    }) {
        Ok(text) => text,
        Err(err) => {
            diags.push(
                Diagnostic::new(Code::Import, location.span, format!("cannot read the imported file `{}`: {err}", location.value))
                    .label(format!("resolved to `{}`", path.display()))
                    .hint("`location` is relative to the directory of the spec that imports it"),
            );
            return None;
        }
    };
    let file = sources.add(SourceFile::new(path.display().to_string(), text));
    let root = sources.get(file).and_then(|f| yaml::parse(file, f, diags))?;
    let fragment = read::document(&root, diags);
    let https: Vec<&HttpConsumes> = fragment
        .consumes
        .iter()
        .filter_map(Consumes::as_http)
        .collect();
    if fragment.consumes.is_empty() {
        diags.push(
            Diagnostic::new(Code::Import, location.span, format!("`{}` has no root `consumes` to import from", location.value))
                .label("not a consumes document")
                .related(fragment.span, "this file")
                .hint("an imported file is a consumes-only document: `naftiko: 1.0.0-alpha2` and `consumes: [...]` at the top level"),
        );
        return None;
    }
    let names = || https.iter().filter_map(|h| h.namespace.as_ref().map(|n| format!("`{}`", n.value))).collect::<Vec<_>>().join(", ");
    let found = match &entry.import {
        Some(wanted) => https.iter().find(|h| h.namespace.as_ref().is_some_and(|n| n.value == wanted.value)).copied().or_else(|| {
            let nested = fragment.consumes.iter().any(|c| matches!(c, Consumes::Imported(i) if i.alias.as_ref().or(i.import.as_ref()).is_some_and(|n| n.value == wanted.value)));
            diags.push(if nested {
                Diagnostic::new(Code::Import, wanted.span, format!("`{}` imports `{}` from yet another file", location.value, wanted.value))
                    .label("imported twice removed")
                    .hint("imports are resolved one level deep: import it from the file that declares it")
            } else {
                Diagnostic::new(Code::Import, wanted.span, format!("`{}` declares no consumes with namespace `{}`", location.value, wanted.value))
                    .label("not in the imported file")
                    .hint(format!("namespaces in that file: {}", names()))
            });
            None
        })?,
        None if https.len() == 1 => https[0],
        None => {
            diags.push(
                Diagnostic::new(Code::MissingKey, entry.span, format!("`{}` declares several consumes; this entry has no `import`", location.value))
                    .label("which one?")
                    .hint(format!("add `import: <namespace>`; namespaces in that file: {}", names())),
            );
            return None;
        }
    };
    let mut http = found.clone();
    if let Some(alias) = &entry.alias {
        http.namespace = Some(alias.clone());
    }
    if http.description.is_none() {
        http.description.clone_from(&entry.description);
    }
    Some(http)
}

/// `./shared/x.yml`, `shared/x.yml` and `file:///./shared/x.yml` are relative to `base`; an absolute
/// path (or `file:///abs/x.yml`) is itself.
fn resolve_location(base: &Path, location: &str) -> PathBuf {
    let location = location.trim();
    let path = match location.strip_prefix("file://") {
        Some(rest) if rest.starts_with("/./") || rest.starts_with("/../") => &rest[1..],
        Some(rest) => rest,
        None => location,
    };
    let path = Path::new(path);
    let joined = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    // `specs/./shared/a.yml` reads better as `specs/shared/a.yml` in diagnostics.
    joined.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_relative_to_the_spec() {
        let base = Path::new("specs");
        assert_eq!(resolve_location(base, "./shared/a.yml"), Path::new("specs/shared/a.yml"));
        assert_eq!(resolve_location(base, "file:///./shared/a.yml"), Path::new("specs/shared/a.yml"));
        assert_eq!(resolve_location(Path::new(""), "a.yml"), Path::new("a.yml"));
        assert_eq!(resolve_location(base, "/abs/a.yml"), Path::new("/abs/a.yml"));
        assert_eq!(resolve_location(base, "file:///abs/a.yml"), Path::new("/abs/a.yml"));
    }
}
