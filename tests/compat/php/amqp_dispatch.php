<?php
// Dispatches one message on a Symfony bus routed to an AMQP transport, as an app's
// $bus->dispatch() does (BusNameStamp, send_message middleware, Symfony's AMQP sender with
// its default auto_setup: it declares the exchange, queue and binding, and for a DelayStamp
// the delay exchange and delay queue, itself).
// Usage: php amqp_dispatch.php PORT EXCHANGE CLASS JSON_FIELDS [DELAY_MS]
// Prints: dispatched CLASS KEY stamps=… [delay=MS due_ms=EPOCH_MS]
require __DIR__.'/amqp_bootstrap.php';

use Psr\Container\ContainerInterface;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\AddBusNameStampMiddleware;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;

[$port, $exchange, $class, $fields] = compat_args(4, 'PORT EXCHANGE CLASS JSON_FIELDS [DELAY_MS]');
$delay = (int) ($argv[5] ?? 0);

$senders = new class(['async' => compat_amqp_transport((int) $port, $exchange)]) implements ContainerInterface {
    public function __construct(private array $services)
    {
    }

    public function get(string $id): mixed
    {
        return $this->services[$id];
    }

    public function has(string $id): bool
    {
        return isset($this->services[$id]);
    }
};
$bus = new MessageBus([
    new AddBusNameStampMiddleware('messenger.bus.default'),
    new SendMessageMiddleware(new SendersLocator(['*' => ['async']], $senders)),
    new HandleMessageMiddleware(new HandlersLocator([]), true),
]);

$message = compat_make_message($class, $fields);
// The earliest time the broker may hand it out: taken before the publish.
$due = (int) floor(microtime(true) * 1000) + $delay;
$envelope = $bus->dispatch($message, $delay > 0 ? [new DelayStamp($delay)] : []);
echo 'dispatched ', compat_short($class), ' ', compat_key($message), ' stamps=', compat_stamp_names($envelope),
    $delay > 0 ? " delay=$delay due_ms=$due" : '', "\n";
