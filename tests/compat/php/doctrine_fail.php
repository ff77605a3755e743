<?php
// Symfony's Worker consuming ONE message from the Doctrine transport on PostgreSQL with a
// handler that throws; Symfony's own listeners then do what a framework app's do when a
// message has no retries left: AddErrorDetailsStampListener adds ErrorDetailsStamp and
// SendFailedMessageToFailureTransportListener sends it to the failure transport (queue FAILED
// of the same table) with SentToFailureTransportStamp; the Worker rejects (DELETEs) the original.
// Usage: php doctrine_fail.php PORT TABLE QUEUE FAILED_QUEUE   (the caller bounds it with timeout)
// Prints: failed CLASS KEY: MESSAGE
require __DIR__.'/doctrine_bootstrap.php';

use App\Message\TestBehaviour;
use Symfony\Component\Messenger\EventListener\AddErrorDetailsStampListener;
use Symfony\Component\Messenger\EventListener\SendFailedMessageToFailureTransportListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnMessageLimitListener;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Worker;

[$port, $table, $queue, $failedQueue] = compat_args(4, 'PORT TABLE QUEUE FAILED_QUEUE');
$dbal = compat_dbal((int) $port);
$failed = compat_doctrine_transport($dbal, $table, $failedQueue);

$handler = static function (TestBehaviour $message): void {
    echo 'failed ', compat_short(get_class($message)), ' ', $message->id, ": failed in PHP\n";
    throw new \RuntimeException("{$message->id} failed in PHP", 42);
};
$bus = new MessageBus([new HandleMessageMiddleware(new HandlersLocator([TestBehaviour::class => [$handler]]))]);
$events = compat_event_dispatcher(
    new AddErrorDetailsStampListener(),
    new SendFailedMessageToFailureTransportListener(compat_container(['async' => $failed])),
    new StopWorkerOnMessageLimitListener(1),
);
(new Worker(['async' => compat_doctrine_transport($dbal, $table, $queue)], $bus, $events))->run(['sleep' => 50000]);
