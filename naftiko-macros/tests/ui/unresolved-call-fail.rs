naftiko_macros::capability!(yaml = r#"
naftiko: 1.0.0-alpha2
capability:
  consumes:
  - type: http
    namespace: pets
    baseUri: https://pets.example.test
    resources:
    - name: pets
      path: /pets
      operations:
      - name: listpets
        method: GET
  exposes:
  - type: mcp
    namespace: pets-mcp
    port: 9090
    tools:
    - name: list-pets
      description: List pets
      call: pets.listpet
    - name: list-pets
      description: List pets again
      call: pets.listpets
    - name: scripted
      description: Runs a script
      steps:
      - type: script
        name: compute
"#);

fn main() {}
