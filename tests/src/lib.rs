//! naftiko-tests: cross-crate tests, the Scaleway API emulator they run against, and a harness that
//! runs generated binaries as real processes.

pub mod emulator;
pub mod faulty;
pub mod process;

pub use emulator::{EMULATOR_TOKEN, Emulator, EmulatorBuilder, RecordedRequest};
pub use faulty::{Fault, FaultyUpstream};
pub use process::ServerProcess;
