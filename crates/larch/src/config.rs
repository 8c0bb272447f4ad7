//! The archive's config file (`larch.toml`): list name, title, period, policies.
//!
//! Reads and writes the TOML only; knows nothing of the store or the site.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// File name of the config inside an archive directory.
pub const CONFIG_FILE: &str = "larch.toml";

/// How messages are grouped into periods (Pipermail's archive volumes).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    #[default]
    Month,
    Quarter,
    Year,
}

impl Period {
    /// Parse a period name as given on the command line.
    pub fn parse(s: &str) -> Option<Period> {
        Some(match s {
            "day" => Period::Day,
            "week" => Period::Week,
            "month" => Period::Month,
            "quarter" => Period::Quarter,
            "year" => Period::Year,
            _ => return None,
        })
    }
}

/// The archive's configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Short list name, e.g. `salon`.
    pub name: String,
    /// Human title shown on pages.
    #[serde(default)]
    pub title: String,
    /// Posting address of the list, for "reply" links (optional).
    #[serde(default)]
    pub address: Option<String>,
    /// How messages are grouped.
    #[serde(default)]
    pub period: Period,
    /// Time zone for filing and display (IANA name or "UTC").
    #[serde(default = "default_tz")]
    pub timezone: String,
    /// Archive messages marked `X-No-Archive: yes` / `Archive: no` anyway.
    #[serde(default)]
    pub archive_no_archive: bool,
    /// Where `larch build` writes the site, relative to the archive.
    #[serde(default = "default_site")]
    pub site_dir: PathBuf,
    /// Show sender addresses as "user at example.org" (default) or in full.
    #[serde(default = "default_true")]
    pub obfuscate_addresses: bool,
    /// Load remote images in HTML mail (default: blocked).
    #[serde(default)]
    pub allow_remote_images: bool,
}

fn default_tz() -> String {
    "UTC".to_owned()
}
fn default_site() -> PathBuf {
    PathBuf::from("site")
}
fn default_true() -> bool {
    true
}

impl Config {
    /// A fresh config for a new list.
    pub fn new(name: &str, title: Option<&str>, period: Period) -> Config {
        Config {
            name: name.to_owned(),
            title: title.unwrap_or(name).to_owned(),
            address: None,
            period,
            timezone: default_tz(),
            archive_no_archive: false,
            site_dir: default_site(),
            obfuscate_addresses: true,
            allow_remote_images: false,
        }
    }

    /// Read `DIR/larch.toml`.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NotArchive {
                    path: dir.to_owned(),
                    reason: format!("no {CONFIG_FILE}; create one with `larch init`"),
                }
            } else {
                Error::io(&path, e)
            }
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        config.validate(&path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        if self.timezone != "UTC" && jiff::tz::TimeZone::get(&self.timezone).is_err() {
            return Err(Error::Config {
                path: path.to_owned(),
                reason: format!("unknown time zone {:?}", self.timezone),
            });
        }
        Ok(())
    }

    /// The configured time zone.
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Write `DIR/larch.toml`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(CONFIG_FILE);
        let text = toml::to_string_pretty(self).map_err(|e| Error::Config {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }
}
