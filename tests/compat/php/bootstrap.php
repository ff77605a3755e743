<?php
// Shared by the compat scripts: Debian's Symfony 5.4 autoloaders, the App\ classes of this
// folder, and small helpers. Errors and warnings are exceptions; deprecations are ignored
// (Symfony 5.4 announces 6.x defaults with them).
declare(strict_types=1);

error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
set_error_handler(static function (int $no, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $no, $file, $line);
}, E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);

foreach (['Symfony/Component/Messenger', 'Symfony/Component/Messenger/Bridge/Redis', 'Symfony/Component/Serializer',
          'Symfony/Component/PropertyAccess', 'Symfony/Component/ErrorHandler', 'Psr/Log', 'Psr/Container'] as $package) {
    $autoload = "/usr/share/php/$package/autoload.php";
    if (!is_file($autoload)) {
        fwrite(STDERR, "SKIP: $autoload is missing (Debian's php-symfony-* packages)\n");
        exit(77);
    }
    require_once $autoload;
}
if (!extension_loaded('redis')) {
    fwrite(STDERR, "SKIP: PHP's redis extension is not loaded (php-redis)\n");
    exit(77);
}

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'App\\')) {
        $file = __DIR__.'/'.str_replace('\\', '/', $class).'.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

use App\Message\SmsNotification;
use App\Message\TestBehaviour;
use Symfony\Component\ErrorHandler\Exception\FlattenException;
use Symfony\Component\Messenger\Bridge\Redis\Transport\RedisTransport;
use Symfony\Component\Messenger\Bridge\Redis\Transport\RedisTransportFactory;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Stamp\ErrorDetailsStamp;
use Symfony\Component\Messenger\Stamp\NonSendableStampInterface;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Transport\Serialization\Normalizer\FlattenExceptionNormalizer;
use Symfony\Component\Messenger\Transport\Serialization\Serializer;
use Symfony\Component\Serializer\Encoder\JsonEncoder;
use Symfony\Component\Serializer\Normalizer\ArrayDenormalizer;
use Symfony\Component\Serializer\Normalizer\DateTimeNormalizer;
use Symfony\Component\Serializer\Normalizer\ObjectNormalizer;
use Symfony\Component\Serializer\Serializer as SymfonySerializer;

function compat_fail(string $message): never
{
    fwrite(STDERR, "FAIL: $message\n");
    exit(1);
}

/**
 * 'framework': the serializer a Symfony framework app gives messenger.transport.symfony_serializer
 * (with Messenger's FlattenExceptionNormalizer); 'standalone': Serializer::create().
 */
function compat_serializer(string $kind = 'framework'): Serializer
{
    return 'standalone' === $kind ? Serializer::create() : new Serializer(compat_symfony_serializer());
}

/** The Symfony serializer inside compat_serializer('framework'), for encoding stamps alone. */
function compat_symfony_serializer(): SymfonySerializer
{
    $normalizers = [new FlattenExceptionNormalizer(), new DateTimeNormalizer(), new ArrayDenormalizer(), new ObjectNormalizer()];

    return new SymfonySerializer($normalizers, [new JsonEncoder()]);
}

/** Symfony's own Redis transport, as a framework app builds it from a DSN and options. */
function compat_transport(int $port, string $stream, string $consumer, int $serializer, array $options = []): RedisTransport
{
    $options += ['serializer' => $serializer, 'delete_after_ack' => false];

    return (new RedisTransportFactory())->createTransport(
        "redis://127.0.0.1:$port/$stream/symfony/$consumer", $options, compat_serializer());
}

/** A plain phpredis client that returns the stored bytes as they are. */
function compat_raw_redis(int $port): \Redis
{
    $redis = new \Redis();
    $redis->connect('127.0.0.1', $port);
    $redis->setOption(\Redis::OPT_SERIALIZER, \Redis::SERIALIZER_NONE);

    return $redis;
}

function compat_make_message(string $class, string $json): object
{
    $fields = json_decode($json, true, 512, JSON_THROW_ON_ERROR);

    return match ($class) {
        SmsNotification::class => new SmsNotification($fields['phoneNumber'], $fields['content']),
        TestBehaviour::class => new TestBehaviour(...$fields),
        default => compat_fail("unknown message class $class"),
    };
}

/** What identifies a test message: TestBehaviour's id, an SMS's phone number. */
function compat_key(object $message): string
{
    return match (true) {
        $message instanceof TestBehaviour => $message->id,
        $message instanceof SmsNotification => $message->getPhoneNumber(),
        default => get_class($message),
    };
}

function compat_short(string $class): string
{
    return substr($class, (int) strrpos('\\'.$class, '\\'));
}

/** The short names of the sendable stamp classes, in the envelope's order. */
function compat_stamp_names(Envelope $envelope): string
{
    $names = [];
    foreach ($envelope->all() as $class => $stamps) {
        if (!is_subclass_of($class, NonSendableStampInterface::class)) {
            $names[] = compat_short($class).(count($stamps) > 1 ? 'x'.count($stamps) : '');
        }
    }

    return implode(',', $names) ?: '-';
}

/**
 * Compares stored bytes ({body, headers} JSON) with what Symfony writes for the envelope they
 * decode to; returns the differences (empty = identical). Two stamps cannot be compared by
 * decoding and re-encoding them, so they are compared with what PHP writes for the same values:
 * - RedeliveryStamp: Symfony 5.4 cannot decode its own (the ObjectNormalizer passes
 *   redeliveredAt as a string, which the constructor's 5.2 BC branch takes for the deprecated
 *   exceptionMessage, and redeliveredAt becomes "now"), so the expected bytes are PHP's
 *   encoding of new RedeliveryStamp(retryCount, new DateTimeImmutable(redeliveredAt)).
 * - ErrorDetailsStamp with a flattenException: a framework app's FlattenExceptionNormalizer
 *   writes another key set than Serializer::create(); messengerd writes Serializer::create()'s
 *   keys plus the framework's status, status_text, trace_as_string (docs/symfony-compatibility.md).
 *   Decoding loses some of its values (trace), so the expected bytes are Serializer::create()'s
 *   encoding of an ErrorDetailsStamp holding the stored values, and the three extra keys must
 *   be present with the values of their camelCase twins.
 */
function compat_byte_diffs(string $storedJson): array
{
    $stored = json_decode($storedJson, true, 512, JSON_THROW_ON_ERROR);
    $diffs = [];
    if (json_encode(['body' => $stored['body'], 'headers' => $stored['headers']]) !== $storedJson) {
        $diffs[] = "the {body, headers} JSON is not PHP's json_encode(): $storedJson";
    }
    $envelope = compat_serializer()->decode(['body' => $stored['body'], 'headers' => $stored['headers']]);
    $php = compat_serializer()->encode($envelope);
    if ($php['body'] !== $stored['body']) {
        $diffs[] = "body: stored {$stored['body']}, PHP writes {$php['body']}";
    }
    if (array_keys($php['headers']) !== array_keys($stored['headers'])) {
        $diffs[] = 'header order: stored '.implode(', ', array_keys($stored['headers'])).'; PHP writes '.implode(', ', array_keys($php['headers']));
    }
    $context = [Serializer::MESSENGER_SERIALIZATION_CONTEXT => true];
    $prefix = 'X-Message-Stamp-';
    foreach ($stored['headers'] as $name => $value) {
        $expected = $php['headers'][$name] ?? null;
        if ($prefix.RedeliveryStamp::class === $name) {
            $stamps = array_map(static fn (array $s) => new RedeliveryStamp($s['retryCount'], new \DateTimeImmutable($s['redeliveredAt'])),
                json_decode($value, true, 512, JSON_THROW_ON_ERROR));
            $expected = compat_symfony_serializer()->serialize($stamps, 'json', $context);
        } elseif ($prefix.ErrorDetailsStamp::class === $name) {
            $items = json_decode($value, true, 512, JSON_THROW_ON_ERROR);
            $stamps = [];
            foreach ($items as &$item) {
                $flatten = $item['flattenException'];
                if (is_array($flatten)) {
                    foreach (['status' => 'statusCode', 'status_text' => 'statusText', 'trace_as_string' => 'traceAsString'] as $key => $twin) {
                        if (!array_key_exists($key, $flatten) || $flatten[$key] !== ($flatten[$twin] ?? null)) {
                            $diffs[] = "ErrorDetailsStamp: flattenException's \"$key\" (read by a framework app's FlattenExceptionNormalizer) is missing or differs from \"$twin\": $value";
                        }
                        unset($item['flattenException'][$key]);
                    }
                }
                if (!is_int($item['exceptionCode'])) {
                    $diffs[] = "ErrorDetailsStamp: exceptionCode is not an integer (PHP writes Throwable::getCode()): $value";
                }
                $stamps[] = new ErrorDetailsStamp($item['exceptionClass'], $item['exceptionCode'], $item['exceptionMessage'],
                    is_array($flatten) ? compat_flatten_exception($flatten) : null);
            }
            unset($item);
            $value = json_encode($items);
            $expected = compat_standalone_symfony_serializer()->serialize($stamps, 'json', $context);
        }
        if ($value !== $expected) {
            $diffs[] = compat_short($name).":\n  stored:     $value\n  PHP writes: ".($expected ?? '(no such header)');
        }
    }

    return $diffs;
}

/** The Symfony serializer inside Serializer::create(). */
function compat_standalone_symfony_serializer(): SymfonySerializer
{
    return new SymfonySerializer([new DateTimeNormalizer(), new ArrayDenormalizer(), new ObjectNormalizer()], [new JsonEncoder()]);
}

/** A FlattenException holding exactly the given normalized values (Serializer::create()'s keys). */
function compat_flatten_exception(array $data): FlattenException
{
    $flatten = new FlattenException();
    $class = new \ReflectionClass($flatten);
    foreach ($data as $key => $value) {
        if ($class->hasProperty($key)) {
            $property = $class->getProperty($key);
            $property->setAccessible(true);
            $property->setValue($flatten, 'previous' === $key && is_array($value) ? compat_flatten_exception($value) : $value);
        }
    }

    return $flatten;
}

/** bytes=same, or bytes=DIFFERENT with the differences on stderr. */
function compat_bytes_verdict(string $storedJson, string $what): string
{
    $diffs = compat_byte_diffs($storedJson);
    foreach ($diffs as $diff) {
        fwrite(STDERR, "$what: $diff\n");
    }

    return $diffs ? 'DIFFERENT' : 'same';
}

/** The JSON inside a stored `message` field, checking the phpredis serializer's framing. */
function compat_unwrap(string $raw, int $serializer, string $what): string
{
    if (0 === $serializer) {
        if (!str_starts_with($raw, '{')) {
            compat_fail("$what: expected raw JSON (serializer 0), stored bytes are: $raw");
        }

        return $raw;
    }
    if (!preg_match('/^s:(\d+):"(.*)";$/s', $raw, $m) || (int) $m[1] !== strlen($m[2])) {
        compat_fail("$what: expected a PHP-serialized string s:N:\"…\"; (serializer 1), stored bytes are: $raw");
    }
    if (unserialize($raw) !== $m[2]) {
        compat_fail("$what: PHP's unserialize() does not read the stored bytes back: $raw");
    }

    return $m[2];
}

function compat_args(int $count, string $usage): array
{
    global $argv;
    if (count($argv) - 1 < $count) {
        fwrite(STDERR, "usage: php {$argv[0]} $usage\n");
        exit(2);
    }

    return array_slice($argv, 1);
}
