<?php
// Symfony's Worker consuming COUNT messages from the Redis transport (consumer "php"), with
// handlers for App\Message\SmsNotification and App\Message\TestBehaviour; the Worker acks
// each message after its handler ran. A middleware records what Symfony decoded and checks
// the stored bytes (framing for SERIALIZER, and PHP re-encoding them gives the same bytes).
// Usage: php consume.php PORT STREAM SERIALIZER COUNT   (the caller bounds it with timeout)
// Prints: consumed CLASS KEY redelivery=N stamps=… delay=MS|- bus=NAME|- bytes=same|DIFFERENT [content=…]
require __DIR__.'/bootstrap.php';

use App\Message\SmsNotification;
use App\Message\TestBehaviour;
use Symfony\Component\Messenger\Bridge\Redis\Transport\RedisReceivedStamp;
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

[$port, $stream, $serializer, $count] = compat_args(4, 'PORT STREAM SERIALIZER COUNT');

$record = new class(compat_raw_redis((int) $port), $stream, (int) $serializer, (int) $count) implements MiddlewareInterface {
    public ?Worker $worker = null;
    public int $seen = 0;
    public int $status = 0;

    public function __construct(private \Redis $redis, private string $stream, private int $serializer, private int $count)
    {
    }

    public function handle(Envelope $envelope, StackInterface $stack): Envelope
    {
        $id = $envelope->last(RedisReceivedStamp::class)->getId();
        $raw = $this->redis->xRange($this->stream, $id, $id)[$id]['message'] ?? compat_fail("entry $id is gone from {$this->stream}");
        $json = compat_unwrap($raw, $this->serializer, "entry $id of {$this->stream}");
        $verdict = compat_bytes_verdict($json, "entry $id of {$this->stream}");
        $this->status = 'same' === $verdict ? $this->status : 1;
        $message = $envelope->getMessage();
        echo 'consumed ', compat_short(get_class($message)), ' ', compat_key($message),
            ' redelivery=', $envelope->last(RedeliveryStamp::class)?->getRetryCount() ?? 0,
            ' stamps=', compat_stamp_names($envelope),
            ' delay=', $envelope->last(DelayStamp::class)?->getDelay() ?? '-',
            ' bus=', $envelope->last(BusNameStamp::class)?->getBusName() ?? '-',
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
$transport = compat_transport((int) $port, $stream, 'php', (int) $serializer);
$worker = new Worker(['async' => $transport], $bus);
$record->worker = $worker;
$worker->run(['sleep' => 50000]);
exit($record->status);
