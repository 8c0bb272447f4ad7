//! larch: a mailing-list archiver, as a library that *is* the pipeline.
//!
//! Stages: [`ingest`] (bytes -> raw messages), [`parse`] (raw -> summary),
//! [`thread`] (summaries -> forest), [`store`] (the archive of record),
//! [`render`] (data -> HTML), and [`build`], the one orchestrator that
//! sequences them. Stages never call each other; only `build` does.
//!
//! The library is synchronous, touches no network and never prints.

pub mod build;
pub mod config;
pub mod error;
pub mod ingest;
pub mod model;
pub mod parse;
pub mod render;
pub mod search;
pub mod store;
pub mod thread;

pub use error::{Error, Result};
