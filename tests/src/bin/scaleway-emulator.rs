//! The Scaleway emulator as a standalone server, for trying generated binaries by hand:
//! `cargo run -p naftiko-tests --bin scaleway-emulator -- [--port 8000]`.
//! It prints its base URL and the token it accepts, seeds one Instance and one Block volume per zone, and serves
//! until Ctrl-C.

use naftiko_tests::Emulator;

#[tokio::main]
async fn main() {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => port = p,
                Err(_) => return eprintln!("error: --port takes a number"),
            },
            _ => return eprintln!("usage: scaleway-emulator [--port PORT]"),
        }
    }
    let emulator = Emulator::builder().port(port).start().await;
    for zone in ["fr-par-1", "fr-par-2", "nl-ams-1"] {
        let volume = emulator.seed_volume(zone);
        println!("seeded volume {volume} in {zone}");
        let volume = emulator.seed_block_volume(zone);
        println!("seeded Block volume {volume} in {zone}");
    }
    println!("Scaleway emulator on {}", emulator.base_url());
    println!("X-Auth-Token: {}", emulator.token());
    let _ = tokio::signal::ctrl_c().await;
}
