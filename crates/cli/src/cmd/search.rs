//! `larch search [--archive DIR] QUERY... [--json] [--limit N] [--offset N] [--sort relevance|date]`
//!
//! Exit status like grep: 0 with hits, 1 without, 2 for a malformed query.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use larch::build::Archive;
use larch::build::search_docs::open_index;
use larch::model::period_name;
use larch::render::urls;
use larch::search::{Sort, parse_query, plain_text};
use serde_json::json;

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// The query (words are joined with spaces): s: f: t: c: b: q: nq: n:
    /// m: l: d:YYYYMMDD..YYYYMMDD, "phrases", AND OR NOT -word, ( ).
    /// Quote it, or put it after `--` when a word starts with "-".
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Hits to print.
    #[arg(long, short = 'n', default_value_t = 20)]
    limit: usize,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Order: relevance or date (newest first).
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum SortArg {
    Relevance,
    Date,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let text = a.query.join(" ");
    let query = match parse_query(&text) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("larch: bad query: {e}");
            let col = e.at.min(text.chars().count());
            if text.chars().count() <= 200 {
                eprintln!("  {text}\n  {}^", " ".repeat(col));
            }
            return Ok(ExitCode::from(2));
        }
    };
    let archive = Archive::open(&a.archive.archive)?;
    let index = open_index(&archive)?;
    let store = archive.store();
    let count = store.count()?;
    let indexed_to = index.max_num()?.map_or(0, |m| m + 1);
    if indexed_to < count {
        eprintln!(
            "note: the search index lacks the {} newest message(s); `larch reindex` brings it up to date",
            count - indexed_to
        );
    }
    let sort = match a.sort {
        SortArg::Relevance => Sort::Relevance,
        SortArg::Date => Sort::Date,
    };
    let hits = index.search(&query, sort, a.offset, a.limit)?;
    let tz = archive.config.tz();
    let mut rows = Vec::with_capacity(hits.hits.len());
    for h in &hits.hits {
        let summary = store
            .summary(h.num)?
            .with_context(|| format!("message {} is in the index but not the store", h.num))?;
        let period = period_name(summary.filed_at, &tz, archive.config.period);
        let date = jiff::Timestamp::from_second(h.date)
            .map(|t| {
                t.to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        rows.push(json!({
            "num": h.num,
            "score": h.score,
            "date": h.date,
            "date_text": date,
            "from_name": summary.from_name,
            "from_addr": summary.from_addr,
            "message_id": summary.message_id.as_str(),
            "subject": summary.subject,
            "subject_html": h.subject_html,
            "snippet": plain_text(&h.snippet_html),
            "snippet_html": h.snippet_html,
            "url": urls::message_path(&period, h.num),
        }));
    }
    let mut buf = String::new();
    if a.json {
        let out = json!({
            "query": text,
            "parsed": query.to_string(),
            "total": hits.total,
            "offset": a.offset,
            "sort": format!("{:?}", a.sort).to_lowercase(),
            "hits": rows,
        });
        writeln!(buf, "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        let shown = if rows.is_empty() {
            String::new()
        } else {
            format!(", showing {}-{}", a.offset + 1, a.offset + rows.len())
        };
        writeln!(buf, "{} match(es){shown}", hits.total)?;
        for r in &rows {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            let from = match (s("from_name").as_str(), s("from_addr").as_str()) {
                ("", a) => a.to_owned(),
                (n, "") => n.to_owned(),
                (n, a) => format!("{n} <{a}>"),
            };
            writeln!(buf)?;
            writeln!(
                buf,
                "{:>6}  {}  {}",
                r["num"],
                s("date_text"),
                one_line(&from)
            )?;
            writeln!(buf, "        {}", one_line(&s("subject")))?;
            writeln!(buf, "        {}", s("url"))?;
            let snippet = one_line(&s("snippet"));
            if !snippet.is_empty() {
                writeln!(buf, "        {snippet}")?;
            }
        }
    }
    // A closed pipe (`| head`) is not an error.
    match std::io::stdout().lock().write_all(buf.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(if hits.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Text for a terminal: control characters out, white space collapsed.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
