//! One client method: its request assembled part by part, and its body templates.

use serde_json::Value;

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{
    BodyTemplate, ConsumedOp, Conversion, Param, ParamLocation, ParamType, PathPart, RawJsonPart, RequestBody, ResponseFormat, TemplatePart,
};

use super::api::Api;
use super::doc_lines;
use super::literals::*;
use super::text::*;

impl Api<'_> {
    pub(super) fn method(&self, op: &ConsumedOp) -> Code {
        let name = ident(&op.method_name);
        let params_type = ident(&op.params_type);
        let method = ident(op.method.as_str());
        let mut doc = op.summary.clone().unwrap_or_default();
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path_template));
        if let ResponseFormat::Converted(conversion) = &op.response {
            doc.push_str(&format!(
                "\n\nThe API answers {}: a successful reply is converted to JSON (`naftiko_runtime::formats::{}`); one that is not valid {0} is `Error::Format`.",
                conversion.name(),
                conversion.feature().replace("csv", "delimited")
            ));
        }
        let doc = doc_lines(&doc);

        let mut parts: Vec<Code> = Vec::new();
        for part in &op.path {
            parts.push(match part {
                PathPart::Literal(text) => code! { .path(#text) },
                PathPart::Param(i) => {
                    let label = op.params.get(*i).map_or_else(String::new, |p| if p.fixed.is_some() { p.name.clone() } else { field_label(p) });
                    let value = self.param_arg(op, *i, 0);
                    code! { .path_param(#label, #value)? }
                }
            });
        }
        for (i, p) in op.params.iter().enumerate() {
            let name = &p.name;
            match p.location {
                ParamLocation::Query => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(code! { .query(#name, #value) });
                }
                ParamLocation::Header => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(code! { .header(#name, #value)? });
                }
                ParamLocation::Cookie => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(code! { .cookie(#name, #value)? });
                }
                ParamLocation::Path | ParamLocation::Body | ParamLocation::BodyField | ParamLocation::Template => {}
            }
        }
        match &op.body {
            RequestBody::None => {}
            RequestBody::Whole { param } => {
                let value = self.param_arg(op, *param, 0);
                parts.push(code! { .json_body(#value) });
            }
            RequestBody::Fields { params } => {
                for &i in params {
                    let Some(p) = op.params.get(i) else { continue };
                    let name = &p.name;
                    let value = self.param_arg(op, i, 0);
                    parts.push(code! { .body_field(#name, #value) });
                }
            }
            RequestBody::Template { content_type, template } => parts.push(self.template_body(op, content_type, template)),
        }

        let discard_params = (!op.reads_params).then(|| code! { let _ = params; });
        let send = Self::send_and_convert(op);
        // Found by the names a reader knows from the tools and REST operations (`list_snapshots`).
        let aliases = op.aliases.iter().map(|a| code! { #[doc(alias = #a)] });
        code! {
            #doc
            #(#aliases)*
            pub async fn #name(
                &self,
                params: #params_type,
            ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
                #discard_params
                let request = self.request(::naftiko_runtime::http::Method::#method) #(#parts)*;
                #send
            }
        }
    }

    /// `…_all`: every item of a list operation that pages, through `naftiko_runtime::pages::collect`.
    pub(super) fn paged_method(&self, op: &ConsumedOp) -> Code {
        let Some(paging) = &op.pagination else { return Code::new() };
        let (Some(page), Some(size)) = (op.params.get(paging.page), op.params.get(paging.size)) else { return Code::new() };
        let name = ident(&paging.method_name);
        let method = ident(&op.method_name);
        let params_type = ident(&op.params_type);
        let (page_field, size_field) = (ident(&page.field), ident(&size.field));
        let read = |p: &Param, field: &Code| match p.ty {
            ParamType::String => {
                let name = &p.name;
                code! { ::naftiko_runtime::pages::number(#name, params.#field.as_deref())? }
            }
            _ => code! { params.#field },
        };
        let (first, per_page) = (read(page, &page_field), read(size, &size_field));
        let set_page = match page.ty {
            ParamType::String => code! { ::std::string::ToString::to_string(&page) },
            _ => code! { page },
        };
        let doc = doc_lines(&format!(
            "Every item of `{}`, page after page: from the page `{}` names (else the first), `{}` items a page (else the API's default).\n\n\
             The items are the reply's list (the reply itself when it is an array, else its one array field). The walk stops at the \
             total (`X-Total-Count` or `total_count`), at a short page or at an empty one; more than `naftiko_runtime::pages::MAX_PAGES` \
             pages, or a page repeating the one before, is `Error::Pagination`. A failed page stops it with that page's error; \
             dropping the future stops it between two requests.",
            op.method_name.trim_start_matches("r#"),
            page.name,
            size.name
        ));
        code! {
            #doc
            pub async fn #name(
                &self,
                params: #params_type,
            ) -> ::core::result::Result<::std::vec::Vec<::naftiko_runtime::serde_json::Value>, ::naftiko_runtime::Error> {
                let first = #first;
                let size = #per_page;
                ::naftiko_runtime::pages::collect(first.unwrap_or(1), size, |page| {
                    let mut params = params.clone();
                    params.#page_field = ::core::option::Option::Some(#set_page);
                    self.#method(params)
                })
                .await
            }
        }
    }

    /// `…_output`: the reply read into the operation's declared outputs (see [`Api::output_struct`]).
    pub(super) fn output_method(&self, op: &ConsumedOp) -> Code {
        let Some(output) = &op.output else { return Code::new() };
        let name = ident(&output.method_name);
        let method = ident(&op.method_name);
        let params_type = ident(&op.params_type);
        let type_name = ident(&output.type_name);
        let properties = output.fields.iter().map(|f| (f.reply.name.clone(), f.mapping.clone())).collect();
        let shape = crate::emit::mapping::expression(&crate::ir::Mapping::Object { properties }, &code!(value));
        let doc = doc_lines(&format!(
            "`{}`, its reply read into [`{}`]: the outputs the spec declares for it, with the reply's status and headers.",
            op.method_name.trim_start_matches("r#"),
            output.type_name
        ));
        code! {
            #doc
            pub async fn #name(
                &self,
                params: #params_type,
            ) -> ::core::result::Result<::naftiko_runtime::Reply<#type_name>, ::naftiko_runtime::Error> {
                let response = self.#method(params).await?;
                ::naftiko_runtime::Reply::read(response, |value| #shape)
            }
        }
    }

    /// Sending the request, and converting a reply in another format to JSON.
    fn send_and_convert(op: &ConsumedOp) -> Code {
        let ResponseFormat::Converted(conversion) = &op.response else { return code! { self.send(request).await } };
        let format = conversion.name();
        let convert = match conversion {
            Conversion::Xml => code! { ::naftiko_runtime::formats::xml::to_json },
            Conversion::Yaml => code! { ::naftiko_runtime::formats::yaml::to_json },
            Conversion::Delimited { separator, .. } => code! { |body| ::naftiko_runtime::formats::delimited::to_json(body, #separator) },
            Conversion::Html { selector } => {
                let selector = option_str(selector.as_deref());
                code! { |body| ::naftiko_runtime::formats::html::to_json(body, #selector) }
            }
            Conversion::Markdown { sections } => {
                let sections = option_str(sections.as_deref());
                code! { |body| ::naftiko_runtime::formats::markdown::to_json(body, #sections) }
            }
            Conversion::Protobuf { descriptor_set, message } => {
                let descriptor = proc_macro2::Literal::byte_string(descriptor_set);
                code! {
                    |body| {
                        // The `.proto` of `outputSchema`, compiled when this code was generated.
                        static DECODER: ::std::sync::LazyLock<::core::result::Result<::naftiko_runtime::formats::protobuf::Decoder, ::std::string::String>> =
                            ::std::sync::LazyLock::new(|| ::naftiko_runtime::formats::protobuf::Decoder::new(#descriptor, #message));
                        DECODER.as_ref().map_err(::core::clone::Clone::clone)?.to_json(body)
                    }
                }
            }
            Conversion::Avro { schema } => code! {
                |body| {
                    // The `.avsc` of `outputSchema`, as it was when this code was generated.
                    static DECODER: ::std::sync::LazyLock<::core::result::Result<::naftiko_runtime::formats::avro::Decoder, ::std::string::String>> =
                        ::std::sync::LazyLock::new(|| ::naftiko_runtime::formats::avro::Decoder::new(#schema));
                    DECODER.as_ref().map_err(::core::clone::Clone::clone)?.to_json(body)
                }
            },
        };
        code! { self.send(request).await?.converted(#format, #convert) }
    }

    pub(super) fn template_body(&self, op: &ConsumedOp, content_type: &str, template: &BodyTemplate) -> Code {
        let is_json = {
            let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        };
        match template {
            // A raw body with placeholders: sent as text; inside JSON, values are escaped as string content.
            BodyTemplate::Text(t) => {
                let escape = if is_json { Escape::JsonString } else { Escape::None };
                let body = self.text(t, Scope::Call(op), escape, 0).into_string_expr();
                code! { .body(#content_type, #body) }
            }
            BodyTemplate::Json(Value::String(s)) => code! { .body(#content_type, #s) },
            BodyTemplate::RawJson(parts) => {
                let body = self.raw_json(op, parts);
                code! { .body(#content_type, #body) }
            }
            other => {
                let value = self.json_value(op, other, 0);
                code! { .templated_body(#content_type, #value) }
            }
        }
    }

    /// A raw JSON body: its text, each placeholder written as escaped string content (inside a JSON
    /// string; `""` when absent) or as JSON (bare; `null` when absent), so no value can change the
    /// document's structure.
    fn raw_json(&self, op: &ConsumedOp, parts: &[RawJsonPart]) -> Code {
        let value = |part: &TemplatePart| match part {
            TemplatePart::Param(i) => self.param_arg(op, *i, 0),
            TemplatePart::Secret(var) => {
                let secret = self.secret_access(var, Scope::Call(op));
                code! { #secret.expose() }
            }
            TemplatePart::Literal(s) => code! { #s },
            // A consumed operation's templates name no step.
            TemplatePart::Step(_) => code! { "" },
        };
        let pieces = parts.iter().map(|part| match part {
            RawJsonPart::Text(text) => code! { #text },
            RawJsonPart::InString(p) => {
                let v = value(p);
                code! { &::naftiko_runtime::render::json_text(#v) }
            }
            RawJsonPart::Bare(p) => {
                let v = value(p);
                code! { &::naftiko_runtime::render::json_bare(#v) }
            }
        });
        code! { ::naftiko_runtime::render::concat(&[#(#pieces),*]) }
    }

    /// A `serde_json::Value` expression for a body template.
    pub(super) fn json_value(&self, op: &ConsumedOp, template: &BodyTemplate, depth: usize) -> Code {
        match template {
            BodyTemplate::Json(value) => constant(value),
            _ if is_constant(template) => constant(&to_value(template)),
            BodyTemplate::Param(i) => {
                let value = self.param_arg(op, *i, depth);
                code! { ::naftiko_runtime::render::json(#value) }
            }
            BodyTemplate::Text(t) => {
                let s = self.text(t, Scope::Call(op), Escape::None, depth).into_string_expr();
                code! { ::naftiko_runtime::serde_json::Value::String(#s) }
            }
            // Raw JSON text is a whole body; nested, it is its value once rendered.
            BodyTemplate::RawJson(parts) => {
                let text = self.raw_json(op, parts);
                code! { ::naftiko_runtime::render::constant(&#text) }
            }
            BodyTemplate::Array(items) => {
                let items = items.iter().map(|item| self.json_value(op, item, depth));
                code! { ::naftiko_runtime::serde_json::Value::Array(::std::vec::Vec::from([#(#items),*])) }
            }
            BodyTemplate::Object(members) => {
                let members = members.iter().map(|(key, member)| {
                    let value = match member {
                        // An absent parameter leaves its member out rather than sending `null`.
                        BodyTemplate::Param(i) => {
                            let value = self.param_arg(op, *i, depth);
                            code! { ::naftiko_runtime::render::json_opt(#value) }
                        }
                        other => {
                            let value = self.json_value(op, other, depth);
                            code! { ::core::option::Option::Some(#value) }
                        }
                    };
                    code! { (#key, #value) }
                });
                code! { ::naftiko_runtime::render::object([#(#members),*]) }
            }
        }
    }

    /// The argument (`&V` with `V: ParamValue`) for parameter `i` of `op`: the caller's field, or the
    /// spec's fixed value.
    pub(super) fn param_arg(&self, op: &ConsumedOp, i: usize, depth: usize) -> Code {
        let Some(p) = op.params.get(i) else { return code!("") };
        match &p.fixed {
            None => {
                let field = ident(&p.field);
                code! { &params.#field }
            }
            Some(template) => {
                if let Some(typed) = template.as_literal().and_then(|text| typed_literal(p.ty, text)) {
                    return typed;
                }
                self.text(template, Scope::Call(op), Escape::None, depth + 1).arg()
            }
        }
    }
}

/// The name a caller knows a parameter by, in errors: its field.
pub(super) fn field_label(p: &Param) -> String {
    p.field.trim_start_matches("r#").to_owned()
}

/// `Some("…")` or `None`, as a `Option<&str>` expression.
fn option_str(text: Option<&str>) -> Code {
    match text {
        Some(text) => code! { ::core::option::Option::Some(#text) },
        None => code! { ::core::option::Option::None },
    }
}
