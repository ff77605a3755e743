// messengerd failed:show [ID]: the messages in a failure transport (Symfony's
// messenger:failed:show): a table, one message in detail, or counts per class with --stats.
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/failed_message_view.hpp"
#include "cli/failure_transport_choice.hpp"

namespace messengerd::cli {

namespace {

struct ShowArgs {
  std::string id;
  std::size_t max = 50;
  std::string class_filter;
  bool stats = false;
  std::string transport;
};

int show(const GlobalOptions& global, const ShowArgs& args) {
  apply_logging(global);
  auto app = load_transports_or_report(global);
  if (!app) return kExitFailure;
  auto failure = choose_failure_transport(*app, args.transport, "failed:show");
  if (!failure) return kExitFailure;

  if (!args.id.empty()) {
    auto found = failure->listable->find(args.id);
    if (!found) {
      std::cerr << "messengerd failed:show: " << found.error().message << "\n";
      return kExitFailure;
    }
    if (!*found) {
      std::cerr << "messengerd failed:show: no message with id " << args.id << " in \"" << failure->name << "\"\n";
      return kExitFailure;
    }
    print_detail(std::cout, **found, global.verbose);
    return kExitOk;
  }

  // Counting by class needs every message; the table only the first --max.
  auto listed = failure->listable->all(args.stats || !args.class_filter.empty() ? std::nullopt : std::optional(args.max));
  if (!listed) {
    std::cerr << "messengerd failed:show: " << listed.error().message << "\n";
    return kExitFailure;
  }
  if (args.stats) {
    std::map<std::string, std::size_t> per_class;
    for (const auto& m : *listed) ++per_class[m.envelope.type()];
    std::cout << "Failed messages in \"" << failure->name << "\" by class:\n";
    for (const auto& [type, n] : per_class) std::cout << "  " << n << "  " << type << "\n";
    std::cout << "Total: " << listed->size() << "\n";
    return kExitOk;
  }
  std::vector<FailedSummary> rows;
  for (const auto& m : *listed) {
    if (!args.class_filter.empty() && m.envelope.type() != args.class_filter) continue;
    if (rows.size() >= args.max) break;
    rows.push_back(summarize(m));
  }
  if (rows.empty()) {
    std::cout << "No failed messages were found in \"" << failure->name << "\".\n";
    return kExitOk;
  }
  print_table(std::cout, rows);
  std::cout << "\nRun messengerd failed:show ID -vv to see the details of a message.\n";
  return kExitOk;
}

}  // namespace

void add_failed_show_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<ShowArgs>();
  auto* cmd = app.add_subcommand("failed-show", "Show the messages of a failure transport");
  cmd->add_option("id", args->id, "Show this message in detail");
  cmd->add_option("--max", args->max, "Show at most this many messages (default 50)")->check(CLI::PositiveNumber);
  cmd->add_option("--class-filter", args->class_filter, "Only messages of this type");
  cmd->add_flag("--stats", args->stats, "Count the failed messages per type");
  cmd->add_option("--transport", args->transport, "The failure transport (default: the global failure_transport)");
  cmd->footer(
      "Examples:\n"
      "  messengerd failed:show\n"
      "  messengerd failed:show 42 -vv\n"
      "  messengerd failed:show --stats --transport failed_high_priority\n");
  cmd->callback([&global, &exit_code, args] { exit_code = show(global, *args); });
}

}  // namespace messengerd::cli
