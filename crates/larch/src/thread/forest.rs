//! The thread forest: the read-only result of threading, and its views.
//!
//! Owns [`Forest`], [`Entry`], [`Thread`], [`Location`] and the [`Children`]
//! and [`Nested`] iterators. Only `tree` fills a `Forest`; this file only
//! reads it. No I/O, no threading logic.
//!
//! Layout: every thread's entries sit contiguously in one `Vec<Entry>` in
//! display order (depth-first pre-order, siblings by `(date, num)`), so a
//! thread is a slice and an entry's subtree is the `subtree_len()` entries
//! starting at it. Message numbers, ascending, sit beside the entry index
//! of each (found in O(1) for dense numbering, else by binary search).
//! About 44 bytes per message.

/// One node of a thread: a message, or a ghost (a message referenced by
/// others but not in the archive, rendered as "message not in archive").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub(super) num: Option<u64>,
    pub(super) depth: u32,
    /// Position of the parent within the thread, or `u32::MAX` for the root.
    pub(super) parent: u32,
    /// Number of entries in this entry's subtree, itself included.
    pub(super) size: u32,
    pub(super) thread: u32,
}

impl Entry {
    /// The message number, `None` for a ghost.
    pub fn num(&self) -> Option<u64> {
        self.num
    }

    /// True for a ghost (a referenced message that is not in the archive).
    pub fn is_ghost(&self) -> bool {
        self.num.is_none()
    }

    /// Nesting depth: 0 for the thread root.
    pub fn depth(&self) -> usize {
        self.depth as usize
    }

    /// Position of the parent within the thread; `None` for the root.
    pub fn parent(&self) -> Option<usize> {
        (self.parent != u32::MAX).then_some(self.parent as usize)
    }

    /// Entries in this entry's subtree, itself included (so replies below
    /// it, ghosts included, are `subtree_len() - 1`).
    pub fn subtree_len(&self) -> usize {
        self.size as usize
    }

    /// Index of the thread this entry belongs to.
    pub fn thread(&self) -> usize {
        self.thread as usize
    }
}

/// Where a message sits: thread index and position within that thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// Index into [`Forest::threads`] order.
    pub thread: usize,
    /// Position within the thread's entries (0 = root).
    pub position: usize,
}

/// Per-thread bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ThreadInfo {
    pub(super) start: u32,
    pub(super) len: u32,
    pub(super) messages: u32,
    pub(super) first_date: i64,
    pub(super) last_date: i64,
}

/// All threads of an archive. Threads are ordered by `(date, num)` of their
/// earliest message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forest {
    pub(super) entries: Vec<Entry>,
    pub(super) threads: Vec<ThreadInfo>,
    /// Every message number, ascending.
    pub(super) nums: Vec<u64>,
    /// Global entry index of `nums[i]`.
    pub(super) at: Vec<u32>,
    /// `(num, earlier)`: root message `num` has a reply prefix and the same
    /// base subject as the most recent earlier thread, whose root message
    /// (first message, when that root is a ghost) is `earlier`. Not merged:
    /// a hint for "maybe related" links. In thread order.
    pub maybe_related: Vec<(u64, u64)>,
}

impl Forest {
    /// Number of threads.
    pub fn thread_count(&self) -> usize {
        self.threads.len()
    }

    /// Number of messages (ghosts not counted).
    pub fn message_count(&self) -> usize {
        self.nums.len()
    }

    /// The thread at `index`, if any.
    pub fn thread(&self, index: usize) -> Option<Thread<'_>> {
        (index < self.threads.len()).then(|| self.view(index))
    }

    /// All threads, in order.
    pub fn threads(&self) -> impl ExactSizeIterator<Item = Thread<'_>> + '_ {
        (0..self.threads.len()).map(|i| self.view(i))
    }

    /// Thread and position of message `num`.
    pub fn locate(&self, num: u64) -> Option<Location> {
        let e = self.global(num)?;
        let thread = self.entries[e].thread as usize;
        Some(Location {
            thread,
            position: e - self.threads[thread].start as usize,
        })
    }

    /// The entry of message `num`.
    pub fn entry(&self, num: u64) -> Option<&Entry> {
        self.entries.get(self.global(num)?)
    }

    /// The parent entry of message `num` (possibly a ghost); `None` for a
    /// root or an unknown number. `parent(n)?.num()` is the parent's number.
    pub fn parent(&self, num: u64) -> Option<&Entry> {
        let loc = self.locate(num)?;
        let thread = self.thread(loc.thread)?;
        thread.entry(thread.entries[loc.position].parent()?)
    }

    /// The children of message `num` in display order, as
    /// `(position, entry)`; empty for a leaf or an unknown number.
    pub fn children(&self, num: u64) -> Children<'_> {
        match self
            .locate(num)
            .and_then(|l| Some((self.thread(l.thread)?, l)))
        {
            Some((thread, loc)) => thread.children(loc.position),
            None => Children::default(),
        }
    }

    /// Thread `index`, which must exist.
    fn view(&self, index: usize) -> Thread<'_> {
        let info = &self.threads[index];
        let start = info.start as usize;
        Thread {
            index,
            info,
            entries: &self.entries[start..start + info.len as usize],
        }
    }

    fn global(&self, num: u64) -> Option<usize> {
        let first = *self.nums.first()?;
        let guess = num.checked_sub(first).and_then(|d| usize::try_from(d).ok());
        let i = match guess {
            Some(g) if self.nums.get(g) == Some(&num) => g,
            _ => self.nums.binary_search(&num).ok()?,
        };
        Some(self.at[i] as usize)
    }
}

/// A view of one thread.
#[derive(Clone, Copy, Debug)]
pub struct Thread<'a> {
    index: usize,
    info: &'a ThreadInfo,
    entries: &'a [Entry],
}

impl<'a> Thread<'a> {
    /// Index of this thread in the forest.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The root entry (a ghost when the thread starter is missing).
    pub fn root(&self) -> &'a Entry {
        &self.entries[0]
    }

    /// All entries in display order (depth-first pre-order).
    pub fn entries(&self) -> &'a [Entry] {
        self.entries
    }

    /// The entry at `position`.
    pub fn entry(&self, position: usize) -> Option<&'a Entry> {
        self.entries.get(position)
    }

    /// Number of entries, ghosts included (never 0).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Always false: a thread has at least its root.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of messages (ghosts not counted).
    pub fn message_count(&self) -> usize {
        self.info.messages as usize
    }

    /// Filing date of the earliest message.
    pub fn first_date(&self) -> i64 {
        self.info.first_date
    }

    /// Filing date of the latest message.
    pub fn last_date(&self) -> i64 {
        self.info.last_date
    }

    /// Message numbers in display order (ghosts skipped).
    pub fn nums(&self) -> impl Iterator<Item = u64> + 'a {
        self.entries.iter().filter_map(|e| e.num)
    }

    /// The children of the entry at `position`, as `(position, entry)`.
    pub fn children(&self, position: usize) -> Children<'a> {
        let end = self
            .entries
            .get(position)
            .map_or(position, |e| position + e.size as usize);
        Children {
            entries: self.entries,
            next: position + 1,
            end,
        }
    }

    /// Entries with the list markup steps for nested `<ul>` rendering:
    ///
    /// ```text
    /// for step in thread.nested():
    ///     "</li></ul>" x step.close
    ///     if step.open { "<ul>" } else { "</li>" }
    ///     "<li>" + step.entry
    /// "</li></ul>" x thread.final_close()
    /// ```
    pub fn nested(&self) -> Nested<'a> {
        Nested {
            entries: self.entries,
            next: 0,
        }
    }

    /// How many `</li></ul>` close the list after the last step of
    /// [`Thread::nested`].
    pub fn final_close(&self) -> usize {
        self.entries.last().map_or(0, |e| e.depth as usize + 1)
    }
}

/// Iterator over the children of one entry: `(position, entry)`.
#[derive(Clone, Debug, Default)]
pub struct Children<'a> {
    entries: &'a [Entry],
    next: usize,
    end: usize,
}

impl<'a> Iterator for Children<'a> {
    type Item = (usize, &'a Entry);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let position = self.next;
        let entry = self.entries.get(position)?;
        self.next += (entry.size as usize).max(1);
        Some((position, entry))
    }
}

/// One step of [`Thread::nested`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestStep<'a> {
    /// Position within the thread.
    pub position: usize,
    /// The entry to render.
    pub entry: &'a Entry,
    /// Open a new `<ul>` (first entry, or first child of the previous one).
    /// When false, close the previous `</li>` instead.
    pub open: bool,
    /// How many `</li></ul>` to emit first (climbing back up).
    pub close: usize,
}

/// Iterator of [`NestStep`]s.
#[derive(Clone, Debug)]
pub struct Nested<'a> {
    entries: &'a [Entry],
    next: usize,
}

impl<'a> Iterator for Nested<'a> {
    type Item = NestStep<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let position = self.next;
        let entry = self.entries.get(position)?;
        self.next += 1;
        let (open, close) = match position.checked_sub(1).map(|p| &self.entries[p]) {
            None => (true, 0),
            Some(prev) if entry.depth > prev.depth => (true, 0),
            Some(prev) => (false, (prev.depth - entry.depth) as usize),
        };
        Some(NestStep {
            position,
            entry,
            open,
            close,
        })
    }
}
