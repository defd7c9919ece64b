//! `capability!`: compiles a Naftiko capability spec into Rust items at build time.
//!
//! Thin by design: parse the invocation, call `naftiko_codegen`, hand back its tokens or its
//! diagnostics as `compile_error!`s. Use it through `naftiko_runtime::capability!` (feature `macros`).

use std::path::{Path, PathBuf};

use naftiko_codegen::emit::Surfaces;
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Generates a capability's client, handlers, REST router and MCP server in place.
///
/// ```ignore
/// mod snapshots {
///     naftiko_runtime::capability!("specs/instance-snapshots.yaml");
/// }
/// naftiko_runtime::capability!("specs/instance-images.yaml", module = images, surfaces(client));
/// naftiko_runtime::capability!(yaml = r#"naftiko: 1.0.0-alpha2 ..."#);
/// ```
///
/// The path is relative to the calling crate's `CARGO_MANIFEST_DIR`; the crate rebuilds when the file
/// changes. Surfaces default to those the runtime was built with (its `rest`, `mcp`, `server` features).
#[proc_macro]
pub fn capability(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match syn::parse::<Invocation>(input) {
        // The generator never panics on purpose; if it ever does, the user still gets a compile
        // error at the call, not a crashed compiler.
        Ok(invocation) => std::panic::catch_unwind(|| expand(invocation)).unwrap_or_else(|_| {
            quote! { ::core::compile_error!("naftiko-codegen failed unexpectedly on this spec; please report it with the spec attached"); }
        }),
        Err(e) => e.to_compile_error(),
    }
    .into()
}

enum Source {
    File(LitStr),
    Inline(LitStr),
}

struct Invocation {
    source: Source,
    module: Option<Ident>,
    surfaces: Option<Vec<Ident>>,
}

impl Parse for Invocation {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let source = if input.peek(LitStr) {
            Source::File(input.parse()?)
        } else {
            let key: Ident = input.parse()?;
            if key != "yaml" {
                return Err(syn::Error::new(key.span(), "expected a spec path (\"specs/x.yaml\") or `yaml = r#\"…\"#`"));
            }
            input.parse::<Token![=]>()?;
            Source::Inline(input.parse()?)
        };
        let mut invocation = Invocation { source, module: None, surfaces: None };
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "module" {
                input.parse::<Token![=]>()?;
                invocation.module = Some(input.parse()?);
            } else if key == "surfaces" {
                let content;
                syn::parenthesized!(content in input);
                let names = content.parse_terminated(Ident::parse, Token![,])?;
                for name in &names {
                    if !["client", "rest", "mcp", "server"].contains(&name.to_string().as_str()) {
                        return Err(syn::Error::new(name.span(), "expected one of: client, rest, mcp, server"));
                    }
                }
                invocation.surfaces = Some(names.into_iter().collect());
            } else {
                return Err(syn::Error::new(key.span(), "expected `module = name` or `surfaces(client, rest, mcp, server)`"));
            }
        }
        Ok(invocation)
    }
}

fn expand(invocation: Invocation) -> TokenStream {
    let (literal, name, text, tracked) = match &invocation.source {
        Source::File(lit) => {
            let path = resolve(&lit.value());
            match std::fs::read_to_string(&path) {
                Ok(text) => (lit, lit.value(), text, Some(path)),
                Err(e) => {
                    let message = format!("cannot read `{}` ({}): {e}\nhelp: the path is relative to the crate's Cargo.toml directory", lit.value(), path.display());
                    return quote::quote_spanned!(lit.span()=> ::core::compile_error!(#message););
                }
            }
        }
        Source::Inline(lit) => (lit, "inline.yaml".to_owned(), lit.value(), None),
    };
    // Imported consumes resolve beside the spec file (inline specs resolve against the crate).
    let import_dir = match &tracked {
        Some(path) => path.parent().map(Path::to_path_buf),
        None => std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
    };
    let loaded = naftiko_codegen::load_with(&name, &text, import_dir.as_deref());
    let Some(capability) = loaded.capability.as_ref() else {
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| {
            let message = compile_error_text(d, &loaded);
            quote::quote_spanned!(literal.span()=> ::core::compile_error!(#message);)
        });
        return quote! { #(#errors)* };
    };
    let surfaces = match &invocation.surfaces {
        Some(names) => Surfaces {
            rest: names.iter().any(|n| n == "rest" || n == "mcp" || n == "server"),
            mcp: names.iter().any(|n| n == "mcp" || n == "server"),
            server: names.iter().any(|n| n == "server"),
        },
        None => Surfaces { rest: cfg!(feature = "rest"), mcp: cfg!(feature = "mcp"), server: cfg!(feature = "server") },
    };
    // The generator writes Rust text; the compiler's lexer makes it tokens.
    let items = match naftiko_codegen::emit::inline_code(capability, surfaces).as_str().parse::<TokenStream>() {
        Ok(items) => items,
        Err(e) => {
            let message = format!("naftiko-codegen emitted code that does not lex (a bug in the generator): {e}");
            return quote::quote_spanned!(literal.span()=> ::core::compile_error!(#message););
        }
    };
    // Reading the files through include_bytes! makes cargo rebuild the crate when the spec or a
    // fragment it imports changes (imported files are named by their resolved paths).
    let imported = loaded.sources.files().skip(1).map(|(_, f)| PathBuf::from(&f.name)).filter(|p| p.is_absolute());
    let track = tracked.into_iter().chain(imported).map(|path| {
        let path = path.display().to_string();
        quote! { const _: &[u8] = include_bytes!(#path); }
    });
    let body = quote! { #(#track)* #items };
    match invocation.module {
        Some(module) => quote! { pub mod #module { #body } },
        None => body,
    }
}

fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| path.to_path_buf(), |dir| Path::new(&dir).join(path))
}

/// The compile error text: `file:line:col`, the message, the offending line and the hint.
fn compile_error_text(d: &naftiko_codegen::Diagnostic, loaded: &naftiko_codegen::Loaded) -> String {
    d.render_compact(&loaded.sources)
}
