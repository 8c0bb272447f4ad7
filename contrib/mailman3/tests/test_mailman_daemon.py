"""End to end: Mailman 3 running as a daemon (`mailman start`, all its
runners as separate processes), posts delivered over LMTP as an MTA would,
archived by the larch archiver into a real larch archive."""

import os
import smtplib
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import BASE_URL, LARCH, HeldLock, export, write_larch_cfg

LIST = "salon@lists.example.org"
LIST_ID = "salon.lists.example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    root = tmp_path_factory.mktemp("daemon")
    larch_cfg = write_larch_cfg(root / "larch.cfg", root, lock_wait="1")
    lmtp = free_port()
    cfg = root / "mailman.cfg"
    cfg.write_text(
        textwrap.dedent(
            f"""\
            [mailman]
            layout: here
            site_owner: owner@lists.example.org

            [paths.here]
            var_dir: {root}/var

            [database]
            class: mailman.database.sqlite.SQLiteDatabase
            url: sqlite:///$DATA_DIR/mailman.db

            [mta]
            incoming: mailman.testing.mta.FakeMTA
            lmtp_host: 127.0.0.1
            lmtp_port: {lmtp}
            smtp_host: 127.0.0.1
            smtp_port: {free_port()}

            [webservice]
            port: {free_port()}

            # Only the runners a post passes through on its way to the
            # archivers (lmtp, in, pipeline, archive): the others take 3 s
            # each to start on a small machine and play no part here.
            [runner.rest]
            start: no
            [runner.bounces]
            start: no
            [runner.command]
            start: no
            [runner.digest]
            start: no
            [runner.out]
            start: no
            [runner.retry]
            start: no
            [runner.task]
            start: no
            [runner.virgin]
            start: no
            [runner.nntp]
            start: no

            [archiver.larch]
            class: larch_mailman3.LarchArchiver
            enable: yes
            configuration: {larch_cfg}
            clobber_date: never
            """
        )
    )
    exe = os.path.join(os.path.dirname(sys.executable), "mailman")
    base = [exe] + (["--run-as-root"] if os.geteuid() == 0 else []) + ["-C", str(cfg)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")

    def mailman(*args, **kw):
        return subprocess.run(base + list(args), env=env, check=True, **kw)

    mailman("create", LIST, stdout=subprocess.DEVNULL)
    (root / "members").write_text("ada@example.org\n")
    mailman("addmembers", str(root / "members"), LIST, stdout=subprocess.DEVNULL)
    # The master detaches; its children must not hold our pipes.
    mailman("start", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:

        def lmtp_up():
            try:
                with socket.create_connection(("127.0.0.1", lmtp), timeout=1):
                    return True
            except OSError:
                return False

        wait_for("Mailman's LMTP runner", lmtp_up)
        yield dict(root=root, lmtp=lmtp, archive=root / "archives" / LIST_ID)
    finally:
        subprocess.run(base + ["stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid_file = root / "var" / "master.pid"
        wait_for("Mailman to stop", lambda: not pid_file.exists(), timeout=30)


def post(port: int, raw: bytes) -> dict:
    with smtplib.LMTP("127.0.0.1", port) as s:
        return s.sendmail("ada@example.org", [LIST], raw)


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_posts_over_lmtp_reach_the_archive(daemon):
    posts = [
        crlf(
            "From: Ada <ada@example.org>\nTo: salon@lists.example.org\n"
            "Subject: First post\nMessage-ID: <lmtp.1/x@example.org>\n"
            "Date: Mon, 3 Mar 2025 10:00:00 +0000\n\nHello.\nFrom here on, an mbox From line.\n"
        ),
        crlf(
            "From: =?utf-8?q?Ada_L=C3=B6velace?= <ada@example.org>\nTo: salon@lists.example.org\n"
            "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\nMessage-ID: <lmtp.2@example.org>\n"
            "Date: Mon, 3 Mar 2025 11:00:00 +0000\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            "Grüße, 你好, Привет.\n"
        ),
        # Malformed in the ways that get through Mailman (its LMTP runner
        # refuses mail the email package finds defects in, and its incoming
        # runner shunts a post with an unknown charset): raw Latin-1 in a
        # header, no Date, base64 that isn't.
        b"From: ada@example.org\r\nTo: salon@lists.example.org\r\n"
        b"Subject: caf\xe9 raw latin-1\r\nMessage-ID: <lmtp.3@example.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!not base64##\r\n",
    ]
    for raw in posts:
        assert post(daemon["lmtp"], raw) == {}
    stored = wait_for(
        "three archived posts", lambda: len(export_or_empty(daemon["archive"])) == 3 and export(daemon["archive"])
    )
    assert b"Message-ID: <lmtp.1/x@example.org>" in stored[0]
    assert b">From here on" not in stored[0] and b"\nFrom here on" in stored[0]
    assert "Grüße, 你好, Привет.".encode() in stored[1]
    assert b"!!not base64##" in stored[2]
    archived_at = f"<{BASE_URL}/{LIST_ID}/m/lmtp.1%2Fx@example.org>"
    assert archived_at.encode() in b"".join(stored[0].replace(b"\n ", b" ").split(b" "))
    log = (daemon["root"] / "var" / "logs" / "mailman.log").read_text(errors="replace")
    assert "larch add: archived as message 2" in log
    pages = list((daemon["archive"] / "site").glob("*/000002.html"))
    assert len(pages) == 1


def test_locked_archive_over_lmtp(daemon):
    archive = daemon["archive"]
    wait_for("the archive", lambda: (archive / "larch.toml").exists())
    before = len(export(archive))
    spool = daemon["root"] / "spool" / LIST_ID / "new"
    with HeldLock(archive):
        post(
            daemon["lmtp"],
            crlf(
                "From: ada@example.org\nTo: salon@lists.example.org\nSubject: while locked\n"
                "Message-ID: <lmtp.locked@example.org>\nDate: Mon, 3 Mar 2025 12:00:00 +0000\n\nwait\n"
            ),
        )
        wait_for("the spooled post", lambda: spool.exists() and os.listdir(spool))
    log = (daemon["root"] / "var" / "logs" / "mailman.log").read_text(errors="replace")
    assert "spooled as" in log and "locked" in log
    post(
        daemon["lmtp"],
        crlf(
            "From: ada@example.org\nTo: salon@lists.example.org\nSubject: after\n"
            "Message-ID: <lmtp.after@example.org>\nDate: Mon, 3 Mar 2025 12:05:00 +0000\n\nnow\n"
        ),
    )
    stored = wait_for("both posts", lambda: len(export_or_empty(archive)) == before + 2 and export(archive))
    assert b"Subject: [Salon] while locked" in stored[before]
    assert b"Subject: [Salon] after" in stored[before + 1]
    assert os.listdir(spool) == []


def export_or_empty(archive: Path):
    if not (archive / "larch.toml").exists():
        return []
    try:
        return export(archive)
    except subprocess.CalledProcessError:
        return []


def test_binary(daemon):
    assert os.access(LARCH, os.X_OK)
