//! mbox splitting against other projects' known answers:
//! mime4j's mbox.rlug with its expected split files, and MimeKit's mbox
//! files with their expected message offsets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use larch::ingest::{Escaping, MboxReader, RawMessage};

fn split(bytes: &[u8], escaping: Escaping) -> Vec<RawMessage> {
    MboxReader::new(bytes, "t", escaping)
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

#[test]
fn mime4j_rlug_split_matches_expected_files() {
    let Some(root) = common::corpora() else {
        return;
    };
    let dir = root.join("A/apache-james-mime4j/mbox/src/test/resources/test-1");
    let messages = split(&std::fs::read(dir.join("mbox.rlug")).unwrap(), Escaping::Rd);
    assert_eq!(messages.len(), 5);
    for (i, m) in messages.iter().enumerate() {
        let expected = std::fs::read(dir.join(format!("mbox.rlug-{i}"))).unwrap();
        // mime4j keeps the empty line before the next From_ line as part of
        // the message; larch treats it as the separator's. Otherwise identical.
        let mut ours = m.bytes.clone();
        ours.push(b'\n');
        assert_eq!(ours, expected, "message {i}");
    }
}

#[test]
fn mimekit_offsets() {
    let Some(root) = common::corpora() else {
        return;
    };
    let dir = root.join("A/mimekit/UnitTests/TestData/mbox");
    for name in ["content-length", "issue1189"] {
        let bytes = std::fs::read(dir.join(format!("{name}.mbox.txt"))).unwrap();
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.unix-offsets.json"))).unwrap(),
        )
        .unwrap();
        let expected = json.as_array().unwrap();
        // These are mboxcl files (Content-Length, `>From` left as is), so
        // no un-escaping: MimeKit's expected bytes keep `>From` lines.
        let messages = split(&bytes, Escaping::None);
        assert_eq!(messages.len(), expected.len(), "{name}: message count");
        for (m, e) in messages.iter().zip(expected) {
            let marker = e["mboxMarkerOffset"].as_u64().unwrap();
            let begin = e["beginOffset"].as_u64().unwrap() as usize;
            let end = e["endOffset"].as_u64().unwrap() as usize;
            assert_eq!(m.origin.offset, marker, "{name}: From_ offset");
            // MimeKit's message ends before the newline that precedes the next
            // From_ line; ours keeps the message's own last line end.
            let body = &bytes[begin..end];
            assert!(
                m.bytes == body || m.bytes.strip_suffix(b"\n") == Some(body),
                "{name}: message at {marker} differs"
            );
        }
    }
}
