<?php
// Reads a stream and its delayed set (<stream>__queue) with a plain phpredis client, the raw
// stored bytes, and checks them against Symfony: the phpredis framing of the `message` field
// for SERIALIZER, Symfony's decoder, and that PHP re-encoding the decoded envelope gives the
// same bytes (= the writer wrote exactly what Symfony writes).
// Usage: php inspect.php PORT STREAM SERIALIZER [AFTER_ID]
// Prints: entry ID CLASS KEY stamps=… bytes=same|DIFFERENT
//         delayed CLASS KEY stamps=… due_in_ms=N uniqid=U bytes=same|DIFFERENT
require __DIR__.'/bootstrap.php';

[$port, $stream, $serializer] = compat_args(3, 'PORT STREAM SERIALIZER [AFTER_ID]');
$after = $argv[4] ?? '';
$redis = compat_raw_redis((int) $port);
$decoder = compat_serializer();
$status = 0;

$entries = $redis->xRange($stream, '' === $after ? '-' : "($after", '+');
foreach ($entries ?: [] as $id => $fields) {
    if (!isset($fields['message'])) {
        compat_fail("entry $id of $stream has no message field: ".json_encode($fields));
    }
    $json = compat_unwrap($fields['message'], (int) $serializer, "entry $id of $stream");
    $data = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    $envelope = $decoder->decode(['body' => $data['body'], 'headers' => $data['headers']]);
    $verdict = compat_bytes_verdict($json, "entry $id of $stream");
    $status = 'same' === $verdict ? $status : 1;
    echo 'entry ', $id, ' ', compat_short(get_class($envelope->getMessage())), ' ', compat_key($envelope->getMessage()),
        ' stamps=', compat_stamp_names($envelope), ' bytes=', $verdict, "\n";
}

$now = (int) floor(microtime(true) * 1000);
foreach ($redis->zRange($stream.'__queue', 0, -1, true) as $member => $score) {
    $data = json_decode($member, true, 512, JSON_THROW_ON_ERROR);
    if (array_keys($data) !== ['body', 'headers', 'uniqid']) {
        compat_fail("delayed member of {$stream}__queue does not have Symfony's keys body, headers, uniqid: $member");
    }
    $envelope = $decoder->decode(['body' => $data['body'], 'headers' => $data['headers']]);
    // The member is json_encode({body, headers, uniqid}): without uniqid, what the stream gets.
    $withoutUniqid = preg_replace('/,"uniqid":"[^"\\\\]*"}$/', '}', $member, 1, $cut);
    $verdict = 1 === $cut ? compat_bytes_verdict($withoutUniqid, "delayed member of {$stream}__queue") : 'DIFFERENT';
    if (1 !== $cut) {
        fwrite(STDERR, "delayed member of {$stream}__queue does not end with the uniqid key: $member\n");
    }
    $status = 'same' === $verdict ? $status : 1;
    echo 'delayed ', compat_short(get_class($envelope->getMessage())), ' ', compat_key($envelope->getMessage()),
        ' stamps=', compat_stamp_names($envelope), ' due_in_ms=', (int) $score - $now, ' uniqid=', $data['uniqid'],
        ' bytes=', $verdict, "\n";
}
exit($status);
