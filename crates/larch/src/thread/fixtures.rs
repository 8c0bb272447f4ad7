//! Data-driven cases from `testdata/threads/*.json` (format in that folder's
//! README.md). Test-only: the files are compiled in with `include_str!`, so
//! there is no I/O at run time. Uses `serde_json` (a dev-dependency need).

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use super::{Item, thread};

const CASES: &[(&str, &str)] = &[
    (
        "ghost-root",
        include_str!("../../../../testdata/threads/ghost-root.json"),
    ),
    (
        "missing-middle",
        include_str!("../../../../testdata/threads/missing-middle.json"),
    ),
    (
        "cycle",
        include_str!("../../../../testdata/threads/cycle.json"),
    ),
    (
        "out-of-order",
        include_str!("../../../../testdata/threads/out-of-order.json"),
    ),
    (
        "duplicate-ids",
        include_str!("../../../../testdata/threads/duplicate-ids.json"),
    ),
    (
        "subject-only",
        include_str!("../../../../testdata/threads/subject-only.json"),
    ),
];

fn parse_item(v: &Value) -> Item {
    let strings = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Item {
        num: v["num"].as_u64().expect("num"),
        message_id: v["message_id"].as_str().expect("message_id").to_owned(),
        references: strings("references"),
        in_reply_to: v["in_reply_to"].as_str().map(str::to_owned),
        subject: v["subject"].as_str().unwrap_or("").to_owned(),
        date: v["date"].as_i64().unwrap_or(0),
    }
}

/// An expected thread tree as a pre-order list of `(depth, num)`, walked
/// with an explicit stack.
fn flatten(root: &Value) -> Vec<(usize, Option<u64>)> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0)];
    while let Some((node, depth)) = stack.pop() {
        out.push((depth, node["num"].as_u64()));
        if let Some(children) = node["children"].as_array() {
            for c in children.iter().rev() {
                stack.push((c, depth + 1));
            }
        }
    }
    out
}

#[test]
fn json_cases() {
    for (name, text) in CASES {
        let case: Value = serde_json::from_str(text).expect(name);
        let items: Vec<Item> = case["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(parse_item)
            .collect();
        let forest = thread(&items);
        let want: Vec<Vec<(usize, Option<u64>)>> = case["expect"]["threads"]
            .as_array()
            .expect("expect.threads")
            .iter()
            .map(flatten)
            .collect();
        let got: Vec<Vec<(usize, Option<u64>)>> = forest
            .threads()
            .map(|t| t.entries().iter().map(|e| (e.depth(), e.num())).collect())
            .collect();
        assert_eq!(got, want, "{name}: threads");
        let related: Vec<(u64, u64)> = case["expect"]["maybe_related"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| (p[0].as_u64().expect("pair"), p[1].as_u64().expect("pair")))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(forest.maybe_related, related, "{name}: maybe_related");
    }
}
