#include "core/error.hpp"

namespace messengerd::core {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connection: return "connection";
    case ErrorKind::decode: return "decode";
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace messengerd::core
