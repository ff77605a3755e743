<?php
// Dispatches one message on a Symfony bus routed to the Doctrine transport on PostgreSQL, as
// an app's $bus->dispatch() does (BusNameStamp, send_message middleware, DoctrineSender).
// Usage: php doctrine_dispatch.php PORT TABLE QUEUE CLASS JSON_FIELDS [DELAY_MS] [TRACE_ID]
// Prints: dispatched CLASS KEY id=ROW_ID stamps=… [delay=MS]
require __DIR__.'/doctrine_bootstrap.php';

use App\Stamp\TraceStamp;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\AddBusNameStampMiddleware;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;

[$port, $table, $queue, $class, $fields] = compat_args(5, 'PORT TABLE QUEUE CLASS JSON_FIELDS [DELAY_MS] [TRACE_ID]');
$delay = (int) ($argv[6] ?? 0);
$trace = $argv[7] ?? '';

$transport = compat_doctrine_transport(compat_dbal((int) $port), $table, $queue);
$bus = new MessageBus([
    new AddBusNameStampMiddleware('messenger.bus.default'),
    new SendMessageMiddleware(new SendersLocator(['*' => ['async']], compat_container(['async' => $transport]))),
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
echo 'dispatched ', compat_short($class), ' ', compat_key($message), ' id=', $envelope->last(TransportMessageIdStamp::class)?->getId() ?? '-',
    ' stamps=', compat_stamp_names($envelope), $delay > 0 ? " delay=$delay" : '', "\n";
