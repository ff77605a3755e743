#!/usr/bin/env bash
# The transport modules in the real executable (they are dlopen()ed with RTLD_NOW, so a symbol
# the executable does not export fails here), and the error when the module folder is wrong.
# Usage: transport_modules_test.sh MESSENGERD_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. Every module loads: `transports` exits 0 and names each module file.
out=$("$bin" transports 2>&1) || fail "messengerd transports exited $?: $out"
for kind in sqlite redis amqp postgres; do
  grep -q "/messengerd-transport-$kind.so\$" <<<"$out" || fail "module $kind not listed as loaded: $out"
done

# 2. A wrong module folder: the worker fails cleanly, naming the transport, the file and the reason.
cat > "$work/messenger.yaml" <<'YAML'
framework:
  messenger:
    transports:
      async: 'sqlite:///queue.db'
YAML
err=$(MESSENGERD_TRANSPORT_DIR="$work/no-such-dir" "$bin" --config "$work/messenger.yaml" consume async --limit 1 2>&1 >/dev/null)
status=$?
((status != 0)) || fail "consume succeeded without its transport module"
for part in "sqlite transport" "$work/no-such-dir/messengerd-transport-sqlite.so" "No such file or directory"; do
  grep -qF "$part" <<<"$err" || fail "the error does not say \"$part\": $err"
done
[[ ! -e $work/queue.db ]] || fail "the database was created although the transport could not be loaded"

# 3. A file that is not a module of this build is refused by name.
mkdir "$work/bad"
cp /bin/true "$work/bad/messengerd-transport-sqlite.so"
err=$(MESSENGERD_TRANSPORT_DIR="$work/bad" "$bin" --config "$work/messenger.yaml" consume async --limit 1 2>&1 >/dev/null)
(($? != 0)) || fail "consume succeeded with a broken module"
grep -qF "$work/bad/messengerd-transport-sqlite.so" <<<"$err" || fail "the error does not name the broken file: $err"
# 4. A module file other users may write to is refused, as a plugin file is.
mkdir "$work/open"
cp "$(dirname "$bin")/../lib/messengerd/transports/messengerd-transport-sqlite.so" "$work/open/"
chmod 0666 "$work/open/messengerd-transport-sqlite.so"
err=$(MESSENGERD_TRANSPORT_DIR="$work/open" "$bin" --config "$work/messenger.yaml" setup-transports 2>&1 >/dev/null)
(($? != 0)) || fail "setup-transports loaded a module that other users may write to"
grep -qF "writable by other users" <<<"$err" || fail "the error does not say why the module was refused: $err"
chmod 0644 "$work/open/messengerd-transport-sqlite.so"
MESSENGERD_TRANSPORT_DIR="$work/open" "$bin" --config "$work/messenger.yaml" setup-transports >/dev/null 2>&1 || fail "the same module, chmod go-w, does not load"
echo "transport modules: ok"
