//! The crates checked in under `generated/` are exactly what the generator writes from `specs/`
//! (the same comparison as `cargo xtask gen --check`).

use std::path::Path;

use naftiko_codegen::{CrateOptions, output};

#[test]
fn generated_crates_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let crates = output::generate_dir(&root, "specs", &CrateOptions::default()).unwrap_or_else(|d| panic!("specs/ does not compile:\n{d}"));
    assert!(!crates.is_empty(), "no specs under specs/");
    let stale = output::stale(&crates, &root.join("generated"));
    assert!(stale.is_empty(), "generated/ is stale; run `cargo xtask gen`:\n  {}", stale.join("\n  "));
}

#[test]
fn generation_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let once = output::generate_dir(&root, "specs", &CrateOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    let twice = output::generate_dir(&root, "specs", &CrateOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(once.len(), twice.len());
    for (a, b) in once.iter().zip(&twice) {
        assert_eq!(a.files, b.files, "{} differs between two runs", a.name);
    }
}

#[test]
fn a_stale_file_is_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut crates = output::generate_dir(&root, "specs", &CrateOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    crates[0].files[0].contents.push_str("# edited\n");
    let stale = output::stale(&crates, &root.join("generated"));
    assert_eq!(stale, vec![format!("{}/{}: differs from what the generator writes", crates[0].name, crates[0].files[0].path.display())]);
}
