//! Pathological HTML and text: deep nesting, reconstruction bombs and
//! random tag soup must stay safe, small and fast (see `tame.rs`).
//! Test-only; no I/O.

use super::hostile_tests::{check_sanitized, check_text, cid_map, tags_and_text};
use super::{BodyOptions, render_text, sanitize_html};

/// Deepest element nesting in sanitizer output.
fn output_depth(out: &str) -> usize {
    let (tags, _) = tags_and_text(out).expect("well-formed output");
    let (mut depth, mut max) = (0usize, 0);
    for (name, _) in &tags {
        if name.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else if !matches!(name.as_str(), "br" | "hr" | "img" | "col" | "wbr") {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Run a pathological body; check the output is safe and small, and (for
/// plain nesting) shallow. The adoption agency can nest existing subtrees
/// one level deeper each time it runs, so tag soup may produce a DOM
/// deeper than the parser's stack ever was; only the stack drives cost.
fn assert_bounded(label: &str, html: &str, shallow: bool) {
    let start = std::time::Instant::now();
    let out = sanitize_html(html, &BodyOptions::default(), &cid_map);
    let took = start.elapsed();
    check_sanitized(&out, false).unwrap_or_else(|e| panic!("{label}: {e}"));
    if shallow {
        let depth = output_depth(&out);
        assert!(
            depth <= super::tame_stack::MAX_DEPTH + 64,
            "{label}: depth {depth}"
        );
    }
    assert!(
        out.len() <= 8 * html.len() + 64 * 1024,
        "{label}: grew to {}",
        out.len()
    );
    // Quadratic behaviour takes minutes here; linear takes well under one
    // second in release builds and a few seconds unoptimised.
    assert!(took.as_secs() < 30, "{label}: took {took:?}");
}

#[test]
fn deep_nesting_is_bounded() {
    const N: usize = 100_000;
    for (open, close) in [
        ("<div>", "</div>"),
        ("<b>", "</b>"),
        ("<blockquote>", ""),
        ("<table><tr><td>", ""),
        ("<svg><g>", ""),
        ("<a href=http://x.example/>", ""),
        ("<span>", "</x>"),
        ("<b><div>", "</b>"),
        (
            "<i><b><u><s><em><strong><tt><small><big><code><strike><nobr><font>",
            "<p>x",
        ),
        ("<ul><li>", ""),
        ("<dl><dd>", ""),
        ("<table><caption>", ""),
    ] {
        let html = open.repeat(N) + "x" + &close.repeat(N);
        assert_bounded(open, &html, true);
    }
    let distinct: String = (0..N / 4).map(|i| format!("<p><b title={i}>")).collect();
    assert_bounded("distinct formatting", &distinct, true);
    let fonts: String = (0..N / 4)
        .map(|i| format!("<font color=#{i:06x}>"))
        .collect();
    assert_bounded("distinct fonts", &(fonts + &"<p>x".repeat(N)), true);
    assert_bounded("reconstruction", &"<div><b></div>x".repeat(N), true);
    let text = "> ".repeat(N) + "\n" + &"-".repeat(N);
    check_text(&render_text(&text, false, false), &text, false).expect("deep text");
}

/// Random tag soup from a fixed vocabulary (deterministic LCG).
fn tag_soup(seed: u64, size: usize) -> String {
    const TOKENS: &[&str] = &[
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<b title=N>",
        "<p>",
        "</p>",
        "<span>",
        "</span>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<a href=http://x/N>",
        "</a>",
        "<li>",
        "<ul>",
        "</ul>",
        "<font color=N>",
        "<i>",
        "</i>",
        "</x>",
        "<option>",
        "<button>",
        "<nobr>",
        "<h1>",
        "<form>",
        "x",
        "<br>",
        "<marquee>",
        "<caption>",
        "<dd>",
        "<dt>",
        "<div title=N>",
        "<em>",
        "<strong>",
        "</strong>",
        "<u>",
        "<s>",
        "<blockquote>",
        "<tbody>",
        "<th>",
        "<h2>",
        "</h1>",
        "<code>",
        "<tt>",
        "<small>",
        "<big>",
        "</font>",
        "<center>",
        "<pre>",
        "<ol>",
        "<dl>",
        "<!--",
        "-->",
        "<img src=cid:N>",
    ];
    let mut x = seed;
    let mut html = String::new();
    let mut n = 0usize;
    while html.len() < size {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let token = TOKENS[usize::try_from(x >> 33).unwrap_or(0) % TOKENS.len()];
        n += 1;
        html.push_str(&token.replace('N', &n.to_string()));
    }
    html
}

#[test]
fn tag_soup_is_bounded() {
    for seed in 0..8 {
        assert_bounded(&format!("soup {seed}"), &tag_soup(seed, 100_000), false);
    }
}
