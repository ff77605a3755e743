#pragma once
// Typed reading of a transport's options (DSN query merged with the `options:` map), with
// errors that name the transport, its redacted DSN and the option. Shared by every kind.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport {

// invalid_argument: `transport "async" (redis://****@host/s): <message>`.
core::Error invalid_option(const TransportContext& context, const std::string& message);

// The option's value; nullptr when absent or null.
const config::Value* find_option(const TransportContext& context, std::string_view key);

core::Result<std::int64_t> int_option(const TransportContext& context, std::string_view key, std::int64_t fallback,
                                      std::int64_t minimum);
// true/false, 1/0, on/off, yes/no (YAML booleans or query-string text).
core::Result<bool> bool_option(const TransportContext& context, std::string_view key, bool fallback);
core::Result<std::string> string_option(const TransportContext& context, std::string_view key, std::string_view fallback);

}  // namespace messengerd::transport
