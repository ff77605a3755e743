<?php
// Symfony's Worker consuming COUNT messages from the Doctrine transport on PostgreSQL (its
// get(): SELECT … FOR UPDATE, UPDATE delivered_at, then LISTEN/NOTIFY when the queue is empty),
// with handlers for App\Message\SmsNotification and App\Message\TestBehaviour; the Worker acks
// (DELETEs) each message after its handler ran. A middleware records what Symfony decoded and
// compares the stored row with what PHP writes for the decoded envelope.
// Usage: php doctrine_consume.php PORT TABLE QUEUE COUNT   (the caller bounds it with timeout)
// Prints: consumed CLASS KEY id=ROW_ID redelivery=N stamps=… delay=MS|- available_after_created=S
//         bytes=same|DIFFERENT [content=…]
require __DIR__.'/doctrine_bootstrap.php';

use App\Message\SmsNotification;
use App\Message\TestBehaviour;
use Doctrine\DBAL\Connection as DbalConnection;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineReceivedStamp;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\MiddlewareInterface;
use Symfony\Component\Messenger\Middleware\StackInterface;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Worker;

[$port, $table, $queue, $count] = compat_args(4, 'PORT TABLE QUEUE COUNT');
$dbal = compat_dbal((int) $port);

$record = new class($dbal, $table, (int) $count) implements MiddlewareInterface {
    public ?Worker $worker = null;
    public int $seen = 0;
    public int $status = 0;

    public function __construct(private DbalConnection $dbal, private string $table, private int $count)
    {
    }

    public function handle(Envelope $envelope, StackInterface $stack): Envelope
    {
        $id = $envelope->last(DoctrineReceivedStamp::class)->getId();
        $row = $this->dbal->fetchAssociative("SELECT * FROM {$this->table} WHERE id = ?", [$id]) ?: compat_fail("row $id is gone from {$this->table}");
        $verdict = compat_bytes_verdict(compat_row_json($row), "row $id of {$this->table}");
        $this->status = 'same' === $verdict ? $this->status : 1;
        $message = $envelope->getMessage();
        echo 'consumed ', compat_short(get_class($message)), ' ', compat_key($message), ' id=', $id,
            ' redelivery=', $envelope->last(RedeliveryStamp::class)?->getRetryCount() ?? 0,
            ' stamps=', compat_stamp_names($envelope),
            ' delay=', $envelope->last(DelayStamp::class)?->getDelay() ?? '-',
            ' available_after_created=', strtotime($row['available_at'].' UTC') - strtotime($row['created_at'].' UTC'),
            ' bytes=', $verdict,
            $message instanceof SmsNotification ? ' content='.$message->getContent() : '', "\n";
        $envelope = $stack->next()->handle($envelope, $stack);
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
// Symfony looks for due delayed messages every check_delayed_interval (60 s by default) when
// no NOTIFY came; shortened so a delayed message is taken soon after it is due.
$worker = new Worker(['async' => compat_doctrine_transport($dbal, $table, $queue, ['check_delayed_interval' => 200])], $bus);
$record->worker = $worker;
$worker->run(['sleep' => 50000]);
exit($record->status);
