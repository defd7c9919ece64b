//! What generated flows call: orchestration steps, lookups, replies built from mappings, and the
//! conversions between their values. Every path and name was resolved at generation time; these
//! functions only walk fixed paths and compare values.

use serde_json::Map;

use crate::input::Input;
pub use crate::mapping::Step;
use crate::{Error, ParamValue, Response};
pub use serde_json::Value;

/// A call step's reply as JSON. An error status or a failed call stops the flow with an error naming
/// the step; a body that is not JSON (or none, as a 204 has) is `null`: there is nothing in it to
/// refer to.
pub fn step(name: &str, reply: Result<Response, Error>) -> Result<Value, Error> {
    let response = reply_of(name, reply)?;
    Ok(serde_json::from_slice(&response.body).unwrap_or(Value::Null))
}

/// The reply of a flow's last call, as the flow's own: an error status or a failed call is an error
/// naming the step.
pub fn reply_of(name: &str, reply: Result<Response, Error>) -> Result<Response, Error> {
    match reply {
        Ok(response) if response.status.as_u16() >= 400 => Err(Error::Status(Box::new(response)).in_step(name)),
        Ok(response) => Ok(response),
        Err(error) => Err(error.in_step(name)),
    }
}

/// A step's output reduced to the named outputs its operation declares, as the reference engine
/// keeps it: an object becomes those outputs; each object of an array keeps its own members and
/// gains them.
pub fn project(value: Value, outputs: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match (outputs(&item), item) {
                    (Value::Object(named), Value::Object(mut item)) => {
                        item.extend(named);
                        Value::Object(item)
                    }
                    (_, item) => item,
                })
                .collect(),
        ),
        other => outputs(&other),
    }
}

/// The JSON at `steps` of a step's output; `None` where a member is missing (an explicit `null` is
/// `Some(null)`). `[*]` collects what each element has.
pub fn at<'a>(value: impl Into<Option<&'a Value>>, steps: &[Step]) -> Option<Value> {
    let value = value.into()?;
    match steps.split_first() {
        None => Some(value.clone()),
        Some((Step::Field(name), rest)) => at(value.get(*name), rest),
        Some((Step::Index(i), rest)) => at(value.get(*i), rest),
        Some((Step::Each, rest)) => match value {
            Value::Array(items) => Some(Value::Array(items.iter().filter_map(|v| at(v, rest)).collect())),
            _ => None,
        },
    }
}

/// A lookup step: the entries of `index` (an array of objects, or one object) whose `key` member
/// equals `value` as text, each reduced to `fields` (`null` for those it lacks). When `value` is an
/// array, each of its elements is looked up and the matches collected in order; `None` when nothing
/// matches.
pub fn lookup(index: &Value, key: &str, value: Option<&Value>, fields: &[&str]) -> Option<Value> {
    let entries: Vec<&Map<String, Value>> = match index {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(object) => vec![object],
        _ => Vec::new(),
    };
    let find = |wanted: &Value| -> Option<Value> {
        let wanted = as_text(wanted);
        let entry = entries.iter().find(|entry| entry.get(key).is_some_and(|v| as_text(v) == wanted))?;
        Some(Value::Object(fields.iter().map(|f| ((*f).to_owned(), entry.get(*f).cloned().unwrap_or(Value::Null))).collect()))
    };
    match value? {
        Value::Array(wanted) => {
            let found: Vec<Value> = wanted.iter().filter_map(find).collect();
            (!found.is_empty()).then_some(Value::Array(found))
        }
        wanted => find(wanted),
    }
}

/// A value as text, for comparisons and templates: a string is its content, `null` is `"null"`,
/// numbers and booleans are written out, arrays and objects are compact JSON.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A step value inside a text template; a missing one is empty.
pub fn text(value: Option<Value>) -> String {
    value.as_ref().map(as_text).unwrap_or_default()
}

/// A step value (or any JSON) as a parameter's type; an error naming the parameter when it does not
/// fit.
pub fn param<T: Input>(parameter: &str, value: Option<Value>) -> Result<Option<T>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::from_json(&value).map(Some).ok_or_else(|| Error::invalid(parameter, format!("must be {}", T::EXPECTED))),
    }
}

/// An input of one type given to a parameter of another (`integer` input, `string` parameter).
pub fn convert<T: Input, V: ParamValue + ?Sized>(parameter: &str, value: &V) -> Result<Option<T>, Error> {
    param(parameter, value.to_json())
}

/// Text built from a template, as a parameter's type (`"5"` for an integer is `5`).
pub fn parse<T: Input>(parameter: &str, text: String) -> Result<T, Error> {
    T::from_text(&text).ok_or_else(|| Error::invalid(parameter, format!("must be {}", T::EXPECTED)))
}

/// A required parameter without a value stops the flow, naming it.
pub fn required<T>(parameter: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::invalid(parameter, "a value is required"))
}

/// Text of a mock output declared `integer`, `number` or `boolean`, as that type when it is one
/// (`"42"` → `42`); otherwise the text.
pub fn typed(text: String, kind: Kind) -> Value {
    let parsed = match kind {
        Kind::Integer => text.trim().parse::<i64>().ok().map(Value::from),
        Kind::Number => text.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number),
        Kind::Boolean => text.trim().parse::<bool>().ok().map(Value::Bool),
    };
    parsed.unwrap_or(Value::String(text))
}

/// The declared type of a mock output with a text value.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Integer,
    Number,
    Boolean,
}

/// A mock output's text as JSON.
pub fn string(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

/// An object of these members, in order (a mock reply).
pub fn object<'a>(members: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A flow's JSON reply: 200 with the value, or 204 when it is an empty object (a mock with nothing
/// to say).
pub fn json(value: Value) -> Response {
    if value.as_object().is_some_and(Map::is_empty) {
        return Response { status: http::StatusCode::NO_CONTENT, headers: http::HeaderMap::new(), body: bytes::Bytes::new() };
    }
    Response::from_json(http::StatusCode::OK, &value)
}

/// A call's reply shaped by a compiled output mapping when it succeeded; an error status or a failed
/// call as it is.
pub fn shaped(reply: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> Result<Response, Error> {
    match reply {
        Ok(response) if response.status.is_success() => shape(response, mapping),
        other => other,
    }
}

/// A flow's reply shaped by a compiled output mapping (the upstream's status and headers kept).
pub fn shape(response: Response, mapping: impl FnOnce(&Value) -> Value) -> Result<Response, Error> {
    let value: Value = serde_json::from_slice(&response.body).map_err(Error::Decode)?;
    let mut shaped = Response::from_json(response.status, &mapping(&value));
    for name in [http::header::LINK, http::header::LOCATION, http::header::RETRY_AFTER] {
        if let Some(v) = response.headers.get(&name) {
            shaped.headers.insert(name, v.clone());
        }
    }
    Ok(shaped)
}

/// The object a flow's `mappings` build: each member at a dot path; a value a mapping does not find
/// leaves its member out.
#[derive(Debug, Default)]
pub struct Reply(Map<String, Value>);

impl Reply {
    pub fn new() -> Reply {
        Reply::default()
    }

    /// Sets the member at `path` (`["route", "from"]` → `{"route": {"from": …}}`); `None` sets nothing.
    pub fn set(&mut self, path: &[&str], value: Option<Value>) {
        let (Some(value), Some((last, parents))) = (value, path.split_last()) else { return };
        let mut object = &mut self.0;
        for parent in parents {
            let member = object.entry((*parent).to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !member.is_object() {
                *member = Value::Object(Map::new());
            }
            let Value::Object(inner) = member else { return };
            object = inner;
        }
        object.insert((*last).to_owned(), value);
    }

    /// The reply: 200 with the object as JSON.
    pub fn into_response(self) -> Response {
        Response::from_json(http::StatusCode::OK, &Value::Object(self.0))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reply(status: u16, body: &str) -> Result<Response, Error> {
        Ok(Response {
            status: http::StatusCode::from_u16(status).unwrap(),
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::from(body.to_owned()),
        })
    }

    #[test]
    fn steps_stop_on_errors_and_name_the_step() {
        assert_eq!(step("get-ship", reply(200, r#"{"a": 1}"#)).unwrap(), json!({"a": 1}));
        assert_eq!(step("delete", reply(204, "")).unwrap(), Value::Null);
        let failed = step("get-ship", reply(404, r#"{"message": "no"}"#)).unwrap_err();
        assert_eq!(failed.to_string(), r#"step `get-ship`: upstream replied 404 Not Found: {"message": "no"}"#);
        assert_eq!(failed.status().map(|s| s.as_u16()), Some(404));
    }

    #[test]
    fn paths_tell_missing_from_null() {
        let v = json!({"a": {"b": null, "list": [{"id": 1}, {"x": 2}, {"id": 3}]}});
        assert_eq!(at(&v, &[Step::Field("a"), Step::Field("b")]), Some(Value::Null));
        assert_eq!(at(&v, &[Step::Field("a"), Step::Field("c")]), None);
        assert_eq!(at(&v, &[Step::Field("a"), Step::Field("list"), Step::Each, Step::Field("id")]), Some(json!([1, 3])));
        assert_eq!(at(None, &[]), None);
    }

    #[test]
    fn lookups_match_as_text_and_keep_fields() {
        let crew = json!([{"crewId": "CREW-001", "fullName": "Erik", "role": "captain"}, {"crewId": 3, "fullName": "Aiko"}]);
        let wanted = json!(["CREW-001", "3", "CREW-404"]);
        assert_eq!(
            lookup(&crew, "crewId", Some(&wanted), &["fullName", "role"]),
            Some(json!([{"fullName": "Erik", "role": "captain"}, {"fullName": "Aiko", "role": null}]))
        );
        assert_eq!(lookup(&crew, "crewId", Some(&json!("CREW-001")), &["role"]), Some(json!({"role": "captain"})));
        assert_eq!(lookup(&crew, "crewId", Some(&json!("nobody")), &["role"]), None);
        assert_eq!(lookup(&crew, "crewId", None, &["role"]), None);
    }

    #[test]
    fn replies_nest_dot_paths_and_leave_out_what_is_missing() {
        let mut r = Reply::new();
        r.set(&["route", "from"], Some(json!("Oslo")));
        r.set(&["route", "to"], Some(json!("Singapore")));
        r.set(&["missing"], None);
        r.set(&["explicit"], Some(Value::Null));
        let response = r.into_response();
        assert_eq!(response.json::<Value>().unwrap(), json!({"route": {"from": "Oslo", "to": "Singapore"}, "explicit": null}));
    }

    #[test]
    fn projections_keep_named_outputs() {
        let named = |v: &Value| json!({"id": v["user"]["id"]});
        assert_eq!(project(json!({"user": {"id": 1}, "other": 2}), named), json!({"id": 1}));
        assert_eq!(project(json!([{"user": {"id": 1}, "x": 0}]), named), json!([{"user": {"id": 1}, "x": 0, "id": 1}]));
    }

    #[test]
    fn conversions() {
        assert_eq!(param::<i64>("n", Some(json!("5"))).unwrap(), Some(5));
        assert!(param::<i64>("n", Some(json!({}))).is_err());
        assert_eq!(convert::<String, i64>("n", &7).unwrap().as_deref(), Some("7"));
        assert_eq!(typed("42".into(), Kind::Integer), json!(42));
        assert_eq!(typed("forty".into(), Kind::Integer), json!("forty"));
        assert_eq!(json(json!({})).status, 204);
        assert_eq!(text(Some(json!(["a"]))), r#"["a"]"#);
    }
}
