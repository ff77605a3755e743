<?php
// Lists a failure transport on PostgreSQL the way `messenger:failed:show` does: the Doctrine
// receiver is a ListableReceiverInterface, so all() lists the messages (each with its
// TransportMessageIdStamp) and find(id) fetches one to show its details.
// Usage: php doctrine_failed_show.php PORT TABLE QUEUE [check-bytes]
//   check-bytes: compare each row with what PHP writes for it (for rows messengerd wrote; a
//   framework app's own FlattenException keys are not Serializer::create()'s, see bootstrap.php)
// Prints: failed ID CLASS KEY receiver=… error_class=… error_code=… flatten=CLASS|null
//         trace=ID|- redelivery=N stamps=… bytes=same|DIFFERENT|unchecked error_message=…   (last, may have spaces)
//         count N   (getMessageCount(), as the command's header shows)
require __DIR__.'/doctrine_bootstrap.php';

use App\Stamp\TraceStamp;
use Symfony\Component\Messenger\Stamp\ErrorDetailsStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Stamp\SentToFailureTransportStamp;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;

[$port, $table, $queue] = compat_args(3, 'PORT TABLE QUEUE');
$dbal = compat_dbal((int) $port);
$receiver = compat_doctrine_transport($dbal, $table, $queue);
$checkBytes = 'check-bytes' === ($argv[4] ?? '');
$status = 0;

foreach ($receiver->all() as $listed) {
    $id = $listed->last(TransportMessageIdStamp::class)?->getId() ?? compat_fail('a listed message without TransportMessageIdStamp');
    $envelope = $receiver->find($id) ?? compat_fail("find($id) did not find a message all() listed");
    $row = $dbal->fetchAssociative("SELECT * FROM $table WHERE id = ?", [$id]);
    $verdict = $checkBytes ? compat_bytes_verdict(compat_row_json($row), "row $id of $table") : 'unchecked';
    $status = 'DIFFERENT' === $verdict ? 1 : $status;
    $error = $envelope->last(ErrorDetailsStamp::class);
    $flatten = $error?->getFlattenException();
    echo 'failed ', $id, ' ', compat_short(get_class($envelope->getMessage())), ' ', compat_key($envelope->getMessage()),
        ' receiver=', $envelope->last(SentToFailureTransportStamp::class)?->getOriginalReceiverName() ?? '-',
        ' error_class=', $error?->getExceptionClass() ?? '-',
        ' error_code=', $error?->getExceptionCode() ?? '-',
        ' flatten=', $flatten ? get_class($flatten).'('.$flatten->getClass().')' : 'null',
        ' trace=', $envelope->last(TraceStamp::class)?->getTraceId() ?? '-',
        ' redelivery=', $envelope->last(RedeliveryStamp::class)?->getRetryCount() ?? 0,
        ' stamps=', compat_stamp_names($envelope),
        ' bytes=', $verdict,
        ' error_message=', $error?->getExceptionMessage() ?? '-', "\n";
}
echo 'count ', $receiver->getMessageCount(), "\n";
exit($status);
