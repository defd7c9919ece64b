mod pets {
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
        inputParameters:
        - name: limit
          in: query
          type: integer
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
    - name: list-pets
      description: List pets
      call: pets.listpets
"#, surfaces(client));
}

fn main() {
    let client = pets::Client::new("http://127.0.0.1:1", pets::Auth {});
    let _future = client.listpets(pets::ListpetsParams::default());
    let _future = client.listpets(pets::ListpetsParams::new().with_limit(10));
    let _future = client.getpet(pets::GetpetParams::new("fido"));
}
