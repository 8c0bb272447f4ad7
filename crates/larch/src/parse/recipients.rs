//! Recipients: a message's To and Cc mailboxes as display text ("Name
//! <addr>" or "addr"), for search. Reads the headers only; never panics.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::AddressList;

use super::summary::message_parser;

/// The To and Cc mailboxes of a message, groups flattened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    pub to: Vec<String>,
    pub cc: Vec<String>,
}

/// At most this many mailboxes are kept per field (huge Cc lists).
const MAX_MAILBOXES: usize = 1000;

/// Read the To and Cc headers of `raw` (empty when they are missing or
/// the headers cannot be parsed).
pub fn recipients(raw: &[u8]) -> Recipients {
    catch_unwind(AssertUnwindSafe(|| {
        let Some(m) = message_parser().parse_headers(raw) else {
            return Recipients::default();
        };
        let root = m.root();
        Recipients {
            to: mailboxes(root.to()),
            cc: mailboxes(root.cc()),
        }
    }))
    .unwrap_or_default()
}

fn mailboxes(list: Option<AddressList<'_>>) -> Vec<String> {
    let Some(list) = list else {
        return Vec::new();
    };
    list.mailboxes()
        .take(MAX_MAILBOXES)
        .filter_map(|m| match (m.name(), m.address()) {
            (Some(n), Some(a)) => Some(format!("{n} <{a}>")),
            (None, Some(a)) => Some(a.to_owned()),
            (Some(n), None) => Some(n.to_owned()),
            (None, None) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_and_cc_with_names_groups_and_encoded_words() {
        let raw = b"From: a@x\nTo: Bob <bob@x.org>, carol@y.org\nCc: =?UTF-8?Q?Jos=C3=A9?= <jose@z.es>, friends: dan@w.org;\nSubject: s\n\nbody\n";
        let r = recipients(raw);
        assert_eq!(r.to, ["Bob <bob@x.org>", "carol@y.org"]);
        assert_eq!(r.cc, ["José <jose@z.es>", "dan@w.org"]);
        assert_eq!(recipients(b"Subject: none\n\nx\n"), Recipients::default());
        assert_eq!(recipients(b""), Recipients::default());
    }
}
