//! The `naftiko-codegen` binary: exit codes and output formats users script against.

use std::process::Command;

fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn check_succeeds_on_the_seeds() {
    let out = cli().args(["check", "../specs/instance-snapshots.yaml", "../specs/instance-images.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 spec(s) checked: 0 error(s), 0 warning(s)"));
}

#[test]
fn check_fails_with_exit_1_and_a_located_message() {
    let out = cli().args(["check", "tests/fixtures/broken/unknown-operation.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E0103]: namespace `pets` has no operation `listpet`"), "{stderr}");
    assert!(stderr.contains("tests/fixtures/broken/unknown-operation.yaml:57:15"), "{stderr}");
}

#[test]
fn check_json_prints_one_object_per_diagnostic() {
    let out = cli().args(["check", "--format", "json", "tests/fixtures/broken/duplicate-tool.yaml", "tests/fixtures/broken/unknown-key.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["code"], "E0203");
    assert_eq!(lines[0]["line"], 84);
    assert_eq!(lines[1]["severity"], "warning");
    assert_eq!(lines[1]["file"], "tests/fixtures/broken/unknown-key.yaml");
}

#[test]
fn a_missing_file_is_exit_1_not_a_crash() {
    let out = cli().args(["check", "does-not-exist.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn ir_prints_json() {
    let out = cli().args(["ir", "../specs/instance-images.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("IR JSON");
    assert_eq!(ir["crate_name"], "instance-images");
}
