<?php
// Retries every message of a failure transport on PostgreSQL the way
// `messenger:failed:retry --force` does with a listable receiver: all(1) gives the next id,
// find(id) fetches it, and a Worker over a SingleMessageReceiver runs it through the app's bus
// (handled in PHP: it carries a ReceivedStamp, so SendMessageMiddleware does not send it
// again); after the handler the Worker acks it, which DELETEs the row from the failure queue.
// Usage: php doctrine_failed_retry.php PORT TABLE QUEUE   (the caller bounds it with timeout)
// Prints: retried ID CLASS KEY receiver=… stamps=…   and finally: retried N message(s)
require __DIR__.'/doctrine_bootstrap.php';

use App\Message\SmsNotification;
use App\Message\TestBehaviour;
use Symfony\Component\Messenger\EventListener\StopWorkerOnMessageLimitListener;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Stamp\SentToFailureTransportStamp;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;
use Symfony\Component\Messenger\Transport\Receiver\SingleMessageReceiver;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;
use Symfony\Component\Messenger\Worker;

[$port, $table, $queue] = compat_args(3, 'PORT TABLE QUEUE');
$dbal = compat_dbal((int) $port);
$receiver = compat_doctrine_transport($dbal, $table, $queue);
$handler = static function (object $message): void {
    echo 'handled in PHP ', compat_short(get_class($message)), ' ', compat_key($message), "\n";
};
$bus = new MessageBus([
    new SendMessageMiddleware(new SendersLocator(['*' => ['async']], compat_container(['async' => compat_doctrine_transport($dbal, $table, 'default')]))),
    new HandleMessageMiddleware(new HandlersLocator([SmsNotification::class => [$handler], TestBehaviour::class => [$handler]])),
]);

$retried = 0;
while (true) {
    $ids = [];
    foreach ($receiver->all(1) as $listed) {
        $ids[] = $listed->last(TransportMessageIdStamp::class)?->getId() ?? compat_fail('a listed message without TransportMessageIdStamp');
    }
    if (!$ids) {
        break;
    }
    foreach ($ids as $id) {
        $envelope = $receiver->find($id) ?? compat_fail("the message \"$id\" was not found");
        echo 'retried ', $id, ' ', compat_short(get_class($envelope->getMessage())), ' ', compat_key($envelope->getMessage()),
            ' receiver=', $envelope->last(SentToFailureTransportStamp::class)?->getOriginalReceiverName() ?? '-',
            ' stamps=', compat_stamp_names($envelope), "\n";
        $worker = new Worker(['failed' => new SingleMessageReceiver($receiver, $envelope)], $bus,
            compat_event_dispatcher(new StopWorkerOnMessageLimitListener(1)));
        $worker->run(['sleep' => 50000]);
        ++$retried;
    }
}
echo "retried $retried message(s)\n";
