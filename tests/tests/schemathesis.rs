//! The OpenAPI document each seed crate serves tells the truth about its server: Schemathesis (pinned,
//! installed into `target/` on first use) generates requests from the document — valid ones, invalid
//! ones, unsupported methods — and checks every reply against it, the generated binaries proxying to
//! the Scaleway emulator. Then the same for tests/fixtures/constraints.yaml (patterns, enums, a shaped
//! reply, a mock) in front of a recording upstream. A small budget here; `cargo xtask schemathesis`
//! runs a larger one, and a sample of the corpus. Without Python the test says it was skipped.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use naftiko_tests::schemathesis::{self, Run};
use naftiko_tests::{EMULATOR_TOKEN, Emulator, Recorder, ServerProcess, serve};

mod fleet {
    include!(concat!(env!("OUT_DIR"), "/constraints.rs"));
}

const SEEDS: [(&str, &str); 3] = [
    ("instance-snapshots", env!("CARGO_BIN_EXE_e2e-instance-snapshots")),
    ("instance-images", env!("CARGO_BIN_EXE_e2e-instance-images")),
    ("block-snapshots", env!("CARGO_BIN_EXE_e2e-block-snapshots")),
];

/// Test cases per operation and phase: enough to reach every operation with valid and invalid data
/// within CI's budget (about 10 s for the four servers).
const MAX_EXAMPLES: u32 = 15;

/// Runs Schemathesis on the document at `url` and fails on any failure; answers a line for the report.
async fn holds(st: &Path, scratch: &Path, name: &str, url: String, parameters: Vec<(String, String)>) -> String {
    let run = Run { schema_url: url, max_examples: MAX_EXAMPLES, seed: 1, parameters };
    let (st, dir) = (st.to_path_buf(), scratch.join(name));
    let outcome = tokio::task::spawn_blocking(move || run.execute(&st, &dir)).await.expect("run task").unwrap_or_else(|e| panic!("{e}"));
    assert!(outcome.passed && outcome.failures == 0, "{name}: {} failures in {} test cases\n{}", outcome.failures, outcome.generated, outcome.output);
    // Every operation was reached with more than its examples.
    assert!(outcome.generated >= 4 * MAX_EXAMPLES as usize, "{name}: only {} test cases\n{}", outcome.generated, outcome.output);
    format!("{name}: {} test cases, 0 failures", outcome.generated)
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_servers_answer_as_their_openapi_documents_say() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schemathesis");
    let venv = scratch.join("venv");
    let st = match tokio::task::spawn_blocking(move || schemathesis::install(&venv)).await.expect("install task") {
        Ok(st) => st,
        Err(why) => {
            eprintln!(
                "SKIPPED generated_servers_answer_as_their_openapi_documents_say: Schemathesis {} cannot be installed: {why}",
                schemathesis::VERSION
            );
            return;
        }
    };
    let emulator = Emulator::start().await;
    let upstream = emulator.base_url();
    let mut report = Vec::new();
    for (name, binary) in SEEDS {
        let server = ServerProcess::start(binary, &["--upstream", upstream.as_str(), "--no-mcp"], &[("SCALEWAY_API_KEY", EMULATOR_TOKEN)])
            .unwrap_or_else(|e| panic!("{e}"));
        // The zone the emulator knows: the document cannot say which zones exist.
        let zone = vec![("path.zone".to_owned(), "fr-par-1".to_owned())];
        report.push(holds(&st, &scratch, name, format!("{}/openapi.json", server.rest_url()), zone).await);
    }

    // Our fixture, served in-process in front of a recording upstream.
    let upstream = Recorder::start(naftiko_tests::fleet::fleet_api).await;
    let client = fleet::Client::new(format!("{}/v1", upstream.base_url()), fleet::Auth::default());
    let rest = serve(fleet::rest::router(Arc::new(fleet::Proxy::new(fleet::Clients { fleet: client })))).await;
    report.push(holds(&st, &scratch, "constraints.yaml", format!("http://{rest}/openapi.json"), Vec::new()).await);
    eprintln!("Schemathesis {}: {}", schemathesis::VERSION, report.join("; "));
}
