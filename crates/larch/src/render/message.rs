//! One message page (and its attachment files).

use std::collections::HashMap;
use std::fmt::Write as _;

use minijinja::Value;
use serde::Serialize;

use super::body::{self, BodyOptions};
use super::index::{Step, ThreadFiles, author_of, human_size, nest, subject_of};
use super::model::SiteModel;
use super::{Output, Renderer, base_ctx, dates, ser, urls};
use crate::Result;
use crate::parse::mime::{MessageView, PartView};

/// Entries of the thread tree shown around a message, at most.
const TREE_WINDOW: usize = 60;

#[derive(Serialize)]
struct Link {
    href: Option<String>,
    label: String,
}

#[derive(Serialize)]
struct Att {
    href: String,
    name: String,
    content_type: String,
    size: String,
    download: bool,
}

/// Render message `idx` of `site`, whose MIME view is `view`.
pub fn render_message(
    r: &Renderer,
    site: &SiteModel,
    idx: u32,
    view: &MessageView,
    out: &dyn Output,
) -> Result<()> {
    let m = &site.msgs[idx as usize];
    let s = &m.summary;
    let period = site.period_of(m);
    let here = period.name.as_str();
    let tz = site.config.tz();
    let link_to = |num: u64| -> Option<Link> {
        let target = site.msg(num)?;
        Some(Link {
            href: Some(urls::message_link(here, &site.period_of(target).name, num)),
            label: format!(
                "{} — {}",
                subject_of(site, site.by_num[&num]),
                author_of(site, site.by_num[&num])
            ),
        })
    };
    let mid_link = |mid: &str| -> Link {
        match site
            .by_mid
            .get(mid)
            .map(|&i| site.msgs[i as usize].num)
            .and_then(link_to)
        {
            Some(l) => l,
            None => Link {
                href: None,
                label: mid.to_owned(),
            },
        }
    };

    // Attachments first: their URLs feed cid: links in HTML parts.
    let mut atts = Vec::new();
    let mut cid_map: HashMap<String, String> = HashMap::new();
    let mut att_href: HashMap<usize, String> = HashMap::new();
    for a in view.attachments() {
        let safe = body::safe_filename(a.filename.as_deref(), a.index, &a.content_type);
        let active = body::is_active_type(&a.content_type, &safe);
        let file = urls::attachment_file(a.index, &safe, active);
        let rel = format!("{}/{file}", urls::attachment_dir(m.num));
        out.write(&format!("{here}/{rel}"), &a.data)?;
        if let Some(cid) = &a.content_id {
            cid_map.insert(cid.clone(), rel.clone());
        }
        att_href.insert(a.index, rel.clone());
        atts.push(Att {
            href: rel,
            name: a
                .filename
                .as_deref()
                .map(display_name)
                .unwrap_or_else(|| safe.clone()),
            content_type: a.content_type.clone(),
            size: human_size(a.data.len() as u64),
            download: active,
        });
    }
    let opts = BodyOptions {
        allow_remote_images: site.config.allow_remote_images,
    };
    let cid = |c: &str| cid_map.get(c).cloned();
    let mut html = String::new();
    let mut open_nested = 0u16;
    for part in &view.parts {
        let depth = match part {
            PartView::Text { depth, .. } | PartView::Html { depth, .. } => *depth,
            PartView::Nested { depth, .. } => depth.saturating_sub(1),
            PartView::Attachment(a) => a.depth,
        };
        while open_nested > depth {
            html.push_str("</div>\n");
            open_nested -= 1;
        }
        match part {
            PartView::Text {
                text,
                flowed,
                delsp,
                ..
            } => {
                html.push_str(&body::render_text(text, *flowed, *delsp));
            }
            PartView::Html { html: h, .. } => {
                html.push_str("<div class=\"html\">");
                html.push_str(&body::sanitize_html(h, &opts, &cid));
                html.push_str("</div>\n");
            }
            PartView::Nested {
                from,
                to,
                date,
                subject,
                ..
            } => {
                html.push_str("<div class=\"nested\"><div class=\"nested-headers\">");
                let esc = |s: &str| {
                    let clean: String = s
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    html_escape::encode_text(&clean).into_owned()
                };
                let _ = write!(
                    html,
                    "<b>{}</b><br>{}: {}<br>{}: {}<br>{}: {}<br>{}: {}",
                    esc(super::strings::EN.forwarded_message),
                    super::strings::EN.from_label,
                    esc(from),
                    super::strings::EN.to,
                    esc(to),
                    super::strings::EN.date_label,
                    esc(date),
                    super::strings::EN.subject_label,
                    esc(subject)
                );
                html.push_str("</div>\n");
                open_nested += 1;
            }
            PartView::Attachment(a) => {
                if a.inline_image
                    && let Some(href) = att_href.get(&a.index)
                {
                    let alt = a.filename.as_deref().unwrap_or("image");
                    let _ = writeln!(
                        html,
                        "<figure class=\"inline-image\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\"></figure>",
                        html_escape::encode_double_quoted_attribute(href),
                        html_escape::encode_double_quoted_attribute(alt)
                    );
                }
            }
        }
    }
    while open_nested > 0 {
        html.push_str("</div>\n");
        open_nested -= 1;
    }

    // Navigation.
    let dp = site.date_pos[idx as usize] as usize;
    let prev_date = dp
        .checked_sub(1)
        .and_then(|p| site.by_date.get(p))
        .and_then(|&i| link_to(site.msgs[i as usize].num));
    let next_date = site
        .by_date
        .get(dp + 1)
        .and_then(|&i| link_to(site.msgs[i as usize].num));
    let (tree, tree_close, tree_more, prev_thread, next_thread, followups) =
        thread_context(site, idx, here);
    let in_reply_to = s
        .in_reply_to
        .as_ref()
        .or(s.references.last())
        .map(|id| mid_link(id.as_str()));
    let references: Vec<Link> = s
        .references
        .iter()
        .map(|id| mid_link(id.as_str()))
        .collect();
    let related: Vec<Link> = site
        .related
        .get(&m.num)
        .map(|v| v.iter().filter_map(|&n| link_to(n)).collect())
        .unwrap_or_default();
    // The list's address: from the config, else from the List-Id
    // (`<name.example.org>` -> `name@example.org`, the common convention).
    let list_address = site.config.address.clone().unwrap_or_else(|| {
        s.list_id
            .as_deref()
            .and_then(|id| id.split_once('.'))
            .map(|(local, domain)| format!("{local}@{domain}"))
            .unwrap_or_default()
    });
    let from_addr = if site.config.obfuscate_addresses {
        s.from_addr.replacen('@', " at ", 1)
    } else {
        s.from_addr.clone()
    };
    let date_original = match s.date {
        Some(d) if s.date_offset != 0 || d != s.filed_at => dates::original(d, s.date_offset),
        _ => String::new(),
    };

    let mut ctx = base_ctx(site, "../");
    ctx.extend([
        ("num", Value::from(m.num)),
        ("subject", Value::from(subject_of(site, idx))),
        ("period_label", Value::from(period.label.clone())),
        (
            "from_name",
            Value::from(if s.from_name.is_empty() {
                from_addr.clone()
            } else {
                s.from_name.clone()
            }),
        ),
        (
            "from_addr",
            Value::from(if s.from_name.is_empty() {
                String::new()
            } else {
                from_addr
            }),
        ),
        (
            "date_local",
            Value::from(dates::display(s.filed_at, &site.config.tz())),
        ),
        ("date_iso", Value::from(dates::iso(s.filed_at))),
        ("date_original", Value::from(date_original)),
        ("message_id", Value::from(s.message_id.as_str())),
        ("in_reply_to", ser(&in_reply_to)),
        ("references", ser(&references)),
        ("followups", ser(&followups)),
        ("related", ser(&related)),
        ("prev_date", ser(&prev_date)),
        ("next_date", ser(&next_date)),
        ("prev_thread", ser(&prev_thread)),
        ("next_thread", ser(&next_thread)),
        ("tree", ser(&tree)),
        ("tree_close", Value::from(tree_close)),
        ("tree_more", Value::from(tree_more)),
        ("thread_files", ser(ThreadFiles::of(site, m.num))),
        ("notices", ser(&view.notices)),
        ("body", Value::from(html)),
        ("attachments", ser(&atts)),
        (
            "reply",
            Value::from(urls::reply_mailto(
                &list_address,
                &s.subject,
                s.message_id.as_str(),
            )),
        ),
    ]);
    let _ = tz;
    let page = r.render("message.html", &Value::from_pairs(ctx))?;
    out.write(&urls::message_path(here, m.num), page.as_bytes())
}

/// The page of a removed message: its URL keeps working and says why.
pub fn render_tombstone(r: &Renderer, site: &SiteModel, idx: u32, out: &dyn Output) -> Result<()> {
    let m = &site.msgs[idx as usize];
    let period = site.period_of(m);
    let (reason, at) = m.removed.clone().unwrap_or_default();
    let mut ctx = base_ctx(site, "../");
    ctx.extend([
        ("period_label", Value::from(period.label.clone())),
        ("reason", Value::from(reason)),
        (
            "removed_date",
            Value::from(dates::display(at, &site.config.tz())),
        ),
        ("removed_iso", Value::from(dates::iso(at))),
    ]);
    let page = r.render("removed.html", &Value::from_pairs(ctx))?;
    out.remove_dir(&format!("{}/{}", period.name, urls::attachment_dir(m.num)))?;
    out.write(&urls::message_path(&period.name, m.num), page.as_bytes())
}

/// A file name as shown (escaped later): without control characters and
/// bidirectional overrides, which could make `gpj.exe` look like `exe.jpg`.
fn display_name(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(*c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .take(200)
        .collect()
}

type ThreadCtx = (
    Vec<Step>,
    usize,
    usize,
    Option<Link>,
    Option<Link>,
    Vec<Link>,
);

/// The thread tree window around message `idx`, prev/next in thread, follow-ups.
fn thread_context(site: &SiteModel, idx: u32, here: &str) -> ThreadCtx {
    let num = site.msgs[idx as usize].num;
    let Some(loc) = site.forest.locate(num) else {
        return (Vec::new(), 0, 0, None, None, Vec::new());
    };
    let Some(thread) = site.forest.thread(loc.thread) else {
        return (Vec::new(), 0, 0, None, None, Vec::new());
    };
    let entries = thread.entries();
    let link = |n: u64| -> Option<Link> {
        let target = site.msg(n)?;
        Some(Link {
            href: Some(urls::message_link(here, &site.period_of(target).name, n)),
            label: format!(
                "{} — {}",
                subject_of(site, site.by_num[&n]),
                author_of(site, site.by_num[&n])
            ),
        })
    };
    let prev_thread = entries[..loc.position]
        .iter()
        .rev()
        .find_map(|e| e.num())
        .and_then(link);
    let next_thread = entries[loc.position + 1..]
        .iter()
        .find_map(|e| e.num())
        .and_then(link);
    let followups: Vec<Link> = site
        .forest
        .children(num)
        .filter_map(|(_, e)| e.num())
        .filter_map(link)
        .collect();
    // Window: from up to 20 entries before to 40 after, starting at depth >= the window's first.
    let start = loc.position.saturating_sub(TREE_WINDOW / 3);
    let end = (start + TREE_WINDOW).min(entries.len());
    let base = entries[start..end]
        .iter()
        .map(|e| e.depth())
        .min()
        .unwrap_or(0);
    let mut steps = Vec::new();
    let mut depths = Vec::new();
    let mut last_depth = 0usize;
    for (pos, e) in entries.iter().enumerate().take(end).skip(start) {
        // Keep the nesting well-formed: never jump more than one level down.
        let d = (e.depth() - base).min(if steps.is_empty() { 0 } else { last_depth + 1 });
        last_depth = d;
        depths.push(d);
        let (subject, author, href) =
            match e.num().and_then(|n| site.by_num.get(&n).map(|&i| (n, i))) {
                Some((n, i)) => (
                    subject_of(site, i),
                    author_of(site, i),
                    urls::message_link(here, &site.period_of(&site.msgs[i as usize]).name, n),
                ),
                None => (String::new(), String::new(), String::new()),
            };
        steps.push(Step {
            open: false,
            close: 0,
            ghost: e.is_ghost(),
            current: pos == loc.position,
            num: e.num().unwrap_or(0),
            href,
            subject,
            author,
            related: None,
            files: None,
        });
    }
    let close = nest(&mut steps, &depths);
    let more = entries.len() - (end - start);
    (steps, close, more, prev_thread, next_thread, followups)
}
