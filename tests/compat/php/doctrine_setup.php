<?php
// Creates Symfony's messenger table on PostgreSQL as `messenger:setup-transports` does
// (DoctrineTransport::setup(): the table through DBAL's schema comparator, then the NOTIFY
// trigger function and trigger). On a table that already exists it changes nothing unless
// the table differs from what Symfony would create.
// Usage: php doctrine_setup.php PORT TABLE
require __DIR__.'/doctrine_bootstrap.php';

[$port, $table] = compat_args(2, 'PORT TABLE');
compat_doctrine_transport(compat_dbal((int) $port), $table, 'default')->setup();
echo "setup $table\n";
