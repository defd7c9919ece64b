naftiko_macros::capability!(yaml = r#"
naftiko: 1.0.0-alpha2
capability:
  consumes: [
"#);

fn main() {}
