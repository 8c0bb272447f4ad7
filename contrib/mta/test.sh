#!/usr/bin/env bash
# Prove the MTA and Mailman 2.1 configuration in docs/integration.md works
# as written: the marked blocks are read out of the doc (only
# /usr/local/bin/larch and /srv/lists are replaced by this test's paths) and
# run the way each program runs them:
#   Postfix local(8): /bin/sh -c COMMAND, Postfix's environment, the message
#     with its "From sender date" line, Return-Path, X-Original-To and
#     Delivered-To prepended;
#   Exim pipe: the command split into arguments without a shell, the default
#     "From " prefix and "\n" suffix (and the dedicated transport without it);
#   Mailman 2.1: PUBLIC_EXTERNAL_ARCHIVER % {'listname':..., 'hostname':...}
#     run through os.popen (sh -c) with str(msg) on stdin.
#
#   bash contrib/mta/test.sh            the above, no MTA needed
#   bash contrib/mta/test.sh --postfix  also deliver through a real Postfix
#                                       (a private instance; needs root and
#                                       the postfix package installed)
#   bash contrib/mta/test.sh --exim     also through a real Exim (see
#                                       exim-real.sh for how to get one)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
doc="$repo/docs/integration.md"
start=$(date +%s)
real_postfix=0
real_exim=0
for a in "$@"; do
  case "$a" in
    --postfix) real_postfix=1 ;;
    --exim) real_exim=1 ;;
    *) echo "usage: $0 [--postfix] [--exim]" >&2; exit 2 ;;
  esac
done

if [[ -z "${LARCH_BIN:-}" ]]; then
  LARCH_BIN="$repo/target/release/larch"
  if [[ ! -x "$LARCH_BIN" ]] || [[ -n "$(find "$repo/crates" "$repo/Cargo.lock" -newer "$LARCH_BIN" \( -name '*.rs' -o -name '*.toml' -o -name '*.html' -o -name '*.css' -o -name 'Cargo.lock' \) -print -quit)" ]]; then
    echo "== building larch (cargo build --release -p larch-cli)"
    (cd "$repo" && cargo build --release --ignore-rust-version -p larch-cli)
  fi
fi

tmp="$(mktemp -d)"
chmod 755 "$tmp"
cleanup() {
  if [[ -f "$tmp/pf/etc/main.cf" ]]; then postfix -c "$tmp/pf/etc" stop >/dev/null 2>&1 || true; fi
  [[ -n "${KEEP_TMP:-}" ]] || rm -rf "$tmp"
}
trap cleanup EXIT
lists="$tmp/lists"
mkdir -p "$lists"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "FAIL - $*"; }
expect() { # expect DESCRIPTION WANT GOT
  if [[ "$2" == "$3" ]]; then ok "$1"; else not_ok "$1: want [$2], got [$3]"; fi
}

# The fenced block after <!-- test: NAME --> in the doc.
block() {
  awk -v m="<!-- test: $1 -->" '
    $0 == m { f = 1; next }
    f && /^```/ { if (s) exit; s = 1; next }
    f && s { print }' "$doc"
}
subst() {
  sed -e "s#/usr/local/bin/larch#$LARCH_BIN#g" \
      -e "s#/var/lib/mailman/archives/private#$tmp/mm2#g" \
      -e "s#/srv/lists#$lists#g"
}

# `larch export` undone: message I (0-based) of ARCHIVE, exactly as stored.
stored() {
  "$LARCH_BIN" export --archive "$1" 2>/dev/null | python3 -c '
import sys
out, want = sys.stdin.buffer.read(), int(sys.argv[1])
msgs, cur = [], None
for line in out.splitlines(keepends=True):
    if line.startswith(b"From ") and (cur is None or cur[-1:] == [b"\n"]):
        if cur is not None:
            msgs.append(b"".join(cur[:-1]))
        cur = []
        continue
    if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
        line = line[1:]
    cur.append(line)
if cur is not None:
    msgs.append(b"".join(cur[:-1]))
sys.stdout.buffer.write(msgs[want])' "$2"
}
count() { "$LARCH_BIN" stats --archive "$1" | sed -n 's/^messages \([0-9]*\),.*/\1/p'; }
same_bytes() { cmp -s "$1" "$2"; }

# -- the messages -------------------------------------------------------
printf '%s\n' \
  'From: Ada Lovelace <ada@example.org>' 'To: salon@lists.example.org' \
  'Subject: Notes on the engine' 'Message-ID: <engine.1/notes@example.org>' \
  'Date: Mon, 3 Mar 2025 10:00:00 +0000' '' 'The engine weaves algebraic patterns.' \
  'From the start of a line.' >"$tmp/ascii.eml"
printf '%s\n' \
  'From: =?utf-8?q?Jos=C3=A9?= <jose@example.org>' 'To: salon@lists.example.org' \
  'Subject: Café — 日本語' 'Message-ID: <cafe@example.org>' \
  'Date: Tue, 4 Mar 2025 11:00:00 +0100' 'MIME-Version: 1.0' \
  'Content-Type: text/plain; charset=utf-8' 'Content-Transfer-Encoding: 8bit' '' \
  'Grüße, 你好, Привет.' >"$tmp/utf8.eml"
printf 'From: broken\r\nSubject: caf\xe9 raw latin-1\r\nContent-Type: multipart/mixed; boundary="X"\r\nDate: 31 Feb 2025 99:99\r\n\r\n--X\r\nContent-Transfer-Encoding: base64\r\n\r\n!!not base64\x00\xff\r\n' >"$tmp/broken.eml"
msgs=(ascii utf8 broken)

# -- Postfix ------------------------------------------------------------
echo "# Postfix alias (local(8) semantics, simulated)"
alias_line="$(block postfix-alias | subst)"
[[ -n "$alias_line" ]] || { not_ok "docs/integration.md has the postfix-alias block"; exit 1; }
# local(8): the alias value without its quotes and "|" is the command.
cmd="${alias_line#*: }"; cmd="${cmd#\"}"; cmd="${cmd%\"}"; cmd="${cmd#|}"
sender=ada@example.org
postfix_input() { # MESSAGE: what local(8) writes to the command
  printf 'From %s  %s\n' "$sender" "$(LC_ALL=C date -u '+%a %b %e %H:%M:%S %Y')"
  printf 'Return-Path: <%s>\nX-Original-To: salon-archive@lists.example.org\nDelivered-To: salon-archive@lists.example.org\n' "$sender"
  cat "$1"
}
postfix_run() { # MESSAGE COMMAND
  postfix_input "$1" | env -i PATH=/usr/bin:/bin SHELL=/bin/sh HOME=/nonexistent USER=nobody \
    LOGNAME=nobody SENDER="$sender" RECIPIENT=salon-archive@lists.example.org \
    ORIGINAL_RECIPIENT=salon-archive@lists.example.org LOCAL=salon-archive EXTENSION= \
    DOMAIN=lists.example.org /bin/sh -c "$2"
}
"$LARCH_BIN" init "$lists/salon" --name salon --address salon@lists.example.org >/dev/null
for m in "${msgs[@]}"; do
  set +e; postfix_run "$tmp/$m.eml" "$cmd" 2>"$tmp/err"; rc=$?; set -e
  expect "postfix pipe delivers $m.eml (exit 0; $(cat "$tmp/err"))" 0 "$rc"
done
expect "postfix: 3 messages archived" 3 "$(count "$lists/salon")"
for i in 0 1 2; do
  m=${msgs[$i]}
  postfix_input "$tmp/$m.eml" | tail -n +2 >"$tmp/want"
  stored "$lists/salon" "$i" >"$tmp/got"
  if same_bytes "$tmp/want" "$tmp/got"; then ok "postfix: $m stored byte-exact (From_ line taken as envelope)"; else not_ok "postfix: $m bytes differ"; fi
done
expect "postfix: the site has a page for each" 3 "$(find "$lists/salon/site" -name '00000[0-2].html' | wc -l)"
# The archive locked by another writer: 75, so Postfix defers and retries.
exec 9>>"$lists/salon/store/write.lock"
flock -x 9
printf 'From: x@example.org\nSubject: during the lock\nMessage-ID: <locked@example.org>\nDate: Wed, 5 Mar 2025 09:00:00 +0000\n\nwait\n' >"$tmp/locked.eml"
set +e; postfix_run "$tmp/locked.eml" "$cmd --lock-wait 1" 2>"$tmp/err"; rc=$?; set -e
expect "postfix: locked archive gives 75 (EX_TEMPFAIL: deferred) ($(cat "$tmp/err"))" 75 "$rc"
exec 9>&-
set +e; postfix_run "$tmp/locked.eml" "$cmd" 2>/dev/null; rc=$?; set -e
expect "postfix: the retry delivers" 0 "$rc"
set +e; postfix_run "$tmp/locked.eml" "$cmd" 2>"$tmp/err"; rc=$?; set -e
expect "postfix: a second retry is a harmless duplicate ($(cat "$tmp/err"))" "0 duplicate" "$rc $(grep -o duplicate "$tmp/err" | head -1)"
set +e; postfix_run "$tmp/ascii.eml" "${cmd/salon/nowhere}" 2>/dev/null; rc=$?; set -e
expect "postfix: no archive gives 78 (EX_CONFIG)" 78 "$rc"

# -- Exim ---------------------------------------------------------------
echo "# Exim alias and transport (pipe transport semantics, simulated)"
alias_line="$(block exim-alias | subst)"
cmd="${alias_line#*: }"; cmd="${cmd#\"}"; cmd="${cmd%\"}"; cmd="${cmd#|}"
read -r -a argv <<<"$cmd"   # Exim splits the command itself, no shell
"$LARCH_BIN" init "$lists/salon" --name salon >/dev/null 2>&1 || true
rm -rf "$lists/salon"; "$LARCH_BIN" init "$lists/salon" --name salon >/dev/null
exim_run() { # MESSAGE SUFFIX ARGV...
  local msg=$1 suffix=$2; shift 2
  { printf 'From %s %s\n' "$sender" "$(LC_ALL=C date '+%a %b %d %H:%M:%S %Y')"; cat "$msg"; printf '%b' "$suffix"; } |
    env -i PATH=/usr/bin:/bin LOCAL_PART=salon-archive DOMAIN=lists.example.org \
      SENDER="$sender" RECIPIENT=salon-archive@lists.example.org "$@"
}
for m in "${msgs[@]}"; do
  set +e; exim_run "$tmp/$m.eml" '\n' "${argv[@]}" 2>/dev/null; rc=$?; set -e
  expect "exim alias pipe delivers $m.eml" 0 "$rc"
done
{ cat "$tmp/ascii.eml"; printf '\n'; } >"$tmp/want"
stored "$lists/salon" 0 >"$tmp/got"
if same_bytes "$tmp/want" "$tmp/got"; then ok "exim alias: stored with the pipe's trailing empty line"; else not_ok "exim alias: bytes"; fi
# The dedicated transport: command = ..., message_suffix = (empty).
tcmd="$(block exim-transport | subst | sed -n 's/^ *command = //p')"
read -r -a targv <<<"$tcmd"
rm -rf "$lists/salon"; "$LARCH_BIN" init "$lists/salon" --name salon >/dev/null
set +e; exim_run "$tmp/utf8.eml" '' "${targv[@]}" 2>/dev/null; rc=$?; set -e
expect "exim transport delivers" 0 "$rc"
stored "$lists/salon" 0 >"$tmp/got"
if same_bytes "$tmp/utf8.eml" "$tmp/got"; then ok "exim transport: stored byte-exact"; else not_ok "exim transport: bytes"; fi
temp_errors="$(block exim-transport | sed -n 's/^ *temp_errors = //p')"
expect "exim transport: 75 and 78 are temporary errors" "yes yes" \
  "$([[ ":$temp_errors:" == *:75:* ]] && echo yes) $([[ ":$temp_errors:" == *:78:* ]] && echo yes)"

# -- Mailman 2.1 --------------------------------------------------------
echo "# Mailman 2.1 PUBLIC_EXTERNAL_ARCHIVER (Archiver.ExternalArchive, simulated)"
block mailman2 | subst >"$tmp/mm_cfg.py"
rm -rf "$lists/salon"; "$LARCH_BIN" init "$lists/salon" --name salon >/dev/null
mm2() { # MESSAGE [EXTRA ARGS]: exit status as Mailman 2 logs it
  python3 - "$tmp/mm_cfg.py" "$1" "${2:-}" <<'EOF'
import re, subprocess, sys
cfg = {}
exec(open(sys.argv[1]).read(), cfg)
raw = open(sys.argv[2], "rb").read()
class SafeDict(dict):            # Mailman.Utils.SafeDict
    def __missing__(self, key):
        return "%(" + key + ")s"
cmd = cfg["PUBLIC_EXTERNAL_ARCHIVER"] % SafeDict(listname="salon", hostname="lists.example.org")
cmd += sys.argv[3]
# str(msg) in Mailman 2 (Python 2 email): as_string(unixfrom=True) with
# Mailman's mangle_from_=True: a From_ line, body lines "From " -> ">From ".
head, sep, body = raw.partition(b"\n\n")
body = re.sub(rb"(?m)^From ", b">From ", body)
txt = b"From ada@example.org Mon Mar  3 10:00:00 2025\n" + head + sep + body
# os.popen(cmd, 'w') is subprocess.Popen(cmd, shell=True, stdin=PIPE).
p = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdin.write(txt)
p.stdin.close()
status = p.wait() << 8           # what os.popen().close() returns
print((status & 0xff00) >> 8)    # what Mailman 2 logs
EOF
}
for m in "${msgs[@]}"; do
  expect "mailman2 external archiver takes $m.eml" 0 "$(mm2 "$tmp/$m.eml")"
done
expect "mailman2: 3 messages archived" 3 "$(count "$lists/salon")"
stored "$lists/salon" 0 >"$tmp/got"
if grep -q '^>From the start' "$tmp/got"; then ok "mailman2: body From line arrives escaped by Mailman (stored as sent)"; else not_ok "mailman2: From escaping"; fi
exec 9>>"$lists/salon/store/write.lock"
flock -x 9
expect "mailman2: locked archive gives 75 (Mailman 2 only logs it)" 75 "$(mm2 "$tmp/locked.eml" ' --lock-wait 1')"
exec 9>&-
# Recovery from the list's own mbox, which Mailman 2 wrote anyway.
mkdir -p "$tmp/mm2/salon.mbox"
for m in ascii utf8 locked; do
  { echo "From ada@example.org Mon Mar  3 10:00:00 2025"; sed 's/^From />From /' "$tmp/$m.eml"; echo; } >>"$tmp/mm2/salon.mbox/salon.mbox"
done
recover="$(block mailman2-recover | subst)"
mkdir -p "$tmp/bin"; ln -sf "$LARCH_BIN" "$tmp/bin/larch"
set +e; PATH="$tmp/bin:$PATH" sh -c "$recover" >"$tmp/out" 2>&1; rc=$?; set -e
expect "mailman2: documented recovery command runs ($(tail -1 "$tmp/out"))" 0 "$rc"
expect "mailman2: the missed post is recovered, the others skipped as duplicates" 4 "$(count "$lists/salon")"

# -- a real Postfix (optional) -------------------------------------------
if [[ $real_postfix == 1 ]]; then
  echo "# real Postfix: a private instance delivering to the documented alias"
  source "$here/postfix-real.sh"
else
  echo "# real Postfix: not run (bash contrib/mta/test.sh --postfix)"
fi

if [[ $real_exim == 1 ]]; then
  echo "# real Exim: Debian's alias router and pipe transport, and the documented transport"
  source "$here/exim-real.sh"
else
  echo "# real Exim: not run (bash contrib/mta/test.sh --exim)"
fi

echo "== contrib/mta/test.sh: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
