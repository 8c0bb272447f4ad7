//! Feeds: Atom feeds of the newest messages and of a thread (entries made
//! from summaries and a plain-text preview of the body; the XML is
//! [`crate::render::feed`]'s). The thread feed is made by one function
//! from data its caller gives ([`thread_feed_of`]), so `larch serve`
//! (reading the store) and the static build (reusing what it loaded)
//! write the same bytes.

use std::borrow::Cow;

use jiff::tz::TimeZone;

use super::{Archive, latest, sender_of, thread_of};
use crate::Result;
use crate::config::Config;
use crate::model::{Summary, period_name};
use crate::parse::mime::{MessageView, PartView, message_view};
use crate::render::feed::{self, Feed, FeedEntry};
use crate::render::urls;
use crate::store::Store;

/// The first text of a message's body, for previews (plain text).
pub fn body_text(raw: &[u8]) -> String {
    first_text(&message_view(raw))
        .map(Cow::into_owned)
        .unwrap_or_default()
}

/// The first text of a parsed message's body (plain text, or HTML as text).
fn first_text(view: &MessageView) -> Option<Cow<'_, str>> {
    view.parts.iter().find_map(|p| match p {
        PartView::Text { depth: 0, text, .. } => Some(Cow::Borrowed(text.as_str())),
        PartView::Html { depth: 0, html } => Some(Cow::Owned(feed::html_text(html))),
        _ => None,
    })
}

/// What a feed entry shows of a parsed message: [`feed::summary_text`] of
/// its first text (at most [`feed::SUMMARY_CHARS`] characters).
pub fn preview(view: &MessageView) -> String {
    feed::summary_text(first_text(view).as_deref().unwrap_or(""))
}

/// The preview of stored message `num` (empty when its bytes are gone).
fn stored_preview(archive: &Archive, num: u64) -> Result<String> {
    Ok(archive
        .store
        .raw(num)?
        .map(|r| preview(&message_view(&r)))
        .unwrap_or_default())
}

/// The feed entry of live message `num`; its link is relative to the
/// feed's directory through `root` (`""` at the site root, `"../"` in `t/`).
fn entry(
    config: &Config,
    tz: &TimeZone,
    num: u64,
    sum: &Summary,
    preview: String,
    root: &str,
) -> FeedEntry {
    let (name, shown, email) = sender_of(config, sum);
    let period = period_name(sum.filed_at, tz, config.period);
    FeedEntry {
        id: feed::entry_id(&config.name, num),
        title: sum.subject.clone(),
        author_name: if name.is_empty() { shown } else { name },
        author_email: email,
        href: format!("{root}{}", urls::message_path(&period, num)),
        updated: sum.filed_at,
        summary: preview,
    }
}

/// Feed entries for `nums` (removed ones skipped), read from the store.
/// The store is read on this thread; messages are parsed in parallel.
fn entries(archive: &Archive, nums: &[u64], root: &str) -> Result<Vec<FeedEntry>> {
    use rayon::prelude::*;
    let mut read = Vec::with_capacity(nums.len());
    for &num in nums {
        let Some(s) = archive.store.stored(num)?.filter(|s| !s.removed) else {
            continue;
        };
        read.push((num, s.summary, archive.store.raw(num)?));
    }
    let tz = archive.config.tz();
    let config = &archive.config;
    Ok(read
        .into_par_iter()
        .map(|(num, summary, raw)| {
            let text = raw.map(|r| preview(&message_view(&r))).unwrap_or_default();
            entry(config, &tz, num, &summary, text, root)
        })
        .collect())
}

fn list_title(config: &Config) -> String {
    if config.title.is_empty() {
        config.name.clone()
    } else {
        config.title.clone()
    }
}

/// `new.atom` (at the site root): the `n` newest messages.
pub fn new_feed(archive: &Archive, n: usize) -> Result<Feed> {
    let title = list_title(&archive.config);
    Ok(Feed {
        id: feed::feed_id(&archive.config.name, "new"),
        title: format!("{title}: new messages"),
        author: title,
        self_href: "new.atom".into(),
        alternate_href: "index.html".into(),
        entries: entries(archive, &latest(archive, n)?, "")?,
    })
}

/// `t/<stem>.atom`: the thread of message `num`, newest first, with links
/// relative to `t/` (`None` when the message is absent or removed). Its id
/// is named by the thread's first archived message.
pub fn thread_feed(archive: &Archive, num: u64) -> Result<Option<Feed>> {
    let Some(view) = thread_of(archive, num)? else {
        return Ok(None);
    };
    let members: Vec<(u64, &Summary)> = view
        .nums()
        .into_iter()
        .filter_map(|n| view.summaries.get(&n).map(|s| (n, s)))
        .collect();
    thread_feed_of(&archive.config, &members, |n| stored_preview(archive, n))
}

/// The feed of one thread from its live `members` (any order) and the
/// [`preview`] of each: newest first (by filing date, then number), named
/// by its first archived (lowest-numbered) message, links relative to `t/`.
/// `None` for an empty thread. What [`thread_feed`] and the static build
/// both write.
pub fn thread_feed_of(
    config: &Config,
    members: &[(u64, &Summary)],
    mut preview: impl FnMut(u64) -> Result<String>,
) -> Result<Option<Feed>> {
    let Some(&(first, root)) = members.iter().min_by_key(|(n, _)| *n) else {
        return Ok(None);
    };
    let stem = urls::thread_file_stem(root.message_id.as_str());
    let mut sorted = members.to_vec();
    sorted.sort_unstable_by_key(|(n, s)| std::cmp::Reverse((s.filed_at, *n)));
    let tz = config.tz();
    let period = period_name(root.filed_at, &tz, config.period);
    let subject = if root.subject.is_empty() {
        crate::render::strings::EN.no_subject.to_owned()
    } else {
        root.subject.clone()
    };
    let mut entries = Vec::with_capacity(sorted.len());
    for (n, s) in sorted {
        entries.push(entry(config, &tz, n, s, preview(n)?, "../"));
    }
    Ok(Some(Feed {
        id: feed::feed_id(&config.name, &format!("t:{stem}")),
        title: subject,
        author: list_title(config),
        self_href: urls::thread_link(None, &stem, urls::THREAD_ATOM),
        alternate_href: format!("../{}", urls::message_path(&period, first)),
        entries,
    }))
}
