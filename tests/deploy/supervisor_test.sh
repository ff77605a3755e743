#!/usr/bin/env bash
# A real supervisord (Debian's supervisor package) in the foreground, as an ordinary user,
# running the [program:messengerd] section of supervisor/messengerd.conf (two workers,
# numprocs=2) on a temporary SQLite queue with the test-behaviours plugin journaling every
# message. Dispatches N messages, waits until all are handled, runs `messengerd stop-workers
# --wait`, and checks that both workers exited 0, that supervisor started new ones (new pids)
# which consume again, that nothing was lost or handled twice, and that the queue is empty.
# Usage: supervisor_test.sh SOURCE_DIR MESSENGERD_BINARY PLUGIN_DIR
set -euo pipefail
src=$1
bin=$2
plugins=$3
N=20  # messages before stop-workers
M=5   # messages after, for the restarted workers

command -v supervisord >/dev/null || { echo "SKIP: supervisord is not installed (apt-get install supervisor)"; exit 77; }
[[ -x $bin && -f $plugins/libtest_behaviours.so ]] || { echo "FAIL: $bin or $plugins/libtest_behaviours.so is not built"; exit 1; }

tmp=$(mktemp -d /tmp/messengerd-supervisor.XXXXXX)
chmod 755 "$tmp"
work=$tmp/work
mkdir "$tmp/bin" "$work"
# Copies, so that the test user can run them wherever the build folder is (and the plugin
# loader's rule holds: not writable by others).
install -m 0755 "$bin" "$tmp/bin/messengerd"
install -m 0644 "$plugins/libtest_behaviours.so" "$tmp/bin/libtest_behaviours.so"
# The transport modules, where the executable looks for them (../lib/messengerd/transports).
cp -r "$(dirname "$bin")/../lib" "$tmp/lib"

# supervisord runs as an ordinary user: as root, a system user made for the test.
created_user=""
if [[ $(id -u) == 0 ]]; then
  user=messengerd-test
  if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
    created_user=$user
  fi
  chown "$user:" "$work"
  as_user=(env HOME="$work" setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups --)
else
  user=$(id -un)
  as_user=(env HOME="$work")
fi

supervisord_pid=""
worker_pids=()  # every worker pid seen, to end them by id should supervisord fail to
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; }
cleanup() {
  if [[ -n $supervisord_pid ]] && alive "$supervisord_pid"; then
    kill -TERM "$supervisord_pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$supervisord_pid" || break; sleep 0.1; done
    kill -KILL "$supervisord_pid" 2>/dev/null || true
  fi
  local pid
  for pid in "${worker_pids[@]}"; do
    ! alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
  [[ -z $created_user ]] || userdel "$created_user" 2>/dev/null || true
}
trap cleanup EXIT

cat >"$work/messenger.yaml" <<EOF
framework:
  messenger:
    failure_transport: failed
    transports:
      async:
        dsn: 'sqlite:///queue.db?redeliver_timeout=30'
        retry_strategy: {max_retries: 2, delay: 100, multiplier: 1, jitter: 0}
      failed: 'sqlite:///queue.db?queue_name=failed'
    routing:
      'App\\Message\\*': async
messengerd:
  state_dir: var
  plugins:
    - path: '$tmp/bin/libtest_behaviours.so'
      options: {journal: '$work/journal'}
EOF

# supervisord's own settings, then the shipped program section with this test's paths.
cat >"$work/supervisord.conf" <<EOF
[supervisord]
nodaemon=true
logfile=$work/supervisord.log
pidfile=$work/supervisord.pid
childlogdir=$work
loglevel=info

[unix_http_server]
file=$work/supervisor.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$work/supervisor.sock

EOF
sed -e "s#/usr/bin/messengerd#$tmp/bin/messengerd#" \
    -e "s#/etc/messengerd/messenger.yaml#$work/messenger.yaml#" \
    -e "s#^user=.*#user=$user#" \
    -e "s#^directory=.*#directory=$work#" \
    -e "s#/var/log/supervisor/#$work/#" \
    "$src/supervisor/messengerd.conf" >>"$work/supervisord.conf"
grep -q "^numprocs=2" "$work/supervisord.conf" || { echo "FAIL: supervisor/messengerd.conf has no numprocs=2"; exit 1; }
chown -R "$user:" "$work" 2>/dev/null || true

messengerd() { "${as_user[@]}" "$tmp/bin/messengerd" --config "$work/messenger.yaml" "$@"; }
ctl() { "${as_user[@]}" supervisorctl -c "$work/supervisord.conf" "$@" 2>&1 || true; }  # status exits 3 while a program is down
handled() { grep -c '^handled ' "$work/journal" 2>/dev/null || true; }
running_pids() { ctl status | awk '$2 == "RUNNING" { sub(",", "", $4); print $4 }' | sort; }
dump() {
  echo "--- supervisorctl status"; ctl status
  echo "--- supervisord.log"; tail -n 30 "$work/supervisord.log" 2>/dev/null || true
  for log in "$work"/messengerd_0*.log; do echo "--- $log"; tail -n 20 "$log" 2>/dev/null || true; done
  echo "--- journal: $(handled) handled"
}
# wait_until WHAT SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_until() {
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "FAIL: timed out waiting for $what"
      dump
      exit 1
    fi
    sleep 0.1
  done
}
two_running() { [[ $(running_pids | wc -l) == 2 ]]; }
registered() { [[ $(find "$work/var/workers" -type f 2>/dev/null | wc -l) == "$1" ]]; }
handled_is() { [[ $(handled) == "$1" ]]; }
restarted() {  # two RUNNING workers, none of them an old one
  two_running || return 1
  [[ -z $(comm -12 <(running_pids) <(printf '%s\n' "${old_pids[@]}" | sort)) ]]
}

echo "== supervisord -n as $user"
"${as_user[@]}" supervisord -n -c "$work/supervisord.conf" &
supervisord_pid=$!
t0=$SECONDS
wait_until "two RUNNING workers" 30 two_running
wait_until "both workers in the registry" 30 registered 2
mapfile -t old_pids < <(running_pids)
worker_pids+=("${old_pids[@]}")
echo "workers: ${old_pids[*]}"
# Each worker's id comes from MESSENGER_CONSUMER_NAME (supervisor's process_name).
for name in messengerd_00 messengerd_01; do
  grep -rqs "$name-" "$work/var/workers" || { echo "FAIL: no worker registered as $name-<pid>"; dump; exit 1; }
done

echo "== dispatch $N messages"
for i in $(seq 1 "$N"); do
  messengerd dispatch 'App\Message\TestBehaviour' "{\"id\":\"before-$i\",\"sleep_ms\":20}" >/dev/null
done
wait_until "$N handled messages" 60 handled_is "$N"

echo "== messengerd stop-workers --wait"
messengerd stop-workers --wait --timeout 30
for pid in "${old_pids[@]}"; do
  wait_until "worker $pid to be gone" 10 eval "! alive $pid"
done
for name in messengerd_00 messengerd_01; do
  wait_until "supervisor to log that $name exited 0" 10 \
    grep -q "exited: $name (exit status 0; expected)" "$work/supervisord.log"
done
wait_until "supervisor to restart both workers" 30 restarted
mapfile -t new_pids < <(running_pids)
worker_pids+=("${new_pids[@]}")
echo "restarted: ${old_pids[*]} -> ${new_pids[*]}"

echo "== dispatch $M more messages to the restarted workers"
for i in $(seq 1 "$M"); do
  messengerd dispatch 'App\Message\TestBehaviour' "{\"id\":\"after-$i\"}" >/dev/null
done
wait_until "$((N + M)) handled messages" 30 handled_is "$((N + M))"

echo "== nothing lost, nothing twice, queue empty"
total=$((N + M))
lines=$(wc -l <"$work/journal")
unique=$(awk '{ print $2 }' "$work/journal" | sort -u | wc -l)
[[ $lines == "$total" && $unique == "$total" ]] ||
  { echo "FAIL: journal has $lines lines, $unique distinct ids; expected $total handled once each"; cat "$work/journal"; exit 1; }
stats=$(messengerd stats --format json)
echo "$stats"
grep -q '"count":0' <<<"$stats" && ! grep -Eq '"count":[1-9]' <<<"$stats" ||
  { echo "FAIL: the queue is not empty"; exit 1; }

echo "== supervisor stops the workers (SIGTERM): they exit 0"
kill -TERM "$supervisord_pid"
wait_until "supervisord to exit" 30 eval '! alive "$supervisord_pid"'
status=0
wait "$supervisord_pid" || status=$?
supervisord_pid=""
((status == 0)) || { echo "FAIL: supervisord exited $status"; dump; exit 1; }
for name in messengerd_00 messengerd_01; do
  grep -q "stopped: $name (exit status 0)" "$work/supervisord.log" ||
    { echo "FAIL: $name did not exit 0 on SIGTERM"; dump; exit 1; }
done
echo "ok in $((SECONDS - t0)) s"
