#pragma once
// Shared by failed:show, failed:retry and failed:remove: which failure transport a command
// works on (--transport, else the global failure_transport) and its Listable role, with one
// clear line when it has none.
#include <optional>
#include <string>

#include "app/application.hpp"
#include "transport/roles.hpp"

namespace messengerd::cli {

struct FailureTransport {
  std::string name;
  transport::Transport* transport = nullptr;
  transport::Listable* listable = nullptr;
};

// Prints the problem (prefixed with `command`) and returns nullopt when there is none.
std::optional<FailureTransport> choose_failure_transport(app::Application& app, const std::string& requested,
                                                         const std::string& command);

}  // namespace messengerd::cli
