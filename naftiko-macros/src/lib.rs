//! naftiko-macros
