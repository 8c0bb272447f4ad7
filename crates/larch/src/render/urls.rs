//! Every URL and site path larch writes. The scheme is a promise (see
//! docs/urls.md): Pipermail's layout, kept stable across rebuilds,
//! removals and upgrades. Nothing else in larch builds a site path.

use sha2::{Digest, Sha256};

/// Site-relative path of a period's directory: `2015-June`.
pub fn period_dir(period: &str) -> String {
    period.to_owned()
}

/// File name of a message page inside its period: `%06d` of the number.
pub fn message_file(num: u64) -> String {
    format!("{num:06}.html")
}

/// Site-relative path of a message page: `2015-June/000123.html`.
pub fn message_path(period: &str, num: u64) -> String {
    format!("{period}/{}", message_file(num))
}

/// A link from a page in period `from` to message `num` in period `to`.
pub fn message_link(from_period: &str, to_period: &str, num: u64) -> String {
    if from_period == to_period {
        message_file(num)
    } else {
        format!("../{to_period}/{}", message_file(num))
    }
}

/// The four per-period indexes (and `index.html`, a copy of the thread index).
pub const INDEXES: [&str; 4] = ["thread", "date", "subject", "author"];

/// Site-relative path of a period index: `2015-June/thread.html`.
pub fn index_path(period: &str, kind: &str) -> String {
    format!("{period}/{kind}.html")
}

/// Site-relative path of the period's mbox download: `2015-June.txt.gz`.
pub fn download_path(period: &str) -> String {
    format!("{period}.txt.gz")
}

/// Directory (inside the period) holding message `num`'s attachments.
pub fn attachment_dir(num: u64) -> String {
    format!("attachments/{num:06}")
}

/// Site-relative path of an attachment: `2015-June/attachments/000123/2-name.pdf`.
/// `safe_name` must come from the sanitizer; `active` types get `.bin`
/// appended so that static hosts serve them as downloads.
pub fn attachment_path(
    period: &str,
    num: u64,
    index: usize,
    safe_name: &str,
    active: bool,
) -> String {
    format!(
        "{period}/{}/{}",
        attachment_dir(num),
        attachment_file(index, safe_name, active)
    )
}

/// File name of an attachment inside its message's attachment directory.
pub fn attachment_file(index: usize, safe_name: &str, active: bool) -> String {
    if active {
        format!("{index}-{safe_name}.bin")
    } else {
        format!("{index}-{safe_name}")
    }
}

/// Directory of the per-thread downloads.
pub const THREAD_DIR: &str = "t";

/// Suffix of a thread's Atom feed in [`THREAD_DIR`].
pub const THREAD_ATOM: &str = ".atom";

/// Suffix of a thread's gzipped mboxrd in [`THREAD_DIR`].
pub const THREAD_MBOX: &str = ".mbox.gz";

/// Site-relative path of a thread file: `t/<stem>.atom` or
/// `t/<stem>.mbox.gz` (`ext` is [`THREAD_ATOM`] or [`THREAD_MBOX`]); the
/// stem from [`thread_file_stem`], as is (a file name).
pub fn thread_path(stem: &str, ext: &str) -> String {
    format!("{THREAD_DIR}/{stem}{ext}")
}

/// A link to a thread file from a page `root` below the site root (`"../"`
/// from a period's pages, `""` at the root; `None` from inside `t/`). The
/// stem may hold `%`, so it is encoded once more.
pub fn thread_link(root: Option<&str>, stem: &str, ext: &str) -> String {
    match root {
        Some(root) => format!("{root}{THREAD_DIR}/{}{ext}", encode(stem)),
        None => format!("{}{ext}", encode(stem)),
    }
}

/// Longest file stem in `t/` before it is cut and hashed.
const STEM_MAX: usize = 120;

/// The file-system-safe stem of a thread download in `t/`
/// (`t/<stem>.atom`, `t/<stem>.mbox.gz`) for Message-ID `mid` (no angle
/// brackets): every byte but `A-Z a-z 0-9 . _ @ + -` percent-encoded, a
/// leading `.` too (never a dotfile); stems longer than 120 bytes are cut
/// and end in `-` and 16 hex digits of the id's SHA-256. Distinct ids give
/// distinct stems. In a link, encode the stem once more ([`thread_link`]),
/// since it may contain `%`; `larch serve` answers
/// `/t/<id percent-encoded once>.atom` and the twice-encoded form alike.
pub fn thread_file_stem(mid: &str) -> String {
    let mut out = String::with_capacity(mid.len());
    for (i, b) in mid.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b"._@+-".contains(&b);
        if keep && !(i == 0 && b == b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.len() <= STEM_MAX {
        return out;
    }
    let mut cut = STEM_MAX - 17;
    while out.as_bytes()[..cut]
        .iter()
        .rev()
        .take(2)
        .any(|&b| b == b'%')
    {
        cut -= 1;
    }
    let hash = Sha256::digest(mid.as_bytes());
    format!("{}-{}", &out[..cut], hex::encode(&hash[..8]))
}

/// The site's one style sheet.
pub const STYLE: &str = "larch.css";

/// `mailto:` reply link, Pipermail's convention: `Subject=Re: ...` and
/// `In-Reply-To=<id>`.
pub fn reply_mailto(list_address: &str, subject: &str, message_id: &str) -> String {
    let subject = if subject.to_ascii_lowercase().starts_with("re:") {
        subject.to_owned()
    } else {
        format!("Re: {subject}")
    };
    format!(
        "mailto:{}?Subject={}&In-Reply-To={}",
        encode(list_address),
        encode(&subject),
        encode(&format!("<{message_id}>"))
    )
}

/// Percent-encode for a URL component (RFC 3986 unreserved kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipermail_names() {
        assert_eq!(message_path("2015-June", 29536), "2015-June/029536.html");
        assert_eq!(message_file(1_234_567), "1234567.html");
        assert_eq!(
            message_link("2015-June", "2015-May", 7),
            "../2015-May/000007.html"
        );
        assert_eq!(download_path("2015-June"), "2015-June.txt.gz");
        assert_eq!(
            attachment_path("2015-June", 5, 2, "a.svg", true),
            "2015-June/attachments/000005/2-a.svg.bin"
        );
    }

    #[test]
    fn stems_are_safe_and_distinct() {
        assert_eq!(thread_file_stem("a.b+c@x-y_z"), "a.b+c@x-y_z");
        assert_eq!(thread_file_stem("a/b@x"), "a%2Fb@x");
        assert_eq!(thread_file_stem("a%2Fb@x"), "a%252Fb@x");
        assert_eq!(thread_file_stem(".x@y"), "%2Ex@y");
        assert_eq!(thread_file_stem("../../etc"), "%2E.%2F..%2Fetc");
        assert_eq!(thread_file_stem("é"), "%C3%A9");
        let long = "%".repeat(300);
        let s = thread_file_stem(&long);
        assert!(s.len() <= 120, "{}", s.len());
        assert!(!s[..s.len() - 17].ends_with('%'));
        assert_ne!(s, thread_file_stem(&"%".repeat(301)));
    }

    #[test]
    fn thread_files_are_encoded_once_more_in_links() {
        let stem = thread_file_stem("a/b+c@x");
        assert_eq!(thread_path(&stem, THREAD_ATOM), "t/a%2Fb+c@x.atom");
        assert_eq!(
            thread_link(Some("../"), &stem, THREAD_MBOX),
            "../t/a%252Fb%2Bc@x.mbox.gz"
        );
        assert_eq!(thread_link(None, &stem, THREAD_ATOM), "a%252Fb%2Bc@x.atom");
    }

    #[test]
    fn mailto() {
        assert_eq!(
            reply_mailto("list@x.org", "Hi & bye", "a/b@c"),
            "mailto:list@x.org?Subject=Re%3A%20Hi%20%26%20bye&In-Reply-To=%3Ca%2Fb@c%3E"
        );
    }
}
