//! The deployment files of a generated crate (`deploy/Dockerfile`, `deploy/kubernetes.yaml`), parsed
//! and checked against the spec's IR: every expose's port, the `serve --listen` flags, the probes and
//! the secrets' variable names. The checked-in seed crates are read from `generated/`; fixtures with
//! other shapes (several exposes, no ports, secrets in a file, a base URL given at run time) are
//! generated in memory. Nothing is built or run: `docker` and `kubectl` are not needed.

use std::collections::BTreeSet;
use std::path::Path;

use naftiko_codegen::ir::{BaseUri, Capability, SecretSource};
use naftiko_codegen::{CrateOptions, RuntimeDependency};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// Every document of a YAML stream as JSON (plain scalars typed as YAML 1.2's core schema types them).
fn yaml_documents(text: &str) -> Vec<Value> {
    enum Open {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut documents = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.unwrap_or_else(|e| panic!("not YAML: {e}"));
        let expects_key = matches!(open.last(), Some(Open::Map(_, None)));
        let value = match event {
            Event::Scalar(text, _, _, _) if expects_key => {
                if let Some(Open::Map(_, key)) = open.last_mut() {
                    *key = Some(text.into_owned());
                }
                continue;
            }
            Event::Scalar(text, ScalarStyle::Plain, _, _) => match text.as_ref() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" | "~" | "" => Value::Null,
                t => t.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(t.to_owned())),
            },
            Event::Scalar(text, _, _, _) => Value::String(text.into_owned()),
            Event::SequenceStart(..) => {
                open.push(Open::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                open.push(Open::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(Open::Seq(items)) => Value::Array(items),
                Some(Open::Map(members, _)) => Value::Object(members),
                None => continue,
            },
            Event::Alias(_) => panic!("unexpected alias at {span:?}"),
            _ => continue,
        };
        match open.last_mut() {
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(members, key)) => {
                let key = key.take().unwrap_or_default();
                assert!(members.insert(key.clone(), value).is_none(), "duplicate key {key}");
            }
            None => documents.push(value),
        }
    }
    documents
}

/// What the IR says the deployment must serve: (namespace, port) of every expose the binary serves,
/// with the binary's default ports for exposes that name none.
fn expected_exposes(cap: &Capability) -> Vec<(String, u16)> {
    let rest = cap.rest.iter().map(|r| (r.namespace.clone(), r.port.unwrap_or(8080)));
    let mcp = cap.mcp.iter().map(|m| (m.namespace.clone(), m.port.unwrap_or(9090)));
    let skill = cap.skill.iter().map(|s| (s.namespace.clone(), s.port.unwrap_or(8090)));
    let control = cap.control.iter().map(|c| ("control".to_owned(), c.port));
    rest.chain(mcp).chain(skill).chain(control).collect()
}

/// `(environment variable, bind variable)` of every secret read from the environment.
fn env_secrets(cap: &Capability) -> BTreeSet<(String, String)> {
    cap.secrets
        .iter()
        .filter_map(|s| match &s.source {
            SecretSource::Env { name } => Some((name.clone(), s.var.clone())),
            SecretSource::File { .. } => None,
        })
        .collect()
}

fn str_at<'v>(value: &'v Value, pointer: &str) -> &'v str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no string at {pointer} in {value:#}"))
}

fn array_at<'v>(value: &'v Value, pointer: &str) -> &'v [Value] {
    value.pointer(pointer).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Checks `deploy/kubernetes.yaml` against the IR; returns the checked facts for the caller's own checks.
fn check_kubernetes(cap: &Capability, text: &str) -> Value {
    let documents = yaml_documents(text);
    let kinds: Vec<&str> = documents.iter().map(|d| str_at(d, "/kind")).collect();
    assert_eq!(kinds, ["Deployment", "Service", "HorizontalPodAutoscaler"], "{}", cap.crate_name);
    let (deployment, service, hpa) = (&documents[0], &documents[1], &documents[2]);
    let name = str_at(deployment, "/metadata/name");
    assert_eq!(str_at(service, "/metadata/name"), name);
    assert_eq!(deployment.pointer("/spec/replicas"), Some(&Value::from(2)));
    let expected = expected_exposes(cap);
    let expected_ports: Vec<u64> = expected.iter().map(|(_, port)| u64::from(*port)).collect();

    // Container ports: one per expose, named as an IANA service name must be.
    let containers = array_at(deployment, "/spec/template/spec/containers");
    assert_eq!(containers.len(), 1, "{}", cap.crate_name);
    let container = &containers[0];
    let ports = array_at(container, "/ports");
    let port_of = |port_name: &str| -> u64 {
        ports
            .iter()
            .find(|p| p["name"] == port_name)
            .and_then(|p| p["containerPort"].as_u64())
            .unwrap_or_else(|| panic!("{}: no container port named {port_name}", cap.crate_name))
    };
    let container_ports: Vec<u64> = ports.iter().filter_map(|p| p["containerPort"].as_u64()).collect();
    assert_eq!(container_ports, expected_ports, "{}: container ports", cap.crate_name);
    let names: BTreeSet<&str> = ports.iter().map(|p| p["name"].as_str().unwrap_or_default()).collect();
    assert_eq!(names.len(), ports.len(), "{}: port names are unique", cap.crate_name);
    for n in &names {
        assert!(!n.is_empty() && n.len() <= 15 && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "port name {n:?}");
    }

    // The Service: one port per expose but the control port, to the container port of the same number.
    let service_ports = array_at(service, "/spec/ports");
    let numbers: Vec<u64> = service_ports.iter().filter_map(|p| p["port"].as_u64()).collect();
    let routed: Vec<u64> = expected.iter().filter(|(ns, _)| cap.control.is_none() || ns != "control").map(|(_, port)| u64::from(*port)).collect();
    assert_eq!(numbers, routed, "{}: Service ports", cap.crate_name);
    for p in service_ports {
        assert_eq!(p["port"].as_u64(), Some(port_of(p["targetPort"].as_str().unwrap_or_default())), "{}: {p}", cap.crate_name);
    }
    assert_eq!(service.pointer("/spec/selector"), deployment.pointer("/spec/template/metadata/labels"));
    assert_eq!(deployment.pointer("/spec/selector/matchLabels"), deployment.pointer("/spec/template/metadata/labels"));

    // Probes: the control port's health endpoints when it serves them to anyone, else `/healthz`,
    // which every listener answers, on the first expose's port.
    let (_, first_port) = expected.first().cloned().unwrap_or_else(|| panic!("{} serves nothing", cap.crate_name));
    let probes = match &cap.control {
        Some(c) if c.health && c.auth.is_none() => [("readinessProbe", "/health/ready", c.port), ("livenessProbe", "/health/live", c.port)],
        _ => [("readinessProbe", "/healthz", first_port), ("livenessProbe", "/healthz", first_port)],
    };
    for (probe, path, port) in probes {
        assert_eq!(str_at(container, &format!("/{probe}/httpGet/path")), path, "{}: {probe}", cap.crate_name);
        assert_eq!(port_of(str_at(container, &format!("/{probe}/httpGet/port"))), u64::from(port), "{}: {probe}", cap.crate_name);
    }

    // Secrets: each environment variable from the Secret, keyed by its bind variable; the base URLs the
    // spec leaves empty as variables to fill in.
    let secret = format!("{name}-secrets");
    let mut from_secret = BTreeSet::new();
    let mut plain = BTreeSet::new();
    for env in array_at(container, "/env") {
        let variable = str_at(env, "/name").to_owned();
        match env.pointer("/valueFrom/secretKeyRef") {
            Some(reference) => {
                assert_eq!(str_at(reference, "/name"), secret);
                from_secret.insert((variable, str_at(reference, "/key").to_owned()));
            }
            None => {
                plain.insert(variable);
            }
        }
    }
    assert_eq!(from_secret, env_secrets(cap), "{}: secrets from the environment", cap.crate_name);
    let runtime_urls: BTreeSet<String> = cap
        .consumes
        .iter()
        .filter(|c| matches!(c.base_uri, BaseUri::Runtime))
        .map(|c| format!("NAFTIKO_{}_BASE_URL", c.module.trim_start_matches("r#").to_ascii_uppercase()))
        .collect();
    assert_eq!(plain, runtime_urls, "{}: base URLs to give", cap.crate_name);

    // Non-root, read-only, bounded; scaled on CPU.
    assert_eq!(deployment.pointer("/spec/template/spec/securityContext/runAsNonRoot"), Some(&Value::Bool(true)));
    assert_eq!(container.pointer("/securityContext/readOnlyRootFilesystem"), Some(&Value::Bool(true)));
    assert_eq!(container.pointer("/securityContext/allowPrivilegeEscalation"), Some(&Value::Bool(false)));
    for bound in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(container.pointer(&format!("/resources/{bound}/{resource}")).is_some(), "{}: {bound}.{resource}", cap.crate_name);
        }
    }
    assert_eq!(str_at(hpa, "/apiVersion"), "autoscaling/v2");
    assert_eq!(str_at(hpa, "/spec/scaleTargetRef/kind"), "Deployment");
    assert_eq!(str_at(hpa, "/spec/scaleTargetRef/name"), name);
    let metric = array_at(hpa, "/spec/metrics").first().cloned().unwrap_or_default();
    assert_eq!(str_at(&metric, "/resource/name"), "cpu");
    assert_eq!(metric.pointer("/resource/target/averageUtilization"), Some(&Value::from(70)));
    deployment.clone()
}

/// Checks `deploy/Dockerfile` against the IR: two stages, the crate's binary built in release, a
/// non-root final stage that exposes every port and serves every expose on all interfaces.
fn check_dockerfile(cap: &Capability, text: &str) {
    let instructions: Vec<&str> = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
    let from: Vec<&&str> = instructions.iter().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(from.len(), 2, "{}: a builder and a final stage", cap.crate_name);
    let name = &cap.crate_name;
    assert!(text.contains("cargo build --release") && text.contains(&format!("--bin {name} ")), "{name}: {text}");
    let final_stage = text.rsplit("\nFROM ").next().unwrap_or_default();
    let user = final_stage.lines().find_map(|l| l.strip_prefix("USER ")).unwrap_or_else(|| panic!("{name}: no USER in the final stage"));
    assert!(!matches!(user.split(':').next(), Some("0" | "root")), "{name}: USER {user}");

    let expected = expected_exposes(cap);
    let exposed: Vec<u16> =
        final_stage.lines().filter_map(|l| l.strip_prefix("EXPOSE ")).map(|p| p.parse().unwrap_or_else(|e| panic!("EXPOSE {p}: {e}"))).collect();
    assert_eq!(exposed, expected.iter().map(|(_, port)| *port).collect::<Vec<_>>(), "{name}: EXPOSE");

    let entrypoint = final_stage.lines().find_map(|l| l.strip_prefix("ENTRYPOINT ")).unwrap_or_else(|| panic!("{name}: no ENTRYPOINT"));
    let arguments: Vec<String> = serde_json::from_str(entrypoint).unwrap_or_else(|e| panic!("{name}: ENTRYPOINT is not exec form ({e})"));
    assert_eq!(arguments[..2], [format!("/usr/local/bin/{name}"), "serve".to_owned()]);
    let listen: Vec<(String, String)> = arguments[2..]
        .chunks(2)
        .map(|pair| {
            assert_eq!(pair[0], "--listen", "{name}: {arguments:?}");
            let (namespace, address) = pair[1].split_once('=').unwrap_or_else(|| panic!("{name}: {}", pair[1]));
            (namespace.to_owned(), address.to_owned())
        })
        .collect();
    let wanted: Vec<(String, String)> = expected.iter().map(|(ns, port)| (ns.clone(), format!("0.0.0.0:{port}"))).collect();
    assert_eq!(listen, wanted, "{name}: --listen");
}

#[test]
fn the_seed_crates_deploy_what_their_specs_expose() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = naftiko_codegen::output::specs_in(&root.join("specs")).unwrap_or_else(|e| panic!("specs/: {e}"));
    assert!(!specs.is_empty());
    for spec in specs {
        let loaded = naftiko_codegen::load(&spec);
        let Some(cap) = loaded.capability.as_ref() else { panic!("{} does not load:\n{}", spec.display(), loaded.render(false)) };
        let deploy = root.join("generated").join(&cap.crate_name).join("deploy");
        let read = |file: &str| std::fs::read_to_string(deploy.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", deploy.display()));
        check_kubernetes(cap, &read("kubernetes.yaml"));
        check_dockerfile(cap, &read("Dockerfile"));
        // The checked-in crates build from the repository root, their workspace.
        assert!(read("Dockerfile").contains(&format!("docker build -f generated/{}/deploy/Dockerfile", cap.crate_name)));
        assert!(read("Dockerfile.dockerignore").lines().any(|l| l == "**/target"));
    }
}

/// An expose without a port, an MCP expose that asks for stdio, secrets in the environment and in a
/// file, and a consumed API whose base URL is given at run time.
const FIXTURE: &str = r#"
naftiko: 1.0.0-alpha2
info:
  label: Shop
binds:
- namespace: env
  keys:
    SHOP_TOKEN: SHOP_API_TOKEN
- namespace: vault
  location: file:///./secrets/shop.yaml
  keys:
    ADMIN_PASSWORD: admin_password
capability:
  consumes:
  - type: http
    namespace: shop
    baseUri: ""
    authentication:
      type: bearer
      token: '{{SHOP_TOKEN}}'
    resources:
    - name: items
      path: /items
      operations:
      - name: listitems
        method: GET
  exposes:
  - type: rest
    namespace: shop-rest
    authentication:
      type: basic
      username: admin
      password: '{{ADMIN_PASSWORD}}'
    resources:
    - path: /items
      operations:
      - method: GET
        name: listitems
        call: shop.listitems
  - type: mcp
    namespace: shop-mcp
    port: 9091
    transport: stdio
    tools:
    - name: list-items
      description: List items
      call: shop.listitems
"#;

#[test]
fn a_fixture_with_default_ports_and_file_secrets() {
    let loaded = naftiko_codegen::load_str("specs/shop.yaml", FIXTURE);
    let Some(cap) = loaded.capability.as_ref() else { panic!("the fixture does not load:\n{}", loaded.render(false)) };
    assert_eq!(expected_exposes(cap), [("shop-rest".to_owned(), 8080), ("shop-mcp".to_owned(), 9091)]);
    let options = CrateOptions { runtime: RuntimeDependency::Version("0.1".to_owned()) };
    let generated = naftiko_codegen::generate(cap, &options).unwrap_or_else(|e| panic!("{e}"));
    let file =
        |path: &str| generated.files.iter().find(|f| f.path == Path::new(path)).map(|f| f.contents.clone()).unwrap_or_else(|| panic!("no {path}"));
    let deployment = check_kubernetes(cap, &file("deploy/kubernetes.yaml"));
    let dockerfile = file("deploy/Dockerfile");
    check_dockerfile(cap, &dockerfile);
    // A crate depending on the runtime from crates.io builds from its own directory.
    assert!(dockerfile.contains("docker build -f deploy/Dockerfile -t shop ."), "{dockerfile}");
    assert!(dockerfile.contains("    cargo build --release --bin shop \\\n"), "no Cargo.lock in a fresh crate, so no --locked: {dockerfile}");

    // The secrets file is mounted from the Secret where the server reads it (relative to the image's
    // working directory), under the key `kubectl create secret --from-file` gives it.
    let mounts = array_at(&deployment, "/spec/template/spec/containers/0/volumeMounts");
    assert_eq!(mounts.len(), 1, "{deployment:#}");
    assert_eq!(str_at(&mounts[0], "/mountPath"), "/app/secrets/shop.yaml");
    assert_eq!(str_at(&mounts[0], "/subPath"), "shop.yaml");
    let volume = array_at(&deployment, "/spec/template/spec/volumes").first().cloned().unwrap_or_default();
    assert_eq!(str_at(&volume, "/name"), str_at(&mounts[0], "/name"));
    assert_eq!(str_at(&volume, "/secret/secretName"), "shop-secrets");
    assert!(dockerfile.contains("WORKDIR /app"));
}

#[test]
fn every_crate_gets_the_three_deploy_files() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ok/pets.yaml");
    let loaded = naftiko_codegen::load(&path);
    let Some(cap) = loaded.capability.as_ref() else { panic!("pets.yaml does not load:\n{}", loaded.render(false)) };
    let generated = naftiko_codegen::generate(cap, &CrateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let deploy: Vec<String> = generated.files.iter().filter(|f| f.path.starts_with("deploy")).map(|f| f.path.display().to_string()).collect();
    assert_eq!(deploy, ["deploy/Dockerfile", "deploy/Dockerfile.dockerignore", "deploy/kubernetes.yaml"]);
}

/// A control expose: the probes ask its health endpoints, and it stays out of the Service.
const CONTROL_FIXTURE: &str = r#"
naftiko: 1.0.0-alpha2
info:
  label: Ops
capability:
  consumes:
  - type: http
    namespace: ops
    baseUri: https://ops.example.test
    resources:
    - name: items
      path: /items
      operations:
      - name: listitems
        method: GET
  exposes:
  - type: rest
    namespace: ops-rest
    port: 8080
    resources:
    - path: /items
      operations:
      - method: GET
        name: listitems
        call: ops.listitems
  - type: control
    port: 9199
    management:
      health: true
"#;

#[test]
fn a_fixture_with_a_control_expose() {
    let loaded = naftiko_codegen::load_str("specs/ops.yaml", CONTROL_FIXTURE);
    let Some(cap) = loaded.capability.as_ref() else { panic!("the fixture does not load:\n{}", loaded.render(false)) };
    assert!(cap.control.is_some());
    let generated = naftiko_codegen::generate(cap, &CrateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let file =
        |path: &str| generated.files.iter().find(|f| f.path == Path::new(path)).map(|f| f.contents.clone()).unwrap_or_else(|| panic!("no {path}"));
    let deployment = check_kubernetes(cap, &file("deploy/kubernetes.yaml"));
    check_dockerfile(cap, &file("deploy/Dockerfile"));
    let probe = deployment.pointer("/spec/template/spec/containers/0/readinessProbe/httpGet").cloned().unwrap_or_default();
    assert_eq!(probe, serde_json::json!({ "path": "/health/ready", "port": "control", "httpHeaders": [{ "name": "Host", "value": "localhost" }] }));

    // With authentication on the control port, a probe (which has no credentials) asks `/healthz`.
    let authenticated =
        CONTROL_FIXTURE.replace("    management:\n", "    authentication:\n      type: bearer\n      token: '{{OPS_TOKEN}}'\n    management:\n");
    let loaded = naftiko_codegen::load_str("specs/ops.yaml", &authenticated);
    let Some(cap) = loaded.capability.as_ref() else { panic!("the fixture does not load:\n{}", loaded.render(false)) };
    assert!(cap.control.as_ref().is_some_and(|c| c.auth.is_some()));
    let generated = naftiko_codegen::generate(cap, &CrateOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let kubernetes = generated.files.iter().find(|f| f.path == Path::new("deploy/kubernetes.yaml")).map(|f| f.contents.clone()).unwrap_or_default();
    check_kubernetes(cap, &kubernetes);
}
