#include "transport/option_reader.hpp"

namespace messengerd::transport {

core::Error invalid_option(const TransportContext& context, const std::string& message) {
  return core::make_error(core::ErrorKind::invalid_argument, "transport \"" + context.transport.name + "\" (" +
                                                                 context.transport.dsn_parsed.redacted() + "): " + message);
}

const config::Value* find_option(const TransportContext& context, std::string_view key) {
  const auto* value = context.transport.options.find(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

core::Result<std::int64_t> int_option(const TransportContext& context, std::string_view key, std::int64_t fallback,
                                      std::int64_t minimum) {
  const auto* value = find_option(context, key);
  if (value == nullptr) return fallback;
  auto parsed = value->as_int();
  if (!parsed || *parsed < minimum) {
    return std::unexpected(invalid_option(context, "option " + std::string(key) + " must be an integer >= " +
                                                       std::to_string(minimum) + ", got " +
                                                       value->as_string().value_or(value->kind_name())));
  }
  return *parsed;
}

core::Result<bool> bool_option(const TransportContext& context, std::string_view key, bool fallback) {
  const auto* value = find_option(context, key);
  if (value == nullptr) return fallback;
  if (auto b = value->as_bool()) return *b;
  auto text = value->as_string().value_or("");
  if (text == "true" || text == "1" || text == "on" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "off" || text == "no" || text.empty()) return false;
  return std::unexpected(invalid_option(context, "option " + std::string(key) + " must be true or false, got " + text));
}

core::Result<std::string> string_option(const TransportContext& context, std::string_view key, std::string_view fallback) {
  const auto* value = find_option(context, key);
  if (value == nullptr) return std::string(fallback);
  auto text = value->as_string();
  if (!text) return std::unexpected(invalid_option(context, "option " + std::string(key) + " must be a string"));
  return *text;
}

}  // namespace messengerd::transport
