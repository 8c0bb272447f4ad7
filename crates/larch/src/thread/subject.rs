//! Subject normalization: the comparison key used to spot subject-only replies.
//!
//! Owns [`base_subject`] and the crate-private [`analyze`] (key + "was it a
//! reply?"). Pure string work: no I/O, and it never looks at threading data.
//!
//! Rules, applied repeatedly at the start of the subject until nothing changes:
//! - leading white space is dropped;
//! - a `[...]` tag (list tag, `[PATCH]`, ...) is dropped; when the tag is the
//!   whole remaining subject (old-style `[Fwd: foo]`) it is unwrapped instead;
//! - a reply or forward prefix is dropped: a word from [`REPLY`] or
//!   [`FORWARD`] (compared case-insensitively), optionally followed by a
//!   counter `[2]`, `^2` or `(2)`, an optional `.`, optional spaces, then `:`
//!   or the full-width `：`.
//!
//! Then, at the end, trailing `(fwd)` and a trailing `(was: ...)`,
//! `(was ...)`, `[was: ...]` or `[was ...]` are dropped (repeatedly), white
//! space runs collapse to one space and the result is lowercased.

/// Reply prefixes (lowercase). A root carrying one of these is a candidate
/// for `maybe_related`.
const REPLY: &[&str] = &[
    "re", "aw", "sv", "antw", "antwort", "odp", "vs", "ynt", "réf", "rif", "r", "回复", "回覆",
    "答复", "απ", "σχετ", "на", "отв",
];

/// Forward prefixes (lowercase): stripped, but they do not make a reply.
const FORWARD: &[&str] = &["fwd", "fw", "wg", "tr", "enc", "转发"];

/// Longer words (in UTF-8 bytes) are not even compared: the longest prefix,
/// `ΣΧΕΤ`, is 8 bytes in either case.
const MAX_WORD_BYTES: usize = 16;

/// The comparison key of a subject: reply/forward prefixes and list tags
/// stripped, white space collapsed, lowercased. `"Re: [Salon] Foo  bar"`
/// gives `"foo bar"`. May be empty (such subjects never match anything).
pub fn base_subject(subject: &str) -> String {
    analyze(subject).0
}

/// The comparison key and whether a reply prefix (not just a forward prefix
/// or a tag) was stripped: `"Re: [Salon] Foo"` gives `("foo", true)`.
pub fn subject_key(subject: &str) -> (String, bool) {
    analyze(subject)
}

/// The comparison key and whether a reply prefix (not just a forward prefix
/// or a tag) was stripped.
pub(super) fn analyze(subject: &str) -> (String, bool) {
    let mut s = subject;
    let mut replied = false;
    loop {
        s = s.trim_start();
        if let Some(rest) = strip_tag(s) {
            s = rest;
        } else if let Some((rest, reply)) = strip_prefix(s) {
            replied |= reply;
            s = rest;
        } else {
            break;
        }
    }
    while let Some(rest) = strip_trailer(s) {
        s = rest;
    }
    let mut key = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.is_ascii() {
            key.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    (key, replied)
}

/// `[tag] rest` -> `rest`; `[whole subject]` -> `whole subject`.
fn strip_tag(s: &str) -> Option<&str> {
    let inner_and_rest = s.strip_prefix('[')?;
    let close = inner_and_rest.find(']')?;
    let inner = &inner_and_rest[..close];
    let rest = &inner_and_rest[close + 1..];
    if !rest.trim().is_empty() {
        Some(rest)
    } else if !inner.trim().is_empty() {
        Some(inner)
    } else {
        None
    }
}

/// `Re: rest` -> (`rest`, true); `Fwd: rest` -> (`rest`, false).
fn strip_prefix(s: &str) -> Option<(&str, bool)> {
    let word_len = s
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(s.len(), |(i, _)| i);
    let word = &s[..word_len];
    if word.is_empty() || word.len() > MAX_WORD_BYTES {
        return None;
    }
    let is = |list: &[&str]| {
        list.iter().any(|p| {
            if word.is_ascii() {
                word.eq_ignore_ascii_case(p)
            } else {
                word.chars().flat_map(char::to_lowercase).eq(p.chars())
            }
        })
    };
    let reply = if is(REPLY) {
        true
    } else if is(FORWARD) {
        false
    } else {
        return None;
    };
    let rest = skip_counter(&s[word_len..]);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
    Some((rest, reply))
}

/// Skips a reply counter: `[2]`, `^2` or `(2)`. Returns the input unchanged
/// when there is none.
fn skip_counter(s: &str) -> &str {
    let digits_then = |t: &str, close: Option<char>| -> Option<usize> {
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        match close {
            Some(c) => t[n..].starts_with(c).then_some(n + c.len_utf8()),
            None => Some(n),
        }
    };
    let found = if let Some(t) = s.strip_prefix('[') {
        digits_then(t, Some(']')).map(|n| &t[n..])
    } else if let Some(t) = s.strip_prefix('(') {
        digits_then(t, Some(')')).map(|n| &t[n..])
    } else if let Some(t) = s.strip_prefix('^') {
        digits_then(t, None).map(|n| &t[n..])
    } else {
        None
    };
    found.unwrap_or(s)
}

/// Drops one trailing `(fwd)` or `(was ...)`/`[was ...]`, if any, as long
/// as something is left before it.
fn strip_trailer(s: &str) -> Option<&str> {
    let s = s.trim_end();
    let b = s.as_bytes();
    let ends_ci = |suffix: &[u8]| {
        b.len() >= suffix.len() && b[b.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    let cut = if ends_ci(b"(fwd)") {
        Some(b.len() - 5)
    } else {
        let open = match b.last() {
            Some(b')') => b'(',
            Some(b']') => b'[',
            _ => return None,
        };
        // The last `(was:` / `(was ` (or with `[`); ASCII, so a char boundary.
        (0..b.len().saturating_sub(4)).rev().find(|&i| {
            b[i] == open
                && b[i + 1..i + 4].eq_ignore_ascii_case(b"was")
                && matches!(b[i + 4], b':' | b' ')
        })
    }?;
    let head = s[..cut].trim_end();
    (!head.is_empty()).then_some(head)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{analyze, base_subject};

    #[test]
    fn every_reply_prefix() {
        for p in [
            "Re", "RE", "re", "Aw", "AW", "Sv", "SV", "Antw", "Antwort", "Odp", "Vs", "VS", "Ynt",
            "Réf", "RÉF", "Rif", "R", "回复", "回覆", "答复", "ΑΠ", "Απ", "ΣΧΕΤ", "НА", "Отв",
        ] {
            let subject = format!("{p}: Hello  World");
            assert_eq!(analyze(&subject), ("hello world".to_owned(), true), "{p}");
        }
    }

    #[test]
    fn every_forward_prefix() {
        for p in ["Fwd", "FWD", "Fw", "FW", "WG", "Tr", "TR", "Enc", "转发"] {
            let subject = format!("{p}: Hello");
            assert_eq!(analyze(&subject), ("hello".to_owned(), false), "{p}");
        }
    }

    #[test]
    fn counters_colons_and_spacing() {
        for s in [
            "Re[2]: foo",
            "Re^2: foo",
            "Re(3): foo",
            "RE : foo",
            "Re：foo",
            "回复：foo",
            "Re:foo",
            "Re.: foo",
            "  Re:   Re: RE[12]:   foo",
        ] {
            assert_eq!(analyze(s), ("foo".to_owned(), true), "{s}");
        }
    }

    #[test]
    fn list_tags() {
        assert_eq!(base_subject("[Salon] Re: Foo"), "foo");
        assert_eq!(base_subject("Re: [Twisted-Python] Re: [Salon] Foo"), "foo");
        assert_eq!(base_subject("[PATCH v2 1/3] Fix it"), "fix it");
        assert_eq!(base_subject("[Fwd: Re: Foo]"), "foo");
        assert_eq!(base_subject("[Salon]"), "salon");
        assert_eq!(base_subject("[]"), "[]");
        assert!(!analyze("[Salon] Foo").1);
        assert!(analyze("[Salon] Re: Foo").1);
    }

    #[test]
    fn trailers() {
        assert_eq!(base_subject("Foo bar (fwd)"), "foo bar");
        assert_eq!(base_subject("Re: New topic (was: Old topic)"), "new topic");
        assert_eq!(base_subject("New topic [was Re: Old]"), "new topic");
        assert_eq!(base_subject("Foo (FWD) (fwd)"), "foo");
        assert_eq!(base_subject("(was: only)"), "(was: only)");
        assert_eq!(base_subject("Washington (wasabi)"), "washington (wasabi)");
    }

    #[test]
    fn not_prefixes() {
        assert_eq!(analyze("Rework: foo"), ("rework: foo".to_owned(), false));
        assert_eq!(analyze("Re foo"), ("re foo".to_owned(), false));
        assert_eq!(analyze("R2-D2: hi"), ("r2-d2: hi".to_owned(), false));
        assert_eq!(analyze("Regarding: x"), ("regarding: x".to_owned(), false));
        assert_eq!(analyze("Re[x]: foo"), ("re[x]: foo".to_owned(), false));
    }

    #[test]
    fn empty_and_case() {
        assert_eq!(analyze("Re: "), (String::new(), true));
        assert_eq!(base_subject(""), "");
        assert_eq!(base_subject("  \t "), "");
        assert_eq!(base_subject("ÜBER  Straße\tTEST"), "über straße test");
    }
}
