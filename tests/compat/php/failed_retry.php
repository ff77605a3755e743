<?php
// Retries every message of a failure transport on Redis: takes it with the failure
// transport's get(), sends the envelope with all its stamps back to the transport it failed on
// (SentToFailureTransportStamp) with Symfony's Redis sender, then acks it on the failure
// transport (delete_after_ack: the entry is removed). Transport names known: async.
// Usage: php failed_retry.php PORT FAILED_STREAM ASYNC_STREAM SERIALIZER
// Prints: retried CLASS KEY to RECEIVER stamps=…
require __DIR__.'/bootstrap.php';

use Symfony\Component\Messenger\Stamp\SentToFailureTransportStamp;

[$port, $failedStream, $asyncStream, $serializer] = compat_args(4, 'PORT FAILED_STREAM ASYNC_STREAM SERIALIZER');
$failed = compat_transport((int) $port, $failedStream, 'php', (int) $serializer, ['delete_after_ack' => true]);
$originals = ['async' => compat_transport((int) $port, $asyncStream, 'php', (int) $serializer)];

$retried = 0;
while ($envelopes = iterator_to_array($failed->get())) {
    foreach ($envelopes as $envelope) {
        $receiver = $envelope->last(SentToFailureTransportStamp::class)?->getOriginalReceiverName()
            ?? compat_fail('a failed message without SentToFailureTransportStamp: '.json_encode(compat_serializer()->encode($envelope)));
        $transport = $originals[$receiver] ?? compat_fail("the failed message came from an unknown transport \"$receiver\"");
        $transport->send($envelope);
        $failed->ack($envelope);
        ++$retried;
        echo 'retried ', compat_short(get_class($envelope->getMessage())), ' ', compat_key($envelope->getMessage()),
            ' to ', $receiver, ' stamps=', compat_stamp_names($envelope), "\n";
    }
}
echo "retried $retried message(s)\n";
