//! naftiko-tests: cross-crate tests, the Scaleway API emulator they run against, and a harness that
//! runs generated binaries as real processes.

pub mod emulator;
pub mod faulty;
pub mod process;
pub mod recorder;
pub mod shipyard;

pub use emulator::{EMULATOR_TOKEN, Emulator, EmulatorBuilder, RecordedRequest};
pub use faulty::{Fault, FaultyUpstream};
pub use process::ServerProcess;
pub use recorder::{Answer, Recorder};
pub use shipyard::Shipyard;
