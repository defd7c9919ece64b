//! The generated OpenAPI documents are lint-clean under Spectral's `spectral:oas` ruleset (pinned,
//! installed into `target/` on first use): the three seed crates' `openapi.json` and the document of a
//! spec of our own that names a stakeholder. The one finding allowed is `info-contact` for a spec that
//! names nobody: inventing a contact would be worse. Without npm the test says it was skipped.

use std::path::{Path, PathBuf};

use naftiko_tests::spectral::{self, Finding};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository").to_path_buf()
}

#[test]
fn generated_openapi_documents_are_spectral_clean() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spectral");
    let spectral = match spectral::install(&scratch.join("install")) {
        Ok(spectral) => spectral,
        Err(why) => {
            eprintln!("SKIPPED generated_openapi_documents_are_spectral_clean: Spectral {} cannot be installed: {why}", spectral::VERSION);
            return;
        }
    };
    // A spec that names a stakeholder gets `info.contact`; nothing is allowed there.
    let fixture = repository().join("tests/fixtures/constraints.yaml");
    let loaded = naftiko_codegen::load(&fixture);
    let cap = loaded.capability.as_ref().unwrap_or_else(|| panic!("{}", loaded.render(false)));
    let document = naftiko_codegen::emit::openapi::document(cap).expect("a REST expose");
    let own = scratch.join("constraints.openapi.json");
    std::fs::write(&own, serde_json::to_string_pretty(&document).expect("JSON")).expect("write");

    let seeds =
        ["instance-snapshots", "instance-images", "block-snapshots"].map(|c| (repository().join(format!("generated/{c}/openapi.json")), true));
    for (document, names_nobody) in seeds.into_iter().chain([(own, false)]) {
        let findings = spectral::lint(&spectral, &document, &scratch).unwrap_or_else(|e| panic!("{e}"));
        let unexpected: Vec<&Finding> = findings.iter().filter(|f| !(names_nobody && f.code == "info-contact")).collect();
        assert!(unexpected.is_empty(), "{}: {unexpected:#?}", document.display());
    }
}
