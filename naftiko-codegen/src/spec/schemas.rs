//! The schema files binary upstream formats need (`outputRawFormat: protobuf` or `avro` with
//! `outputSchema: <file>`), read beside the file that declares the operation and compiled now: a
//! `.proto` into a descriptor the generated code embeds, an `.avsc` checked. A missing or broken file is
//! an error at the `outputSchema` that names it; the files join the source map, so builds that track
//! their inputs (the macro, build.rs) rebuild when they change.

use std::path::{Path, PathBuf};

use crate::check::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::spec::binary_schema;
use crate::spec::model::{BinarySchema, Consumes, Document};

/// Schema files larger than this are refused (real ones are kilobytes).
const MAX_SCHEMA_BYTES: u64 = 4 << 20;

/// Reads and compiles the schema of every consumed operation in a binary format. `base` is the spec's
/// own directory (`None` for inline text); operations of imported consumes resolve from their file's.
pub fn resolve(doc: &mut Document, base: Option<&Path>, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) {
    let Some(cap) = doc.capability.as_mut() else { return };
    for consumes in &mut cap.consumes {
        let Consumes::Http(http) = consumes else { continue };
        for op in http.resources.iter_mut().flat_map(|r| &mut r.operations) {
            let Some(format) = op.output_raw_format.as_ref().map(|f| f.value.to_ascii_lowercase()) else { continue };
            if !matches!(format.as_str(), "protobuf" | "avro") {
                continue;
            }
            // A missing `outputSchema` is reported by `check`.
            let Some(location) = &op.output_schema else { continue };
            let dir = directory_of(location.span.file, base, sources);
            let Some(dir) = dir else {
                diags.push(
                    Diagnostic::new(
                        Code::SchemaFile,
                        location.span,
                        format!("cannot read `{}`: this spec has no directory to resolve it from", location.value),
                    )
                    .label("relative to nothing")
                    .hint("load the spec from a file (`naftiko_codegen::load`)"),
                );
                continue;
            };
            let path = dir.join(location.value.trim().trim_start_matches("file://"));
            let text = match read(&path) {
                Ok(text) => text,
                Err(reason) => {
                    diags.push(
                        Diagnostic::new(Code::SchemaFile, location.span, format!("cannot read the schema `{}`: {reason}", location.value))
                            .label(format!("resolved to `{}`", path.display()))
                            .hint("`outputSchema` is relative to the directory of the file that declares the operation"),
                    );
                    continue;
                }
            };
            sources.add(SourceFile::new(path.display().to_string(), text.clone()));
            let compiled = if format == "protobuf" {
                binary_schema::compile_proto(&path).map(|p| BinarySchema::Protobuf { descriptor_set: p.descriptor_set, message: p.message })
            } else {
                binary_schema::check_avro(&text).map(|()| BinarySchema::Avro { schema: text })
            };
            match compiled {
                Ok(schema) => op.schema = Some(schema),
                Err(reason) => diags.push(
                    Diagnostic::new(Code::SchemaFile, location.span, format!("the {format} schema `{}` does not compile: {reason}", location.value))
                        .label(format!("`{}`", path.display())),
                ),
            }
        }
    }
}

/// The directory relative paths in `file` are resolved from.
fn directory_of(file: FileId, base: Option<&Path>, sources: &SourceMap) -> Option<PathBuf> {
    if file == FileId::default() {
        return base.map(Path::to_path_buf);
    }
    let name = &sources.get(file)?.name;
    Some(Path::new(name).parent().map_or_else(PathBuf::new, Path::to_path_buf))
}

fn read(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(format!("larger than {} MiB", MAX_SCHEMA_BYTES >> 20));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}
