//! The MIME view of a message for rendering: which parts to show inline,
//! in order, and which to offer as attachments. Walks the MIME tree without
//! recursion (mail-parser caps depth and part count).
//!
//! multipart/alternative prefers text/plain when it is a real alternative,
//! HTML when the text part is empty or a stub (attachments inside the branch
//! not shown are still offered); inline images referenced by `cid:` from an
//! HTML part are shown there, the others as figures; message/rfc822 parts become a
//! nested header block followed by their own parts; uuencoded blocks in text
//! become attachments. Produces plain data; never renders HTML.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::{MessagePart, PartKind};

use super::summary::message_parser;
use super::uuencode;

/// One thing to show, in display order.
#[derive(Clone, Debug, PartialEq)]
pub enum PartView {
    /// A text part to show inline.
    Text {
        depth: u16,
        text: String,
        flowed: bool,
        delsp: bool,
    },
    /// An HTML part to show inline (still unsanitized).
    Html { depth: u16, html: String },
    /// The headers of a nested message (message/rfc822).
    Nested {
        depth: u16,
        from: String,
        to: String,
        date: String,
        subject: String,
    },
    /// A part saved as a file.
    Attachment(Attachment),
}

/// A part offered as a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub depth: u16,
    /// 1-based index among the message's attachments (stable for a message).
    pub index: usize,
    /// The name the mail gave it (untrusted; sanitize before use).
    pub filename: Option<String>,
    /// `type/subtype`, lowercased.
    pub content_type: String,
    /// Content-ID without angle brackets, for `cid:` links.
    pub content_id: Option<String>,
    /// Decoded bytes.
    pub data: Vec<u8>,
    /// An image meant to be shown inline.
    pub inline_image: bool,
}

/// A whole message as shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageView {
    pub parts: Vec<PartView>,
    /// Text of the body for search and previews (plain text, inline parts).
    pub notices: Vec<String>,
}

impl MessageView {
    /// The attachments, in order.
    pub fn attachments(&self) -> impl Iterator<Item = &Attachment> {
        self.parts.iter().filter_map(|p| match p {
            PartView::Attachment(a) => Some(a),
            _ => None,
        })
    }
}

fn ctype_of(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".to_owned(),
    }
}

fn is_stub_text(text: &str) -> bool {
    text.split_whitespace().take(8).count() < 4
}

/// Build the view of `raw`. Never panics; an unparseable message is shown
/// as its raw text.
pub fn message_view(raw: &[u8]) -> MessageView {
    let result = catch_unwind(AssertUnwindSafe(|| build(raw)));
    match result {
        Ok(Some(v)) => v,
        _ => MessageView {
            parts: vec![PartView::Text {
                depth: 0,
                text: String::from_utf8_lossy(raw).into_owned(),
                flowed: false,
                delsp: false,
            }],
            notices: vec!["This message could not be parsed; it is shown as received.".into()],
        },
    }
}

fn build(raw: &[u8]) -> Option<MessageView> {
    let parser = message_parser();
    let message = parser.parse(raw)?;
    let mut view = MessageView::default();
    let mut att_index = 0usize;
    // Stack of (part, depth, only_attachments). Branches of an alternative
    // that are not shown are still walked for their attachments (an Apple
    // Mail message keeps its PDF inside the HTML branch).
    let mut stack: Vec<(MessagePart<'_>, u16, bool)> = vec![(message.root().root_part(), 0, false)];
    while let Some((part, depth, only_attachments)) = stack.pop() {
        let ctype = ctype_of(&part);
        if only_attachments {
            match part.kind() {
                PartKind::Multipart => {
                    for child in part.children().rev() {
                        stack.push((child, depth, true));
                    }
                }
                PartKind::Text | PartKind::Html if part.attachment_name().is_none() => {}
                _ => {
                    att_index += 1;
                    view.parts.push(PartView::Attachment(attachment(
                        &part, ctype, depth, att_index,
                    )));
                }
            }
            continue;
        }
        match part.kind() {
            PartKind::Multipart => {
                let children: Vec<MessagePart<'_>> = part.children().collect();
                if ctype == "multipart/alternative" {
                    let chosen = choose_alternative(&children);
                    for child in children.iter().rev() {
                        let shown = chosen.is_some_and(|c| c.id() == child.id());
                        stack.push((*child, depth, !shown));
                    }
                } else {
                    for child in children.into_iter().rev() {
                        stack.push((child, depth, false));
                    }
                }
            }
            PartKind::Message(nested) => {
                let h = nested.headers();
                let addr = |l: Option<mail_parser::AddressList<'_>>| {
                    l.map(|l| {
                        l.mailboxes()
                            .map(|m| match (m.name(), m.address()) {
                                (Some(n), Some(a)) => format!("{n} <{a}>"),
                                (None, Some(a)) => a.to_owned(),
                                (Some(n), None) => n.to_owned(),
                                (None, None) => String::new(),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
                };
                view.parts.push(PartView::Nested {
                    depth: depth + 1,
                    from: addr(h.from()),
                    to: addr(h.to()),
                    date: h
                        .get(mail_parser::HeaderName::Date)
                        .map(|d| String::from_utf8_lossy(d.raw_value()).trim().to_owned())
                        .unwrap_or_default(),
                    subject: h.subject().unwrap_or("").to_owned(),
                });
                stack.push((nested.root_part(), depth + 1, false));
            }
            PartKind::Html if !part.is_attachment() || part.attachment_name().is_none() => {
                let html = part.html_utf8().map(Cow::into_owned).unwrap_or_default();
                view.parts.push(PartView::Html { depth, html });
            }
            PartKind::Text
                if part.attachment_name().is_none()
                    || ctype == "text/plain" && !is_attachment_disposition(&part) =>
            {
                let text = part.text().map(Cow::into_owned).unwrap_or_default();
                let ct = part.content_type();
                let flowed = ct
                    .as_ref()
                    .and_then(|c| c.attribute("format"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                let delsp = ct
                    .as_ref()
                    .and_then(|c| c.attribute("delsp"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("yes"));
                let (text, uu) = uuencode::extract(&text);
                view.parts.push(PartView::Text {
                    depth,
                    text,
                    flowed,
                    delsp,
                });
                for (name, data) in uu {
                    att_index += 1;
                    view.parts.push(PartView::Attachment(Attachment {
                        depth,
                        index: att_index,
                        filename: Some(name),
                        content_type: "application/octet-stream".into(),
                        content_id: None,
                        data,
                        inline_image: false,
                    }));
                }
            }
            _ => {
                att_index += 1;
                view.parts.push(PartView::Attachment(attachment(
                    &part, ctype, depth, att_index,
                )));
            }
        }
    }
    Some(view)
}

fn attachment(part: &MessagePart<'_>, ctype: String, depth: u16, index: usize) -> Attachment {
    let inline_image = matches!(
        ctype.as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    );
    Attachment {
        depth,
        index,
        filename: part.attachment_name().map(str::to_owned),
        content_type: ctype,
        content_id: part.content_id().map(|c| {
            c.trim()
                .trim_matches(|ch| ch == '<' || ch == '>')
                .to_owned()
        }),
        data: part.decoded().into_owned(),
        inline_image,
    }
}

fn is_attachment_disposition(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
}

/// Pick what to show of a multipart/alternative: the text/plain part when it
/// is a real alternative, else the richest part we can show (HTML, or a
/// nested multipart such as multipart/related).
fn choose_alternative<'m>(children: &[MessagePart<'m>]) -> Option<MessagePart<'m>> {
    let plain = children
        .iter()
        .find(|c| matches!(c.kind(), PartKind::Text) && ctype_of(c) == "text/plain");
    if let Some(p) = plain
        && !is_stub_text(&p.text().unwrap_or_default())
    {
        return Some(*p);
    }
    children
        .iter()
        .rev()
        .find(|c| matches!(c.kind(), PartKind::Html | PartKind::Multipart))
        .or(plain)
        .or(children.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_inside_the_html_branch_is_kept() {
        // Apple Mail: text/plain + multipart/mixed{html, pdf} as alternatives.
        let raw = b"Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nThe report is attached, see the numbers inside.\n--a\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>The report</p>\n--b\nContent-Type: application/pdf; name=report.pdf\nContent-Disposition: attachment; filename=report.pdf\n\n%PDF\n--b--\n--a--\n";
        let v = message_view(raw);
        assert!(matches!(v.parts[0], PartView::Text { .. }), "{v:?}");
        let atts: Vec<_> = v.attachments().collect();
        assert_eq!(atts.len(), 1);
        assert_eq!(atts[0].filename.as_deref(), Some("report.pdf"));
        assert!(!v.parts.iter().any(|p| matches!(p, PartView::Html { .. })));
    }

    #[test]
    fn html_only_and_stub_text_prefer_html() {
        let raw = b"Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\n\n--a\nContent-Type: text/html\n\n<p>Real content here</p>\n--a--\n";
        let v = message_view(raw);
        assert!(matches!(v.parts[0], PartView::Html { .. }), "{v:?}");
    }

    #[test]
    fn nested_message_has_headers_then_body() {
        let raw = b"Content-Type: message/rfc822\n\nFrom: a@b\nSubject: inner\n\nhello\n";
        let v = message_view(raw);
        assert!(
            matches!(&v.parts[0], PartView::Nested { subject, .. } if subject == "inner"),
            "{v:?}"
        );
        assert!(
            matches!(&v.parts[1], PartView::Text { depth: 1, text, .. } if text.contains("hello"))
        );
    }
}
