//! Behaviour tests for `sanitize_html`: what ordinary HTML mail keeps, and
//! what the policy removes or rewrites. Test-only; no I/O.

use super::{BodyOptions, sanitize_html};

fn clean(html: &str) -> String {
    sanitize_html(html, &BodyOptions::default(), &|id| {
        (id == "logo@example.com").then(|| "000123-2.png".to_string())
    })
}

fn clean_remote(html: &str) -> String {
    let opts = BodyOptions {
        allow_remote_images: true,
    };
    sanitize_html(html, &opts, &|_| None)
}

#[test]
fn ordinary_formatting_survives() {
    let html = "<p>Hi <b>bold</b> <i>it</i> <u>u</u> <em>e</em> <strong>s</strong> <code>c</code></p>\
                <blockquote>q</blockquote><ul><li>one</li></ul><ol start=\"3\"><li>x</li></ol>\
                <pre>  pre</pre><h2>T</h2><hr><dl><dt>t</dt><dd>d</dd></dl>";
    assert_eq!(clean(html), html);
}

#[test]
fn document_wrapper_is_removed() {
    let html = "<!DOCTYPE html><html><head><title>T</title><meta charset=utf-8>\
                <style>p{color:red}</style><base href=\"http://evil.example/\"></head>\
                <body bgcolor=red onload=alert(1)><p>Body</p></body></html>";
    assert_eq!(clean(html), "<p>Body</p>");
}

#[test]
fn tables_keep_layout_attributes() {
    let html = "<table width=\"600\" border=\"0\" cellpadding=\"2\" style=\"x\" class=\"c\" id=\"i\">\
                <tr><td colspan=\"2\" align=\"CENTER\" valign=\"top\" bgcolor=\"red\" \
                background=\"javascript:x\">a</td></tr></table>";
    assert_eq!(
        clean(html),
        "<table width=\"600\" border=\"0\" cellpadding=\"2\"><tbody><tr>\
         <td colspan=\"2\" align=\"center\" valign=\"top\">a</td></tr></tbody></table>"
    );
}

#[test]
fn links_get_rel_and_lose_target() {
    assert_eq!(
        clean("<a href=\"https://x.example/\" target=\"_blank\" rel=\"opener\" name=\"n\">x</a>"),
        "<a href=\"https://x.example/\" rel=\"nofollow noopener noreferrer\">x</a>"
    );
    assert_eq!(
        clean(
            "<a href=\"/relative\">r</a><a href=\"#top\">t</a><a href=\"JaVaScRiPt:alert(1)\">j</a>"
        ),
        "<a rel=\"nofollow noopener noreferrer\">r</a><a rel=\"nofollow noopener noreferrer\">t</a>\
         <a rel=\"nofollow noopener noreferrer\">j</a>"
    );
    assert!(clean("<a href=\"mailto:x@y.example\">m</a>").contains("href=\"mailto:x@y.example\""));
}

#[test]
fn cid_images_are_rewritten() {
    assert_eq!(
        clean("<img src=\"cid:logo@example.com\" alt=\"Logo\" width=\"120\" height=\"40px\">"),
        "<img src=\"000123-2.png\" alt=\"Logo\" width=\"120\" height=\"40px\">"
    );
    assert_eq!(
        clean("<img src=\"cid:logo%40example.com\">"),
        "<img src=\"000123-2.png\">"
    );
    assert_eq!(
        clean("<img src=\"cid:unknown@x\" alt=\"?\">"),
        "<img alt=\"?\">"
    );
    assert_eq!(
        clean("<a href=\"cid:logo@example.com\">x</a>"),
        "<a rel=\"nofollow noopener noreferrer\">x</a>"
    );
}

#[test]
fn remote_images_follow_the_option() {
    let html = "<img src=\"https://tracker.example/p.gif\" width=\"1\" height=\"1\" alt=\"\">";
    assert_eq!(clean(html), "<img alt=\"\" width=\"1\" height=\"1\">");
    assert_eq!(clean_remote(html), html);
    for bad in [
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
        "<img src=\"//tracker.example/p.gif\">",
        "<img src=\"x.png\">",
        "<img src=\"javascript:alert(1)\">",
        "<img srcset=\"https://x.example/a.png 1x\">",
    ] {
        assert_eq!(clean_remote(bad), "<img>", "{bad}");
    }
}

#[test]
fn active_and_embedded_content_is_removed() {
    for html in [
        "<script>alert(1)</script>",
        "<iframe src=\"https://x.example/\">fallback</iframe>",
        "<object data=\"x.swf\"><embed src=\"x.swf\"></object>",
        "<svg><script>alert(1)</script><circle r=\"1\"/></svg>",
        "<math><mi>x</mi></math>",
        "<video src=\"x\" poster=\"y\"></video><audio src=\"z\"></audio>",
        "<template><b>t</b></template>",
        "<noscript><b>n</b></noscript>",
        "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">",
        "<link rel=\"stylesheet\" href=\"http://evil.example/x.css\">",
    ] {
        assert_eq!(clean(html), "", "{html}");
    }
    assert_eq!(
        clean(
            "<form action=\"http://evil.example/\"><input name=\"p\" value=\"v\"><button>Go</button></form>"
        ),
        "Go"
    );
}

#[test]
fn styles_classes_and_handlers_are_dropped() {
    assert_eq!(
        clean(
            "<div style=\"position:fixed\" class=\"header\" id=\"main\" onclick=\"x()\" dir=\"rtl\" lang=\"he\">x</div>"
        ),
        "<div dir=\"rtl\" lang=\"he\">x</div>"
    );
    assert_eq!(
        clean("<p title=\"t&quot;<x>\">x</p>"),
        "<p title=\"t&quot;&lt;x&gt;\">x</p>"
    );
}

#[test]
fn formatting_attributes_go_but_text_stays() {
    assert_eq!(
        clean("<font face=\"Arial\" color=\"red\">x</font>"),
        "<font>x</font>"
    );
    assert_eq!(clean("<b title=\"t\">x</b>"), "<b>x</b>");
}

#[test]
fn comments_and_controls_are_removed() {
    assert_eq!(clean("a<!-- secret -->b\u{0}c\u{202e}d"), "abcd");
}

#[test]
fn unbalanced_markup_is_balanced() {
    assert_eq!(
        clean("<div><b>x</div>y</b></td></table>"),
        "<div><b>x</b></div><b>y</b>"
    );
    assert_eq!(clean("</div></p>"), "<p></p>");
}

#[test]
fn reconstruction_bombs_are_bounded() {
    let bomb: String = (0..20_000).map(|i| format!("<p><b title={i}>")).collect();
    let out = clean(&bomb);
    assert!(out.len() < 8 * bomb.len(), "{}", out.len());
}
