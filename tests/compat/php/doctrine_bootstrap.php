<?php
// Shared by the doctrine_*.php compat scripts: bootstrap.php (Symfony 5.4, App\ classes,
// helpers) plus Debian's Doctrine DBAL 3 and Symfony's Doctrine bridge, and Symfony's own
// PostgreSQL transport built the way DoctrineTransportFactory builds it (PostgreSqlConnection
// over a DBAL connection with pdo_pgsql), without a Doctrine registry.
declare(strict_types=1);

require __DIR__.'/bootstrap.php';

foreach (['Doctrine/DBAL', 'Doctrine/Deprecations', 'Symfony/Component/Messenger/Bridge/Doctrine'] as $package) {
    $autoload = "/usr/share/php/$package/autoload.php";
    if (!is_file($autoload)) {
        fwrite(STDERR, "SKIP: $autoload is missing (php-doctrine-dbal, php-symfony-doctrine-messenger)\n");
        exit(77);
    }
    require_once $autoload;
}
if (!extension_loaded('pdo_pgsql')) {
    fwrite(STDERR, "SKIP: PHP's pdo_pgsql extension is not loaded (php-pgsql)\n");
    exit(77);
}

// Symfony's worker listeners implement EventSubscriberInterface and the Worker takes an event
// dispatcher; Debian splits both into packages the compat test does not otherwise need
// (php-symfony-event-dispatcher). When they are absent, declare the two interfaces (their 5.4
// signatures) so the real listeners and the real Worker can run; compat_event_dispatcher()
// calls the listeners by priority, as Symfony's EventDispatcher does.
if (!interface_exists('Symfony\Component\EventDispatcher\EventSubscriberInterface')) {
    eval('namespace Symfony\Component\EventDispatcher; interface EventSubscriberInterface { public static function getSubscribedEvents(); }');
}
if (!interface_exists('Symfony\Contracts\EventDispatcher\EventDispatcherInterface')) {
    eval('namespace Symfony\Contracts\EventDispatcher; interface EventDispatcherInterface { public function dispatch(object $event, ?string $eventName = null): object; }');
}

use Doctrine\DBAL\Connection as DbalConnection;
use Doctrine\DBAL\DriverManager;
use Psr\Container\ContainerInterface;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineTransport;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\PostgreSqlConnection;
use Symfony\Contracts\EventDispatcher\EventDispatcherInterface;

/** A DBAL connection to the test cluster (user postgres, trust auth), as DATABASE_URL would give. */
function compat_dbal(int $port): DbalConnection
{
    return DriverManager::getConnection(['url' => "pdo-pgsql://postgres@127.0.0.1:$port/postgres"]);
}

/** Symfony's Doctrine transport on PostgreSQL (use_notify as the factory defaults it). */
function compat_doctrine_transport(DbalConnection $dbal, string $table, string $queue, array $options = []): DoctrineTransport
{
    $configuration = PostgreSqlConnection::buildConfiguration("doctrine://default?table_name=$table&queue_name=$queue", $options);

    return new DoctrineTransport(new PostgreSqlConnection($configuration, $dbal), compat_serializer());
}

/** A row's {body, headers} as the Redis tests' stored JSON: headers is json_encode() of the map. */
function compat_row_json(array $row): string
{
    return '{"body":'.json_encode($row['body']).',"headers":'.$row['headers'].'}';
}

/** A container of named services (senders locators for Symfony's middleware and listeners). */
function compat_container(array $services): ContainerInterface
{
    return new class($services) implements ContainerInterface {
        public function __construct(private array $services)
        {
        }

        public function get(string $id): mixed
        {
            return $this->services[$id];
        }

        public function has(string $id): bool
        {
            return isset($this->services[$id]);
        }
    };
}

/** Symfony's EventDispatcher reduced to what the Worker needs: subscribers called by priority. */
function compat_event_dispatcher(EventSubscriberInterface ...$subscribers): EventDispatcherInterface
{
    return new class($subscribers) implements EventDispatcherInterface {
        private array $listeners = [];

        public function __construct(array $subscribers)
        {
            foreach ($subscribers as $subscriber) {
                foreach ($subscriber::getSubscribedEvents() as $event => $spec) {
                    $spec = is_string($spec) ? [$spec, 0] : $spec;
                    $this->listeners[$event][] = [$spec[1] ?? 0, [$subscriber, $spec[0]]];
                }
            }
            foreach ($this->listeners as &$list) {
                usort($list, static fn (array $a, array $b) => $b[0] <=> $a[0]);
            }
        }

        public function dispatch(object $event, ?string $eventName = null): object
        {
            foreach ($this->listeners[$eventName ?? get_class($event)] ?? [] as [, $listener]) {
                $listener($event);
            }

            return $event;
        }
    };
}
