"""Running `larch add`, turning a message object into bytes, and the retry spool.

Nothing here imports Mailman, so the spool can be flushed from cron with
only this package on the path (python3 -m larch_mailman3 flush).
"""

import email.generator
import email.message
import email.policy
import errno
import fcntl
import io
import logging
import os
import re
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

log = logging.getLogger("mailman.archiver")

EX_TEMPFAIL = 75
EX_CONFIG = 78

# How many timeouts one message gets before it is put aside in failed/.
MAX_TIMEOUTS = 3


# -- message bytes ----------------------------------------------------------


class _LenientPolicy(email.policy.Compat32):
    """compat32, but a header that cannot be written as ASCII is written as
    UTF-8 (undecodable input bytes, kept as surrogates, go back out as they
    came in) instead of raising."""

    def fold_binary(self, name, value):
        try:
            return super().fold_binary(name, value)
        except UnicodeEncodeError:
            folded = self._fold(name, value, sanitize=False)
            return folded.encode("utf-8", "surrogateescape")


class _LenientGenerator(email.generator.BytesGenerator):
    def write(self, s):
        self._fp.write(s.encode("utf-8", "surrogateescape"))


def message_bytes(msg: email.message.Message) -> bytes:
    """The message as bytes, as close to what Mailman received as its object
    allows. Mailman's own as_bytes() first; when a str header or payload holds
    characters it cannot write (Python bug 41307 and friends), the stdlib
    string form with the original 8-bit bytes restored (surrogateescape);
    then a generator that writes such text as UTF-8; last Mailman's
    as_string(), which replaces what it cannot write."""
    attempts: List[Callable[[], bytes]] = [
        msg.as_bytes,
        lambda: email.message.Message.as_string(msg).encode("utf-8", "surrogateescape"),
        lambda: _lenient_bytes(msg),
        lambda: msg.as_string().encode("utf-8", "surrogateescape"),
    ]
    last: Optional[Exception] = None
    for i, attempt in enumerate(attempts):
        try:
            data = attempt()
        except (UnicodeError, LookupError, KeyError, TypeError, ValueError) as e:
            last = e
            continue
        if i:
            log.info(
                "larch: %s written by fallback %d (%s: %s)",
                msg.get("message-id", "(no Message-ID)"),
                i,
                type(last).__name__,
                last,
            )
        return data
    assert last is not None
    raise last


def _lenient_bytes(msg: email.message.Message) -> bytes:
    out = io.BytesIO()
    policy = _LenientPolicy(linesep=msg.policy.linesep)
    _LenientGenerator(out, mangle_from_=False, policy=policy).flatten(msg)
    return out.getvalue()


# -- running larch ----------------------------------------------------------


@dataclass
class Outcome:
    """What one `larch add` run did.

    kind: "ok" | "tempfail" (75: locked too long, disk full, store error) |
    "config" (78, or larch could not be started) | "timeout" | "failed"
    (any other status: a larch bug; retrying will not help).
    """

    kind: str
    detail: str
    returncode: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    @property
    def retry(self) -> bool:
        return self.kind in ("tempfail", "config", "timeout")


def run_add(
    command: Sequence[str],
    archive: str,
    data: bytes,
    lock_wait: int,
    timeout: float,
) -> Outcome:
    """Pipe `data` to `larch add --archive ARCHIVE --lock-wait N`."""
    argv = [*command, "add", "--archive", archive, "--lock-wait", str(lock_wait)]
    try:
        proc = subprocess.run(
            argv,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
            close_fds=True,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run killed it; larch is safe to kill at any point and a
        # re-delivery of an archived message is skipped as a duplicate.
        return Outcome("timeout", f"larch add did not finish in {timeout:g} s; killed")
    except OSError as e:
        return Outcome("config", f"cannot run {argv[0]}: {e.strerror or e}")
    err = (proc.stderr or b"").decode("utf-8", "replace").strip()
    # larch add prints one line; keep the last if there are more.
    detail = err.splitlines()[-1] if err else ""
    rc = proc.returncode
    if rc == 0:
        return Outcome("ok", detail or "archived", rc)
    if rc == EX_TEMPFAIL:
        return Outcome("tempfail", detail or "exit 75", rc)
    if rc == EX_CONFIG:
        return Outcome("config", detail or "exit 78", rc)
    if rc < 0:
        return Outcome("failed", f"larch add killed by signal {-rc}; {detail}", rc)
    return Outcome("failed", f"larch add exit {rc}: {err[-2000:]}", rc)


# -- the retry spool --------------------------------------------------------

_NAME = re.compile(r"^(\d+)-(\d+)-t(\d+)\.eml$")


def _safe(component: str) -> str:
    c = re.sub(r"[^A-Za-z0-9._@+-]", "_", component)
    return c if c not in ("", ".", "..") else "_"


class Spool:
    """Messages larch could not take yet, one folder per list:

        SPOOL/<list_id>/new/<ns>-<pid>-t<timeouts>.eml   waiting, oldest first
        SPOOL/<list_id>/failed/...eml                    given up; see the log
        SPOOL/<list_id>/archive                          the archive they go to

    The .eml files are exactly the bytes that were piped to larch, so an
    administrator can also feed them by hand: larch add --archive DIR < F.
    """

    def __init__(self, root: str, list_id: str):
        self.dir = os.path.join(root, _safe(list_id))
        self.new = os.path.join(self.dir, "new")
        self.failed = os.path.join(self.dir, "failed")

    @staticmethod
    def lists(root: str) -> List[str]:
        try:
            return sorted(
                d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d, "new"))
            )
        except FileNotFoundError:
            return []

    def pending(self) -> List[str]:
        try:
            names = [n for n in os.listdir(self.new) if _NAME.match(n)]
        except FileNotFoundError:
            return []
        return [os.path.join(self.new, n) for n in sorted(names, key=_order)]

    def archive(self) -> Optional[str]:
        try:
            with open(os.path.join(self.dir, "archive"), encoding="utf-8") as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def put(self, data: bytes, archive: Optional[str], timeouts: int = 0) -> str:
        os.makedirs(self.new, exist_ok=True)
        if archive is not None:
            _write_atomic(os.path.join(self.dir, "archive"), archive.encode("utf-8") + b"\n")
        name = f"{time.time_ns()}-{os.getpid()}-t{timeouts}.eml"
        path = os.path.join(self.new, name)
        _write_atomic(path, data)
        return path

    def count_timeout(self, path: str) -> Optional[str]:
        """Record a timeout; returns the new path, or None when the message
        has used up its tries and was moved to failed/."""
        m = _NAME.match(os.path.basename(path))
        assert m
        tries = int(m.group(3)) + 1
        if tries >= MAX_TIMEOUTS:
            self.give_up(path)
            return None
        new = os.path.join(self.new, f"{m.group(1)}-{m.group(2)}-t{tries}.eml")
        os.replace(path, new)
        return new

    def give_up(self, path: str) -> str:
        os.makedirs(self.failed, exist_ok=True)
        dest = os.path.join(self.failed, os.path.basename(path))
        os.replace(path, dest)
        return dest

    def put_failed(self, data: bytes) -> str:
        os.makedirs(self.failed, exist_ok=True)
        path = os.path.join(self.failed, f"{time.time_ns()}-{os.getpid()}-t0.eml")
        _write_atomic(path, data)
        return path

    def locked(self):
        """A non-blocking lock on this list's spool: a context manager that
        yields False when another process is flushing it."""
        return _FlushLock(os.path.join(self.dir, ".lock"))

    def flush(self, deliver: Callable[[bytes], Outcome]) -> Optional[Outcome]:
        """Hand the waiting messages to `deliver`, oldest first. Stops at the
        first one that fails again and returns its outcome; None when the
        spool is empty afterwards (or another process holds it)."""
        if not self.pending():
            return None
        with self.locked() as held:
            if not held:
                return None
            for path in self.pending():
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except FileNotFoundError:
                    continue
                outcome = deliver(data)
                if outcome.ok:
                    os.unlink(path)
                    log.info("larch: spooled %s archived: %s", os.path.basename(path), outcome.detail)
                    continue
                if outcome.kind == "timeout":
                    if self.count_timeout(path) is None:
                        log.error(
                            "larch: %s timed out %d times; moved to %s",
                            os.path.basename(path),
                            MAX_TIMEOUTS,
                            self.failed,
                        )
                        continue
                elif outcome.kind == "failed":
                    dest = self.give_up(path)
                    log.error("larch: spooled message failed, moved to %s: %s", dest, outcome.detail)
                    continue
                log.warning(
                    "larch: %d message(s) still waiting in %s: %s",
                    len(self.pending()),
                    self.new,
                    outcome.detail,
                )
                return outcome
        return None


def _order(name: str):
    m = _NAME.match(name)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class _FlushLock:
    def __init__(self, path: str):
        self.path = path
        self.fd: Optional[int] = None

    def __enter__(self) -> bool:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o660)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(self.fd)
                self.fd = None
                return False
            raise
        return True

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
