//! The schema files of binary upstream formats, read at generation time (`outputRawFormat: protobuf`
//! or `avro` with `outputSchema: <file>`, see `spec::schemas`):
//!
//! - [`compile_proto`] compiles a `.proto` file (with protox: pure Rust, no `protoc`) into the serialized
//!   `FileDescriptorSet` the generated code embeds, and names the message a reply holds: the **first
//!   message declared in the file**, the reference engine's rule (Jackson's `forFirstType`).
//! - [`check_avro`] checks an `.avsc` schema's structure, so that a broken schema is a generation error
//!   that says where, not a failure at run time. It does not depend on an Avro library: the generated
//!   code parses the schema again (`naftiko_runtime::formats::avro`).

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

/// A `.proto` file compiled for the generated code.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledProto {
    /// A serialized `google.protobuf.FileDescriptorSet`: the file and everything it imports.
    pub descriptor_set: Vec<u8>,
    /// The fully-qualified name (`package.Message`) of the first message the file declares.
    pub message: String,
}

/// Compiles the `.proto` file at `path`; its imports resolve from the file's own directory (and the
/// well-known `google/protobuf/*.proto`). An error names the file, with the line and column when protox
/// gives them (`/specs/records.proto:4:3: …`).
pub fn compile_proto(path: &Path) -> Result<CompiledProto, String> {
    if !path.is_file() {
        return Err(format!("{}: no such file", path.display()));
    }
    let Some(file_name) = path.file_name() else {
        return Err(format!("{}: not a file name", path.display()));
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut compiler = protox::Compiler::new([dir]).map_err(|error| proto_error(dir, path, &error))?;
    compiler.include_imports(true).include_source_info(false);
    compiler.open_file(file_name).map_err(|error| proto_error(dir, path, &error))?;

    // The compiled file is named relative to its include directory: its bare file name.
    let name = file_name.to_string_lossy();
    let set = compiler.file_descriptor_set();
    let Some(file) = set.file.iter().find(|file| file.name() == name) else {
        return Err(format!("{}: protox compiled no file of this name", path.display()));
    };
    let Some(first) = file.message_type.first() else {
        return Err(format!("{}: declares no message (a reply is decoded as the first message of the file)", path.display()));
    };
    let message = match file.package() {
        "" => first.name().to_owned(),
        package => format!("{package}.{}", first.name()),
    };
    Ok(CompiledProto { descriptor_set: compiler.encode_file_descriptor_set(), message })
}

/// protox's error as `path:line:column: message`. Its `Debug` form is `name:line:column: message`
/// (`name` relative to the include directory) when it knows the place; its `Display` has no place.
fn proto_error(dir: &Path, path: &Path, error: &protox::Error) -> String {
    let detail = format!("{error:?}");
    let Some(name) = error.file() else {
        return format!("{}: {detail}", path.display());
    };
    let file = dir.join(name);
    match detail.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')) {
        // `rest` is `line:column: message`, or ` message` when the place is only the file.
        Some(rest) => format!("{}:{rest}", file.display()),
        None => format!("{}: {detail}", file.display()),
    }
}

/// Checks the structure of the Avro schema `text` (an `.avsc` file's JSON): primitive type names;
/// records (`name`, `fields` with `name` and `type`), enums (`name`, `symbols`), arrays (`items`), maps
/// (`values`), fixed (`name`, `size`); unions (no union directly in a union, no type twice, named types
/// aside); names that are valid and declared once; references only to named types declared before
/// (resolved in the enclosing namespace, then in none). `logicalType`, `doc`, `default`, `aliases` and
/// other attributes are accepted as they are. An error says where, as a JSON pointer into the schema.
pub fn check_avro(text: &str) -> Result<(), String> {
    let json: Value = serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
    AvroCheck { declared: HashSet::new() }.schema(&json, "", "").map(|_| ())
}

struct AvroCheck {
    /// Full names of the named types declared so far.
    declared: HashSet<String>,
}

const AVRO_PRIMITIVES: [&str; 8] = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

impl AvroCheck {
    /// Checks the schema `json` at JSON pointer `path`, declared in `namespace` ("" for none). Answers
    /// what a union tells its branches apart by: the primitive's or complex type's name, or a named
    /// type's full name.
    fn schema(&mut self, json: &Value, namespace: &str, path: &str) -> Result<String, String> {
        match json {
            Value::String(name) => self.reference(name, namespace, path),
            Value::Array(branches) => {
                if branches.is_empty() {
                    return Err(format!("{}: an empty union has no values", pointer(path)));
                }
                let mut seen = HashSet::new();
                for (index, branch) in branches.iter().enumerate() {
                    let branch_path = format!("{path}/{index}");
                    if branch.is_array() {
                        return Err(format!("{}: a union may not hold a union directly", pointer(&branch_path)));
                    }
                    let key = self.schema(branch, namespace, &branch_path)?;
                    if !seen.insert(key.clone()) {
                        return Err(format!("{}: the union already holds `{key}`", pointer(&branch_path)));
                    }
                }
                Ok("union".to_owned())
            }
            Value::Object(object) => self.complex(object, namespace, path),
            _ => Err(format!("{}: a schema is a type name, an object or a union (an array)", pointer(path))),
        }
    }

    fn reference(&self, name: &str, namespace: &str, path: &str) -> Result<String, String> {
        if AVRO_PRIMITIVES.contains(&name) {
            return Ok(name.to_owned());
        }
        let full = full_name(name, namespace);
        if self.declared.contains(&full) {
            return Ok(full);
        }
        if self.declared.contains(name) {
            return Ok(name.to_owned());
        }
        Err(format!("{}: unknown type `{name}` (a named type must be declared before its use)", pointer(path)))
    }

    fn complex(&mut self, object: &Map<String, Value>, namespace: &str, path: &str) -> Result<String, String> {
        let kind = match object.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => return self.schema(other, namespace, &format!("{path}/type")),
            None => return Err(format!("{}: missing `type`", pointer(path))),
        };
        match kind {
            "record" | "error" => {
                // Declared before its fields, which may refer to it (recursive types).
                let full = self.declare(object, namespace, path)?;
                let record_namespace = full.rsplit_once('.').map_or("", |(namespace, _)| namespace).to_owned();
                let Some(Value::Array(fields)) = object.get("fields") else {
                    return Err(format!("{}: a record needs `fields`, an array", pointer(path)));
                };
                let mut names = HashSet::new();
                for (index, field) in fields.iter().enumerate() {
                    let field_path = format!("{path}/fields/{index}");
                    let Some(field) = field.as_object() else {
                        return Err(format!("{}: a field is an object", pointer(&field_path)));
                    };
                    let Some(Value::String(name)) = field.get("name") else {
                        return Err(format!("{}: a field needs a `name`", pointer(&field_path)));
                    };
                    check_name(name, &format!("{field_path}/name"))?;
                    if !names.insert(name.as_str()) {
                        return Err(format!("{}: the record already has a field `{name}`", pointer(&field_path)));
                    }
                    let Some(schema) = field.get("type") else {
                        return Err(format!("{}: field `{name}` needs a `type`", pointer(&field_path)));
                    };
                    self.schema(schema, &record_namespace, &format!("{field_path}/type"))?;
                }
                Ok(full)
            }
            "enum" => {
                let full = self.declare(object, namespace, path)?;
                let Some(Value::Array(symbols)) = object.get("symbols") else {
                    return Err(format!("{}: an enum needs `symbols`, an array of names", pointer(path)));
                };
                let mut seen = HashSet::new();
                for (index, symbol) in symbols.iter().enumerate() {
                    let symbol_path = format!("{path}/symbols/{index}");
                    let Value::String(symbol) = symbol else {
                        return Err(format!("{}: a symbol is a string", pointer(&symbol_path)));
                    };
                    check_name(symbol, &symbol_path)?;
                    if !seen.insert(symbol.as_str()) {
                        return Err(format!("{}: the enum already has the symbol `{symbol}`", pointer(&symbol_path)));
                    }
                }
                if let Some(default) = object.get("default")
                    && !default.as_str().is_some_and(|default| seen.contains(default))
                {
                    return Err(format!("{}: the default is not one of the symbols", pointer(&format!("{path}/default"))));
                }
                Ok(full)
            }
            "array" => {
                let items = object.get("items").ok_or_else(|| format!("{}: an array needs `items`", pointer(path)))?;
                self.schema(items, namespace, &format!("{path}/items"))?;
                Ok("array".to_owned())
            }
            "map" => {
                let values = object.get("values").ok_or_else(|| format!("{}: a map needs `values`", pointer(path)))?;
                self.schema(values, namespace, &format!("{path}/values"))?;
                Ok("map".to_owned())
            }
            "fixed" => {
                let full = self.declare(object, namespace, path)?;
                if !object.get("size").is_some_and(Value::is_u64) {
                    return Err(format!("{}: a fixed needs `size`, a non-negative integer", pointer(path)));
                }
                Ok(full)
            }
            name => self.reference(name, namespace, &format!("{path}/type")),
        }
    }

    /// Checks the name of the type `object` declares and records its full name.
    fn declare(&mut self, object: &Map<String, Value>, namespace: &str, path: &str) -> Result<String, String> {
        let Some(Value::String(name)) = object.get("name") else {
            return Err(format!("{}: a named type needs a `name`", pointer(path)));
        };
        // A dotted name is a full name; otherwise `namespace` (if given) or the enclosing one qualifies it.
        let full = match object.get("namespace") {
            _ if name.contains('.') => name.clone(),
            Some(Value::String(own)) => {
                if !own.is_empty() {
                    own.split('.').try_for_each(|part| check_name(part, &format!("{path}/namespace")))?;
                }
                full_name(name, own)
            }
            Some(Value::Null) | None => full_name(name, namespace),
            Some(_) => return Err(format!("{}: a namespace is a string", pointer(&format!("{path}/namespace")))),
        };
        full.split('.').try_for_each(|part| check_name(part, &format!("{path}/name")))?;
        if AVRO_PRIMITIVES.contains(&full.as_str()) {
            return Err(format!("{}: `{full}` is a primitive type, not a name to declare", pointer(&format!("{path}/name"))));
        }
        if !self.declared.insert(full.clone()) {
            return Err(format!("{}: type `{full}` is declared twice", pointer(&format!("{path}/name"))));
        }
        Ok(full)
    }
}

/// An Avro name: `[A-Za-z_][A-Za-z0-9_]*`.
fn check_name(name: &str, path: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_');
    if valid { Ok(()) } else { Err(format!("{}: `{name}` is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)", pointer(path))) }
}

fn full_name(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() { name.to_owned() } else { format!("{namespace}.{name}") }
}

fn pointer(path: &str) -> &str {
    if path.is_empty() { "(top level)" } else { path }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use protox::prost_reflect::DescriptorPool;

    use super::*;

    const ENGINE_SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/engine/src/test/resources/schemas/");

    /// A fresh directory holding `files` (name, text); removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(files: &[(&str, &str)]) -> Scratch {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!("naftiko-binary-schema-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
            std::fs::create_dir_all(&dir).expect("scratch directory");
            for (name, text) in files {
                std::fs::write(dir.join(name), text).expect("scratch file");
            }
            Scratch(dir)
        }

        fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn pool(compiled: &CompiledProto) -> DescriptorPool {
        DescriptorPool::decode(compiled.descriptor_set.as_slice()).expect("the descriptor set decodes")
    }

    #[test]
    fn the_engine_sample_proto_compiles_to_its_first_message() {
        let path = Path::new(ENGINE_SCHEMAS).join("test-records.proto");
        if !path.exists() {
            eprintln!("skipped: {} not found", path.display());
            return;
        }
        let compiled = compile_proto(&path).expect("compiles");
        assert_eq!(compiled.message, "test.records.RecordsList");
        let pool = pool(&compiled);
        let list = pool.get_message_by_name("test.records.RecordsList").expect("RecordsList");
        let records = list.get_field_by_name("records").expect("records");
        assert!(records.is_list());
        let record = pool.get_message_by_name("test.records.Record").expect("Record");
        assert_eq!(record.fields().map(|field| field.name().to_owned()).collect::<Vec<_>>(), ["id", "title", "description"]);
    }

    #[test]
    fn the_first_message_is_the_reply_type_enums_and_nesting_aside() {
        let scratch = Scratch::new(&[(
            "shop.proto",
            "syntax = \"proto3\";\npackage shop.v1;\nenum Kind { KIND_UNSPECIFIED = 0; }\n\
             message Order { message Line { string sku = 1; } repeated Line lines = 1; Kind kind = 2; }\nmessage Other {}\n",
        )]);
        let compiled = compile_proto(&scratch.path("shop.proto")).expect("compiles");
        assert_eq!(compiled.message, "shop.v1.Order");
        assert!(pool(&compiled).get_message_by_name("shop.v1.Order.Line").is_some());

        let scratch = Scratch::new(&[("bare.proto", "syntax = \"proto3\";\nmessage Bare { int64 id = 1; }\n")]);
        assert_eq!(compile_proto(&scratch.path("bare.proto")).expect("compiles").message, "Bare");
    }

    #[test]
    fn imports_resolve_beside_the_file_and_are_embedded() {
        let scratch = Scratch::new(&[
            (
                "main.proto",
                "syntax = \"proto3\";\npackage m;\nimport \"common.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\
                 message Reply { c.Money total = 1; google.protobuf.Timestamp at = 2; }\n",
            ),
            ("common.proto", "syntax = \"proto3\";\npackage c;\nmessage Money { int64 cents = 1; }\n"),
        ]);
        let compiled = compile_proto(&scratch.path("main.proto")).expect("compiles");
        assert_eq!(compiled.message, "m.Reply");
        let pool = pool(&compiled);
        assert!(pool.get_message_by_name("c.Money").is_some());
        assert!(pool.get_message_by_name("google.protobuf.Timestamp").is_some());
    }

    #[test]
    fn proto_errors_name_the_file_and_place() {
        let scratch = Scratch::new(&[
            ("broken.proto", "syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n"),
            ("unknown.proto", "syntax = \"proto3\";\nmessage A {\n  Missing x = 1;\n}\n"),
            ("empty.proto", "syntax = \"proto3\";\npackage e;\nenum OnlyAnEnum { ZERO = 0; }\n"),
            ("imports.proto", "syntax = \"proto3\";\nimport \"nowhere.proto\";\nmessage A {}\n"),
        ]);
        let broken = scratch.path("broken.proto");
        let error = compile_proto(&broken).expect_err("syntax error");
        assert!(error.starts_with(&format!("{}:4:1: ", broken.display())), "{error}");

        let unknown = scratch.path("unknown.proto");
        let error = compile_proto(&unknown).expect_err("unknown type");
        assert!(error.starts_with(&format!("{}:3:3: ", unknown.display())) && error.contains("Missing"), "{error}");

        let empty = scratch.path("empty.proto");
        assert_eq!(
            compile_proto(&empty).expect_err("no message"),
            format!("{}: declares no message (a reply is decoded as the first message of the file)", empty.display())
        );

        let imports = scratch.path("imports.proto");
        let error = compile_proto(&imports).expect_err("missing import");
        assert!(error.starts_with(&format!("{}:2:1: ", imports.display())) && error.contains("nowhere.proto"), "{error}");

        let missing = scratch.path("missing.proto");
        assert_eq!(compile_proto(&missing).expect_err("no file"), format!("{}: no such file", missing.display()));
    }

    #[test]
    fn the_engine_sample_avsc_checks() {
        let path = Path::new(ENGINE_SCHEMAS).join("test-records.avsc");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} not found", path.display());
            return;
        };
        assert_eq!(check_avro(&text), Ok(()));
    }

    #[test]
    fn valid_avro_schemas_pass() {
        for schema in [
            r#""string""#,
            r#"["null", "string", {"type": "array", "items": "int"}, {"type": "map", "values": "long"}]"#,
            r#"{"type": {"type": "string"}}"#,
            // A recursive record, logical types, and references in and out of namespaces.
            r#"{"type": "record", "name": "Node", "namespace": "a.b", "doc": "a list", "fields": [
                {"name": "next", "type": ["null", "Node"], "default": null},
                {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}},
                {"name": "again", "type": "a.b.Kind"},
                {"name": "hash", "type": {"type": "fixed", "name": "Hash", "namespace": "", "size": 16, "logicalType": "uuid"}},
                {"name": "hash2", "type": "Hash"},
                {"name": "other", "type": {"type": "record", "name": "x.y.Other", "fields": []}},
                {"name": "other2", "type": "x.y.Other"},
                {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
                {"name": "two_records", "type": ["null", "Node", "x.y.Other"]}
            ]}"#,
            r#"{"type": "error", "name": "Failure", "fields": [{"name": "message", "type": "string"}]}"#,
        ] {
            assert_eq!(check_avro(schema), Ok(()), "{schema}");
        }
    }

    #[test]
    fn invalid_avro_schemas_say_what_and_where() {
        let cases = [
            ("{", "not JSON: EOF while parsing an object at line 1 column 1"),
            (r#""strin""#, "(top level): unknown type `strin` (a named type must be declared before its use)"),
            (r#"42"#, "(top level): a schema is a type name, an object or a union (an array)"),
            (r#"{"name": "X"}"#, "(top level): missing `type`"),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"a","type":"Later"},{"name":"b","type":{"type":"fixed","name":"Later","size":1}}]}"#,
                "/fields/0/type: unknown type `Later` (a named type must be declared before its use)",
            ),
            (r#"{"type": "record", "name": "R"}"#, "(top level): a record needs `fields`, an array"),
            (r#"{"type": "record", "name": "R", "fields": [{"type": "int"}]}"#, "/fields/0: a field needs a `name`"),
            (r#"{"type": "record", "name": "R", "fields": [{"name": "a"}]}"#, "/fields/0: field `a` needs a `type`"),
            (
                r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}"#,
                "/fields/1: the record already has a field `a`",
            ),
            (r#"{"type": "record", "name": "1R", "fields": []}"#, "/name: `1R` is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)"),
            (
                r#"{"type": "record", "name": "R", "namespace": "a..b", "fields": []}"#,
                "/namespace: `` is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)",
            ),
            (r#"{"type": "record", "name": "int", "fields": []}"#, "/name: `int` is a primitive type, not a name to declare"),
            (
                r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "record", "name": "R", "fields": []}}]}"#,
                "/fields/0/type/name: type `R` is declared twice",
            ),
            (r#"["null", ["int"]]"#, "/1: a union may not hold a union directly"),
            (r#"["string", "null", "string"]"#, "/2: the union already holds `string`"),
            (r#"[{"type": "array", "items": "int"}, {"type": "array", "items": "long"}]"#, "/1: the union already holds `array`"),
            (r#"[{"type": "string", "logicalType": "uuid"}, "string"]"#, "/1: the union already holds `string`"),
            (r#"[]"#, "(top level): an empty union has no values"),
            (r#"{"type": "enum", "name": "E"}"#, "(top level): an enum needs `symbols`, an array of names"),
            (r#"{"type": "enum", "name": "E", "symbols": ["A", "A"]}"#, "/symbols/1: the enum already has the symbol `A`"),
            (r#"{"type": "enum", "name": "E", "symbols": ["A", "b-c"]}"#, "/symbols/1: `b-c` is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)"),
            (r#"{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}"#, "/default: the default is not one of the symbols"),
            (r#"{"type": "array"}"#, "(top level): an array needs `items`"),
            (r#"{"type": "map", "values": "nope"}"#, "/values: unknown type `nope` (a named type must be declared before its use)"),
            (r#"{"type": "fixed", "name": "F", "size": -1}"#, "(top level): a fixed needs `size`, a non-negative integer"),
            (r#"{"type": "fixed", "size": 4}"#, "(top level): a named type needs a `name`"),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":{"type":"map","values":["null","X"]}}}]}"#,
                "/fields/0/type/items/values/1: unknown type `X` (a named type must be declared before its use)",
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(check_avro(schema), Err(expected.to_owned()), "{schema}");
        }
    }
}
