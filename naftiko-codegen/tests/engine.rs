//! The reference engine's own specs (`../shared/reference/engine`, read in place): its test fixtures and
//! the eleven specs of its tutorial. Each compiles, or is refused for the reason the engine's own test
//! gives, or (a feature this compiler does not compile yet) with E0601 naming the feature at its place.
//! What the compiled ones do over HTTP is tested in tests/tests/{engine_fixtures,shipyard}.rs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn engine() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/engine");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: the reference engine is not at {} (shared/ beside the repository)", dir.display());
        None
    }
}

/// Every spec of `dir` (not its subdirectories), sorted.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

/// The error codes of `path` with each error's message; panics on a diagnostic without a location.
fn errors(path: &Path) -> Vec<(String, String)> {
    let loaded = naftiko_codegen::load(path);
    let mut errors = Vec::new();
    for d in &loaded.diagnostics {
        let location = d.location(&loaded.sources).unwrap_or_else(|| panic!("{}: {} has no location", path.display(), d.code.as_str()));
        if d.is_error() {
            errors.push((d.code.as_str().to_owned(), format!("{location}: {}", d.message)));
        }
    }
    assert_eq!(loaded.capability.is_some(), errors.is_empty(), "{}", path.display());
    errors
}

/// What the fixtures under aggregates/, mcp/, http/, formats/, control/ and observability/, the nested-object one and the forward
/// sample answer: nothing (they compile; observability-capability.yaml's OTLP exporter included), the engine's own
/// failure, or a feature of a later piece of work.
#[test]
fn engine_fixtures_compile_or_are_refused_for_their_reason() {
    let Some(engine) = engine() else { return };
    let resources = engine.join("src/test/resources");
    let mut files: Vec<PathBuf> = ["aggregates", "mcp", "http", "formats", "control", "observability"].iter().flat_map(|d| specs_in(&resources.join(d))).collect();
    files.push(resources.join("nested-object-output-capability.yaml"));
    files.push(resources.join("register.capability.yml"));
    let mut compiled = 0;
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let errors = errors(path);
        let codes: BTreeSet<&str> = errors.iter().map(|(c, _)| c.as_str()).collect();
        let messages: Vec<&str> = errors.iter().map(|(_, m)| m.as_str()).collect();
        match name {
            // The engine's `AggregateIntegrationTest#unknownRefShouldFailFast` expects a load failure.
            "aggregate-invalid-ref.yaml" => {
                assert_eq!(codes, BTreeSet::from(["E0703"]), "{messages:?}");
                assert!(
                    messages[0].ends_with("aggregate-invalid-ref.yaml:32:16: `ref: unknown.nonexistent` names no aggregate function"),
                    "{messages:?}"
                );
            }
            // The engine refuses these at request time (`Protobuf format requires outputSchema …`); we when compiling.
            "proto-capability.yaml" | "avro-capability.yaml" => {
                assert_eq!(codes, BTreeSet::from(["E0005"]), "{messages:?}");
                assert!(messages[0].contains("needs `outputSchema`"), "{messages:?}");
            }
            _ => {
                assert!(errors.is_empty(), "{name}: {messages:?}");
                compiled += 1;
            }
        }
    }
    assert!(compiled >= 20, "{compiled} fixtures compiled");
}

/// The tutorial: all eleven steps compile, skill catalogs (steps 7–11) included.
#[test]
fn tutorial_steps_compile() {
    let Some(engine) = engine() else { return };
    let steps = specs_in(&engine.join("src/main/resources/tutorial"));
    assert_eq!(steps.len(), 11);
    for path in &steps {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let errors = errors(path);
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

/// observability-capability.yaml's OTLP exporter: its crate enables the runtime's `otlp` feature and its
/// binary starts the exporter with the endpoint and the capability's label before the control router.
#[test]
fn the_otlp_exporter_is_generated_for_the_observability_fixture() {
    let Some(engine) = engine() else { return };
    let loaded = naftiko_codegen::load(&engine.join("src/test/resources/observability/observability-capability.yaml"));
    let cap = loaded.capability.as_ref().expect("lowered");
    assert_eq!(naftiko_codegen::emit::crate_files::runtime_features(cap), ["control", "otlp"]);
    let generated = naftiko_codegen::generate(cap, &naftiko_codegen::CrateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let file = |name: &str| generated.files.iter().find(|f| f.path == Path::new(name)).map(|f| f.contents.clone()).unwrap_or_default();
    assert!(file("Cargo.toml").contains(r#""naftiko-runtime/control", "naftiko-runtime/otlp""#), "{}", file("Cargo.toml"));
    let server: String = file("src/server.rs").split_whitespace().collect();
    let install = server.find(r#"control::otlp::install("http://collector.local:4317","ObservabilityTestCapability",)?"#);
    let router = server.find("control::router(");
    assert!(install.is_some() && install < router, "{server}");
}
