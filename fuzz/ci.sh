#!/usr/bin/env bash
# Fuzz smoke run for CI: build every cargo-fuzz target on stable Rust (no
# sanitizer: `-s none`) and run each for a bounded time from its checked-in
# seeds. Fails if any target crashes, times out, runs out of memory or fails
# to build. Usage: bash fuzz/ci.sh   (FUZZ_SECONDS=60 per target by default;
# FUZZ_TARGETS="a b" to run only some). Leaves nothing running.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.1
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if ! cargo-fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

# cargo-fuzz runs `cargo build` from PATH and cannot pass --ignore-rust-version
# (mail-parser 1.0.1 declares rust-version 1.98; larch builds on 1.95): the
# shim adds it. cargo-fuzz is called directly, not as `cargo fuzz`, because
# cargo puts its own directory first on PATH for subcommands.
export PATH="$here/shim:$PATH"

targets=${FUZZ_TARGETS:-$(cargo-fuzz list)}
# query_parser needs larch::search::parse_query; skip it (saying so) in a
# tree that does not have it yet.
if ! grep -rqs "pub fn parse_query" ../crates/larch/src/search; then
    echo "fuzz: note: no larch::search::parse_query in this tree; query_parser skipped"
    targets=$(printf '%s\n' $targets | grep -vx query_parser || true)
fi
start=$(date +%s)
echo "fuzz: building $(echo $targets | wc -w) targets (stable, -s none)"
for t in $targets; do
    cargo-fuzz build -s none "$t"
done
built=$(date +%s)
echo "fuzz: built in $((built - start)) s"

failed=()
summary=()
# Inputs that once crashed a target: each is run once (libFuzzer runs the
# files it is given and exits), before fuzzing.
for t in $targets; do
    [ -d "regressions/$t" ] || continue
    files=(regressions/"$t"/*)
    [ -e "${files[0]}" ] || continue
    if ! cargo-fuzz run -s none "$t" "${files[@]}" -- -rss_limit_mb=2048 -timeout=10 >"/tmp/fuzz-regress-$t.log" 2>&1; then
        tail -n 40 "/tmp/fuzz-regress-$t.log"
        failed+=("$t (regressions)")
    fi
    summary+=("$t: ${#files[@]} regression inputs replayed")
    rm -f "/tmp/fuzz-regress-$t.log"
done
for t in $targets; do
    work=$(mktemp -d)
    mkdir -p "$work/corpus" "$work/artifacts"
    log="$work/log"
    # Mail targets: real messages are a few KB; queries are at most 2 KB.
    # Queries: no slow length ramp (-len_control=0), or the term and depth
    # limits (64 terms, 32 levels) are out of reach in a short run.
    case $t in
    query_parser) max_len=4096 extra=-len_control=0 ;;
    *) max_len=32768 extra=-len_control=100 ;;
    esac
    echo "fuzz: $t for ${FUZZ_SECONDS} s"
    # The first corpus directory is written to; the seeds are only read.
    if cargo-fuzz run -s none "$t" "$work/corpus" "seeds/$t" -- \
        -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
        -max_len="$max_len" "$extra" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed+=("$t")
        tail -n 60 "$log"
        mkdir -p "artifacts/$t"
        cp "$work"/artifacts/* "artifacts/$t/" 2>/dev/null || true
        echo "fuzz: $t failed; inputs kept in fuzz/artifacts/$t/"
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
    summary+=("$t: $status, ${execs:-?} execs, ${speed:-?} exec/s, ${cov:-cov ?}")
    rm -rf "$work"
done

echo "fuzz: summary ($(($(date +%s) - start)) s in all)"
printf '  %s\n' "${summary[@]}"
ntargets=$(echo $targets | wc -w)
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    nfailed=$(printf '%s\n' "${failed[@]}" | sed 's/ (regressions)$//' | sort -u | wc -l)
    echo "fuzz: $((ntargets - nfailed)) passed, $nfailed failed"
    exit 1
fi
echo "fuzz: every target ran ${FUZZ_SECONDS} s without a finding"
echo "fuzz: $ntargets passed, 0 failed"
