<?php
// Lists a failure transport on Redis, as `messenger:failed:show` would (Symfony 5.4's Redis
// transport is not listable, so this reads the stream with phpredis, the transport's own
// serializer setting, and decodes each entry with Symfony's serializer: first the one a
// framework app uses, then Serializer::create()).
// Usage: php failed_show.php PORT STREAM SERIALIZER
// Prints: failed ID CLASS KEY receiver=… error_class=… error_code=… flatten=CLASS|null
//         trace=ID|- redelivery=N stamps=… bytes=same|DIFFERENT standalone=ok|FAILED(…)
//         error_message=…   (last, it may contain spaces)
require __DIR__.'/bootstrap.php';

use App\Stamp\TraceStamp;
use Symfony\Component\Messenger\Stamp\ErrorDetailsStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Stamp\SentToFailureTransportStamp;

[$port, $stream, $serializer] = compat_args(3, 'PORT STREAM SERIALIZER');
$redis = new \Redis();
$redis->connect('127.0.0.1', (int) $port);
$redis->setOption(\Redis::OPT_SERIALIZER, (int) $serializer);  // as the transport's connection reads
$raw = compat_raw_redis((int) $port);
$status = 0;

foreach ($redis->xRange($stream, '-', '+') ?: [] as $id => $fields) {
    $json = $fields['message'] ?? compat_fail("entry $id of $stream has no message field");
    if (!is_string($json) || null === ($data = json_decode($json, true))) {
        compat_fail("entry $id of $stream is not JSON once read with phpredis serializer $serializer: ".var_export($json, true));
    }
    compat_unwrap($raw->xRange($stream, $id, $id)[$id]['message'], (int) $serializer, "entry $id of $stream");
    try {
        $envelope = compat_serializer()->decode(['body' => $data['body'], 'headers' => $data['headers']]);
    } catch (\Throwable $e) {
        compat_fail("entry $id of $stream: Symfony's serializer cannot decode it: ".get_class($e).': '.$e->getMessage()."\n$json");
    }
    try {
        compat_serializer('standalone')->decode(['body' => $data['body'], 'headers' => $data['headers']]);
        $standalone = 'ok';
    } catch (\Throwable $e) {
        $standalone = 'FAILED('.get_class($e).': '.str_replace("\n", ' ', $e->getMessage()).')';
    }
    $verdict = compat_bytes_verdict($json, "entry $id of $stream");
    $status = 'same' === $verdict ? $status : 1;
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
        ' standalone=', $standalone,
        ' error_message=', $error?->getExceptionMessage() ?? '-', "\n";
}
exit($status);
