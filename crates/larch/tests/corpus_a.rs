//! Parser corpora (../shared/corpora/A): every `.eml` imports without panic,
//! and for A/stalwart-mail-parser the extracted Subject, From, Date and
//! Message-ID match the expected JSON beside each message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::collapsible_if
)]

mod common;

use std::path::{Path, PathBuf};

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;
use larch::parse;

fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_with_ext(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn every_eml_in_a_is_archived() {
    let Some(root) = common::corpora() else {
        return;
    };
    let mut files = Vec::new();
    files_with_ext(&root.join("A"), "eml", &mut files);
    files.sort();
    assert!(files.len() >= 190, "found {} .eml files", files.len());
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "a", None, Period::Month).unwrap();
    let report = build::import(
        &mut archive,
        &files,
        &ImportOptions { now: 1_700_000_000 },
        &mut (),
    );
    let errors: Vec<String> = report.errors.iter().map(|e| e.error.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report.read, files.len() as u64);
    assert_eq!(
        report.archived + report.duplicates + report.no_archive,
        files.len() as u64
    );
}

fn last_header<'a>(json: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    json["parts"][0]["headers"]
        .as_array()?
        .iter()
        .rev()
        .find(|h| h["name"] == name)
        .map(|h| &h["value"])
}

fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn expected_timestamp(dt: &serde_json::Value) -> Option<i64> {
    let g = |k: &str| dt[k].as_i64();
    let date = jiff::civil::date(g("year")? as i16, g("month")? as i8, g("day")? as i8);
    let time = jiff::civil::time(g("hour")? as i8, g("minute")? as i8, g("second")? as i8, 0);
    let local = date
        .to_datetime(time)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()?;
    let mut offset = g("tz_hour")? * 3600 + g("tz_minute")? * 60;
    if dt["tz_before_gmt"].as_bool()? {
        offset = -offset;
    }
    Some(local.timestamp().as_second() - offset)
}

#[test]
fn stalwart_expected_fields() {
    let Some(root) = common::corpora() else {
        return;
    };
    let mut files = Vec::new();
    files_with_ext(
        &root.join("A/stalwart-mail-parser/resources/eml"),
        "eml",
        &mut files,
    );
    files.sort();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for eml in &files {
        let json_path = eml.with_extension("json");
        let Ok(text) = std::fs::read_to_string(&json_path) else {
            continue;
        };
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let raw = std::fs::read(eml).unwrap();
        let ex = parse::extract(&raw, false);
        let name = eml.strip_prefix(&root).unwrap().display().to_string();
        checked += 1;
        if let Some(s) = last_header(&json, "subject").and_then(|v| v["Text"].as_str()) {
            if collapse(s) != ex.subject {
                mismatches.push(format!(
                    "{name}: subject {:?} != {:?}",
                    ex.subject,
                    collapse(s)
                ));
            }
        }
        if let Some(list) = last_header(&json, "from").and_then(|v| v["Address"]["List"].as_array())
        {
            if let Some(first) = list.first() {
                let addr = first["address"].as_str().unwrap_or("");
                let fname = first["name"].as_str().unwrap_or("");
                if collapse(addr) != ex.from_addr || collapse(fname) != ex.from_name {
                    mismatches.push(format!(
                        "{name}: from ({:?}, {:?}) != ({:?}, {:?})",
                        ex.from_name, ex.from_addr, fname, addr
                    ));
                }
            }
        }
        if let Some(mid) = last_header(&json, "message_id").and_then(|v| v["Text"].as_str()) {
            if !mid.trim().is_empty() && ex.message_id.as_str() != mid.trim() {
                mismatches.push(format!(
                    "{name}: message-id {:?} != {mid:?}",
                    ex.message_id.as_str()
                ));
            }
        }
        if let Some(dt) = last_header(&json, "date").map(|v| &v["DateTime"]) {
            if let Some(want) = expected_timestamp(dt) {
                if ex.date.map(|d| d.utc) != Some(want) {
                    mismatches.push(format!(
                        "{name}: date {:?} != {want} ({:?})",
                        ex.date, ex.date_raw
                    ));
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} messages with expected JSON");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
