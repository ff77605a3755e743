<?php
// Declares a delay (or retry) queue exactly as Symfony's sender does before it publishes a
// delayed message (Connection::setupDelay(): the delays exchange, the queue with its
// x-message-ttl, x-expires, x-dead-letter-exchange and x-dead-letter-routing-key, the binding),
// over a queue messengerd declared before. The broker refuses a declaration whose arguments
// differ from the existing queue's (PRECONDITION_FAILED), so success means messengerd declared
// the same name with the same arguments.
// Usage: php amqp_redeclare_delay.php PORT EXCHANGE DELAY_MS ROUTING_KEY delay|retry
// Prints: redeclared QUEUE (existed before: yes|no)
require __DIR__.'/amqp_bootstrap.php';

[$port, $exchange, $delay, $routingKey, $kind] = compat_args(5, 'PORT EXCHANGE DELAY_MS ROUTING_KEY delay|retry');
$connection = compat_amqp_connection((int) $port, $exchange);
$isRetry = 'retry' === $kind;
// Symfony's own private methods, so the declaration is byte for byte what its sender makes.
$name = (fn () => $this->getRoutingKeyForDelay((int) $delay, '' === $routingKey ? null : $routingKey, $isRetry))->call($connection);
$before = new \AMQPQueue(compat_amqp_channel((int) $port));
$before->setName($name);
$before->setFlags(\AMQP_PASSIVE);
try {
    $before->declareQueue();
    $existed = 'yes';
} catch (\AMQPQueueException $e) {
    $existed = 'no';
}
(fn () => $this->setupDelay((int) $delay, '' === $routingKey ? null : $routingKey, $isRetry))->call($connection);
echo "redeclared $name (existed before: $existed)\n";
