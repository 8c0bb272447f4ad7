//! Hostile inputs: torture and nesting corpora, generated monsters (100,000
//! parts, 10,000-level nesting, a 100 MB message), a gzip bomb, and
//! attachment names that try to escape the site. Each is archived (or, for
//! the bomb, refused with an error) without panicking, within a generous
//! hang guard, and every written file stays inside the site.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;

/// Generous: these guard against hangs, they are not benchmarks.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn archive_and_build(files: &[PathBuf]) -> (tempfile::TempDir, build::ImportReport) {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(&dir.path().join("a"), "t", None, Period::Month).unwrap();
    let start = Instant::now();
    let report = build::import(
        &mut archive,
        files,
        &ImportOptions { now: 1_700_000_000 },
        &mut (),
    );
    let site = dir.path().join("site");
    build::build_site(&archive, &site).unwrap();
    assert!(start.elapsed() < HANG_GUARD, "took {:?}", start.elapsed());
    assert!(archive.store().check().unwrap().is_empty());
    (dir, report)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn torture_and_nesting_corpora() {
    let Some(root) = common::corpora() else {
        return;
    };
    let files: Vec<PathBuf> = [
        "A/flanker/tests/fixtures/messages/torture.eml",
        "A/flanker/tests/fixtures/messages/enclosed-endless.eml",
        "A/flanker/tests/fixtures/messages/long-header.eml",
        "A/mimekit/UnitTests/TestData/messages/stack-overflow.txt",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    let (_dir, report) = archive_and_build(&files);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.archived + report.duplicates, 4);
}

#[test]
fn generated_monsters_are_archived() {
    let tmp = tempfile::tempdir().unwrap();
    // 100,000 parts.
    let mut many =
        b"From: a@b\nMessage-ID: <many@x>\nContent-Type: multipart/mixed; boundary=z\n\n".to_vec();
    for i in 0..100_000 {
        write!(many, "--z\nContent-Type: text/plain\n\npart {i}\n").unwrap();
    }
    many.extend_from_slice(b"--z--\n");
    // 10,000-level multipart nesting and 10,000 nested message/rfc822.
    let mut deep = b"From: a@b\nMessage-ID: <deep@x>\n".to_vec();
    for i in 0..10_000 {
        write!(
            deep,
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        )
        .unwrap();
    }
    deep.extend_from_slice(b"Content-Type: text/plain\n\nbottom\n");
    let mut nested = b"From: a@b\nMessage-ID: <nested@x>\n".to_vec();
    for _ in 0..10_000 {
        nested.extend_from_slice(b"Content-Type: message/rfc822\n\nFrom: c@d\n");
    }
    nested.extend_from_slice(b"\nbottom\n");
    // A 100 MB message.
    let mut big = b"From: a@b\nMessage-ID: <big@x>\nSubject: big\n\n".to_vec();
    let line = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n";
    while big.len() < 100 << 20 {
        big.extend_from_slice(line);
    }
    let files = vec![
        write(tmp.path(), "many.eml", &many),
        write(tmp.path(), "deep.eml", &deep),
        write(tmp.path(), "nested.eml", &nested),
        write(tmp.path(), "big.eml", &big),
    ];
    let (dir, report) = archive_and_build(&files);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.archived, 4);
    let a = Archive::open(&dir.path().join("a")).unwrap();
    for n in 0..4 {
        let raw = a.store().raw(n).unwrap().unwrap();
        assert_eq!(
            raw,
            std::fs::read(&files[n as usize]).unwrap(),
            "message {n} kept byte-exact"
        );
    }
}

#[test]
fn gzip_bomb_is_refused_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    // 1 GiB of zeros compresses to about 1 MB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = write(tmp.path(), "bomb.mbox.gz", &gz.finish().unwrap());
    let start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "t", None, Period::Month).unwrap();
    let report = build::import(&mut archive, &[bomb], &ImportOptions { now: 0 }, &mut ());
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].error.to_string().contains("not mail"));
    assert!(start.elapsed() < Duration::from_secs(10));
}

/// A gzip bomb shaped like mail: one message that expands to 1 GiB between
/// two ordinary ones. The big one is read past and reported with its offset
/// (over `MAX_MESSAGE`); the others are archived; memory stays bounded by the
/// limit, not the expansion.
#[test]
fn mail_shaped_gzip_bomb_skips_one_message() {
    let tmp = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let one = b"From a@b Mon Jan  1 00:00:00 2024\nMessage-ID: <one@x>\nSubject: one\n\nhi\n\n";
    gz.write_all(one).unwrap();
    let bomb_at = one.len() as u64;
    gz.write_all(b"From a@b Mon Jan  1 00:00:00 2024\nMessage-ID: <bomb@x>\nSubject: bomb\n\n")
        .unwrap();
    let line = [b"a".repeat(1023), b"\n".to_vec()].concat();
    let block = line.repeat(1024);
    for _ in 0..1024 {
        gz.write_all(&block).unwrap();
    }
    gz.write_all(
        b"\nFrom a@b Mon Jan  1 00:00:00 2024\nMessage-ID: <two@x>\nSubject: two\n\nbye\n",
    )
    .unwrap();
    let path = write(tmp.path(), "bomb.mbox.gz", &gz.finish().unwrap());
    let start = Instant::now();
    let (_dir, report) = archive_and_build(&[path]);
    assert!(start.elapsed() < HANG_GUARD);
    assert_eq!(report.archived, 2, "{report:?}");
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let e = report.errors[0].error.to_string();
    assert!(e.contains("larger than 256 MiB"), "{e}");
    assert!(e.contains(&bomb_at.to_string()), "{e}");
}

#[test]
fn attachment_names_never_leave_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "../../../../etc/passwd",
        "/etc/shadow",
        "C:\\\\Windows\\\\system32\\\\evil.dll",
        "CON.txt",
        "....",
        ".htaccess",
        "a\u{202E}gnp.exe",
        "evil\u{0}.html",
        "x.svg",
    ];
    let mut m = b"From: a@b\nMessage-ID: <att@x>\nContent-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nsee attached\n".to_vec();
    for n in names {
        write!(m, "--z\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"{n}\"\n\nDATA\n").unwrap();
    }
    let long = "A".repeat(10_000);
    write!(m, "--z\nContent-Type: text/html\nContent-Disposition: attachment; filename*=utf-8''{long}%2F..%2F.html\n\n<script>x</script>\n--z--\n").unwrap();
    let (dir, report) = archive_and_build(&[write(tmp.path(), "att.eml", &m)]);
    assert_eq!(report.archived, 1);
    let site = dir.path().join("site");
    let mut files = Vec::new();
    let mut stack = vec![dir.path().to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let atts: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.to_string_lossy().contains("/attachments/"))
        .collect();
    assert_eq!(atts.len(), names.len() + 1, "{atts:?}");
    for p in &atts {
        assert!(p.starts_with(&site), "{} is outside the site", p.display());
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "{name}");
        assert!(name.len() <= 120, "{name}");
        assert!(
            !name
                .chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{name:?}"
        );
        let lower = name.to_ascii_lowercase();
        assert!(
            !lower.ends_with(".html") && !lower.ends_with(".svg"),
            "executable type served as is: {name}"
        );
    }
}
