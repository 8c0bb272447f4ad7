# Sourced by contrib/mta/test.sh --postfix: deliver through a real Postfix.
#
# A private Postfix instance (its own config, queue and log under $tmp; no
# SMTP listener; nothing leaves the machine) with the documented alias file
# and main.cf lines: mail submitted with sendmail goes through pickup,
# cleanup, qmgr and local(8), which runs the alias command. Needs root, the
# postfix package (apt-get install postfix), and creates the system user
# `larch` if missing (as docs/integration.md says to).

pf_run() {
  if ! command -v postfix >/dev/null || [[ ! -f /etc/postfix/master.cf ]]; then
    not_ok "real postfix: not installed (apt-get install postfix)"
    return
  fi
  if [[ $(id -u) != 0 ]]; then
    not_ok "real postfix: needs root"
    return
  fi
  id larch >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin larch
  local pf="$tmp/pf" bin="$tmp/pfbin/larch"
  mkdir -p "$pf/etc" "$pf/spool" "$pf/data" "$tmp/pfbin"
  chown postfix "$pf/data"
  cp "$LARCH_BIN" "$bin"
  chmod 755 "$tmp/pfbin" "$bin"
  local plists="$tmp/pflists"
  mkdir -p "$plists"
  psub() { sed -e "s#/usr/local/bin/larch#$bin#g" -e "s#/srv/lists#$plists#g" -e "s#hash:/etc/aliases#hash:$pf/etc/aliases#g"; }

  cp /etc/postfix/master.cf "$pf/etc/master.cf"
  # No SMTP listener: submission is by sendmail only.
  sed -i 's/^smtp \{1,\}inet/#&/' "$pf/etc/master.cf"
  cat >"$pf/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf/spool
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = lists.example.org
mydomain = example.org
mydestination = lists.example.org
inet_interfaces = loopback-only
inet_protocols = ipv4
maillog_file_prefixes = $tmp
maillog_file = $pf/maillog
default_transport = error:no mail leaves this test
relay_transport = error:no mail leaves this test
EOF
  block postfix-main.cf | psub >>"$pf/etc/main.cf"
  postconf -c "$pf/etc" -F '*/*/chroot = n' >/dev/null
  echo "postmaster: root" >"$pf/etc/aliases"
  postalias -c "$pf/etc" "$pf/etc/aliases"

  # The documented alias file, owned by larch; plus two for the checks
  # below (a short lock wait, and an archive that doesn't exist).
  {
    block postfix-alias | psub
    echo "lockcheck: \"|$bin add --archive $plists/salon --lock-wait 2\""
    echo "nowhere: \"|$bin add --archive $plists/nowhere\""
  } >"$plists/aliases"
  "$bin" init "$plists/salon" --name salon --address salon@lists.example.org >/dev/null
  chown -R larch: "$plists"
  runuser -u larch -- postalias -c "$pf/etc" "$plists/aliases"

  postfix -c "$pf/etc" check >/dev/null 2>&1 || true
  if ! postfix -c "$pf/etc" start >"$tmp/pfstart" 2>&1; then
    cat "$tmp/pfstart"
    not_ok "real postfix: the instance did not start"
    return
  fi
  submit() { sendmail -C "$pf/etc" -f ada@example.org "$1" <"$2"; }
  wait_until() { # SECONDS COMMAND...
    local end=$(($(date +%s) + $1)); shift
    while (($(date +%s) < end)); do "$@" && return 0; sleep 0.5; done
    return 1
  }
  has() { [[ "$(count "$plists/salon")" == "$1" ]]; }
  logged() { grep -q "$1" "$pf/maillog" 2>/dev/null; }

  for m in ascii utf8 broken; do submit salon-archive@lists.example.org "$tmp/$m.eml"; done
  if wait_until 60 has 3; then ok "real postfix: 3 posts delivered through local(8) to the documented alias"; else
    not_ok "real postfix: posts not archived ($(tail -3 "$pf/maillog" 2>/dev/null))"; fi
  # Postfix delivers the three in any order: find the UTF-8 one.
  local i found=0
  for i in 0 1 2; do
    stored "$plists/salon" "$i" >"$tmp/got"
    if grep -q '^Delivered-To: salon-archive@lists.example.org' "$tmp/got" &&
      tail -c "$(wc -c <"$tmp/utf8.eml")" "$tmp/got" | cmp -s - "$tmp/utf8.eml"; then
      found=1
    fi
  done
  expect "real postfix: stored = local(8)'s and cleanup's headers + the message, byte-exact" 1 "$found"
  # Pages written by the deliveries (after the chown) belong to the user
  # local(8) ran the command as.
  expect "real postfix: the command ran as the alias file's owner (larch)" larch \
    "$(find "$plists/salon/site" -name '000000.html' -printf '%u\n' | sort -u)"

  # Locked: 75, so Postfix defers; a queue flush after the lock delivers.
  exec 8>>"$plists/salon/store/write.lock"
  flock -x 8
  submit lockcheck@lists.example.org "$tmp/locked.eml"
  if wait_until 60 logged 'to=<lockcheck@lists.example.org>.*status=deferred'; then
    ok "real postfix: exit 75 defers the message ($(grep -o 'status=deferred.*' "$pf/maillog" | head -1 | cut -c1-110))"
  else not_ok "real postfix: no deferral logged"; fi
  exec 8>&-
  postqueue -c "$pf/etc" -f
  if wait_until 60 has 4; then ok "real postfix: the deferred message is delivered on retry"; else not_ok "real postfix: retry"; fi

  # No archive: 78 (EX_CONFIG).
  submit nowhere@lists.example.org "$tmp/ascii.eml"
  if wait_until 60 logged 'to=<nowhere@lists.example.org>.*status=\(deferred\|bounced\)'; then
    ok "real postfix: exit 78 gives $(grep -o 'to=<nowhere@lists.example.org>.*status=[a-z]*' "$pf/maillog" | head -1 | sed 's/.*status=/status=/')"
  else not_ok "real postfix: no outcome logged for exit 78"; fi
  postfix -c "$pf/etc" stop >/dev/null 2>&1 || true
}
pf_run
