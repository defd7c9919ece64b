//! naftiko-codegen
