//! The spec as written: a located YAML tree (`yaml`) read into a lenient model (`model`, `read`), with
//! imported consumes resolved (`import`) and the schema files of binary formats compiled (`schemas`,
//! `binary_schema`).

pub mod binary_schema;
pub mod import;
pub mod model;
pub mod read;
pub mod schemas;
pub mod yaml;
