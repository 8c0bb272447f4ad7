#!/usr/bin/env bash
# add latency across archive sizes, under the same conditions: one message
# at a time is added to each archive in turn (so load changes hit every size
# alike), each `larch add` a new process timed from spawn to exit.
#
#   bash bench/add-latency.sh [--adds N] [--larch BIN] ARCHIVE...
#
# The archives must exist and have a built site (e.g. kept by
# `bench/run.sh --keep DIR`). Messages come from gen-mbox.py with a seed of
# their own (SEED), dated after the corpus, in ADD_YEAR (default 2024):
# give a year no earlier run added to, so that every archive starts with an
# empty period (an add re-renders its period's indexes, so latency grows
# with the period, not the archive). Prints p50/p90/p99/max per archive
# (the first 5 adds of each are dropped as warm-up) and the p50 ratio of
# each archive to the first.
set -euo pipefail
cd "$(dirname "$0")/.."
ADDS=200
LARCH=target/release/larch
while [ $# -gt 0 ]; do
  case "$1" in
    --adds) ADDS=$2; shift 2 ;;
    --larch) LARCH=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--adds N] [--larch BIN] ARCHIVE..." >&2; exit 2; }
WORK=$(mktemp -d /tmp/larch-addlat.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 ../shared/bench/gen-mbox.py --messages "$ADDS" --seed "${SEED:-$RANDOM}" \
  --start-year "${ADD_YEAR:-2024}" --years 0.01 --out "$WORK/adds.mbox" > /dev/null
python3 bench/split-mbox.py "$WORK/adds.mbox" "$WORK/add" > /dev/null
for a in "$@"; do : > "$WORK/$(basename "$a").lat"; done
for f in "$WORK"/add-*; do
  for a in "$@"; do
    s=$(date +%s%N)
    "$LARCH" add --archive "$a" < "$f" > /dev/null 2>&1 || echo "add failed: $a $f" >&2
    e=$(date +%s%N)
    echo $(((e - s) / 1000)) >> "$WORK/$(basename "$a").lat"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$WORK" "$@" <<'PY'
import os, sys
work, archives = sys.argv[1], sys.argv[2:]
base = None
for a in archives:
    v = [int(x) / 1000 for x in open(os.path.join(work, os.path.basename(a) + ".lat"))][5:]
    v.sort()
    q = lambda p: v[min(len(v) - 1, int(len(v) * p))]
    base = base or q(.5)
    print(f"{a}: n={len(v)} p50 {q(.5):.1f} ms, p90 {q(.9):.1f}, p99 {q(.99):.1f}, max {v[-1]:.1f}; p50 / first archive's = {q(.5) / base:.2f}")
PY
