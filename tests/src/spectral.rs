//! Spectral, the OpenAPI linter, with its `spectral:oas` ruleset: a pinned release installed with npm
//! into a directory of its own on first use (Node.js and npm, and the registry, are needed); without
//! them the caller is told why, so a test can say it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The `@stoplight/spectral-cli` release the lint is pinned to.
pub const VERSION: &str = "6.16.3";

/// Installs Spectral [`VERSION`] under `dir` (kept for later runs) and answers its executable, or why
/// it cannot be had here.
pub fn install(dir: &Path) -> Result<PathBuf, String> {
    let spectral = dir.join("node_modules/.bin/spectral");
    if version_of(&spectral).is_some_and(|v| v == VERSION) {
        return Ok(spectral);
    }
    if !Command::new("npm").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Err("npm is not on PATH".to_owned());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let npm = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(dir)
        .args(["--no-audit", "--no-fund", "--loglevel=error", &format!("@stoplight/spectral-cli@{VERSION}")])
        .output()
        .map_err(|e| format!("npm: {e}"))?;
    if !npm.status.success() {
        return Err(format!("npm install @stoplight/spectral-cli@{VERSION} failed: {}", String::from_utf8_lossy(&npm.stderr).trim()));
    }
    match version_of(&spectral) {
        Some(v) if v == VERSION => Ok(spectral),
        other => Err(format!("`spectral --version` answers {other:?} after installing {VERSION}")),
    }
}

fn version_of(spectral: &Path) -> Option<String> {
    let out = Command::new(spectral).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// One finding: the rule's code, its severity (0 error, 1 warning, 2 info, 3 hint), where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: String,
    pub severity: u64,
    pub path: String,
    pub message: String,
}

/// Lints `document` with the `spectral:oas` ruleset (the ruleset file is written to `scratch`).
pub fn lint(spectral: &Path, document: &Path, scratch: &Path) -> Result<Vec<Finding>, String> {
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let ruleset = scratch.join(".spectral.yaml");
    std::fs::write(&ruleset, "extends: [\"spectral:oas\"]\n").map_err(|e| format!("{}: {e}", ruleset.display()))?;
    let out = Command::new(spectral)
        .arg("lint")
        .arg("--ruleset")
        .arg(&ruleset)
        .args(["--format", "json", "--quiet", "--fail-severity", "error"])
        .arg(document)
        .output()
        .map_err(|e| format!("{}: {e}", spectral.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let results: Value = serde_json::from_str(text.trim())
        .map_err(|e| format!("Spectral's output is not JSON ({e}): {text}{}", String::from_utf8_lossy(&out.stderr)))?;
    Ok(results
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| Finding {
            code: r["code"].as_str().unwrap_or_default().to_owned(),
            severity: r["severity"].as_u64().unwrap_or_default(),
            path: r["path"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join("."),
            message: r["message"].as_str().unwrap_or_default().to_owned(),
        })
        .collect())
}
