//! Parse: raw message bytes -> `Summary` and defects (wraps mail-parser).
//!
//! Owns everything that reads inside a message: header decoding, dates,
//! the filing-date choice. Never touches the store or the file system.

pub mod date;
mod encoded_words;
mod filing;
pub mod mime;
mod recipients;
mod summary;
mod uuencode;

pub use filing::{Filing, choose_filing_date};
pub use recipients::{Recipients, recipients};
pub use summary::{Extracted, extract, message_parser};
