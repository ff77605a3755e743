<?php
// Asks the broker about queues without changing them (passive queue.declare, as Symfony's
// getMessageCount() does): whether each exists and how many ready messages it holds.
// Usage: php amqp_queues.php PORT QUEUE...
// Prints: queue NAME N | queue NAME missing
require __DIR__.'/amqp_bootstrap.php';

[$port] = compat_args(2, 'PORT QUEUE...');
foreach (array_slice($argv, 2) as $name) {
    // A failed passive declare closes the channel: one channel per question.
    $queue = new \AMQPQueue(compat_amqp_channel((int) $port));
    $queue->setName($name);
    $queue->setFlags(\AMQP_PASSIVE);
    try {
        $count = $queue->declareQueue();
    } catch (\AMQPQueueException $e) {
        if (404 !== $e->getCode()) {
            throw $e;
        }
        echo "queue $name missing\n";
        continue;
    }
    echo "queue $name $count\n";
}
