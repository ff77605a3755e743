#include "transport/in_memory/factory.hpp"

#include "transport/in_memory/in_memory_transport.hpp"

namespace messengerd::transport::in_memory {

std::vector<std::string> in_memory_schemes() { return {"in-memory"}; }

core::Result<std::unique_ptr<Transport>> create_in_memory_transport(const TransportContext& context) {
  const auto& options = context.transport.options;
  if (const auto* map = options.as_map()) {
    for (const auto& [key, value] : *map) {
      if (key != "serialize") {
        return std::unexpected(core::make_error(
            core::ErrorKind::invalid_argument,
            "transport \"" + context.transport.name + "\": unknown in-memory option \"" + key + "\" (known: serialize)"));
      }
    }
  }
  const bool serialize = options.get_bool("serialize", false);
  return std::make_unique<InMemoryTransport>(context.transport.name, context.serializer, serialize);
}

}  // namespace messengerd::transport::in_memory
