#include "transport/registry.hpp"

namespace messengerd::transport {

void Registry::add(const std::vector<std::string>& schemes, Factory factory) {
  for (const auto& s : schemes) factories_[s] = factory;
}

bool Registry::supports(const std::string& scheme) const { return factories_.contains(scheme); }

std::vector<std::string> Registry::schemes() const {
  std::vector<std::string> out;
  for (const auto& [scheme, factory] : factories_) out.push_back(scheme + "://");
  return out;
}

core::Result<std::unique_ptr<Transport>> Registry::create(const TransportContext& context) const {
  const auto& scheme = context.transport.dsn_parsed.scheme;
  auto it = factories_.find(scheme);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& s : schemes()) known += (known.empty() ? "" : ", ") + s;
    return std::unexpected(core::make_error(
        core::ErrorKind::invalid_argument,
        "transport \"" + context.transport.name + "\": no transport supports the scheme \"" + scheme +
            "://\" (" + context.transport.dsn_parsed.redacted() + "); known schemes: " + known));
  }
  return it->second(context);
}

}  // namespace messengerd::transport
