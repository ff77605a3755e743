// messengerd failed:remove ID... | --all: deletes messages from a failure transport
// (Symfony's messenger:failed:remove).
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/failed_message_view.hpp"
#include "cli/failure_transport_choice.hpp"
#include "cli/prompt.hpp"

namespace messengerd::cli {

namespace {

struct RemoveArgs {
  std::vector<std::string> ids;
  bool all = false;
  bool force = false;
  bool show_messages = false;
  std::string transport;
};

int remove(const GlobalOptions& global, const RemoveArgs& args) {
  apply_logging(global);
  if (args.ids.empty() && !args.all) {
    std::cerr << "messengerd failed:remove: give the ids to remove, or --all\n";
    return kExitUsage;
  }
  if (!args.ids.empty() && args.all) {
    std::cerr << "messengerd failed:remove: give ids or --all, not both\n";
    return kExitUsage;
  }
  auto app = load_transports_or_report(global);
  if (!app) return kExitFailure;
  auto failure = choose_failure_transport(*app, args.transport, "failed:remove");
  if (!failure) return kExitFailure;

  std::vector<transport::ReceivedMessage> targets;
  int status = kExitOk;
  if (args.all) {
    auto listed = failure->listable->all(std::nullopt);
    if (!listed) {
      std::cerr << "messengerd failed:remove: " << listed.error().message << "\n";
      return kExitFailure;
    }
    targets = std::move(*listed);
  } else {
    for (const auto& id : args.ids) {
      auto found = failure->listable->find(id);
      if (!found || !*found) {
        std::cerr << "messengerd failed:remove: no message with id " << id << " in \"" << failure->name << "\"\n";
        status = kExitFailure;
        continue;
      }
      targets.push_back(std::move(**found));
    }
  }
  if (targets.empty()) {
    std::cout << "No message to remove.\n";
    return status;
  }
  if (!args.force) {
    if (!stdin_is_terminal()) {
      std::cerr << "messengerd failed:remove: not a terminal, so cannot ask for confirmation; add --force\n";
      return kExitUsage;
    }
    if (!confirm("Remove " + std::to_string(targets.size()) + " message(s) from \"" + failure->name + "\"?")) {
      std::cout << "Nothing removed.\n";
      return status;
    }
  }
  std::size_t removed = 0;
  for (const auto& m : targets) {
    if (args.show_messages) print_detail(std::cout, m, global.verbose);
    if (auto done = failure->listable->remove(m.id); !done) {
      std::cerr << "messengerd failed:remove: message " << m.id << ": " << done.error().message << "\n";
      status = kExitFailure;
      continue;
    }
    ++removed;
    std::cout << "Message with id " << m.id << " removed.\n";
  }
  std::cout << removed << " message(s) removed.\n";
  return status;
}

}  // namespace

void add_failed_remove_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<RemoveArgs>();
  auto* cmd = app.add_subcommand("failed-remove", "Remove messages from a failure transport");
  cmd->add_option("ids", args->ids, "Ids of the messages to remove");
  cmd->add_flag("--all", args->all, "Remove every message of the failure transport");
  cmd->add_flag("--force", args->force, "Do not ask for confirmation");
  cmd->add_flag("--show-messages", args->show_messages, "Print each message before removing it");
  cmd->add_option("--transport", args->transport, "The failure transport (default: the global failure_transport)");
  cmd->footer(
      "Examples:\n"
      "  messengerd failed:remove 42 43 --force\n"
      "  messengerd failed:remove --all --force --transport failed\n");
  cmd->callback([&global, &exit_code, args] { exit_code = remove(global, *args); });
}

}  // namespace messengerd::cli
