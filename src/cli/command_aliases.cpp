#include "cli/command_aliases.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace messengerd::cli {
namespace {

// Symfony's own command names (bin/console messenger:...) map onto ours so that runbooks written
// for a PHP worker keep working.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kAliases{{
    {"config:validate", "config-validate"},
    {"failed:show", "failed-show"},
    {"failed:retry", "failed-retry"},
    {"failed:remove", "failed-remove"},
    {"messenger:consume", "consume"},
    {"messenger:stop-workers", "stop-workers"},
    {"messenger:stats", "stats"},
    {"messenger:setup-transports", "setup-transports"},
    {"messenger:failed:show", "failed-show"},
    {"messenger:failed:retry", "failed-retry"},
    {"messenger:failed:remove", "failed-remove"},
    {"messenger:dispatch", "dispatch"},
    {"debug:messenger", "debug"},
    {"lint:messenger", "config-validate"},
}};

}  // namespace

std::string canonical_command_name(const std::string& word) {
  for (const auto& [alias, name] : kAliases) {
    if (word == alias) return std::string{name};
  }
  return word;
}

std::vector<std::string> canonical_arguments(int argc, char** argv) {
  std::vector<std::string> args;
  args.reserve(static_cast<std::size_t>(argc));
  bool rewritten = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg{argv[i]};
    if (i > 0 && !rewritten) {
      std::string name = canonical_command_name(arg);
      rewritten = name != arg;
      arg = std::move(name);
    }
    args.push_back(std::move(arg));
  }
  return args;
}

}  // namespace messengerd::cli
