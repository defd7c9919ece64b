//! Run-time configuration of generated code: secrets from the environment or files, base URLs.

use std::path::{Path, PathBuf};

use crate::Secret;

/// Configuration that is missing or unreadable. Messages name variables, files and keys, never values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("environment variable `{variable}` is not set")]
    MissingEnv { variable: String },
    #[error("environment variable `{variable}` is not valid UTF-8")]
    NotUnicode { variable: String },
    #[error("cannot read secrets file `{}`: {reason}", path.display())]
    UnreadableFile { path: PathBuf, reason: String },
    #[error("secrets file `{}` has no key `{key}`", path.display())]
    MissingKey { path: PathBuf, key: String },
    #[error("no base URL for the upstream API: set environment variable `{variable}` or pass the URL to `Client::new`")]
    MissingBaseUrl { variable: String },
}

/// The environment variable `name` as a secret.
pub fn secret_from_env(name: &str) -> Result<Secret, ConfigError> {
    match std::env::var(name) {
        Ok(value) => Ok(Secret::new(value)),
        Err(std::env::VarError::NotPresent) => Err(ConfigError::MissingEnv { variable: name.to_owned() }),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { variable: name.to_owned() }),
    }
}

/// The value of `key` in the JSON or YAML file at `location` (`file://…`, or a plain path), as a secret.
///
/// Relative locations (`file://secrets.json`, `file://./conf/keys.yaml`, `file:///./conf/keys.yaml`) are resolved from the current
/// directory, absolute ones (`file:///etc/app/keys.json`) as they are. A file is JSON when its name ends
/// in `.json` or its text starts with `{`; otherwise it is read as YAML. Of YAML only top-level
/// `key: value` lines are understood (plain, `'single'` or `"double"` quoted scalars, `#` comments):
/// that is what a secrets file holds, and it spares every generated crate a YAML parser.
pub fn secret_from_file(location: &str, key: &str) -> Result<Secret, ConfigError> {
    let path = file_path(location);
    let unreadable = |reason: String| ConfigError::UnreadableFile { path: path.clone(), reason };
    let text = std::fs::read_to_string(&path).map_err(|e| unreadable(e.to_string()))?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) || text.trim_start().starts_with('{');
    let value = if is_json { json_value(&text, key).map_err(unreadable)? } else { yaml_value(&text, key).map_err(unreadable)? };
    value.map(Secret::new).ok_or_else(|| ConfigError::MissingKey { path: path.clone(), key: key.to_owned() })
}

/// The base URL of an upstream API: the environment variable `variable` when set and not empty, else
/// `default` (the spec's `baseUri`); without either, an error that names the variable to set.
pub fn base_url_from_env(variable: &str, default: Option<&str>) -> Result<String, ConfigError> {
    let url = match std::env::var(variable) {
        Ok(url) if !url.trim().is_empty() => url,
        Ok(_) | Err(std::env::VarError::NotPresent) => match default {
            Some(url) => url.to_owned(),
            None => return Err(ConfigError::MissingBaseUrl { variable: variable.to_owned() }),
        },
        Err(std::env::VarError::NotUnicode(_)) => return Err(ConfigError::NotUnicode { variable: variable.to_owned() }),
    };
    Ok(url.trim().trim_end_matches('/').to_owned())
}

fn file_path(location: &str) -> PathBuf {
    let rest = location.strip_prefix("file://").unwrap_or(location);
    // `file://localhost/etc/x` names the same file as `file:///etc/x`.
    let rest = if rest.starts_with("localhost/") { &rest["localhost".len()..] } else { rest };
    // `file:///./x` and `file:///../x` are the spec language's relative form (the engine resolves
    // them from the current directory), not `/x`.
    let rest = if rest.starts_with("/./") || rest.starts_with("/../") { &rest[1..] } else { rest };
    Path::new(rest).to_path_buf()
}

/// A top-level string (or number/boolean, as text) of a JSON object; `None` when absent or null.
fn json_value(text: &str, key: &str) -> Result<Option<String>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    let serde_json::Value::Object(map) = value else {
        return Err("the JSON document is not an object".to_owned());
    };
    match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => Ok(Some(v.to_string())),
        Some(_) => Err(format!("the value of key `{key}` is not a string")),
    }
}

/// `key: value` at the top level of a YAML mapping (see [`secret_from_file`] for what is understood).
fn yaml_value(text: &str, key: &str) -> Result<Option<String>, String> {
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" || trimmed == "..." || line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((raw_key, raw_value)) = split_yaml_entry(trimmed) else {
            return Err(format!("line {} is not a `key: value` line", number + 1));
        };
        if unquote_key(raw_key) != key {
            continue;
        }
        return yaml_scalar(raw_value)
            .map(Some)
            .ok_or_else(|| format!("the value of key `{key}` (line {}) is not a plain or quoted scalar", number + 1));
    }
    Ok(None)
}

fn split_yaml_entry(line: &str) -> Option<(&str, &str)> {
    // The key may be quoted and contain `: `; find the separator after it.
    let key_end = match line.chars().next()? {
        q @ ('"' | '\'') => line[1..].find(q)? + 2,
        _ => 0,
    };
    let sep = line[key_end..].find(": ").map(|i| i + key_end).or_else(|| line.ends_with(':').then(|| line.len() - 1))?;
    Some((line[..sep].trim(), line[sep + 1..].trim()))
}

fn unquote_key(key: &str) -> &str {
    let quoted = key.len() >= 2 && ((key.starts_with('"') && key.ends_with('"')) || (key.starts_with('\'') && key.ends_with('\'')));
    if quoted { &key[1..key.len() - 1] } else { key }
}

fn yaml_scalar(raw: &str) -> Option<String> {
    if let Some(body) = raw.strip_prefix('\'') {
        let end = body.rfind('\'')?;
        return Some(body[..end].replace("''", "'"));
    }
    if let Some(body) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => out.push(match chars.next()? {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    other => other,
                }),
                c => out.push(c),
            }
        }
        return None;
    }
    let plain = match raw.find(" #") {
        Some(i) => raw[..i].trim_end(),
        None => raw,
    };
    // Block scalars, flow collections and anchors are YAML we do not read: refuse rather than guess.
    if plain.is_empty() || plain.starts_with(['|', '>', '[', '{', '&', '*', '!']) {
        return None;
    }
    Some(plain.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("naftiko-runtime-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        format!("file://{}", path.display())
    }

    #[test]
    fn json_file() {
        let loc = write("keys.json", r#"{"API_KEY": "k-123", "PORT": 8080, "NESTED": {"a": 1}}"#);
        assert_eq!(secret_from_file(&loc, "API_KEY").unwrap().expose(), "k-123");
        assert_eq!(secret_from_file(&loc, "PORT").unwrap().expose(), "8080");
        assert!(matches!(secret_from_file(&loc, "NOPE"), Err(ConfigError::MissingKey { .. })));
        assert!(matches!(secret_from_file(&loc, "NESTED"), Err(ConfigError::UnreadableFile { .. })));
    }

    #[test]
    fn yaml_file() {
        let loc = write(
            "keys.yaml",
            "# secrets\n---\nAPI_KEY: k-123 # comment\nTOKEN: 'it''s'\n\"QUOTED\": \"a\\\"b\"\nURL: https://x.test/a#b\nBLOCK: |\n  text\n",
        );
        assert_eq!(secret_from_file(&loc, "API_KEY").unwrap().expose(), "k-123");
        assert_eq!(secret_from_file(&loc, "TOKEN").unwrap().expose(), "it's");
        assert_eq!(secret_from_file(&loc, "QUOTED").unwrap().expose(), "a\"b");
        assert_eq!(secret_from_file(&loc, "URL").unwrap().expose(), "https://x.test/a#b");
        assert!(matches!(secret_from_file(&loc, "BLOCK"), Err(ConfigError::UnreadableFile { .. })));
        assert!(matches!(secret_from_file(&loc, "MISSING"), Err(ConfigError::MissingKey { .. })));
    }

    #[test]
    fn errors_name_the_variable_never_a_value() {
        let err = secret_from_env("NAFTIKO_RUNTIME_TEST_SURELY_UNSET").unwrap_err();
        assert_eq!(err.to_string(), "environment variable `NAFTIKO_RUNTIME_TEST_SURELY_UNSET` is not set");
        let err = secret_from_file("file://./surely/missing.json", "K").unwrap_err();
        assert!(err.to_string().starts_with("cannot read secrets file `./surely/missing.json`"), "{err}");
    }

    #[test]
    fn base_url() {
        assert_eq!(base_url_from_env("NAFTIKO_RUNTIME_TEST_SURELY_UNSET", Some("https://a.test/v1/")).unwrap(), "https://a.test/v1");
        let err = base_url_from_env("NAFTIKO_RUNTIME_TEST_SURELY_UNSET", None).unwrap_err();
        assert!(err.to_string().contains("`NAFTIKO_RUNTIME_TEST_SURELY_UNSET`"));
    }

    #[test]
    fn file_locations() {
        assert_eq!(file_path("file:///etc/keys.json"), Path::new("/etc/keys.json"));
        assert_eq!(file_path("file://./keys.json"), Path::new("./keys.json"));
        assert_eq!(file_path("file://keys.json"), Path::new("keys.json"));
        assert_eq!(file_path("file://localhost/etc/keys.json"), Path::new("/etc/keys.json"));
        assert_eq!(file_path("conf/keys.yaml"), Path::new("conf/keys.yaml"));
        assert_eq!(file_path("file:///./shared/secrets.yaml"), Path::new("./shared/secrets.yaml"));
        assert_eq!(file_path("file:///../secrets.yaml"), Path::new("../secrets.yaml"));
    }
}
