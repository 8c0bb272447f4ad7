#!/usr/bin/env python3
"""Split an mboxrd file into one .eml file per message, as a mail server
would deliver them: the From_ line dropped, mboxrd escaping undone
(">From " -> "From ", ">>From " -> ">From "), bytes otherwise untouched.

    python3 bench/split-mbox.py FILE.mbox PREFIX   # writes PREFIX-0000.eml ...
"""
import mailbox
import re
import sys

UNESCAPE = re.compile(rb"^>(>*From )", re.MULTILINE)


def main():
    src, prefix = sys.argv[1], sys.argv[2]
    box = mailbox.mbox(src, create=False)
    n = 0
    for key in box.iterkeys():
        raw = UNESCAPE.sub(rb"\1", box.get_bytes(key))
        with open(f"{prefix}-{n:04d}.eml", "wb") as f:
            f.write(raw)
        n += 1
    print(n)


if __name__ == "__main__":
    main()
