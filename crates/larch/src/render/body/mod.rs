//! Message bodies to safe HTML fragments.
//!
//! Owns: turning decoded `text/plain` and `text/html` parts into HTML
//! fragments that are safe to embed in an archive page, naming attachments
//! safely, and telling which attachment types are active content.
//!
//! Must not touch: I/O of any kind (no files, no network, no logging), the
//! page templates, or the database. Every function here is pure: input
//! strings in, strings out. Every byte of input is treated as hostile.
//!
//! # HTML produced by [`render_text`]
//!
//! One `<pre class="body">` element. Inside it, runs of consecutive lines of
//! the same kind are wrapped in one `<span class="...">`; plain lines are
//! bare text. Newlines between runs sit outside the spans.
//!
//! | class        | lines                                                        |
//! |--------------|--------------------------------------------------------------|
//! | `q1`..`q4`   | quoted text, by quote depth (depth 5 and deeper use `q4`)     |
//! | `sig`        | from a `-- ` (or `--`) line to the end, or to a quoted line  |
//! | `diff-file`  | patch headers: `diff --git`, `index`, `--- `, `+++ `, modes   |
//! | `diff-hunk`  | `@@ -a,b +c,d @@` hunk headers                              |
//! | `diff-add`   | `+` lines inside a hunk                                      |
//! | `diff-del`   | `-` lines inside a hunk                                      |
//! | `diffstat`   | ` path | 12 ++--` lines and ` N files changed, ...`          |
//!
//! Links are `<a href="..." rel="nofollow noopener noreferrer">`. Wrapping
//! of long lines is left to CSS (`white-space: pre-wrap`).
//!
//! # HTML produced by [`sanitize_html`]
//!
//! A balanced fragment (no `html`/`head`/`body`) that the caller wraps in
//! its own container element. See `html.rs` for the allow-list.

mod attr_values;
mod clean;
mod diff;
mod filename;
mod flowed;
mod html;
mod links;
mod tame;
mod tame_rules;
mod tame_stack;
mod text;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod html_tests;
#[cfg(test)]
mod pathological_tests;

pub use filename::{is_active_type, safe_filename};
pub use html::sanitize_html;
pub use text::render_text;

/// Options the site config controls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyOptions {
    /// Keep `http:`/`https:` image sources in HTML mail. Off by default:
    /// remote images leak the reader's visit to the sender (tracking pixels).
    pub allow_remote_images: bool,
}
