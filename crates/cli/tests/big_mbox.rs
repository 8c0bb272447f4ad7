//! Resource bounds (issue 5): a 1 GiB mbox of generated mail is imported and
//! built within a time guard, with peak memory (the kernel's `VmHWM`, polled
//! while each command runs) under 1 GiB, and every message archived.
//!
//! The mbox is generated here, deterministically: threads of plain-text
//! messages from 2 KB to 200 KB, every 16th with a base64 attachment of up
//! to 1 MB, so both the splitter and the store see large and small messages.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_BYTES: u64 = 1 << 30;
const RSS_LIMIT_KB: u64 = 1 << 20;
const TIME_LIMIT: Duration = Duration::from_secs(900);

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "kernel",
    "patch",
    "mailing",
    "list",
    "archive",
    "thread",
    "reply",
    "build",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "with",
    "as",
    "on",
    "was",
    "driver",
    "memory",
    "regression",
    "commit",
    "review",
    "merge",
    "branch",
    "test",
];

/// Writes the mbox; returns the number of messages.
fn generate(path: &Path) -> usize {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut written, mut n) = (0u64, 0usize);
    let mut line = String::new();
    while written < TARGET_BYTES {
        let root = n - n % 8;
        let day = 1 + (n / 400) % 28;
        let month = 1 + (n / 11_200) % 12;
        let mut msg = format!(
            "From user{u}@example.org Mon Jan  1 00:00:00 2024\n\
             From: User {u} <user{u}@example.org>\n\
             To: list@example.org\n\
             Subject: {re}topic {root}\n\
             Date: Mon, {day} {mon} 2024 12:{mm:02}:{ss:02} +0000\n\
             Message-ID: <big{n}@example.org>\n",
            u = rng.below(500),
            re = if n == root { "" } else { "Re: " },
            mon = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
            ][month - 1],
            mm = (n / 60) % 60,
            ss = n % 60,
        );
        if n != root {
            msg.push_str(&format!(
                "In-Reply-To: <big{p}@example.org>\nReferences: <big{root}@example.org> <big{p}@example.org>\n",
                p = n - 1
            ));
        }
        let text_len = 2_000 + rng.below(198_000) as usize;
        let mut body = String::with_capacity(text_len + 100);
        while body.len() < text_len {
            line.clear();
            while line.len() < 70 {
                line.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
                line.push(' ');
            }
            // mboxrd: a body line starting with "From " must be quoted.
            if rng.below(500) == 0 {
                body.push_str(">From the archive\n");
            }
            body.push_str(line.trim_end());
            body.push('\n');
        }
        if n % 16 == 5 {
            msg.push_str(
                "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
                 Content-Type: text/plain; charset=utf-8\n\n",
            );
            msg.push_str(&body);
            msg.push_str(
                "--b\nContent-Type: application/octet-stream; name=\"data.bin\"\n\
                 Content-Transfer-Encoding: base64\n\
                 Content-Disposition: attachment; filename=\"data.bin\"\n\n",
            );
            let lines = 1 + rng.below(13_000);
            for _ in 0..lines {
                let x = rng.next();
                msg.push_str(&format!("{x:016x}{x:016x}{x:016x}{x:016x}QUFB\n"));
            }
            msg.push_str("--b--\n");
        } else {
            msg.push_str("Content-Type: text/plain; charset=utf-8\n\n");
            msg.push_str(&body);
        }
        msg.push('\n');
        out.write_all(msg.as_bytes()).unwrap();
        written += msg.len() as u64;
        n += 1;
    }
    out.flush().unwrap();
    n
}

/// Runs `larch ARGS`, polling `/proc/PID/status` for the peak RSS; returns
/// (stdout+stderr, peak kB, wall time). Kills it past `TIME_LIMIT`.
fn run_measured(args: &[&str]) -> (String, u64, Duration) {
    let start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(args)
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(hwm) = s.lines().find_map(|l| l.strip_prefix("VmHWM:"))
        {
            let kb = hwm
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0);
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            child.kill().unwrap();
            panic!("larch {args:?} still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "larch {args:?} failed: {out}");
    (out, peak, start.elapsed())
}

#[test]
fn one_gib_mbox_imports_and_builds_within_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let mbox = tmp.path().join("big.mbox");
    let count = generate(&mbox);
    let size = std::fs::metadata(&mbox).unwrap().len();
    assert!(size >= TARGET_BYTES, "{size}");
    let a = tmp.path().join("a");
    let a = a.to_str().unwrap();
    let ok = Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(["init", a, "--name", "big"])
        .output()
        .unwrap();
    assert!(ok.status.success());

    let (out, import_kb, import_t) =
        run_measured(&["import", "--archive", a, mbox.to_str().unwrap()]);
    eprintln!(
        "import: {count} messages, {} MiB, {import_t:?}, peak {} MiB",
        size >> 20,
        import_kb >> 10
    );
    assert!(
        out.contains(&format!("read {count}, archived {count},")),
        "{out}"
    );
    assert!(out.contains("errors 0"), "{out}");
    assert!(
        import_kb > 0 && import_kb < RSS_LIMIT_KB,
        "import peak {import_kb} kB"
    );

    let (out, build_kb, build_t) = run_measured(&["build", "--archive", a]);
    eprintln!("build: {build_t:?}, peak {} MiB", build_kb >> 10);
    assert!(out.contains(&format!("built {count} messages")), "{out}");
    assert!(
        build_kb > 0 && build_kb < RSS_LIMIT_KB,
        "build peak {build_kb} kB"
    );

    // Spot-check the largest kind of message made it through whole: the
    // attachment of message 5 is in the site.
    let site = Path::new(a).join("site");
    let found = common::files(&site)
        .iter()
        .any(|p| p.to_string_lossy().ends_with("data.bin"));
    assert!(found, "no data.bin attachment written");
}
