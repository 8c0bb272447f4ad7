//! Tests for date parsing: exact timestamps (computed with Python's datetime),
//! rejections, and no-panic loops.
use super::*;

// Expected timestamps computed independently with Python's datetime.
const HEADER: &[(&str, i64, i32)] = &[
    ("Tue, 01 Jul 2003 10:52:37 +0200", 1057049557, 7200),
    ("Mon, 1 Jun 2015 10:00:00 -0700 (PDT)", 1433178000, -25200),
    ("Sat, 13 Mar 2010 16:32:05 +0530", 1268478125, 19800),
    ("Thu, 29 Feb 2024 05:34 -0500", 1709202840, -18000),
    ("Fri, 31 Dec 1999 23:59:60 +0000", 946684799, 0),
    ("1 Jan 1900 00:00:00 +0000", -2208988800, 0),
    ("Tue, 1 Jul 2003 10:52:37 +1400", 1057006357, 50400),
    ("Tue, 1 Jul 2003 10:52:37 -1200", 1057099957, -43200),
    ("Tue, 1 Jul 2003 10:52:37 +0545", 1057036057, 20700),
    ("Sun, 14 Mar 1999 12:00:00 EST", 921430800, -18000),
    ("Wed, 2 Jul 2003 10:52:37 +0200", 1057135957, 7200),
    ("Mon, 1 Jul 2003 10:52:37 +0200", 1057049557, 7200),
    ("Tue Jul  1 10:52:37 2003", 1057056757, 0),
    ("Tue Jul 1 10:52:37 +0200 2003", 1057049557, 7200),
    ("Tue Jul 1 10:52:37 2003 +0200", 1057049557, 7200),
    ("Tue Jul 1 10:52:37 CEST 2003", 1057049557, 7200),
    ("2003-07-01 10:52:37+02:00", 1057049557, 7200),
    ("2003-07-01T10:52:37Z", 1057056757, 0),
    ("2003-07-01T10:52:37.123456-05:00", 1057074757, -18000),
    ("2003-07-01 10:52", 1057056720, 0),
    ("Tuesday, 1 July 2003 10:52:37 +0200", 1057049557, 7200),
    ("Tuesday, July 1, 2003 10:52 PM", 1057099920, 0),
    ("Tue, 1 Jul 2003 12:05:00 AM -0400", 1057032300, -14400),
    ("Tue, 1 Jul 2003 10:52:37 GMT+0200", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 UTC-05:00", 1057074757, -18000),
    ("Tue, 1 Jul 2003 10:52:37 GMT+2", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 +02:00", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37", 1057056757, 0),
    ("Tue, 1 Jul 2003 10:52:37 +0200 +0200", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 -0700 PDT", 1057081957, -25200),
    ("Tue, 1 Jul 2003 10:52:37 GMT +0200", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 UT", 1057056757, 0),
    ("Tue, 1 Jul 2003 10:52:37 Z", 1057056757, 0),
    ("Tue, 1 Jul 2003 10:52:37 A", 1057056757, 0),
    ("Tue, 1 Jul 2003 10:52:37 CEST", 1057049557, 7200),
    ("Tue, 1 Jan 2003 10:52:37 CET", 1041414757, 3600),
    ("Tue, 1 Jul 2003 10:52:37 MEST", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 MET DST", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 +0200CEST", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 BST", 1057053157, 3600),
    ("Tue, 1 Jul 2003 10:52:37 JST", 1057024357, 32400),
    ("Tue, 1 Jul 2003 10:52:37 IST", 1057036957, 19800),
    ("Tue, 1 Jul 2003 10:52:37 HKT", 1057027957, 28800),
    ("Tue, 1 Jul 2003 10:52:37 KST", 1057024357, 32400),
    ("Tue, 1 Jul 2003 10:52:37 AEST", 1057020757, 36000),
    ("Tue, 1 Jul 2003 10:52:37 pdt", 1057081957, -25200),
    ("Tue, 1 Jul 2003 10:52:37 XYZT", 1057056757, 0),
    ("Tue, 1 Jul 2003 10:52:37.25 +0200", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52 +0200", 1057049520, 7200),
    ("Tue, 1 Jul 03 10:52:37 +0200", 1057049557, 7200),
    ("Thu, 1 Jul 99 10:52:37 +0200", 930819157, 7200),
    ("Tue, 1 Jul 49 10:52:37 +0000", 2508749557, 0),
    ("Thu, 1 Jul 50 10:52:37 +0000", -615474443, 0),
    ("Tue, 1 Jul 103 10:52:37 +0200", 1057049557, 7200),
    ("Tue Jul 1 10:52:37 103", 1057056757, 0),
    ("Tue, 1 Jul 2003 10.52.37 +0200", 1057049557, 7200),
    (
        "Tue, 1 Jul 2003 10:52:37 +0200 garbage here",
        1057049557,
        7200,
    ),
    ("tue, 1 jul 2003 10:52:37 +0200", 1057049557, 7200),
    ("Tue, 1 JUL 2003 10:52:37 +0200", 1057049557, 7200),
    ("Tue, Jul 1 2003 10:52:37 +0200", 1057049557, 7200),
    ("1-Jul-2003 10:52:37 +0200", 1057049557, 7200),
    ("Tue, 1 Sept. 2003 10:52:37 +0200", 1062406357, 7200),
    ("  Tue,\r\n 1 Jul 2003\t10:52:37 +0200  ", 1057049557, 7200),
    ("Tue, 1 Jul 2003 10:52:37 -0000", 1057056757, 0),
    ("Thu, 30 Dec 9999 12:00:00 +0000", 253402171200, 0),
    ("2003/07/01 10:52:37 +0200", 1057049557, 7200),
];
const FROM: &[(&str, i64)] = &[
    ("From addr Mon Jan  3 10:20:30 2005", 1104747630),
    (
        "From addr@example.com Mon Jan  3 10:20:30 2005 remote from x",
        1104747630,
    ),
    (
        "From jdoe at example.com  Tue Jul  1 10:52:37 2003",
        1057056757,
    ),
    ("From x@y Sat, 31 Jul 1999 12:00:00 -0700", 933447600),
    ("From x@y Tue Jul 1 10:52:37 +0200 2003", 1057049557),
    ("From x@y Tue Jul 1 10:52:37 2003 +0200", 1057049557),
    ("From x@y Tue Jul 1 10:52:37 PDT 2003", 1057081957),
    ("From x@y Tue Jul  1 10:52 2003\n", 1057056720),
    ("From  Tue Jul  1 10:52:37 2003", 1057056757),
    ("From MAILER-DAEMON Fri Jul  8 12:08:34 2011", 1310126914),
];
const RECEIVED: &[(&str, i64)] = &[
    (
        "from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.org (Postfix) with ESMTP id 1234; Tue, 1 Jul 2003 10:52:37 +0200 (CEST)",
        1057049557,
    ),
    ("by host; id x; Tue, 1 Jul 2003 10:52:37 -0400", 1057071157),
    (
        "from a (b; c) by d;\r\n\tTue, 1 Jul 2003 10:52:37 +0000",
        1057056757,
    ),
];

#[test]
fn header_cases() {
    for &(input, utc, offset) in HEADER {
        assert_eq!(
            parse_date_header(input),
            Some(ParsedDate { utc, offset }),
            "{input:?}"
        );
    }
}

#[test]
fn from_line_cases() {
    for &(input, utc) in FROM {
        assert_eq!(parse_from_line(input), Some(utc), "{input:?}");
    }
}

#[test]
fn received_cases() {
    for &(input, utc) in RECEIVED {
        assert_eq!(parse_received(input), Some(utc), "{input:?}");
    }
}

#[test]
fn header_rejections() {
    for input in [
        "",
        "   ",
        "garbage",
        "(just a comment)",
        "Tue, 1 Jul 2003",
        "10:52:37 +0200",
        "Tue, 31 Feb 2003 10:00:00 +0000",
        "Fri, 29 Feb 2002 10:00:00 +0000",
        "Tue, 1 Jul 2003 25:00:00 +0000",
        "Tue, 1 Jul 2003 24:00:00 +0000",
        "Tue, 1 Jul 2003 10:61:00 +0000",
        "Tue, 1 Jul 2003 10:00:61 +0000",
        "Tue, 0 Jul 2003 10:00:00 +0000",
        "Tue, 32 Jul 2003 10:00:00 +0000",
        "Tue, 1 Foo 2003 10:00:00 +0000",
        "Mon, 1 Jun 2015 10:00:00 +50579034",
        "Tue, 1 Jul 2003 10:52:37 +1500",
        "Tue, 1 Jul 2003 10:52:37 +2500",
        "Tue, 1 Jul 2003 10:52:37 -9999",
        "Tue, 1 Jul 2003 10:52:37 +0260",
        "Tue, 1 Jul 2003 10:52:37 GMT+15",
        "1 Jan 1899 23:59:59 +0000",
        "1 Jan 0001 00:00:00 +0000",
        "1 Jul 12003 10:00:00 +0000",
        "1 Jul 99999999999999999999 10:00:00 +0000",
        "2003-13-01 10:00:00",
        "2003-02-30T10:00:00Z",
        "2003-07-01X10:00:00Z",
        "1.7.2003 10:00:00",
    ] {
        assert_eq!(parse_date_header(input), None, "{input:?}");
    }
    // An unclosed comment only swallows what follows it.
    let unclosed = parse_date_header("Tue, 1 Jul 2003 10:52:37 +0200 (unclosed");
    assert_eq!(unclosed.map(|d| d.utc), Some(1_057_049_557));
}

#[test]
fn from_line_rejections() {
    for input in [
        "From mboxrd@z Thu Jan  1 00:00:00 1970",
        "From MAILER-DAEMON Thu Jan  1 00:00:00 1970 +0000",
        "From foo",
        "From ",
        "From x@y not a date at all",
        "From x@y Mon Jan 3 25:00:00 2005",
        "Subject: Mon Jan  3 10:20:30 2005",
        ">From x Mon Jan  3 10:20:30 2005",
    ] {
        assert_eq!(parse_from_line(input), None, "{input:?}");
    }
}

#[test]
fn received_rejections() {
    for input in [
        "",
        "from a by b",
        "from a by b; garbage",
        "x; Tue, 31 Feb 2003 10:00:00 +0000",
    ] {
        assert_eq!(parse_received(input), None, "{input:?}");
    }
}

/// xorshift64*: deterministic, no extra crates.
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

#[test]
fn normalizer_agrees_with_strict_on_well_formed_dates() {
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let year = 1900 + rng.below(8100);
        let month = rng.below(12);
        let day = 1 + rng.below(28);
        let (h, m, s) = (rng.below(24), rng.below(60), rng.below(60));
        let off = rng.below(113) as i64 * 15 - 14 * 60; // minutes, -14h..=+14h
        let sign = if off < 0 { '-' } else { '+' };
        let (oh, om) = (off.abs() / 60, off.abs() % 60);
        let rfc = format!(
            "{day} {} {year} {h:02}:{m:02}:{s:02} {sign}{oh:02}{om:02}",
            MON[month as usize]
        );
        let Ok(zdt) = STRICT.parse_zoned_datetime(&rfc) else {
            continue; // out of jiff's range at the edges
        };
        let want = ParsedDate {
            utc: zdt.timestamp().as_second(),
            offset: off as i32 * 60,
        };
        assert_eq!(loose(rfc.as_bytes()), Some(want), "{rfc}");
        let iso = format!(
            "{year}-{:02}-{day:02}T{h:02}:{m:02}:{s:02}{sign}{oh:02}:{om:02}",
            month + 1
        );
        assert_eq!(parse_date_header(&iso), Some(want), "{iso}");
        let asctime = format!(
            "From x Sun {} {day:2} {h:02}:{m:02}:{s:02} {sign}{oh:02}{om:02} {year}",
            MON[month as usize]
        );
        assert_eq!(parse_from_line(&asctime), Some(want.utc), "{asctime}");
    }
}

#[test]
fn never_panics_on_garbage() {
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "Tue,", "Jul", "july", "1", "31", "2003", "03", "103", "10:52:37", "10.52", "+0200",
        "-05:00", "GMT+", "UTC-", "+", "-", ":", ".", "(", ")", "((", "CEST", "Z", "T",
        "2003-07-01T", "99999999999999999999", "+50579034", "é", "\u{0}", "日本", ";", ",",
        " ", "  ", "\t", "\r\n", "From ", "PM", "1-Jul-", "60", "24:00", "9999",
    ];
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for round in 0..50_000 {
        let mut bytes = Vec::new();
        let len = rng.below(40);
        for _ in 0..len {
            if round % 2 == 0 {
                bytes.push(rng.next() as u8);
            } else {
                let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
                bytes.extend_from_slice(piece.as_bytes());
                if rng.below(3) == 0 {
                    bytes.push(b' ');
                }
            }
        }
        let s = String::from_utf8_lossy(&bytes);
        for input in [s.as_ref(), &format!("From x {s}"), &format!("a; {s}")] {
            if let Some(d) = parse_date_header(input) {
                assert!(d.offset.abs() <= MAX_OFFSET, "{input:?}");
            }
            let _ = parse_from_line(input);
            let _ = parse_received(input);
        }
    }
    let huge = "(".repeat(100_000) + &"9".repeat(100_000) + &" Jul".repeat(10_000);
    assert_eq!(parse_date_header(&huge), None);
    assert_eq!(parse_from_line(&format!("From x {huge}")), None);
}
