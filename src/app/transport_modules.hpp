#pragma once
// Where the transport kinds that need a client library (sqlite, redis, amqp, postgres) come from.
// Exactly one of two libraries defines load_transport_module() (src/CMakeLists.txt):
//   messengerd_transport_loader   the executable: dlopen()s <dir>/messengerd-transport-<kind>.so on
//                                 first use (transport_modules/loader.cpp), so a worker maps only
//                                 the client libraries of the transports it uses;
//   messengerd_linked_transports  programs that link the runtime in-process (tests, embedding):
//                                 the kinds are linked in (transport_modules/linked.cpp).
// sync:// and in-memory:// are always built in.
#include <filesystem>
#include <string_view>

#include "core/error.hpp"
#include "transport/module.hpp"

namespace messengerd::app {

struct LoadedTransportModule {
  const transport::Module* module = nullptr;
  std::filesystem::path file;  // empty when linked in
};

// The module of KIND, loaded once and kept for the life of the process (thread-safe). Fails with
// `unsupported` naming the transport kind, the file looked for and the loader's reason.
core::Result<LoadedTransportModule> load_transport_module(std::string_view kind);

// The folder modules are loaded from: $MESSENGERD_TRANSPORT_DIR, else the folder of this build
// relative to the running executable (../lib/messengerd/transports for /usr/bin/messengerd).
// Empty when the kinds are linked in.
std::filesystem::path transport_module_dir();

}  // namespace messengerd::app
