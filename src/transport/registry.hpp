#pragma once
// One table from DSN scheme to transport factory: adding a kind of transport adds a row here
// (done in app/) and touches nothing else.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "serializer/serializer.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport {

struct TransportContext {
  const config::TransportConfig& transport;
  const config::Config& config;  // for doctrine connections, the config folder, ...
  std::shared_ptr<const serializer::Serializer> serializer;
  // For sync://: handles an envelope at once through the bus.
  std::function<core::Status(const core::Envelope&)> handle_now;
};

using Factory = std::function<core::Result<std::unique_ptr<Transport>>(const TransportContext&)>;

class Registry {
 public:
  void add(const std::vector<std::string>& schemes, Factory factory);
  bool supports(const std::string& scheme) const;
  std::vector<std::string> schemes() const;
  // Fails with invalid_argument naming the scheme and the known ones.
  core::Result<std::unique_ptr<Transport>> create(const TransportContext& context) const;

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace messengerd::transport
