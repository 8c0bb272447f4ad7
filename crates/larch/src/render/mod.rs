//! Render: data -> bytes through an [`Output`]. Pages come from minijinja
//! templates embedded in the binary and overridable from the archive's
//! `templates/` directory; `urls.rs` makes every URL; `body/` turns message
//! bodies into safe HTML. Never reads the store, never parses mail.

pub mod body;
mod dates;
pub mod feed;
mod index;
mod message;
pub mod model;
pub mod output;
mod spares;
pub mod strings;
pub mod urls;

use std::path::Path;

use minijinja::Environment;

pub use dates::period_label;
pub use index::{ListEntry, render_list, render_period};
pub use message::{render_message, render_tombstone};
pub use model::{MsgInfo, PeriodInfo, SiteModel};
pub use output::{DirOutput, Output};

use crate::{Error, Result};

/// Templates built into the binary: (name, source).
pub const TEMPLATES: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    ("list.html", include_str!("templates/list.html")),
    ("period.html", include_str!("templates/period.html")),
    ("message.html", include_str!("templates/message.html")),
    ("removed.html", include_str!("templates/removed.html")),
];

/// The built-in style sheet.
pub const CSS: &str = include_str!("templates/larch.css");

/// The template engine, ready to render pages.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    css: String,
}

impl Renderer {
    /// Load the built-in templates, replaced by same-named files found in
    /// `overrides` (the archive's `templates/` directory) when given.
    pub fn new(overrides: Option<&Path>) -> Result<Renderer> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        let mut css = CSS.to_owned();
        for (name, builtin) in TEMPLATES {
            let source = match overrides.map(|d| d.join(name)) {
                Some(p) if p.is_file() => {
                    std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?
                }
                _ => builtin.to_owned(),
            };
            env.add_template_owned(name.to_owned(), source)
                .map_err(|e| template_error(name, e))?;
        }
        if let Some(p) = overrides.map(|d| d.join(urls::STYLE))
            && p.is_file()
        {
            css = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        }
        Ok(Renderer { env, css })
    }

    /// Render template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: &minijinja::Value) -> Result<String> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| template_error(name, e))
    }

    /// The style sheet's bytes.
    pub fn css(&self) -> &str {
        &self.css
    }

    /// A fingerprint of the templates and CSS (for incremental planning).
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |s: &str| {
            for b in s.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (name, _) in TEMPLATES {
            if let Ok(t) = self.env.get_template(name) {
                feed(t.source());
            }
        }
        feed(&self.css);
        format!("{h:016x}")
    }
}

fn template_error(name: &str, e: minijinja::Error) -> Error {
    Error::Config {
        path: name.into(),
        reason: format!("template error: {e:#}"),
    }
}

/// The Content-Security-Policy of every page: no script at all, nothing
/// remote (unless remote images are allowed), no plugins, no base changes.
pub fn csp(allow_remote_images: bool) -> String {
    let img = if allow_remote_images {
        "'self' https: http:"
    } else {
        "'self'"
    };
    format!(
        "default-src 'none'; script-src 'none'; object-src 'none'; style-src 'self'; img-src {img}; media-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'"
    )
}

/// The context every page gets.
pub(crate) fn base_ctx(site: &SiteModel, root: &str) -> Vec<(&'static str, minijinja::Value)> {
    use minijinja::Value;
    let title = if site.config.title.is_empty() {
        site.config.name.clone()
    } else {
        site.config.title.clone()
    };
    vec![
        ("csp", Value::from(csp(site.config.allow_remote_images))),
        ("version", Value::from(env!("CARGO_PKG_VERSION"))),
        ("root", Value::from(root)),
        ("style", Value::from(urls::STYLE)),
        ("list_title", Value::from(title)),
        ("t", ser(strings::EN)),
    ]
}

/// Any serializable value as a template value.
pub(crate) fn ser<T: serde::Serialize>(v: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}
