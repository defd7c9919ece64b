//! Upstream bodies that are not JSON (`outputRawFormat`), converted to the JSON the reference engine
//! makes of them, before any output mapping reads them. Each format is behind a cargo feature of this
//! crate, so a generated crate compiles only the converters its spec uses.
//!
//! Every converter takes the body's bytes and answers JSON or a message saying why the body is not
//! that format; [`Response::converted`](crate::Response::converted) turns the message into
//! [`Error::Format`](crate::Error::Format). None panics on any input.

#[cfg(feature = "xml")]
pub mod xml;

#[cfg(feature = "csv")]
pub mod delimited;

#[cfg(feature = "yaml")]
pub mod yaml;

#[cfg(feature = "html")]
pub mod html;

#[cfg(feature = "markdown")]
pub mod markdown;

#[cfg(feature = "protobuf")]
pub mod protobuf;

#[cfg(feature = "avro")]
pub mod avro;

#[cfg(all(test, any(feature = "xml", feature = "csv", feature = "yaml", feature = "protobuf")))]
mod test_support;

/// Generated code names each converter it uses through one of these (`__require_xml!();` …): with
/// the feature off, the build stops with a message saying which feature to enable, rather than
/// "could not find `xml` in `formats`".
macro_rules! requirements {
    ($($feature:literal => $macro:ident, $what:literal;)*) => {
        $(
            #[cfg(feature = $feature)]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! $macro {
                () => {};
            }

            #[cfg(not(feature = $feature))]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! $macro {
                () => {
                    compile_error!(concat!("this capability's upstream answers ", $what, ": enable the `", $feature, "` feature of naftiko-runtime"));
                };
            }
        )*
    };
}

requirements! {
    "xml" => __require_xml, "XML";
    "csv" => __require_csv, "CSV, TSV or PSV";
    "yaml" => __require_yaml, "YAML";
    "html" => __require_html, "HTML";
    "markdown" => __require_markdown, "Markdown";
    "protobuf" => __require_protobuf, "Protobuf";
    "avro" => __require_avro, "Avro";
}
