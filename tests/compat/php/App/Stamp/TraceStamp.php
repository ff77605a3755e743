<?php
// An application stamp messengerd does not know: it must come back from messengerd's retry
// and failure transport byte for byte, decodable by PHP.
namespace App\Stamp;

use Symfony\Component\Messenger\Stamp\StampInterface;

final class TraceStamp implements StampInterface
{
    private string $traceId;

    public function __construct(string $traceId)
    {
        $this->traceId = $traceId;
    }

    public function getTraceId(): string
    {
        return $this->traceId;
    }
}
