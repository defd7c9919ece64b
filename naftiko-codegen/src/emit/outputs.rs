//! The structs a typed reply is read into: a consumed operation's declared outputs (`Client::…_output`)
//! and a flow's object reply (`flows::…_output`). Every field is optional (a reply may lack it), read
//! with the coercions inputs have (`naftiko_runtime::input`), and written back under its own name.

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{ParamType, ReplyField};

/// `pub struct name { … }` with serde derives; `struct_doc` documents it.
pub fn output_struct<'a>(name: &str, struct_doc: Code, fields: impl IntoIterator<Item = &'a ReplyField>) -> Code {
    let name = ident(name);
    let fields = fields.into_iter().map(|f| {
        let field = ident(&f.field);
        let ty = match f.ty {
            ParamType::String => code!(::std::string::String),
            ParamType::Integer => code!(i64),
            ParamType::Number => code!(f64),
            ParamType::Boolean => code!(bool),
            ParamType::Array | ParamType::Object | ParamType::Any => code!(::naftiko_runtime::serde_json::Value),
        };
        let wire = f.name.as_str();
        let rename = (wire != f.field.trim_start_matches("r#")).then(|| code! { rename = #wire, });
        let doc = match f.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) if !d.contains('\n') => crate::emit::doc(&format!(" {d} (`{wire}`)")),
            Some(d) => crate::emit::doc(&format!(" {d}\n\n (`{wire}`)")),
            None => crate::emit::doc(&format!(" Output `{wire}`.")),
        };
        code! {
            #doc
            #[serde(#rename default, with = "::naftiko_runtime::input::optional")]
            pub #field: ::core::option::Option<#ty>,
        }
    });
    code! {
        #struct_doc
        #[derive(Debug, Clone, Default, PartialEq, ::naftiko_runtime::serde::Serialize, ::naftiko_runtime::serde::Deserialize)]
        #[serde(crate = "::naftiko_runtime::serde")]
        pub struct #name {
            #(#fields)*
        }
    }
}
