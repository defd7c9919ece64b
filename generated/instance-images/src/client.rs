//! Typed client for Instance API — Images.
