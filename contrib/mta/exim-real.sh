# Sourced by contrib/mta/test.sh --exim: deliver through a real Exim.
#
# Runs Debian's Exim binary (EXIM=path, default exim4 on PATH) with a small
# configuration of our own ($tmp; nothing leaves the machine), once with
# Debian's system_aliases router + address_pipe transport as
# docs/integration.md says to set them up (SYSTEM_ALIASES_USER,
# SYSTEM_ALIASES_PIPE_TRANSPORT) and the documented alias line, once with
# the documented router and transport. `exim -C FILE` keeps root (needed to
# run the pipe as `larch`) only when FILE is listed in the binary's
# TRUSTED_CONFIG_LIST (/etc/exim4/trusted_configs on Debian): this adds it
# there and removes it afterwards. Needs root; creates the users larch and
# Debian-exim if missing. Exim conflicts with Postfix as a package, so on a
# Postfix machine extract the .deb instead:
#   apt-get download exim4-daemon-light libidn12 && for f in *.deb; do dpkg-deb -x $f x; done
#   EXIM=$PWD/x/usr/sbin/exim4 LD_LIBRARY_PATH=$PWD/x/usr/lib/x86_64-linux-gnu bash contrib/mta/test.sh --exim

exim_real() {
  local exim="${EXIM:-$(command -v exim4 || true)}"
  if [[ -z "$exim" || ! -x "$exim" ]]; then
    not_ok "real exim: no exim4 binary (set EXIM=path)"
    return
  fi
  if [[ $(id -u) != 0 ]]; then
    not_ok "real exim: needs root"
    return
  fi
  id larch >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin larch
  id Debian-exim >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin Debian-exim
  local ex="$tmp/exim" bin="$tmp/exbin/larch" elists="$tmp/exlists"
  mkdir -p "$ex/spool" "$ex/log" "$tmp/exbin" "$elists"
  chown Debian-exim "$ex/spool" "$ex/log"
  cp "$LARCH_BIN" "$bin"
  chmod 755 "$tmp/exbin" "$bin" "$ex"
  esub() { sed -e "s#/usr/local/bin/larch#$bin#g" -e "s#/srv/lists#$elists#g"; }
  block exim-alias | esub >"$ex/aliases"
  echo "nowhere: \"|$bin add --archive $elists/nowhere\"" >>"$ex/aliases"
  echo "lockcheck: \"|$bin add --archive $elists/salon --lock-wait 2\"" >>"$ex/aliases"

  common() {
    cat <<EOF
primary_hostname = lists.example.org
domainlist local_domains = lists.example.org
spool_directory = $ex/spool
log_file_path = $ex/log/%slog
trusted_users = root
exim_path = $exim
begin routers
EOF
  }
  # A: Debian's system_aliases router and address_pipe transport (from
  # exim4-config), with the two macros set as the doc says.
  { common; cat <<EOF
system_aliases:
  driver = redirect
  domains = +local_domains
  allow_fail
  allow_defer
  data = \${lookup{\$local_part}lsearch{$ex/aliases}}
  user = larch
  pipe_transport = address_pipe
begin transports
address_pipe:
  driver = pipe
  return_fail_output
begin retry
* * F,2h,15m
EOF
  } >"$ex/aliases.conf"
  # B: the documented router and transport.
  { common; block exim-transport | esub | awk '/^# transports/{print "begin transports"; next} /^#/{next} {print}'
    printf 'begin retry\n* * F,2h,15m\n'; } >"$ex/transport.conf"
  local trusted=/etc/exim4/trusted_configs had_trusted=0
  mkdir -p /etc/exim4
  [[ -f $trusted ]] && had_trusted=1 && cp "$trusted" "$ex/trusted.orig"
  printf '%s\n%s\n' "$ex/aliases.conf" "$ex/transport.conf" >>"$trusted"
  chmod 644 "$trusted"

  "$bin" init "$elists/salon" --name salon >/dev/null
  chown -R larch: "$elists"
  deliver() { "$exim" -C "$1" -odi -f ada@example.org "$2" <"$3" >/dev/null 2>&1 || true; }
  log_has() { grep -q "$1" "$ex/log/mainlog" 2>/dev/null; }

  echo "# $("$exim" -C "$ex/aliases.conf" -bV 2>/dev/null | head -1)"
  for m in ascii utf8 broken; do deliver "$ex/aliases.conf" salon-archive@lists.example.org "$tmp/$m.eml"; done
  expect "real exim: 3 posts through /etc/aliases-style alias and address_pipe" 3 "$(count "$elists/salon")"
  local i found=0
  for i in 0 1 2; do
    stored "$elists/salon" "$i" >"$tmp/got"
    if tail -c "$(($(wc -c <"$tmp/utf8.eml") + 1))" "$tmp/got" | cmp -s - <(cat "$tmp/utf8.eml"; echo); then found=1; fi
  done
  expect "real exim: address_pipe adds an empty line after the message" 1 "$found"
  expect "real exim: the pipe ran as SYSTEM_ALIASES_USER (larch)" larch \
    "$(find "$elists/salon/site" -name '000000.html' -printf '%u\n' | sort -u)"

  exec 7>>"$elists/salon/store/write.lock"
  flock -x 7
  deliver "$ex/aliases.conf" lockcheck@lists.example.org "$tmp/locked.eml"
  exec 7>&-
  if log_has '== .*<lockcheck@lists.example.org>.* defer'; then ok "real exim: exit 75 defers ($(grep -o 'returned 75.*' "$ex/log/mainlog" | head -1 | cut -c1-60))"; else
    not_ok "real exim: 75 not deferred: $(grep lockcheck "$ex/log/mainlog" | tail -1)"; fi
  deliver "$ex/aliases.conf" nowhere@lists.example.org "$tmp/ascii.eml"
  if log_has '\*\* .*<nowhere@lists.example.org>.*returned 78'; then ok "real exim: exit 78 bounces with address_pipe"; else
    not_ok "real exim: 78 with address_pipe: $(grep nowhere "$ex/log/mainlog" | tail -1)"; fi

  rm -rf "$elists/salon"; "$bin" init "$elists/salon" --name salon >/dev/null; chown -R larch: "$elists"
  deliver "$ex/transport.conf" salon-archive@lists.example.org "$tmp/utf8.eml"
  stored "$elists/salon" 0 >"$tmp/got"
  if cmp -s "$tmp/got" <(cat <(printf 'Return-path: <ada@example.org>\n') "$tmp/utf8.eml") || tail -c "$(wc -c <"$tmp/utf8.eml")" "$tmp/got" | cmp -s - "$tmp/utf8.eml"; then
    ok "real exim: documented router+transport delivers, no trailing empty line"
  else not_ok "real exim: documented transport: $(grep salon-archive "$ex/log/mainlog" | tail -1)"; fi
  rm -rf "$elists/nowhere"
  sed -i "s#--archive $elists/salon#--archive $elists/nowhere#" "$ex/transport.conf"
  deliver "$ex/transport.conf" salon-archive@lists.example.org "$tmp/ascii.eml"
  if grep "salon-archive" "$ex/log/mainlog" | tail -1 | grep -q ' == .*returned 78'; then ok "real exim: documented transport defers on 78 (temp_errors)"; else
    not_ok "real exim: documented transport on 78: $(grep salon-archive "$ex/log/mainlog" | tail -1)"; fi

  if [[ $had_trusted == 1 ]]; then cp "$ex/trusted.orig" "$trusted"; else rm -f "$trusted"; fi
}
exim_real
