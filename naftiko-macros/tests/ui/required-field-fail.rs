// A required input cannot be left out: a params struct with one has no `Default`, and `new` takes it.
mod pets {
    naftiko_macros::capability!(yaml = r#"
naftiko: 1.0.0-alpha2
capability:
  consumes:
  - type: http
    namespace: pets
    baseUri: https://pets.example.test
    resources:
    - name: pet
      path: /pets/{petId}
      operations:
      - name: getpet
        method: GET
        inputParameters:
        - name: petId
          in: path
          type: string
  exposes:
  - type: mcp
    namespace: pets-mcp
    port: 9090
    tools:
    - name: get-pet
      description: Get a pet
      call: pets.getpet
"#, surfaces(client));
}

fn main() {
    let client = pets::Client::new("http://127.0.0.1:1", pets::Auth {});
    let _forgotten = client.getpet(pets::GetpetParams { ..Default::default() });
    let _not_given = client.getpet(pets::GetpetParams::new());
}
