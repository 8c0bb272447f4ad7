"""The Mailman 3 archiver: each list post is piped to `larch add`.

mailman.cfg:

    [archiver.larch]
    class: larch_mailman3.LarchArchiver
    enable: yes
    configuration: /etc/mailman3/larch.cfg

How failures are handled. Mailman's archive runner calls archive_message()
once per post and archiver; if it raises, the runner logs "Exception in
"larch" archiver" and drops the message for this archiver: Mailman 3 never
retries an archiver. So this archiver keeps its own retry spool: when larch
answers 75 (archive locked too long, disk full), 78 (no archive there yet,
bad config), cannot be started, or times out, the exact bytes are written to
SPOOL/<list_id>/new/ and handed to larch again, oldest first, before the
next post of that list is archived (and by `python3 -m larch_mailman3 flush`
from cron). Re-delivering is safe: larch skips a message it already has.
Any other exit status is a larch bug: the message goes to
SPOOL/<list_id>/failed/ and an error is logged. Nothing raises out of
archive_message except a message object that cannot be serialized at all.
"""

import logging
import os
import re
from typing import Optional
from urllib.parse import quote

from zope.interface import implementer

from mailman.interfaces.archiver import IArchiver

from .delivery import EX_CONFIG, Outcome, Spool, message_bytes, run_add
from .settings import ConfigError, Settings, list_fields, load

log = logging.getLogger("mailman.archiver")

# RFC 3986 pchar minus "/" (and "%", which is escaped): what a Message-ID
# keeps as-is in the /m/<Message-ID> path. Letters, digits and "-._~" are
# always kept by quote().
_PCHAR_SAFE = "!$&'()*+,;=:@"


def message_id(msg) -> Optional[str]:
    """The first Message-ID without angle brackets, or None. Read raw, so
    that 8-bit bytes in it come out as the UTF-8 text they are (Mailman's
    msg.get() gives an email.header.Header for those)."""
    value = next((v for k, v in msg.raw_items() if k.lower() == "message-id"), None)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.encode("ascii", "surrogateescape").decode("utf-8", "surrogateescape")
    text = re.sub(r"\r?\n[ \t]", " ", value).strip()
    m = re.search(r"<([^<>]+)>", text)
    mid = (m.group(1) if m else text.strip("<>")).strip()
    return mid or None


def quote_message_id(mid: str) -> str:
    """Percent-encode a Message-ID for a URL path segment ("/" is %2F)."""
    return quote(mid.encode("utf-8", "surrogateescape"), safe=_PCHAR_SAFE)


@implementer(IArchiver)
class LarchArchiver:
    """Archive each post with `larch add`; links point at `larch serve`."""

    name = "larch"
    is_enabled = False

    def __init__(self, config_path: Optional[str] = None):
        # Mailman builds a new instance every time it lists its archivers,
        # so nothing is read here; larch.cfg is read (and cached) on use.
        self._config_path = config_path

    # -- configuration --------------------------------------------------

    def _config_file(self) -> str:
        if self._config_path is not None:
            return self._config_path
        from mailman.config import config

        section = getattr(config.archiver, self.name, None)
        path = getattr(section, "configuration", None) if section is not None else None
        if not path or path == "changeme":
            raise ConfigError(
                f"[archiver.{self.name}] in mailman.cfg needs "
                "configuration: /etc/mailman3/larch.cfg"
            )
        if path.startswith("python:"):
            raise ConfigError(
                f"[archiver.{self.name}] configuration must be a file path, not {path}"
            )
        return path

    def settings(self) -> Settings:
        return load(self._config_file())

    @staticmethod
    def _default_spool() -> str:
        from mailman.config import config

        return os.path.join(config.VAR_DIR, "larch-spool")

    def _spool(self, settings: Optional[Settings], list_id: str) -> Spool:
        root = settings.spool if settings and settings.spool else self._default_spool()
        return Spool(root, list_id)

    # -- IArchiver ------------------------------------------------------

    def list_url(self, mlist) -> Optional[str]:
        """<base_url>/<list_path>/, or None without a base_url."""
        try:
            settings = self.settings()
        except ConfigError as e:
            log.error("larch: %s", e)
            return None
        if settings.base_url is None:
            return None
        path = settings.list_path.format_map(list_fields(mlist))
        return f"{settings.base_url}/{quote(path, safe='/' + _PCHAR_SAFE)}/"

    def permalink(self, mlist, msg) -> Optional[str]:
        """<base_url>/<list_path>/m/<Message-ID> (larch serve redirects it
        to the message page), or None without a base_url or Message-ID."""
        url = self.list_url(mlist)
        mid = message_id(msg)
        if url is None or mid is None:
            return None
        return f"{url}m/{quote_message_id(mid)}"

    def archive_message(self, mlist, msg) -> Optional[str]:
        """Pipe the message to `larch add`; the permalink when archived,
        None when it waits in the spool or failed (both logged)."""
        fields = list_fields(mlist)
        mid = msg.get("message-id", "(no Message-ID)")
        data = message_bytes(msg)
        try:
            settings = self.settings()
        except ConfigError as e:
            path = self._spool(None, fields["list_id"]).put(data, None)
            log.error("larch: %s; %s kept in %s until it is fixed", e, mid, path)
            return None
        archive = settings.archive_dir(fields)
        spool = self._spool(settings, fields["list_id"])

        def deliver(raw: bytes) -> Outcome:
            outcome = run_add(
                settings.command, archive, raw, settings.lock_wait, settings.timeout
            )
            if (
                outcome.kind == "config"
                and outcome.returncode == EX_CONFIG
                and settings.init
                and not os.path.exists(os.path.join(archive, "larch.toml"))
            ):
                made = self._init_archive(settings, archive, mlist)
                if made is not None:
                    return made
                outcome = run_add(
                    settings.command, archive, raw, settings.lock_wait, settings.timeout
                )
            return outcome

        # What waits goes first, so the archive keeps arrival order.
        stuck = spool.flush(deliver)
        if stuck is not None and stuck.kind in ("tempfail", "config"):
            # The archive can't take anything now (locked, full, missing):
            # don't wait a second lock_wait for this one.
            path = spool.put(data, archive)
            log.warning("larch: %s not archived yet (%s); spooled as %s", mid, stuck.detail, path)
            return None
        outcome = deliver(data)
        if outcome.ok:
            log.info("larch: %s to %s: %s", mid, archive, outcome.detail)
            return self.permalink(mlist, msg)
        if outcome.retry:
            path = spool.put(data, archive, timeouts=1 if outcome.kind == "timeout" else 0)
            log.warning(
                "larch: %s not archived yet (%s); spooled as %s, retried with the next post",
                mid,
                outcome.detail,
                path,
            )
            return None
        path = spool.put_failed(data)
        log.error("larch: %s NOT archived: %s; the message is in %s", mid, outcome.detail, path)
        return None

    @staticmethod
    def _init_archive(settings: Settings, archive: str, mlist) -> Optional[Outcome]:
        """`larch init` a new list's archive; an Outcome only on failure."""
        import subprocess

        fields = list_fields(mlist)
        argv = [
            *settings.command,
            "init",
            archive,
            "--name",
            fields["list_name"],
            "--address",
            fields["fqdn_listname"],
        ]
        title = str(getattr(mlist, "display_name", "") or "").strip()
        if title:
            argv += ["--title", title]
        try:
            proc = subprocess.run(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=settings.timeout
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            return Outcome("config", f"larch init {archive}: {e}")
        err = proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            return Outcome("config", f"larch init {archive} failed: {err}", EX_CONFIG)
        log.info("larch: created the archive %s for %s", archive, fields["fqdn_listname"])
        return None
