#!/usr/bin/env bash
# A plugin author's path, end to end: install messengerd into a fresh prefix, build the
# sms-notification example OUTSIDE the source tree with find_package(messengerd) against that
# prefix only, then let the installed daemon load it and handle a dispatched message.
# Usage: out_of_tree_plugin.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/messengerd/sdk.hpp"
test -f "$work/prefix/lib/cmake/messengerd/messengerdConfig.cmake"

# Only the installed files: a copy of the example's folder, nothing else of the repository.
cp -r "$source/plugins/sms-notification" "$work/plugin"
cmake -S "$work/plugin" -B "$work/plugin-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin-build" >/dev/null
plugin="$work/plugin-build/plugins/libsms_notification.so"
test -f "$plugin"

cat >"$work/messenger.yaml" <<YAML
framework:
  messenger:
    transports:
      async: 'in-memory://'
messengerd:
  plugins:
    - path: '$plugin'
      options: {sender: OutOfTree}
YAML
bin="$work/prefix/bin/messengerd"
"$bin" --config "$work/messenger.yaml" config:validate
out=$("$bin" --config "$work/messenger.yaml" dispatch 'App\Message\SmsNotification' \
      '{"phoneNumber":"+15550009","content":"from outside"}' 2>&1)
echo "$out"
grep -q 'handled App\\Message\\SmsNotification synchronously' <<<"$out"
grep -q 'sending SMS from OutOfTree to +15550009: from outside' <<<"$out"
echo "out-of-tree plugin: OK"
