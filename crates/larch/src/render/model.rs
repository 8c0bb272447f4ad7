//! `SiteModel`: everything render needs to know about the archive, built by
//! the orchestrator from the store and the thread forest. Plain data.

use std::collections::HashMap;

use super::urls;
use crate::config::Config;
use crate::model::Summary;
use crate::thread::Forest;

/// One archived message.
#[derive(Debug, Clone)]
pub struct MsgInfo {
    pub num: u64,
    /// Removed by the administrator: (reason, removed_at). Such a message
    /// keeps its page (a tombstone) and nothing else.
    pub removed: Option<(String, i64)>,
    /// Index into `SiteModel::periods`.
    pub period: u32,
    pub summary: Summary,
}

/// One period (archive volume).
#[derive(Debug, Clone)]
pub struct PeriodInfo {
    /// Directory name, Pipermail style (`2015-June`).
    pub name: String,
    /// Human label (`June 2015`).
    pub label: String,
    /// Indices into `SiteModel::msgs`, by (filed_at, num); removed ones excluded.
    pub members: Vec<u32>,
    /// Removed messages filed in this period (their tombstones).
    pub removed: Vec<u32>,
}

/// The whole archive as render sees it.
#[derive(Debug)]
pub struct SiteModel {
    pub config: Config,
    /// By number.
    pub msgs: Vec<MsgInfo>,
    /// Indices into `msgs` by (filed_at, num); removed ones excluded.
    pub by_date: Vec<u32>,
    /// Position in `by_date` of each message.
    pub date_pos: Vec<u32>,
    /// Oldest first.
    pub periods: Vec<PeriodInfo>,
    pub forest: Forest,
    /// Each thread's first archived (lowest-numbered) message, by thread
    /// index: its Message-ID names the thread's `t/` files.
    pub thread_roots: Vec<u64>,
    pub by_num: HashMap<u64, u32>,
    /// Message-ID -> the message that owns it.
    pub by_mid: HashMap<String, u32>,
    /// Subject sort keys (base subject, lowercased), by message index.
    pub subject_keys: Vec<String>,
    /// num -> nums of messages that look related by subject only.
    pub related: HashMap<u64, Vec<u64>>,
}

impl SiteModel {
    /// The message with number `num`.
    pub fn msg(&self, num: u64) -> Option<&MsgInfo> {
        self.by_num.get(&num).map(|&i| &self.msgs[i as usize])
    }

    /// The stem of the `t/` files of the thread holding message `num`
    /// ([`urls::thread_file_stem`] of its first archived message's id).
    pub fn thread_stem(&self, num: u64) -> Option<String> {
        let t = self.forest.locate(num)?.thread;
        let root = self.msg(*self.thread_roots.get(t)?)?;
        Some(urls::thread_file_stem(root.summary.message_id.as_str()))
    }

    /// The period a message is filed in.
    pub fn period_of(&self, m: &MsgInfo) -> &PeriodInfo {
        &self.periods[m.period as usize]
    }
}
