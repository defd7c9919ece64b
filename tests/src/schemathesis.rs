//! Schemathesis, the property-based API tester, run against a generated server's OpenAPI document: it
//! generates valid and invalid requests from the document and checks each reply against it (status
//! codes, content types, response schemas and headers, server errors, invalid data accepted).
//!
//! A pinned 4.x release is installed into a virtual environment of its own on first use (Python 3
//! with `venv` and pip, and the package index, are needed); without them the caller is told why, so a
//! test can say it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Schemathesis release the checks are pinned to.
pub const VERSION: &str = "4.32.5";

/// Every check but `positive_data_acceptance`, which expects the upstream to accept every value the
/// document allows: our documents can only say what the spec says, and a spec cannot state, say, which
/// zones exist or that `page` starts at 1 (the upstream then answers 400, which passes through).
pub const EXCLUDED_CHECKS: &str = "positive_data_acceptance";

/// Installs Schemathesis [`VERSION`] into the virtual environment `dir` (kept for later runs) and
/// answers its `st` executable, or why it cannot be had here.
pub fn install(dir: &Path) -> Result<PathBuf, String> {
    let st = dir.join("bin/st");
    if version_of(&st).is_some_and(|v| v.contains(VERSION)) {
        return Ok(st);
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        return Err("python3 is not on PATH".to_owned());
    }
    let venv = Command::new("python3").arg("-m").arg("venv").arg("--clear").arg(dir).output().map_err(|e| format!("python3 -m venv: {e}"))?;
    if !venv.status.success() {
        return Err(format!("python3 -m venv failed: {}", tail(&venv.stderr)));
    }
    let pip = Command::new(dir.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", &format!("schemathesis=={VERSION}")])
        .output()
        .map_err(|e| format!("pip: {e}"))?;
    if !pip.status.success() {
        return Err(format!("pip install schemathesis=={VERSION} failed: {}", tail(&pip.stderr)));
    }
    match version_of(&st) {
        Some(v) if v.contains(VERSION) => Ok(st),
        other => Err(format!("`st --version` answers {other:?} after installing {VERSION}")),
    }
}

fn version_of(st: &Path) -> Option<String> {
    let out = Command::new(st).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// One run against a served document.
#[derive(Debug, Clone)]
pub struct Run {
    /// URL of the OpenAPI document (`http://127.0.0.1:PORT/openapi.json`); requests go to its server.
    pub schema_url: String,
    /// Test cases per operation and phase.
    pub max_examples: u32,
    pub seed: u64,
    /// Fixed values for some parameters (`path.zone` → `fr-par-1`): what the upstream behind the
    /// server knows, so that generated requests get past it to the interesting replies.
    pub parameters: Vec<(String, String)>,
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Test cases generated.
    pub generated: usize,
    /// Unique failures (0 when every check held).
    pub failures: usize,
    /// Whether `st` exited successfully.
    pub passed: bool,
    /// Its whole output, for a failure message.
    pub output: String,
}

impl Run {
    /// Runs `st` with every check but [`EXCLUDED_CHECKS`]; `scratch` holds its configuration file.
    pub fn execute(&self, st: &Path, scratch: &Path) -> Result<Outcome, String> {
        std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        let config = scratch.join("schemathesis.toml");
        let mut toml = String::from("[parameters]\n");
        for (name, value) in &self.parameters {
            toml.push_str(&format!("{} = {}\n", toml_string(name), toml_string(value)));
        }
        std::fs::write(&config, toml).map_err(|e| format!("{}: {e}", config.display()))?;
        let out = Command::new(st)
            .current_dir(scratch)
            .env("NO_COLOR", "1")
            .arg("--config-file")
            .arg(&config)
            .args(["run", &self.schema_url, "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS])
            .args(["--max-examples", &self.max_examples.to_string(), "--seed", &self.seed.to_string()])
            .args(["--workers", "1", "--generation-database", "none", "--no-color"])
            .output()
            .map_err(|e| format!("{}: {e}", st.display()))?;
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let generated = number_before(&output, " generated").ok_or_else(|| format!("no test-case count in Schemathesis's output:\n{output}"))?;
        let failures = number_before(&output, " unique failure").unwrap_or(0);
        Ok(Outcome { generated, failures, passed: out.status.success(), output })
    }
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The number right before the last occurrence of `label` (`246 generated, 11 found 14 unique failures`).
fn number_before(text: &str, label: &str) -> Option<usize> {
    let at = text.rfind(label)?;
    let digits: String = text[..at].chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_from_the_summary() {
        let summary = "Test cases:\n  246 generated, 11 found 14 unique failures\n";
        assert_eq!(number_before(summary, " generated"), Some(246));
        assert_eq!(number_before(summary, " unique failure"), Some(14));
        assert_eq!(number_before("  798 generated, 798 passed", " unique failure"), None);
    }
}
