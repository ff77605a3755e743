#!/usr/bin/env bash
# Wire compatibility between real Symfony Messenger 5.4 (PHP, Debian's packages: Doctrine
# bridge, DBAL 3, pdo_pgsql) and messengerd's PostgreSQL transport, on a PostgreSQL cluster of
# its own (initdb + pg_ctl as an unprivileged user, free port, temp dir, removed on exit):
#   S. PHP's setup creates table php_made, `messengerd setup-transports` creates md_made: same
#      columns, indexes, trigger and trigger function; PHP's setup on messengerd's table
#      changes nothing.
#   A. PHP dispatches into its table (SMS, plain, DelayStamp) -> `messengerd consume` handles
#      them, the delayed one not before its available_at; the table is empty after.
#   B. `messengerd dispatch` into its table (plain, SMS, --delay) -> Symfony's Worker consumes
#      them; each row is byte for byte what PHP writes; available_at = created_at + delay.
#   C. a message fails in messengerd past max_retries -> failure queue `failed` of the same
#      table -> PHP lists it with all()/find() (ErrorDetailsStamp, SentToFailureTransportStamp,
#      its own TraceStamp) and retries it as messenger:failed:retry does -> the row is gone.
#   D. a message fails in PHP (Symfony's Worker and failure listeners) -> messengerd's
#      `failed:show` lists and shows it, `failed:retry` handles it -> the row is gone.
# What each check proves: tests/compat/README.md. The PHP side: tests/compat/php/doctrine_*.php.
# Usage: postgres_compat_test.sh BUILD_DIR SOURCE_DIR
# Exit: 0 passed, 1 failed, 77 skipped (PHP packages or PostgreSQL missing and not installable).
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
bin=$build/bin/messengerd
plugins=$build/plugins
php_dir=$src/tests/compat/php
source "$src/tests/compat/lib.sh"
pg_bin=/usr/lib/postgresql/15/bin
started=$(date +%s%3N)

# --- what the test needs ---------------------------------------------------------------------
php_ready() {
  command -v php >/dev/null 2>&1 && php -r '
    foreach (["Symfony/Component/Messenger", "Symfony/Component/Messenger/Bridge/Doctrine", "Symfony/Component/Messenger/Bridge/Redis",
              "Symfony/Component/Serializer", "Symfony/Component/PropertyAccess", "Symfony/Component/ErrorHandler",
              "Psr/Container", "Doctrine/DBAL", "Doctrine/Deprecations"] as $p)
      if (!is_file("/usr/share/php/$p/autoload.php")) exit(1);
    exit(extension_loaded("pdo_pgsql") && extension_loaded("redis") ? 0 : 1);' >/dev/null 2>&1
}
if ! php_ready; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing the PHP packages (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
    (source "$src/scripts/lib.sh" && ensure_packages "${MESSENGERD_COMPAT_TEST_PACKAGES[@]}") || true
  fi
  php_ready || skip "PHP with Symfony Messenger 5.4, its Doctrine bridge, DBAL and php-pgsql is not installed and could not be installed (scripts/lib.sh: MESSENGERD_COMPAT_TEST_PACKAGES)"
fi
[[ -x $pg_bin/initdb && -x $pg_bin/pg_ctl ]] || skip "PostgreSQL 15 server binaries are missing ($pg_bin; apt-get install postgresql)"
command -v psql >/dev/null || skip "psql is missing (apt-get install postgresql-client)"
[[ -x $bin ]] || { echo "FAIL: $bin is missing (build messengerd)"; exit 1; }
for p in libtest_behaviours.so libsms_notification.so; do
  [[ -f $plugins/$p ]] || { echo "FAIL: $plugins/$p is not built (ninja test_behaviours sms_notification)"; exit 1; }
done

tmp=$(mktemp -d /tmp/messengerd-compat-pg.XXXXXX)
chmod 711 "$tmp"  # the server user must reach $tmp/pg
journal=$tmp/journal
touch "$journal"
consume_pid=""
pg_up=""
# initdb and postgres refuse to run as root: as root, every server command runs as nobody.
as_owner() {
  if [[ $(id -u) == 0 ]]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups env -C "$tmp/pg" "$@"
  else
    "$@"
  fi
}
cleanup() {
  local rc=$?
  if alive "$consume_pid"; then kill -KILL "$consume_pid" 2>/dev/null || true; fi
  if [[ -n $pg_up ]]; then as_owner "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if ((rc != 0)) && [[ -n ${KEEP_TMP:-} ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# --- a PostgreSQL cluster of our own --------------------------------------------------------------
mkdir "$tmp/pg"
[[ $(id -u) != 0 ]] || chown nobody:nogroup "$tmp/pg"
as_owner "$pg_bin/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1 ||
  fail "initdb failed: $(cat "$tmp/initdb.log")"
for attempt in 1 2 3; do
  port=$(free_port)
  if as_owner "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 30 \
      -o "-p $port -k $tmp/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null 2>&1; then
    pg_up=yes
    break
  fi
done
[[ -n $pg_up ]] || fail "postgres did not start (tried 3 ports): $(tail -5 "$tmp/pg/server.log")"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"; }
echo "PostgreSQL $(sql 'SHOW server_version') on 127.0.0.1:$port, PHP $(php -r 'echo PHP_VERSION;'), Doctrine DBAL $(dpkg-query -W -f='${Version}' php-doctrine-dbal 2>/dev/null || echo '?'), Symfony Messenger $(dpkg-query -W -f='${Version}' php-symfony-messenger 2>/dev/null || echo '?')"

# --- helpers -----------------------------------------------------------------------------------
config=$tmp/messenger.yaml
write_config() {  # TABLE: async (queue default) and failed (queue failed) in TABLE, as a Symfony app configures them
  cat >"$config" <<EOF
framework:
  messenger:
    failure_transport: failed
    transports:
      async:
        dsn: 'doctrine://default?table_name=$1'
        retry_strategy: {max_retries: 1, delay: 100, multiplier: 1, jitter: 0}
      failed: 'doctrine://default?table_name=$1&queue_name=failed'
    routing:
      'App\Message\*': async
doctrine:
  dbal:
    url: '%env(DATABASE_URL)%'
messengerd:
  plugins:
    - path: '$plugins/libtest_behaviours.so'
      options: {journal: '$journal'}
    - '$plugins/libsms_notification.so'
EOF
}
export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"

step=0
consume_start() {  # LOG ARGS...
  local log=$1
  shift
  (cd "$tmp" && exec "$bin" --config "$config" -v consume async "$@") >"$tmp/$log" 2>&1 &
  consume_pid=$!
}
rows() { sql "SELECT count(*) FROM $1 WHERE queue_name = '$2'"; }
# The shape of a table with its own names taken out: columns, indexes, trigger, trigger function.
table_shape() {
  sql "SELECT string_agg(format('%s %s %s %s %s %s', column_name, data_type, coalesce(character_maximum_length::text, '-'),
                                 coalesce(datetime_precision::text, '-'), is_nullable, coalesce(replace(column_default, '$1', 'T'), '-')),
                          '; ' ORDER BY ordinal_position)
       FROM information_schema.columns WHERE table_name = '$1'"
  sql "SELECT string_agg(regexp_replace(replace(indexdef, '$1', 'T'), 'INDEX \\S+ ON', 'INDEX ON'), '; ' ORDER BY indexdef ~ 'pkey' DESC,
                         regexp_replace(indexdef, 'INDEX \\S+ ON', ''))
       FROM pg_indexes WHERE tablename = '$1'"
  sql "SELECT string_agg(replace(pg_get_triggerdef(t.oid), '$1', 'T'), '; ') FROM pg_trigger t
       WHERE t.tgrelid = '$1'::regclass AND NOT t.tgisinternal"
  sql "SELECT replace(prosrc, '$1', 'T') FROM pg_proc WHERE proname = 'notify_$1'"
}

# --- S. who creates the table does not matter -----------------------------------------------------
php_run s-setup doctrine_setup.php "$port" php_made
write_config md_made
md setup-transports
[[ $(sql "SELECT to_regclass('md_made') IS NOT NULL") == t ]] || fail "messengerd setup-transports did not create md_made"
table_shape php_made >"$tmp/shape-php.txt"
table_shape md_made >"$tmp/shape-md.txt"
for part in 'available_at timestamp without time zone - 0 NO -' "id bigint - - NO nextval('T_id_seq'::regclass)" \
            'CREATE INDEX ON public.T USING btree (delivered_at)' 'AFTER INSERT OR UPDATE ON public.T FOR EACH ROW' "pg_notify('T', NEW.queue_name::text)"; do
  grep -qF -- "$part" "$tmp/shape-php.txt" || fail "Symfony's table php_made lacks \"$part\" (the shape query is wrong?): $(cat "$tmp/shape-php.txt")"
done
diff -u "$tmp/shape-php.txt" "$tmp/shape-md.txt" >"$tmp/shape.diff" ||
  fail "the table messengerd creates differs from Symfony's (- PHP, + messengerd):
$(cat "$tmp/shape.diff")"
dump() { as_owner "$pg_bin/pg_dump" -h 127.0.0.1 -p "$port" -U postgres --schema-only -t "$1" postgres | grep -Ev '^(--|\\(un)?restrict )'; }
dump md_made >"$tmp/md_made-before.sql"
php_run s-setup-md doctrine_setup.php "$port" md_made
dump md_made >"$tmp/md_made-after.sql"
diff -u "$tmp/md_made-before.sql" "$tmp/md_made-after.sql" >"$tmp/setup.diff" ||
  fail "Symfony's setup() changed the table messengerd created:
$(cat "$tmp/setup.diff")"
pass "Symfony's setup and messengerd's setup-transports create the same table (columns, indexes, NOTIFY trigger); PHP's setup leaves messengerd's unchanged"

# --- A. PHP dispatches -> messengerd consumes (PHP's table) ---------------------------------------
write_config php_made
php_run a-sms doctrine_dispatch.php "$port" php_made default 'App\Message\SmsNotification' '{"phoneNumber":"+15550001","content":"from PHP"}'
php_run a-plain doctrine_dispatch.php "$port" php_made default 'App\Message\TestBehaviour' '{"id":"php-plain"}'
php_run a-delayed doctrine_dispatch.php "$port" php_made default 'App\Message\TestBehaviour' '{"id":"php-delayed"}' 2000
due=$(sql "SELECT extract(epoch FROM available_at)::bigint * 1000 FROM php_made WHERE body LIKE '%php-delayed%'")
pass "PHP dispatched 3 messages into php_made, one delayed 2000 ms (available_at $(sql "SELECT available_at FROM php_made WHERE body LIKE '%php-delayed%'") UTC)"

consume_start consume-a.log --limit 3 --time-limit 30
await 15 "messengerd to handle PHP's plain message" journal_has "handled php-plain 0 async"
delayed_seen() {
  journal_has "handled php-delayed 0 async" || return 1
  (($(now_ms) >= due)) || fail "messengerd handled PHP's delayed message before its available_at ($due, now $(now_ms))"
}
await 15 "messengerd to handle PHP's delayed message (available at $due)" delayed_seen
consume_wait "messengerd consume --limit 3 to exit"
expect_line "$tmp/consume-a.log" "sending SMS from messengerd to \\+15550001: from PHP" "the SMS plugin"
for id in php-plain php-delayed; do
  expect 1 "times $id was handled" journal_count "(handled|failed) $id .*"
done
expect 0 "rows left in php_made after messengerd acked PHP's messages" rows php_made default
pass "messengerd handled and deleted PHP's messages (SMS, plain, delayed not before available_at)"

# --- B. messengerd dispatches -> PHP consumes (messengerd's table) --------------------------------
write_config md_made
md dispatch 'App\Message\TestBehaviour' "$(tb_body md-plain)"
md dispatch 'App\Message\SmsNotification' '{"phoneNumber":"+16660001","content":"from messengerd"}'
md dispatch 'App\Message\TestBehaviour' "$(tb_body md-delayed)" --delay 1000
expect 3 "rows messengerd stored in md_made" rows md_made default
zone=$(sql "SELECT count(*) FROM md_made WHERE abs(extract(epoch FROM created_at - (now() AT TIME ZONE 'UTC'))) > 60")
[[ $zone == 0 ]] || fail "messengerd's created_at is not UTC wall time (PHP's default timezone): $(sql 'SELECT created_at FROM md_made')"
php_run b-consume doctrine_consume.php "$port" md_made default 3
expect_line "$tmp/b-consume.out" "^consumed TestBehaviour md-plain id=[0-9]+ redelivery=0 .*available_after_created=0 bytes=same$" "PHP's Worker consuming messengerd's plain message"
expect_line "$tmp/b-consume.out" "^consumed SmsNotification \\+16660001 .* bytes=same content=from messengerd$" "PHP's Worker consuming messengerd's SMS"
expect_line "$tmp/b-consume.out" "^consumed TestBehaviour md-delayed id=[0-9]+ redelivery=0 stamps=.*DelayStamp.* delay=1000 available_after_created=1 bytes=same$" \
  "PHP's Worker consuming messengerd's delayed message (available_at = created_at + 1 s)"
expect 0 "rows left in md_made after PHP's Worker acked" rows md_made default
pass "Symfony's Worker consumed and deleted messengerd's 3 rows (same bytes as PHP writes; DelayStamp 1000 -> available_at + 1 s)"

# --- C. failure in messengerd -> PHP lists and retries ---------------------------------------------
write_config php_made
marker=$tmp/marker
touch "$marker"
php_run c-dispatch doctrine_dispatch.php "$port" php_made default 'App\Message\TestBehaviour' \
  "{\"id\":\"md-fails\",\"fail_if_exists\":\"$marker\"}" 0 trace-c
consume_start consume-c.log --time-limit 30
await 15 "messengerd to fail md-fails twice (max_retries 1)" journal_has "failed md-fails 1 async"
await 10 "md-fails in the failure queue" is 1 rows php_made failed
await 10 "the async queue to be settled" is 0 rows php_made default
consume_stop
expect 2 "failures of md-fails" journal_count "failed md-fails [0-9]+ async"
pass "messengerd retried md-fails once, then moved it to the failure queue (queue_name failed)"

php_run c-show doctrine_failed_show.php "$port" php_made failed check-bytes
line=$(grep "^failed .* md-fails " "$tmp/c-show.out" || true)
[[ -n $line ]] || fail "PHP's all()/find() do not list md-fails in the failure queue:
$(cat "$tmp/c-show.out")"
check_failed() {  # REGEX WHAT
  [[ $line =~ $1 ]] || fail "$2, as PHP read it from messengerd's failure queue: no match for /$1/ in:
$line"
}
check_failed "^failed $(sql "SELECT id FROM php_made WHERE queue_name = 'failed'") " "the row id (TransportMessageIdStamp of all(), used by find())"
check_failed " receiver=async " "SentToFailureTransportStamp's original receiver"
check_failed " error_class=RuntimeException error_code=0 " "ErrorDetailsStamp's exception class and code"
check_failed " error_message=$marker exists$" "ErrorDetailsStamp's exception message"
check_failed " flatten=Symfony.Component.ErrorHandler.Exception.FlattenException\\(RuntimeException\\) " "ErrorDetailsStamp's FlattenException"
check_failed " trace=trace-c " "the app's own TraceStamp (unknown to messengerd)"
check_failed " bytes=same " "re-encoding by PHP (same bytes)"
expect_line "$tmp/c-show.out" "^count 1$" "getMessageCount() of the failure queue"
pass "PHP lists messengerd's failed message (all(), find(id), count): ErrorDetailsStamp, SentToFailureTransportStamp, TraceStamp"

php_run c-retry doctrine_failed_retry.php "$port" php_made failed
expect_line "$tmp/c-retry.out" "^retried [0-9]+ TestBehaviour md-fails receiver=async " "PHP's retry of messengerd's failed message"
expect_line "$tmp/c-retry.out" "^handled in PHP TestBehaviour md-fails$" "PHP's handler running the retried message"
expect 0 "rows left in the failure queue after PHP's retry" rows php_made failed
pass "PHP retried messengerd's failed message as messenger:failed:retry does (find, handle, delete)"

# --- D. failure in PHP -> messengerd lists and retries ---------------------------------------------
php_run d-dispatch doctrine_dispatch.php "$port" php_made default 'App\Message\TestBehaviour' '{"id":"php-fails"}' 0 trace-d
php_run d-fail doctrine_fail.php "$port" php_made default failed
expect 1 "PHP's failed message in the failure queue" rows php_made failed
id=$(sql "SELECT id FROM php_made WHERE queue_name = 'failed'")
md failed:show
cp "$tmp/md.out" "$tmp/d-show.out"
expect_line "$tmp/d-show.out" "\\b$id\\b.*TestBehaviour" "messengerd's failed:show listing PHP's failed message (id $id)"
md failed:show "$id"
cp "$tmp/md.out" "$tmp/d-show-id.out"
expect_line "$tmp/d-show-id.out" "php-fails failed in PHP" "messengerd's failed:show $id: the error PHP recorded"
expect_line "$tmp/d-show-id.out" "RuntimeException" "messengerd's failed:show $id: the exception class"
md failed:retry "$id" --force
await 10 "messengerd to handle PHP's failed message" journal_has "handled php-fails [0-9]+ [a-z]+"
expect 0 "rows left in the failure queue after messengerd's retry" rows php_made failed
expect 0 "rows left in the async queue" rows php_made default
pass "messengerd lists, shows and retries PHP's failed message (ErrorDetailsStamp written by Symfony's listeners)"

echo "PASS: Symfony Messenger 5.4 (Doctrine, PostgreSQL) and messengerd share tables in $((($(now_ms) - started))) ms"
