#!/usr/bin/env bash
# Test the Mailman 3 archiver against a real Mailman 3 (from PyPI, in a venv)
# and the real larch binary.
#
#   bash contrib/mailman3/ci.sh [pytest args...]
#
# LARCH_BIN=path uses that binary; otherwise target/release/larch, built
# when missing or older than the sources. The venv lives in
# target/mailman3-venv (MAILMAN3_VENV=dir to move it) and is reused.
# Prints SKIPPED and exits 0 only when Mailman cannot be downloaded at all
# (no network to the package index); any other failure fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
start=$(date +%s)
python="${PYTHON:-python3}"
venv="${MAILMAN3_VENV:-$repo/target/mailman3-venv}"
mailman_req='mailman>=3.3,<3.4'

if [[ -z "${LARCH_BIN:-}" ]]; then
  LARCH_BIN="$repo/target/release/larch"
  if [[ ! -x "$LARCH_BIN" ]] || [[ -n "$(find "$repo/crates" "$repo/Cargo.lock" -newer "$LARCH_BIN" \( -name '*.rs' -o -name '*.toml' -o -name '*.html' -o -name '*.css' -o -name 'Cargo.lock' \) -print -quit)" ]]; then
    echo "== building larch (cargo build --release -p larch-cli)"
    (cd "$repo" && cargo build --release --ignore-rust-version -p larch-cli)
  fi
fi
export LARCH_BIN
"$LARCH_BIN" --version >/dev/null 2>&1 || "$LARCH_BIN" --help >/dev/null

echo "== venv $venv"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "${pip[@]}" install -q "$mailman_req" pytest >"$log" 2>&1; then
  # Tell "no network" from a real failure: can pip fetch anything at all?
  probe="$(mktemp -d)"
  if ! "${pip[@]}" download -q --no-deps --no-cache-dir -d "$probe" "$mailman_req" >/dev/null 2>&1; then
    rm -rf "$probe"
    echo "SKIPPED: Mailman 3 can't be installed: the package index is unreachable"
    tail -5 "$log"
    exit 0
  fi
  rm -rf "$probe"
  echo "FAILED: installing Mailman 3 failed although the package index is reachable:"
  cat "$log"
  exit 1
fi
# The plugin as an administrator installs it (not editable: this checks the
# packaging too).
"${pip[@]}" install -q --force-reinstall --no-deps "$here" >"$log" 2>&1 || { cat "$log"; exit 1; }
"$venv/bin/python" -c 'import mailman.version, larch_mailman3; print("== Mailman", mailman.version.VERSION, "+ larch-mailman3", larch_mailman3.__version__)'

cd "$here"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning "$@" tests
status=$?
set -e
echo "== contrib/mailman3/ci.sh: $(( $(date +%s) - start )) s"
exit $status
