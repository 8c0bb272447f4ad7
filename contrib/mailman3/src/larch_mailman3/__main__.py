"""python3 -m larch_mailman3 flush --config /etc/mailman3/larch.cfg

Hands the messages waiting in the retry spool to `larch add`, for cron (run
it as the Mailman user). The archiver does the same for a list before each
new post; this is for lists that are quiet after a failure. Exit status 0
when nothing is left waiting, 75 when some still wait, 78 on a bad config.
"""

import argparse
import logging
import sys

from .delivery import Spool, run_add
from .settings import ConfigError, load


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m larch_mailman3")
    sub = ap.add_subparsers(dest="cmd", required=True)
    fl = sub.add_parser("flush", help="retry the messages waiting in the spool")
    fl.add_argument("--config", required=True, help="larch.cfg")
    fl.add_argument("--spool", help="the spool directory (default: spool in larch.cfg)")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        settings = load(a.config)
    except ConfigError as e:
        print(f"larch-mailman3: {e}", file=sys.stderr)
        return 78
    root = a.spool or settings.spool
    if not root:
        print("larch-mailman3: set spool in larch.cfg or pass --spool", file=sys.stderr)
        return 78
    waiting = 0
    for list_id in Spool.lists(root):
        spool = Spool(root, list_id)
        if not spool.pending():
            continue
        archive = spool.archive()
        if archive is None:
            print(
                f"larch-mailman3: {spool.dir}: no archive recorded; "
                "the next post to the list flushes it",
                file=sys.stderr,
            )
            waiting += len(spool.pending())
            continue
        spool.flush(
            lambda raw: run_add(
                settings.command, archive, raw, settings.lock_wait, settings.timeout
            )
        )
        left = len(spool.pending())
        waiting += left
        print(f"{list_id}: {left} waiting", file=sys.stderr)
    return 75 if waiting else 0


if __name__ == "__main__":
    sys.exit(main())
