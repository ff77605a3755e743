<?php
// Symfony's `messenger:setup-transports` for one AMQP transport: its exchange, queue, binding
// and the delay exchange, declared by Symfony's own Connection::setup().
// Usage: php amqp_setup.php PORT EXCHANGE
// Prints: setup EXCHANGE
require __DIR__.'/amqp_bootstrap.php';

[$port, $exchange] = compat_args(2, 'PORT EXCHANGE');
compat_amqp_transport((int) $port, $exchange)->setup();
echo "setup $exchange\n";
