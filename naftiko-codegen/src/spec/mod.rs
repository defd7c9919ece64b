//! The spec as written: a located YAML tree (`yaml`) read into a lenient model (`model`, `read`), with
//! imported consumes resolved (`import`).

pub mod import;
pub mod model;
pub mod read;
pub mod yaml;
