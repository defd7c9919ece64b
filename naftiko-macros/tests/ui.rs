//! What users see when `capability!` meets a broken spec: compile errors at the macro call that quote
//! the spec's file:line:col, the offending line and the hint; and that a required input cannot be left
//! out of a params struct (no `Default`, `new` takes it). Few cases, each a different check.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*-fail.rs");
    t.pass("tests/ui/client-pass.rs");
}
