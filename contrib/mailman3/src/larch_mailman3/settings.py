"""larch.cfg: what the archiver needs to know, read once per file change.

    [general]
    command: /usr/local/bin/larch
    archive: /var/lib/larch/{list_id}
    base_url: https://lists.example.org/archives
    list_path: {list_id}
    spool: /var/lib/mailman3/larch-spool
    lock_wait: 30
    timeout: 120
    init: yes

Templates (`archive`, `list_path`) take {list_id} (salon.lists.example.org),
{list_name} (salon), {mail_host} (lists.example.org) and {fqdn_listname}
(salon@lists.example.org).
"""

import os
import shlex
import string
from configparser import ConfigParser, Error as ConfigParserError
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

FIELDS = ("list_id", "list_name", "mail_host", "fqdn_listname")


class ConfigError(Exception):
    """larch.cfg is missing or wrong; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    command: Tuple[str, ...]
    archive: str
    base_url: Optional[str]
    list_path: str
    spool: Optional[str]
    lock_wait: int
    timeout: float
    init: bool = False

    def archive_dir(self, fields: Dict[str, str]) -> str:
        return self.archive.format_map(fields)


def list_fields(mlist) -> Dict[str, str]:
    """The template fields of a Mailman list (IMailingList)."""
    return {
        "list_id": str(mlist.list_id),
        "list_name": str(mlist.list_name),
        "mail_host": str(mlist.mail_host),
        "fqdn_listname": str(mlist.fqdn_listname),
    }


def _check_template(name: str, value: str) -> None:
    try:
        for _, field, spec, conv in string.Formatter().parse(value):
            if field is not None and field not in FIELDS:
                raise ConfigError(
                    f"larch.cfg: {name} = {value!r} uses {{{field}}}; "
                    f"the fields are {', '.join('{%s}' % f for f in FIELDS)}"
                )
            if spec or conv:
                raise ConfigError(f"larch.cfg: {name} = {value!r}: plain {{field}} only")
    except ValueError as e:
        raise ConfigError(f"larch.cfg: {name} = {value!r}: {e}") from None


def _int(parser: ConfigParser, key: str, default: int) -> int:
    raw = parser.get("general", key, raw=True, fallback=None)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"larch.cfg: {key} = {raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigError(f"larch.cfg: {key} must not be negative")
    return value


def _bool(parser: ConfigParser, key: str, default: bool) -> bool:
    raw = parser.get("general", key, raw=True, fallback=None)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in ("yes", "true", "on", "1"):
        return True
    if value in ("no", "false", "off", "0"):
        return False
    raise ConfigError(f"larch.cfg: {key} = {raw!r} is not yes or no")


def parse(parser: ConfigParser, origin: str) -> Settings:
    if not parser.has_section("general"):
        raise ConfigError(f"{origin}: no [general] section")

    def get(key: str) -> Optional[str]:
        value = parser.get("general", key, raw=True, fallback=None)
        value = value.strip() if value is not None else None
        return value or None

    archive = get("archive")
    if archive is None:
        raise ConfigError(
            f"{origin}: [general] archive is required, e.g. archive: /var/lib/larch/{{list_id}}"
        )
    _check_template("archive", archive)
    list_path = get("list_path") or "{list_id}"
    _check_template("list_path", list_path)
    command = tuple(shlex.split(get("command") or "larch"))
    if not command:
        raise ConfigError(f"{origin}: command is empty")
    base_url = get("base_url")
    lock_wait = _int(parser, "lock_wait", 30)
    timeout = _int(parser, "timeout", 120)
    if timeout <= lock_wait:
        raise ConfigError(
            f"{origin}: timeout ({timeout}) must be longer than lock_wait ({lock_wait})"
        )
    return Settings(
        command=command,
        archive=archive,
        base_url=base_url.rstrip("/") if base_url else None,
        list_path=list_path,
        spool=get("spool"),
        lock_wait=lock_wait,
        timeout=float(timeout),
        init=_bool(parser, "init", False),
    )


_cache: Dict[str, Tuple[Tuple[int, int], Settings]] = {}


def load(path: str) -> Settings:
    """Read larch.cfg at `path` (cached until the file changes)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise ConfigError(f"larch.cfg: cannot read {path}: {e.strerror}") from None
    key = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    parser = ConfigParser()
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f, source=path)
    except (OSError, UnicodeDecodeError, ConfigParserError) as e:
        raise ConfigError(f"larch.cfg: {path}: {e}") from None
    settings = parse(parser, path)
    _cache[path] = (key, settings)
    return settings
