//! The intermediate representation: the fully resolved capability the emitters read.

pub mod ident;
pub mod lower;
pub mod model;
pub mod template;
pub mod usage;

pub use model::*;
