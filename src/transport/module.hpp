#pragma once
// A transport kind built as a loadable module, messengerd-transport-<kind>.so (sqlite, redis,
// amqp, postgres: the kinds that need a client library). The executable loads a module on the
// first use of one of its schemes (app/transport_modules.hpp), so a worker maps only the client
// libraries it uses. This is internal to one build of messengerd, not a plugin ABI: a module
// resolves the core (transport base, config, serializer, core, util) from the executable that
// loads it, and is refused unless both come from the same build (build id).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/dsn.hpp"
#include "core/restart_signal_store.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport {

// Opens the kind's `messengerd.restart_signal` store (config_dir: for relative paths).
using RestartSignalStoreOpener = core::Result<std::unique_ptr<core::RestartSignalStore>> (*)(
    const config::Dsn& dsn, const std::filesystem::path& config_dir);

struct Module {
  const char* kind;                                    // "sqlite": the file messengerd-transport-sqlite.so
  std::vector<std::string> (*schemes)();               // the schemes its factory accepts
  core::Result<std::unique_ptr<Transport>> (*create)(const TransportContext& context);
  RestartSignalStoreOpener open_restart_signal_store;  // nullptr: the kind keeps no restart signal
};

// The C symbols of a module file (cmake/transport_module_entry.cpp.in). The build id is checked
// before the Module is touched: a module of another build may not even agree on its layout.
inline constexpr const char* kModuleBuildIdSymbol = "messengerd_transport_build_id";
inline constexpr const char* kModuleEntrySymbol = "messengerd_transport_module";
using ModuleBuildIdFunction = const char* (*)();
using ModuleEntryFunction = const Module* (*)();

}  // namespace messengerd::transport
