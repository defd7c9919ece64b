//! Every real-world spec of the dev corpus (`../shared/corpus/dev`, read in place) loads without
//! panicking and yields either an IR or error diagnostics that carry a line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The corpus's files; `None` (the test says it was skipped) in a clone without `../shared` beside it.
fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    if !dir.is_dir() {
        eprintln!("skipped: the dev corpus is not at {} (shared/ beside the repository)", dir.display());
        return None;
    }
    let mut files = Vec::new();
    let mut todo = vec![dir];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("corpus dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files)
}

/// Every file of the dev corpus that does not compile, and the error codes it gets: genuinely broken
/// files keep their precise errors, and what this compiler does not compile says so. A file leaving
/// or joining this list is a reviewed change.
const REJECTED: &[(&str, &[&str])] = &[
    // `call`s an operation the namespace does not declare.
    ("api-evangelist+signnow/capabilities/document-signing.yaml", &["E0103"]),
    // Nine consumes share one namespace; calls name namespaces nobody declares.
    ("api-evangelist+slack/capabilities/workspace-administration.yaml", &["E0102", "E0201"]),
    // Every REST route declared twice (its operations too: `call` takes the first, with W0202).
    ("api-evangelist+unified-to/capabilities/it-ops-payment.yaml", &["E0204"]),
    // `hmac` (Veracode's request signing) is not compiled.
    ("api-evangelist+veracode/capabilities/devsecops-pipeline.yaml", &["E0601"]),
    // The same GET route twice, and a call to an undeclared operation.
    ("api-evangelist+websphere/capabilities/security-and-compliance.yaml", &["E0103", "E0204"]),
    // Imports resolve, but tools leave `{orgId}` unbound, REST inputs are `in: path` on paths without
    // variables, and the `skill` expose has `groups` (not in alpha2) instead of `skills`.
    ("naftiko+nist-cybersecurity-framework-sandbox/capability/nist-cybersecurity-framework-sandbox.naftiko.yml", &["E0005", "E0006", "E0304"]),
    // A consumes-only fragment (the NIST sandbox imports it): not a capability on its own.
    ("naftiko+nist-cybersecurity-framework-sandbox/capability/shared/NIST Cybersecurity Framework (CSF) 2.0 — Sandbox API-consumes.yml", &["E0009"]),
];

#[test]
fn every_corpus_file_gets_an_answer() {
    let Some(files) = corpus_files() else { return };
    assert!(files.len() >= 500, "expected the 527-file dev corpus, found {}", files.len());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    let (mut lowered, mut rejected) = (0, BTreeMap::new());
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus file");
        let name = path.display().to_string();
        let loaded = std::panic::catch_unwind(|| naftiko_codegen::load_str(&name, &text)).unwrap_or_else(|_| panic!("panicked on {name}"));
        for d in &loaded.diagnostics {
            let location = d.location(&loaded.sources).unwrap_or_else(|| panic!("{name}: {} has no location", d.code.as_str()));
            // Diagnostics of an imported file point into it, beside the spec.
            let dir = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
            assert!(location.starts_with(&dir), "{location}");
            *codes.entry(d.code.as_str()).or_default() += 1;
        }
        match (&loaded.capability, loaded.has_errors()) {
            (Some(_), false) => lowered += 1,
            (None, true) => {
                let errors: std::collections::BTreeSet<&str> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.as_str()).collect();
                let rel = path.strip_prefix(&root).unwrap_or(path).display().to_string();
                rejected.insert(rel, errors.into_iter().collect::<Vec<_>>());
            }
            (ir, errors) => panic!("{name}: IR present = {}, errors = {errors}", ir.is_some()),
        }
    }
    eprintln!("corpus: {} files, {lowered} lowered, {} rejected with errors; diagnostics by code: {codes:?}", files.len(), rejected.len());
    let expected: BTreeMap<String, Vec<&str>> = REJECTED.iter().map(|(f, c)| ((*f).to_owned(), c.to_vec())).collect();
    assert_eq!(rejected, expected, "the rejected files changed");
}

/// The formatter prints what prettyplease prints (`emit::format`), on a sample of the corpus: every
/// 20th file under 100 KB (a debug build formats the large ones slowly). The whole corpus is checked
/// by the byte-identical output of `naftiko-codegen generate` before and after a formatter change.
#[test]
fn the_formatter_prints_what_prettyplease_prints() {
    let Some(files) = corpus_files() else { return };
    let mut checked = 0;
    for path in files.iter().step_by(20) {
        let text = std::fs::read_to_string(path).expect("corpus file");
        if text.len() > 100_000 {
            continue;
        }
        let Some(cap) = naftiko_codegen::load_str(&path.display().to_string(), &text).capability else { continue };
        for module in naftiko_codegen::emit::emit(&cap, naftiko_codegen::emit::Layout::Files).modules {
            if let Err(e) = naftiko_codegen::emit::format::agrees_with_prettyplease(&module.code) {
                panic!("{} {}: {e}", path.display(), module.name);
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} corpus files checked");
}
