#!/usr/bin/env bash
# Wire compatibility between real Symfony Messenger 5.4 (PHP, Debian's packages) and
# messengerd's Redis transport, on a redis-server of its own (free port, temp dir). For each
# phpredis serializer setting (1 = \Redis::SERIALIZER_PHP, Symfony's default, and 0):
#   A. PHP dispatches (plain, DelayStamp, and one with the other serializer setting)
#      -> `messengerd consume` handles them, the delayed one not before it is due; XPENDING 0.
#   B. `messengerd dispatch` (plain, --delay) -> PHP decodes the stored bytes and re-encodes
#      them identically; Symfony's Worker consumes and acks them; XPENDING 0.
#   C. a message fails in messengerd past max_retries -> messengerd's Redis failure transport
#      -> PHP decodes it (ErrorDetailsStamp, SentToFailureTransportStamp, its own TraceStamp)
#      -> PHP sends it back to the original transport -> messengerd handles it.
# What each check proves: tests/compat/README.md. The PHP side: tests/compat/php/*.php.
# Usage: redis_compat_test.sh BUILD_DIR SOURCE_DIR
# Exit: 0 passed, 1 failed, 77 skipped (the PHP packages can neither be found nor installed).
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
bin=$build/bin/messengerd
plugins=$build/plugins
php_dir=$src/tests/compat/php
source "$src/tests/compat/lib.sh"
started=$(date +%s%3N)

# --- what the test needs ---------------------------------------------------------------------
php_ready() {
  command -v php >/dev/null 2>&1 && php -r '
    foreach (["Symfony/Component/Messenger", "Symfony/Component/Messenger/Bridge/Redis", "Symfony/Component/Serializer",
              "Symfony/Component/PropertyAccess", "Symfony/Component/ErrorHandler", "Psr/Container"] as $p)
      if (!is_file("/usr/share/php/$p/autoload.php")) exit(1);
    exit(extension_loaded("redis") ? 0 : 1);' >/dev/null 2>&1
}
if ! php_ready; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing the PHP packages (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
    (source "$src/scripts/lib.sh" && ensure_packages "${MESSENGERD_COMPAT_TEST_PACKAGES[@]}") || true
  fi
  php_ready || skip "PHP with Symfony Messenger 5.4 and php-redis is not installed and could not be installed (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
fi
for f in "$bin" /usr/bin/redis-server "$(command -v redis-cli || echo redis-cli)"; do
  [[ -x $f ]] || { echo "FAIL: $f is missing (build messengerd; apt-get install redis-server)"; exit 1; }
done
for p in libtest_behaviours.so libsms_notification.so; do
  [[ -f $plugins/$p ]] || { echo "FAIL: $plugins/$p is not built (ninja test_behaviours sms_notification)"; exit 1; }
done

tmp=$(mktemp -d /tmp/messengerd-compat.XXXXXX)
journal=$tmp/journal
touch "$journal"
redis_pid=""
consume_pid=""
cleanup() {
  local rc=$?
  if alive "$consume_pid"; then kill -KILL "$consume_pid" 2>/dev/null || true; fi
  if alive "$redis_pid"; then kill -KILL "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  if ((rc != 0)) && [[ -n ${KEEP_TMP:-} ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# --- redis-server of our own -------------------------------------------------------------------
rcli() { redis-cli -p "$port" "$@"; }
redis_up() { [[ $(rcli PING 2>/dev/null) == PONG ]]; }
mkdir "$tmp/redis"
for attempt in 1 2 3; do
  port=$(free_port)
  /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp/redis" \
    >"$tmp/redis-server.log" 2>&1 &
  redis_pid=$!
  deadline=$(($(now_ms) + 10000))
  until redis_up || ! alive "$redis_pid" || (($(now_ms) > deadline)); do sleep 0.05; done
  redis_up && break
  kill -KILL "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
done
[[ -n $redis_pid ]] || fail "redis-server did not start (tried 3 ports)"
echo "redis-server on 127.0.0.1:$port, $(php -r 'echo "PHP ", PHP_VERSION, ", phpredis ", phpversion("redis");'), Symfony Messenger $(dpkg-query -W -f='${Version}' php-symfony-messenger 2>/dev/null || echo '?')"

# --- helpers -----------------------------------------------------------------------------------
config=$tmp/messenger.yaml
write_config() {  # SERIALIZER
  cat >"$config" <<EOF
framework:
  messenger:
    failure_transport: failed
    transports:
      async:
        dsn: 'redis://127.0.0.1:$port/messages/symfony/messengerd'
        options: {serializer: $1}
        retry_strategy: {max_retries: 1, delay: 100, multiplier: 1, jitter: 0}
      failed:
        dsn: 'redis://127.0.0.1:$port/failed/symfony/messengerd'
        options: {serializer: $1}
    routing:
      'App\Message\*': async
messengerd:
  plugins:
    - path: '$plugins/libtest_behaviours.so'
      options: {journal: '$journal'}
    - '$plugins/libsms_notification.so'
EOF
}

step=0
# timeout-bounded variant for the PHP worker.
php_consume() {
  local name=$1
  shift
  local rc=0
  (cd "$tmp" && timeout 20 php "$php_dir/consume.php" "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  ((rc != 124)) || fail "PHP's Worker (consume.php $*) did not get all the messages within 20 s; it got:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
  ((rc == 0)) || fail "php consume.php $* exited $rc:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
}
consume_start() {  # LOG ARGS...
  local log=$1
  shift
  (cd "$tmp" && exec "$bin" --config "$config" -v consume async "$@") >"$tmp/$log" 2>&1 &
  consume_pid=$!
}
pending() { rcli XPENDING "$1" symfony | sed -n 1p; }

# --- the scenario, once per serializer setting ---------------------------------------------------
for S in 1 0; do
  other=$((1 - S))
  rcli FLUSHALL >/dev/null
  write_config "$S"
  echo "== serializer $S"

  # A. PHP dispatches -> messengerd consumes -------------------------------------------------
  php_run a-sms dispatch.php "$port" messages "$S" 'App\Message\SmsNotification' "{\"phoneNumber\":\"+1555000$S\",\"content\":\"from PHP $S\"}"
  php_run a-plain dispatch.php "$port" messages "$S" 'App\Message\TestBehaviour' "{\"id\":\"php-plain-$S\"}"
  php_run a-delayed dispatch.php "$port" messages "$S" 'App\Message\TestBehaviour' "{\"id\":\"php-delayed-$S\"}" 1500
  first=$(rcli XRANGE messages - + COUNT 1 | sed -n 3p)
  if ((S == 1)); then [[ $first == s:* ]]; else [[ $first == '{'* ]]; fi ||
    fail "PHP (serializer $S) stored an unexpected message field: $first"
  expect 1 "PHP's DelayStamp message in messages__queue" rcli ZCARD messages__queue
  due=$(rcli ZRANGE messages__queue 0 0 WITHSCORES | sed -n 2p)
  # One written with the other setting: messengerd reads both, whatever its own option.
  php_run a-other dispatch.php "$port" messages "$other" 'App\Message\TestBehaviour' "{\"id\":\"php-other-$S\"}"
  pass "PHP dispatched 4 messages (serializer $S, one with $other, one delayed 1500 ms due at $due)"

  consume_start "consume-a$S.log" --limit 4 --time-limit 30
  await 15 "messengerd to handle PHP's plain messages" journal_has "handled php-other-$S 0 async"
  await 15 "messengerd to handle PHP's plain messages" journal_has "handled php-plain-$S 0 async"
  # The delayed one: handled, and never seen before its due time.
  delayed_seen() {
    journal_has "handled php-delayed-$S 0 async" || return 1
    (($(now_ms) >= due)) || fail "messengerd handled PHP's delayed message before it was due ($due, now $(now_ms))"
  }
  await 15 "messengerd to handle PHP's delayed message (due $due)" delayed_seen
  consume_wait "messengerd consume --limit 4 to exit"
  expect_line "$tmp/consume-a$S.log" "sending SMS from messengerd to \\+1555000$S: from PHP $S" "the SMS plugin"
  for id in php-plain-$S php-delayed-$S php-other-$S; do
    expect 1 "times $id was handled" journal_count "(handled|failed) $id .*"
  done
  expect 0 "XPENDING of messages after messengerd acked PHP's messages" pending messages
  expect 0 "messages__queue after the delayed message was consumed" rcli ZCARD messages__queue
  pass "messengerd handled and acked PHP's messages: plain, delayed (not before due), serializer $other too; XPENDING 0"

  # B. messengerd dispatches -> PHP consumes -------------------------------------------------
  last=$(rcli XREVRANGE messages + - COUNT 1 | sed -n 1p)
  md dispatch 'App\Message\TestBehaviour' "$(tb_body "md-plain-$S")"
  md dispatch 'App\Message\SmsNotification' "{\"phoneNumber\":\"+1666000$S\",\"content\":\"from messengerd $S\"}"
  md dispatch 'App\Message\TestBehaviour' "$(tb_body "md-delayed-$S")" --delay 1000
  # What messengerd stored, read raw by PHP: framing, Symfony's decoder, identical re-encoding.
  php_run b-inspect inspect.php "$port" messages "$S" "$last"
  expect_line "$tmp/b-inspect.out" "^entry [0-9-]+ TestBehaviour md-plain-$S stamps=.* bytes=same$" "messengerd's plain message, as PHP reads it"
  expect_line "$tmp/b-inspect.out" "^entry [0-9-]+ SmsNotification \\+1666000$S stamps=.* bytes=same$" "messengerd's SMS, as PHP reads it"
  expect_line "$tmp/b-inspect.out" "^delayed TestBehaviour md-delayed-$S stamps=([A-Za-z]+,)*DelayStamp[,a-zA-Z]* due_in_ms=([0-9]{1,3}|1000) .*bytes=same$" \
    "messengerd's delayed message in messages__queue (score = due time in ms)"
  uniqid=$(sed -n 's/^delayed .* uniqid=\([^ ]*\) .*/\1/p' "$tmp/b-inspect.out")
  [[ $uniqid =~ ^[0-9a-f]{13}[0-9]\.[0-9]{8}$ ]] ||
    echo "note: messengerd's delayed uniqid \"$uniqid\" is not shaped like PHP's uniqid('', true) (13 hex + digit + '.' + 8 digits); Symfony only needs it unique"
  pass "PHP decodes messengerd's stream entries and delayed member; re-encoding gives the same bytes"
  php_consume b-consume "$port" messages "$S" 3
  expect_line "$tmp/b-consume.out" "^consumed TestBehaviour md-plain-$S redelivery=0 .* bytes=same$" "PHP's Worker consuming messengerd's plain message"
  expect_line "$tmp/b-consume.out" "^consumed SmsNotification \\+1666000$S .* bytes=same content=from messengerd $S$" "PHP's Worker consuming messengerd's SMS"
  expect_line "$tmp/b-consume.out" "^consumed TestBehaviour md-delayed-$S redelivery=0 stamps=.* delay=1000 .*bytes=same$" "PHP's Worker consuming messengerd's delayed message"
  expect 0 "XPENDING of messages after PHP's Worker acked" pending messages
  expect 0 "messages__queue after PHP moved the delayed message" rcli ZCARD messages__queue
  pass "Symfony's Worker consumed and acked messengerd's 3 messages (type, body, stamps, DelayStamp 1000); XPENDING 0"

  # C. failure in messengerd -> PHP reads and retries -> messengerd handles ---------------------
  marker=$tmp/marker-$S
  touch "$marker"
  php_run c-dispatch dispatch.php "$port" messages "$S" 'App\Message\TestBehaviour' \
    "{\"id\":\"fail-$S\",\"fail_if_exists\":\"$marker\"}" 0 "trace-$S"
  consume_start "consume-c$S.log" --time-limit 30
  await 15 "messengerd to fail fail-$S twice (max_retries 1)" journal_has "failed fail-$S 1 async"
  await 10 "fail-$S in the failure stream" is 1 rcli XLEN failed
  await 10 "the async stream to be settled (XPENDING 0)" is 0 pending messages
  consume_stop
  expect 2 "failures of fail-$S" journal_count "failed fail-$S [0-9]+ async"
  expect 0 "handlings of fail-$S" journal_count "handled fail-$S .*"
  pass "messengerd retried fail-$S once, then sent it to the Redis failure transport"

  php_run c-show failed_show.php "$port" failed "$S"
  line=$(grep "^failed .* fail-$S " "$tmp/c-show.out" || true)
  [[ -n $line ]] || fail "PHP does not list fail-$S in the failure transport:
$(cat "$tmp/c-show.out")"
  check_failed() {  # REGEX WHAT
    [[ $line =~ $1 ]] || fail "$2, as PHP decoded it from messengerd's failure transport: no match for /$1/ in:
$line"
  }
  check_failed " receiver=async " "SentToFailureTransportStamp's original receiver"
  check_failed " error_class=RuntimeException error_code=0 " "ErrorDetailsStamp's exception class and code"
  check_failed " error_message=$marker exists$" "ErrorDetailsStamp's exception message"
  check_failed " flatten=Symfony.Component.ErrorHandler.Exception.FlattenException\\(RuntimeException\\) " "ErrorDetailsStamp's FlattenException"
  check_failed " trace=trace-$S " "the app's own TraceStamp (unknown to messengerd)"
  check_failed " stamps=[^ ]*ErrorDetailsStamp[^ ]*SentToFailureTransportStamp|stamps=[^ ]*SentToFailureTransportStamp[^ ]*ErrorDetailsStamp" "the failure stamps"
  check_failed " bytes=same " "re-encoding by PHP (same bytes)"
  standalone=$(sed 's/.* standalone=\(.*\) error_message=.*/\1/' <<<"$line")
  [[ $standalone == ok ]] ||
    echo "note: Serializer::create() (no FlattenExceptionNormalizer, not a framework app) cannot decode it: $standalone"
  pass "PHP reads the failed message: ErrorDetailsStamp (RuntimeException, \"… exists\"), SentToFailureTransportStamp (async), TraceStamp"

  rm -f "$marker"
  php_run c-retry failed_retry.php "$port" failed messages "$S"
  expect_line "$tmp/c-retry.out" "^retried TestBehaviour fail-$S to async " "PHP's retry of the failed message"
  expect 0 "entries left in the failure stream after PHP's retry" rcli XLEN failed
  consume_start "consume-c$S-retry.log" --limit 1 --time-limit 30
  await 15 "messengerd to handle the message PHP retried" journal_has "handled fail-$S [0-9]+ async"
  consume_wait "messengerd consume --limit 1 to exit"
  expect 0 "XPENDING of messages after the retried message" pending messages
  expect 0 "entries in the failure stream" rcli XLEN failed
  pass "PHP sent the failed message back to async (stamps kept) and messengerd handled it: $(grep "^handled fail-$S " "$journal")"
done

echo "PASS: Symfony Messenger 5.4 and messengerd share Redis streams (serializer 1 and 0) in $((($(now_ms) - started))) ms"
