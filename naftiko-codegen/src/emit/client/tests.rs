use std::path::Path;

use super::*;
use crate::emit::format_file;

fn seed(name: &str) -> Capability {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(name);
    let loaded = crate::load(&path);
    let rendered = loaded.render(false);
    loaded.capability.unwrap_or_else(|| panic!("{name} does not lower:\n{rendered}"))
}

fn source(cap: &Capability) -> String {
    format_file(&emit(cap)).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that `code` contains each of `expected`, whatever the line breaks of the formatter.
fn assert_contains(code: &str, expected: &[&str]) {
    let squash = |s: &str| s.split_whitespace().collect::<String>().replace(",)", ")").replace(",]", "]");
    let squashed = squash(code);
    for e in expected {
        assert!(squashed.contains(&squash(e)), "missing `{e}` in:\n{code}");
    }
}

#[test]
fn seeds_emit_parseable_code() {
    for name in ["instance-snapshots.yaml", "instance-images.yaml"] {
        let cap = seed(name);
        let file: syn::File = syn::parse_str(emit(&cap).as_str()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!file.items.is_empty());
    }
}

#[test]
fn snapshots_client_shape() {
    let code = source(&seed("instance-snapshots.yaml"));
    assert_contains(
        &code,
        &[
            "pub struct Secrets {",
            "pub scaleway_api_key: ::naftiko_runtime::Secret,",
            "pub const DEFAULT_BASE_URL: &str = \"https://api.scaleway.com\";",
            "pub const BASE_URL_ENV: &str = \"NAFTIKO_INSTANCE_SNAPSHOTS_BASE_URL\";",
            "pub async fn listsnapshots(",
            // The tool `list-snapshots` calls it: its better-split name finds the method in the docs.
            "#[doc(alias = \"list_snapshots\")]",
            ".path_param(\"zone\", &params.zone)?",
            ".query(\"per_page\", &params.per_page)",
            ".json_body(&params.body)",
            "pub per_page: ::core::option::Option<i64>,",
            "pub zone: ::std::string::String,",
            "::naftiko_runtime::Placement::Header,",
            "\"X-Auth-Token\",",
            "auth.scaleway_api_key.clone()",
        ],
    );
    assert!(!code.contains(".unwrap()") && !code.contains(".expect("), "generated code unwraps:\n{code}");
    // One API: its items sit directly in the module.
    assert!(!code.contains("pub mod "));
}

const FIXTURE: &str = r#"
naftiko: 1.0.0-alpha2
info:
  label: Fixture — several APIs
  description: Two consumed APIs, templates, fixed values, every auth kind.
binds:
- namespace: env
  keys:
    TOKEN: FIXTURE_TOKEN
    REGION: FIXTURE_REGION
    USER: FIXTURE_USER
    PASSWORD: FIXTURE_PASSWORD
- namespace: vault
  location: file://./fixture-secrets.json
  keys:
    API_KEY: api_key
capability:
  consumes:
  - type: http
    namespace: search
    baseUri: https://{{REGION}}.search.example.com/v2
    authentication:
      type: bearer
      token: '{{TOKEN}}'
    inputParameters:
    - name: X-Client
      in: header
      value: naftiko-{{REGION}}
    resources:
    - name: documents
      path: /indexes/{index}/documents/{{doc-id}}
      operations:
      - name: put-document
        method: PUT
        description: Store a document
        inputParameters:
        - name: index
          in: path
          type: string
          description: The index
        - name: doc-id
          in: path
          type: integer
        - name: type
          in: query
          type: string
          required: true
        - name: tags
          in: query
          type: array
        - name: X-Trace
          in: header
          type: string
        - name: session
          in: cookie
          type: string
        - name: title
          in: body
          type: string
          required: true
        - name: rank
          in: body
          type: number
        - name: flags
          in: body
          type: object
        - name: version
          in: query
          value: 3
          type: integer
        - name: X-Key
          in: header
          value: 'key-{{API_KEY}}'
    - name: queries
      path: /query
      operations:
      - name: query
        method: POST
        description: |
          Run a query.
          Several lines of description.
        inputParameters:
        - name: q
          in: body
          type: string
          required: true
        - name: limit
          in: body
          type: integer
        - name: strict
          in: body
          type: boolean
        body:
          type: json
          data:
            query: '{{q}}'
            limit: '{{limit}}'
            options:
              strict: '{{strict}}'
              label: 'q={{q}} in {{REGION}}'
              fixed: [1, -2, 3.5, "x", null, true]
            constant: {"a": [1, 2]}
            list: ['{{q}}', 'literal']
      - name: raw-query
        method: POST
        inputParameters:
        - name: q
          in: body
          type: string
        body: '{"query": "{{q}}", "token": "{{TOKEN}}"}'
      - name: ping
        method: GET
  - type: http
    namespace: legacy
    baseUri: ''
    authentication:
      type: digest
      username: '{{USER}}'
      password: '{{PASSWORD}}'
    resources:
    - name: items
      path: /items/{id}
      operations:
      - name: get-item
        method: GET
        inputParameters:
        - name: id
          in: path
          type: string
  - type: http
    namespace: keyed
    baseUri: http://keyed.example.com/
    authentication:
      type: apikey
      key: apikey
      value: '{{API_KEY}}'
      placement: query
    resources:
    - name: things
      path: /things
      operations:
      - name: list-things
        method: GET
        inputParameters:
        - name: form
          in: query
          type: string
      - name: post-form
        method: POST
        inputParameters:
        - name: a
          in: body
          type: string
        body:
          type: formUrlEncoded
          data:
            a: '{{a}}'
            b: 'fixed'
      - name: post-text
        method: POST
        body:
          type: text
          data: hello
  - type: http
    namespace: open
    baseUri: https://open.example.com
    authentication:
      type: basic
      username: admin
      password: '{{PASSWORD}}'
    resources:
    - name: status
      path: /status
      operations:
      - name: status
        method: GET
  exposes: []
"#;

fn fixture() -> Capability {
    let loaded = crate::load_str("fixture-multi.yaml", FIXTURE);
    let rendered = loaded.render(false);
    loaded.capability.unwrap_or_else(|| panic!("fixture does not lower:\n{rendered}"))
}

#[test]
fn several_apis_get_a_module_each() {
    let code = source(&fixture());
    assert_contains(
        &code,
        &[
            "pub mod search {",
            "pub mod legacy {",
            "pub fn from_secrets(secrets: &super::Secrets) -> Self {",
            ".header(\"X-Client\", &::naftiko_runtime::render::concat(&[\"naftiko-\", self.secrets.region.expose()]))?",
            "::naftiko_runtime::secret_from_file(\"file://./fixture-secrets.json\", \"api_key\")?",
            "::naftiko_runtime::ClientAuth::digest(",
            "::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::None)?",
            ".query(\"version\", &3i64)",
            "::naftiko_runtime::render::json_opt(&params.limit)",
            "::naftiko_runtime::render::json_text(&params.q)",
        ],
    );
}

/// The real proof: the generated code of the seeds and the fixture compiles, without warnings,
/// against the runtime. Slow (a cargo build), so opt-in: `NAFTIKO_COMPILE_TESTS=1`.
#[test]
fn generated_code_compiles_without_warnings() {
    if std::env::var_os("NAFTIKO_COMPILE_TESTS").is_none() {
        eprintln!("skipped: set NAFTIKO_COMPILE_TESTS=1 to build the generated clients");
        return;
    }
    let dir = std::env::temp_dir().join(format!("naftiko-client-compile-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../naftiko-runtime").canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"client-compile-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nnaftiko-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    let caps = [("snapshots", seed("instance-snapshots.yaml")), ("images", seed("instance-images.yaml")), ("fixture", fixture())];
    let mut lib = String::from("#![deny(warnings)]\n");
    for (name, cap) in &caps {
        std::fs::write(src.join(format!("{name}.rs")), source(cap)).unwrap();
        lib.push_str(&format!("pub mod {name};\n"));
    }
    // The futures must be `Send` (servers spawn them) and the types usable as users write them.
    lib.push_str(
        r#"
fn assert_send<T: Send>(_: T) {}
pub fn usage(c: &snapshots::Client, f: &fixture::search::Client) {
    assert_send(c.listsnapshots(snapshots::ListsnapshotsParams::new("fr-par-1").with_per_page(10)));
    assert_send(f.query(fixture::search::QueryParams::default()));
    let _ = snapshots::Client::new(snapshots::DEFAULT_BASE_URL, snapshots::Auth { scaleway_api_key: "k".into() });
}
"#,
    );
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-Dwarnings")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stderr.trim().is_empty(), "generated code in {} does not compile cleanly:\n{stderr}", dir.display());
    if std::env::var_os("NAFTIKO_KEEP_COMPILE_DIR").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
