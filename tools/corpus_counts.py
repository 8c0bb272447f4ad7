#!/usr/bin/env python3
"""Independent message counts for the mailbox corpora under /work/shared/corpora.

Python 3.11, standard library only. Nothing here uses larch: the numbers are meant
to be the expected values in larch's import tests.

Usage:
    python3 tools/corpus_counts.py [--corpora DIR] [--out FILE.json]
                                   [--briefed-rule] [--review]

For every file in corpus set B (Pipermail monthly .txt.gz and the linux-mips
mboxrd .mbox.gz) it records:

  python_mailbox   messages found by Python's mailbox.mbox (it splits on every
                   line that begins with "From ").
  unescaped_from_body_lines
                   [line number (1-based, in the decompressed file), line text
                   truncated to 100 chars] for each line beginning "From " that
                   the separator rule below rejects.
  messages         python_mailbox - len(unescaped_from_body_lines).
  no_message_id    corrected messages without a Message-ID header.
  x_no_archive     corrected messages with "X-No-Archive: yes" or "Archive: no"
                   (case-insensitive).
  distinct         (Pipermail only) distinct (Message-ID, From address with
                   " at " -> "@" lowercased, Date string, Subject) tuples.
  distinct_mid     (Pipermail only) distinct Message-IDs; messages without a
                   Message-ID count individually.
  separators_without_blank_line
                   real separators not preceded by an empty line (see below).
  messages_briefed_rule
                   the count under the rule exactly as briefed, (a) binding.

Messages are the byte ranges between accepted separators; a message's header
block is the lines after its From_ line up to the first empty line (folded
lines are joined; the first occurrence of a field wins; values are taken as
raw bytes decoded as Latin-1, no RFC 2047 decoding).

Separator rule (as briefed):
  a line beginning "From " is a real message separator iff
  (a) it is the first line of the file or the previous line is empty
      (a trailing CR is ignored), AND
  (b) it has the From_ shape "From <something> <date>", where <date> is an
      asctime date ("Wed Jun  3 23:23:00 2015", optionally with a zone before
      the year) or an RFC 2822 date ("Sat, 31 Jul 1999 12:00:00 -0700",
      optionally followed by a "(EDT)" comment), and only white space follows
      the date, AND
  (c) the next line looks like a header field: a name of printable ASCII
      (0x21-0x7E) without ":" followed by ":".

Amendment used for the counts (default): condition (a) is NOT required.
Older Pipermail archives (Mailman's scrubber "URL: ..." / "Skipped content of
type ..." last line) write the next From_ line straight after the last body
line, with no blank line: 13,754 real separators in twisted-pipermail fail
(a) only. Every one of them was checked: its header block holds only the
Pipermail fields (From, Date, Subject, Message-ID, In-Reply-To, References)
and its From_ sender equals the start of its "From:" header. Each file entry
reports them as "separators_without_blank_line", and
"messages_briefed_rule" = messages - separators_without_blank_line is what
the rule as briefed would give. Run with --briefed-rule to make (a) binding.
"""

import argparse
import collections
import difflib
import email.utils
import glob
import gzip
import json
import mailbox
import os
import re
import shutil
import sys
import tempfile

DAY = rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
MON = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
ASCTIME = (DAY + rb" +" + MON + rb" +\d{1,2} +\d{1,2}:\d\d(?::\d\d)?"
           rb"(?: +(?:[A-Z]{1,5}|[+-]\d{4}))? +\d{4}")
RFC2822 = (rb"(?:" + DAY + rb", *)?\d{1,2} +" + MON + rb" +\d{2,4} +\d{1,2}:\d\d(?::\d\d)?"
           rb"(?: *(?:[+-]\d{4}|[A-Z]{1,5}))?(?: +\([^)]*\))?")
FROM_SHAPE = re.compile(rb"^From (?P<sender>.+?) +(?P<date>" + ASCTIME + rb"|" + RFC2822 + rb")[ \t]*$")
HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
# Not used for the counts: a suggested widening of (b) that also takes a
# one-token From_ line without a date ("From - " as Thunderbird writes it,
# "From 1844347792267117879@xxx" as Gmail Takeout writes it).
ONE_TOKEN_FROM = re.compile(rb"^From \S+[ \t]*$")

A_PREV = "a_prev_line_not_empty"
B_SHAPE = "b_no_from_shape"
C_NEXT = "c_next_line_not_header"

SETS = {
    "twisted-pipermail": "B/twisted-pipermail/archives/*/*.txt.gz",
    "imagej-pipermail": "B/imagej-pipermail/archives/*/*.txt.gz",
    "linux-mips-public-inbox": "B/linux-mips-public-inbox/*.mbox.gz",
}
PIPERMAIL_SETS = {"twisted-pipermail", "imagej-pipermail"}
PIPERMAIL_FIELDS = {"from", "date", "subject", "message-id", "in-reply-to", "references"}

BRIEFED_RULE = False   # --briefed-rule: condition (a) is binding


def strip_eol(line):
    return line[:-1] if line.endswith(b"\r") else line


def failed_conditions(lines, i):
    """Which of (a), (b), (c) lines[i] (a line beginning b'From ') fails."""
    failed = []
    if not (i == 0 or strip_eol(lines[i - 1]) == b""):
        failed.append(A_PREV)
    if not FROM_SHAPE.match(strip_eol(lines[i])):
        failed.append(B_SHAPE)
    if not (i + 1 < len(lines) and HEADER_LINE.match(lines[i + 1])):
        failed.append(C_NEXT)
    return failed


def accepted(failed, briefed=None):
    briefed = BRIEFED_RULE if briefed is None else briefed
    if briefed:
        return not failed
    return all(f == A_PREV for f in failed)


def suggested_rule(lines, i):
    """(b') From_ shape or one-token From line, AND (c); (a) not required."""
    ln = strip_eol(lines[i])
    return bool((FROM_SHAPE.match(ln) or ONE_TOKEN_FROM.match(ln))
                and i + 1 < len(lines) and HEADER_LINE.match(lines[i + 1]))


def split_lines(data):
    """Lines without their LF (as Python's binary readline sees them), and the
    byte offset where each line starts."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    return lines, offsets


def parse_headers(lines, start, end):
    fields = []
    for j in range(start, end):
        ln = strip_eol(lines[j])
        if ln == b"":
            break
        if ln[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b" " + ln.strip()
            continue
        name, sep, value = ln.partition(b":")
        if not sep:
            continue
        fields.append([name.strip().lower(), value.strip()])
    hdr = {}
    for name, value in fields:
        # Unfolded values are compared trimmed: `Subject:\n Foo` and `Subject: Foo`
        # are the same field (twisted-python 2003-January holds one message both ways).
        hdr.setdefault(name.decode("latin-1"), value.strip().decode("latin-1"))
    return hdr, [n.decode("latin-1") for n, _ in fields]


def from_address(value):
    if value is None:
        return None
    v = value.replace(" at ", "@")
    addr = email.utils.parseaddr(v)[1]
    return (addr or v).strip().lower()


def analyse_bytes(data):
    lines, offsets = split_lines(data)
    seps, rejected, no_blank, suggested = [], [], [], []
    for i, ln in enumerate(lines):
        if ln.startswith(b"From "):
            failed = failed_conditions(lines, i)
            if suggested_rule(lines, i):
                suggested.append(i)
            if accepted(failed):
                seps.append(i)
                if A_PREV in failed:
                    no_blank.append(i)
            else:
                rejected.append((i, failed))
    msgs = []
    for k, i in enumerate(seps):
        end = seps[k + 1] if k + 1 < len(seps) else len(lines)
        hdr, names = parse_headers(lines, i + 1, end)
        msgs.append({"line": i + 1, "end_line": end, "hdr": hdr, "names": names})
    return {"lines": lines, "offsets": offsets, "seps": seps, "rejected": rejected,
            "no_blank": no_blank, "suggested": suggested, "msgs": msgs}


def msg_key(m):
    h = m["hdr"]
    return (h.get("message-id"), from_address(h.get("from")), h.get("date"), h.get("subject"))


def count_distinct(keys):
    mids = set()
    anon = 0
    for k in keys:
        if k[0] is None:
            anon += 1
        else:
            mids.add(k[0])
    return len(set(keys)), len(mids) + anon


def file_entry(py_count, an, pipermail):
    lines = an["lines"]
    e = {"python_mailbox": py_count,
         "messages": py_count - len(an["rejected"]),
         "unescaped_from_body_lines": [
             [i + 1, lines[i].decode("utf-8", "replace").rstrip("\r")[:100]]
             for i, _ in an["rejected"]]}
    if pipermail:
        e["distinct"], e["distinct_mid"] = count_distinct([msg_key(m) for m in an["msgs"]])
    e["no_message_id"] = sum(1 for m in an["msgs"] if "message-id" not in m["hdr"])
    e["x_no_archive"] = sum(
        1 for m in an["msgs"]
        if m["hdr"].get("x-no-archive", "").strip().lower() == "yes"
        or m["hdr"].get("archive", "").strip().lower() == "no")
    e["separators_without_blank_line"] = len(an["no_blank"])
    e["messages_briefed_rule"] = e["messages"] - (0 if BRIEFED_RULE else len(an["no_blank"]))
    return e


def load(path):
    """Decompress (if .gz) to a temp file in /tmp, count it with mailbox.mbox,
    read it back, delete it. Returns (bytes, python_mailbox count)."""
    fd, tmp = tempfile.mkstemp(prefix="corpus_counts_", dir="/tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        box = mailbox.mbox(tmp, create=False)
        try:
            n = len(box)
        finally:
            box.close()
        with open(tmp, "rb") as f:
            data = f.read()
    finally:
        os.unlink(tmp)
    return data, n


def sanity(an, set_name, checks, rel):
    """Cross-checks on the accepted separators (no effect on the counts)."""
    lines = an["lines"]
    if an["suggested"] != an["seps"]:
        checks["files_where_suggested_rule_differs"] += 1
    for m in an["msgs"]:
        i = m["line"] - 1
        nxt = lines[i + 1]
        if not re.match(rb"^[\x21-\x39\x3b-\x7e]+:([ \t]|$)", strip_eol(nxt)):
            checks["next_line_header_without_space_after_colon"] += 1
        if set_name in PIPERMAIL_SETS:
            sh = FROM_SHAPE.match(strip_eol(lines[i]))
            sender = sh.group("sender").strip() if sh else b""
            ok_fields = set(m["names"]) <= PIPERMAIL_FIELDS
            ok_sender = nxt.startswith(b"From: " + sender) or nxt.startswith(b"Date: ")
            if not (ok_fields and ok_sender):
                checks["pipermail_separator_not_pipermail_like"] += 1
                checks.setdefault("examples", []).append([rel, i + 1])
        else:
            if not lines[i].startswith(b"From mboxrd@z Thu Jan  1 00:00:00 1970"):
                checks["mboxrd_separator_not_canonical"] += 1
                checks.setdefault("examples", []).append([rel, i + 1])


# ------------------------------------------------------------ set B counting

def count_b(root, review_out):
    files, totals, by_list = {}, {}, {}
    reasons = collections.Counter()
    checks = collections.Counter({
        "python_mailbox_disagrees_with_line_scan": 0,
        "next_line_header_without_space_after_colon": 0,
        "pipermail_separator_not_pipermail_like": 0,
        "mboxrd_separator_not_canonical": 0,
        "files_where_suggested_rule_differs": 0})
    for set_name, pattern in SETS.items():
        pip = set_name in PIPERMAIL_SETS
        paths = sorted(glob.glob(os.path.join(root, pattern)))
        tot = collections.Counter()
        keys_by_list = collections.defaultdict(list)
        for p in paths:
            rel = os.path.relpath(p, root)
            data, n = load(p)
            an = analyse_bytes(data)
            e = file_entry(n, an, pip)
            if e["messages"] != len(an["msgs"]):
                print(f"WARNING {rel}: python_mailbox - rejected = {e['messages']} "
                      f"but {len(an['msgs'])} segments", file=sys.stderr)
                checks["python_mailbox_disagrees_with_line_scan"] += 1
            files[rel] = e
            sanity(an, set_name, checks, rel)
            for i, why in an["rejected"]:
                reasons[f"{set_name}: rejected, fails " + "+".join(why)] += 1
            for i in an["no_blank"]:
                reasons[f"{set_name}: accepted, fails only {A_PREV}"] += 1
            lst = rel.split("/")[3] if pip else set_name
            bl = by_list.setdefault(lst, collections.Counter())
            for k in ("python_mailbox", "messages", "no_message_id", "x_no_archive",
                      "separators_without_blank_line", "messages_briefed_rule"):
                tot[k] += e[k]
                bl[k] += e[k]
            tot["files"] += 1
            bl["files"] += 1
            tot["unescaped_from_body_lines"] += len(e["unescaped_from_body_lines"])
            if pip:
                tot["distinct_sum_of_files"] += e["distinct"]
                bl["distinct_sum_of_files"] += e["distinct"]
                if e["distinct"] < e["messages"]:
                    bl["files_with_repeated_messages"] += 1
                    bl["messages_in_files_with_repeats"] += e["messages"]
                keys_by_list[lst].extend(msg_key(m) for m in an["msgs"])
            if review_out is not None:
                write_review(review_out, rel, an)
            print(f"{rel}: {e['python_mailbox']} -> {e['messages']}", file=sys.stderr)
        t = {k: tot[k] for k in ("files", "python_mailbox", "messages", "unescaped_from_body_lines",
                                 "separators_without_blank_line", "messages_briefed_rule",
                                 "no_message_id", "x_no_archive")}
        if pip:
            t["distinct"] = t["distinct_mid"] = 0
            for lst, keys in keys_by_list.items():
                d, dm = count_distinct(keys)
                by_list[lst]["distinct"] = d
                by_list[lst]["distinct_mid"] = dm
                t["distinct"] += d
                t["distinct_mid"] += dm
            t["distinct_sum_of_files"] = tot["distinct_sum_of_files"]
        totals[set_name] = t
    by_list = {k: dict(v) for k, v in sorted(by_list.items())}
    return files, totals, by_list, dict(sorted(reasons.items())), dict(checks)


def write_review(out, rel, an):
    """Every "From " line that is rejected or accepted without a blank line,
    with the lines around it, for checking by eye."""
    lines = an["lines"]
    items = [(i, "REJECT " + "+".join(w)) for i, w in an["rejected"]]
    items += [(i, "ACCEPT no blank line before") for i in an["no_blank"]]
    for i, what in sorted(items):
        out.write(f"{rel}:{i + 1}: {what}\n")
        for j in range(max(0, i - 1), min(len(lines), i + 2)):
            out.write(f"    {j + 1:>6} | {lines[j][:110].decode('utf-8', 'replace')}\n")


# ------------------------------------------------ twisted 2015 May/June claim

def utf8_as_question_marks(line):
    """The line with each non-ASCII UTF-8 character replaced by '?'."""
    try:
        s = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "".join(c if ord(c) < 128 else "?" for c in s).encode("ascii")


def compare_copies(a, b):
    """Classify how two copies (lists of lines) of one message differ."""
    kinds = set()
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        x, y = a[i1:i2], b[j1:j2]
        if tag == "insert" and all(l.strip() == b"" for l in y):
            at_end = all(l.strip() == b"" for l in a[i1:])
            kinds.add("copy 2 has %d more blank line(s)%s" % (len(y), " at the end" if at_end else ""))
        elif tag == "delete" and all(l.strip() == b"" for l in x):
            kinds.add("copy 2 has %d fewer blank line(s)" % len(x))
        elif tag == "replace" and len(x) == len(y):
            for p, q in zip(x, y):
                if p.startswith(b"URL: ") and q.startswith(b"URL: "):
                    kinds.add("scrubber URL line")
                elif utf8_as_question_marks(q) == p:
                    kinds.add("non-ASCII chars are '?' in copy 1, UTF-8 in copy 2")
                else:
                    kinds.add("other text")
        else:
            kinds.add("other text")
    return sorted(kinds) or ["identical"]


def duplicate_claim(root):
    base = "B/twisted-pipermail/archives/twisted-python/"
    names = ["2015-May.txt.gz", "2015-June.txt.gz"]
    out = {"claim": "twisted-python 2015-May + 2015-June: 294 From_ lines, 166 distinct messages"}
    everything = []
    examples = {}
    for nm in names:
        data, n = load(os.path.join(root, base + nm))
        an = analyse_bytes(data)
        lines = an["lines"]
        keys = [msg_key(m) for m in an["msgs"]]
        d, dm = count_distinct(keys)
        f = {"from_lines": sum(1 for l in lines if l.startswith(b"From ")),
             "python_mailbox": n, "messages": len(an["msgs"]), "distinct": d, "distinct_mid": dm}
        first = {}
        pairs = []
        for m, k in zip(an["msgs"], keys):
            if k in first:
                pairs.append((first[k], m))
            else:
                first[k] = m
        f["second_copy_starts_at_line"] = pairs[0][1]["line"] if pairs else None
        f["first_copy_lines"] = [1, pairs[0][1]["line"] - 1] if pairs else None
        f["copies_in_file_order"] = (
            [p[0]["line"] for p in pairs] == sorted(p[0]["line"] for p in pairs)
            and all(p[1]["line"] > pairs[-1][0]["line"] for p in pairs)) if pairs else None
        kinds = collections.Counter()
        dup = []
        for m1, m2 in pairs:
            a = lines[m1["line"] - 1:m1["end_line"]]
            b = lines[m2["line"] - 1:m2["end_line"]]
            how = compare_copies(a[1:], b[1:])
            kinds[" + ".join(how)] += 1
            dup.append([m1["hdr"].get("message-id"), m1["line"], m2["line"], how])
            cat = " + ".join(how)
            if cat not in examples and cat != "identical":
                examples[cat] = [f"{base}{nm} lines {m1['line']} vs {m2['line']}"] + list(
                    difflib.unified_diff([l.decode("utf-8", "replace") for l in a],
                                         [l.decode("utf-8", "replace") for l in b],
                                         "copy 1", "copy 2", lineterm="", n=1))
        f["how_copies_differ"] = dict(kinds.most_common())
        f["duplicated_messages"] = dup   # [Message-ID, line of copy 1, line of copy 2, differences]
        out[nm] = f
        everything.extend((nm, m, k) for m, k in zip(an["msgs"], keys))
    keys = [k for _, _, k in everything]
    d, dm = count_distinct(keys)
    out["both"] = {"from_lines": sum(out[n]["from_lines"] for n in names),
                   "messages": len(keys), "distinct": d, "distinct_mid": dm}
    by_mid = collections.defaultdict(set)
    for nm, m, k in everything:
        by_mid[k[0]].add(nm)
    out["both"]["message_ids_in_both_months"] = sorted(
        str(mid) for mid, s in by_mid.items() if len(s) > 1)
    out["example_diffs"] = examples   # one unified diff per kind of difference
    return out


# ------------------------------------------------------------ set A checks

def check_rlug(root):
    rel = "A/apache-james-mime4j/mbox/src/test/resources/test-1/mbox.rlug"
    p = os.path.join(root, rel)
    data, n = load(p)
    an = analyse_bytes(data)
    e = file_entry(n, an, False)
    offs, seps = an["offsets"], an["seps"]
    res = []
    for k, i in enumerate(seps):
        from_at = offs[i]
        body_at = offs[i + 1]
        nxt = offs[seps[k + 1]] if k + 1 < len(seps) else len(data)
        with open(f"{p}-{k}", "rb") as f:
            exp = f.read()
        cands = {
            "bytes after the From_ line's LF up to the next From_ line (blank line before it included; last: to EOF)": data[body_at:nxt],
            "same minus the final LF": data[body_at:nxt - 1],
            "From_ line included, up to the next From_ line": data[from_at:nxt],
            "From_ line included, minus the final LF": data[from_at:nxt - 1],
        }
        match = next((name for name, c in cands.items() if c == exp), None)
        res.append({"expected_file": f"{rel}-{k}", "from_line_offset": from_at,
                    "content_offset": body_at, "next_from_offset": nxt,
                    "expected_len": len(exp), "match": match,
                    "trailing_LFs_in_expected": len(exp) - len(exp.rstrip(b"\n"))})
    e["expected_split_check"] = res
    e["all_expected_files_match"] = all(r["match"] for r in res) and len(res) == len(
        glob.glob(p + "-*"))
    e["file_uses_crlf"] = b"\r\n" in data
    return rel, e


MIMEKIT_TEST_EXPECTATIONS = {
    # From MimeKit's UnitTests/MimeParserTests.cs (a stored copy, not necessarily
    # the commit of the corpus): TestUnmungedFromLines asserts 4 messages whose
    # markers alternate "From -" / "From Russia with love".
    "unmunged.mbox.txt": "MimeKit expects 4 messages: markers 'From -' (after the BOM), "
                         "'From Russia with love', 'From -', 'From Russia with love'",
    "simple.mbox.txt": "MimeKit's TestSimpleMbox parses every message (no count asserted); "
                       "3 'From - ' markers",
}


def check_mimekit(root):
    out = {}
    for p in sorted(glob.glob(os.path.join(root, "A/mimekit/UnitTests/TestData/mbox/*.mbox.txt"))):
        rel = os.path.relpath(p, root)
        data, n = load(p)
        an = analyse_bytes(data)
        e = file_entry(n, an, False)
        lines, offs = an["lines"], an["offsets"]
        from_idx = [i for i in range(len(lines)) if lines[i].startswith(b"From ")]
        by_off = {offs[i]: i for i in from_idx}
        chk = {"starts_with_utf8_bom": data.startswith(b"\xef\xbb\xbf"),
               "from_lines": [[i + 1, offs[i], lines[i][:70].decode("utf-8", "replace"),
                               failed_conditions(lines, i)] for i in from_idx],
               "amended_rule_separator_offsets": [offs[i] for i in an["seps"]],
               "briefed_rule_separator_offsets": [offs[i] for i in an["seps"] if i not in an["no_blank"]],
               "suggested_rule_separator_offsets": [offs[i] for i in an["suggested"]]}
        base = os.path.basename(p)
        if base in MIMEKIT_TEST_EXPECTATIONS:
            chk["mimekit_test_expectation"] = MIMEKIT_TEST_EXPECTATIONS[base]
        off_json = p[:-len(".mbox.txt")] + ".unix-offsets.json"
        if os.path.exists(off_json):
            with open(off_json) as f:
                ref = json.load(f)
            ref_offs = [m["mboxMarkerOffset"] for m in ref]
            per = []
            for k, m in enumerate(ref):
                o = m["mboxMarkerOffset"]
                i = by_off.get(o)
                failed = failed_conditions(lines, i) if i is not None else ["no From line here"]
                nxt = ref_offs[k + 1] if k + 1 < len(ref) else None
                per.append({"mboxMarkerOffset": o,
                            "marker_line": lines[i][:50].decode("utf-8", "replace") if i is not None else None,
                            "fails": failed,
                            "briefed_rule_finds": i is not None and accepted(failed, True),
                            "amended_rule_finds": i is not None and accepted(failed, False),
                            "beginOffset_is_after_marker_line": i is not None and m["beginOffset"] == offs[i] + len(lines[i]) + 1,
                            "endOffset_is_next_marker_minus_1": (m["endOffset"] == nxt - 1) if nxt is not None else None,
                            "endOffset_is_EOF": m["endOffset"] == len(data)})
            chk["reference"] = os.path.relpath(off_json, root)
            chk["reference_messages"] = len(ref)
            chk["per_message"] = per
            chk["briefed_rule_finds_exactly_reference"] = chk["briefed_rule_separator_offsets"] == ref_offs
            chk["amended_rule_finds_exactly_reference"] = chk["amended_rule_separator_offsets"] == ref_offs
            chk["suggested_rule_finds_exactly_reference"] = chk["suggested_rule_separator_offsets"] == ref_offs
            chk["every_From_line_is_a_reference_marker"] = sorted(offs[i] for i in from_idx) == ref_offs
            cl = []
            for k, m in enumerate(ref):
                he = m["headersEndOffset"]
                mo = re.search(rb"(?im)^Content-Length:[ \t]*(\d+)", data[m["beginOffset"]:he])
                body_start = he + 1 if data[he:he + 1] == b"\n" else he
                body_end = ref_offs[k + 1] if k + 1 < len(ref) else len(data)
                body_lines = data[body_start:body_end].split(b"\n")
                cl.append({"mboxMarkerOffset": m["mboxMarkerOffset"],
                           "content_length": int(mo.group(1)) if mo else None,
                           "body_bytes_to_next_marker": body_end - body_start,
                           "From_lines_in_body": sum(1 for l in body_lines if l.startswith(b"From ")),
                           "gt_From_lines_in_body": sum(1 for l in body_lines if l.startswith(b">From "))})
            chk["content_length"] = cl
        e["reference_check"] = chk
        out[rel] = e
    return out


def main():
    global BRIEFED_RULE
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default="/work/shared/corpora")
    ap.add_argument("--out", default=os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "corpus-counts.json")))
    ap.add_argument("--briefed-rule", action="store_true",
                    help="require condition (a) (a blank line before each separator)")
    ap.add_argument("--review", metavar="FILE",
                    help="write every rejected line and every separator without a blank "
                         "line before it, with context, to FILE")
    args = ap.parse_args()
    BRIEFED_RULE = args.briefed_rule
    root = args.corpora
    review_out = open(args.review, "w", encoding="utf-8") if args.review else None
    files, totals, by_list, reasons, checks = count_b(root, review_out)
    if review_out:
        review_out.close()
    ref = {}
    rel, e = check_rlug(root)
    ref[rel] = e
    ref.update(check_mimekit(root))
    result = {
        "generated_by": "tools/corpus_counts.py (Python 3.11 stdlib only; independent of larch)",
        "corpora_root": root,
        "rule": "briefed: (a)+(b)+(c)" if BRIEFED_RULE else "amended: (b)+(c); (a) reported only",
        "separator_rule": __doc__.split("Separator rule", 1)[1].strip(),
        "totals": totals,
        "totals_by_list": by_list,
        "from_line_classification": reasons,
        "cross_checks": checks,
        "twisted_2015_may_june_duplicate_check": duplicate_claim(root),
        "reference_mboxes": ref,
        "files": files,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(json.dumps(totals, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
