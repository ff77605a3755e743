<?php
// The AMQP compat scripts' shared part: bootstrap.php (autoloaders, App\ classes, the serializer
// a framework app uses, the byte comparison) plus Symfony's AMQP bridge and PHP's amqp extension.
require_once __DIR__.'/bootstrap.php';

$autoload = '/usr/share/php/Symfony/Component/Messenger/Bridge/Amqp/autoload.php';
if (!is_file($autoload)) {
    fwrite(STDERR, "SKIP: $autoload is missing (php-symfony-amqp-messenger)\n");
    exit(77);
}
require_once $autoload;
if (!extension_loaded('amqp')) {
    fwrite(STDERR, "SKIP: PHP's amqp extension is not loaded (php-amqp)\n");
    exit(77);
}

use Symfony\Component\Messenger\Bridge\Amqp\Transport\AmqpTransport;
use Symfony\Component\Messenger\Bridge\Amqp\Transport\AmqpTransportFactory;
use Symfony\Component\Messenger\Bridge\Amqp\Transport\Connection;

/** The DSN of an exchange on the test's broker, as an app writes it (vhost "/" = %2f). */
function compat_amqp_dsn(int $port, string $exchange): string
{
    return "amqp://guest:guest@127.0.0.1:$port/%2f/$exchange";
}

/** Symfony's own AMQP transport, as a framework app builds it from a DSN (default options). */
function compat_amqp_transport(int $port, string $exchange, array $options = []): AmqpTransport
{
    return (new AmqpTransportFactory())->createTransport(compat_amqp_dsn($port, $exchange), $options, compat_serializer());
}

/** Symfony's AMQP Connection for the same DSN (for the declarations it makes itself). */
function compat_amqp_connection(int $port, string $exchange): Connection
{
    return Connection::fromDsn(compat_amqp_dsn($port, $exchange));
}

/** A plain php-amqp channel (for passive declares: does a queue exist, how many messages). */
function compat_amqp_channel(int $port): \AMQPChannel
{
    $connection = new \AMQPConnection(['host' => '127.0.0.1', 'port' => $port, 'login' => 'guest', 'password' => 'guest']);
    $connection->connect();

    return new \AMQPChannel($connection);
}

/**
 * The stored bytes of an AMQP message as the {body, headers} JSON the Redis checks compare:
 * Symfony's sender moves the Content-Type header to the content_type property and every other
 * header to an AMQP header, so Content-Type goes back last, where Symfony's encoder puts it.
 * A message that went through a delay queue was dead-lettered by the broker, which adds its
 * x-death / x-first-death-* / x-last-death-* headers and re-sorts the header table: those
 * headers are dropped and `type` put first again (the order of the stamp headers among
 * themselves is the broker's then; Symfony's decoder does not depend on it).
 */
function compat_amqp_stored_json(\AMQPEnvelope $message): string
{
    $headers = $message->getHeaders();
    if (compat_amqp_dead_lettered($message)) {
        $headers = array_filter($headers, static fn (string $name) => !preg_match('/^x-(death|first-death-|last-death-)/', $name), \ARRAY_FILTER_USE_KEY);
        $headers = ['type' => $headers['type'] ?? null] + $headers;
    }
    if ('' !== (string) $message->getContentType()) {
        $headers['Content-Type'] = $message->getContentType();
    }

    return json_encode(['body' => $message->getBody(), 'headers' => $headers]);
}

/** Whether the broker dead-lettered the message (it came out of a delay or retry queue). */
function compat_amqp_dead_lettered(\AMQPEnvelope $message): bool
{
    return array_key_exists('x-death', $message->getHeaders());
}
