//! The formatter against prettyplease: constructs it prints itself at every width that changes
//! their layout, constructs it leaves to prettyplease, and every module of the seed specs.

use super::{agrees_with_prettyplease, printed_here};
use crate::emit::code::{Code, code, ident};

fn assert_agrees(code: Code) {
    if let Err(e) = agrees_with_prettyplease(&code) {
        panic!("{e}\n{code}");
    }
}

/// An identifier `len` characters long.
fn name(len: usize) -> Code {
    let text: String = std::iter::once('n')
        .chain(std::iter::repeat_n('x', len.saturating_sub(1)))
        .collect();
    ident(&text)
}

#[test]
fn every_width_of_the_constructs_it_prints() {
    // Widths from short to past the line, so that each box is printed both whole and broken.
    for len in [1, 3, 4, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90] {
        let n = name(len);
        let text = "t".repeat(len);
        let tokens = code! {
            #![doc = include_str!("../README.md")]
            #![forbid(unsafe_code)]
            #[doc = " A struct."]
            #[derive(Debug, Clone, PartialEq, ::naftiko_runtime::serde::Serialize, ::naftiko_runtime::serde::Deserialize)]
            #[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
            pub struct #n {
                #[doc = " A field."]
                #[serde(rename = #text, default, with = "::naftiko_runtime::input::optional")]
                pub #n: ::core::option::Option<::std::vec::Vec<::std::collections::BTreeMap<::std::string::String, #n>>>,
                pub(crate) short: &'static str,
                slice: &[u8],
                unit: (),
            }
            pub struct Unit;
            pub struct Empty {}
            impl #n {
                #[must_use]
                pub fn new(#n: impl ::core::convert::Into<::std::string::String>, other: u8) -> Self {
                    Self { #n: #n.into(), other, unit: ::core::option::Option::None }
                }
                pub fn with(mut self, value: impl ::core::convert::Into<::std::vec::Vec<::std::string::String>> + Send + 'static) -> Self {
                    self.#n = ::core::option::Option::Some(value.into());
                    self
                }
                pub async fn call(&self, params: #n) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
                    let request = self
                        .request(::naftiko_runtime::http::Method::GET)
                        .path(#text)
                        .path_param("drive_id", &params.#n)?
                        .query("$select", &params.select)
                        .json_body(&params.body);
                    self.send(request).await
                }
                fn short(&mut self) -> &str {
                    let x = a.b;
                    x.y.z(1, 2).await?.0
                }
            }
            impl ::core::fmt::Display for #n {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#text)
                }
            }
            async fn #n<H: Handlers + Send, T>(State(handlers): State<Arc<H>>, request: rt::RestRequest) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
                rt::object("body", request.body()?)?;
                let params = super::client::Params { body: rt::required(#text, request.body()?)?, id: request.path::<::std::string::String>("drive-id", 0)? };
                Ok(rt::reply(#text, handlers.#n(params).await))
            }
            pub const TOOLS: &[mcp::ToolSpec] = &[
                mcp::ToolSpec { name: #text, title: None, description: Some(#text), hints: mcp::ToolHints { read_only: Some(true), open_world: None } },
                mcp::ToolSpec { name: "b", title: None, description: None, hints: mcp::ToolHints { read_only: Some(false), open_world: None } },
            ];
            const NUMBERS: [u8; 3] = [1, 2, 3];
            const EMPTY: &[u8] = &[];
            mod calls {
                use ::std::sync::Arc;
                use super::{Handlers, #n, client::{self, Params as #n}, x::*};
                pub(super) async fn #n<H: Handlers>(handlers: Arc<H>, args: mcp::Arguments) -> mcp::ToolOutcome {
                    Ok(mcp::result(#text, handlers.#n(args.get::<::std::string::String>(#text)?).await))
                }
            }
            fn dispatch<H: Handlers>(handlers: Arc<H>, tool: &str, args: mcp::Arguments) -> ::core::option::Option<mcp::ToolFuture> {
                match tool {
                    #text => Some(mcp::boxed(calls::#n(handlers, args))),
                    "b" => { let x = handlers.y(#text); Some(x) }
                    "c" => { x.#n = Some(#text) }
                    _ => None,
                }
            }
            pub fn router_with<H: Handlers>(handlers: Arc<H>) -> axum::Router {
                let router = axum::Router::new()
                    .route(#text, axum::routing::get(#n::<H>).post(#n::<H>))
                    .route("/openapi.json", axum::routing::get(|| async { rt::json_document(#n) }))
                    .route("/x", axum::routing::get(move |a, b| async move { let c = a.#n(b).await; c }));
                let f = |x| x.#n;
                router.with_state(handlers)
            }
            impl Clients {
                pub fn with_upstreams(upstreams: &Upstreams) -> ::core::result::Result<Self, ConfigError> {
                    Ok(Self { #n: match upstreams.get(#text) { Some(url) => Client::new(url, Auth::from_env()?), None => Client::from_env()? } })
                }
            }
            #[global_allocator]
            static ALLOCATOR: ::naftiko_runtime::serve::Allocator = ::naftiko_runtime::serve::Allocator;
            pub const SERVER: mcp::ServerSpec = mcp::ServerSpec { name: #text, version: ::core::env!("CARGO_PKG_VERSION"), instructions: Some(#text) };
            pub const OPENAPI_JSON: &str = include_str!("../openapi.json");
            pub fn options() -> rt::RestOptions {
                rt::RestOptions { auth: None, ..rt::RestOptions::for_address(#n) }
            }
            pub fn main() -> ::std::process::ExitCode {
                ::naftiko_runtime::serve::main(app, |config| {
                    let handlers = ::std::sync::Arc::new(super::Proxy::new(clients));
                    Ok(::naftiko_runtime::serve::Surfaces {
                        routers: ::std::vec::Vec::from([(#text, super::rest::router_with(handlers.clone(), rt::RestOptions { access: rt::Access::checked_at_edge(), ..super::rest::options() }))]),
                        stdio: Some(::std::boxed::Box::new(move || ::std::boxed::Box::pin(super::mcp::serve_stdio(#n)) as ::naftiko_runtime::serve::StdioServer)),
                        unit: (),
                        short: &#n as &dyn Any,
                    })
                })
            }
            impl Client {
                pub async fn list_all(&self, params: #n) -> ::core::result::Result<::std::vec::Vec<Value>, Error> {
                    collect(first.unwrap_or(1), size, |page| { let mut params = params.clone(); params.page = Some(page); self.#n(params) }).await
                }
                pub async fn create(&self, params: #n) -> ::core::result::Result<Response, Error> {
                    let request = self.request(Method::POST).templated_body("application/json", render::object([("user_id", render::json_opt(&params.#n)), (#text, render::json_opt(&params.b))]));
                    self.send(request).await
                }
                pub fn pair() -> Pair {
                    Pair((), (#n, 2))
                }
            }
            pub trait Handlers: Send + Sync + 'static {
                fn clients(&self) -> &Clients;
                fn #n(&self, params: super::client::#n) -> impl ::core::future::Future<Output = ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error>> + Send {
                    self.clients().#n.#n(params)
                }
            }
        };
        // Every item but `NUMBERS` (an array type's length is an expression) is printed here.
        assert_eq!(
            printed_here(&tokens),
            [true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true, true, true],
            "{len}"
        );
        assert_agrees(tokens);
    }
}

#[test]
fn what_it_does_not_print_goes_through_prettyplease_in_place() {
    let tokens = code! {
        #![doc = " Module docs."]
        #![doc = ""]
        use super::x;
        pub struct First { a: u8 }
        pub trait T: Send { fn f(&self) -> u8; }
        fn generic<T>(t: T) -> T where T: Clone { match t { x => x } }
        pub struct Between<T> { t: T }
        mod m { pub fn f() {} }
        fn closure() { let f = |x: u8| x + 1; }
        #[doc = " A line\n with a break."]
        pub struct Docs;
        #[doc = "/ starts with a slash"]
        pub struct Slash;
        ::naftiko_runtime::__require_xml!();
        pub struct Last { b: ::std::string::String }
    };
    // The inner attributes are printed with the first item.
    let here = [true, true, true, false, false, true, false, false, false, false, true];
    assert_eq!(printed_here(&tokens), here);
    assert_agrees(tokens);
}

#[test]
fn the_seed_specs_modules() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for seed in [
        "specs/instance-snapshots.yaml",
        "specs/instance-images.yaml",
    ] {
        let text = std::fs::read_to_string(root.join(seed)).expect("seed spec");
        let cap = crate::load_str(seed, &text)
            .capability
            .expect("the seed compiles");
        for module in crate::emit::emit(&cap, crate::emit::Layout::Files).modules {
            if let Err(e) = agrees_with_prettyplease(&module.code) {
                panic!("{seed} {}: {e}", module.name);
            }
        }
    }
}

#[test]
fn this_workspace_checks_every_file_against_prettyplease() {
    // `.cargo/config.toml` sets it for everything cargo runs here (see `unparse`).
    assert!(std::env::var_os("NAFTIKO_FORMAT_ORACLE").is_some(), "NAFTIKO_FORMAT_ORACLE is not set: the debug-build check is off");
}

#[test]
fn raw_names_escapes_and_unicode() {
    let tokens = code! {
        #![doc = " Module docs with unicode: café — ✓, and a trailing space "]
        #[doc = " Field docs\twith a tab and \"quotes\" and \\ backslash"]
        #[derive(Debug)]
        pub struct r#Type {
            #[doc = " Ünïcödé and an escaped \u{7f}"]
            pub r#type: ::std::string::String,
            #[serde(rename = "naïve \u{1F980} \n newline")]
            pub r#match: ::core::option::Option<r#Type>,
        }
        impl r#Type {
            pub fn r#fn(&self, r#in: u8) -> Self {
                let r#loop = self.r#type.r#as(r#in, "\u{7f} \0 '\"'", b"bytes", 'c', 1_000u64, 2.5f32);
                Self { r#type: r#loop, r#match: ::core::option::Option::None }
            }
        }
        #[doc = "/ starts with a slash (stays an attribute)"]
        pub struct Slash;
    };
    // A doc line starting with `/` sends its item to prettyplease.
    assert_eq!(printed_here(&tokens), [true, true, false]);
    assert_agrees(tokens);
}

#[test]
fn a_turbofish_it_cannot_print_sends_its_item_to_prettyplease() {
    // Const arguments: the turbofish is checked when read, before anything of the item is printed.
    let tokens = code! {
        fn f() -> u8 {
            let x = g::<3>();
            x.h::<{ N }>()
        }
    };
    assert_eq!(printed_here(&tokens), [false]);
    assert_agrees(tokens);
}

/// The same template through `code!` and `quote!`, with the same values.
macro_rules! both {
    ($($tt:tt)*) => {
        (code! { $($tt)* }, quote::quote! { $($tt)* })
    };
}

#[test]
fn the_lexer_reads_what_quote_makes() {
    let text = "say \"hi\"\\\n\t\0 it's — 🦀";
    let (n, x, ratio, yes, none, some) = (7u16, -3i64, 0.5f64, true, None::<u8>, Some("s"));
    let names = ["a", "b"];
    let literal = proc_macro2::Literal::usize_unsuffixed(9);
    let ident = proc_macro2::Ident::new_raw("type", proc_macro2::Span::call_site());
    let (ours, quote) = both! {
        //! Inner docs.
        /// Outer docs with "quotes".
        #[derive(Debug)]
        pub(crate) struct S<'a, T: ?Sized + 'static> where T: Clone { r#f: &'a T, g: [u8; 3] }
        impl<'a> S<'a, str> {
            pub async fn f(&mut self, x: impl Fn(u8) -> bool) -> ::core::result::Result<(), ()> {
                let v = vec![1u8, 0x1F, 1_000, 2.5, 1e-3, 'c', '\'', '\n', b'x', b"bytes", r"raw", r##"raw "#"##, "s\"q"];
                match v.len() { 0 ..= 9 => {}, _ if x(1) && !x(2) || x(3) => {}, _ => {} }
                for i in 0..#n { self.g[i] += 1; }
                let s = #text; let t = (#x, #ratio, #yes, #none, #some, #literal);
                #(let _ = #names;)*
                let _ = [#(#names),*];
                #ident;
                x.0.1 >>= 2; a <<= b; c -> d => e :: f ; g @ h ~ k ^ l % m
            }
        }
    };
    let (lexed, _) = super::lex::lex(ours.as_str()).unwrap_or_else(|e| panic!("{e}\n{ours}"));
    assert_eq!(super::tree::describe(&lexed), super::tree::describe_stream(quote), "{ours}");
}

/// The lexer reads the seeds' code as proc-macro2's lexer reads the same text.
#[test]
fn the_lexer_reads_the_seeds_as_proc_macro2_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for seed in ["specs/instance-snapshots.yaml", "specs/instance-images.yaml"] {
        let text = std::fs::read_to_string(root.join(seed)).expect("seed spec");
        let cap = crate::load_str(seed, &text).capability.expect("the seed compiles");
        let code = crate::emit::inline_code(&cap, crate::emit::Surfaces::ALL);
        let (lexed, _) = super::lex::lex(code.as_str()).unwrap_or_else(|e| panic!("{seed}: {e}"));
        let tokens: proc_macro2::TokenStream = code.as_str().parse().unwrap_or_else(|e| panic!("{seed}: {e}"));
        assert!(super::tree::describe(&lexed) == super::tree::describe_stream(tokens), "{seed}: the lexers disagree");
    }
}

#[test]
fn a_comment_in_emitted_code_is_an_error_not_skipped() {
    let (tokens, offsets) = super::lex::lex("fn f ( ) { } struct S ;").expect("lexes");
    assert_eq!((tokens.len(), offsets), (7, vec![0, 3, 5, 9, 13, 20, 22]));
    for text in ["fn f ( ) { } // note", "/// doc\nfn f ( ) { }", "fn f ( ) { ", "fn f ( ] ", "'"] {
        assert!(super::lex::lex(text).is_err(), "{text:?}");
    }
}
