#!/usr/bin/env bash
# Benchmark harness (see BENCHMARKS.md). For each corpus size: generates the
# corpus with ../shared/bench/gen-mbox.py --seed 1 (cached in bench/cache/),
# then times larch: parse floor (if crates/larch/examples/parse_floor.rs
# exists), import, build, import+build, a rebuild after a template change,
# reindex (index size), search query latency and `add` latency (p50/p99);
# with --peers also MHonArc (build, -add) and public-inbox (v2 import+index,
# public-inbox-index, public-inbox-mda) on the same corpus, and the ratios.
# Prints one markdown table, appends it to bench/results.md and puts it in
# BENCHMARKS.md between <!-- bench:begin --> and <!-- bench:end -->.
#
#   bash bench/run.sh [--sizes "10000 100000"] [--adds 200] [--peers]
#                     [--only larch|peers] [--keep DIR] [--search-reps 20]
#                     [--rev REV] [--no-record]
#
#   --sizes LIST     corpus sizes in messages (default "10000 100000";
#                    1000000 works but takes hours with --peers)
#   --adds N         single-message `larch add`s per size for p50/p99 (200)
#   --peers          also run MHonArc and public-inbox (installed from Debian
#                    with apt-get if missing)
#   --only WHAT      larch: no peers even with --peers; peers: peers only
#   --keep DIR       work in DIR (new or empty) and keep the archives there;
#                    default: a temporary directory, deleted at the end
#   --search-reps N  runs of each typical query (default 20)
#   --rev REV        benchmark commit REV, built from a clean `git archive`
#                    in target/bench-rev (default: the working tree, as is)
#   --no-record      print the table only (no results.md / BENCHMARKS.md)
#
# Every cargo call passes --ignore-rust-version. Honours CARGO_TARGET_DIR and
# TMPDIR. Wall, CPU (user+sys) and peak RSS (largest process) come from GNU
# time; load1 is the 1-minute load average when each step started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T0=$(date +%s)
INVOCATION="bash bench/run.sh $*"

SIZES="10000 100000"
ADDS=200
PEERS=0
ONLY=all
KEEP=""
REPS=20
RECORD=1
REV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --adds) ADDS=$2; shift 2 ;;
    --peers) PEERS=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --search-reps) REPS=$2; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --rev) REV=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in $SIZES $ADDS $REPS; do
  case "$n" in ''|*[!0-9]*|0) echo "bench: not a positive number: $n" >&2; exit 2 ;; esac
done
case "$ONLY" in
  all) ;;
  larch) PEERS=0 ;;
  peers) PEERS=1 ;;
  *) echo "bench: --only larch|peers" >&2; exit 2 ;;
esac
RUN_LARCH=1
if [ "$ONLY" = peers ]; then RUN_LARCH=0; fi

GEN=$ROOT/../shared/bench/gen-mbox.py
[ -f "$GEN" ] || { echo "bench: needs $GEN" >&2; exit 2; }
APT_UPDATED=0
need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null && return
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  apt-get install -y -qq "$2" >/dev/null
}
need /usr/bin/time time
need python3 python3
if [ "$PEERS" = 1 ]; then
  need mhonarc mhonarc
  need public-inbox-init public-inbox
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$REV" ]; then
  COMMIT="$(git rev-parse --short "$REV^{commit}") (clean export)"
else
  COMMIT=$(git rev-parse --short HEAD)
  if [ -n "$(git status --porcelain --untracked-files=no -- crates Cargo.toml Cargo.lock)" ]; then
    COMMIT="$COMMIT + uncommitted changes in crates/"
  fi
fi

if [ -n "$KEEP" ]; then
  mkdir -p "$KEEP"
  [ -z "$(ls -A "$KEEP")" ] || { echo "bench: --keep $KEEP is not empty" >&2; exit 2; }
  WORK=$(cd "$KEEP" && pwd)
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/larch-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/bin" "$WORK/logs" "$ROOT/bench/cache"
ROWS=$WORK/rows.tsv
: > "$ROWS"

# The source built: the working tree, or a clean export of --rev. The
# binaries are copied: others may rebuild target/ while this runs.
SRC=$ROOT
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -n "$REV" ]; then
  SRC=$WORK/src
  TARGET=$ROOT/target/bench-rev
  mkdir -p "$SRC"
  git archive "$REV" | tar -x -C "$SRC"
fi
PARSE_FLOOR=0
TB=$(date +%s)
if [ "$RUN_LARCH" = 1 ]; then
  export CARGO_TARGET_DIR=$TARGET
  (cd "$SRC" && cargo build --release --ignore-rust-version -q -p larch-cli)
  (cd "$SRC" && cargo build --release --ignore-rust-version -q -p larch --example search_bench)
  cp "$TARGET/release/larch" "$TARGET/release/examples/search_bench" "$WORK/bin/"
  if [ -f "$SRC/crates/larch/examples/parse_floor.rs" ]; then
    (cd "$SRC" && cargo build --release --ignore-rust-version -q -p larch --example parse_floor)
    cp "$TARGET/release/examples/parse_floor" "$WORK/bin/"
    PARSE_FLOOR=1
  fi
fi
BUILD_S=$(( $(date +%s) - TB ))
LARCH=$WORK/bin/larch

calc() { awk "BEGIN { printf \"$1\", ($2) }"; } # calc FORMAT EXPR
mb() { calc %.1f "$1 / 1000000"; }
bytes() { du -sb "$1" | cut -f1; }
nfiles() { find "$1" -type f | wc -l; }
rate() { calc %.0f "$1 / ($2 > 0 ? $2 : 0.01)"; } # rate MESSAGES WALL
met() { if [ "$(calc %d "$1")" = 1 ]; then echo met; else echo "NOT met"; fi; } # met EXPR
fail() { echo "bench: $*" >&2; exit 1; }

# row WHAT MESSAGES WALL CPU RSS_MB MSGS/S OUT_MB FILES LOAD1 NOTES
row() { local IFS=$'\t'; echo "$*" >> "$ROWS"; }

# timed NAME CMD...: run CMD under GNU time (output in logs/NAME.log); sets
# WALL, CPU, RSS_MB and LOAD1 (load average when it started).
timed() {
  local log=$WORK/logs/$1.log user sys rss; shift
  LOAD1=$(cut -d' ' -f1 /proc/loadavg)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "failed: $* (log: $log)"
  fi
  read -r WALL user sys rss < "$WORK/time"
  CPU=$(calc %.2f "$user + $sys")
  RSS_MB=$((rss / 1024))
}

# pct Q FILE: nearest-rank percentile of the numbers in FILE.
pct() { sort -n "$2" | awk -v q="$1" '{a[NR]=$1} END {i=int(q*NR); if (i<q*NR) i++; if (i<1) i=1; print a[i]}'; }

# Messages for `add`: a different seed, dated 2021 (the corpus ends in 2019).
python3 "$GEN" --messages "$ADDS" --seed 424242 --start-year 2021 --years 0.01 --out "$WORK/adds.mbox"
mkdir -p "$WORK/adds"
python3 -B bench/split-mbox.py "$WORK/adds.mbox" "$WORK/adds/add" >/dev/null
python3 "$GEN" --messages 1 --seed 424242 --start-year 2021 --years 0.01 --out "$WORK/add1.mbox"
python3 -B bench/split-mbox.py "$WORK/add1.mbox" "$WORK/add1" >/dev/null

corpus() { # corpus N: the cached corpus of N messages (made if missing)
  local mbox=$ROOT/bench/cache/m$1.mbox want
  if [ ! -f "$mbox" ]; then
    echo "bench: generating $mbox" >&2
    python3 "$GEN" --messages "$1" --seed 1 --out "$mbox.tmp.$$" >&2
    mv "$mbox.tmp.$$" "$mbox"
  fi
  case "$1" in # sizes from ../shared/bench/README.md
    10000) want=74493956 ;; 100000) want=761832281 ;; 1000000) want=7630085513 ;; *) want="" ;;
  esac
  if [ -n "$want" ] && [ "$(stat -c %s "$mbox")" != "$want" ]; then
    echo "bench: warning: $mbox is not $want bytes; delete it to regenerate" >&2
  fi
  echo "$mbox"
}

bench_larch() { # bench_larch N MBOX
  local n=$1 mbox=$2 a=$WORK/larch-$1
  declare -g "IB_RATE_$n=" "IBR_RATE_$n=" "ADD_P50_$n="
  if [ "$PARSE_FLOOR" = 1 ]; then
    timed "parse-floor-$n" "$WORK/bin/parse_floor" "$mbox"
    local line floor larch_rate ratio
    line=$(grep '^PARSE_FLOOR ' "$WORK/logs/parse-floor-$n.log" | tail -n 1) \
      || fail "parse_floor printed no PARSE_FLOOR line (log: $WORK/logs/parse-floor-$n.log)"
    floor=$(sed -n 's/.*floor_msgs_per_s=\([^ ]*\).*/\1/p' <<< "$line")
    larch_rate=$(sed -n 's/.*larch_msgs_per_s=\([^ ]*\).*/\1/p' <<< "$line")
    ratio=$(sed -n 's/.*ratio=\([^ ]*\).*/\1/p' <<< "$line")
    row "parse floor: mail-parser alone, all cores" "$n" "$WALL" "$CPU" "$RSS_MB" "$floor" "" "" "$LOAD1" \
      "messages/s = the floor (best of 3); larch's parse + summary: $larch_rate msgs/s; floor / larch = $ratio (goal <= 2: $(met "$ratio <= 2")); wall/CPU/RSS are the whole example run"
  else
    row "parse floor" "$n" "" "" "" "" "" "" "" "not measured: crates/larch/examples/parse_floor.rs does not exist yet"
  fi

  "$LARCH" init "$a" --name salon >/dev/null
  timed "import-$n" "$LARCH" import --archive "$a" "$mbox"
  local iw=$WALL ic=$CPU ir=$RSS_MB archived
  archived=$("$LARCH" stats --archive "$a" | sed -n 's/^messages \([0-9]*\),.*/\1/p')
  row "larch import" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$(bytes "$a")")" "$(nfiles "$a")" "$LOAD1" \
    "$archived archived; output = the archive dir (store + database)"

  timed "build-$n" "$LARCH" build --archive "$a"
  local bw=$WALL bc=$CPU br=$RSS_MB
  row "larch build" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$(bytes "$a/site")")" "$(nfiles "$a/site")" "$LOAD1" \
    "full static site; output = site/"

  local tw tc tr ib_rate note=""
  tw=$(calc %.2f "$iw + $bw"); tc=$(calc %.2f "$ic + $bc")
  tr=$(( ir > br ? ir : br )); ib_rate=$(rate "$n" "$tw")
  declare -g "IB_RATE_$n=$ib_rate" "IB_WALL_$n=$tw"
  [ "$n" = 100000 ] && note="; goal at 100k >= 20,000 msgs/s: $(met "$ib_rate >= 20000")"
  [ "$n" = 1000000 ] && note="; goal at 1M peak RSS < 500 MB: $(met "$tr < 500")"
  row "larch import+build" "$n" "$tw" "$tc" "$tr" "$ib_rate" "" "" "" "sum of the two rows above$note"

  # Template change: the override directory <archive>/templates/ (README,
  # render/mod.rs) with base.html plus an HTML comment, so every page changes.
  mkdir -p "$a/templates"
  sed 's|</body>|<!-- larch bench: template change -->\n</body>|' \
    "$SRC/crates/larch/src/render/templates/base.html" > "$a/templates/base.html"
  timed "template-rebuild-$n" "$LARCH" build --archive "$a"
  grep -q 'larch bench: template change' "$a/site/index.html" || fail "template override not used"
  note=""
  [ "$n" = 100000 ] && note="; goal at 100k < 10 s: $(met "$WALL < 10")"
  row "larch rebuild after a template change" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$(bytes "$a/site")")" "$(nfiles "$a/site")" "$LOAD1" \
    "larch build after copying base.html to <archive>/templates/ with an added HTML comment (every page changes)$note"

  timed "reindex-$n" "$LARCH" reindex --archive "$a"
  local idx raw store
  idx=$(bytes "$a/search"); store=$(bytes "$a/store")
  raw=$("$LARCH" stats --archive "$a" | sed -n 's/.*raw \([0-9]*\) bytes.*/\1/p')
  declare -g "IBR_RATE_$n=$(rate "$n" "$(calc %.2f "$tw + $WALL")")"
  row "larch reindex (search index)" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$idx")" "$(nfiles "$a/search")" "$LOAD1" \
    "index = $(calc %.2f "$idx / $raw")x the raw mail ($(mb "$raw") MB), $(calc %.2f "$idx / $store")x store/ ($(mb "$store") MB)"

  timed "search-$n" "$WORK/bin/search_bench" "$a" "$REPS"
  local sl p50 p99 queries
  sl=$(grep '^all ' "$WORK/logs/search-$n.log") || fail "search_bench printed no summary (log: $WORK/logs/search-$n.log)"
  p50=$(sed -n 's/.* p50 \([0-9.]*\) ms, p99.*/\1/p' <<< "$sl")
  p99=$(sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p' <<< "$sl")
  queries=$(grep -c '^| `' "$WORK/logs/search-$n.log" || true)
  row "larch search query latency" "$n" "" "" "$RSS_MB" "" "" "" "$LOAD1" \
    "p50 $p50 ms, p99 $p99 ms over $queries typical queries x $REPS runs, top 20 with snippets, one open index (examples/search_bench.rs)"

  # add: each message a new process, with site and search index kept current.
  local f s e u sy m lat=$WORK/lat-$n cpus=$WORK/addcpu-$n rsss=$WORK/addrss-$n
  : > "$lat"; : > "$cpus"; : > "$rsss"
  LOAD1=$(cut -d' ' -f1 /proc/loadavg)
  for f in "$WORK"/adds/add-*.eml; do
    s=$(date +%s%N)
    /usr/bin/time -f "%U %S %M" -o "$WORK/time" "$LARCH" add --archive "$a" < "$f" >> "$WORK/logs/add-$n.log" 2>&1 \
      || { tail -n 20 "$WORK/logs/add-$n.log" >&2; fail "larch add $f failed"; }
    e=$(date +%s%N)
    calc "%.3f\n" "($e - $s) / 1000000" >> "$lat"
    read -r u sy m < "$WORK/time"
    echo "$u $sy" >> "$cpus"; echo "$m" >> "$rsss"
  done
  local aw ac ar a50 a99
  aw=$(awk '{s+=$1} END {printf "%.2f", s/1000}' "$lat")
  ac=$(awk '{s+=$1+$2} END {printf "%.2f", s}' "$cpus")
  ar=$(( $(sort -n "$rsss" | tail -n 1) / 1024 ))
  a50=$(pct 0.50 "$lat"); a99=$(pct 0.99 "$lat")
  declare -g "ADD_P50_$n=$a50"
  note=""
  [ "$n" = 1000000 ] && note="; goal at 1M p50 < 20 ms, p99 < 100 ms: $(met "$a50 < 20 && $a99 < 100")"
  row "larch add (one message each)" "$ADDS" "$aw" "$ac" "$ar" "$(rate "$ADDS" "$aw")" "$(mb "$(bytes "$a/site")")" "$(nfiles "$a/site")" "$LOAD1" \
    "**p50 $(calc %.1f "$a50") ms, p99 $(calc %.1f "$a99") ms** per add into $n (wall of each process); wall/CPU = all $ADDS adds, RSS = largest$note"

  [ -n "$KEEP" ] || rm -rf "$a"
}

bench_peers() { # bench_peers N MBOX
  local n=$1 mbox=$2 mh=$WORK/mhonarc-$1 pi=$WORK/public-inbox-$1 pih=$WORK/pi-home-$1
  declare -g "MH_RATE_$n=" "MH_ADD_$n=" "PI_RATE_$n=" "PI_ADD_$n="
  mkdir -p "$mh"
  timed "mhonarc-$n" mhonarc -outdir "$mh" -quiet "$mbox"
  declare -g "MH_RATE_$n=$(rate "$n" "$WALL")"
  row "MHonArc build" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$(bytes "$mh")")" "$(nfiles "$mh")" "$LOAD1" \
    "mhonarc -outdir DIR -quiet FILE (one core; no search)"
  timed "mhonarc-add-$n" mhonarc -add -outdir "$mh" -quiet "$WORK/add1.mbox"
  declare -g "MH_ADD_$n=$(calc %.1f "$WALL * 1000")"
  row "MHonArc add (one message)" 1 "$WALL" "$CPU" "$RSS_MB" "" "$(mb "$(bytes "$mh")")" "$(nfiles "$mh")" "$LOAD1" \
    "mhonarc -add -outdir DIR -quiet ONE.mbox into the $n archive"
  [ -n "$KEEP" ] || rm -rf "$mh"

  # public-inbox: a v2 inbox with its config and HOME in the work dir.
  mkdir -p "$pih"
  local pienv=(env HOME="$pih" PI_CONFIG="$pih/config")
  "${pienv[@]}" public-inbox-init -V2 -L full salon "$pi" http://127.0.0.1/salon salon@lists.example.org \
    > "$WORK/logs/pi-init-$n.log" 2>&1 || { cat "$WORK/logs/pi-init-$n.log" >&2; fail "public-inbox-init failed"; }
  "${pienv[@]}" git config --file "$pih/config" publicinboxmda.spamcheck none
  timed "pi-import-$n" "${pienv[@]}" perl "$ROOT/bench/pi-import.pl" salon "$mbox"
  local pw=$WALL pc=$CPU pr=$RSS_MB pl=$LOAD1
  row "public-inbox import+index" "$n" "$WALL" "$CPU" "$RSS_MB" "$(rate "$n" "$WALL")" "$(mb "$(bytes "$pi")")" "$(nfiles "$pi")" "$LOAD1" \
    "v2 inbox, -L full; bench/pi-import.pl: InboxWritable->import_mbox (git fast-import + SQLite + Xapian in one pass), no fsync"
  timed "pi-index-$n" "${pienv[@]}" public-inbox-index "$pi"
  pw=$(calc %.2f "$pw + $WALL"); pc=$(calc %.2f "$pc + $CPU"); pr=$(( pr > RSS_MB ? pr : RSS_MB ))
  declare -g "PI_RATE_$n=$(rate "$n" "$pw")"
  row "public-inbox-index (catch-up)" "$n" "$WALL" "$CPU" "$RSS_MB" "" "$(mb "$(bytes "$pi")")" "$(nfiles "$pi")" "$LOAD1" \
    "public-inbox-index DIR after the import (near no-op: import indexed already)"
  row "public-inbox import+index+index" "$n" "$pw" "$pc" "$pr" "$(rate "$n" "$pw")" "" "" "$pl" "sum of the two rows above"
  timed "pi-mda-$n" "${pienv[@]}" ORIGINAL_RECIPIENT=salon@lists.example.org public-inbox-mda --no-precheck < "$WORK/add1-0000.eml"
  declare -g "PI_ADD_$n=$(calc %.1f "$WALL * 1000")"
  row "public-inbox-mda (one message)" 1 "$WALL" "$CPU" "$RSS_MB" "" "$(mb "$(bytes "$pi")")" "$(nfiles "$pi")" "$LOAD1" \
    "public-inbox-mda --no-precheck < ONE.eml into the $n inbox (stored and indexed)"
  [ -n "$KEEP" ] || rm -rf "$pi" "$pih"
}

ratios() { # ratios N: peers against larch, when both ran
  local n=$1 v ib ibr mh pi a50 mha pia
  v="IB_RATE_$n"; ib=${!v:-}; v="IBR_RATE_$n"; ibr=${!v:-}; v="ADD_P50_$n"; a50=${!v:-}
  v="MH_RATE_$n"; mh=${!v:-}; v="PI_RATE_$n"; pi=${!v:-}
  v="MH_ADD_$n"; mha=${!v:-}; v="PI_ADD_$n"; pia=${!v:-}
  if [ -n "$ib" ] && [ -n "$mh" ]; then
    row "ratio: larch import+build / MHonArc" "$n" "" "" "" "" "" "" "" \
      "**$(calc %.1f "$ib / $mh")x** MHonArc's messages/s (goal >= 100x: $(met "$ib / $mh >= 100"))"
  fi
  if [ -n "$ib" ] && [ -n "$pi" ]; then
    row "ratio: larch import+build / public-inbox import+index" "$n" "" "" "" "" "" "" "" \
      "**$(calc %.1f "$ib / $pi")x** public-inbox's messages/s; with larch reindex added (both then have a search index): $(calc %.1f "$ibr / $pi")x"
  fi
  if [ -n "$a50" ] && [ -n "$mha" ]; then
    row "ratio: add, MHonArc -add / larch add p50" "$n" "" "" "" "" "" "" "" \
      "MHonArc $mha ms vs larch $(calc %.1f "$a50") ms: **$(calc %.0f "$mha / $a50")x** faster"
  fi
  if [ -n "$a50" ] && [ -n "$pia" ]; then
    row "ratio: add, public-inbox-mda / larch add p50" "$n" "" "" "" "" "" "" "" \
      "public-inbox-mda $pia ms vs larch $(calc %.1f "$a50") ms: **$(calc %.1f "$pia / $a50")x** faster"
  fi
}

for N in $SIZES; do
  MBOX=$(corpus "$N")
  cat "$MBOX" > /dev/null # page cache warm, as for every row
  if [ "$RUN_LARCH" = 1 ]; then bench_larch "$N" "$MBOX"; fi
  if [ "$PEERS" = 1 ]; then bench_peers "$N" "$MBOX"; fi
  ratios "$N"
done

ELAPSED=$(( $(date +%s) - T0 ))
CORES=$(nproc)
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
RAM=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
LOADED="quiet"
if [ "$(calc %d "${LOAD_START%% *} >= 0.25 * $CORES")" = 1 ]; then
  LOADED="**loaded: other work was running** (compare rows within this run only; wall times are pessimistic)"
fi
PEER_VERSIONS=""
if [ "$PEERS" = 1 ]; then
  PEER_VERSIONS="; peers: MHonArc $(dpkg-query -W -f '${Version}' mhonarc 2>/dev/null || echo '?'), public-inbox $(dpkg-query -W -f '${Version}' public-inbox 2>/dev/null || echo '?') (Debian)"
fi
{
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT"
  echo
  echo "Machine: $CORES cores ($CPU_MODEL), $RAM RAM, Linux $(uname -r); load average at start $LOAD_START: $LOADED."
  echo "Run: \`$INVOCATION\`, $((ELAPSED / 60)) min $((ELAPSED % 60)) s in total (of which cargo build $BUILD_S s)$PEER_VERSIONS."
} > "$WORK/header.md"
if [ "$RECORD" = 1 ]; then
  python3 -B bench/report.py "$WORK/header.md" "$ROWS" --results bench/results.md --benchmarks BENCHMARKS.md
else
  python3 -B bench/report.py "$WORK/header.md" "$ROWS"
fi
