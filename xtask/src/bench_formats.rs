//! `cargo xtask bench --only formats`: what the non-JSON converters and `forward` routes cost, each next
//! to a baseline measured in the same run.
//!
//! - XML → JSON on a 1 MB document (`naftiko_runtime::formats::xml`) against the bare event parse of the
//!   same bytes with the same crate (quick-xml), which any XML reader pays.
//! - A REST `forward` route and a declared operation (`call`) of one router served in this process, each
//!   against the same load sent straight to the static upstream.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::load;

mod proxy {
    naftiko_runtime::capability!(
        yaml = r#"
naftiko: 1.0.0-alpha2
info:
  label: Bench proxy
  description: A forward route and a declared operation in front of the bench's static upstream.
capability:
  consumes:
  - type: http
    namespace: upstream
    baseUri: http://127.0.0.1
    inputParameters:
    - name: X-Bench
      in: header
      value: forwarded
    resources:
    - name: snapshots
      path: /instance/v1/zones/fr-par-1/snapshots
      operations:
      - name: list-snapshots
        method: GET
  exposes:
  - type: rest
    namespace: bench
    port: 8080
    resources:
    - path: /call
      operations:
      - method: GET
        name: list
        call: upstream.list-snapshots
    - path: /fwd/{{path}}
      forward:
        targetNamespace: upstream
        trustedHeaders:
        - X-Trace
"#
    );
}

pub fn formats(runs: usize) -> ExitCode {
    xml(runs);
    forward(runs.max(1))
}

/// A 1 MB document: users with attributes, nested elements and repeated children.
fn xml_document() -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<users>\n");
    let mut i = 0;
    while xml.len() < 1 << 20 {
        xml.push_str(&format!(
            "  <user id=\"{i}\" active=\"true\"><name>User {i} &amp; co</name><email>user{i}@example.com</email>\
             <roles><role>reader</role><role>writer</role></roles><bio><![CDATA[Line one\nline <two>]]></bio></user>\n"
        ));
        i += 1;
    }
    xml.push_str("</users>\n");
    xml
}

fn xml(runs: usize) {
    let document = xml_document();
    let bytes = document.as_bytes();
    let parse = super::bench::best(runs, || {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        let mut events = 0usize;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) | Err(_) => break events,
                Ok(_) => events += 1,
            }
        }
    });
    let convert = super::bench::best(runs, || match naftiko_runtime::formats::xml::to_json(bytes) {
        Ok(serde_json::Value::Object(map)) => map.len(),
        _ => 0,
    });
    let mb = bytes.len() as f64 / 1e6;
    println!("formats: XML → JSON, {mb:.2} MB document, best of {runs}");
    println!("  bare quick-xml event parse (baseline)  {:>8.2} ms   {:>7.1} MB/s", parse.0.as_secs_f64() * 1e3, mb / parse.0.as_secs_f64());
    println!(
        "  formats::xml::to_json                  {:>8.2} ms   {:>7.1} MB/s   {:.2}x the parse's time",
        convert.0.as_secs_f64() * 1e3,
        mb / convert.0.as_secs_f64(),
        convert.0.as_secs_f64() / parse.0.as_secs_f64()
    );
}

fn forward(rounds: usize) -> ExitCode {
    const CONNECTIONS: usize = 16;
    const SECONDS: u64 = 3;
    let upstream = match load::static_upstream() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: static upstream: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The router on a runtime of its own (two workers, as the binary has on this machine).
    let listener = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.set_nonblocking(true).map(|()| l)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: bind: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(addr) = listener.local_addr() else { return ExitCode::FAILURE };
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() else { return };
        runtime.block_on(async move {
            naftiko_runtime::install_crypto_provider();
            let client = proxy::Client::new(format!("http://{upstream}"), proxy::Auth::default());
            let router = proxy::rest::router(Arc::new(proxy::Proxy::new(proxy::Clients { upstream: client })));
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            let _ = axum::serve(listener, router).await;
        });
    });
    std::thread::sleep(Duration::from_millis(100));
    println!("formats: REST forward route, one router in this process → static upstream, {CONNECTIONS} connections, {rounds} rounds of {SECONDS} s");
    let targets = [
        load::Target { url: format!("http://{upstream}/instance/v1/zones/fr-par-1/snapshots"), body: None },
        load::Target { url: format!("http://{addr}/call"), body: None },
        load::Target { url: format!("http://{addr}/fwd/instance/v1/zones/fr-par-1/snapshots"), body: None },
    ];
    let mut pooled: [load::Load; 3] = Default::default();
    let mut ratios: [Vec<f64>; 3] = Default::default();
    for _ in 0..rounds {
        let mut direct = 0.0;
        for (i, target) in targets.iter().enumerate() {
            let l = load::run(target, CONNECTIONS, Duration::from_secs(SECONDS));
            if i == 0 {
                direct = l.per_second();
            }
            ratios[i].push(l.per_second() / direct);
            pooled[i].add(l);
        }
    }
    let direct = pooled[0].per_second();
    for (i, what) in ["direct to upstream (baseline)", "declared operation (call)", "forward route"].iter().enumerate() {
        let (lo, hi) = ratios[i].iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        println!(
            "  {what:<28} {:>9.0} req/s  {:>5.2}x direct (rounds {lo:.2}–{hi:.2})   p50 {:>7.1} µs  p99 {:>7.1} µs   errors {}",
            pooled[i].per_second(),
            pooled[i].per_second() / direct,
            pooled[i].percentile(0.50).as_secs_f64() * 1e6,
            pooled[i].percentile(0.99).as_secs_f64() * 1e6,
            pooled[i].errors,
        );
    }
    ExitCode::SUCCESS
}
