//! A tool call's arguments read into parameter types by generated code.

use serde_json::{Map, Value};

use crate::input::{Input, describe};
use crate::mcp::ToolError;

/// A tool call's arguments, read into parameter types by generated code.
#[derive(Clone, Debug, Default)]
pub struct Arguments(Map<String, Value>);

impl Arguments {
    pub fn new(arguments: Map<String, Value>) -> Self {
        Arguments(arguments)
    }

    /// Argument `name` converted to `T`; `None` when absent or `null`, an error naming the argument
    /// when it does not fit.
    pub fn get<T: Input>(&self, name: &str) -> Result<Option<T>, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_json(value)
                .map(Some)
                .ok_or_else(|| ToolError::new(format!("argument `{name}` must be {}, got {}", T::EXPECTED, describe(value)))),
        }
    }

    /// The value at a JSONPath of the arguments (`value: $.user.id`) converted to `T`; `input` names it.
    pub fn path<T: Input>(&self, input: &str, path: &[crate::mapping::Step]) -> Result<Option<T>, ToolError> {
        match crate::flow::at(&Value::Object(self.0.clone()), path) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_json(&value)
                .map(Some)
                .ok_or_else(|| ToolError::new(format!("argument `{input}` must be {}, got {}", T::EXPECTED, describe(&value)))),
        }
    }

    /// Argument `name` as text (numbers and booleans written out), for `with` templates.
    pub fn text(&self, name: &str) -> Result<Option<String>, ToolError> {
        self.get::<String>(name)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// A required parameter whose argument is absent is a tool error naming it.
pub fn required<T>(argument: &str, value: Option<T>) -> Result<T, ToolError> {
    value.ok_or_else(|| ToolError::new(format!("missing required argument `{argument}`")))
}

/// Text built from arguments (a `with` template) converted to a parameter's type.
pub fn parse<T: Input>(parameter: &str, text: &str) -> Result<T, ToolError> {
    T::from_text(text).ok_or_else(|| ToolError::new(format!("`{parameter}` must be {}, got {text:?}", T::EXPECTED)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::test_support::*;

    #[test]
    fn arguments_convert_to_parameter_types() {
        let a = Arguments::new(args(json!({"s": "x", "n": 5, "f": 2.5, "b": true, "list": ["a", 1], "one": "a", "nil": null, "text_n": "7"})));
        assert_eq!(a.get::<String>("s"), Ok(Some("x".to_owned())));
        assert_eq!(a.get::<String>("n"), Ok(Some("5".to_owned())));
        assert_eq!(a.get::<i64>("n"), Ok(Some(5)));
        assert_eq!(a.get::<i64>("text_n"), Ok(Some(7)));
        assert_eq!(a.get::<f64>("f"), Ok(Some(2.5)));
        assert_eq!(a.get::<bool>("b"), Ok(Some(true)));
        assert_eq!(a.get::<Vec<String>>("list"), Ok(Some(vec!["a".to_owned(), "1".to_owned()])));
        assert_eq!(a.get::<Vec<String>>("one"), Ok(Some(vec!["a".to_owned()])));
        assert_eq!(a.get::<Value>("b"), Ok(Some(json!(true))));
        assert_eq!(a.get::<String>("nil"), Ok(None));
        assert_eq!(a.get::<String>("absent"), Ok(None));
        assert_eq!(a.get::<i64>("f").unwrap_err().message(), "argument `f` must be an integer, got a number");
        assert_eq!(a.get::<bool>("s").unwrap_err().message(), "argument `s` must be `true` or `false`, got a string");
        assert_eq!(required("zone", a.get::<String>("absent").unwrap()).unwrap_err().message(), "missing required argument `zone`");
        assert_eq!(parse::<i64>("per_page", "x").unwrap_err().message(), "`per_page` must be an integer, got \"x\"");
    }
}
