//! Typed client for Instance API — Snapshots.
