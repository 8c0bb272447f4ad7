#!/usr/bin/env bash
# The real-browser XSS harness, as CI runs it (see README.md here).
#
#   bash tools/xss-harness/ci.sh [run.mjs options...]
#
# Skips (exit 0, "SKIPPED") only when the corpus ../shared/corpora/C (beside
# the repository) is absent. Otherwise: installs Debian's chromium if
# /usr/bin/chromium is missing, runs `npm ci` here, builds larch if
# target/release/larch is missing (LARCH=path overrides), runs the harness
# and prints its table.
# Exit status: 0 clean, 1 a finding (or a failed self-test), 2 the harness
# could not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$root/../shared/corpora/C"

if [ ! -d "$corpus" ]; then
    echo "xss-harness: SKIPPED: corpus C not found at $corpus (../shared/corpora/C beside the repository)"
    exit 0
fi

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x /usr/bin/chromium ]; then
    echo "xss-harness: installing chromium (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    echo "xss-harness: installing nodejs and npm (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

larch="${LARCH:-$root/target/release/larch}"
if [ ! -x "$larch" ]; then
    echo "xss-harness: building larch (cargo build --release -p larch-cli)"
    (cd "$root" && cargo build --release --ignore-rust-version -p larch-cli)
fi

echo "xss-harness: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
start=$(date +%s)
set +e
node "$here/run.mjs" --larch "$larch" --corpus "$corpus" "$@"
status=$?
set -e
echo "xss-harness: exit $status after $(($(date +%s) - start)) s"
exit $status
