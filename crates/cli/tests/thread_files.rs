//! The static build's thread files (`t/<stem>.atom`, `t/<stem>.mbox.gz`):
//! one pair per thread root, the members in order, well-formed Atom, the
//! same bytes as the serve lookups and as `larch serve` itself, links
//! from the pages, and stale files deleted when a root changes (a late
//! parent merges two threads, a root is removed) or a full build finds
//! files of earlier builds.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod serve_util;

use std::collections::BTreeSet;
use std::path::Path;

use larch::build::{Archive, lookup};
use larch::render::feed;
use serve_util::{Server, add, check_xml, gunzip, ok};

const FIXTURE: &str = "From a@x.org Mon Mar  1 10:00:00 2021
From: Ann <a@x.org>
Subject: topic
Message-ID: <root@x.org>
Date: Mon, 1 Mar 2021 10:00:00 +0000

the root

From b@x.org Mon Mar  1 11:00:00 2021
From: Bob <b@x.org>
Subject: Re: topic
Message-ID: <r1@x.org>
In-Reply-To: <root@x.org>
Date: Mon, 1 Mar 2021 11:00:00 +0000

first reply

From c@x.org Tue Mar  2 09:00:00 2021
From: Cy <c@x.org>
Subject: Re: topic
Message-ID: <r2@x.org>
In-Reply-To: <r1@x.org>
References: <root@x.org> <r1@x.org>
Date: Tue, 2 Mar 2021 09:00:00 +0000

>From the depths: a reply to the reply

From d@x.org Wed Mar  3 09:00:00 2021
From: Dee <d@x.org>
Subject: odd id
Message-ID: <a/b%c+d@x.org>
Date: Wed, 3 Mar 2021 09:00:00 +0000

an id with a slash, a percent and a plus

From e@x.org Thu Mar  4 09:00:00 2021
From: Eve <e@x.org>
Subject: Re: lost parent
Message-ID: <orphan@x.org>
In-Reply-To: <missing@x.org>
Date: Thu, 4 Mar 2021 09:00:00 +0000

the parent is not here yet

From f@x.org Fri Mar  5 09:00:00 2021
From: Fay <f@x.org>
Subject: first with this id
Message-ID: <dup@x.org>
Date: Fri, 5 Mar 2021 09:00:00 +0000

owner of the id

From g@x.org Sat Mar  6 09:00:00 2021
From: Gus <g@x.org>
Subject: second with this id
Message-ID: <dup@x.org>
Date: Sat, 6 Mar 2021 09:00:00 +0000

reuses the id

";

const LATE_PARENT: &[u8] = b"From: Hal <h@x.org>\nSubject: Re: topic\nMessage-ID: <missing@x.org>\nIn-Reply-To: <r2@x.org>\nReferences: <root@x.org> <r1@x.org> <r2@x.org>\nDate: Wed, 3 Mar 2021 12:00:00 +0000\n\nthe lost parent\n";

/// The stems of the `t/` files (each must come as a pair).
fn stems(site: &Path) -> BTreeSet<String> {
    let mut atom = BTreeSet::new();
    let mut mbox = BTreeSet::new();
    for e in std::fs::read_dir(site.join("t")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if let Some(s) = name.strip_suffix(".atom") {
            atom.insert(s.to_owned());
        } else if let Some(s) = name.strip_suffix(".mbox.gz") {
            mbox.insert(s.to_owned());
        }
    }
    assert_eq!(atom, mbox, "every thread has both files");
    atom
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// The Message-IDs in a gzipped mbox, in order, and its From_ line count.
fn mbox_ids(gz: &[u8]) -> (Vec<String>, usize) {
    let text = String::from_utf8(gunzip(gz)).unwrap();
    let froms = text.lines().filter(|l| l.starts_with("From ")).count();
    let ids = text
        .lines()
        .filter_map(|l| l.strip_prefix("Message-ID: <"))
        .map(|l| l.trim_end_matches('>').to_owned())
        .collect();
    (ids, froms)
}

/// The `t/` files named by each of `ids` (thread roots' ids) hold the
/// bytes the serve lookups give for the thread of that id, and `larch
/// serve` answers the same.
fn same_as_serve(a: &Path, ids: &[&str]) {
    let site = a.join("site");
    let archive = Archive::open(a).unwrap();
    let srv = Server::start(a);
    for id in ids {
        let stem = lookup::thread_file_stem(id);
        let atom = std::fs::read(site.join("t").join(format!("{stem}.atom"))).unwrap();
        let mbox = std::fs::read(site.join("t").join(format!("{stem}.mbox.gz"))).unwrap();
        let loc = lookup::find_message(&archive, id).unwrap().unwrap();
        let served = lookup::thread_feed(&archive, loc.num).unwrap().unwrap();
        assert!(feed::atom(&served).as_bytes() == atom, "{id}: atom");
        let nums = lookup::thread_nums(&archive, loc.num).unwrap();
        assert!(
            lookup::thread_mbox_gz(&archive, &nums).unwrap() == mbox,
            "{id}: mbox"
        );
        let enc = larch::render::urls::encode(id);
        assert!(srv.get(&format!("/t/{enc}.atom")).body == atom, "{id}: GET");
        assert!(
            srv.get(&format!("/t/{enc}.mbox.gz")).body == mbox,
            "{id}: GET mbox"
        );
        assert_eq!(check_xml(&String::from_utf8(atom).unwrap()), "feed");
    }
}

/// A site file as text (`/` as the templates escape it, `&#x2f;`, undone).
fn read(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path))
        .unwrap()
        .replace("&#x2f;", "/")
}

#[test]
fn thread_files_follow_their_roots() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    let s = a.to_str().unwrap();
    ok(&["init", s, "--name", "salon", "--title", "Salon"]);
    let mbox = tmp.path().join("fixture.mbox");
    std::fs::write(&mbox, FIXTURE).unwrap();
    ok(&["import", "--archive", s, mbox.to_str().unwrap()]);
    ok(&["build", "--archive", s]);
    let site = a.join("site");

    // One pair per thread root; the reused id names one pair only.
    let odd = lookup::thread_file_stem("a/b%c+d@x.org");
    assert_eq!(odd, "a%2Fb%25c+d@x.org");
    assert_eq!(
        stems(&site),
        set(&["root@x.org", &odd, "orphan@x.org", "dup@x.org"])
    );
    let (ids, froms) = mbox_ids(&std::fs::read(site.join("t/root@x.org.mbox.gz")).unwrap());
    assert_eq!(ids, ["root@x.org", "r1@x.org", "r2@x.org"]);
    assert_eq!(froms, 3, "the body's From line is escaped");
    let atom = read(&site, "t/root@x.org.atom");
    assert_eq!(check_xml(&atom), "feed");
    assert_eq!(atom.matches("<entry>").count(), 3);
    assert!(
        atom.contains("<title>topic</title>")
            && atom.contains("href=\"../2021-March/000002.html\"")
    );
    // The reused id: the thread of its first (lowest-numbered) carrier.
    let (ids, _) = mbox_ids(&std::fs::read(site.join("t/dup@x.org.mbox.gz")).unwrap());
    assert_eq!(ids, ["dup@x.org"]);
    assert!(read(&site, "t/dup@x.org.atom").contains("owner of the id"));
    same_as_serve(
        &a,
        &["root@x.org", "a/b%c+d@x.org", "orphan@x.org", "dup@x.org"],
    );

    // Pages link to their thread's files, the stem encoded once more.
    let page = read(&site, "2021-March/000002.html");
    assert!(page.contains("href=\"../t/root@x.org.atom\""), "{page}");
    assert!(page.contains("href=\"../t/root@x.org.mbox.gz\""));
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    let page = read(&site, "2021-March/000003.html");
    assert!(
        page.contains("href=\"../t/a%252Fb%2525c%2Bd@x.org.atom\""),
        "{page}"
    );
    let second = read(&site, "2021-March/000006.html");
    assert!(second.contains("href=\"../t/dup@x.org.atom\""));
    let index = read(&site, "2021-March/thread.html");
    assert_eq!(
        index.matches("href=\"../t/").count(),
        2 * 5,
        "one pair per thread"
    );
    assert!(!page.contains("<script") && !index.contains("<script"));

    // A late parent joins the orphan's thread to the root's: the orphan's
    // files go, the root's hold all five (by number).
    add(&a, LATE_PARENT);
    assert_eq!(stems(&site), set(&["root@x.org", &odd, "dup@x.org"]));
    let (ids, _) = mbox_ids(&std::fs::read(site.join("t/root@x.org.mbox.gz")).unwrap());
    assert_eq!(
        ids,
        [
            "root@x.org",
            "r1@x.org",
            "r2@x.org",
            "orphan@x.org",
            "missing@x.org"
        ]
    );
    assert!(read(&site, "2021-March/000004.html").contains("href=\"../t/root@x.org.atom\""));
    same_as_serve(&a, &["root@x.org", "dup@x.org"]);

    // The root is removed: the thread is named by its next message.
    ok(&["remove", "--archive", s, "root@x.org", "--reason", "spam"]);
    assert_eq!(stems(&site), set(&["r1@x.org", &odd, "dup@x.org"]));
    let (ids, _) = mbox_ids(&std::fs::read(site.join("t/r1@x.org.mbox.gz")).unwrap());
    assert_eq!(
        ids,
        ["r1@x.org", "r2@x.org", "orphan@x.org", "missing@x.org"]
    );
    assert!(read(&site, "2021-March/000002.html").contains("href=\"../t/r1@x.org.atom\""));
    same_as_serve(&a, &["r1@x.org", "a/b%c+d@x.org"]);

    // The id's owner is removed: the second carrier's thread takes the name.
    ok(&["remove", "--archive", s, "5", "--reason", "spam"]);
    let (ids, _) = mbox_ids(&std::fs::read(site.join("t/dup@x.org.mbox.gz")).unwrap());
    assert_eq!(ids, ["dup@x.org"]);
    assert!(read(&site, "t/dup@x.org.atom").contains("reuses the id"));

    // A full build deletes feeds and mboxes left by earlier builds, and
    // nothing else.
    std::fs::write(site.join("t/stale@x.org.atom"), "old").unwrap();
    std::fs::write(site.join("t/stale@x.org.mbox.gz"), "old").unwrap();
    std::fs::write(site.join("t/notes.txt"), "kept").unwrap();
    let before: Vec<_> = stems(&site).into_iter().collect();
    ok(&["build", "--archive", s]);
    assert_eq!(
        stems(&site),
        set(&["r1@x.org", &odd, "dup@x.org"]),
        "{before:?}"
    );
    assert!(site.join("t/notes.txt").is_file());
}
