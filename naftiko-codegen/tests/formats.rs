//! What the compiler checks of non-JSON formats and `forward` routes before generating anything: an
//! unknown `outputRawFormat`, a binary format without its schema, a schema file that is missing or does not
//! compile (located in the spec, and in the `.proto` for protox's own line and column), and a `forward` to
//! a namespace nobody declares.

use std::path::{Path, PathBuf};

use naftiko_codegen::{Code, load};

const SPEC: &str = r#"naftiko: 1.0.0-alpha2
info:
  label: Formats
  description: One consumed operation in the format under test.
capability:
  consumes:
  - type: http
    namespace: api
    baseUri: https://api.example.test
    resources:
    - name: things
      path: /things
      operations:
      - name: list-things
        method: GET
        outputRawFormat: FORMAT
        SCHEMA
  exposes:
  - type: rest
    namespace: api-rest
    port: 8080
    resources:
    - path: /things
      operations:
      - method: GET
        name: list-things
        call: api.list-things
    - path: /raw/{{path}}
      forward:
        targetNamespace: TARGET
"#;

/// The spec with `format`, `schema` (an `outputSchema` line, or nothing) and the forward's `target`,
/// written with `files` beside it in a fresh directory.
fn scratch(name: &str, format: &str, schema: &str, target: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-formats-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("schema file");
    }
    let path = dir.join("spec.yaml");
    std::fs::write(&path, SPEC.replace("FORMAT", format).replace("SCHEMA", schema).replace("TARGET", target)).expect("spec");
    path
}

/// Each error as `(code, line:col, message)`.
fn errors(path: &Path) -> Vec<(Code, String, String)> {
    let loaded = load(path);
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let location = d.location(&loaded.sources).unwrap_or_default();
            let place = location.rsplitn(3, ':').take(2).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(":");
            (d.code, place, d.message.clone())
        })
        .collect()
}

#[test]
fn every_converted_format_compiles() {
    for format in ["xml", "XML", "csv", "tsv", "psv", "yaml", "html", "markdown", "json", "text", "binary"] {
        let path = scratch(&format!("ok-{format}"), format, "", "api", &[]);
        assert_eq!(errors(&path), [], "{format}");
    }
    let proto = "syntax = \"proto3\";\npackage p;\nmessage Things { repeated Thing things = 1; }\nmessage Thing { string id = 1; }\n";
    let path = scratch("ok-protobuf", "protobuf", "outputSchema: things.proto", "api", &[("things.proto", proto)]);
    assert_eq!(errors(&path), []);
    let avsc = r#"{"type": "record", "name": "Things", "fields": [{"name": "ids", "type": {"type": "array", "items": "string"}}]}"#;
    let path = scratch("ok-avro", "avro", "outputSchema: things.avsc", "api", &[("things.avsc", avsc)]);
    assert_eq!(errors(&path), []);
}

#[test]
fn an_unknown_format_is_an_error_at_its_place() {
    let found = errors(&scratch("ini", "ini", "", "api", &[]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (Code::InvalidValue, "16:26"));
    assert!(found[0].2.contains("`outputRawFormat: ini` is not a format"), "{found:?}");
}

#[test]
fn binary_formats_need_a_schema_that_compiles() {
    let found = errors(&scratch("no-schema", "protobuf", "", "api", &[]));
    assert_eq!((found[0].0, found[0].2.as_str()), (Code::MissingKey, "`outputRawFormat: protobuf` needs `outputSchema`"));

    let found = errors(&scratch("missing-schema", "avro", "outputSchema: nowhere.avsc", "api", &[]));
    assert_eq!((found[0].0, found[0].1.as_str()), (Code::SchemaFile, "17:23"));
    assert!(found[0].2.contains("cannot read the schema `nowhere.avsc`"), "{found:?}");

    let broken = "syntax = \"proto3\";\nmessage Things {\n  repeated Thing things = 1\n}\n";
    let found = errors(&scratch("broken-proto", "protobuf", "outputSchema: things.proto", "api", &[("things.proto", broken)]));
    assert_eq!(found[0].0, Code::SchemaFile, "{found:?}");
    assert!(found[0].2.contains("things.proto:") && found[0].2.contains("does not compile"), "protox's line and column: {found:?}");

    let found = errors(&scratch("broken-avsc", "avro", "outputSchema: things.avsc", "api", &[("things.avsc", r#"{"type": "record", "name": "T"}"#)]));
    assert_eq!(found[0].0, Code::SchemaFile, "{found:?}");
}

#[test]
fn a_forward_to_an_unknown_namespace_is_an_error() {
    let found = errors(&scratch("forward", "json", "", "nobody", &[]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (Code::UnknownNamespace, "30:26"));
    assert!(found[0].2.contains("no consumes has namespace `nobody`"), "{found:?}");
}
