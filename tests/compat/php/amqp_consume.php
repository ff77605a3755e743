<?php
// Symfony's Worker consuming COUNT messages from an AMQP transport (basic.get polling, as 5.4
// does), with handlers for App\Message\SmsNotification and App\Message\TestBehaviour; the Worker
// acks each message after its handler ran. A middleware records what Symfony decoded and checks
// the received bytes: PHP re-encoding the decoded envelope gives the same body and headers, the
// content_type property carries Content-Type, and the message is persistent (delivery_mode 2).
// Usage: php amqp_consume.php PORT EXCHANGE COUNT   (the caller bounds it with timeout)
// Prints: consumed CLASS KEY redelivery=N stamps=… delay=MS|- bus=NAME|- queue=Q
//         content_type=T delivery_mode=N dead_lettered=yes|no at_ms=EPOCH_MS bytes=same|DIFFERENT|ERROR
//         [content=…]
require __DIR__.'/amqp_bootstrap.php';

use App\Message\SmsNotification;
use App\Message\TestBehaviour;
use Symfony\Component\Messenger\Bridge\Amqp\Transport\AmqpReceivedStamp;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\MiddlewareInterface;
use Symfony\Component\Messenger\Middleware\StackInterface;
use Symfony\Component\Messenger\Stamp\BusNameStamp;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Worker;

[$port, $exchange, $count] = compat_args(3, 'PORT EXCHANGE COUNT');

$record = new class((int) $count) implements MiddlewareInterface {
    public ?Worker $worker = null;
    public int $seen = 0;
    public int $status = 0;

    public function __construct(private int $count)
    {
    }

    public function handle(Envelope $envelope, StackInterface $stack): Envelope
    {
        $received = $envelope->last(AmqpReceivedStamp::class);
        $amqp = $received->getAmqpEnvelope();
        $what = 'message '.$amqp->getDeliveryTag().' of queue '.$received->getQueueName();
        try {
            $verdict = compat_bytes_verdict(compat_amqp_stored_json($amqp), $what);
        } catch (\Throwable $e) {  // the Worker would silently reject the message
            fwrite(STDERR, "$what: cannot compare the bytes: $e\n");
            $verdict = 'ERROR';
        }
        $this->status = 'same' === $verdict ? $this->status : 1;
        $message = $envelope->getMessage();
        echo 'consumed ', compat_short(get_class($message)), ' ', compat_key($message),
            ' redelivery=', $envelope->last(RedeliveryStamp::class)?->getRetryCount() ?? 0,
            ' stamps=', compat_stamp_names($envelope),
            ' delay=', $envelope->last(DelayStamp::class)?->getDelay() ?? '-',
            ' bus=', $envelope->last(BusNameStamp::class)?->getBusName() ?? '-',
            ' queue=', $received->getQueueName(),
            ' content_type=', $amqp->getContentType() ?: '-',
            ' delivery_mode=', $amqp->getDeliveryMode(),
            ' dead_lettered=', compat_amqp_dead_lettered($amqp) ? 'yes' : 'no',
            ' at_ms=', (int) floor(microtime(true) * 1000),
            ' bytes=', $verdict,
            $message instanceof SmsNotification ? ' content='.$message->getContent() : '', "\n";
        $envelope = $stack->next()->handle($envelope, $stack);  // the handler runs after the check
        if (++$this->seen >= $this->count) {
            $this->worker->stop();
        }

        return $envelope;
    }
};
$handler = static function (object $message): void {
};
$bus = new MessageBus([
    $record,
    new HandleMessageMiddleware(new HandlersLocator([SmsNotification::class => [$handler], TestBehaviour::class => [$handler]])),
]);
$worker = new Worker(['async' => compat_amqp_transport((int) $port, $exchange)], $bus);
$record->worker = $worker;
$worker->run(['sleep' => 50000]);
exit($record->status);
