//! What spec authors see: every diagnostic, rendered as the CLI prints it, for one small broken
//! fixture per check. Snapshots pin the text; the assertions pin the codes and locations.

use std::collections::BTreeSet;
use std::path::Path;

use naftiko_codegen::{Code, load, load_str};

fn fixtures(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures directory")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            (name, std::fs::read_to_string(&p).expect("fixture text"))
        })
        .collect()
}

#[test]
fn every_broken_fixture_is_reported_with_a_location() {
    let mut seen = BTreeSet::new();
    for (name, text) in fixtures("broken") {
        let display = format!("tests/fixtures/broken/{name}.yaml");
        let loaded = load_str(&display, &text);
        assert!(!loaded.diagnostics.is_empty(), "{name}: no diagnostic");
        for d in &loaded.diagnostics {
            let location = d.location(&loaded.sources).unwrap_or_else(|| panic!("{name}: {} has no location", d.code.as_str()));
            assert!(location.starts_with(&display), "{name}: {location}");
            seen.insert(d.code);
        }
        insta::assert_snapshot!(name.clone(), loaded.render(false));
    }
    // A new diagnostic code needs a fixture here; reading a missing file is covered below.
    let missing: Vec<&str> = Code::ALL.iter().filter(|c| !seen.contains(c) && **c != Code::Import).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn the_good_fixture_has_no_diagnostics() {
    for (name, text) in fixtures("ok") {
        let loaded = load_str(&format!("{name}.yaml"), &text);
        assert!(loaded.diagnostics.is_empty(), "{name}:\n{}", loaded.render(false));
        assert!(loaded.capability.is_some());
    }
}

#[test]
fn an_unreadable_file_is_an_error_not_a_panic() {
    let loaded = load(Path::new("no/such/spec.yaml"));
    assert!(loaded.has_errors());
    assert_eq!(loaded.diagnostics[0].code, Code::Import);
    assert!(loaded.diagnostics[0].message.contains("no/such/spec.yaml"));
}

#[test]
fn json_diagnostics_carry_file_line_and_column() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/unknown-operation.yaml")).expect("fixture");
    let loaded = load_str("unknown-operation.yaml", &text);
    let json = loaded.diagnostics[0].to_json(&loaded.sources);
    assert_eq!(json["file"], "unknown-operation.yaml");
    assert_eq!(json["code"], "E0103");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["line"], 57);
    assert_eq!(json["column"], 15);
}
