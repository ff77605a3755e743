// messengerd failed:retry [ID...]: handles failed messages again, in-process, through the
// handlers of the receiver they originally failed on (Symfony's messenger:failed:retry). A
// message that fails again is put back by that receiver's retry rules; one that succeeds is
// removed from the failure transport.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/failed_message_view.hpp"
#include "cli/failure_transport_choice.hpp"
#include "cli/prompt.hpp"
#include "transport/single_message_receiver.hpp"
#include "worker/worker.hpp"

namespace messengerd::cli {

namespace {

struct RetryArgs {
  std::vector<std::string> ids;
  bool force = false;
  std::string transport;
};

// Runs a worker over exactly these messages; returns its stats.
worker::WorkerStats retry_now(app::Application& app, const FailureTransport& failure,
                              std::vector<transport::ReceivedMessage> messages) {
  const auto count = messages.size();
  transport::SingleMessageReceiver receiver(*failure.transport, std::move(messages));
  worker::WorkerOptions options;
  options.limit = count;
  worker::Worker worker({{failure.name, &receiver}}, options, app, app.flags());
  worker.run();
  return worker.stats();
}

void report(const worker::WorkerStats& stats) {
  std::cout << "Retried " << (stats.handled + stats.failed) << " message(s): " << stats.handled << " handled, "
            << stats.failed << " failed again";
  if (stats.retried > 0) std::cout << " (" << stats.retried << " scheduled for another retry)";
  std::cout << ".\n";
}

int retry(const GlobalOptions& global, const RetryArgs& args) {
  apply_logging(global);
  auto app = load_application_or_report(global);
  if (!app) return kExitFailure;
  auto failure = choose_failure_transport(*app, args.transport, "failed:retry");
  if (!failure) return kExitFailure;

  if (!args.ids.empty()) {
    std::vector<transport::ReceivedMessage> messages;
    int status = kExitOk;
    for (const auto& id : args.ids) {
      auto found = failure->listable->find(id);
      if (!found || !*found) {
        std::cerr << "messengerd failed:retry: no message with id " << id << " in \"" << failure->name << "\"\n";
        status = kExitFailure;
        continue;
      }
      messages.push_back(std::move(**found));
    }
    if (!messages.empty()) report(retry_now(*app, *failure, std::move(messages)));
    return status;
  }

  if (!args.force && !stdin_is_terminal()) {
    std::cerr << "messengerd failed:retry: not a terminal, so cannot ask what to do with each message; "
                 "add --force to retry them all, or give ids\n";
    return kExitUsage;
  }
  auto listed = failure->listable->all(std::nullopt);
  if (!listed) {
    std::cerr << "messengerd failed:retry: " << listed.error().message << "\n";
    return kExitFailure;
  }
  if (listed->empty()) {
    std::cout << "No failed messages were found in \"" << failure->name << "\".\n";
    return kExitOk;
  }
  if (args.force) {
    std::cout << "Retrying " << listed->size() << " message(s) from \"" << failure->name << "\".\n";
    report(retry_now(*app, *failure, std::move(*listed)));
    return kExitOk;
  }
  worker::WorkerStats total;
  for (auto& message : *listed) {
    print_detail(std::cout, message, global.verbose);
    auto choice = choose("Retry, delete or skip this message?", {"retry", "delete", "skip", "quit"}, "retry");
    if (choice == "quit") break;
    if (choice == "skip") continue;
    if (choice == "delete") {
      if (auto removed = failure->listable->remove(message.id); !removed) {
        std::cerr << "messengerd failed:retry: " << removed.error().message << "\n";
      } else {
        std::cout << "Message " << message.id << " removed.\n";
      }
      continue;
    }
    auto stats = retry_now(*app, *failure, {std::move(message)});
    total.handled += stats.handled;
    total.failed += stats.failed;
    total.retried += stats.retried;
  }
  report(total);
  return kExitOk;
}

}  // namespace

void add_failed_retry_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<RetryArgs>();
  auto* cmd = app.add_subcommand("failed-retry", "Handle failed messages again, through their original receiver");
  cmd->add_option("ids", args->ids, "Retry these messages (default: ask for each, on a terminal)");
  cmd->add_flag("--force", args->force, "Retry every message without asking");
  cmd->add_option("--transport", args->transport, "The failure transport (default: the global failure_transport)");
  cmd->footer(
      "Examples:\n"
      "  messengerd failed:retry            # asks retry/delete/skip for each message\n"
      "  messengerd failed:retry 42 43\n"
      "  messengerd failed:retry --force --transport failed\n");
  cmd->callback([&global, &exit_code, args] { exit_code = retry(global, *args); });
}

}  // namespace messengerd::cli
