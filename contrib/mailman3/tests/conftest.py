"""A real Mailman 3 (SQLite, temporary var dir) configured with the larch
archiver exactly as docs/integration.md says, and the real larch binary."""

import fcntl
import logging
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
LARCH = os.environ.get("LARCH_BIN") or str(REPO / "target" / "release" / "larch")
BASE_URL = "https://lists.example.org/archives"


def larch(*args, stdin=None, check=True):
    return subprocess.run(
        [LARCH, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check
    )


def export(archive) -> list:
    """The archive's messages, exactly as stored, in number order (undoes
    `larch export`'s mboxrd escaping)."""
    out = larch("export", "--archive", str(archive)).stdout
    msgs, cur = [], None
    for line in out.splitlines(keepends=True):
        if line.startswith(b"From ") and (cur is None or cur[-1:] == [b"\n"]):
            if cur is not None:
                msgs.append(b"".join(cur[:-1]))
            cur = []
            continue
        if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            line = line[1:]
        cur.append(line)
    if cur is not None:
        msgs.append(b"".join(cur[:-1]))
    return msgs


def write_larch_cfg(path: Path, root: Path, **over) -> Path:
    values = dict(
        command=LARCH,
        archive=f"{root}/archives/{{list_id}}",
        base_url=BASE_URL,
        list_path="{list_id}",
        spool=f"{root}/spool",
        lock_wait="1",
        timeout="60",
        init="yes",
    )
    values.update(over)
    path.write_text("[general]\n" + "".join(f"{k}: {v}\n" for k, v in values.items()))
    return path


@pytest.fixture(scope="session")
def mm(tmp_path_factory):
    """Initialize Mailman once per session (it can't be re-initialized)."""
    if not os.access(LARCH, os.X_OK):
        pytest.fail(f"no larch binary at {LARCH}; run contrib/mailman3/ci.sh")
    root = tmp_path_factory.mktemp("mm")
    larch_cfg = write_larch_cfg(root / "larch.cfg", root)
    mailman_cfg = root / "mailman.cfg"
    mailman_cfg.write_text(
        textwrap.dedent(
            f"""\
            [mailman]
            layout: testing
            site_owner: owner@lists.example.org

            [paths.testing]
            var_dir: {root}/var

            [database]
            class: mailman.database.sqlite.SQLiteDatabase
            url: sqlite:///$DATA_DIR/mailman.db

            [mta]
            # No Postfix here: don't write its lookup tables.
            incoming: mailman.testing.mta.FakeMTA

            [archiver.larch]
            class: larch_mailman3.LarchArchiver
            enable: yes
            configuration: {larch_cfg}
            clobber_date: never
            """
        )
    )
    from mailman.core.initialize import initialize

    initialize(str(mailman_cfg))
    from mailman.config import config

    # Mailman's logging config stops propagation; collect what the archiver
    # logs ourselves.
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("mailman.archiver")
    logger.addHandler(Keep(level=logging.DEBUG))
    logger.setLevel(logging.DEBUG)

    from mailman.interfaces.domain import IDomainManager
    from zope.component import getUtility

    getUtility(IDomainManager).add("lists.example.org")
    config.db.commit()
    return dict(root=root, larch_cfg=larch_cfg, config=config, records=records)


_n = [0]


@pytest.fixture
def mlist(mm):
    """A fresh real mailing list (IMailingList) per test."""
    from mailman.app.lifecycle import create_list
    from mailman.interfaces.action import Action

    _n[0] += 1
    ml = create_list(f"salon{_n[0]}@lists.example.org")
    ml.display_name = f"Salon {_n[0]}"
    ml.default_nonmember_action = Action.accept
    mm["config"].db.commit()
    mm["records"].clear()
    return ml


@pytest.fixture
def archiver(mm):
    from mailman.config import config

    (a,) = [a for a in config.archivers if a.name == "larch"]
    return a


def archive_dir(mm, ml) -> Path:
    return mm["root"] / "archives" / ml.list_id


def spool_dir(mm, ml) -> Path:
    return mm["root"] / "spool" / ml.list_id


class HeldLock:
    """Hold an archive's writer lock the way another `larch add` would (the
    same file and flock as crates/cli/tests/add.rs)."""

    def __init__(self, archive: Path):
        self.path = archive / "store" / "write.lock"

    def __enter__(self):
        self.f = open(self.path, "a")
        fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return self

    def __exit__(self, *exc):
        self.f.close()


def fake_larch(tmp_path: Path, script: str) -> str:
    p = tmp_path / "fake-larch"
    p.write_text("#!/bin/sh\n" + script + "\n")
    p.chmod(0o755)
    return str(p)


__all__ = ["larch", "export", "shutil"]
