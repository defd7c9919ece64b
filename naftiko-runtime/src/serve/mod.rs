//! The generated binary: `<name> serve` with one listener per expose, `/healthz`, structured logs
//! without secrets, fail-fast configuration, bounded connections and bodies, and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::sync::Semaphore;

use crate::Upstreams;
use crate::access::Access;

mod body;
mod connections;
mod drain;
mod edge;
mod listeners;
mod rejections;

use body::BodyBounds;
use connections::ConnectionLimits;
pub use listeners::Listening;
use listeners::{Cli, Command, LogFormat, ServeArgs};

/// The allocator of generated binaries (the `#[global_allocator]` of their `main.rs`): the adapters
/// allocate per request, and glibc's malloc/free took about a quarter of their CPU under load.
pub use mimalloc::MiMalloc as Allocator;

/// What a generated binary knows about its spec.
pub struct App {
    /// The crate's name (`--help`, logs).
    pub name: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// Consumed namespaces, for `--upstream NS=URL`.
    pub namespaces: &'static [&'static str],
    /// The exposes served over HTTP, in spec order, each on its own listener.
    pub exposes: &'static [Expose],
}

/// One of the spec's exposes, as `serve` knows it before the flags: which, what, and where by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expose {
    /// The expose's namespace (`--listen NAMESPACE=…`, `--only NAMESPACE`); `control` for the control
    /// expose, which has none in the spec.
    pub namespace: &'static str,
    /// What it serves.
    pub kind: ExposeKind,
    /// The spec's port.
    pub port: u16,
    /// The spec's address; loopback when it has none (DESIGN §3.11).
    pub address: Option<&'static str>,
}

impl Expose {
    /// `HOST:PORT` from the spec, the host in brackets when it is an IPv6 address.
    pub fn default_addr(&self) -> String {
        let host = self.address.unwrap_or("127.0.0.1");
        if host.contains(':') { format!("[{host}]:{}", self.port) } else { format!("{host}:{}", self.port) }
    }
}

/// What an expose serves. Every kind is an HTTP router to the binary; the kind names it in logs and
/// `--help`, and decides which shorthand flags (`--rest-addr`, `--no-mcp`, …) apply.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExposeKind {
    /// A REST adapter (`type: rest`).
    Rest,
    /// An MCP adapter over Streamable HTTP, at `/mcp` (`type: mcp`).
    Mcp,
    /// A skill catalog (`type: skill`).
    Skill,
    /// The control port (`type: control`).
    Control,
}

impl ExposeKind {
    /// Its name in `--help` and in the logs' `surface` field.
    pub fn name(self) -> &'static str {
        match self {
            ExposeKind::Rest => "rest",
            ExposeKind::Mcp => "mcp",
            ExposeKind::Skill => "skill",
            ExposeKind::Control => "control",
        }
    }
}

/// What the binary was asked for, resolved before the surfaces are built.
#[derive(Clone, Debug)]
pub struct Config {
    pub upstreams: Upstreams,
    pub body_limit: usize,
    /// Where each expose listens and whether it is served (`--listen`, `--only`… resolved).
    pub listening: Vec<Listening>,
    /// `--allowed-host`: more `Host` names the adapters answer to.
    pub allowed_hosts: Vec<String>,
    /// `--allowed-origin`: browser origins allowed to call the adapters.
    pub allowed_origins: Vec<String>,
    /// `--no-checks` (benchmarks): no `Host`/`Origin` checks, timeouts or connection and body caps.
    pub unchecked: bool,
}

impl Config {
    /// The `Host` names and origins a surface listening on `address` accepts (see
    /// [`Access::for_address`]).
    pub fn access(&self, address: &str) -> Access {
        if self.unchecked { Access::unchecked() } else { Access::for_address(address, &self.allowed_hosts, &self.allowed_origins) }
    }

    /// Where expose `namespace` listens (`HOST:PORT`), whether served or not. A namespace the app
    /// does not list (a generator bug) gets a loopback address, whose [`Config::access`] is the
    /// strictest.
    pub fn addr(&self, namespace: &str) -> &str {
        self.listening.iter().find(|l| l.expose.namespace == namespace).map_or("127.0.0.1:0", |l| l.addr.as_str())
    }
}

/// A future that serves MCP over stdin/stdout until the client disconnects.
pub type StdioServer = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The surfaces a binary serves, built once its configuration is known.
#[derive(Default)]
pub struct Surfaces {
    /// Each expose's router, by namespace (one per [`App::exposes`] entry; an MCP router serves
    /// Streamable HTTP at `/mcp`).
    pub routers: Vec<(&'static str, Router)>,
    /// MCP over stdio, for `serve --stdio`.
    pub stdio: Option<Box<dyn FnOnce() -> StdioServer + Send>>,
}

/// Runs the binary: parses arguments, builds the surfaces with `build`, serves until SIGINT/SIGTERM.
pub fn main(app: App, build: impl FnOnce(&Config) -> Result<Surfaces, BoxError>) -> ExitCode {
    // The body is not generic, so it (CLI, runtime, hyper's server) is compiled here once rather than
    // in every generated binary.
    main_dyn(app, Box::new(build))
}

type Build<'a> = Box<dyn FnOnce(&Config) -> Result<Surfaces, BoxError> + 'a>;

fn main_dyn(app: App, build: Build<'_>) -> ExitCode {
    let cli = match Cli::parse_for(&app) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let Command::Serve(args) = cli.command;
    init_logs(args.log_format);
    if let Some(root) = &args.root {
        if !root.is_dir() {
            return fail(&format!("--root {}: no such directory", root.display()));
        }
        crate::mcp::files::set_root(root.clone());
    }
    let upstreams = match Upstreams::parse(args.upstream.iter().map(String::as_str)) {
        Ok(u) => u,
        Err(e) => return fail(&e),
    };
    if let Some(ns) = upstreams.unknown(app.namespaces).first() {
        return fail(&format!("--upstream names `{ns}`, which this capability does not consume (it consumes: {})", app.namespaces.join(", ")));
    }
    let listening = match listeners::resolve(&app, &args.listen) {
        Ok(listening) => listening,
        Err(e) => return fail(&e),
    };
    // With --stdio nothing listens, so two exposes on one address do not matter.
    if let Err(e) = listeners::check_distinct(&listening)
        && !args.stdio
    {
        return fail(&e);
    }
    let seconds = |s: f64, flag: &str| Duration::try_from_secs_f64(s).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("{flag} takes a positive number of seconds"));
    let options = match (seconds(args.upstream_timeout, "--upstream-timeout"), seconds(args.connect_timeout, "--connect-timeout")) {
        (Ok(timeout), Ok(connect)) => crate::ClientOptions::default().timeout(timeout).connect_timeout(connect).retries(args.retries),
        (Err(e), _) | (_, Err(e)) => return fail(&e),
    };
    // Generated clients are built with ClientOptions::default(): make it these flags.
    crate::ClientOptions::set_process_default(options);
    for (flag, value) in [("--header-timeout", args.header_timeout), ("--body-timeout", args.body_timeout)] {
        if let Err(e) = seconds(value, flag) {
            return fail(&e);
        }
    }
    let config = Config {
        upstreams,
        body_limit: args.body_limit,
        listening,
        allowed_hosts: args.allowed_host.clone(),
        allowed_origins: args.allowed_origin.clone(),
        unchecked: args.no_checks,
    };
    let surfaces = match build(&config) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    // The listeners are served by threads of their own (see `run`); this one's runtime also waits for
    // the signals and serves MCP on stdio.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(app, args, config, surfaces)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    tracing::error!("{message}");
    eprintln!("error: {message}");
    ExitCode::from(1)
}

fn init_logs(format: LogFormat) {
    // rmcp logs every stateless request's session start and end at info: keep those for RUST_LOG=debug.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

async fn run(app: App, args: ServeArgs, config: Config, mut surfaces: Surfaces) -> Result<(), BoxError> {
    if args.stdio {
        let Some(stdio) = surfaces.stdio.take() else {
            return Err(format!("{} exposes no MCP adapter to serve on stdio", app.name).into());
        };
        tracing::info!(name = app.name, "serving MCP on stdio");
        return stdio().await;
    }
    let shutdown = shutdown_signal();
    let file_limit = connections::raise_file_limit();
    let seconds = |s: f64| Duration::try_from_secs_f64(s).ok();
    let max_connections = args.max_connections.unwrap_or_else(|| connections::default_max_connections(file_limit));
    let (limits, bounds) = if config.unchecked {
        let limits = ConnectionLimits { header_timeout: None, connections: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)) };
        (limits, BodyBounds { limit: config.body_limit, budget: None, timeout: None })
    } else {
        let limits = ConnectionLimits { header_timeout: seconds(args.header_timeout), connections: Arc::new(Semaphore::new(max_connections)) };
        let budget = Arc::new(Semaphore::new(args.max_body_memory.min(Semaphore::MAX_PERMITS)));
        (limits, BodyBounds { limit: config.body_limit, budget: Some(budget), timeout: seconds(args.body_timeout) })
    };
    let threads = args.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    tracing::info!(max_connections, file_limit, header_timeout = args.header_timeout, checks = !config.unchecked, threads, "limits");
    let bounds = Arc::new(bounds);
    // Each expose is bound once per thread; thread `i` serves the `i`-th listener of every expose.
    let mut shares: Vec<Vec<Served>> = std::iter::repeat_with(Vec::new).take(threads).collect();
    for listening in config.listening.iter().filter(|l| l.served) {
        let (namespace, surface, addr) = (listening.expose.namespace, listening.expose.kind.name(), listening.addr.as_str());
        let Some(at) = surfaces.routers.iter().position(|(ns, _)| *ns == namespace) else {
            return Err(format!("{} built no router for its expose `{namespace}`", app.name).into());
        };
        let (_, router) = surfaces.routers.swap_remove(at);
        let access = config.access(addr);
        let listeners = connections::bind(namespace, addr, threads)?;
        let local: SocketAddr = listeners.first().ok_or("no listener was bound")?.local_addr()?;
        if access.accepts_any_host() {
            tracing::warn!(surface, namespace, address = %local, "accepting any Host header (not a loopback address); name the public host with --allowed-host");
        } else {
            tracing::info!(surface, namespace, hosts = access.allowed_hosts.join(" "), "accepting these Host names");
        }
        // Tests and scripts wait for this line to learn the port (useful with port 0).
        tracing::info!(surface, namespace, address = %local, "listening");
        #[cfg(feature = "control")]
        crate::control::listener_started(namespace, local.port());
        let app = application(surface, namespace, router, Arc::clone(&bounds), &access);
        for (share, listener) in shares.iter_mut().zip(listeners) {
            share.push(Served { namespace, surface, app: app.clone(), listener });
        }
    }
    if shares.first().is_none_or(Vec::is_empty) {
        let exposes: Vec<&str> = config.listening.iter().map(|l| l.expose.namespace).collect();
        if exposes.is_empty() {
            return Err(format!("nothing to serve: {} has no expose served over HTTP", app.name).into());
        }
        return Err(format!("nothing to serve: --only, --no-rest or --no-mcp left out every expose ({})", exposes.join(", ")).into());
    }
    // Every thread runs a runtime of its own (this one included) and serves its share of the
    // connections from start to end, with its own upstream connections (`HttpClient` keeps a client
    // per thread): a request never wakes another thread, which cost a third of the CPU per request
    // under a multi-threaded runtime on two cores.
    let mut threads_done = tokio::task::JoinSet::new();
    let mut shares = shares.into_iter();
    let own = shares.next().unwrap_or_default();
    for (i, share) in shares.enumerate() {
        let (limits, shutdown) = (limits.clone(), shutdown.clone());
        let (done, finished) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name(format!("serve-{}", i + 1))
            .spawn(move || {
                let served = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime.block_on(serve_share(share, limits, shutdown)),
                    Err(e) => Err(format!("cannot start the async runtime of a serving thread: {e}").into()),
                };
                let _ = done.send(served);
            })
            .map_err(|e| format!("cannot start a serving thread: {e}"))?;
        // A thread that panicked drops `done` unsent.
        threads_done.spawn(async move { finished.await.unwrap_or_else(|_| Err("a serving thread stopped unexpectedly".into())) });
    }
    let exposes: Vec<(&str, &str)> = own.iter().map(|s| (s.surface, s.namespace)).collect();
    threads_done.spawn(serve_share(own, limits, shutdown));
    while let Some(done) = threads_done.join_next().await {
        done.map_err(|e| format!("a listener stopped unexpectedly: {e}"))??;
    }
    for (surface, namespace) in exposes {
        tracing::info!(surface, namespace, "stopped");
    }
    Ok(())
}

/// One listener of an expose, and the router it serves, for one thread.
struct Served {
    namespace: &'static str,
    surface: &'static str,
    app: Application,
    listener: std::net::TcpListener,
}

/// Serves a thread's listeners until the shutdown signal, then lets requests in progress finish.
async fn serve_share(share: Vec<Served>, limits: ConnectionLimits, shutdown: tokio::sync::watch::Receiver<bool>) -> Result<(), BoxError> {
    let mut servers = tokio::task::JoinSet::new();
    for Served { namespace, app, listener, .. } in share {
        let (limits, shutdown) = (limits.clone(), shutdown.clone());
        servers.spawn(async move {
            let served = connections::serve(listener, app, limits, shutdown).await;
            // For /health/ready: not ready once a thread's listener of it has stopped (shutdown).
            #[cfg(feature = "control")]
            crate::control::listener_stopped(namespace);
            #[cfg(not(feature = "control"))]
            let _ = namespace;
            served
        });
    }
    while let Some(done) = servers.join_next().await {
        done.map_err(|e| format!("a listener stopped unexpectedly: {e}"))??;
    }
    Ok(())
}

/// A surface's router with what the binary adds: `/healthz`, and around both the edge every request
/// meets first ([`edge::EdgeService::call`]): the `Host` and `Origin` checks of its listener
/// (`access`: the generated routers check none themselves, see [`Access::checked_at_edge`];
/// `/healthz` is not checked, so that probes reach it by any name), the body limit and bounds, the
/// request target limit, `X-Content-Type-Options: nosniff` on every response, and the access log.
///
/// The edge wraps the router rather than each of its routes (axum's `Router::layer`), which cloned the
/// edge and boxed its future once more for every request, 3% of the REST adapter's instructions. The
/// control expose, which counts each request under its route, has each route hand its route to the
/// edge's observation ([`crate::control::labelled`]): the edge runs before a route is matched.
fn application(surface: &'static str, namespace: &'static str, router: Router, bounds: Arc<BodyBounds>, access: &Access) -> Application {
    let checks = crate::access::Prepared::checking(access);
    let router = match crate::access::cors(access) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    let router = Router::new().route(edge::HEALTH, axum::routing::get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) })).merge(router);
    #[cfg(feature = "control")]
    let router = crate::control::labelled(surface, router);
    edge::EdgeService::new(surface, namespace, bounds, checks, router)
}

/// A surface as a listener serves it: its router behind the edge (see [`application`]).
type Application = edge::EdgeService<Router>;

/// Registers the SIGINT/SIGTERM handlers now — before any listener announces itself, so a signal sent
/// as soon as the server is up is a graceful shutdown, not the default kill — and returns a receiver
/// that turns `true` when one arrives.
fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            () = terminate => {},
        }
        tracing::info!("shutting down");
        let _ = tx.send(true);
    });
    rx
}
