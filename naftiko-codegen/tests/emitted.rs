//! The emitted code of every surface for both seeds, pinned: a change to an emitter shows up here as a
//! reviewed diff (and in generated/, which the freshness test keeps equal to the generator's output).

use std::path::Path;

use naftiko_codegen::emit::{Layout, Surfaces, emit, format_file, inline_code};

fn seed(name: &str) -> naftiko_codegen::ir::Capability {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(format!("{name}.yaml"))).expect("seed");
    naftiko_codegen::load_str(&format!("specs/{name}.yaml"), &text).capability.expect("IR")
}

#[test]
fn emitted_modules_are_pinned() {
    for name in ["instance-snapshots", "instance-images"] {
        let cap = seed(name);
        for module in emit(&cap, Layout::Files).modules {
            let source = format_file(&module.code).unwrap_or_else(|e| panic!("{e}"));
            insta::assert_snapshot!(format!("{name}.{}", module.name), source);
        }
    }
}

/// The macro and build.rs (inline code) and xtask (one file per module) emit the same items; only
/// where the OpenAPI document comes from differs.
#[test]
fn inline_and_file_layouts_emit_the_same_items() {
    fn items_of(items: &[syn::Item]) -> Vec<String> {
        items
            .iter()
            .filter(|item| !matches!(item, syn::Item::Const(c) if c.ident == "OPENAPI_JSON"))
            .map(|item| quote::quote!(#item).to_string())
            .collect()
    }
    for name in ["instance-snapshots", "instance-images"] {
        let cap = seed(name);
        let inline: syn::File = syn::parse_str(inline_code(&cap, Surfaces::ALL).as_str()).expect("inline code parses");
        for module in emit(&cap, Layout::Files).modules {
            let file: syn::File = syn::parse_str(module.code.as_str()).expect("module code parses");
            let inline_module = inline
                .items
                .iter()
                .find_map(|item| match item {
                    syn::Item::Mod(m) if m.ident == module.name => m.content.as_ref().map(|(_, items)| items.as_slice()),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{name}: no inline module {}", module.name));
            assert_eq!(items_of(&file.items), items_of(inline_module), "{name}: module {} differs", module.name);
        }
    }
}
