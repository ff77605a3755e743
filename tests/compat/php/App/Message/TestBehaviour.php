<?php
// The PHP side of messengerd's test-behaviours plugin (plugins/test-behaviours): the same
// body fields, as public properties (snake_case, as the plugin reads them).
namespace App\Message;

final class TestBehaviour
{
    public function __construct(
        public string $id = '',
        public int $fail_times = 0,
        public bool $fail_always = false,
        public bool $unrecoverable = false,
        public bool $recoverable = false,
        public ?string $fail_if_exists = null,
        public int $sleep_ms = 0,
        public bool $crash = false,
        public bool $stop_worker = false,
        public ?string $dispatch_type = null,
        public ?string $dispatch_body = null,
        public bool $rejected_by_middleware = false,
    ) {
    }
}
