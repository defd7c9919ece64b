naftiko_macros::capability!("specs/does-not-exist.yaml");

fn main() {}
