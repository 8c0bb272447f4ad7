#!/usr/bin/env python3
"""Write the checked-in seed corpora fuzz/seeds/<target>/ (small, < 1 MB).

Sources: ../shared/corpora/A (licensed parser test suites) and C (hostile
HTML), plus a few synthetic inputs written here. No message from the spam
corpora (A/spamscope-mail-parser, flanker spam) is used: some carry live
malware. Nothing is decoded; bytes are copied (and cut to MAX bytes).

Usage: python3 fuzz/make-seeds.py [CORPORA_DIR]   (default ../shared/corpora)
"""
import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPORA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpora")
A = os.path.join(CORPORA, "A")
C = os.path.join(CORPORA, "C")
MAX = 16 * 1024  # bytes per seed


def out_dir(target):
    d = os.path.join(HERE, "seeds", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def put(d, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    data = data[:MAX]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*parts):
    with open(os.path.join(*parts), "rb") as f:
        return f.read()


# ---- mbox_split ----
d = out_dir("mbox_split")
for rel in [
    "apache-james-mime4j/mbox/src/test/resources/test-1/mbox.rlug",
    "gmime/tests/data/mbox/input/substring.mbox",
    "mimekit/UnitTests/TestData/mbox/simple.mbox.txt",
    "mimekit/UnitTests/TestData/mbox/unmunged.mbox.txt",
    "mimekit/UnitTests/TestData/mbox/issue1189.mbox.txt",
    "mimekit/UnitTests/TestData/mbox/content-length.mbox.txt",  # cut to MAX
]:
    put(d, "a-" + os.path.basename(rel), read(A, rel))
# Synthetic: Pipermail style (" at ", unescaped From lines, no blank line
# before a separator), mboxrd escapes, CRLF, dateless From_ lines, a BOM,
# the git format-patch magic line, junk before the first separator.
put(d, "pipermail.txt",
    "From a at b.org  Wed Jun  3 23:23:00 2015\nFrom: a at b.org (A)\nDate: Wed, 03 Jun 2015 23:23:00 +0000\n"
    "Subject: [L] x\nMessage-ID: <1@b.org>\n\nhello\n\nFrom the docs: it works.\n\nFrom here on\n"
    "URL: <http://x/>\nFrom c at d.org  Wed Jun  3 23:24:00 2015\nFrom: c at d.org\n\ny\n")
put(d, "mboxrd.mbox",
    "From x@y Mon Jan  3 10:20:30 2005\nSubject: s\n\n>From me\n>>From you\n> From quoted\n\n"
    "From x@y Sat, 31 Jul 1999 12:00:00 -0700\nSubject: t\n\nbody\n")
put(d, "crlf.mbox",
    "From a@b Mon Jan  3 10:20:30 2005\r\nSubject: 1\r\n\r\nx\r\n\r\nFrom a@b Mon Jan  3 10:20:30 2005\r\nSubject: 2\r\n\r\ny\r\n")
put(d, "dateless.mbox", "From -\nSubject: 1\n\nx\n\nFrom 123@xxx\nSubject: 2\n\ny")
put(d, "bom.mbox", b"\xef\xbb\xbfFrom a@b Tue Jul 1 10:52:37 +0200 2003\nX-A:b\n\nbody\n")
put(d, "junk-first.mbox",
    "\n\nSubject: orphan\n\ntext\n\nFrom 1234abcd Mon Sep 17 00:00:00 2001\nFrom: a@b\n\n"
    "From mboxrd@z Thu Jan  1 00:00:00 1970\nhttp://x/\nFrom daniel@x.au 23 Aug 1999 03:15:23 GMT\nA: b\n")

# ---- parse_summary ----
d = out_dir("parse_summary")
eml = os.path.join(A, "stalwart-mail-parser/resources/eml")
for sub, names in [
    ("legacy", ["000", "007", "015", "030", "044"]),
    ("malformed", ["000", "003", "006", "010", "014", "018", "022"]),
    ("rfc", ["000", "004", "008"]),
    ("thirdparty", ["002", "009", "016"]),
]:
    for n in names:
        p = os.path.join(eml, sub, n + ".eml")
        if os.path.exists(p):
            put(d, f"stalwart-{sub}-{n}.eml", read(p))
for rel in [
    "public-inbox/t/iso-2202-jp.eml",
    "public-inbox/t/utf8.eml",
    "public-inbox/t/x-unknown-alpine.eml",
    "enmime/testdata/low-quality/bad-header-wrap.raw",
    "enmime/testdata/low-quality/empty-header.raw",
    "enmime/testdata/mail/malformed-multiple-address-header-values.raw",
]:
    put(d, "a-" + os.path.basename(rel), read(A, rel))
# Every date vector of stalwart's date.json in one message each (Date:),
# plus Received and From_ line forms.
dates = [v["header"] for v in json.loads(read(A, "stalwart-mail-parser/resources/date.json"))]
for i, v in enumerate(dict.fromkeys(dates)):
    if i % 3 == 0:  # a third of them: enough shapes, few files
        put(d, f"date-{i:02}.eml", f"From: a@b\nDate: {v}\nSubject: d\n\nx\n")
put(d, "dates-mixed.eml",
    "From x@y Sat, 31 Jul 1999 12:00:00 -0700\n"
    "Received: from a by b; Tue, 1 Jul 2003 10:52:37 +0200 (CEST)\n"
    "Received: by c; 1-Jul-2003 10:52:37 CEST\n"
    "Date: Wed Jun  3 23:23:00 2015\nFrom: zadka.moshe at gmail.com (Moshe Zadka)\n"
    "Subject: =?iso-2022-jp?B?GyRCJUYlOSVIGyhC?= =?iso-2022-jp?B?GyRCJUYbKEI=?=\n"
    "List-Id: Twisted <twisted.lists.example.org>\nX-No-Archive: yes\n"
    "In-Reply-To: <b@x> (A's message of Mon)\nReferences: <a@x>\n <b@x>\n\nbody\n")

# ---- message_view ----
d = out_dir("message_view")
for rel in [
    "enmime/testdata/mail/mime-alternative.raw",
    "enmime/testdata/mail/html-mime-inline.raw",
    "enmime/testdata/mail/attachment.raw",
    "enmime/testdata/mail/mime-bad-8bit-filename.raw",
    "enmime/testdata/mail/inlinemultipart.raw",
    "enmime/testdata/parts/nestedmulti.raw",
    "enmime/testdata/parts/multimixed-no-closing-boundary.raw",
    "enmime/testdata/low-quality/html-only-inline.raw",
    "perl-MIME-tools/testmsgs/attachment-filename-encoding-UTF8.msg",
    "perl-MIME-tools/testmsgs/double-boundary.msg",
    "perl-MIME-tools/testmsgs/hdr-fakeout.msg",
    "public-inbox/t/msg_iter-nested.eml",
    "public-inbox/t/plack-attached-patch.eml",
    "public-inbox/t/plack-qp.eml",
    "public-inbox/t/filter_base-xhtml.eml",
    "cpython-test_email/data/msg_02.txt",
    "cpython-test_email/data/msg_16.txt",
    "cpython-test_email/data/msg_44.txt",
]:
    p = os.path.join(A, rel)
    if os.path.exists(p):
        put(d, "a-" + os.path.basename(rel), read(p))
# Hostile HTML: a few dozen vectors from C, each as a text/html message and
# as a bare body (the target also renders its raw input directly).
vectors = []
try:
    vectors += [i["payload"] for i in json.loads(read(C, "dompurify/expect.json"))][::12]
    vectors += json.loads(read(C, "owasp-xss-filter-evasion/vectors.json"))[::12]
except OSError:
    pass
for i, v in enumerate(vectors):
    put(d, f"xss-{i:02}.html", v)
    if i % 2 == 0:
        put(d, f"xss-{i:02}.eml",
            "From: a@b\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=B\n\n"
            "--B\nContent-Type: text/plain\n\nshort\n--B\nContent-Type: text/html; charset=utf-8\n\n"
            + v + "\n--B--\n")
put(d, "filenames.eml",
    "From: a@b\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
    "--B\nContent-Type: text/plain; format=flowed; delsp=yes\n\nLong \nline.\n> quo \n> ted\n-- \nsig\n"
    "--B\nContent-Type: text/html\nContent-Disposition: attachment; filename=\"../../etc/CON.html\"\n\n<script>x</script>\n"
    "--B\nContent-Type: image/svg+xml\nContent-Disposition: attachment; filename*=UTF-8''%E2%80%AEgnp.svg\n\n<svg/onload=x>\n"
    "--B\nContent-Type: image/png\nContent-ID: <img1@x>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
    "--B\nContent-Type: text/html\n\n<p><img src=\"cid:img1@x\"><a href=\"javascript:alert(1)\">x</a></p>\n"
    "--B\nContent-Type: message/rfc822\n\nFrom: c@d\nSubject: inner\n\ninner body\nbegin 644 x.html\n"
    "#/#TT\n`\nend\n--B--\n")
put(d, "patch.txt",
    "Hi,\n\n> quoted\n>> deeper\n\ndiff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n"
    " x | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\nsee https://example.org/a?b=c&d <mailto:x@y>\n-- \nme\n")

# ---- query_parser ----
d = out_dir("query_parser")
for i, q in enumerate([
    "twisted deferred",
    's:"release notes" f:glyph',
    "d:20150101..20151231 b:reactor",
    "d:2015-06.. OR d:..199912",
    "m:<CAxyz@mail.example.org>",
    "tc:(alice OR bob) -spam +urgent",
    "NOT (a AND b) OR c*",
    "nq:patch q:quoted bs:foo n:report.pdf l:twisted-python.twistedmatrix.com",
    "a:x@y.org && (s:x || s:y)",
    "\u201cphrase in curly quotes\u201d",
    "日本語の検索 Ünïcödé café",
    "((((((((x))))))))",
    "s:( ) m: d:2020..2010 \"unclosed",
    "foo-bar:baz -- * ** -(",
]):
    put(d, f"q-{i:02}.txt", q.encode().decode("unicode_escape").encode("utf-8") if "\\u" in q else q)

total = 0
count = 0
for root, _, files in os.walk(os.path.join(HERE, "seeds")):
    for f in files:
        total += os.path.getsize(os.path.join(root, f))
        count += 1
print(f"{count} seed files, {total} bytes")
