#!/usr/bin/env bash
# Helpers shared by the compatibility tests (sourced by tests/compat/*_compat_test.sh, never run
# on its own). They use the sourcing script's variables at call time: tmp, journal, bin, config,
# php_dir, consume_pid and step.

skip() { echo "SKIP: $*"; exit 77; }

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# Failure: what went wrong, then the evidence (journal, the last logs and PHP outputs).
fail() {
  echo "FAIL: $*"
  echo "--- journal ($journal)"; cat "$journal"
  local f
  for f in $(ls -t "$tmp"/*.log "$tmp"/*.out "$tmp"/*.err 2>/dev/null | head -4); do
    echo "--- $f (last 30 lines)"; tail -n 30 "$f"
  done
  exit 1
}

now_ms() { date +%s%3N; }

# await SECONDS WHAT COMMAND...: polls until COMMAND succeeds; fails after the deadline.
await() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$(($(now_ms) + seconds * 1000))
  until "$@"; do
    (($(now_ms) < deadline)) || fail "timed out after ${seconds} s waiting for: $what"
    sleep 0.05
  done
}

free_port() { php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }

# php_run NAME SCRIPT ARGS...: runs a PHP script (bounded), stdout in $tmp/NAME.out; a failure fails the test.
php_run() {
  local name=$1 script=$2
  shift 2
  local rc=0
  (cd "$tmp" && timeout 20 php "$php_dir/$script" "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  ((rc != 124)) || fail "php $script $* did not finish within 20 s; it printed:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
  ((rc == 0)) || fail "php $script $* exited $rc:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
}

# expect_line FILE REGEX WHAT: FILE has a line matching the extended REGEX.
expect_line() {
  grep -Eq -- "$2" "$1" || fail "$3: no line matching /$2/ in $(basename "$1"):
$(cat "$1")"
}

md() {
  local rc=0
  (cd "$tmp" && "$bin" --config "$config" "$@") >"$tmp/md.out" 2>"$tmp/md.err" || rc=$?
  ((rc == 0)) || fail "messengerd $* exited $rc:
$(cat "$tmp/md.out" "$tmp/md.err")"
}

consume_finished() { ! alive "$consume_pid"; }

consume_wait() {  # WHAT: awaits the worker's own exit (its limit), expects 0
  await 20 "$1" consume_finished
  local rc=0
  wait "$consume_pid" || rc=$?
  consume_pid=""
  ((rc == 0)) || fail "messengerd consume exited $rc ($1)"
}

consume_stop() {  # SIGTERM: finishes the current message, then exits 0
  kill -TERM "$consume_pid"
  consume_wait "messengerd consume to stop after SIGTERM"
}

journal_has() { grep -Eqx -- "$1" "$journal"; }

journal_count() { grep -Ecx -- "$1" "$journal" || true; }

is() { [[ $("${@:2}") == "$1" ]]; }  # is VALUE COMMAND...: COMMAND prints VALUE
expect() {  # expect VALUE WHAT COMMAND...
  local value=$1 what=$2 got
  shift 2
  got=$("$@")
  [[ $got == "$value" ]] || fail "$what: expected $value, got $got"
}

pass() { step=$((step + 1)); printf 'ok %2d  %s\n' "$step" "$*"; }

# A TestBehaviour body as PHP's serializer writes it (every field, in order), so that PHP's
# re-encoding of what messengerd sent can be compared byte for byte.
tb_body() {  # ID [FAIL_TIMES]
  printf '{"id":"%s","fail_times":%d,"fail_always":false,"unrecoverable":false,"recoverable":false,' "$1" "${2:-0}"
  printf '"fail_if_exists":null,"sleep_ms":0,"crash":false,"stop_worker":false,"dispatch_type":null,'
  printf '"dispatch_body":null,"rejected_by_middleware":false}'
}
