//! The nouns of larch: message identifiers, summaries, filing dates, periods.
//!
//! Pure data with no I/O. Every other stage speaks in these types.

mod message_id;
mod period;
mod summary;

pub use message_id::MessageId;
pub use period::period_name;
pub use summary::{DateSource, Defect, Summary};
