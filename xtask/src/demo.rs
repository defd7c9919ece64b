//! `cargo xtask demo`: regenerate generated/ (what `gen` does), then move a Block snapshot to another zone
//! the way the import/export guide does (seed 004), through the generated clients.
//!
//! 1. create a Block Storage snapshot of a volume in `--from` and wait until it is `available`;
//! 2. export it to Object Storage (`bucket/key`) and wait until the export is done;
//! 3. import that object into `--to` with the Instance API (create-snapshot with `bucket`, `key`, `size`)
//!    and wait until the imported snapshot is `available`;
//! 4. list it in `--to`.
//!
//! Object Storage is regional and an import must be "in the same region as the bucket" (guide; the
//! reference's §4 zones), so both zones must share a region. By default everything runs against the
//! built-in Scaleway emulator, in process; `--upstream https://api.scaleway.com` with `SCALEWAY_API_KEY`,
//! `--volume-id` and `--bucket` runs it against the real API. The API's own refusals (the guide's
//! encrypted, zstd-compressed and backing-chain QCOW2 files: `--unsupported`) reach the user verbatim.

use std::fmt;
use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use block_snapshots as block;
use indicatif::{ProgressBar, ProgressStyle};
use instance_snapshots as instance;
use naftiko_codegen::{CrateOptions, output};
use naftiko_runtime::{Error as ClientError, Response, Secret};
use naftiko_tests::Emulator;
use serde_json::{Value, json};

/// Zones of the Block Storage API (scaleway-api.md §4: the Instance list without `it-mil-1`).
const BLOCK_ZONES: &[&str] = &["fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2", "pl-waw-3"];
/// Bucket used against the emulator when `--bucket` is not given.
const DEMO_BUCKET: &str = "naftiko-demo";

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// API base URL, e.g. https://api.scaleway.com (key from SCALEWAY_API_KEY). Default: the built-in
    /// Scaleway emulator, started in process; no account needed.
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Block volume to snapshot in --from. Required with --upstream; the emulator seeds one.
    #[arg(long)]
    volume_id: Option<String>,
    /// Object Storage bucket in the zones' region. Required with --upstream.
    #[arg(long)]
    bucket: Option<String>,
    /// Object key of the export [default: naftiko-demo-<snapshot id>.qcow2].
    #[arg(long)]
    key: Option<String>,
    /// Zone of the volume and of the Block snapshot.
    #[arg(long, default_value = "fr-par-1")]
    from: String,
    /// Zone to import into (same region as --from).
    #[arg(long, default_value = "fr-par-2")]
    to: String,
    /// Volume type of the imported Instance snapshot (the guide: l_ssd or b_ssd).
    #[arg(long, default_value = "l_ssd")]
    volume_type: String,
    /// Import a QCOW2 with a feature the API refuses, to see its answer. Against the emulator the key
    /// naftiko-demo-<FEATURE>.qcow2 stands for such a file; against the real API use --import-key.
    #[arg(long, value_enum, value_name = "FEATURE")]
    unsupported: Option<Qcow2Feature>,
    /// Import this object of the bucket instead of the one just exported.
    #[arg(long, conflicts_with = "unsupported")]
    import_key: Option<String>,
    /// Longest wait for each state change, in seconds (real imports take minutes).
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    timeout: u64,
    /// Delete both snapshots at the end (the exported object stays in the bucket).
    #[arg(long)]
    cleanup: bool,
    /// Do not regenerate generated/ first.
    #[arg(long)]
    no_gen: bool,
}

/// The QCOW2 features the import refuses (guide, "Import constraints and error handling").
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qcow2Feature {
    Encrypted,
    Zstd,
    BackingChain,
}

impl Qcow2Feature {
    /// The object key that stands for a file with this feature in the emulator (tests/src/emulator/objects.rs).
    pub fn marked_key(self) -> String {
        let mark = match self {
            Qcow2Feature::Encrypted => "encrypted",
            Qcow2Feature::Zstd => "zstd",
            Qcow2Feature::BackingChain => "backing-chain",
        };
        format!("naftiko-demo-{mark}.qcow2")
    }
}

/// Where requests go and the key they carry.
pub struct Upstream {
    pub base_url: String,
    pub token: Secret,
}

/// How often to look at a snapshot, and for how long at most.
#[derive(Clone, Copy, Debug)]
pub struct Polling {
    pub interval: Duration,
    pub timeout: Duration,
}

/// What the workflow does, flags resolved.
#[derive(Clone, Debug)]
pub struct Plan {
    pub from: String,
    pub to: String,
    pub volume_id: String,
    pub bucket: String,
    /// `None`: `naftiko-demo-<snapshot id>.qcow2`.
    pub key: Option<String>,
    /// `None`: the exported key.
    pub import_key: Option<String>,
    pub volume_type: String,
    pub polling: Polling,
    pub cleanup: bool,
}

/// What the user gets at the end.
#[derive(Debug)]
pub struct Outcome {
    pub source_snapshot: String,
    /// `bucket/key` of the export.
    pub object: String,
    /// The imported Instance snapshot, as the API last showed it.
    pub imported: Value,
    /// `X-Total-Count` of the list of imported snapshots of that name in the target zone.
    pub listed: Option<String>,
}

/// Why the workflow stopped; `Display` is what the user reads after `error: `.
#[derive(Debug)]
pub enum DemoError {
    /// Flags or environment that cannot work.
    Usage(String),
    /// The API answered with an error status: its own message, never a generic one.
    Api { step: String, status: u16, kind: Option<String>, message: String },
    /// No answer: connection, timeout, bad input caught before sending.
    Transport { step: String, detail: String },
    /// A snapshot stayed in a transient state past the timeout.
    Timeout { what: String, state: String, waited: Duration },
    /// A snapshot ended in a failed state.
    Failed { what: String, state: String, reason: Option<String> },
    /// A success without the expected field.
    Unexpected { step: String, detail: String },
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::Usage(message) => f.write_str(message),
            DemoError::Api { step, status, kind, message } => {
                let kind = kind.as_deref().map(|k| format!(" {k}")).unwrap_or_default();
                write!(f, "{step} was refused by the API ({status}{kind}): {message}")
            }
            DemoError::Transport { step, detail } => write!(f, "{step} failed: {detail}"),
            DemoError::Timeout { what, state, waited } => write!(f, "{what} is still `{state}` after {} s; look again later or raise --timeout", waited.as_secs()),
            DemoError::Failed { what, state, reason } => {
                write!(f, "{what} ended in state `{state}`")?;
                match reason {
                    Some(reason) => write!(f, ": {reason}"),
                    None => Ok(()),
                }
            }
            DemoError::Unexpected { step, detail } => write!(f, "{step}: unexpected answer: {detail}"),
        }
    }
}

impl std::error::Error for DemoError {}

impl DemoError {
    fn from_client(step: &str, error: ClientError) -> Self {
        match (error.status(), error.json()) {
            (Some(status), Some(body)) => DemoError::Api { step: step.to_owned(), status: status.as_u16(), kind: body["type"].as_str().map(str::to_owned), message: api_message(&body) },
            (Some(status), None) => {
                let text = error.body().map(|b| String::from_utf8_lossy(b).chars().take(200).collect()).unwrap_or_default();
                DemoError::Api { step: step.to_owned(), status: status.as_u16(), kind: None, message: text }
            }
            (None, _) => DemoError::Transport { step: step.to_owned(), detail: error.to_string() },
        }
    }
}

/// The API's words: `message`, and each `details[]` entry's `argument_name: help_message` (the typed
/// `invalid_arguments` errors carry the useful part there, scaleway-api.md §3).
fn api_message(body: &Value) -> String {
    let message = body["message"].as_str().unwrap_or("(no message)");
    let details: Vec<String> = body["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let help = d["help_message"].as_str()?;
            Some(match d["argument_name"].as_str() {
                Some(argument) => format!("{argument}: {help}"),
                None => help.to_owned(),
            })
        })
        .collect();
    if details.is_empty() { message.to_owned() } else { format!("{message}: {}", details.join("; ")) }
}

/// The region of a zone (`fr-par-1` → `fr-par`).
fn region(zone: &str) -> &str {
    zone.rsplit_once('-').map_or(zone, |(region, _)| region)
}

/// `cargo xtask demo`.
pub fn run(args: DemoArgs) -> ExitCode {
    if !args.no_gen {
        let root = super::root();
        // Whether the code compiled into this binary is older than what `gen` is about to write.
        let stale = output::generate_dir(&root, "specs", &CrateOptions::default()).is_ok_and(|crates| !output::stale(&crates, &root.join("generated")).is_empty());
        println!("generating crates from specs/ (what `cargo xtask gen` does):");
        let code = super::gen_task(false);
        if code != ExitCode::SUCCESS {
            return code;
        }
        if stale {
            println!("generated/ changed: rebuilding the demo with it");
            return rerun_without_gen();
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(demo(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The same command from a fresh build, so the demo runs the crates just generated.
fn rerun_without_gen() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = super::cargo().args(["run", "--quiet", "--package", "xtask", "--"]).args(&args).arg("--no-gen").status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(args: DemoArgs) -> Result<(), DemoError> {
    naftiko_runtime::install_crypto_provider();
    check_zones(&args.from, &args.to)?;
    let timeout = Duration::from_secs(args.timeout);
    let import_key = args.import_key.clone().or(args.unsupported.map(Qcow2Feature::marked_key));
    // The emulator lives until the end of this function.
    let (_emulator, upstream, plan) = match &args.upstream {
        None => {
            // Two reads in a transient state before it settles: enough to watch the progress spinner.
            let emulator = Emulator::builder().settle_after_reads(2).start().await;
            let volume_id = match &args.volume_id {
                Some(v) => v.clone(),
                None => emulator.seed_block_volume(&args.from),
            };
            println!("upstream: the built-in Scaleway emulator at {} (no account needed); Block volume {volume_id} in {}", emulator.base_url(), args.from);
            let upstream = Upstream { base_url: emulator.base_url(), token: Secret::new(emulator.token()) };
            let polling = Polling { interval: Duration::from_millis(200), timeout };
            let plan = Plan { from: args.from, to: args.to, volume_id, bucket: args.bucket.unwrap_or_else(|| DEMO_BUCKET.to_owned()), key: args.key, import_key, volume_type: args.volume_type, polling, cleanup: args.cleanup };
            (Some(emulator), upstream, plan)
        }
        Some(url) => {
            let (token, volume_id, bucket) = match (block::Auth::from_env(), args.volume_id, args.bucket) {
                (Ok(auth), Some(volume_id), Some(bucket)) => (auth.scaleway_api_key, volume_id, bucket),
                (auth, volume_id, bucket) => {
                    let mut missing = Vec::new();
                    if let Err(e) = auth {
                        missing.push(format!("the API key ({e})"));
                    }
                    if volume_id.is_none() {
                        missing.push(format!("--volume-id (the Block volume in {} to snapshot)", args.from));
                    }
                    if bucket.is_none() {
                        missing.push(format!("--bucket (an Object Storage bucket in region {})", region(&args.from)));
                    }
                    return Err(DemoError::Usage(format!("--upstream {url} also needs {}", missing.join(", "))));
                }
            };
            println!("upstream: {url} (key from SCALEWAY_API_KEY); Block volume {volume_id} in {}", args.from);
            let polling = Polling { interval: Duration::from_secs(5), timeout };
            let plan = Plan { from: args.from, to: args.to, volume_id, bucket, key: args.key, import_key, volume_type: args.volume_type, polling, cleanup: args.cleanup };
            (None, Upstream { base_url: url.trim_end_matches('/').to_owned(), token }, plan)
        }
    };
    let outcome = import_export(&upstream, &plan).await?;
    let imported = &outcome.imported;
    println!(
        "done: Block snapshot {} ({}) → {} → Instance snapshot {} ({}), {}, listed with X-Total-Count {}",
        outcome.source_snapshot,
        plan.from,
        outcome.object,
        imported["id"].as_str().unwrap_or("?"),
        plan.to,
        imported["state"].as_str().unwrap_or("?"),
        outcome.listed.as_deref().unwrap_or("?"),
    );
    if args.upstream.is_some() && !plan.cleanup {
        println!("left in place (billed): both snapshots and the object {}; with --cleanup the demo deletes the snapshots it made", outcome.object);
    }
    Ok(())
}

/// The guide's zone rule, checked before anything is created: same region, and a Block zone to start from.
pub fn check_zones(from: &str, to: &str) -> Result<(), DemoError> {
    if !BLOCK_ZONES.contains(&from) {
        return Err(DemoError::Usage(format!("--from {from} is not a Block Storage zone (one of {})", BLOCK_ZONES.join(", "))));
    }
    if region(from) != region(to) {
        return Err(DemoError::Usage(format!(
            "--from {from} and --to {to} are in different regions ({} and {}): an import reads the bucket of its own region, so export and import must share one",
            region(from),
            region(to)
        )));
    }
    Ok(())
}

/// The workflow: create, export, import, list. Prints one line per step; waits show a spinner.
pub async fn import_export(upstream: &Upstream, plan: &Plan) -> Result<Outcome, DemoError> {
    check_zones(&plan.from, &plan.to)?;
    let blocks = block::Client::new(upstream.base_url.clone(), block::Auth { scaleway_api_key: upstream.token.clone() });
    let instances = instance::Client::new(upstream.base_url.clone(), instance::Auth { scaleway_api_key: upstream.token.clone() });
    let (from, to, bucket) = (plan.from.as_str(), plan.to.as_str(), plan.bucket.as_str());

    let step = format!("creating a snapshot of Block volume {} in {from}", plan.volume_id);
    let created = json_of(
        &step,
        blocks.create_snapshot(block::CreateSnapshotParams::new(from, plan.volume_id.as_str()).with_name("naftiko-demo").with_tags(vec!["naftiko-demo".to_owned()])).await,
    )?;
    let source = text_field(&step, &created, "/id")?;
    println!("[1/6] created Block snapshot {source} in {from}: {}", created["status"].as_str().unwrap_or("?"));

    let get_source = || blocks.get_snapshot(block::GetSnapshotParams { zone: from.into(), snapshot_id: source.clone() });
    let what = format!("Block snapshot {source}");
    let (snapshot, waited) = wait_for(&what, "/status", &["error"], plan.polling, get_source).await?;
    println!("[2/6] {what} is available ({waited})");

    let key = plan.key.clone().unwrap_or_else(|| format!("naftiko-demo-{source}.qcow2"));
    let object = format!("{bucket}/{key}");
    let step = format!("exporting {what} to {object}");
    let exported = json_of(
        &step,
        blocks.export_snapshot_to_object_storage(block::ExportSnapshotToObjectStorageParams { zone: from.into(), snapshot_id: source.clone(), bucket: bucket.into(), key: key.clone() }).await,
    )?;
    println!("[3/6] exporting to {object}: {}", exported["status"].as_str().unwrap_or("?"));
    let (_, waited) = wait_for(&what, "/status", &["error"], plan.polling, get_source).await?;
    println!("[4/6] export done, {what} is available again ({waited})");

    let import_key = plan.import_key.clone().unwrap_or_else(|| key.clone());
    let size = snapshot["size"].as_u64().ok_or_else(|| DemoError::Unexpected { step: format!("reading {what}"), detail: format!("no `size` in {snapshot}") })?;
    let mut body = json!({"name": format!("naftiko-demo-{source}"), "bucket": bucket, "key": import_key, "size": size, "volume_type": plan.volume_type});
    if let Some(project) = snapshot["project_id"].as_str() {
        body["project"] = json!(project);
    }
    let step = format!("importing {bucket}/{import_key} into {to}");
    let imported = json_of(&step, instances.createsnapshot(instance::CreatesnapshotParams { zone: to.into(), body: body.into() }).await)?;
    let target = text_field(&step, &imported, "/snapshot/id")?;
    println!("[5/6] importing into {to} as Instance snapshot {target} ({size} bytes): {}", imported["snapshot"]["state"].as_str().unwrap_or("?"));

    let what_target = format!("Instance snapshot {target} in {to}");
    let get_target = || instances.getsnapshot(instance::GetsnapshotParams { zone: to.into(), snapshot_id: target.clone() });
    let (imported, waited) = wait_for(&what_target, "/snapshot/state", &["error", "invalid_data"], plan.polling, get_target).await?;
    println!("[6/6] {what_target} is available ({waited})");

    let name = imported["snapshot"]["name"].as_str().unwrap_or_default().to_owned();
    let step = format!("listing snapshots in {to}");
    let listed = instances
        .listsnapshots(instance::ListsnapshotsParams::new(to).with_name(name.as_str()))
        .await
        .map_err(|e| DemoError::from_client(&step, e))?;
    let total = listed.header("x-total-count").map(str::to_owned);
    let page = json_of(&step, Ok(listed))?;
    println!("listed in {to}:");
    for s in page["snapshots"].as_array().into_iter().flatten() {
        println!("  {}  {}  {}  {} bytes  {}", s["id"].as_str().unwrap_or("?"), s["name"].as_str().unwrap_or("?"), s["volume_type"].as_str().unwrap_or("?"), s["size"], s["state"].as_str().unwrap_or("?"));
    }

    if plan.cleanup {
        let step = format!("deleting {what_target}");
        instances.deletesnapshot(instance::DeletesnapshotParams { zone: to.into(), snapshot_id: target.clone() }).await.map_err(|e| DemoError::from_client(&step, e))?;
        let step = format!("deleting {what}");
        blocks.delete_snapshot(block::DeleteSnapshotParams { zone: from.into(), snapshot_id: source.clone() }).await.map_err(|e| DemoError::from_client(&step, e))?;
        println!("cleaned up: deleted both snapshots (the object {object} stays)");
    }
    Ok(Outcome { source_snapshot: source, object, imported: imported["snapshot"].clone(), listed: total })
}

fn json_of(step: &str, result: Result<Response, ClientError>) -> Result<Value, DemoError> {
    let response = result.map_err(|e| DemoError::from_client(step, e))?;
    response.json().map_err(|e| DemoError::Unexpected { step: step.to_owned(), detail: e.to_string() })
}

fn text_field(step: &str, body: &Value, pointer: &str) -> Result<String, DemoError> {
    body.pointer(pointer).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| DemoError::Unexpected { step: step.to_owned(), detail: format!("no `{pointer}` in {body}") })
}

/// How long a wait took, as printed.
struct Waited {
    polls: u32,
    took: Duration,
}

impl fmt::Display for Waited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} poll{}, {:.1} s", self.polls, if self.polls == 1 { "" } else { "s" }, self.took.as_secs_f64())
    }
}

/// Reads until the state at `pointer` is `available` (done), one of `failed` (error), or the timeout
/// passes; a spinner shows the state meanwhile (on a terminal only).
async fn wait_for<F, Fut>(what: &str, pointer: &str, failed: &[&str], polling: Polling, mut read: F) -> Result<(Value, Waited), DemoError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Response, ClientError>>,
{
    let spinner = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        spinner.set_style(style);
    }
    spinner.enable_steady_tick(Duration::from_millis(100));
    let started = Instant::now();
    let step = format!("reading {what}");
    let mut polls = 0;
    let result = loop {
        polls += 1;
        let body = match json_of(&step, read().await) {
            Ok(body) => body,
            Err(e) => break Err(e),
        };
        let state = body.pointer(pointer).and_then(Value::as_str).unwrap_or("unknown").to_owned();
        spinner.set_message(format!("waiting for {what}: {state} (poll {polls})"));
        if state == "available" {
            break Ok((body, Waited { polls, took: started.elapsed() }));
        }
        if failed.contains(&state.as_str()) {
            let reason = ["/snapshot/error_reason", "/snapshot/error_details"].iter().find_map(|p| body.pointer(p).filter(|v| !v.is_null()).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
            break Err(DemoError::Failed { what: what.to_owned(), state, reason });
        }
        if started.elapsed() + polling.interval > polling.timeout {
            break Err(DemoError::Timeout { what: what.to_owned(), state, waited: started.elapsed() });
        }
        tokio::time::sleep(polling.interval).await;
    };
    spinner.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Polling = Polling { interval: Duration::from_millis(1), timeout: Duration::from_secs(10) };

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future)
    }

    fn upstream(emulator: &Emulator) -> Upstream {
        naftiko_runtime::install_crypto_provider();
        Upstream { base_url: emulator.base_url(), token: Secret::new(emulator.token()) }
    }

    fn plan_for(emulator: &Emulator) -> Plan {
        Plan {
            from: "fr-par-1".into(),
            to: "fr-par-2".into(),
            volume_id: emulator.seed_block_volume("fr-par-1"),
            bucket: "demo-bucket".into(),
            key: Some("disk.qcow2".into()),
            import_key: None,
            volume_type: "l_ssd".into(),
            polling: FAST,
            cleanup: false,
        }
    }

    async fn against(emulator: &Emulator, import_key: Option<String>) -> Result<Outcome, DemoError> {
        import_export(&upstream(emulator), &Plan { import_key, ..plan_for(emulator) }).await
    }

    #[test]
    fn the_snapshot_arrives_available_and_listed_in_the_other_zone() {
        block_on(async {
            let emulator = Emulator::builder().settle_after_reads(2).start().await;
            let outcome = against(&emulator, None).await.expect("workflow");
            assert_eq!(outcome.object, "demo-bucket/disk.qcow2");
            assert_eq!((outcome.imported["state"].as_str(), outcome.imported["zone"].as_str()), (Some("available"), Some("fr-par-2")));
            assert_eq!(outcome.imported["size"], 15_000_000_000u64, "the Block snapshot's size");
            assert_eq!(outcome.listed.as_deref(), Some("1"));
            let import = emulator.requests().into_iter().find(|r| r.method == "POST" && r.path == "/instance/v1/zones/fr-par-2/snapshots").expect("the import request");
            let sent = import.body_json().expect("JSON body");
            assert_eq!((&sent["bucket"], &sent["key"], &sent["size"], &sent["volume_type"]), (&json!("demo-bucket"), &json!("disk.qcow2"), &json!(15_000_000_000u64), &json!("l_ssd")));
        });
    }

    #[test]
    fn unsupported_qcow2_files_come_back_with_the_api_message() {
        block_on(async {
            let emulator = Emulator::start().await;
            for (feature, message) in [
                (Qcow2Feature::Encrypted, "The provided QCOW2 file is encrypted"),
                (Qcow2Feature::Zstd, "The provided QCOW2 has an unsupported compression type"),
                (Qcow2Feature::BackingChain, "The provided QCOW2 file has a backing chain"),
            ] {
                let key = feature.marked_key();
                let error = against(&emulator, Some(key.clone())).await.expect_err("refused");
                assert_eq!(error.to_string(), format!("importing demo-bucket/{key} into fr-par-2 was refused by the API (400 invalid_request_error): {message}"));
            }
        });
    }

    #[test]
    fn a_missing_object_is_the_api_message_too() {
        block_on(async {
            let emulator = Emulator::start().await;
            let error = against(&emulator, Some("not-there.qcow2".into())).await.expect_err("missing");
            assert_eq!(error.to_string(), "importing demo-bucket/not-there.qcow2 into fr-par-2 was refused by the API (400 invalid_request_error): The object not-there.qcow2 was not found in bucket demo-bucket");
        });
    }

    #[test]
    fn waiting_is_bounded() {
        block_on(async {
            let emulator = Emulator::builder().settle_after_reads(u32::MAX).start().await;
            let plan = Plan { polling: Polling { interval: Duration::from_millis(5), timeout: Duration::from_millis(50) }, ..plan_for(&emulator) };
            let error = import_export(&upstream(&emulator), &plan).await.expect_err("never settles");
            assert!(matches!(&error, DemoError::Timeout { state, .. } if state == "creating"), "{error:?}");
            assert!(error.to_string().ends_with("is still `creating` after 0 s; look again later or raise --timeout"), "{error}");
        });
    }

    #[test]
    fn zones_must_share_a_region() {
        let error = check_zones("fr-par-1", "nl-ams-1").expect_err("different regions");
        assert_eq!(
            error.to_string(),
            "--from fr-par-1 and --to nl-ams-1 are in different regions (fr-par and nl-ams): an import reads the bucket of its own region, so export and import must share one"
        );
        assert!(check_zones("it-mil-1", "it-mil-1").expect_err("no Block in it-mil-1").to_string().starts_with("--from it-mil-1 is not a Block Storage zone"));
        assert!(check_zones("pl-waw-3", "pl-waw-1").is_ok());
    }

    #[test]
    fn a_wrong_key_is_the_api_401() {
        block_on(async {
            let emulator = Emulator::start().await;
            let plan = plan_for(&emulator);
            let wrong = Upstream { token: Secret::new("00000000-0000-4000-8000-000000000000"), ..upstream(&emulator) };
            let error = import_export(&wrong, &plan).await.expect_err("denied");
            assert_eq!(error.to_string(), format!("creating a snapshot of Block volume {} in fr-par-1 was refused by the API (401 denied_authentication): authentication is denied", plan.volume_id));
        });
    }
}
