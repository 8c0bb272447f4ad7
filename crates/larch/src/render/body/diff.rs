//! Recognising patches and diffstats in plain-text mail, line by line.
//!
//! A patch region starts at `diff --git` (or `diff -<opts>`), at a `--- `
//! line directly followed by a `+++ ` line, or at an `Index: ` line directly
//! followed by a `===` line. Inside it, hunks are tracked by the line counts
//! of their `@@ -a,b +c,d @@` header, so a removed line that reads `-- ` is
//! not mistaken for a signature and prose after the patch is not styled.
//!
//! Must not touch: escaping, output, quoting or signatures (see `text.rs`).

/// CSS classes for patch lines.
pub(crate) const FILE: &str = "diff-file";
pub(crate) const HUNK: &str = "diff-hunk";
pub(crate) const ADD: &str = "diff-add";
pub(crate) const DEL: &str = "diff-del";
pub(crate) const DIFFSTAT: &str = "diffstat";

/// Lines remaining in the current hunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hunk {
    /// Counts from a well-formed header: old-side and new-side lines left.
    Counted { old: u64, new: u64 },
    /// Header without counts: accept diff-looking lines until one is not.
    Uncounted,
}

/// State inside a patch region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Patch {
    hunk: Option<Hunk>,
}

/// Header lines that may appear between hunks or files of a patch.
const HEADER_PREFIXES: &[&str] = &[
    "diff ",
    "index ",
    "--- ",
    "+++ ",
    "new file mode",
    "deleted file mode",
    "old mode",
    "new mode",
    "similarity index",
    "dissimilarity index",
    "rename from",
    "rename to",
    "copy from",
    "copy to",
    "Binary files ",
    "Index: ",
    "====",
    "Only in ",
];

impl Patch {
    /// Does a patch region start at `line` (with `next` the following line)?
    pub(crate) fn starts_at(line: &str, next: Option<&str>) -> bool {
        let next = next.unwrap_or("");
        line.starts_with("diff --git ")
            || (line.starts_with("diff -") && line.len() > 6)
            || (line.starts_with("--- ") && next.starts_with("+++ "))
            || (line.starts_with("Index: ") && next.starts_with("==="))
    }

    /// Classify `line` as part of the patch. `None` means the line is not a
    /// patch line and the region has ended; `Some(class)` gives its class
    /// (`Some(None)` for context lines, which carry no class).
    pub(crate) fn step(&mut self, line: &str) -> Option<Option<&'static str>> {
        if let Some(hunk) = self.hunk {
            if let Some(class) = self.hunk_line(hunk, line) {
                return Some(class);
            }
            self.hunk = None;
        }
        if line.starts_with('\\') {
            // "\ No newline at end of file" follows the last line of a hunk.
            return Some(None);
        }
        if let Some(rest) = line.strip_prefix("@@") {
            self.hunk = Some(parse_hunk_header(rest));
            return Some(Some(HUNK));
        }
        if HEADER_PREFIXES.iter().any(|p| line.starts_with(p)) {
            return Some(Some(FILE));
        }
        None
    }

    fn hunk_line(&mut self, hunk: Hunk, line: &str) -> Option<Option<&'static str>> {
        let first = line.as_bytes().first().copied();
        match hunk {
            Hunk::Uncounted => match first {
                Some(b'+') if !line.starts_with("+++ ") => Some(Some(ADD)),
                Some(b'-') if !line.starts_with("--- ") => Some(Some(DEL)),
                None | Some(b' ' | b'\\') => Some(None),
                _ => None,
            },
            Hunk::Counted { old, new } => {
                let (class, old, new) = match first {
                    Some(b'+') if new > 0 => (Some(ADD), old, new - 1),
                    Some(b'-') if old > 0 => (Some(DEL), old - 1, new),
                    // Context lines; mailers often strip a lone trailing space.
                    None | Some(b' ') if old > 0 && new > 0 => (None, old - 1, new - 1),
                    Some(b'\\') => (None, old, new),
                    _ => return None,
                };
                self.hunk = if old == 0 && new == 0 {
                    None
                } else {
                    Some(Hunk::Counted { old, new })
                };
                Some(class)
            }
        }
    }
}

/// Parse the part of `@@ -a,b +c,d @@ ...` after the leading `@@`.
fn parse_hunk_header(rest: &str) -> Hunk {
    let mut words = rest.split_ascii_whitespace();
    let old = words.next().and_then(|w| w.strip_prefix('-'));
    let new = words.next().and_then(|w| w.strip_prefix('+'));
    match (old.and_then(range_len), new.and_then(range_len)) {
        (Some(old), Some(new)) if old + new > 0 => Hunk::Counted { old, new },
        _ => Hunk::Uncounted,
    }
}

/// Length of a `start[,len]` range; `len` defaults to 1.
fn range_len(range: &str) -> Option<u64> {
    let (start, len) = range.split_once(',').unwrap_or((range, "1"));
    if start.is_empty() || !start.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if len.is_empty() || len.len() > 9 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    len.parse().ok()
}

/// A diffstat file line: ` path/to/file | 12 ++--` or ` img.png | Bin 0 -> 12 bytes`.
pub(crate) fn is_stat_line(line: &str) -> bool {
    let Some(body) = line.strip_prefix(' ') else {
        return false;
    };
    let Some((path, stat)) = body.rsplit_once('|') else {
        return false;
    };
    if path.trim().is_empty() {
        return false;
    }
    let stat = stat.trim();
    if stat.starts_with("Bin") {
        return true;
    }
    let digits = stat.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &stat[digits..];
    rest.is_empty()
        || rest
            .strip_prefix(' ')
            .is_some_and(|bars| !bars.is_empty() && bars.bytes().all(|b| b == b'+' || b == b'-'))
}

/// The diffstat summary: ` 3 files changed, 10 insertions(+), 2 deletions(-)`.
pub(crate) fn is_stat_summary(line: &str) -> bool {
    let Some(body) = line.strip_prefix(' ') else {
        return false;
    };
    let body = body.trim_start();
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && {
        let rest = &body[digits..];
        rest.starts_with(" file changed") || rest.starts_with(" files changed")
    }
}

/// Lines `git format-patch` puts after the summary (` create mode 100644 x`).
pub(crate) fn is_stat_mode_line(line: &str) -> bool {
    [
        " create mode ",
        " delete mode ",
        " rename ",
        " mode change ",
        " copy ",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Vec<Option<Option<&'static str>>> {
        let mut p = Patch::default();
        lines.iter().map(|l| p.step(l)).collect()
    }

    #[test]
    fn counted_hunk_ends_exactly() {
        let got = run(&[
            "@@ -1,2 +1,2 @@ fn x",
            "-a",
            "-- ",
            "+b",
            "+c",
            "-- ",
            "2.43.0",
        ]);
        assert_eq!(
            got,
            vec![
                Some(Some(HUNK)),
                Some(Some(DEL)),
                Some(Some(DEL)),
                Some(Some(ADD)),
                Some(Some(ADD)),
                None,
                None
            ]
        );
    }

    #[test]
    fn empty_context_lines_count() {
        let got = run(&["@@ -1,3 +1,3 @@", " a", "", " c", "prose"]);
        assert_eq!(got[2], Some(None));
        assert_eq!(got[4], None);
    }

    #[test]
    fn headers_between_files() {
        let got = run(&[
            "@@ -1 +1 @@",
            "-x",
            "+y",
            "diff --git a/b b/b",
            "new file mode 100644",
            "index 0000000..e69de29",
            "--- /dev/null",
            "+++ b/b",
            "@@ -0,0 +1 @@",
            "+z",
            "\\ No newline at end of file",
        ]);
        assert!(got.iter().all(Option::is_some), "{got:?}");
        assert_eq!(got[3], Some(Some(FILE)));
        assert_eq!(got[9], Some(Some(ADD)));
    }

    #[test]
    fn starts() {
        assert!(Patch::starts_at("diff --git a/x b/x", None));
        assert!(Patch::starts_at("--- a/x", Some("+++ b/x")));
        assert!(!Patch::starts_at("--- a/x", Some("prose")));
        assert!(Patch::starts_at("Index: x.c", Some("=======")));
        assert!(!Patch::starts_at("Index: of terms", Some("nope")));
        assert!(!Patch::starts_at("- a bullet", Some("+ another")));
    }

    #[test]
    fn diffstat_lines() {
        assert!(is_stat_line(" src/main.rs | 12 ++++++------"));
        assert!(is_stat_line(" logo.png    | Bin 0 -> 1234 bytes"));
        assert!(is_stat_line(" a | 0"));
        assert!(!is_stat_line("a | 1 ++"));
        assert!(!is_stat_line(" cost | 12 dollars"));
        assert!(is_stat_summary(
            " 3 files changed, 10 insertions(+), 2 deletions(-)"
        ));
        assert!(is_stat_summary(" 1 file changed, 1 insertion(+)"));
        assert!(!is_stat_summary(" many files changed"));
        assert!(is_stat_mode_line(" create mode 100644 src/x.rs"));
    }
}
