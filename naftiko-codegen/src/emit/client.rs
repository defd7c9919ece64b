//! The typed client: one module item set per consumed API. (Placeholder until the emitter lands.)

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Capability;

pub fn emit(cap: &Capability) -> TokenStream {
    let doc = format!(" Typed client for {}.", cap.title);
    quote! { #![doc = #doc] }
}
