//! naftiko-tests: cross-crate tests and the Scaleway API emulator they run against.

pub mod emulator;

pub use emulator::{EMULATOR_TOKEN, Emulator, EmulatorBuilder, RecordedRequest};
