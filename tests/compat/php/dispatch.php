<?php
// Dispatches one message on a Symfony bus routed to the Redis transport, as an app's
// $bus->dispatch() does (BusNameStamp, send_message middleware, Symfony's Redis sender).
// Usage: php dispatch.php PORT STREAM SERIALIZER CLASS JSON_FIELDS [DELAY_MS] [TRACE_ID]
require __DIR__.'/bootstrap.php';

use App\Stamp\TraceStamp;
use Psr\Container\ContainerInterface;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\AddBusNameStampMiddleware;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;

[$port, $stream, $serializer, $class, $fields] = compat_args(5, 'PORT STREAM SERIALIZER CLASS JSON_FIELDS [DELAY_MS] [TRACE_ID]');
$delay = (int) ($argv[6] ?? 0);
$trace = $argv[7] ?? '';

$senders = new class(['async' => compat_transport((int) $port, $stream, 'php', (int) $serializer)]) implements ContainerInterface {
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

$stamps = [];
if ($delay > 0) {
    $stamps[] = new DelayStamp($delay);
}
if ('' !== $trace) {
    $stamps[] = new TraceStamp($trace);
}
$message = compat_make_message($class, $fields);
$envelope = $bus->dispatch($message, $stamps);
echo 'dispatched ', compat_short($class), ' ', compat_key($message), ' stamps=', compat_stamp_names($envelope),
    $delay > 0 ? " delay=$delay" : '', "\n";
