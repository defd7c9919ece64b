//! The `serve` command line, and where each of the spec's exposes listens: the flags as clap parses
//! them, resolved against the exposes by pure functions ([`resolve`], [`check_distinct`]).

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use super::{App, Expose, ExposeKind};

#[derive(Parser)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Serve the capability's exposes (REST, MCP…), each on its own listener.
    Serve(ServeArgs),
}

impl Cli {
    /// Parses the process's arguments, with `app`'s name and description, and its exposes listed at
    /// the end of `serve --help`.
    pub(crate) fn parse_for(app: &App) -> Result<Cli, clap::Error> {
        let command = Cli::command().name(app.name).about(app.about).mut_subcommand("serve", |serve| serve.after_help(exposes_help(app.exposes)));
        Cli::from_arg_matches(&command.try_get_matches()?)
    }
}

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) listen: ListenArgs,
    /// Upstream base URL: `URL` for every consumed API, or `NAMESPACE=URL` (repeatable).
    #[arg(long, value_name = "URL")]
    pub(crate) upstream: Vec<String>,
    /// Serve MCP on stdin/stdout (logs go to stderr); no HTTP listener.
    #[arg(long)]
    pub(crate) stdio: bool,
    /// Seconds an upstream request may take, from sending to the last byte of the reply (then 504).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub(crate) upstream_timeout: f64,
    /// Seconds to establish an upstream connection (then 502, after retries).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) connect_timeout: f64,
    /// Extra attempts for idempotent upstream requests that could not connect or got 429/502/503/504
    /// (honouring Retry-After up to 5 s); POST and PATCH are never repeated.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) retries: u32,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::rest::DEFAULT_BODY_LIMIT)]
    pub(crate) body_limit: usize,
    /// Another `Host` name the adapters answer to (repeatable). On loopback they answer only to
    /// loopback names unless told; on any other address to any name unless told (then only to
    /// these, loopback names and the address itself). Name the public host when behind a proxy.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub(crate) allowed_host: Vec<String>,
    /// A browser origin allowed to call the adapters, with CORS (repeatable): `https://app.example`,
    /// `http://localhost:*` (any port), or `*`. Requests from any other origin are refused (403).
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) allowed_origin: Vec<String>,
    /// Seconds a client has to send a request's head once its connection is ready for one; this
    /// also closes keep-alive connections left idle that long.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) header_timeout: f64,
    /// Seconds a client has to send a request's body, from its head (then 408).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub(crate) body_timeout: f64,
    /// Threads serving the listeners, each with its own runtime and its own upstream connections
    /// (default: one per CPU core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) threads: Option<u16>,
    /// Open client connections at most; more wait to be accepted (default: half the file limit,
    /// which start-up raises to the hard limit, at most 16384).
    #[arg(long, value_name = "N")]
    pub(crate) max_connections: Option<usize>,
    /// Bytes of request bodies held in memory at once, all requests together; a body that would go
    /// beyond is answered 503 with `Retry-After`.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_body_memory: usize,
    /// Benchmarks only: serve without the `Host`/`Origin` checks, the timeouts and the connection
    /// and body-memory caps, to measure what they cost.
    #[arg(long, hide = true)]
    pub(crate) no_checks: bool,
    /// Directory that relative `file:///./…` locations of the spec (static resources, prompt and
    /// skill files) are read from (default: the working directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<std::path::PathBuf>,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// The flags that say where, and which, exposes listen.
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct ListenArgs {
    /// Where expose NAMESPACE listens (repeatable); the exposes and their defaults are listed below.
    #[arg(long, value_name = "NAMESPACE=HOST:PORT")]
    pub(crate) listen: Vec<String>,
    /// Serve only expose NAMESPACE (repeatable); by default every expose is served.
    #[arg(long, value_name = "NAMESPACE")]
    pub(crate) only: Vec<String>,
    /// Shorthand for `--listen` of the spec's REST expose (nothing when it has none; an error when it
    /// has several).
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) rest_addr: Option<String>,
    /// Shorthand for `--listen` of the spec's MCP expose (Streamable HTTP; nothing when it has none; an
    /// error when it has several).
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) mcp_addr: Option<String>,
    /// Do not serve the REST exposes.
    #[arg(long)]
    pub(crate) no_rest: bool,
    /// Do not serve the MCP exposes over HTTP.
    #[arg(long)]
    pub(crate) no_mcp: bool,
}

/// Where one expose listens, and whether this run serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listening {
    /// The expose, as the spec has it.
    pub expose: Expose,
    /// `HOST:PORT`: from `--listen` or a shorthand, else the spec's default.
    pub addr: String,
    /// Not left out by `--only`, `--no-rest` or `--no-mcp`.
    pub served: bool,
}

/// The `serve --help` lines that list the exposes with their kinds and default addresses.
fn exposes_help(exposes: &[Expose]) -> String {
    if exposes.is_empty() {
        return "This capability has no expose served over HTTP.".to_owned();
    }
    let width = exposes.iter().map(|e| e.namespace.len()).max().unwrap_or(0);
    let mut help = "Exposes (move one with --listen NAMESPACE=HOST:PORT, serve a subset with --only NAMESPACE):".to_owned();
    for e in exposes {
        help.push_str(&format!("\n  {:width$}  {:7}  {}", e.namespace, e.kind.name(), e.default_addr()));
    }
    help
}

/// Where each of `app`'s exposes listens and whether it is served, from the flags; an error names the
/// flag and, for an unknown namespace, the known ones.
pub(crate) fn resolve(app: &App, args: &ListenArgs) -> Result<Vec<Listening>, String> {
    let mut listening: Vec<Listening> = app.exposes.iter().map(|&expose| Listening { expose, addr: expose.default_addr(), served: true }).collect();
    // The flag that set each expose's address, to refuse a second one.
    let mut set_by: Vec<Option<String>> = vec![None; listening.len()];
    let mut assign = |index: usize, flag: String, addr: &str| {
        if let Some(first) = set_by[index].replace(flag.clone()) {
            return Err(format!("{first} and {flag} both say where `{}` listens", listening[index].expose.namespace));
        }
        check_addr(&flag, addr)?;
        listening[index].addr = addr.to_owned();
        Ok(())
    };
    for (flag, kind, addr) in [("--rest-addr", ExposeKind::Rest, &args.rest_addr), ("--mcp-addr", ExposeKind::Mcp, &args.mcp_addr)] {
        let Some(addr) = addr else { continue };
        let of_kind: Vec<usize> = (0..app.exposes.len()).filter(|&i| app.exposes[i].kind == kind).collect();
        match of_kind[..] {
            [] => check_addr(&format!("{flag} {addr}"), addr)?,
            [index] => assign(index, format!("{flag} {addr}"), addr)?,
            _ => {
                let names: Vec<&str> = of_kind.iter().map(|&i| app.exposes[i].namespace).collect();
                return Err(format!(
                    "{flag} is ambiguous: {} has {} {} exposes ({}); say which with --listen NAMESPACE=HOST:PORT",
                    app.name,
                    names.len(),
                    kind.name(),
                    names.join(", ")
                ));
            }
        }
    }
    for entry in &args.listen {
        let Some((namespace, addr)) = entry.split_once('=').filter(|(ns, addr)| !ns.is_empty() && !addr.is_empty()) else {
            return Err(format!("--listen takes NAMESPACE=HOST:PORT, not `{entry}`"));
        };
        assign(index_of(app, "--listen", namespace)?, format!("--listen {entry}"), addr)?;
    }
    for namespace in &args.only {
        index_of(app, "--only", namespace)?;
    }
    for l in &mut listening {
        let chosen = args.only.is_empty() || args.only.iter().any(|ns| ns == l.expose.namespace);
        let left_out = match l.expose.kind {
            ExposeKind::Rest => args.no_rest,
            ExposeKind::Mcp => args.no_mcp,
            _ => false,
        };
        l.served = chosen && !left_out;
    }
    Ok(listening)
}

/// Refuses two served exposes on one address (port 0, any free port, excepted): the second could
/// not listen, and the operator should hear which two, not only the address.
pub(crate) fn check_distinct(listening: &[Listening]) -> Result<(), String> {
    let served: Vec<&Listening> = listening.iter().filter(|l| l.served).collect();
    for (i, a) in served.iter().enumerate() {
        if let Some(b) = served[i + 1..].iter().find(|b| same_address(&a.addr, &b.addr)) {
            return Err(format!(
                "`{}` and `{}` would both listen on {}; move one with --listen NAMESPACE=HOST:PORT",
                a.expose.namespace, b.expose.namespace, b.addr
            ));
        }
    }
    Ok(())
}

fn index_of(app: &App, flag: &str, namespace: &str) -> Result<usize, String> {
    app.exposes.iter().position(|e| e.namespace == namespace).ok_or_else(|| {
        let known: Vec<&str> = app.exposes.iter().map(|e| e.namespace).collect();
        let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        format!("{flag} names `{namespace}`, which is not an expose of {} (its exposes: {known})", app.name)
    })
}

/// `HOST:PORT` split in two (`[::1]:80` too); `None` without a port.
fn host_and_port(addr: &str) -> Option<(&str, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    Some((host, port.parse().ok()?)).filter(|(host, _)| !host.is_empty())
}

fn check_addr(flag: &str, addr: &str) -> Result<(), String> {
    match host_and_port(addr) {
        Some(_) => Ok(()),
        None => Err(format!("{flag}: expected HOST:PORT (e.g. 127.0.0.1:8080), not `{addr}`")),
    }
}

/// Whether binding both would collide: one port (not 0) and one host, or an unspecified host
/// (`0.0.0.0`, `::`), which takes the port on every interface.
fn same_address(a: &str, b: &str) -> bool {
    let unspecified = |host: &str| host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
    match (host_and_port(a), host_and_port(b)) {
        (Some((host_a, port_a)), Some((host_b, port_b))) => {
            port_a == port_b && port_a != 0 && (host_a.eq_ignore_ascii_case(host_b) || unspecified(host_a) || unspecified(host_b))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPOSES: &[Expose] = &[
        Expose { namespace: "shop-rest", kind: ExposeKind::Rest, port: 8080, address: None },
        Expose { namespace: "shop-mcp", kind: ExposeKind::Mcp, port: 9090, address: Some("0.0.0.0") },
        Expose { namespace: "control", kind: ExposeKind::Control, port: 9100, address: None },
    ];

    fn app(exposes: &'static [Expose]) -> App {
        App { name: "shop", about: "", namespaces: &[], exposes }
    }

    fn args(flags: &[&str]) -> ListenArgs {
        #[derive(Parser)]
        struct Flags {
            #[command(flatten)]
            listen: ListenArgs,
        }
        match Flags::try_parse_from(std::iter::once("serve").chain(flags.iter().copied())) {
            Ok(f) => f.listen,
            Err(e) => panic!("{e}"),
        }
    }

    /// `namespace=addr` for each served expose, in spec order.
    fn served(flags: &[&str]) -> Result<Vec<String>, String> {
        let listening = resolve(&app(EXPOSES), &args(flags))?;
        check_distinct(&listening)?;
        Ok(listening.iter().filter(|l| l.served).map(|l| format!("{}={}", l.expose.namespace, l.addr)).collect())
    }

    #[test]
    fn defaults_are_the_specs_addresses_on_loopback_unless_it_names_one() {
        assert_eq!(served(&[]), Ok(vec!["shop-rest=127.0.0.1:8080".into(), "shop-mcp=0.0.0.0:9090".into(), "control=127.0.0.1:9100".into()]));
        let v6 = Expose { namespace: "v6", kind: ExposeKind::Rest, port: 80, address: Some("::1") };
        assert_eq!(v6.default_addr(), "[::1]:80");
    }

    #[test]
    fn listen_moves_any_expose_and_the_shorthands_move_the_one_of_their_kind() {
        let flags = ["--listen", "control=127.0.0.1:7000", "--rest-addr", "127.0.0.1:0", "--mcp-addr", "[::1]:0"];
        assert_eq!(served(&flags), Ok(vec!["shop-rest=127.0.0.1:0".into(), "shop-mcp=[::1]:0".into(), "control=127.0.0.1:7000".into()]));
        assert_eq!(served(&["--listen", "shop-rest=localhost:1"]).map(|s| s[0].clone()), Ok("shop-rest=localhost:1".into()));
    }

    #[test]
    fn only_and_no_flags_choose_what_is_served() {
        assert_eq!(
            served(&["--only", "control", "--only", "shop-rest"]),
            Ok(vec!["shop-rest=127.0.0.1:8080".into(), "control=127.0.0.1:9100".into()])
        );
        assert_eq!(served(&["--no-rest", "--no-mcp"]), Ok(vec!["control=127.0.0.1:9100".into()]));
        assert_eq!(served(&["--only", "shop-rest", "--no-rest"]), Ok(vec![]));
        // An expose left out still has its address (the generated code asks for it).
        let listening = resolve(&app(EXPOSES), &args(&["--no-mcp", "--mcp-addr", "127.0.0.1:1"])).expect("resolves");
        assert_eq!((listening[1].served, listening[1].addr.as_str()), (false, "127.0.0.1:1"));
    }

    #[test]
    fn unknown_namespaces_are_refused_naming_the_known_ones() {
        let known = "which is not an expose of shop (its exposes: shop-rest, shop-mcp, control)";
        assert_eq!(served(&["--listen", "shop=127.0.0.1:1"]), Err(format!("--listen names `shop`, {known}")));
        assert_eq!(served(&["--only", "rest"]), Err(format!("--only names `rest`, {known}")));
    }

    #[test]
    fn malformed_listen_flags_are_refused() {
        for entry in ["shop-rest", "=127.0.0.1:1", "shop-rest="] {
            assert_eq!(served(&["--listen", entry]), Err(format!("--listen takes NAMESPACE=HOST:PORT, not `{entry}`")));
        }
        for addr in ["127.0.0.1", "127.0.0.1:http", ":80", "127.0.0.1:65536"] {
            let error = served(&["--listen", &format!("control={addr}")]).expect_err(addr);
            assert_eq!(error, format!("--listen control={addr}: expected HOST:PORT (e.g. 127.0.0.1:8080), not `{addr}`"));
        }
        assert!(served(&["--rest-addr", "8080"]).is_err_and(|e| e.starts_with("--rest-addr 8080: expected HOST:PORT")));
    }

    #[test]
    fn one_expose_given_two_addresses_is_refused() {
        assert_eq!(
            served(&["--rest-addr", "127.0.0.1:1", "--listen", "shop-rest=127.0.0.1:2"]),
            Err("--rest-addr 127.0.0.1:1 and --listen shop-rest=127.0.0.1:2 both say where `shop-rest` listens".into())
        );
        assert!(served(&["--listen", "control=127.0.0.1:1", "--listen", "control=127.0.0.1:1"]).is_err());
    }

    #[test]
    fn two_exposes_on_one_address_are_refused_except_on_port_0() {
        let both = |a: &str, b: &str| served(&["--listen", &format!("shop-rest={a}"), "--listen", &format!("control={b}")]);
        let refused = |addr: &str| Err(format!("`shop-rest` and `control` would both listen on {addr}; move one with --listen NAMESPACE=HOST:PORT"));
        assert_eq!(both("127.0.0.1:7000", "127.0.0.1:7000"), refused("127.0.0.1:7000"));
        assert_eq!(both("LOCALHOST:7000", "localhost:7000"), refused("localhost:7000"));
        assert_eq!(both("0.0.0.0:7000", "127.0.0.1:7000"), refused("127.0.0.1:7000"));
        assert!(both("127.0.0.1:0", "127.0.0.1:0").is_ok());
        assert!(both("127.0.0.1:7000", "127.0.0.2:7000").is_ok());
        // shop-mcp is on 0.0.0.0:9090: any host on that port collides with it, unless it is not served.
        assert!(served(&["--listen", "control=127.0.0.1:9090"]).is_err());
        assert!(served(&["--listen", "control=127.0.0.1:9090", "--no-mcp"]).is_ok());
    }

    #[test]
    fn a_shorthand_does_nothing_without_an_expose_of_its_kind_and_is_ambiguous_with_several() {
        const NO_REST: &[Expose] = &[Expose { namespace: "tools", kind: ExposeKind::Mcp, port: 9090, address: None }];
        let listening = resolve(&app(NO_REST), &args(&["--rest-addr", "127.0.0.1:0"])).expect("resolves");
        assert_eq!(listening[0].addr, "127.0.0.1:9090");
        const TWO_REST: &[Expose] = &[
            Expose { namespace: "a", kind: ExposeKind::Rest, port: 8080, address: None },
            Expose { namespace: "b", kind: ExposeKind::Rest, port: 8081, address: None },
        ];
        assert_eq!(
            resolve(&app(TWO_REST), &args(&["--rest-addr", "127.0.0.1:0"])),
            Err("--rest-addr is ambiguous: shop has 2 rest exposes (a, b); say which with --listen NAMESPACE=HOST:PORT".into())
        );
        assert!(resolve(&app(TWO_REST), &args(&["--listen", "a=127.0.0.1:0", "--listen", "b=127.0.0.1:0"])).is_ok());
    }

    #[test]
    fn help_lists_each_expose_with_its_kind_and_default_address() {
        assert_eq!(
            exposes_help(EXPOSES),
            "Exposes (move one with --listen NAMESPACE=HOST:PORT, serve a subset with --only NAMESPACE):\n  \
             shop-rest  rest     127.0.0.1:8080\n  \
             shop-mcp   mcp      0.0.0.0:9090\n  \
             control    control  127.0.0.1:9100"
        );
    }
}
