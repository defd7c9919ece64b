//! A generated crate's deployment files: `deploy/Dockerfile` (a multi-stage build of the binary into a
//! small non-root image), `deploy/Dockerfile.dockerignore` (what the build context leaves out) and
//! `deploy/kubernetes.yaml` (a Deployment, a Service and a HorizontalPodAutoscaler), all from the
//! exposes the binary serves and the secrets it reads.
//!
//! The text is written line by line rather than serialized, so that the files read like hand-written
//! ones, with comments that say what an operator has to fill in.

use std::fmt::Write as _;

use crate::emit::crate_files::{GeneratedFile, RuntimeDependency};
use crate::ir::{BaseUri, Capability, McpTransport, PromptSource, ResourceSource, SecretSource, SkillFolder};

/// The image the binary is built in: the workspace's `rust-version`, on Debian 12 (bookworm) so the
/// binary links the glibc of the final image.
const BUILDER_IMAGE: &str = "rust:1.95-slim-bookworm";
/// The final image: glibc, libgcc, CA certificates and a `nonroot` user, nothing else (no shell, no
/// package manager). The binary's TLS is rustls, which reads the system's roots
/// (rustls-platform-verifier), so it needs the CA certificates and no OpenSSL.
const RUNTIME_IMAGE: &str = "gcr.io/distroless/cc-debian12:nonroot";
/// The distroless `nonroot` user and group.
const NONROOT_ID: u32 = 65532;
/// The image's working directory: where relative `file:///./…` locations are read from.
const WORKDIR: &str = "/app";
/// The path `CrateOptions::default` gives the runtime: this repository's layout.
const REPOSITORY_RUNTIME_PATH: &str = "../../naftiko-runtime";

/// The ports the binary serves an expose on when the spec names none (`binary.rs` has the same).
const DEFAULT_REST_PORT: u16 = 8080;
const DEFAULT_MCP_PORT: u16 = 9090;
const DEFAULT_SKILL_PORT: u16 = 8090;

/// What an expose serves, as the binary's `App::exposes` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExposeKind {
    Rest,
    Mcp,
    Skill,
    /// The control port: health, status, metrics. Probed, but left out of the Service.
    Control,
}

impl ExposeKind {
    /// Its name in `serve --help`, and the container and Service port name of its first expose.
    pub fn name(self) -> &'static str {
        match self {
            ExposeKind::Rest => "rest",
            ExposeKind::Mcp => "mcp",
            ExposeKind::Skill => "skill",
            ExposeKind::Control => "control",
        }
    }
}

/// An expose the generated binary listens for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedExpose {
    /// `--listen NAMESPACE=…`.
    pub namespace: String,
    pub kind: ExposeKind,
    /// The spec's port, or the binary's default for the kind.
    pub port: u16,
    /// The container and Service port name: the kind, numbered from the second expose of a kind on
    /// (`rest-2`). A port name is an IANA service name, at most 15 characters, which most namespaces
    /// exceed.
    pub port_name: String,
    /// What the expose is, for comments.
    pub description: &'static str,
}

/// The exposes the generated binary serves over HTTP, in the order of its `App::exposes`: every REST,
/// then every MCP (a `transport: stdio` one is served over HTTP too), then every skill expose, then the
/// control port, as `binary::emit` lists them. A unit test holds the two together.
pub fn served_exposes(cap: &Capability) -> Vec<ServedExpose> {
    let rest = cap.rest.iter().map(|r| (r.namespace.as_str(), ExposeKind::Rest, r.port.unwrap_or(DEFAULT_REST_PORT), "REST"));
    let mcp = cap.mcp.iter().map(|m| {
        let description = match m.transport {
            McpTransport::Http => "MCP, Streamable HTTP at /mcp",
            McpTransport::Stdio => "MCP, Streamable HTTP at /mcp; stdio, as the spec asks, is `serve --stdio`",
        };
        (m.namespace.as_str(), ExposeKind::Mcp, m.port.unwrap_or(DEFAULT_MCP_PORT), description)
    });
    let skill = cap.skill.iter().map(|s| (s.namespace.as_str(), ExposeKind::Skill, s.port.unwrap_or(DEFAULT_SKILL_PORT), "skill catalog at /skills"));
    let control = cap.control.iter().map(|c| (crate::emit::control::NAMESPACE, ExposeKind::Control, c.port, "control port: health, status, metrics"));
    let mut exposes: Vec<ServedExpose> = Vec::new();
    for (namespace, kind, port, description) in rest.chain(mcp).chain(skill).chain(control) {
        let before = exposes.iter().filter(|e| e.kind == kind).count();
        let port_name = if before == 0 { kind.name().to_owned() } else { format!("{}-{}", kind.name(), before + 1) };
        exposes.push(ServedExpose { namespace: namespace.to_owned(), kind, port, port_name, description });
    }
    exposes
}

/// Where Kubernetes probes the pods: readiness and liveness, on a named container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probes {
    pub port_name: String,
    pub readiness_path: &'static str,
    pub liveness_path: &'static str,
    /// The `Host` header the probes send, when the endpoint checks it.
    pub host: Option<&'static str>,
}

/// The control port's `/health/ready` (503 until every listener is bound) and `/health/live`, when it
/// serves them without authentication (a probe has no credentials); else `/healthz`, which every
/// listener answers whatever its authentication and `Host` checks, on the first expose's port. `None`
/// when nothing is served.
pub fn probes(cap: &Capability, exposes: &[ServedExpose]) -> Option<Probes> {
    let control = exposes.iter().find(|e| e.kind == ExposeKind::Control);
    if let (Some(port), Some(c)) = (control, &cap.control)
        && c.health
        && c.auth.is_none()
    {
        // A loopback name, which the control port accepts even when `--allowed-host` names others
        // (the kubelet would send the pod's IP).
        return Some(Probes {
            port_name: port.port_name.clone(),
            readiness_path: "/health/ready",
            liveness_path: "/health/live",
            host: Some("localhost"),
        });
    }
    let first = exposes.first()?;
    Some(Probes { port_name: first.port_name.clone(), readiness_path: "/healthz", liveness_path: "/healthz", host: None })
}

/// The name of the Secret the pods read the capability's secrets from.
pub fn secret_name(cap: &Capability) -> String {
    format!("{}-secrets", resource_name(&cap.crate_name))
}

/// The deployment files of `cap`'s crate, under `deploy/`; none when the binary serves nothing over
/// HTTP (there would be nothing to route to or probe).
pub fn files(cap: &Capability, runtime: &RuntimeDependency) -> Vec<GeneratedFile> {
    let exposes = served_exposes(cap);
    let Some(probes) = probes(cap, &exposes) else { return Vec::new() };
    vec![
        GeneratedFile { path: "deploy/Dockerfile".into(), contents: dockerfile(cap, runtime, &exposes) },
        GeneratedFile { path: "deploy/Dockerfile.dockerignore".into(), contents: dockerignore(cap) },
        GeneratedFile { path: "deploy/kubernetes.yaml".into(), contents: kubernetes_yaml(cap, &exposes, &probes) },
    ]
}

/// Where the build context is, and the `cargo build` that works from it.
struct BuildContext {
    /// Comment lines (without `# `) that say which directory to build from, and why.
    explanation: Vec<String>,
    cargo_build: String,
}

fn build_context(cap: &Capability, runtime: &RuntimeDependency) -> BuildContext {
    let name = &cap.crate_name;
    match runtime {
        RuntimeDependency::Path(path) => {
            let command = if path == REPOSITORY_RUNTIME_PATH {
                format!("    docker build -f generated/{name}/deploy/Dockerfile -t {name} .")
            } else {
                format!("    docker build -f <this crate's directory>/deploy/Dockerfile -t {name} .")
            };
            BuildContext {
                explanation: vec![
                    "Build context: the root of the Cargo workspace that holds this crate and naftiko-runtime, not this".to_owned(),
                    format!("crate's directory. The crate depends on the runtime by path (`{path}`), and both take their"),
                    "dependency versions and Cargo.lock from the workspace:".to_owned(),
                    String::new(),
                    command,
                ],
                cargo_build: format!("cargo build --release --locked -p {name} --bin {name}"),
            }
        }
        RuntimeDependency::Version(version) => BuildContext {
            explanation: vec![
                format!("Build context: this crate's directory (it depends on naftiko-runtime `{version}` from crates.io):"),
                String::new(),
                format!("    docker build -f deploy/Dockerfile -t {name} ."),
                String::new(),
                "With a Cargo.lock beside Cargo.toml, add `--locked` to `cargo build` for reproducible images.".to_owned(),
            ],
            cargo_build: format!("cargo build --release --bin {name}"),
        },
    }
}

/// `deploy/Dockerfile`.
fn dockerfile(cap: &Capability, runtime: &RuntimeDependency, exposes: &[ServedExpose]) -> String {
    let name = &cap.crate_name;
    let context = build_context(cap, runtime);
    let binary = format!("/usr/local/bin/{name}");
    let mut out = String::new();
    let _ = writeln!(out, "# syntax=docker/dockerfile:1");
    let _ = writeln!(out, "# @generated by naftiko-codegen from `{}`; do not edit.", cap.source);
    let _ = writeln!(out, "#");
    let _ = writeln!(out, "# The `{name}` server: built in release, run from a distroless image as a non-root user.");
    let _ = writeln!(out, "#");
    for line in &context.explanation {
        let _ = writeln!(out, "{}", comment(line));
    }
    let _ = writeln!(out, "#");
    let _ = writeln!(out, "# `Dockerfile.dockerignore` beside this file keeps `target/` and `.git/` out of the context.");
    let _ = writeln!(out);
    let _ = writeln!(out, "FROM {BUILDER_IMAGE} AS build");
    let _ = writeln!(out, "WORKDIR /src");
    let _ = writeln!(out, "COPY . .");
    let _ = writeln!(out, "# The caches keep downloaded crates and build artifacts between builds; the binary is copied out of them.");
    let _ = writeln!(out, "RUN --mount=type=cache,target=/usr/local/cargo/registry \\");
    let _ = writeln!(out, "    --mount=type=cache,target=/src/target \\");
    let _ = writeln!(out, "    {} \\", context.cargo_build);
    let _ = writeln!(out, "    && cp target/release/{name} /{name}");
    let _ = writeln!(out);
    let _ = writeln!(out, "# glibc, libgcc and the CA certificates that rustls verifies upstreams with; no shell, no package manager.");
    let _ = writeln!(out, "FROM {RUNTIME_IMAGE}");
    let _ = writeln!(out, "COPY --from=build /{name} {binary}");
    let _ = writeln!(out, "# Relative `file:///./…` locations of the spec are read from here.");
    let _ = writeln!(out, "WORKDIR {WORKDIR}");
    let runtime_files = runtime_files(cap);
    if !runtime_files.is_empty() {
        let _ = writeln!(out, "# The server reads these files at run time and does not start without them; copy them in, e.g.");
        let _ = writeln!(out, "# `COPY <the spec's directory>/docs {WORKDIR}/docs` for `file:///./docs`:");
        for file in &runtime_files {
            let _ = writeln!(out, "{}", comment(&format!("  {file}")));
        }
    }
    let _ = writeln!(out, "USER {NONROOT_ID}:{NONROOT_ID}");
    for e in exposes {
        let _ = writeln!(out, "{}", comment(&format!("{} ({})", e.namespace, e.description)));
        let _ = writeln!(out, "EXPOSE {}", e.port);
    }
    let _ = writeln!(out, "# Every expose listens on all interfaces of the container. More `serve` flags go after the image name");
    if exposes.iter().any(|e| e.kind == ExposeKind::Control) {
        let _ = writeln!(out, "# The control port too, so that the kubelet can probe it (a NetworkPolicy can keep other pods off it).");
    }
    let _ = writeln!(out, "# (`docker run IMAGE --upstream URL`) or in the Kubernetes `args`. On an address other than loopback the");
    let _ = writeln!(out, "# server answers any `Host`: behind a proxy or an ingress, add `--allowed-host NAME` for each name clients");
    let _ = writeln!(out, "# use (the public host, the Service's DNS name); a browser app calling in needs `--allowed-origin ORIGIN`.");
    let mut entrypoint = vec![binary.clone(), "serve".to_owned()];
    for e in exposes {
        entrypoint.push("--listen".to_owned());
        entrypoint.push(format!("{}=0.0.0.0:{}", e.namespace, e.port));
    }
    let entrypoint: Vec<String> = entrypoint.iter().map(|a| json_string(a)).collect();
    let _ = writeln!(out, "ENTRYPOINT [{}]", entrypoint.join(", "));
    out
}

/// `deploy/Dockerfile.dockerignore`: BuildKit reads it instead of the context's `.dockerignore` when
/// building with `-f deploy/Dockerfile`.
fn dockerignore(cap: &Capability) -> String {
    format!(
        "# @generated by naftiko-codegen from `{}`; do not edit.\n# What `docker build -f deploy/Dockerfile` leaves out of the build context.\n**/target\n.git\n",
        cap.source
    )
}

/// The files the server reads at run time (static resources, prompt files, skill folders), as written
/// in the spec.
fn runtime_files(cap: &Capability) -> Vec<String> {
    let mut files = Vec::new();
    for skill in cap.skill.iter().flat_map(|s| &s.skills) {
        if let SkillFolder::Location { path } = &skill.folder {
            files.push(format!("{path} (skill `{}`)", skill.name));
        }
    }
    for m in &cap.mcp {
        for r in &m.resources {
            if let ResourceSource::Files { path } = &r.source {
                files.push(format!("{path} (resource `{}`)", r.name));
            }
        }
        for p in &m.prompts {
            if let PromptSource::File { path } = &p.source {
                files.push(format!("{path} (prompt `{}`)", p.name));
            }
        }
    }
    files
}

/// `deploy/kubernetes.yaml`.
fn kubernetes_yaml(cap: &Capability, exposes: &[ServedExpose], probes: &Probes) -> String {
    let name = resource_name(&cap.crate_name);
    let secret = secret_name(cap);
    let mut out = String::new();
    let _ = writeln!(out, "# @generated by naftiko-codegen from `{}`; do not edit.", cap.source);
    let _ = writeln!(out, "#");
    let _ = writeln!(out, "# `{}` on Kubernetes: a Deployment (the server keeps no per-client state, so replicas share the load),", cap.crate_name);
    let _ = writeln!(out, "# a Service with one port per expose, and a HorizontalPodAutoscaler. Build deploy/Dockerfile, push the image");
    let _ = writeln!(out, "# and set `image:` below.");
    write_secret_instructions(&mut out, cap, &secret);
    // Deployment.
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "apiVersion: apps/v1");
    let _ = writeln!(out, "kind: Deployment");
    write_metadata(&mut out, &name);
    let _ = writeln!(out, "spec:");
    let _ = writeln!(out, "  # The HorizontalPodAutoscaler below adjusts this between its bounds.");
    let _ = writeln!(out, "  replicas: 2");
    let _ = writeln!(out, "  selector:");
    let _ = writeln!(out, "    matchLabels:");
    let _ = writeln!(out, "      app.kubernetes.io/name: {name}");
    let _ = writeln!(out, "  template:");
    let _ = writeln!(out, "    metadata:");
    let _ = writeln!(out, "      labels:");
    let _ = writeln!(out, "        app.kubernetes.io/name: {name}");
    let _ = writeln!(out, "    spec:");
    let _ = writeln!(out, "      automountServiceAccountToken: false");
    let _ = writeln!(out, "      securityContext:");
    let _ = writeln!(out, "        runAsNonRoot: true");
    let _ = writeln!(out, "        runAsUser: {NONROOT_ID}");
    let _ = writeln!(out, "        runAsGroup: {NONROOT_ID}");
    let _ = writeln!(out, "        seccompProfile:");
    let _ = writeln!(out, "          type: RuntimeDefault");
    let _ = writeln!(out, "      containers:");
    let _ = writeln!(out, "        - name: {name}");
    let _ = writeln!(out, "          image: {name}:latest");
    let _ =
        writeln!(out, "          # Appended to the image's `serve --listen …`; add `--allowed-host` here behind an ingress (see the Dockerfile).");
    let _ = writeln!(out, "          args: [\"--log-format\", \"json\"]");
    let _ = writeln!(out, "          ports:");
    for e in exposes {
        let _ = writeln!(out, "            {}", comment(&format!("{} ({})", e.namespace, e.description)));
        let _ = writeln!(out, "            - name: {}", e.port_name);
        let _ = writeln!(out, "              containerPort: {}", e.port);
        let _ = writeln!(out, "              protocol: TCP");
    }
    write_env(&mut out, cap, &secret);
    for (probe, path) in [("readinessProbe", probes.readiness_path), ("livenessProbe", probes.liveness_path)] {
        let _ = writeln!(out, "          {probe}:");
        let _ = writeln!(out, "            httpGet:");
        let _ = writeln!(out, "              path: {path}");
        let _ = writeln!(out, "              port: {}", probes.port_name);
        if let Some(host) = probes.host {
            let _ = writeln!(out, "              httpHeaders:");
            let _ = writeln!(out, "                - name: Host");
            let _ = writeln!(out, "                  value: {host}");
        }
        let _ = writeln!(out, "            periodSeconds: {}", if probe == "readinessProbe" { 5 } else { 10 });
        let _ = writeln!(out, "            timeoutSeconds: 2");
        let _ = writeln!(out, "            failureThreshold: 3");
    }
    let _ = writeln!(out, "          # The server's peak RSS is about 14 MiB.");
    let _ = writeln!(out, "          resources:");
    let _ = writeln!(out, "            requests:");
    let _ = writeln!(out, "              cpu: 100m");
    let _ = writeln!(out, "              memory: 32Mi");
    let _ = writeln!(out, "            limits:");
    let _ = writeln!(out, "              cpu: \"1\"");
    let _ = writeln!(out, "              memory: 128Mi");
    let _ = writeln!(out, "          securityContext:");
    let _ = writeln!(out, "            allowPrivilegeEscalation: false");
    let _ = writeln!(out, "            readOnlyRootFilesystem: true");
    let _ = writeln!(out, "            capabilities:");
    let _ = writeln!(out, "              drop: [\"ALL\"]");
    write_secret_mounts(&mut out, cap, &secret);
    write_service(&mut out, &name, exposes);
    // HorizontalPodAutoscaler.
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "apiVersion: autoscaling/v2");
    let _ = writeln!(out, "kind: HorizontalPodAutoscaler");
    write_metadata(&mut out, &name);
    let _ = writeln!(out, "spec:");
    let _ = writeln!(out, "  scaleTargetRef:");
    let _ = writeln!(out, "    apiVersion: apps/v1");
    let _ = writeln!(out, "    kind: Deployment");
    let _ = writeln!(out, "    name: {name}");
    let _ = writeln!(out, "  minReplicas: 2");
    let _ = writeln!(out, "  maxReplicas: 10");
    let _ = writeln!(out, "  metrics:");
    let _ = writeln!(out, "    - type: Resource");
    let _ = writeln!(out, "      resource:");
    let _ = writeln!(out, "        name: cpu");
    let _ = writeln!(out, "        target:");
    let _ = writeln!(out, "          type: Utilization");
    let _ = writeln!(out, "          averageUtilization: 70");
    out
}

/// The Service: one port per expose but the control port. A capability that serves only its control
/// port has no Service (one without ports is invalid).
fn write_service(out: &mut String, name: &str, exposes: &[ServedExpose]) {
    if exposes.iter().all(|e| e.kind == ExposeKind::Control) {
        return;
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "apiVersion: v1");
    let _ = writeln!(out, "kind: Service");
    write_metadata(out, name);
    let _ = writeln!(out, "spec:");
    let _ = writeln!(out, "  selector:");
    let _ = writeln!(out, "    app.kubernetes.io/name: {name}");
    let _ = writeln!(out, "  ports:");
    if let Some(control) = exposes.iter().find(|e| e.kind == ExposeKind::Control) {
        let _ = writeln!(out, "    # Not the control port ({}): the kubelet probes it on the pod; management stays private.", control.port);
    }
    for e in exposes.iter().filter(|e| e.kind != ExposeKind::Control) {
        let _ = writeln!(out, "    {}", comment(&format!("{} ({})", e.namespace, e.description)));
        let _ = writeln!(out, "    - name: {}", e.port_name);
        let _ = writeln!(out, "      port: {}", e.port);
        let _ = writeln!(out, "      targetPort: {}", e.port_name);
        let _ = writeln!(out, "      protocol: TCP");
    }
}

fn write_metadata(out: &mut String, name: &str) {
    let _ = writeln!(out, "metadata:");
    let _ = writeln!(out, "  name: {name}");
    let _ = writeln!(out, "  labels:");
    let _ = writeln!(out, "    app.kubernetes.io/name: {name}");
}

/// The environment variables the capability reads its secrets from, each with the bind variable it
/// holds (the Secret's key); one per variable name.
fn env_secrets(cap: &Capability) -> Vec<(&str, &str)> {
    let mut vars: Vec<(&str, &str)> = Vec::new();
    for s in &cap.secrets {
        if let SecretSource::Env { name } = &s.source
            && !vars.iter().any(|(env, _)| env == name)
        {
            vars.push((name, &s.var));
        }
    }
    vars
}

/// The files the capability reads secrets from: the Secret's key (the file's name, as
/// `kubectl create secret --from-file` names it) and where the pod mounts it, or `None` when the
/// location leaves the working directory (`..`), which a mount cannot name.
fn file_secrets(cap: &Capability) -> Vec<(String, String, Option<String>)> {
    let mut files: Vec<(String, String, Option<String>)> = Vec::new();
    for s in &cap.secrets {
        if let SecretSource::File { location, .. } = &s.source
            && !files.iter().any(|(l, _, _)| l == location)
        {
            let path = mount_path(location);
            let key = path.as_deref().unwrap_or(location).rsplit('/').next().unwrap_or_default().to_owned();
            files.push((location.clone(), key, path));
        }
    }
    files
}

/// The absolute path a `file://` location names in the container (relative ones are read from
/// the working directory), as the runtime reads it.
fn mount_path(location: &str) -> Option<String> {
    let rest = location.strip_prefix("file://").unwrap_or(location);
    let rest = rest.strip_prefix("localhost").filter(|r| r.starts_with('/')).unwrap_or(rest);
    let path = match rest.strip_prefix("/./") {
        Some(relative) => format!("{WORKDIR}/{relative}"),
        None if rest.starts_with('/') => rest.to_owned(),
        None => format!("{WORKDIR}/{}", rest.trim_start_matches("./")),
    };
    let usable = !path.split('/').any(|segment| segment == ".." || segment == ".") && !path.ends_with('/');
    usable.then_some(path)
}

fn write_secret_instructions(out: &mut String, cap: &Capability, secret: &str) {
    let vars = env_secrets(cap);
    let files = file_secrets(cap);
    if vars.is_empty() && files.is_empty() {
        let _ = writeln!(out, "#");
        let _ = writeln!(out, "# The capability reads no secrets.");
        return;
    }
    let _ = writeln!(out, "#");
    let _ =
        writeln!(out, "# Its secrets come from the Secret `{secret}`, one key per bind variable{}:", if files.is_empty() { "" } else { " or file" });
    let _ = writeln!(out, "#");
    let mut command = format!("#     kubectl create secret generic {secret}");
    for (_, var) in &vars {
        let _ = write!(command, " --from-literal={var}=…");
    }
    for (_, key, _) in &files {
        let _ = write!(command, " --from-file={key}=<the file>");
    }
    let _ = writeln!(out, "{}", comment(command.trim_start_matches("# ")));
}

fn write_env(out: &mut String, cap: &Capability, secret: &str) {
    let vars = env_secrets(cap);
    let runtime_urls: Vec<(&str, String)> = cap
        .consumes
        .iter()
        .filter(|c| matches!(c.base_uri, BaseUri::Runtime))
        // The variable `Client::from_env` reads (see the client's `BASE_URL_ENV`).
        .map(|c| (c.namespace.as_str(), format!("NAFTIKO_{}_BASE_URL", c.module.trim_start_matches("r#").to_ascii_uppercase())))
        .collect();
    if vars.is_empty() && runtime_urls.is_empty() {
        return;
    }
    let _ = writeln!(out, "          env:");
    for (env, var) in vars {
        let _ = writeln!(out, "            - name: {}", yaml_string(env));
        let _ = writeln!(out, "              valueFrom:");
        let _ = writeln!(out, "                secretKeyRef:");
        let _ = writeln!(out, "                  name: {secret}");
        let _ = writeln!(out, "                  key: {}", yaml_string(var));
    }
    for (namespace, env) in runtime_urls {
        let _ = writeln!(
            out,
            "            {}",
            comment(&format!("The spec leaves the base URL of `{namespace}` empty: the server does not start without it."))
        );
        let _ = writeln!(out, "            - name: {}", yaml_string(&env));
        let _ = writeln!(out, "              value: \"\"");
    }
}

fn write_secret_mounts(out: &mut String, cap: &Capability, secret: &str) {
    let files = file_secrets(cap);
    if files.is_empty() {
        return;
    }
    let mounted: Vec<&(String, String, Option<String>)> = files.iter().filter(|(_, _, path)| path.is_some()).collect();
    for (location, _, _) in files.iter().filter(|(_, _, path)| path.is_none()) {
        let _ = writeln!(out, "          {}", comment(&format!("`{location}` is outside the working directory: mount it yourself.")));
    }
    if mounted.is_empty() {
        return;
    }
    let _ = writeln!(out, "          volumeMounts:");
    for (location, key, path) in &mounted {
        let path = path.as_deref().unwrap_or_default();
        let _ = writeln!(out, "            {}", comment(location));
        let _ = writeln!(out, "            - name: secret-files");
        let _ = writeln!(out, "              mountPath: {}", yaml_string(path));
        let _ = writeln!(out, "              subPath: {}", yaml_string(key));
        let _ = writeln!(out, "              readOnly: true");
    }
    let _ = writeln!(out, "      volumes:");
    let _ = writeln!(out, "        - name: secret-files");
    let _ = writeln!(out, "          secret:");
    let _ = writeln!(out, "            secretName: {secret}");
}

/// A Kubernetes object name from the crate name (lowercase letters, digits and `-` already): at most
/// 63 characters and starting with a letter, as a Service name must.
pub fn resource_name(crate_name: &str) -> String {
    let mut name = crate_name.to_owned();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "naftiko-");
    }
    name.truncate(63);
    name.trim_end_matches('-').to_owned()
}

/// A comment line: `# ` and the text, or `#` alone for an empty one.
fn comment(text: &str) -> String {
    if text.is_empty() { "#".to_owned() } else { format!("# {text}") }
}

/// `text` as a JSON string: a double-quoted YAML scalar, and an exec-form Dockerfile argument.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// `text` as a YAML scalar: plain when it cannot be read as anything but that string, else
/// double-quoted.
fn yaml_string(text: &str) -> String {
    let plain = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(text.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null");
    if plain { text.to_owned() } else { json_string(text) }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The binary's `App::exposes`, read back from the emitted `server` module: (namespace, kind, port).
    fn binary_exposes(cap: &Capability) -> Vec<(String, String, u16)> {
        let tokens = crate::emit::binary::emit(cap).to_string();
        tokens
            .split(":: serve :: Expose {")
            .skip(1)
            .map(|entry| {
                let field = |name: &str| {
                    let start = entry.find(&format!("{name} :")).map(|i| i + name.len() + 2).unwrap_or_else(|| panic!("no {name} in {entry}"));
                    entry[start..].split(',').next().unwrap_or_default().trim().to_owned()
                };
                let kind = field("kind").rsplit(' ').next().unwrap_or_default().to_ascii_lowercase();
                (field("namespace").trim_matches('"').to_owned(), kind, field("port").parse().unwrap_or_else(|e| panic!("port: {e}")))
            })
            .collect()
    }

    #[test]
    fn the_served_exposes_are_the_binarys() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // The seeds, and the fixtures with control, skill and several exposes that the end-to-end tests serve.
        let mut checked = 0;
        for dir in [root.join("../specs"), root.join("tests/fixtures/ok"), root.join("../tests/fixtures")] {
            for spec in crate::output::specs_in(&dir).unwrap_or_default() {
                let Some(cap) = crate::load(&spec).capability else { continue };
                let ours: Vec<(String, String, u16)> =
                    served_exposes(&cap).into_iter().map(|e| (e.namespace, e.kind.name().to_owned(), e.port)).collect();
                assert_eq!(ours, binary_exposes(&cap), "{}: deploy/ and the binary disagree on the exposes", spec.display());
                checked += 1;
            }
        }
        assert!(checked > 3, "only {checked} specs checked");
    }

    #[test]
    fn nothing_served_nothing_deployed() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ok/pets.yaml");
        let Some(mut cap) = crate::load(&path).capability else { panic!("pets.yaml does not load") };
        assert_eq!(files(&cap, &RuntimeDependency::Version("0.1".to_owned())).len(), 3);
        // A second expose of a kind gets a numbered port name (an IANA service name: 15 characters).
        let mut second = cap.rest[0].clone();
        second.namespace = "pets-admin-rest".to_owned();
        second.port = Some(8081);
        cap.rest.push(second);
        let names: Vec<String> = served_exposes(&cap).into_iter().map(|e| e.port_name).collect();
        assert_eq!(names, ["rest", "rest-2", "mcp"]);
        cap.rest.clear();
        cap.mcp.clear();
        cap.skill.clear();
        assert!(files(&cap, &RuntimeDependency::Version("0.1".to_owned())).is_empty());
    }

    #[test]
    fn names_and_scalars() {
        assert_eq!(resource_name("instance-snapshots"), "instance-snapshots");
        assert_eq!(resource_name("3d-prints"), "naftiko-3d-prints");
        let long = resource_name(&"a-".repeat(40));
        assert!(long.len() <= 63 && !long.ends_with('-'), "{long}");
        assert_eq!(yaml_string("SCALEWAY_API_KEY"), "SCALEWAY_API_KEY");
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(yaml_string("a: b"), "\"a: b\"");
        assert_eq!(yaml_string("1234"), "\"1234\"");
    }

    #[test]
    fn secret_files_mount_where_the_runtime_reads_them() {
        assert_eq!(mount_path("file:///etc/naftiko/secrets.yaml").as_deref(), Some("/etc/naftiko/secrets.yaml"));
        assert_eq!(mount_path("file://localhost/etc/s.json").as_deref(), Some("/etc/s.json"));
        assert_eq!(mount_path("file:///./secrets.yaml").as_deref(), Some("/app/secrets.yaml"));
        assert_eq!(mount_path("secrets.yaml").as_deref(), Some("/app/secrets.yaml"));
        assert_eq!(mount_path("file:///../secrets.yaml"), None);
    }
}
