//! A cheap model of the HTML tree builder's stack of open elements and list
//! of active formatting elements, fed tag by tag by `tame.rs`.
//!
//! It follows the parts of the tree-construction algorithm that change
//! nesting depth: implied end tags, scopes, implied `tbody`/`tr`, the
//! adoption agency's simple case, reconstruction of formatting elements and
//! the "Noah's Ark" limit of three identical entries. Where the real
//! algorithm restructures (adoption with a furthest block), the model keeps
//! its larger depth, so it errs towards deeper. The model's depth never
//! exceeds [`MAX_DEPTH`] by more than one reconstruction (at most 3 entries
//! per formatting element name).
//!
//! Must not touch: the text being rewritten (see `tame.rs`), and no I/O.

use super::tame_rules::{
    CLOSES_P, FORMATTING, IMPLIED_END, MARKERS, RAWTEXT, SCOPE, SPECIAL, TABLE_PARTS, VOID,
    is_heading,
};

/// Deepest nesting of elements passed on to the parser.
pub(crate) const MAX_DEPTH: usize = 256;

const IS_SPECIAL: u8 = 1;
const IS_SCOPE: u8 = 2;
const IS_IMPLIED_END: u8 = 4;
const IS_TABLE: u8 = 8;
const IS_P: u8 = 16;
const IS_MARKER: u8 = 32;

/// One open element; `id` tells clones apart for the formatting list.
#[derive(Debug)]
struct Open {
    name: Box<str>,
    flags: u8,
    id: usize,
}

impl Open {
    fn is(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }
}

/// An entry of the list of active formatting elements.
#[derive(Debug)]
enum Entry {
    Marker,
    Element { name: Box<str>, id: usize },
}

/// The model. Category bits are computed once per push, so stack scans do
/// not search the name tables.
#[derive(Debug, Default)]
pub(crate) struct OpenElements {
    stack: Vec<Open>,
    /// `on_stack[id]`: is the element with this id still open?
    on_stack: Vec<bool>,
    formatting: Vec<Entry>,
    tables: usize,
    paragraphs: usize,
}

fn flags_of(name: &str) -> u8 {
    let mut flags = 0;
    for (set, bit) in [
        (SPECIAL, IS_SPECIAL),
        (SCOPE, IS_SCOPE),
        (IMPLIED_END, IS_IMPLIED_END),
        (MARKERS, IS_MARKER),
    ] {
        if set.contains(&name) {
            flags |= bit;
        }
    }
    match name {
        "table" => flags | IS_TABLE,
        "p" => flags | IS_P,
        _ => flags,
    }
}

impl OpenElements {
    /// Nearest open element matching `target` before any matching `stop`,
    /// searching from the current node down.
    fn find_open(
        &self,
        target: impl Fn(&Open) -> bool,
        stop: impl Fn(&Open) -> bool,
    ) -> Option<usize> {
        for (i, open) in self.stack.iter().enumerate().rev() {
            if target(open) {
                return Some(i);
            }
            if stop(open) {
                return None;
            }
        }
        None
    }

    fn in_scope(&self, target: impl Fn(&Open) -> bool, extra: &[&str]) -> Option<usize> {
        self.find_open(target, |o| o.is(IS_SCOPE) || extra.contains(&&*o.name))
    }

    fn named(&self, name: &str, extra: &[&str]) -> Option<usize> {
        self.in_scope(|o| &*o.name == name, extra)
    }

    /// Pop the element at `found` and everything above it.
    fn pop_to(&mut self, found: Option<usize>) {
        let Some(i) = found else { return };
        while self.stack.len() > i {
            let Some(open) = self.stack.pop() else { break };
            self.on_stack[open.id] = false;
            self.tables -= usize::from(open.is(IS_TABLE));
            self.paragraphs -= usize::from(open.is(IS_P));
            if open.is(IS_MARKER) {
                // Clear the formatting list up to the last marker.
                while let Some(entry) = self.formatting.pop() {
                    if matches!(entry, Entry::Marker) {
                        break;
                    }
                }
            }
        }
    }

    /// Push an element unless the depth limit forbids it (`force` ignores
    /// the limit, for elements the parser re-creates on its own).
    fn push(&mut self, name: &str, force: bool) -> Option<usize> {
        if self.stack.len() >= MAX_DEPTH && !force {
            return None;
        }
        let open = Open {
            name: name.into(),
            flags: flags_of(name),
            id: self.on_stack.len(),
        };
        self.on_stack.push(true);
        self.tables += usize::from(open.is(IS_TABLE));
        self.paragraphs += usize::from(open.is(IS_P));
        let id = open.id;
        self.stack.push(open);
        Some(id)
    }

    fn close_p(&mut self) {
        if self.paragraphs > 0 {
            let p = self.named("p", &["button"]);
            self.pop_to(p);
        }
    }

    /// Index in the formatting list of the last `name` after the last marker.
    fn last_formatting(&self, name: &str) -> Option<usize> {
        for (i, entry) in self.formatting.iter().enumerate().rev() {
            match entry {
                Entry::Marker => return None,
                Entry::Element { name: n, .. } if &**n == name => return Some(i),
                Entry::Element { .. } => {}
            }
        }
        None
    }

    /// Re-open formatting elements that were closed implicitly.
    fn reconstruct(&mut self) {
        let off_stack = |e: &Entry| matches!(e, Entry::Element { id, .. } if !self.on_stack[*id]);
        let mut first = self.formatting.len();
        while first > 0 && off_stack(&self.formatting[first - 1]) {
            first -= 1;
        }
        for i in first..self.formatting.len() {
            if let Entry::Element { name, .. } = &self.formatting[i] {
                let name = name.clone();
                if let Some(new_id) = self.push(&name, true) {
                    self.formatting[i] = Entry::Element { name, id: new_id };
                }
            }
        }
    }

    /// The adoption agency's effect on depth for formatting element `name`.
    fn adopt(&mut self, name: &str) {
        let Some(entry) = self.last_formatting(name) else {
            self.any_other_end_tag(name);
            return;
        };
        let Entry::Element { id, .. } = self.formatting[entry] else {
            return;
        };
        if !self.on_stack[id] {
            self.formatting.remove(entry);
            return;
        }
        let Some(at) = self.stack.iter().rposition(|o| o.id == id) else {
            return;
        };
        if self.stack[at + 1..].iter().any(|o| o.is(IS_SPECIAL)) {
            // A furthest block: the parser moves elements around without
            // getting shallower; keep the model as it is.
            return;
        }
        self.pop_to(Some(at));
        self.formatting.remove(entry);
    }

    fn any_other_end_tag(&mut self, name: &str) {
        let found = self.find_open(
            |o| &*o.name == name,
            |o| o.is(IS_SPECIAL) && !o.is(IS_IMPLIED_END),
        );
        self.pop_to(found);
    }

    /// Character data between tags.
    pub(crate) fn text(&mut self) {
        self.reconstruct();
    }

    /// A start tag; `false` means drop it (too deep).
    pub(crate) fn start_tag(&mut self, name: &str) -> bool {
        match name {
            "html" | "head" | "body" | "frameset" => return true,
            _ if TABLE_PARTS.contains(&name) && self.tables == 0 => return true,
            "li" | "dd" | "dt" => {
                let same = |o: &Open| {
                    let n = &*o.name;
                    n == name || (name != "li" && (n == "dd" || n == "dt"))
                };
                let special =
                    |o: &Open| o.is(IS_SPECIAL) && !matches!(&*o.name, "address" | "div" | "p");
                let found = self.find_open(same, special);
                self.pop_to(found);
                self.close_p();
            }
            "td" | "th" => {
                let cell = self.in_scope(|o| matches!(&*o.name, "td" | "th"), &[]);
                self.pop_to(cell);
                self.imply_table_parts(true);
            }
            "tr" | "tbody" | "thead" | "tfoot" => {
                let row = |o: &Open| matches!(&*o.name, "tr" | "td" | "th") || &*o.name == name;
                let found = self.find_open(row, |o| o.is(IS_TABLE));
                self.pop_to(found);
                if name == "tr" {
                    self.imply_table_parts(false);
                }
            }
            "option" | "optgroup"
                if self
                    .stack
                    .last()
                    .is_some_and(|o| &*o.name == "option" || &*o.name == name) =>
            {
                self.pop_to(Some(self.stack.len() - 1));
            }
            "a" if self.last_formatting("a").is_some() => self.adopt("a"),
            "button" => {
                let found = self.named("button", &[]);
                self.pop_to(found);
            }
            _ if is_heading(name) => {
                self.close_p();
                if self.stack.last().is_some_and(|o| is_heading(&o.name)) {
                    self.pop_to(Some(self.stack.len() - 1));
                }
            }
            _ if CLOSES_P.contains(&name) => self.close_p(),
            _ => {}
        }
        let reconstructs = !SPECIAL.contains(&name)
            || matches!(
                name,
                "applet"
                    | "marquee"
                    | "object"
                    | "button"
                    | "area"
                    | "br"
                    | "embed"
                    | "img"
                    | "keygen"
                    | "wbr"
                    | "input"
                    | "select"
            );
        if reconstructs {
            self.reconstruct();
        }
        if name == "nobr" && self.named("nobr", &[]).is_some() {
            self.adopt("nobr");
            self.reconstruct();
        }
        if VOID.contains(&name) || RAWTEXT.contains(&name) {
            return true;
        }
        let Some(id) = self.push(name, false) else {
            return false;
        };
        if FORMATTING.contains(&name) {
            self.noahs_ark(name);
            self.formatting.push(Entry::Element {
                name: name.into(),
                id,
            });
        } else if MARKERS.contains(&name) {
            self.formatting.push(Entry::Marker);
        }
        true
    }

    /// At most three entries with the same name (attributes are stripped)
    /// after the last marker: drop the earliest before adding a fourth.
    fn noahs_ark(&mut self, name: &str) {
        let mut same = Vec::new();
        for (i, entry) in self.formatting.iter().enumerate().rev() {
            match entry {
                Entry::Marker => break,
                Entry::Element { name: n, .. } if &**n == name => same.push(i),
                Entry::Element { .. } => {}
            }
        }
        if let (3.., Some(&earliest)) = (same.len(), same.last()) {
            self.formatting.remove(earliest);
        }
    }

    /// The parser inserts `tbody` (and `tr` for a cell) that the markup
    /// omitted; count them too.
    fn imply_table_parts(&mut self, cell: bool) {
        if self.stack.last().is_some_and(|o| o.is(IS_TABLE)) {
            self.push("tbody", false);
        }
        let top = self.stack.last().map(|o| &*o.name);
        if cell && matches!(top, Some("tbody" | "thead" | "tfoot")) {
            self.push("tr", false);
        }
    }

    /// An end tag.
    pub(crate) fn end_tag(&mut self, name: &str) {
        let found = match name {
            "html" | "body" | "br" => None,
            _ if FORMATTING.contains(&name) => {
                self.adopt(name);
                None
            }
            "p" => self.named("p", &["button"]),
            "li" => self.named("li", &["ol", "ul"]),
            _ if is_heading(name) => self.in_scope(|o| is_heading(&o.name), &[]),
            _ if matches!(
                name,
                "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
            ) =>
            {
                self.find_open(
                    |o| &*o.name == name,
                    |o| matches!(&*o.name, "html" | "table" | "template"),
                )
            }
            _ if SPECIAL.contains(&name) => self.named(name, &[]),
            _ => {
                self.any_other_end_tag(name);
                None
            }
        };
        self.pop_to(found);
    }
}
