//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::print_stderr, clippy::unwrap_used)]

use std::path::PathBuf;

/// The shared corpora, if present beside the repository.
pub fn corpora() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if root.join("B").is_dir() {
        Some(root)
    } else {
        eprintln!("note: ../shared/corpora not present; corpus test skipped");
        None
    }
}

/// testdata/corpus-counts.json, the independent counts.
pub fn corpus_counts() -> serde_json::Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/corpus-counts.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The repository's testdata directory.
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Check one generated page: it tokenizes as HTML without parse errors, has
/// exactly one `<title>`, no `<script>`, no `on*=` attribute, and no
/// `javascript:` / `data:` / `vbscript:` URL in any attribute.
pub fn check_page(html: &str) -> Result<(), String> {
    use std::cell::RefCell;

    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };

    #[derive(Default)]
    struct Sink {
        titles: RefCell<usize>,
        problems: RefCell<Vec<String>>,
    }
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                    let name = tag.name.to_string();
                    if name == "title" {
                        *self.titles.borrow_mut() += 1;
                    }
                    if matches!(
                        name.as_str(),
                        "script" | "iframe" | "object" | "embed" | "base" | "form" | "svg" | "math"
                    ) {
                        self.problems.borrow_mut().push(format!("<{name}> element"));
                    }
                    for a in &tag.attrs {
                        let an = a.name.local.to_string();
                        if an.starts_with("on") {
                            self.problems
                                .borrow_mut()
                                .push(format!("{an}= attribute on <{name}>"));
                        }
                        let v: String = a
                            .value
                            .chars()
                            .filter(|c| !c.is_whitespace() && !c.is_control())
                            .collect::<String>()
                            .to_ascii_lowercase();
                        if v.starts_with("javascript:")
                            || v.starts_with("vbscript:")
                            || (v.starts_with("data:") && an != "content")
                        {
                            self.problems
                                .borrow_mut()
                                .push(format!("{an}={v:.40} on <{name}>"));
                        }
                    }
                }
                Token::ParseError(e) => {
                    self.problems.borrow_mut().push(format!("parse error: {e}"))
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let tok = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tok.feed(&input);
    tok.end();
    let titles = *tok.sink.titles.borrow();
    let mut problems = tok.sink.problems.borrow().clone();
    if titles != 1 {
        problems.push(format!("{titles} <title> elements"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Every `.html` file under `dir`.
pub fn html_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}
