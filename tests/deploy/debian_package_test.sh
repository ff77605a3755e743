#!/usr/bin/env bash
# Builds the Debian package with `cpack -G DEB`, checks its control data and contents, installs
# it into this machine with dpkg -i, and checks what an operator relies on: /usr/bin/messengerd
# runs, the messengerd system user exists, /etc/messengerd/messenger.yaml and
# /etc/default/messengerd are conffiles, the installed units pass `systemd-analyze verify`, the
# installed config works as the messengerd user (plugins from /usr/lib/messengerd/plugins, queue
# and restart signal in /var/lib/messengerd). Then removes and purges it.
# Root only (it installs a package): exits 77 (skipped) otherwise.
# Usage: debian_package_test.sh SOURCE_DIR BUILD_DIR CPACK_COMMAND
set -euo pipefail
src=$1
build=$2
cpack=$3

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
[[ $(id -u) == 0 ]] || skip "installs a package into this machine: run as root"
for tool in dpkg dpkg-deb systemd-analyze adduser setpriv; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/lib.sh: MESSENGERD_DEPLOY_TEST_PACKAGES)"
done
if dpkg-query -W -f='${Status}' messengerd 2>/dev/null | grep -q "installed"; then
  skip "a messengerd package is already installed here; not touching it"
fi
if [[ -e /usr/bin/messengerd ]]; then
  skip "/usr/bin/messengerd exists (installed by hand?); not overwriting it"
fi

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[[ -n $version ]] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
deb_name=messengerd_${version}_$(dpkg --print-architecture).deb

out=$(mktemp -d /tmp/messengerd-deb.XXXXXX)
had_user=0
id messengerd >/dev/null 2>&1 && had_user=1
had_state=0
[[ -e /var/lib/messengerd ]] && had_state=1
installed=0
cleanup() {
  if ((installed)); then dpkg --purge messengerd >/dev/null 2>&1 || true; fi
  if ((!had_state)); then rm -rf /var/lib/messengerd; fi
  if ((!had_user)) && id messengerd >/dev/null 2>&1; then userdel messengerd 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
t0=$SECONDS

echo "== cpack -G DEB"
(cd "$out" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$out") >"$out/cpack.log" 2>&1 ||
  { cat "$out/cpack.log"; fail "cpack failed"; }
deb=$out/$deb_name
[[ -f $deb ]] || { cat "$out/cpack.log"; ls "$out"; fail "cpack did not write $deb_name"; }
echo "built $deb_name in $((SECONDS - t0)) s"

echo "== control data"
info=$(dpkg-deb -f "$deb" Package Version Architecture Maintainer Depends Description)
echo "$info"
grep -qx "Package: messengerd" <<<"$info" || fail "package name"
grep -qx "Version: $version" <<<"$info" || fail "version"
grep -q "^Depends: .*adduser" <<<"$info" || fail "Depends lacks adduser (postinst uses it)"
grep -q "^Depends: .*libsqlite3-0" <<<"$info" || fail "Depends lacks the shared libraries (libsqlite3-0, of the sqlite transport module)"
dpkg-deb -e "$deb" "$out/DEBIAN"
for f in conffiles postinst prerm postrm; do [[ -f $out/DEBIAN/$f ]] || fail "no DEBIAN/$f"; done
grep -qx /etc/messengerd/messenger.yaml "$out/DEBIAN/conffiles" || fail "messenger.yaml is not a conffile"
grep -qx /etc/default/messengerd "$out/DEBIAN/conffiles" || fail "/etc/default/messengerd is not a conffile"
for f in postinst prerm postrm; do sh -n "$out/DEBIAN/$f" || fail "DEBIAN/$f is not valid sh"; done

echo "== contents"
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for path in ./usr/bin/messengerd ./etc/messengerd/messenger.yaml ./etc/default/messengerd \
            ./lib/systemd/system/messengerd@.service ./lib/systemd/system/messengerd-stop-workers.service \
            ./usr/lib/systemd/user/messengerd@.service ./usr/share/doc/messengerd/examples/supervisor/messengerd.conf \
            ./usr/share/doc/messengerd/deployment.md ./usr/include/messengerd/sdk.hpp; do
  grep -qx "$path" <<<"$contents" || fail "$path is not in the package"
done
grep -q '^\./usr/lib/[^ ]*messengerd/plugins/libsms_notification\.so$' <<<"$contents" || fail "no example plugin in the package"
for kind in sqlite redis amqp postgres; do
  grep -q "^\./usr/lib/[^ ]*messengerd/transports/messengerd-transport-$kind\.so\$" <<<"$contents" ||
    fail "no $kind transport module in the package"
done
! grep -q '^\./usr/etc' <<<"$contents" || fail "the package has files in /usr/etc"
! grep -q '^\./usr/local' <<<"$contents" || fail "the package has files in /usr/local"

echo "== dpkg -i"
installed=1
dpkg -i "$deb"
/usr/bin/messengerd --version
/usr/bin/messengerd --version | grep -q "$version" || fail "messengerd --version does not say $version"
id messengerd
[[ $(getent passwd messengerd | cut -d: -f6) == /var/lib/messengerd ]] || fail "the messengerd user's home is not /var/lib/messengerd"
[[ $(stat -c %U /var/lib/messengerd) == messengerd ]] || fail "/var/lib/messengerd does not belong to messengerd"
conffiles=$(dpkg-query --control-show messengerd conffiles)
grep -qx /etc/messengerd/messenger.yaml <<<"$conffiles" || fail "dpkg does not list messenger.yaml as a conffile"
dpkg-query -W -f='${Conffiles}\n' messengerd | grep -q "/etc/messengerd/messenger.yaml [0-9a-f]\{32\}" ||
  fail "dpkg did not register the conffile with its checksum"

echo "== systemd-analyze verify on the installed units"
runtime=$(mktemp -d -p "$out")
for unit in /lib/systemd/system/messengerd@.service /lib/systemd/system/messengerd-stop-workers.service; do
  msg=$(systemd-analyze verify "$unit" 2>&1) || fail "verify $unit: $msg"
  [[ -z $msg ]] || fail "verify $unit: $msg"
done
msg=$(XDG_RUNTIME_DIR=$runtime systemd-analyze --user verify /usr/lib/systemd/user/messengerd@.service 2>&1) ||
  fail "verify the user unit: $msg"
[[ -z $msg ]] || fail "verify the user unit: $msg"

echo "== the installed config, as the messengerd user, from a plain shell"
as_messengerd=(setpriv --reuid=messengerd --regid=messengerd --init-groups -- env -i PATH=/usr/bin:/bin HOME=/var/lib/messengerd)
"${as_messengerd[@]}" /usr/bin/messengerd --config /etc/messengerd/messenger.yaml config:validate
"${as_messengerd[@]}" /usr/bin/messengerd --config /etc/messengerd/messenger.yaml \
  dispatch 'App\Message\SmsNotification' '{"phoneNumber":"+15550001","content":"from the package test"}'
[[ -f /var/lib/messengerd/messages.db ]] || fail "the queue is not /var/lib/messengerd/messages.db"
"${as_messengerd[@]}" /usr/bin/messengerd --config /etc/messengerd/messenger.yaml consume async --limit 1 --time-limit 20
"${as_messengerd[@]}" /usr/bin/messengerd --config /etc/messengerd/messenger.yaml stats --format json | grep -q '"name":"async","count":0' ||
  fail "the message was not consumed"
"${as_messengerd[@]}" /usr/bin/messengerd --config /etc/messengerd/messenger.yaml stop-workers
[[ -f /var/lib/messengerd/restart-signal ]] || fail "stop-workers did not write /var/lib/messengerd/restart-signal"

echo "== dpkg -r, then --purge"
dpkg -r messengerd
[[ ! -e /usr/bin/messengerd ]] || fail "/usr/bin/messengerd is still there after dpkg -r"
[[ -f /etc/messengerd/messenger.yaml ]] || fail "dpkg -r removed the conffile (only --purge should)"
dpkg --purge messengerd
installed=0
[[ ! -e /etc/messengerd/messenger.yaml && ! -e /etc/default/messengerd ]] || fail "--purge left the conffiles"
[[ ! -e /var/lib/messengerd/restart-signal ]] || fail "--purge left the restart signal"
echo "ok in $((SECONDS - t0)) s"
