//! Protobuf upstream bodies (`outputRawFormat: protobuf`) converted to JSON.
//!
//! The body is one serialized message of the type the spec's `outputSchema` (a `.proto` file) declares
//! first. naftiko-codegen compiles that file at generation time into a `FileDescriptorSet`, which the
//! generated code hands to [`Decoder::new`] with the message's fully-qualified name.
//!
//! The JSON is the reference engine's (Jackson's protobuf reader), not proto3's canonical JSON mapping:
//!
//! - A message is an object whose keys are the field names exactly as in the `.proto` (no camelCase),
//!   in field-number order. Only fields present on the wire appear: no defaults are filled in.
//! - A repeated field is an array; a nested message (or group) an object; a map field an object whose
//!   keys are the map keys as text (`"true"`, `"42"`, …), in key order.
//! - `string` is a string; `bool` is `true`/`false`.
//! - Every integer type is a JSON number, the 64-bit ones included (not strings as in proto3 JSON).
//! - `float` and `double` are numbers (a `float` written with its shortest decimal form, `0.1` not
//!   `0.10000000149011612`); NaN and the infinities, which JSON cannot hold, are `null`.
//! - `bytes` is base64 text (standard alphabet, with padding).
//! - An enum is its number when the enum's values are exactly 0, 1, …, N-1 in declaration order
//!   (Jackson's "standard indexing"), otherwise the value's name; a number the enum does not declare is
//!   that number.
//! - A field number the message does not declare is an error naming it (Jackson does not skip unknown
//!   fields either).
//! - An extension field known to the descriptor set is keyed `[its.full.name]`.
//!
//! Where this differs from the engine, on purpose: `uint32`/`uint64`/`fixed*` values above the signed
//! range are their true value (Jackson reads them as signed, so negative); an undeclared enum number is
//! that number (Jackson fails); repeated scalars are accepted packed or not, whatever the `.proto` says
//! (Jackson reads packed data only from `[packed=true]` fields, so proto3's default packing fails); a
//! `bool` byte other than 0/1 is `true`; a proto3 field without presence that carries its default value
//! on the wire is left out (conforming encoders never write it).
//!
//! Bounded work: decoding allocates in proportion to the body (every element costs wire bytes), and
//! nesting stops at [`MAX_DEPTH`] JSON levels, so the answer is always JSON that serde_json can read
//! back. Error messages say what is wrong and in which message field, never the body's content.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MapKey, MessageDescriptor, ReflectMessage, Value};
use serde_json::{Map, Number, Value as Json};

/// The deepest JSON nesting an answer may have (messages, arrays and maps each count one level):
/// under serde_json's own limit of 128, so the converted body always parses again.
pub const MAX_DEPTH: usize = 100;

/// Decodes bodies of one message type into JSON.
#[derive(Clone, Debug)]
pub struct Decoder {
    message: MessageDescriptor,
    /// Full names of the enums with "standard indexing" (values 0..N-1 in declaration order), which
    /// Jackson writes as numbers: computed once here, not per value.
    indexed_enums: HashSet<String>,
}

impl Decoder {
    /// A decoder of `message` (fully qualified, e.g. `test.records.RecordsList`) described by
    /// `descriptor_set`, a serialized `google.protobuf.FileDescriptorSet` holding its file and imports.
    pub fn new(descriptor_set: &[u8], message: &str) -> Result<Decoder, String> {
        let pool = DescriptorPool::decode(descriptor_set).map_err(|error| format!("invalid protobuf descriptor set: {error}"))?;
        let Some(descriptor) = pool.get_message_by_name(message) else {
            return Err(format!("message `{message}` is not in the protobuf descriptor set"));
        };
        let indexed_enums = pool
            .all_enums()
            .filter(|enumeration| {
                let values = &enumeration.enum_descriptor_proto().value;
                values.iter().enumerate().all(|(index, value)| i32::try_from(index) == Ok(value.number()))
            })
            .map(|enumeration| enumeration.full_name().to_owned())
            .collect();
        Ok(Decoder { message: descriptor, indexed_enums })
    }

    /// `body`, one serialized message, as JSON (see the module documentation for the rules).
    pub fn to_json(&self, body: &[u8]) -> Result<Json, String> {
        let message = DynamicMessage::decode(self.message.clone(), body).map_err(|error| {
            // prost says what (`buffer underflow`) but not where: a second walk finds the byte and field.
            let detail = locate_error(&self.message, body, 0, 1).unwrap_or_else(|| {
                let detail = error.to_string();
                detail.strip_prefix("failed to decode Protobuf message: ").unwrap_or(&detail).to_owned()
            });
            format!("not a valid `{}` message: {detail}", self.message.full_name())
        })?;
        self.message_json(&message, 1)
    }

    fn message_json(&self, message: &DynamicMessage, depth: usize) -> Result<Json, String> {
        check_depth(depth)?;
        if let Some(unknown) = message.unknown_fields().next() {
            return Err(format!(
                "unknown field number {} (wire type {:?}) in message `{}`",
                unknown.number(),
                unknown.wire_type(),
                message.descriptor().full_name()
            ));
        }
        let mut object = Map::new();
        // `fields()` walks only the fields set on the wire, in field-number order.
        for (field, value) in message.fields() {
            object.insert(field.name().to_owned(), self.value_json(&field.kind(), value, depth)?);
        }
        for (extension, value) in message.extensions() {
            object.insert(format!("[{}]", extension.full_name()), self.value_json(&extension.kind(), value, depth)?);
        }
        Ok(Json::Object(object))
    }

    /// `value` of a field of type `kind` (for a list, the element type; for a map, the entry message),
    /// inside an object at nesting `depth`.
    fn value_json(&self, kind: &Kind, value: &Value, depth: usize) -> Result<Json, String> {
        Ok(match value {
            Value::Bool(value) => Json::Bool(*value),
            Value::I32(value) => Json::from(*value),
            Value::I64(value) => Json::from(*value),
            Value::U32(value) => Json::from(*value),
            Value::U64(value) => Json::from(*value),
            Value::F32(value) => float_json(*value),
            Value::F64(value) => Number::from_f64(*value).map_or(Json::Null, Json::Number),
            Value::String(value) => Json::String(value.clone()),
            Value::Bytes(value) => Json::String(BASE64.encode(value)),
            Value::EnumNumber(number) => self.enum_json(kind, *number),
            Value::Message(message) => self.message_json(message, depth + 1)?,
            Value::List(items) => {
                check_depth(depth + 1)?;
                let items = items.iter().map(|item| self.value_json(kind, item, depth + 1)).collect::<Result<Vec<_>, _>>()?;
                Json::Array(items)
            }
            Value::Map(entries) => {
                check_depth(depth + 1)?;
                let value_kind = match kind {
                    Kind::Message(entry) => entry.map_entry_value_field().kind(),
                    _ => return Err("a map field without a map entry type in the descriptor set".to_owned()),
                };
                // The decoder keeps map entries in a hash map: sorting by key makes the answer stable.
                let mut entries: Vec<(&MapKey, &Value)> = entries.iter().collect();
                entries.sort_by(|left, right| left.0.cmp(right.0));
                let mut object = Map::new();
                for (key, value) in entries {
                    object.insert(map_key_text(key), self.value_json(&value_kind, value, depth + 1)?);
                }
                Json::Object(object)
            }
        })
    }

    fn enum_json(&self, kind: &Kind, number: i32) -> Json {
        let Kind::Enum(enumeration) = kind else {
            return Json::from(number);
        };
        if self.indexed_enums.contains(enumeration.full_name()) {
            return Json::from(number);
        }
        match enumeration.get_value(number) {
            Some(value) => Json::String(value.name().to_owned()),
            None => Json::from(number),
        }
    }
}

/// Where a body that prost refused goes wrong, as "what at byte N (which field)": a walk of the wire
/// format guided by the descriptor, run only after a failure. `None` when the walk finds nothing (the
/// caller then keeps prost's own description).
fn locate_error(message: &MessageDescriptor, body: &[u8], base: usize, depth: usize) -> Option<String> {
    let mut at = 0;
    while at < body.len() {
        let start = base + at;
        let Some(key) = read_varint(body, &mut at) else {
            return Some(format!("truncated or invalid field key at byte {start} in `{}`", message.full_name()));
        };
        let (number, wire_type) = (key >> 3, key & 7);
        let field = u32::try_from(number).ok().and_then(|number| message.get_field(number));
        let name = match &field {
            Some(field) => format!("field `{}`", field.full_name()),
            None => format!("field number {number} of `{}`", message.full_name()),
        };
        if number == 0 {
            return Some(format!("invalid field number 0 at byte {start} in `{}`", message.full_name()));
        }
        if let Some(field) = &field {
            let expected = wire_type_of(&field.kind(), field.is_group());
            let packed = field.is_list() && wire_type == 2 && matches!(expected, 0 | 1 | 5);
            if wire_type != expected && !packed {
                return Some(format!("{name} at byte {start} has wire type {wire_type}, expected {expected}"));
            }
        }
        let left = |at: usize| body.len().saturating_sub(at);
        match wire_type {
            0 => {
                if read_varint(body, &mut at).is_none() {
                    return Some(format!("truncated or invalid varint at byte {} ({name})", base + at));
                }
            }
            1 | 5 => {
                let size = if wire_type == 1 { 8 } else { 4 };
                if left(at) < size {
                    return Some(format!("truncated at byte {}: {name} needs {size} bytes, {} left", base + at, left(at)));
                }
                at += size;
            }
            2 => {
                let length_at = base + at;
                let Some(length) = read_varint(body, &mut at).and_then(|length| usize::try_from(length).ok()) else {
                    return Some(format!("truncated or invalid length at byte {length_at} ({name})"));
                };
                if length > left(at) {
                    return Some(format!("truncated at byte {}: {name} declares {length} bytes, {} left", base + at, left(at)));
                }
                let content = &body[at..at + length];
                match field.as_ref().map(|field| field.kind()) {
                    Some(Kind::Message(nested)) => {
                        if depth >= MAX_DEPTH {
                            return Some(format!("the message nests deeper than {MAX_DEPTH} levels at byte {}", base + at));
                        }
                        if let Some(problem) = locate_error(&nested, content, base + at, depth + 1) {
                            return Some(problem);
                        }
                    }
                    Some(Kind::String) if std::str::from_utf8(content).is_err() => {
                        return Some(format!("{name} at byte {} is not valid UTF-8", base + at));
                    }
                    _ => {}
                }
                at += length;
            }
            // Groups (proto2, deprecated) are left to prost's description.
            3 | 4 => return None,
            _ => return Some(format!("invalid wire type {wire_type} at byte {start} ({name})")),
        }
    }
    None
}

/// The wire type a field of `kind` is written with (packed lists aside).
fn wire_type_of(kind: &Kind, group: bool) -> u64 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::String | Kind::Bytes => 2,
        Kind::Message(_) if group => 3,
        Kind::Message(_) => 2,
        _ => 0,
    }
}

/// A base-128 varint at `*at` (advanced past it), `None` if cut short or longer than ten bytes.
fn read_varint(body: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0_u64;
    for shift in 0..10 {
        let byte = *body.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << (7 * shift);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn check_depth(depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH { Err(format!("the message nests deeper than {MAX_DEPTH} levels")) } else { Ok(()) }
}

/// A `float` as the shortest decimal that reads back as the same `f32` (what Java's `Float.toString`
/// writes), not the `f64` it widens to.
fn float_json(value: f32) -> Json {
    if !value.is_finite() {
        return Json::Null;
    }
    value.to_string().parse::<f64>().ok().and_then(Number::from_f64).map_or(Json::Null, Json::Number)
}

fn map_key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(value) => value.to_string(),
        MapKey::I32(value) => value.to_string(),
        MapKey::I64(value) => value.to_string(),
        MapKey::U32(value) => value.to_string(),
        MapKey::U64(value) => value.to_string(),
        MapKey::String(value) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    //! The descriptor sets are built by hand with `prost_types` (what `protox` produces at generation
    //! time), and the bodies encoded with prost-reflect's `DynamicMessage`, the reference encoder here.

    use std::collections::HashMap;

    use prost::Message as _;
    use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
    use prost_reflect::prost_types::{
        DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, MessageOptions,
        OneofDescriptorProto,
    };
    use serde_json::json;

    use super::*;

    fn field(name: &str, number: i32, label: Label, kind: Type, type_name: Option<&str>) -> FieldDescriptorProto {
        FieldDescriptorProto {
            name: Some(name.to_owned()),
            number: Some(number),
            label: Some(label as i32),
            r#type: Some(kind as i32),
            type_name: type_name.map(str::to_owned),
            ..Default::default()
        }
    }

    fn scalar(name: &str, number: i32, kind: Type) -> FieldDescriptorProto {
        field(name, number, Label::Optional, kind, None)
    }

    fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
        DescriptorProto { name: Some(name.to_owned()), field: fields, ..Default::default() }
    }

    fn map_entry(name: &str, key: Type, value: Type, value_type_name: Option<&str>) -> DescriptorProto {
        DescriptorProto {
            options: Some(MessageOptions { map_entry: Some(true), ..Default::default() }),
            ..message(name, vec![scalar("key", 1, key), field("value", 2, Label::Optional, value, value_type_name)])
        }
    }

    fn enumeration(name: &str, values: &[(&str, i32)]) -> EnumDescriptorProto {
        EnumDescriptorProto {
            name: Some(name.to_owned()),
            value: values
                .iter()
                .map(|(name, number)| EnumValueDescriptorProto { name: Some((*name).to_owned()), number: Some(*number), ..Default::default() })
                .collect(),
            ..Default::default()
        }
    }

    fn descriptor_set(file: FileDescriptorProto) -> Vec<u8> {
        FileDescriptorSet { file: vec![file] }.encode_to_vec()
    }

    /// `schemas/test-records.proto` of the engine's tests: proto2, `RecordsList { repeated Record records = 1; }`.
    fn records_set() -> Vec<u8> {
        let record = message(
            "Record",
            vec![
                field("id", 1, Label::Required, Type::String, None),
                field("title", 2, Label::Required, Type::String, None),
                field("description", 3, Label::Required, Type::String, None),
            ],
        );
        let list = message("RecordsList", vec![field("records", 1, Label::Repeated, Type::Message, Some(".test.records.Record"))]);
        descriptor_set(FileDescriptorProto {
            name: Some("test-records.proto".to_owned()),
            package: Some("test.records".to_owned()),
            syntax: Some("proto2".to_owned()),
            message_type: vec![list, record],
            ..Default::default()
        })
    }

    /// A proto3 message with every kind of field.
    fn everything_set() -> Vec<u8> {
        let mut everything = message(
            "Everything",
            vec![
                scalar("int32_field", 1, Type::Int32),
                scalar("int64_field", 2, Type::Int64),
                scalar("uint32_field", 3, Type::Uint32),
                scalar("uint64_field", 4, Type::Uint64),
                scalar("sint32_field", 5, Type::Sint32),
                scalar("sint64_field", 6, Type::Sint64),
                scalar("fixed32_field", 7, Type::Fixed32),
                scalar("fixed64_field", 8, Type::Fixed64),
                scalar("sfixed32_field", 9, Type::Sfixed32),
                scalar("sfixed64_field", 10, Type::Sfixed64),
                scalar("float_field", 11, Type::Float),
                scalar("double_field", 12, Type::Double),
                scalar("bool_field", 13, Type::Bool),
                scalar("string_field", 14, Type::String),
                scalar("bytes_field", 15, Type::Bytes),
                field("color", 16, Label::Optional, Type::Enum, Some(".t.Color")),
                field("status", 17, Label::Optional, Type::Enum, Some(".t.Status")),
                field("child", 18, Label::Optional, Type::Message, Some(".t.Child")),
                field("numbers", 19, Label::Repeated, Type::Int32, None),
                field("children", 20, Label::Repeated, Type::Message, Some(".t.Child")),
                field("counts", 21, Label::Repeated, Type::Message, Some(".t.Everything.CountsEntry")),
                field("names", 22, Label::Repeated, Type::Message, Some(".t.Everything.NamesEntry")),
                FieldDescriptorProto { oneof_index: Some(0), ..scalar("choice_text", 23, Type::String) },
                FieldDescriptorProto { oneof_index: Some(0), ..scalar("choice_number", 24, Type::Int32) },
                field("statuses", 25, Label::Repeated, Type::Enum, Some(".t.Status")),
                scalar("float_nan", 26, Type::Float),
                scalar("double_infinity", 27, Type::Double),
                field("children_by_name", 28, Label::Repeated, Type::Message, Some(".t.Everything.ChildrenByNameEntry")),
            ],
        );
        everything.nested_type = vec![
            map_entry("CountsEntry", Type::String, Type::Int64, None),
            map_entry("NamesEntry", Type::Int32, Type::String, None),
            map_entry("ChildrenByNameEntry", Type::String, Type::Message, Some(".t.Child")),
        ];
        everything.oneof_decl = vec![OneofDescriptorProto { name: Some("choice".to_owned()), ..Default::default() }];
        descriptor_set(FileDescriptorProto {
            name: Some("everything.proto".to_owned()),
            package: Some("t".to_owned()),
            syntax: Some("proto3".to_owned()),
            message_type: vec![everything, message("Child", vec![scalar("name", 1, Type::String), scalar("age", 2, Type::Int32)])],
            enum_type: vec![
                enumeration("Color", &[("RED", 0), ("GREEN", 1), ("BLUE", 2)]),
                enumeration("Status", &[("UNKNOWN", 0), ("ACTIVE", 5), ("RETIRED", 9)]),
            ],
            ..Default::default()
        })
    }

    /// A recursive message, for the nesting limit.
    fn node_set() -> Vec<u8> {
        descriptor_set(FileDescriptorProto {
            name: Some("node.proto".to_owned()),
            syntax: Some("proto3".to_owned()),
            message_type: vec![message(
                "Node",
                vec![
                    field("child", 1, Label::Optional, Type::Message, Some(".Node")),
                    field("children", 2, Label::Repeated, Type::Message, Some(".Node")),
                ],
            )],
            ..Default::default()
        })
    }

    fn new_message(decoder: &Decoder, name: &str) -> DynamicMessage {
        let descriptor = decoder.message.parent_pool().get_message_by_name(name).expect("message in the test descriptor set");
        DynamicMessage::new(descriptor)
    }

    fn string(value: &str) -> Value {
        Value::String(value.to_owned())
    }

    #[test]
    fn records_list_of_the_engine_sample_round_trips() {
        let decoder = Decoder::new(&records_set(), "test.records.RecordsList").expect("decoder");
        let record = |id: &str, title: &str, description: &str| {
            let mut record = new_message(&decoder, "test.records.Record");
            record.set_field_by_name("id", string(id));
            record.set_field_by_name("title", string(title));
            record.set_field_by_name("description", string(description));
            Value::Message(record)
        };
        let mut list = new_message(&decoder, "test.records.RecordsList");
        list.set_field_by_name("records", Value::List(vec![record("1", "First", "Desc"), record("2", "Second", "")]));
        let body = list.encode_to_vec();
        assert_eq!(
            decoder.to_json(&body).expect("decodes"),
            json!({"records": [
                {"id": "1", "title": "First", "description": "Desc"},
                {"id": "2", "title": "Second", "description": ""},
            ]})
        );
        // The same bytes written by hand: field 1 (LEN) holding fields 1, 2, 3 (LEN).
        let by_hand = b"\x0a\x10\x0a\x011\x12\x05First\x1a\x04Desc\x0a\x0d\x0a\x012\x12\x06Second\x1a\x00";
        assert_eq!(body, by_hand);
    }

    #[test]
    fn every_field_kind_follows_the_engine_rules() {
        let decoder = Decoder::new(&everything_set(), "t.Everything").expect("decoder");
        let child = |name: &str, age: i32| {
            let mut child = new_message(&decoder, "t.Child");
            child.set_field_by_name("name", string(name));
            child.set_field_by_name("age", Value::I32(age));
            Value::Message(child)
        };
        let mut everything = new_message(&decoder, "t.Everything");
        everything.set_field_by_name("int32_field", Value::I32(-7));
        everything.set_field_by_name("int64_field", Value::I64(-9_007_199_254_740_993));
        everything.set_field_by_name("uint32_field", Value::U32(4_000_000_000));
        everything.set_field_by_name("uint64_field", Value::U64(18_000_000_000_000_000_000));
        everything.set_field_by_name("sint32_field", Value::I32(-3));
        everything.set_field_by_name("sint64_field", Value::I64(i64::MIN));
        everything.set_field_by_name("fixed32_field", Value::U32(7));
        everything.set_field_by_name("fixed64_field", Value::U64(u64::MAX));
        everything.set_field_by_name("sfixed32_field", Value::I32(-1));
        everything.set_field_by_name("sfixed64_field", Value::I64(1 << 60));
        everything.set_field_by_name("float_field", Value::F32(0.1));
        everything.set_field_by_name("double_field", Value::F64(2.5e-300));
        everything.set_field_by_name("bool_field", Value::Bool(true));
        everything.set_field_by_name("string_field", string("héllo"));
        everything.set_field_by_name("bytes_field", Value::Bytes(vec![0, 1, 2, 0xff].into()));
        everything.set_field_by_name("color", Value::EnumNumber(2));
        everything.set_field_by_name("status", Value::EnumNumber(5));
        everything.set_field_by_name("child", child("Ann", 41));
        everything.set_field_by_name("numbers", Value::List(vec![Value::I32(1), Value::I32(-2), Value::I32(300)]));
        everything.set_field_by_name("children", Value::List(vec![child("Bo", 1), child("", 0)]));
        let counts = HashMap::from([(MapKey::String("b".to_owned()), Value::I64(2)), (MapKey::String("a".to_owned()), Value::I64(1))]);
        everything.set_field_by_name("counts", Value::Map(counts));
        let names = HashMap::from([(MapKey::I32(10), string("ten")), (MapKey::I32(-1), string("minus one")), (MapKey::I32(2), string("two"))]);
        everything.set_field_by_name("names", Value::Map(names));
        everything.set_field_by_name("choice_number", Value::I32(0));
        everything.set_field_by_name("statuses", Value::List(vec![Value::EnumNumber(0), Value::EnumNumber(9), Value::EnumNumber(3)]));
        everything.set_field_by_name("float_nan", Value::F32(f32::NAN));
        everything.set_field_by_name("double_infinity", Value::F64(f64::NEG_INFINITY));
        everything.set_field_by_name("children_by_name", Value::Map(HashMap::from([(MapKey::String("x".to_owned()), child("X", 9))])));
        let body = everything.encode_to_vec();
        let answer = decoder.to_json(&body).expect("decodes");
        let expected = json!({
            "int32_field": -7,
            "int64_field": -9_007_199_254_740_993_i64,
            "uint32_field": 4_000_000_000_u32,
            "uint64_field": 18_000_000_000_000_000_000_u64,
            "sint32_field": -3,
            "sint64_field": i64::MIN,
            "fixed32_field": 7,
            "fixed64_field": u64::MAX,
            "sfixed32_field": -1,
            "sfixed64_field": 1_i64 << 60,
            "float_field": 0.1,
            "double_field": 2.5e-300,
            "bool_field": true,
            "string_field": "héllo",
            "bytes_field": "AAEC/w==",
            "color": 2,
            "status": "ACTIVE",
            "child": {"name": "Ann", "age": 41},
            "numbers": [1, -2, 300],
            "children": [{"name": "Bo", "age": 1}, {}],
            "counts": {"a": 1, "b": 2},
            "names": {"-1": "minus one", "2": "two", "10": "ten"},
            "choice_number": 0,
            "statuses": ["UNKNOWN", "RETIRED", 3],
            "float_nan": null,
            "double_infinity": null,
            "children_by_name": {"x": {"name": "X", "age": 9}},
        });
        assert_eq!(answer, expected);
        // Exact text, order included: field-number order, a float in its shortest form, 64-bit numbers unquoted.
        assert_eq!(answer.to_string(), expected.to_string());
        assert!(answer.to_string().contains(r#""float_field":0.1,"#), "{answer}");
        assert!(answer.to_string().contains(r#""int64_field":-9007199254740993,"#), "{answer}");
    }

    #[test]
    fn absent_fields_stay_absent() {
        let decoder = Decoder::new(&everything_set(), "t.Everything").expect("decoder");
        assert_eq!(decoder.to_json(b"").expect("empty message"), json!({}));
        // A nested message that is present but empty is an empty object; a proto2 required field left out
        // is simply absent (not enforced on read, as Jackson).
        let records = Decoder::new(&records_set(), "test.records.RecordsList").expect("decoder");
        assert_eq!(records.to_json(b"\x0a\x00\x0a\x03\x0a\x011").expect("decodes"), json!({"records": [{}, {"id": "1"}]}));
    }

    #[test]
    fn unpacked_repeated_scalars_are_read_too() {
        let decoder = Decoder::new(&everything_set(), "t.Everything").expect("decoder");
        // Field 19 as three separate varints (proto2 style) rather than one packed run.
        assert_eq!(decoder.to_json(b"\x98\x01\x01\x98\x01\x02\x98\x01\x03").expect("decodes"), json!({"numbers": [1, 2, 3]}));
    }

    #[test]
    fn unknown_field_numbers_are_errors_naming_the_number() {
        let decoder = Decoder::new(&records_set(), "test.records.RecordsList").expect("decoder");
        // Field 99, varint 1, at the top level.
        let error = decoder.to_json(b"\x98\x06\x01").expect_err("unknown field");
        assert!(error.contains("unknown field number 99") && error.contains("test.records.RecordsList"), "{error}");
        // Field 4 inside a Record.
        let error = decoder.to_json(b"\x0a\x05\x0a\x011\x20\x07").expect_err("unknown nested field");
        assert!(error.contains("unknown field number 4") && error.contains("test.records.Record"), "{error}");
    }

    #[test]
    fn broken_bodies_say_what_is_wrong_without_their_content() {
        let decoder = Decoder::new(&records_set(), "test.records.RecordsList").expect("decoder");
        // A record claiming 32 bytes, holding a secret cut short.
        let error = decoder.to_json(b"\x0a\x20\x0a\x06SECRET").expect_err("truncated");
        assert_eq!(
            error,
            "not a valid `test.records.RecordsList` message: truncated at byte 2: field `test.records.RecordsList.records` declares 32 bytes, 8 left"
        );
        // Cut inside a nested record.
        let error = decoder.to_json(b"\x0a\x08\x0a\x09SECRET").expect_err("truncated");
        assert!(error.ends_with("truncated at byte 4: field `test.records.Record.id` declares 9 bytes, 6 left"), "{error}");
        // A string that is not UTF-8.
        let error = decoder.to_json(b"\x0a\x04\x0a\x02\xff\xfe").expect_err("bad UTF-8");
        assert!(error.ends_with("field `test.records.Record.id` at byte 4 is not valid UTF-8"), "{error}");
        // The wrong wire type for a known field.
        let error = decoder.to_json(b"\x08\x01").expect_err("wire type");
        assert!(error.ends_with("field `test.records.RecordsList.records` at byte 0 has wire type 0, expected 2"), "{error}");
        // A key cut short.
        let error = decoder.to_json(b"\x0a\x00\x80").expect_err("key");
        assert!(error.ends_with("truncated or invalid field key at byte 2 in `test.records.RecordsList`"), "{error}");
    }

    #[test]
    fn nesting_is_capped() {
        let decoder = Decoder::new(&node_set(), "Node").expect("decoder");
        let nested = |levels: usize, field: u8| {
            let mut body = Vec::new();
            for _ in 0..levels {
                let mut outer = vec![field];
                prost::encoding::encode_varint(body.len() as u64, &mut outer);
                outer.extend_from_slice(&body);
                body = outer;
            }
            body
        };
        // 60 messages in singular fields: 61 levels of JSON.
        assert!(decoder.to_json(&nested(60, 0x0a)).is_ok());
        // 60 messages in repeated fields: each level is an array and an object, 121 levels.
        let error = decoder.to_json(&nested(60, 0x12)).expect_err("too deep");
        assert!(error.contains("deeper than 100"), "{error}");
        // Far deeper than prost's recursion limit: an error, not a stack overflow.
        assert!(decoder.to_json(&nested(5_000, 0x0a)).is_err());
    }

    #[test]
    fn random_and_truncated_bodies_never_panic() {
        let decoder = Decoder::new(&everything_set(), "t.Everything").expect("decoder");
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = (next() % 64) as usize;
            let body: Vec<u8> = (0..length).map(|_| next() as u8).collect();
            let _ = decoder.to_json(&body);
        }
        // Every prefix, and every single-byte corruption, of a valid body.
        let mut everything = new_message(&decoder, "t.Everything");
        everything.set_field_by_name("string_field", string("abc"));
        everything.set_field_by_name("numbers", Value::List(vec![Value::I32(1), Value::I32(300)]));
        everything.set_field_by_name("counts", Value::Map(HashMap::from([(MapKey::String("a".to_owned()), Value::I64(1))])));
        crate::formats::test_support::prefixes_and_corruptions(&everything.encode_to_vec(), |body| {
            let _ = decoder.to_json(body);
        });
    }

    #[test]
    fn huge_declared_lengths_allocate_nothing() {
        let decoder = Decoder::new(&everything_set(), "t.Everything").expect("decoder");
        // bytes_field (15) claiming 2^62 bytes, in an 11-byte body.
        let error = decoder.to_json(b"\x7a\x80\x80\x80\x80\x80\x80\x80\x80\x40").expect_err("too long");
        assert!(!error.is_empty());
    }

    #[test]
    fn bad_descriptor_sets_and_names_are_errors() {
        assert!(Decoder::new(b"\xff\xff", "x.Y").expect_err("garbage").contains("descriptor set"));
        let error = Decoder::new(&records_set(), "test.records.Missing").expect_err("unknown message");
        assert!(error.contains("`test.records.Missing`"), "{error}");
    }

    #[test]
    fn the_decoder_can_live_in_a_static() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Decoder>();
    }
}
