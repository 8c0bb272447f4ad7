#!/usr/bin/env bash
# Benchmark harness: generates corpora with ../shared/bench/gen-mbox.py
# (cached in bench/cache), times larch import, build, rebuild and add, and
# with --peers runs MHonArc on the same corpus for the ratio.
#
#   bash bench/run.sh [--sizes "10000 100000"] [--adds 20] [--peers]
#
# Prints one table (wall s, CPU s, peak RSS MB, messages/s) and appends it,
# with the machine, date and commit, to bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="10000"
ADDS=20
PEERS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --adds) ADDS="$2"; shift 2 ;;
    --peers) PEERS=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
GEN=../shared/bench/gen-mbox.py
[ -f "$GEN" ] || { echo "needs $GEN" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --ignore-rust-version -q
LARCH=$PWD/target/release/larch
CACHE=bench/cache; mkdir -p "$CACHE"
WORK=$(mktemp -d /tmp/larch-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROWS=()

# run NAME MESSAGES CMD...: time a command, record a row.
run() {
  local name=$1 n=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  read -r wall user sys rss < "$WORK/t"
  local cpu; cpu=$(echo "$user + $sys" | bc)
  local rate; rate=$(echo "scale=0; $n / ($wall + 0.0001)" | bc)
  ROWS+=("$(printf '| %-28s | %9s | %8s | %8s | %9s | %10s |' "$name" "$n" "$wall" "$cpu" "$((rss / 1024))" "$rate")")
}

for N in $SIZES; do
  MBOX=$CACHE/m$N.mbox
  [ -f "$MBOX" ] || python3 "$GEN" --messages "$N" --seed 1 --out "$MBOX"
  A=$WORK/a$N
  "$LARCH" init "$A" --name salon >/dev/null
  run "larch import ($N)" "$N" "$LARCH" import --archive "$A" "$MBOX"
  run "larch build ($N)" "$N" "$LARCH" build --archive "$A"
  run "larch rebuild, unchanged ($N)" "$N" "$LARCH" build --archive "$A"
  # add: p50/p99 over $ADDS single messages dated after the corpus.
  python3 "$GEN" --messages "$ADDS" --seed 424242 --start-year 2021 --years 0.01 --out "$WORK/adds.mbox"
  python3 - "$WORK/adds.mbox" "$WORK/add" <<'PY'
import mailbox, sys
for i, m in enumerate(mailbox.mbox(sys.argv[1])):
    open(f"{sys.argv[2]}-{i:04d}.eml", "wb").write(m.as_bytes())
PY
  : > "$WORK/lat"
  for f in "$WORK"/add-*.eml; do
    s=$(date +%s%N); "$LARCH" add --archive "$A" < "$f" 2>/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 )) >> "$WORK/lat"
  done
  P50=$(sort -n "$WORK/lat" | awk '{a[NR]=$1} END {print a[int(NR*0.5)+1]}')
  P99=$(sort -n "$WORK/lat" | awk '{a[NR]=$1} END {i=int(NR*0.99)+1; if (i>NR) i=NR; print a[i]}')
  ROWS+=("$(printf '| %-28s | %9s | %8s | %8s | %9s | %10s |' "larch add p50/p99 ms ($N)" "$ADDS" "$P50/$P99" "" "" "")")
  if [ "$PEERS" = 1 ]; then
    command -v mhonarc >/dev/null || { apt-get update -qq && apt-get install -y -qq mhonarc >/dev/null; }
    run "mhonarc ($N)" "$N" mhonarc -outdir "$WORK/mh$N" -quiet "$MBOX"
  fi
done

HEAD='| what | messages | wall s | CPU s | peak RSS MB | messages/s |'
SEP='|---|---|---|---|---|---|'
{
  echo
  echo "## $(date -u +%Y-%m-%d) commit $(git rev-parse --short HEAD), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB"
  echo
  echo "$HEAD"; echo "$SEP"
  printf '%s\n' "${ROWS[@]}"
} | tee -a bench/results.md
