//! The list page and the per-period indexes (thread, date, subject, author).

use minijinja::Value;
use serde::Serialize;

use super::model::SiteModel;
use super::{Output, Renderer, base_ctx, dates, ser, urls};
use crate::Result;

/// A step of a nested `<ul>` tree (see templates/period.html).
#[derive(Serialize, Debug, Clone)]
pub(crate) struct Step {
    pub open: bool,
    pub close: usize,
    pub ghost: bool,
    pub current: bool,
    pub num: u64,
    pub href: String,
    pub subject: String,
    pub author: String,
    pub related: Option<String>,
    /// The thread's `t/` files (Atom feed, mbox), on its first step.
    pub files: Option<ThreadFiles>,
}

/// Links to a thread's `t/` files.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct ThreadFiles {
    pub atom: String,
    pub mbox: String,
}

impl ThreadFiles {
    /// The links to the files of the thread holding message `num`, from a
    /// period's page.
    pub fn of(site: &SiteModel, num: u64) -> Option<ThreadFiles> {
        let stem = site.thread_stem(num)?;
        Some(ThreadFiles {
            atom: urls::thread_link(Some("../"), &stem, urls::THREAD_ATOM),
            mbox: urls::thread_link(Some("../"), &stem, urls::THREAD_MBOX),
        })
    }
}

/// Turn a pre-order depth sequence into open/close steps; returns the
/// number of levels to close after the last step.
pub(crate) fn nest(steps: &mut [Step], depths: &[usize]) -> usize {
    let mut prev = 0usize;
    for (i, s) in steps.iter_mut().enumerate() {
        let d = depths[i];
        if i > 0 && d > prev {
            s.open = true;
            s.close = 0;
        } else if i > 0 {
            s.open = false;
            s.close = prev - d;
        }
        prev = d;
    }
    prev
}

pub(crate) fn author_of(site: &SiteModel, idx: u32) -> String {
    let s = &site.msgs[idx as usize].summary;
    if !s.from_name.is_empty() {
        s.from_name.clone()
    } else if site.config.obfuscate_addresses {
        s.from_addr.replacen('@', " at ", 1)
    } else {
        s.from_addr.clone()
    }
}

pub(crate) fn subject_of(site: &SiteModel, idx: u32) -> String {
    let s = &site.msgs[idx as usize].summary.subject;
    if s.is_empty() {
        super::strings::EN.no_subject.to_owned()
    } else {
        s.clone()
    }
}

/// Render `index.html` at the site root.
pub fn render_list(
    r: &Renderer,
    site: &SiteModel,
    entries: &[ListEntry],
    out: &dyn Output,
) -> Result<()> {
    #[derive(Serialize)]
    struct P {
        label: String,
        dir: String,
        count: u64,
        download: String,
        download_size: String,
    }
    let periods: Vec<P> = entries
        .iter()
        .rev()
        .map(|p| P {
            label: super::period_label(&p.name, site.config.period),
            dir: urls::period_dir(&p.name),
            count: p.count,
            download: urls::download_path(&p.name),
            download_size: human_size(p.size),
        })
        .collect();
    let mut ctx = base_ctx(site, "");
    ctx.push(("periods", ser(&periods)));
    let html = r.render("list.html", &Value::from_pairs(ctx))?;
    out.write("index.html", html.as_bytes())?;
    out.write(urls::STYLE, r.css().as_bytes())
}

/// One period on the list page, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub name: String,
    /// Live messages.
    pub count: u64,
    /// Size of the period download in bytes.
    pub size: u64,
}

/// `12.3 KB`.
pub fn human_size(n: u64) -> String {
    if n < 1024 {
        format!("{n} bytes")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

/// Render the four indexes of period `p` (and `index.html` = thread).
pub fn render_period(r: &Renderer, site: &SiteModel, p: usize, out: &dyn Output) -> Result<()> {
    let period = &site.periods[p];
    let tz = site.config.tz();
    let members = &period.members;
    let (starting, ending) = match (members.first(), members.last()) {
        (Some(&a), Some(&b)) => (
            dates::display(site.msgs[a as usize].summary.filed_at, &tz),
            dates::display(site.msgs[b as usize].summary.filed_at, &tz),
        ),
        _ => (String::new(), String::new()),
    };
    let labels = [
        ("thread", super::strings::EN.by_thread),
        ("date", super::strings::EN.by_date),
        ("subject", super::strings::EN.by_subject),
        ("author", super::strings::EN.by_author),
    ];
    for (kind, kind_label) in labels {
        #[derive(Serialize)]
        struct K {
            file: String,
            label: &'static str,
            current: bool,
        }
        let kinds: Vec<K> = labels
            .iter()
            .map(|(k, l)| K {
                file: format!("{k}.html"),
                label: l,
                current: *k == kind,
            })
            .collect();
        let mut ctx = base_ctx(site, "../");
        ctx.push(("kind", Value::from(kind)));
        ctx.push(("kind_label", Value::from(kind_label)));
        ctx.push(("kinds", ser(&kinds)));
        ctx.push(("period_label", Value::from(period.label.clone())));
        ctx.push(("download", Value::from(urls::download_path(&period.name))));
        ctx.push(("starting", Value::from(starting.clone())));
        ctx.push(("ending", Value::from(ending.clone())));
        ctx.push(("count", Value::from(members.len())));
        if kind == "thread" {
            let (steps, final_close) = thread_steps(site, p);
            ctx.push(("steps", ser(&steps)));
            ctx.push(("final_close", Value::from(final_close)));
        } else {
            ctx.push(("groups", ser(flat_groups(site, p, kind))));
        }
        let html = r.render("period.html", &Value::from_pairs(ctx))?;
        out.write(&urls::index_path(&period.name, kind), html.as_bytes())?;
        if kind == "thread" {
            out.write(&urls::index_path(&period.name, "index"), html.as_bytes())?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Item {
    num: u64,
    href: String,
    subject: String,
    author: String,
    date: String,
}

#[derive(Serialize)]
struct Group {
    heading: Option<String>,
    items: Vec<Item>,
}

fn flat_groups(site: &SiteModel, p: usize, kind: &str) -> Vec<Group> {
    let tz = site.config.tz();
    let period = &site.periods[p];
    let mut idx: Vec<u32> = period.members.clone();
    match kind {
        "subject" => idx.sort_by_cached_key(|&i| {
            (
                crate::thread::base_subject(&site.msgs[i as usize].summary.subject),
                site.msgs[i as usize].summary.filed_at,
                site.msgs[i as usize].num,
            )
        }),
        "author" => idx.sort_by_cached_key(|&i| {
            (
                author_of(site, i).to_lowercase(),
                site.msgs[i as usize].summary.filed_at,
                site.msgs[i as usize].num,
            )
        }),
        _ => {}
    }
    let item = |i: u32| Item {
        num: site.msgs[i as usize].num,
        href: urls::message_file(site.msgs[i as usize].num),
        subject: subject_of(site, i),
        author: author_of(site, i),
        date: dates::short(site.msgs[i as usize].summary.filed_at, &tz),
    };
    if kind == "author" {
        let mut groups: Vec<Group> = Vec::new();
        let mut last = String::new();
        for i in idx {
            let a = author_of(site, i);
            if groups.is_empty() || a.to_lowercase() != last {
                last = a.to_lowercase();
                groups.push(Group {
                    heading: Some(a),
                    items: Vec::new(),
                });
            }
            if let Some(g) = groups.last_mut() {
                g.items.push(item(i));
            }
        }
        groups
    } else {
        vec![Group {
            heading: None,
            items: idx.into_iter().map(item).collect(),
        }]
    }
}

/// The period's thread tree: each global thread restricted to this period's
/// messages, a message hanging under its nearest ancestor in the period.
fn thread_steps(site: &SiteModel, p: usize) -> (Vec<Step>, usize) {
    let period = &site.periods[p];
    let mut thread_ids: Vec<(i64, u64, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &i in &period.members {
        let m = &site.msgs[i as usize];
        if let Some(loc) = site.forest.locate(m.num)
            && seen.insert(loc.thread)
        {
            thread_ids.push((m.summary.filed_at, m.num, loc.thread));
        }
    }
    thread_ids.sort();
    let mut steps = Vec::new();
    let mut depths = Vec::new();
    for (_, _, t) in thread_ids {
        let Some(thread) = site.forest.thread(t) else {
            continue;
        };
        let entries = thread.entries();
        let mut first = true;
        let mut in_anc: Vec<Option<usize>> = vec![None; entries.len()];
        let mut new_depth: Vec<usize> = vec![0; entries.len()];
        for (pos, e) in entries.iter().enumerate() {
            let in_period = e
                .num()
                .and_then(|n| site.msg(n))
                .is_some_and(|m| m.period as usize == p);
            let parent_anc = e.parent().and_then(|pp| in_anc[pp]);
            if in_period {
                in_anc[pos] = Some(pos);
                new_depth[pos] = parent_anc.map_or(0, |a| new_depth[a] + 1);
                let num = e.num().unwrap_or(0);
                let idx = site.by_num.get(&num).copied().unwrap_or(0);
                depths.push(new_depth[pos]);
                steps.push(Step {
                    open: false,
                    close: 0,
                    ghost: false,
                    current: false,
                    num,
                    href: urls::message_file(num),
                    subject: subject_of(site, idx),
                    author: author_of(site, idx),
                    related: site
                        .related
                        .get(&num)
                        .and_then(|r| r.first())
                        .and_then(|&rn| {
                            let rm = site.msg(rn)?;
                            Some(urls::message_link(
                                &period.name,
                                &site.period_of(rm).name,
                                rn,
                            ))
                        }),
                    files: if first {
                        ThreadFiles::of(site, num)
                    } else {
                        None
                    },
                });
                first = false;
            } else {
                in_anc[pos] = parent_anc;
            }
        }
    }
    let close = nest(&mut steps, &depths);
    (steps, close)
}
