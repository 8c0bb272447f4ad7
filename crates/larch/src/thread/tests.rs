//! Hand-written threading cases. Test-only; no I/O.

#![allow(clippy::unwrap_used)]

use super::{Forest, Item, Location, thread};

/// An item with `id` `"<num>@x"`-style ids spelled out by the caller.
pub(super) fn item(num: u64, id: &str, refs: &[&str], irt: Option<&str>, subject: &str) -> Item {
    Item {
        num,
        message_id: id.to_owned(),
        references: refs.iter().map(|s| (*s).to_owned()).collect(),
        in_reply_to: irt.map(str::to_owned),
        subject: subject.to_owned(),
        date: num as i64 * 60,
    }
}

/// Compact picture of a forest: `1(2 3(4)) | _(5 6)`, `_` for a ghost.
pub(super) fn shape(forest: &Forest) -> String {
    let mut threads = Vec::new();
    for t in forest.threads() {
        let mut s = String::new();
        let mut prev = 0;
        for (i, e) in t.entries().iter().enumerate() {
            if i > 0 {
                if e.depth() > prev {
                    s.push('(');
                } else {
                    s.push_str(&")".repeat(prev - e.depth()));
                    s.push(' ');
                }
            }
            match e.num() {
                Some(n) => s.push_str(&n.to_string()),
                None => s.push('_'),
            }
            prev = e.depth();
        }
        s.push_str(&")".repeat(prev));
        threads.push(s);
    }
    threads.join(" | ")
}

fn check(items: &[Item], expect: &str) -> Forest {
    let forest = thread(items);
    assert_eq!(shape(&forest), expect);
    // Same result whatever the input order.
    let mut rev = items.to_vec();
    rev.reverse();
    assert_eq!(thread(&rev), forest);
    forest
}

#[test]
fn empty_input() {
    let f = check(&[], "");
    assert_eq!(f.thread_count(), 0);
    assert!(f.maybe_related.is_empty());
}

#[test]
fn ghost_root_with_two_replies() {
    let items = [
        item(1, "b", &["a"], None, "Re: x"),
        item(2, "c", &["a"], None, "Re: x"),
    ];
    let f = check(&items, "_(1 2)");
    let t = f.thread(0).unwrap();
    assert!(t.root().is_ghost());
    assert_eq!(t.message_count(), 2);
    assert_eq!(f.parent(1).unwrap().num(), None);
    assert!(f.maybe_related.is_empty());
}

#[test]
fn ghost_with_one_child_is_replaced() {
    check(&[item(1, "b", &["a"], None, "Re: x")], "1");
    // A chain of ghosts above one message collapses entirely.
    check(&[item(1, "d", &["a", "b", "c"], None, "x")], "1");
}

#[test]
fn missing_middle_message() {
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "c", &["a", "b"], None, "Re: x"),
    ];
    check(&items, "1(2)");
    // Two replies to the missing middle keep a placeholder between.
    let mut more = items.to_vec();
    more.push(item(3, "d", &["a", "b"], None, "Re: x"));
    check(&more, "1(_(2 3))");
}

#[test]
fn cycles_are_broken() {
    // A refs B, B refs A: the lower number links first; the loop is dropped.
    check(
        &[
            item(1, "a", &["b"], None, "x"),
            item(2, "b", &["a"], None, "x"),
        ],
        "2(1)",
    );
    // Three-way cycle through In-Reply-To.
    let items = [
        item(1, "a", &[], Some("c"), "x"),
        item(2, "b", &[], Some("a"), "x"),
        item(3, "c", &[], Some("b"), "x"),
    ];
    check(&items, "3(1(2))");
    // Cycles among ghosts in References chains.
    let items = [
        item(1, "m", &["g", "h"], None, "x"),
        item(2, "n", &["h", "g"], None, "x"),
    ];
    check(&items, "_(1 2)");
}

#[test]
fn self_references_are_ignored() {
    check(&[item(1, "a", &["a"], Some("a"), "x")], "1");
    check(
        &[
            item(1, "a", &[], None, "x"),
            item(2, "b", &["a", "b"], Some("b"), "x"),
        ],
        "1(2)",
    );
}

#[test]
fn reply_numbered_before_its_parent() {
    let items = [
        item(1, "c", &["a", "b"], None, "Re: x"),
        item(2, "b", &["a"], None, "Re: x"),
        item(3, "a", &[], None, "x"),
    ];
    let f = check(&items, "3(2(1))");
    assert_eq!(f.parent(1).unwrap().num(), Some(2));
    assert_eq!(
        f.locate(1),
        Some(Location {
            thread: 0,
            position: 2
        })
    );
    // Threads sort by their earliest message, not by the root's date.
    assert_eq!(f.thread(0).unwrap().first_date(), 60);
    assert_eq!(f.thread(0).unwrap().last_date(), 180);
}

#[test]
fn own_headers_beat_other_claims() {
    // b has no references, so it is a root, whatever c's References say.
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &[], None, "y"),
        item(3, "c", &["a", "b"], None, "Re: y"),
    ];
    check(&items, "1 | 2(3)");
    // A ghost's parent comes from the lowest-numbered chain naming it.
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "z", &[], None, "x"),
        item(3, "c", &["a", "g"], None, "Re: x"),
        item(4, "d", &["z", "g"], None, "Re: x"),
    ];
    check(&items, "1(_(3 4)) | 2");
}

#[test]
fn duplicate_message_ids() {
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "a", &["q"], None, "other"),
        item(3, "b", &["a"], None, "Re: x"),
        item(4, "a", &["a"], Some("a"), "third"),
    ];
    let f = check(&items, "1(3) | 2 | 4");
    assert_eq!(f.parent(3).unwrap().num(), Some(1));
    assert_eq!(f.parent(2), None);
}

#[test]
fn in_reply_to_only() {
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &[], Some("a"), "Re: x"),
        item(3, "c", &[], Some("b"), "Re: x"),
    ];
    check(&items, "1(2(3))");
}

#[test]
fn references_only() {
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "Re: x"),
        item(3, "c", &["a", "b"], None, "Re: x"),
        item(4, "d", &["a"], None, "Re: x"),
    ];
    check(&items, "1(2(3) 4)");
}

#[test]
fn in_reply_to_wins_over_last_reference() {
    // Present In-Reply-To outside the references: it is the parent.
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "x"),
        item(3, "c", &["a"], Some("b"), "x"),
    ];
    check(&items, "1(2(3))");
    // Missing In-Reply-To: a ghost under the last reference, then promoted.
    let items = [
        item(1, "a", &[], None, "x"),
        item(3, "c", &["a"], Some("g"), "x"),
    ];
    check(&items, "1(3)");
    // In-Reply-To naming an earlier reference still wins.
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "x"),
        item(3, "c", &["a", "b"], Some("a"), "x"),
    ];
    check(&items, "1(2 3)");
}

#[test]
fn gnus_like_headers_after_cleanup() {
    // Parse already turned "<b>'s message of ..." into "b"; References may
    // repeat ids. The repeat is a loop in the chain and is simply skipped.
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "x"),
        item(3, "c", &["a", "b", "a", "b"], Some("b"), "x"),
    ];
    check(&items, "1(2(3))");
}

#[test]
fn subject_only_reply_is_not_merged() {
    let items = [
        item(1, "a", &[], None, "[Salon] Foo"),
        item(2, "b", &[], None, "Foo"),
        item(3, "c", &[], None, "Re: [Salon] foo"),
        item(4, "d", &[], None, "Fwd: foo"),
        item(5, "e", &[], None, "Re: "),
        item(6, "f", &[], None, "Re:"),
        item(7, "g", &[], None, "AW: Bar"),
        item(8, "h", &[], None, "SV: foo"),
    ];
    let f = check(&items, "1 | 2 | 3 | 4 | 5 | 6 | 7 | 8");
    // Most recent earlier thread with the same base subject; forwards are
    // not replies, empty subjects never match, nothing earlier for "bar".
    assert_eq!(f.maybe_related, vec![(3, 2), (8, 4)]);
}

#[test]
fn related_to_ghost_rooted_thread() {
    let items = [
        item(1, "b", &["a"], None, "Re: foo"),
        item(2, "c", &["a"], None, "Re: foo"),
        item(3, "d", &[], None, "Re: foo"),
    ];
    let f = check(&items, "_(1 2) | 3");
    assert_eq!(f.maybe_related, vec![(3, 1)]);
}

#[test]
fn ordering_by_date_then_num() {
    let mut items = vec![
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "x"),
        item(3, "c", &["a"], None, "x"),
        item(4, "d", &["a"], None, "x"),
        item(5, "e", &[], None, "y"),
    ];
    items[1].date = 500; // b is the latest reply
    items[2].date = 200; // c and d tie: num breaks it
    items[3].date = 200;
    items[4].date = -10; // e's thread starts first
    check(&items, "5 | 1(3 4 2)");
}

#[test]
fn api_children_and_nesting() {
    let items = [
        item(1, "a", &[], None, "x"),
        item(2, "b", &["a"], None, "x"),
        item(3, "c", &["a", "b"], None, "x"),
        item(4, "d", &["a"], None, "x"),
        item(5, "e", &["a", "g"], None, "x"),
        item(6, "f", &["a", "g"], None, "x"),
    ];
    let f = check(&items, "1(2(3) 4 _(5 6))");
    let kids: Vec<_> = f.children(1).map(|(p, e)| (p, e.num())).collect();
    assert_eq!(kids, vec![(1, Some(2)), (3, Some(4)), (4, None)]);
    assert_eq!(f.children(3).count(), 0);
    assert_eq!(f.children(99).count(), 0);
    assert_eq!(f.entry(1).unwrap().subtree_len(), 7);
    assert_eq!(f.message_count(), 6);
    let t = f.thread(0).unwrap();
    assert_eq!(t.nums().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(t.entry(5).unwrap().parent(), Some(4));

    let mut html = String::new();
    for step in t.nested() {
        html.push_str(&"</li></ul>".repeat(step.close));
        html.push_str(if step.open { "<ul>" } else { "</li>" });
        let label = step.entry.num().map_or("_".to_owned(), |n| n.to_string());
        html.push_str(&format!("<li>{label}"));
    }
    html.push_str(&"</li></ul>".repeat(t.final_close()));
    assert_eq!(
        html,
        "<ul><li>1<ul><li>2<ul><li>3</li></ul></li><li>4</li><li>_<ul><li>5</li>\
         <li>6</li></ul></li></ul></li></ul>"
    );
}

/// Deterministic permutation (LCG-driven Fisher-Yates).
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        v.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

#[test]
fn input_order_does_not_matter() {
    let mut items = Vec::new();
    for n in 0..300u64 {
        let parent = (n * 7919) % (n + 1); // some earlier message, or itself
        let refs: Vec<String> = if parent == n || n % 11 == 0 {
            Vec::new()
        } else {
            vec![format!("m{}", parent / 2), format!("m{parent}")]
        };
        let id = if n % 37 == 5 {
            "dup".to_owned()
        } else {
            format!("m{n}")
        };
        let mut it = item(n, &id, &[], None, if n % 5 == 0 { "Re: t" } else { "t" });
        it.references = refs;
        it.date = ((n * 31) % 17) as i64;
        items.push(it);
    }
    items.retain(|it| it.num % 13 != 3); // some parents missing
    let want = thread(&items);
    for seed in 1..6 {
        let mut shuffled = items.clone();
        shuffle(&mut shuffled, seed);
        assert_eq!(thread(&shuffled), want);
    }
}

fn deep_chain(n: u64) -> Vec<Item> {
    (0..n)
        .map(|i| {
            let parent = i.checked_sub(1).map(|p| format!("m{p}"));
            let refs: Vec<&str> = parent.as_deref().into_iter().collect();
            item(i, &format!("m{i}"), &refs, parent.as_deref(), "deep")
        })
        .collect()
}

fn assert_chain(forest: &Forest, n: u64) {
    assert_eq!(forest.thread_count(), 1);
    let t = forest.thread(0).unwrap();
    assert_eq!(t.len() as u64, n);
    assert_eq!(t.root().subtree_len() as u64, n);
    assert_eq!(t.entries().last().unwrap().depth() as u64, n - 1);
    assert_eq!(t.final_close() as u64, n);
}

#[test]
fn hundred_thousand_deep_chain() {
    let n = 100_000;
    let mut items = deep_chain(n);
    let start = std::time::Instant::now();
    assert_chain(&thread(&items), n);
    // Numbered backwards: every message arrives before its parent.
    for it in &mut items {
        it.num = n - 1 - it.num;
    }
    assert_chain(&thread(&items), n);
    // Pairwise swapped numbering.
    for it in &mut items {
        it.num ^= 1;
    }
    let f = thread(&items);
    assert_eq!(f.thread(0).unwrap().len() as u64, n);
    assert!(
        start.elapsed().as_secs() < 20,
        "too slow: {:?}",
        start.elapsed()
    );
}

#[test]
fn sparse_and_huge_numbers() {
    let items = [
        item(7_000_000_000, "c", &["a"], None, "x"),
        item(10, "a", &[], None, "x"),
        item(500, "b", &["a"], None, "x"),
    ];
    let f = check(&items, "10(500 7000000000)");
    assert_eq!(
        f.locate(500),
        Some(Location {
            thread: 0,
            position: 1
        })
    );
    assert_eq!(
        f.locate(7_000_000_000),
        Some(Location {
            thread: 0,
            position: 2
        })
    );
    assert_eq!(f.locate(11), None);
    assert_eq!(f.locate(0), None);
    assert_eq!(f.locate(u64::MAX), None);
    assert_eq!(f.parent(7_000_000_000).unwrap().num(), Some(10));
}
