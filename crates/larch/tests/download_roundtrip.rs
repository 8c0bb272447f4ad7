//! The period download (`<period>.txt.gz`) is a Pipermail-style file that
//! `larch import` reads back byte-exact: build twisted-python 2015-June,
//! import the built download into a fresh archive, compare every message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;

#[test]
fn period_download_reimports_byte_exact() {
    let Some(root) = common::corpora() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::init(&dir.path().join("a"), "t", None, Period::Month).unwrap();
    let mbox = root.join("B/twisted-pipermail/archives/twisted-python/2015-June.txt.gz");
    let r = build::import(&mut a, &[mbox], &ImportOptions { now: 0 }, &mut ());
    assert!(r.errors.is_empty());
    let site = dir.path().join("site");
    build::build_site(&a, &site).unwrap();

    let mut b = Archive::init(&dir.path().join("b"), "t", None, Period::Month).unwrap();
    let download = site.join("2015-June.txt.gz");
    let r2 = build::import(&mut b, &[download], &ImportOptions { now: 0 }, &mut ());
    assert!(r2.errors.is_empty());
    assert_eq!(r2.archived, r.archived);
    // The download is in date order; match messages by Message-ID.
    let model_a = build::site_model(&a).unwrap();
    let model_b = build::site_model(&b).unwrap();
    for m in &model_b.msgs {
        let orig = model_a.msgs[model_a.by_mid[m.summary.message_id.as_str()] as usize].num;
        assert_eq!(
            b.store().raw(m.num).unwrap().unwrap(),
            a.store().raw(orig).unwrap().unwrap(),
            "message <{}> changed in the download",
            m.summary.message_id
        );
    }
}
