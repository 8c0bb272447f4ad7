"""The larch archiver inside a real Mailman 3, against the real larch binary."""

import email
import logging
import os
import subprocess
import sys
import time

import pytest
from conftest import (
    BASE_URL,
    LARCH,
    HeldLock,
    archive_dir,
    export,
    fake_larch,
    larch,
    spool_dir,
    write_larch_cfg,
)

from mailman.email.message import Message

from larch_mailman3 import LarchArchiver
from larch_mailman3.archiver import message_id, quote_message_id
from larch_mailman3.delivery import message_bytes


def parse(raw: bytes) -> Message:
    # What Mailman's LMTP runner does with what the MTA hands it.
    return email.message_from_bytes(raw, Message)


def ascii_msg(list_addr, n=1):
    return parse(
        f"From: Ada Lovelace <ada@example.org>\n"
        f"To: {list_addr}\n"
        f"Subject: Notes on the engine {n}\n"
        f"Message-ID: <engine.{n}/notes%{n}@example.org>\n"
        f"Date: Mon, 3 Mar 2025 10:{n:02d}:00 +0000\n"
        f"\n"
        f"The analytical engine weaves algebraic patterns.\n"
        f"From the start of a line, as mboxrd must escape.\n".encode()
    )


NON_ASCII = (
    "From: =?utf-8?q?Jos=C3=A9_Mar=C3=ADa?= <jose@example.org>\n"
    "Subject: Café — ünïcödé 日本語\n"
    "Message-ID: <cafe.u@example.org>\n"
    "Date: Tue, 4 Mar 2025 11:00:00 +0100\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Grüße aus Köln, 你好, Привет.\n"
).encode("utf-8")

MALFORMED = (
    b"From: broken@example.org\n"
    b"Subject: caf\xe9 in raw latin-1, no encoded-word\n"
    b"Message-ID: <broken@example.org>\n"
    b"Date: Thu, 31 Feb 2025 25:61:00 +9999\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="XYZ"\n'
    b"\n"
    b"--XYZ\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"!!!this is not base64###\n"
    b"--XYZ\n"
    b'Content-Type: application/octet-stream; name="a.bin"\n'
    b"\n"
    b"\x00\x01\xff\xfe and the closing boundary never comes\n"
)


def test_mailman_loads_the_archiver(mm, archiver, mlist):
    from mailman.interfaces.archiver import IArchiver
    from mailman.interfaces.mailinglist import IListArchiverSet
    from zope.interface.verify import verifyObject

    assert isinstance(archiver, LarchArchiver)
    assert archiver.is_enabled is True
    assert verifyObject(IArchiver, archiver)
    (entry,) = [a for a in IListArchiverSet(mlist).archivers if a.name == "larch"]
    assert entry.is_enabled


def test_urls(archiver, mlist):
    assert archiver.list_url(mlist) == f"{BASE_URL}/{mlist.list_id}/"
    msg = ascii_msg(mlist.posting_address, 7)
    assert (
        archiver.permalink(mlist, msg)
        == f"{BASE_URL}/{mlist.list_id}/m/engine.7%2Fnotes%257@example.org"
    )
    odd = parse(b"Message-ID: \n <a b?c#d/e&f+g@[1.2.3.4]>\n\nx\n")
    assert message_id(odd) == "a b?c#d/e&f+g@[1.2.3.4]"
    assert (
        archiver.permalink(mlist, odd)
        == f"{BASE_URL}/{mlist.list_id}/m/a%20b%3Fc%23d%2Fe&f+g@%5B1.2.3.4%5D"
    )
    eight_bit = parse("Message-ID: <café.ü@example.org>\n\nx\n".encode())
    assert message_id(eight_bit) == "café.ü@example.org"
    assert archiver.permalink(mlist, eight_bit).endswith("/m/caf%C3%A9.%C3%BC@example.org")
    assert archiver.permalink(mlist, parse(b"Subject: no id\n\nx\n")) is None


def test_messages_are_archived_byte_for_byte(mm, archiver, mlist):
    msgs = [ascii_msg(mlist.posting_address), parse(NON_ASCII), parse(MALFORMED)]
    # A message Mailman has edited so that it can't be written as ASCII
    # (Python bug 41307): a str payload holding both a real non-ASCII
    # character and an undecodable input byte. Mailman's own as_bytes() and
    # as_string() both raise on it.
    edited = Message()
    edited["From"] = "edited@example.org"
    edited["Subject"] = "edited by a handler"
    edited["Message-ID"] = "<edited@example.org>"
    edited["Date"] = "Wed, 5 Mar 2025 12:00:00 +0000"
    edited.set_payload("h\udce9llo w\u00f6rld\n")
    with pytest.raises(UnicodeEncodeError):
        edited.as_bytes()
    msgs.append(edited)

    expected = [message_bytes(m) for m in msgs]
    assert expected[0] == msgs[0].as_bytes()
    assert expected[1] == NON_ASCII
    # Mailman's message object can't give back a multipart whose closing
    # boundary never came: Python's generator writes one. That is what larch
    # gets (and what HyperKitty would get).
    assert expected[2] == MALFORMED + b"--XYZ--\n"
    assert expected[3].endswith(b"h\xe9llo w\xc3\xb6rld\n")

    for m in msgs:
        assert archiver.archive_message(mlist, m) == archiver.permalink(mlist, m)
    a = archive_dir(mm, mlist)
    assert export(a) == expected
    assert b"messages 4," in larch("stats", "--archive", str(a)).stdout
    assert larch("check", "--archive", str(a)).returncode == 0
    # The site was updated by each add: every message has its page.
    pages = sorted(p.name for p in (a / "site").glob("*/0000*.html"))
    assert pages == ["000000.html", "000001.html", "000002.html", "000003.html"]
    site = "".join(p.read_text("utf-8") for p in (a / "site").glob("*/0000*.html"))
    assert "Notes on the engine 1" in site and "日本語" in site and "Grüße aus Köln" in site
    # The archive was created on the first post (init: yes) with the list's
    # name and address.
    toml = (a / "larch.toml").read_text()
    assert f'name = "{mlist.list_name}"' in toml
    assert mlist.posting_address in toml
    assert not os.path.exists(spool_dir(mm, mlist) / "new") or not os.listdir(
        spool_dir(mm, mlist) / "new"
    )
    infos = [r.getMessage() for r in mm["records"] if r.levelno == logging.INFO]
    assert any("archived as message 3" in i for i in infos), infos


def test_redelivery_is_a_duplicate(mm, archiver, mlist):
    m = ascii_msg(mlist.posting_address)
    archiver.archive_message(mlist, m)
    assert archiver.archive_message(mlist, m) == archiver.permalink(mlist, m)
    assert len(export(archive_dir(mm, mlist))) == 1
    assert any("duplicate" in r.getMessage() for r in mm["records"])


def test_through_mailmans_runners(mm, mlist):
    """inject -> incoming runner -> pipeline (rfc-2369 adds List-Archive and
    Archived-At from this archiver) -> archive runner -> larch."""
    from mailman.app.inject import inject_message
    from mailman.runners.archive import ArchiveRunner
    from mailman.runners.incoming import IncomingRunner
    from mailman.runners.pipeline import PipelineRunner
    from mailman.testing.helpers import get_queue_messages, make_testable_runner

    posts = [ascii_msg(mlist.posting_address, i) for i in (1, 2)] + [parse(NON_ASCII)]
    for p in posts:
        inject_message(mlist, p)
    for runner, queue in ((IncomingRunner, "in"), (PipelineRunner, "pipeline"), (ArchiveRunner, "archive")):
        make_testable_runner(runner, queue).run()
    stored = export(archive_dir(mm, mlist))
    assert len(stored) == 3
    # The copy Mailman sends to members carries the same links.
    out = get_queue_messages("out", expected_count=3)
    for raw, item in zip(stored, out):
        sent = item.msg
        got = parse(raw)
        assert got["Message-ID"] == sent["Message-ID"]
        url = f"{BASE_URL}/{mlist.list_id}/m/{quote_message_id(message_id(sent))}"
        # (Mailman folds long headers; unfold before comparing.)
        assert "".join(str(sent["Archived-At"]).split()) == f"<{url}>"
        assert "".join(got["Archived-At"].split()) == f"<{url}>"
        assert "".join(got["List-Archive"].split()) == f"<{BASE_URL}/{mlist.list_id}/>"
    # clobber_date: never, so larch files each post under the Date it was
    # sent with (the posts are older than Mailman's one-day skew).
    assert "Date: Mon, 3 Mar 2025 10:01:00 +0000" in stored[0].decode()
    assert [
        r for r in mm["records"] if r.levelno >= logging.WARNING
    ] == [], [r.getMessage() for r in mm["records"]]


def test_locked_archive_is_spooled_and_retried_in_order(mm, archiver, mlist):
    first = ascii_msg(mlist.posting_address, 1)
    assert archiver.archive_message(mlist, first)  # creates the archive
    a = archive_dir(mm, mlist)
    s = spool_dir(mm, mlist) / "new"
    with HeldLock(a):
        t0 = time.monotonic()
        assert archiver.archive_message(mlist, ascii_msg(mlist.posting_address, 2)) is None
        assert archiver.archive_message(mlist, parse(NON_ASCII)) is None
        # Each call waits one lock_wait (1 s), not one per waiting message.
        assert time.monotonic() - t0 < 5
        waiting = sorted(os.listdir(s))
        assert len(waiting) == 2
        assert (s / waiting[1]).read_bytes() == NON_ASCII
    warnings = [r.getMessage() for r in mm["records"] if r.levelno == logging.WARNING]
    assert any("spooled as" in w and "locked" in w for w in warnings), warnings
    assert len(export(a)) == 1
    # Released: the next post flushes the spool first, in arrival order.
    last = ascii_msg(mlist.posting_address, 4)
    assert archiver.archive_message(mlist, last) == archiver.permalink(mlist, last)
    assert os.listdir(s) == []
    subjects = [parse(m)["Subject"] for m in export(a)]
    assert subjects[0] == "Notes on the engine 1"
    assert subjects[1] == "Notes on the engine 2"
    assert subjects[3] == "Notes on the engine 4"
    assert export(a)[2] == NON_ASCII


def test_flush_command_for_cron(mm, archiver, mlist):
    archiver.archive_message(mlist, ascii_msg(mlist.posting_address, 1))
    a = archive_dir(mm, mlist)
    with HeldLock(a):
        assert archiver.archive_message(mlist, parse(NON_ASCII)) is None
        r = subprocess.run(
            [sys.executable, "-m", "larch_mailman3", "flush", "--config", str(mm["larch_cfg"])],
            stderr=subprocess.PIPE,
        )
        assert r.returncode == 75, r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "larch_mailman3", "flush", "--config", str(mm["larch_cfg"])],
        stderr=subprocess.PIPE,
    )
    assert r.returncode == 0, r.stderr
    assert f"{mlist.list_id}: 0 waiting".encode() in r.stderr
    assert export(a)[1] == NON_ASCII


def test_no_archive_without_init_is_spooled(mm, mlist, tmp_path):
    cfg = write_larch_cfg(tmp_path / "larch.cfg", mm["root"], init="no")
    arch = LarchArchiver(str(cfg))
    m = ascii_msg(mlist.posting_address)
    assert arch.archive_message(mlist, m) is None
    (f,) = (spool_dir(mm, mlist) / "new").iterdir()
    assert f.read_bytes() == m.as_bytes()
    assert (spool_dir(mm, mlist) / "archive").read_text().strip() == str(archive_dir(mm, mlist))
    assert any("not a larch archive" in r.getMessage() for r in mm["records"])
    # The admin runs larch init; the next post brings both in.
    larch("init", str(archive_dir(mm, mlist)), "--name", mlist.list_name)
    assert arch.archive_message(mlist, parse(NON_ASCII))
    assert export(archive_dir(mm, mlist)) == [m.as_bytes(), NON_ASCII]


def test_larch_crash_goes_to_failed(mm, mlist, tmp_path):
    cmd = fake_larch(tmp_path, 'cat >/dev/null; echo "thread main panicked" >&2; exit 101')
    arch = LarchArchiver(str(write_larch_cfg(tmp_path / "l.cfg", mm["root"], command=cmd)))
    m = ascii_msg(mlist.posting_address)
    assert arch.archive_message(mlist, m) is None
    (f,) = (spool_dir(mm, mlist) / "failed").iterdir()
    assert f.read_bytes() == m.as_bytes()
    errors = [r.getMessage() for r in mm["records"] if r.levelno == logging.ERROR]
    assert any("NOT archived" in e and "exit 101" in e and "panicked" in e for e in errors)


def test_timeouts_are_retried_then_put_aside(mm, mlist, tmp_path):
    cmd = fake_larch(tmp_path, "exec sleep 30")
    cfg = write_larch_cfg(tmp_path / "l.cfg", mm["root"], command=cmd, lock_wait="0", timeout="1")
    arch = LarchArchiver(str(cfg))
    new = spool_dir(mm, mlist) / "new"
    arch.archive_message(mlist, ascii_msg(mlist.posting_address, 1))
    assert [p.name.endswith("-t1.eml") for p in new.iterdir()] == [True]
    # Next post: the waiting one times out again (t2), the new one too (t1).
    arch.archive_message(mlist, ascii_msg(mlist.posting_address, 2))
    assert sorted(p.name[-6:] for p in new.iterdir()) == ["t1.eml", "t2.eml"]
    # Third timeout of the first message: put aside in failed/.
    arch.archive_message(mlist, ascii_msg(mlist.posting_address, 3))
    assert len(list((spool_dir(mm, mlist) / "failed").iterdir())) == 1


def test_larch_missing_is_spooled(mm, mlist, tmp_path):
    cfg = write_larch_cfg(tmp_path / "l.cfg", mm["root"], command="/nonexistent/larch")
    arch = LarchArchiver(str(cfg))
    assert arch.archive_message(mlist, ascii_msg(mlist.posting_address)) is None
    assert len(list((spool_dir(mm, mlist) / "new").iterdir())) == 1
    assert any("cannot run /nonexistent/larch" in r.getMessage() for r in mm["records"])


def test_broken_config_keeps_the_message(mm, mlist, tmp_path):
    from mailman.config import config

    arch = LarchArchiver(str(tmp_path / "missing.cfg"))
    assert arch.list_url(mlist) is None
    assert arch.permalink(mlist, ascii_msg(mlist.posting_address)) is None
    assert arch.archive_message(mlist, ascii_msg(mlist.posting_address)) is None
    default = os.path.join(config.VAR_DIR, "larch-spool", mlist.list_id, "new")
    assert len(os.listdir(default)) == 1
    bad = tmp_path / "bad.cfg"
    bad.write_text("[general]\narchive: /srv/{listname}\n")
    with pytest.raises(Exception, match=r"uses \{listname\}"):
        LarchArchiver(str(bad)).settings()


def test_larch_binary_is_the_real_one():
    out = subprocess.run([LARCH, "--help"], stdout=subprocess.PIPE, check=True).stdout
    assert b"add" in out
