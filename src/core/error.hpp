#pragma once
// The data-plane error value. Its kind decides the reaction (docs/DESIGN.md, Errors).
#include <expected>
#include <string>

namespace messengerd::core {

enum class ErrorKind {
  connection,       // broker unreachable or connection lost: reconnect with backoff, retry later
  decode,           // a message that cannot be decoded: goes to the failure transport
  invalid_argument, // a caller's mistake (bad option, unknown transport name)
  not_found,        // an id or name that does not exist
  unsupported,      // the transport lacks the role asked for
  timeout,          // a bounded wait expired (e.g. an unconfirmed publish)
  internal,         // a bug or an unexpected library failure: log, count, keep the message
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // never contains credentials (DSNs go through config::redact)
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }
std::string_view to_string(ErrorKind kind);

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

}  // namespace messengerd::core
