#!/usr/bin/env bash
# Search benchmark: `larch reindex` time, CPU and peak RSS on a generated
# corpus, index size against the mbox and the raw mail, and query latency
# (p50/p99 over a set of typical queries, crates/larch/examples/search_bench.rs).
#
#   bash bench/search.sh [N] [REPS]     (N messages, default 100000)
#
# The scratch archive is kept in ${SCRATCH:-/tmp/larch-search-bench-N}
# (delete it to re-import).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
REPS=${2:-20}
MBOX=bench/cache/m$N.mbox
GEN=../shared/bench/gen-mbox.py
mkdir -p bench/cache
[ -f "$MBOX" ] || python3 "$GEN" --messages "$N" --seed 1 --out "$MBOX"
cargo build --release --ignore-rust-version -q -p larch-cli
cargo build --release --ignore-rust-version -q -p larch --example search_bench
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
LARCH=$TARGET/release/larch
A=${SCRATCH:-/tmp/larch-search-bench-$N}
if [ ! -f "$A/larch.toml" ]; then
  rm -rf "$A"
  "$LARCH" init "$A" --name salon >/dev/null
  "$LARCH" import --archive "$A" "$MBOX"
fi
T=$(mktemp)
/usr/bin/time -f "%e %U %S %M" -o "$T" "$LARCH" reindex --archive "$A"
read -r wall user sys rss < "$T"
rm -f "$T"
index=$(du -sb "$A/search" | cut -f1)
mbox=$(stat -c %s "$MBOX")
raw=$("$LARCH" stats --archive "$A" | sed -n 's/.*raw \([0-9]*\) bytes.*/\1/p')
echo
echo "| corpus | messages | reindex wall s | CPU s | peak RSS MB | index MB | index/mbox | index/raw |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '| %s | %s | %s | %s | %s | %.1f | %.3f | %.3f |\n' "m$N" "$N" "$wall" \
  "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(echo "$index / 1000000" | bc -l)" \
  "$(echo "$index / $mbox" | bc -l)" "$(echo "$index / $raw" | bc -l)"
echo
"$TARGET/release/examples/search_bench" "$A" "$REPS"
