//! The structs callers fill: parameters of a client method, inputs of a flow, arguments of a custom
//! tool. One shape for all three, so that a required input cannot be forgotten anywhere:
//!
//! - a struct with a required field has no `Default` (`..Default::default()` would send an empty value
//!   upstream); it is built with `new(required…)`, or a literal naming every field;
//! - optional fields are `Option<T>`, set with chained `with_<field>(value)` calls;
//! - a struct of optional fields only derives `Default`, and its `new()` takes nothing;
//! - every struct derives serde's `Serialize` and `Deserialize` with the spec's wire names, reading
//!   each field with the coercions every surface uses (`naftiko_runtime::input`), and refusing unknown
//!   fields as the tools' input schemas do.

use crate::emit::code::{Code, code};
use crate::emit::values::rust_type;
use crate::emit::{doc, ident};
use crate::ir::Param;

/// The struct `name` with one public field per parameter (each documented by `field_doc`'s
/// attributes), its `new` and its setters.
pub fn input_struct(name: &str, struct_doc: Code, params: &[&Param], field_doc: impl Fn(&Param) -> Code) -> Code {
    let name = ident(name);
    let fields = params.iter().map(|p| {
        let field = ident(&p.field);
        let ty = rust_type(p.ty);
        let ty = if p.required {
            ty
        } else {
            code! { ::core::option::Option<#ty> }
        };
        let doc = field_doc(p);
        // The spec's wire name, unless two inputs share it (a path and a query `uploadId`): then the
        // field's own name, which is unique.
        let wire = if params.iter().filter(|q| q.name == p.name).count() == 1 { p.name.as_str() } else { p.field.trim_start_matches("r#") };
        let rename = (wire != p.field.trim_start_matches("r#")).then(|| code! { rename = #wire, });
        let serde = if p.required {
            code! { #[serde(#rename with = "::naftiko_runtime::input::required")] }
        } else {
            code! { #[serde(#rename default, with = "::naftiko_runtime::input::optional")] }
        };
        code! { #doc #serde pub #field: #ty, }
    });
    let (required, optional): (Vec<&Param>, Vec<&Param>) = params.iter().partition(|p| p.required);
    let default = required.is_empty().then(|| code! { Default, });
    let derive = code! {
        #[derive(Debug, Clone, #default PartialEq, ::naftiko_runtime::serde::Serialize, ::naftiko_runtime::serde::Deserialize)]
        #[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
    };
    let args = required.iter().map(|p| {
        let field = ident(&p.field);
        let ty = rust_type(p.ty);
        code! { #field: impl ::core::convert::Into<#ty> }
    });
    let init = params.iter().map(|p| {
        let field = ident(&p.field);
        if p.required {
            code! { #field: #field.into(), }
        } else {
            code! { #field: ::core::option::Option::None, }
        }
    });
    let new_doc = if required.is_empty() {
        doc(" Every field unset; set them with the `with_…` methods.")
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.name)).collect();
        doc(&format!(" With the required {} {}; the others unset.", if names.len() == 1 { "input" } else { "inputs" }, names.join(", ")))
    };
    // Clippy's limit is seven arguments; a spec may require more, and each is named by the spec.
    let allow = (required.len() > 7).then(|| code! { #[allow(clippy::too_many_arguments)] });
    // `with_<field>`, without the field's leading `_` (`_2fa` → `with_2fa`, snake case), numbered should
    // that take another setter's name.
    let mut taken = std::collections::HashSet::new();
    let setter_names: Vec<String> = optional
        .iter()
        .map(|p| {
            let base = format!("with_{}", p.field.trim_start_matches("r#").trim_start_matches('_'));
            let mut name = base.clone();
            for n in 2.. {
                if taken.insert(name.clone()) {
                    break;
                }
                name = format!("{base}_{n}");
            }
            name
        })
        .collect();
    let setters = optional.iter().zip(&setter_names).map(|(p, setter)| {
        let field = ident(&p.field);
        let setter = ident(setter);
        let ty = rust_type(p.ty);
        let doc = match p.description.as_deref().and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty())) {
            Some(line) => doc(&format!(" Sets `{}`: {line}", p.name)),
            None => doc(&format!(" Sets `{}`.", p.name)),
        };
        code! {
            #doc
            #[must_use]
            pub fn #setter(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
                self.#field = ::core::option::Option::Some(value.into());
                self
            }
        }
    });
    code! {
        #struct_doc
        #derive
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_doc
            #allow
            #[must_use]
            pub fn new(#(#args),*) -> Self {
                Self { #(#init)* }
            }

            #(#setters)*
        }
    }
}
