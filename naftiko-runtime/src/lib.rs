//! naftiko-runtime
