//! naftiko-tests
