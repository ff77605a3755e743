#!/usr/bin/env bash
# Wire compatibility between real Symfony Messenger 5.4 (PHP, Debian's packages, php-amqp) and
# messengerd's AMQP transport, on a rabbitmq-server of its own (free AMQP, distribution and epmd
# ports, its own node name, epmd, cookie, database and logs under a temp dir):
#   A. PHP declares first (Symfony's setup()) and dispatches (plain, SMS, DelayStamp)
#      -> `messengerd consume` (auto_setup redeclares everything: no PRECONDITION_FAILED)
#      handles them, the delayed one not before it is due; the queue is empty afterwards.
#   B. messengerd declares first (`setup-transports`), a message failing once in messengerd is
#      retried through Symfony's retry queue (delay_<exchange>_<queue>_<ms>_retry), messengerd
#      dispatches (plain, SMS, --delay) -> Symfony redeclares messengerd's delay and retry
#      queues with its own code and dispatches to messengerd's exchange (no PRECONDITION_FAILED)
#      -> Symfony's Worker consumes everything and finds the same bytes PHP would write.
# What each check proves: tests/compat/README.md. The PHP side: tests/compat/php/amqp_*.php.
# Usage: amqp_compat_test.sh BUILD_DIR SOURCE_DIR
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
    foreach (["Symfony/Component/Messenger", "Symfony/Component/Messenger/Bridge/Amqp", "Symfony/Component/Messenger/Bridge/Redis",
              "Symfony/Component/Serializer", "Symfony/Component/PropertyAccess", "Symfony/Component/ErrorHandler", "Psr/Container"] as $p)
      if (!is_file("/usr/share/php/$p/autoload.php")) exit(1);
    exit(extension_loaded("amqp") && extension_loaded("redis") ? 0 : 1);' >/dev/null 2>&1
}
if ! php_ready; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing the PHP packages (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
    (source "$src/scripts/lib.sh" && ensure_packages "${MESSENGERD_COMPAT_TEST_PACKAGES[@]}") || true
  fi
  php_ready || skip "PHP with Symfony Messenger 5.4, php-amqp and php-symfony-amqp-messenger is not installed and could not be installed (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
fi
epmd=$(ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -1 || true)
for f in "$bin" /usr/lib/rabbitmq/bin/rabbitmq-server "$epmd"; do
  [[ -n $f && -x $f ]] || { echo "FAIL: ${f:-epmd} is missing (build messengerd; apt-get install rabbitmq-server)"; exit 1; }
done
for p in libtest_behaviours.so libsms_notification.so; do
  [[ -f $plugins/$p ]] || { echo "FAIL: $plugins/$p is not built (ninja test_behaviours sms_notification)"; exit 1; }
done

tmp=$(mktemp -d /tmp/messengerd-compat-amqp.XXXXXX)
chmod 0755 "$tmp"
journal=$tmp/journal
touch "$journal"
epmd_pid=""
rabbit_pid=""
consume_pid=""
cleanup() {
  local rc=$?
  if alive "$consume_pid"; then kill -KILL "$consume_pid" 2>/dev/null || true; fi
  # The broker runs in its own process group (erl's helpers too): TERM for a clean stop, then KILL.
  if alive "$rabbit_pid"; then
    kill -TERM -- "-$rabbit_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$rabbit_pid" || break; sleep 0.1; done
    kill -KILL -- "-$rabbit_pid" 2>/dev/null || true
    wait "$rabbit_pid" 2>/dev/null || true
  fi
  if alive "$epmd_pid"; then kill -KILL "$epmd_pid" 2>/dev/null || true; wait "$epmd_pid" 2>/dev/null || true; fi
  if ((rc != 0)) && [[ -n ${KEEP_TMP:-} ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# --- rabbitmq-server of our own ----------------------------------------------------------------
# The same private set-up as tests/support/rabbitmq_server.hpp: own node name, AMQP port,
# distribution port, epmd (started here, on its own port, so a system epmd is never used or
# left behind), cookie (HOME), database, logs, Erlang-term config and no plugins.
port=$(free_port)
epmd_port=$(free_port)
dist_port=$(free_port)
node="mdcompat$$@localhost"
rmq=$tmp/rabbitmq
mkdir -p "$rmq"
echo '[].' >"$rmq/enabled_plugins"
: >"$rmq/rabbitmq-env.conf"
cat >"$rmq/rabbitmq.config" <<EOF
[{rabbit, [
  {tcp_listeners, [{"127.0.0.1", $port}]},
  {loopback_users, []},
  {collect_statistics_interval, 60000}
]}].
EOF
rabbit_env=(HOME="$rmq" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port"
  RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1
  RABBITMQ_MNESIA_BASE="$rmq/mnesia" RABBITMQ_LOG_BASE="$rmq/log" RABBITMQ_LOGS=- RABBITMQ_PID_FILE="$rmq/rabbitmq.pid"
  RABBITMQ_CONFIG_FILE="$rmq/rabbitmq.config" RABBITMQ_ADVANCED_CONFIG_FILE="$rmq/advanced.config"
  RABBITMQ_CONF_ENV_FILE="$rmq/rabbitmq-env.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$rmq/enabled_plugins"
  RABBITMQ_PLUGINS_EXPAND_DIR="$rmq/plugins-expand")
env "${rabbit_env[@]}" "$epmd" -port "$epmd_port" -address 127.0.0.1 >"$tmp/epmd.log" 2>&1 </dev/null &
epmd_pid=$!
env "${rabbit_env[@]}" setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$tmp/rabbitmq-server.log" 2>&1 </dev/null &
rabbit_pid=$!
# Ready once the port answers the AMQP 0-9-1 protocol header with a frame (connection.start).
answers_amqp() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "AMQP\x00\x00\x09\x01" >&3 && [[ $(head -c1 <&3 | od -An -tu1) == *1 ]]' _ "$port" 2>/dev/null
}
rabbit_up() {
  alive "$rabbit_pid" || fail "rabbitmq-server exited at start"
  answers_amqp
}
await 120 "rabbitmq-server to accept AMQP connections on 127.0.0.1:$port" rabbit_up
echo "rabbitmq-server on 127.0.0.1:$port (node $node, up in $(($(now_ms) - started)) ms), $(php -r 'echo "PHP ", PHP_VERSION, ", php-amqp ", phpversion("amqp");'), Symfony Messenger $(dpkg-query -W -f='${Version}' php-symfony-amqp-messenger 2>/dev/null || echo '?')"

# --- helpers -----------------------------------------------------------------------------------
config=$tmp/messenger.yaml
dsn() { echo "amqp://guest:guest@127.0.0.1:$port/%2f/$1"; }
cat >"$config" <<EOF
framework:
  messenger:
    transports:
      php_first:
        dsn: '$(dsn php_first)'
        retry_strategy: {max_retries: 1, delay: 1000, multiplier: 1, jitter: 0}
      md_first:
        dsn: '$(dsn md_first)'
        retry_strategy: {max_retries: 3, delay: 1000, multiplier: 1, jitter: 0}
    routing:
      'App\Message\*': md_first
messengerd:
  plugins:
    - path: '$plugins/libtest_behaviours.so'
      options: {journal: '$journal'}
    - '$plugins/libsms_notification.so'
EOF

step=0
# timeout-bounded variant for the PHP worker.
php_consume() {
  local name=$1
  shift
  local rc=0
  (cd "$tmp" && timeout 20 php "$php_dir/amqp_consume.php" "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  ((rc != 124)) || fail "PHP's Worker (amqp_consume.php $*) did not get all the messages within 20 s; it got:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
  ((rc == 0)) || fail "php amqp_consume.php $* exited $rc:
$(cat "$tmp/$name.out" "$tmp/$name.err")"
}
# no_line FILE REGEX WHAT: FILE has no line matching the extended REGEX.
no_line() {
  ! grep -Eq -- "$2" "$1" || fail "$3: $(basename "$1") says:
$(grep -E -- "$2" "$1")"
}
consume_start() {  # LOG TRANSPORT ARGS...
  local log=$1
  shift
  (cd "$tmp" && exec "$bin" --config "$config" -v consume "$@") >"$tmp/$log" 2>&1 &
  consume_pid=$!
}
# handled LINE: the journal has LINE; fails at once when the worker exited without writing it.
handled() {
  journal_has "$1" && return 0
  alive "$consume_pid" || journal_has "$1" || fail "messengerd consume exited before the journal said: $1"
  return 1
}
queue() { (cd "$tmp" && php "$php_dir/amqp_queues.php" "$port" "$1") | sed "s/^queue $1 //"; }  # N | missing
precondition='PRECONDITION_FAILED|inequivalent arg'

# --- A. PHP declares and dispatches -> messengerd consumes ------------------------------------
php_run a-setup amqp_setup.php "$port" php_first
expect 0 "the queue php_first after Symfony's setup()" queue php_first
php_run a-sms amqp_dispatch.php "$port" php_first 'App\Message\SmsNotification' '{"phoneNumber":"+15550001","content":"from PHP"}'
php_run a-plain amqp_dispatch.php "$port" php_first 'App\Message\TestBehaviour' '{"id":"php-plain"}'
php_run a-delayed amqp_dispatch.php "$port" php_first 'App\Message\TestBehaviour' '{"id":"php-delayed"}' 1500
due=$(sed -n 's/.* due_ms=\([0-9]*\)$/\1/p' "$tmp/a-delayed.out")
expect 1 "PHP's DelayStamp message in Symfony's delay queue" queue delay_php_first__1500_delay
expect 2 "PHP's plain messages in the queue php_first" queue php_first
pass "Symfony declared php_first (exchange, queue, binding, delays exchange) and dispatched 3 messages, one delayed 1500 ms (due at $due)"

consume_start consume-a.log php_first --limit 3 --time-limit 30
await 20 "messengerd to handle PHP's plain message" handled "handled php-plain 0 php_first"
# The delayed one: handled, and never seen before its due time.
delayed_seen() {
  handled "handled php-delayed 0 php_first" || return 1
  (($(now_ms) >= due)) || fail "messengerd handled PHP's delayed message before it was due ($due, now $(now_ms))"
}
await 20 "messengerd to handle PHP's delayed message (due $due)" delayed_seen
consume_wait "messengerd consume --limit 3 to exit"
expect_line "$tmp/consume-a.log" "sending SMS from messengerd to \\+15550001: from PHP" "the SMS plugin"
no_line "$tmp/consume-a.log" "$precondition" "messengerd redeclaring what Symfony declared"
for id in php-plain php-delayed; do
  expect 1 "times $id was handled" journal_count "(handled|failed) $id .*"
done
expect 0 "messages left in php_first after messengerd acked them" queue php_first
pass "messengerd (auto_setup) redeclared Symfony's exchange, queue and delays exchange, handled and acked PHP's 3 messages (the delayed one not before due)"

# --- B. messengerd declares, retries and dispatches -> PHP consumes ---------------------------
expect missing "the queue md_first before setup-transports" queue md_first
md setup-transports md_first
expect 0 "the queue md_first after messengerd's setup-transports" queue md_first
pass "messengerd setup-transports declared md_first"

# A message that fails once in messengerd: retried through Symfony's retry queue.
md dispatch 'App\Message\TestBehaviour' "$(tb_body md-flaky 1)"
consume_start consume-b.log md_first --limit 1 --time-limit 30
consume_wait "messengerd consume --limit 1 to exit after the failure"
expect 1 "failures of md-flaky in messengerd" journal_count "failed md-flaky 0 md_first"
no_line "$tmp/consume-b.log" "$precondition" "messengerd's retry"
retry_queue=delay_md_first_md_first_1000_retry
[[ $(queue "$retry_queue") != missing ]] || fail "messengerd's retry is not in Symfony's retry queue $retry_queue"
pass "md-flaky failed once in messengerd; its retry went through $retry_queue"

since=$(now_ms)
md dispatch 'App\Message\TestBehaviour' "$(tb_body md-plain)"
md dispatch 'App\Message\SmsNotification' '{"phoneNumber":"+16660001","content":"from messengerd"}'
md dispatch 'App\Message\TestBehaviour' "$(tb_body md-delayed)" --delay 1000
[[ $(queue delay_md_first__1000_delay) != missing ]] || fail "messengerd's --delay 1000 message is not in Symfony's delay queue delay_md_first__1000_delay"
# Symfony's own declarations over the ones messengerd made: same names, same arguments.
php_run b-redeclare-delay amqp_redeclare_delay.php "$port" md_first 1000 '' delay
expect_line "$tmp/b-redeclare-delay.out" "^redeclared delay_md_first__1000_delay \\(existed before: yes\\)$" "Symfony redeclaring messengerd's delay queue"
php_run b-redeclare-retry amqp_redeclare_delay.php "$port" md_first 1000 md_first retry
expect_line "$tmp/b-redeclare-retry.out" "^redeclared $retry_queue \\(existed before: yes\\)$" "Symfony redeclaring messengerd's retry queue"
php_run b-php-plain amqp_dispatch.php "$port" md_first 'App\Message\TestBehaviour' '{"id":"php-on-md"}'
php_run b-php-delayed amqp_dispatch.php "$port" md_first 'App\Message\TestBehaviour' '{"id":"php-delayed-on-md"}' 1000
pass "Symfony redeclared messengerd's exchange, queue, binding, delay and retry queues (no PRECONDITION_FAILED) and dispatched to them"

php_consume b-consume "$port" md_first 6
out=$tmp/b-consume.out
sed 's/^/     /' "$out"  # what Symfony decoded, for the log
expect_line "$out" "^consumed TestBehaviour md-flaky redelivery=1 stamps=[^ ]*RedeliveryStamp.* queue=md_first content_type=application/json delivery_mode=2 dead_lettered=yes .*bytes=same$" \
  "PHP's Worker consuming messengerd's retry (RedeliveryStamp 1, out of the retry queue)"
expect_line "$out" "^consumed TestBehaviour md-plain redelivery=0 .* content_type=application/json delivery_mode=2 dead_lettered=no .*bytes=same$" \
  "PHP's Worker consuming messengerd's plain message"
expect_line "$out" "^consumed SmsNotification \\+16660001 .* bytes=same content=from messengerd$" "PHP's Worker consuming messengerd's SMS"
expect_line "$out" "^consumed TestBehaviour md-delayed redelivery=0 stamps=[^ ]*DelayStamp[^ ]* delay=1000 .*dead_lettered=yes .*bytes=same$" \
  "PHP's Worker consuming messengerd's delayed message"
at=$(sed -n 's/^consumed TestBehaviour md-delayed .* at_ms=\([0-9]*\) .*/\1/p' "$out")
((at >= since + 1000)) || fail "PHP got messengerd's --delay 1000 message $((at - since)) ms after it was dispatched"
expect_line "$out" "^consumed TestBehaviour php-on-md " "PHP's Worker consuming PHP's message on messengerd's exchange"
expect_line "$out" "^consumed TestBehaviour php-delayed-on-md .*delay=1000 " "PHP's Worker consuming PHP's delayed message on messengerd's exchange"
expect 0 "messages left in md_first after PHP's Worker acked them" queue md_first
pass "Symfony's Worker consumed messengerd's retry, plain, SMS and delayed messages (same bytes PHP writes, persistent, content_type) and its own; md_first is empty"

echo "PASS: Symfony Messenger 5.4 and messengerd share AMQP exchanges, queues, delay and retry queues in $((($(now_ms) - started))) ms"
