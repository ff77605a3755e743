#!/usr/bin/env bash
# `systemd-analyze verify` on the units of systemd/ (system and user variants), with ExecStart
# pointing at the built binary. verify exits 0 on many problems (unknown keys, bad values are
# "ignoring" warnings), so any output at all fails the test.
# Usage: systemd_verify_test.sh SOURCE_DIR MESSENGERD_BINARY
set -euo pipefail
src=$1
bin=$2

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"; exit 77; }
[[ -x $bin ]] || { echo "FAIL: $bin is not built"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
failures=0

# verify LABEL UNIT_FILE [systemd-analyze options...]
verify() {
  local label=$1 unit=$2
  shift 2
  local out rc=0
  out=$(systemd-analyze "$@" verify "$unit" 2>&1) || rc=$?
  if ((rc != 0)) || [[ -n $out ]]; then
    echo "FAIL: $label: systemd-analyze verify exited $rc:"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "ok: $label"
  fi
}

rewrite() {  # the unit with the built binary instead of /usr/bin/messengerd
  sed "s#/usr/bin/messengerd#$bin#g" "$1" >"$2"
  grep -q "$bin" "$2" || { echo "FAIL: $1 does not run /usr/bin/messengerd"; exit 1; }
}

mkdir -p "$tmp/system" "$tmp/user" "$tmp/runtime"
rewrite "$src/systemd/messengerd@.service" "$tmp/system/messengerd@.service"
rewrite "$src/systemd/messengerd-stop-workers.service" "$tmp/system/messengerd-stop-workers.service"
rewrite "$src/systemd/user/messengerd@.service" "$tmp/user/messengerd@.service"
# An instance as `systemctl enable messengerd@1` would make it (%i, %H resolved).
cp "$tmp/system/messengerd@.service" "$tmp/system/messengerd@1.service"

verify "messengerd@.service" "$tmp/system/messengerd@.service"
verify "messengerd@1.service" "$tmp/system/messengerd@1.service"
verify "messengerd-stop-workers.service" "$tmp/system/messengerd-stop-workers.service"
# The user manager needs a runtime directory; a private one is enough for verify.
XDG_RUNTIME_DIR=$tmp/runtime verify "user/messengerd@.service (--user)" "$tmp/user/messengerd@.service" --user

# The checks verify leaves to us: what docs/deployment.md promises of the template.
unit=$src/systemd/messengerd@.service
for line in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=' 'KillSignal=SIGTERM' 'TimeoutStopSec=' \
            'Restart=always' 'EnvironmentFile=-/etc/default/messengerd' 'Environment=MESSENGER_CONSUMER_NAME=%H-%i' \
            'User=messengerd' 'StateDirectory=messengerd' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
            'ProtectHome=yes' 'PrivateTmp=yes'; do
  grep -q "^$line" "$unit" || { echo "FAIL: messengerd@.service has no $line"; failures=$((failures + 1)); }
done
# The environment file sets the variables ExecStart uses; it must be valid shell-like syntax.
env -i bash -c "set -a; source '$src/systemd/messengerd.default'; [[ -n \$MESSENGERD_RECEIVERS ]]" ||
  { echo "FAIL: systemd/messengerd.default does not set MESSENGERD_RECEIVERS"; failures=$((failures + 1)); }

((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "all units verified"
