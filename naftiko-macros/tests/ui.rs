//! What users see when `capability!` meets a broken spec: compile errors at the macro call that quote
//! the spec's file:line:col, the offending line and the hint. Few cases, each a different check.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*-fail.rs");
    t.pass("tests/ui/client-pass.rs");
}
