// messengerd stats [TRANSPORT...]: messages waiting per transport (and per queue), as
// Symfony's messenger:stats. Transports that cannot count say so instead of failing.
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "transport/roles.hpp"
#include "util/logging.hpp"

namespace messengerd::cli {

namespace {

struct StatsArgs {
  std::vector<std::string> transports;
  std::string format = "text";
};

struct Row {
  std::string transport;
  std::optional<std::int64_t> count;
  std::string note;  // why there is no count
  std::vector<std::pair<std::string, std::int64_t>> queues;
};

Row count_one(app::Application& app, const std::string& name) {
  Row row{name, std::nullopt, {}, {}};
  auto transport = app.transport(name);
  if (!transport) {
    row.note = transport.error().message;
    return row;
  }
  auto* countable = dynamic_cast<transport::MessageCountAware*>(*transport);
  if (countable == nullptr) {
    row.note = "this transport cannot count its messages";
    return row;
  }
  auto count = countable->message_count();
  if (!count) {
    row.note = count.error().message;
    return row;
  }
  row.count = *count;
  if (auto* per_queue = dynamic_cast<transport::QueueMessageCountAware*>(*transport)) {
    if (auto queues = per_queue->queue_message_counts(); queues && queues->size() > 1) row.queues = *queues;
  }
  return row;
}

void print_text(const std::vector<Row>& rows) {
  std::size_t width = std::string_view("Transport").size();
  for (const auto& r : rows) width = std::max(width, r.transport.size());
  std::cout << std::left << std::setw(static_cast<int>(width)) << "Transport" << "  Count\n";
  std::cout << std::string(width, '-') << "  -----\n";
  for (const auto& r : rows) {
    std::cout << std::left << std::setw(static_cast<int>(width)) << r.transport << "  ";
    if (r.count) {
      std::cout << *r.count << "\n";
    } else {
      std::cout << "-  (" << r.note << ")\n";
    }
    for (const auto& [queue, n] : r.queues) {
      std::cout << std::left << std::setw(static_cast<int>(width)) << ("  queue " + queue) << "  " << n << "\n";
    }
  }
}

void print_json(const std::vector<Row>& rows) {
  std::cout << "{\"transports\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::cout << (i ? "," : "") << "{\"name\":" << util::json_quote(r.transport) << ",\"count\":";
    if (r.count) {
      std::cout << *r.count;
    } else {
      std::cout << "null,\"error\":" << util::json_quote(r.note);
    }
    if (!r.queues.empty()) {
      std::cout << ",\"queues\":{";
      for (std::size_t q = 0; q < r.queues.size(); ++q) {
        std::cout << (q ? "," : "") << util::json_quote(r.queues[q].first) << ":" << r.queues[q].second;
      }
      std::cout << "}";
    }
    std::cout << "}";
  }
  std::cout << "]}\n";
}

int stats(const GlobalOptions& global, const StatsArgs& args) {
  apply_logging(global);
  auto app = load_transports_or_report(global);
  if (!app) return kExitFailure;
  std::vector<std::string> names = args.transports;
  if (names.empty()) {
    for (const auto& t : app->config().transports) names.push_back(t.name);
  }
  std::vector<Row> rows;
  for (const auto& name : names) {
    if (app->config().transport(name) == nullptr) {
      std::cerr << "messengerd stats: no transport named \"" << name << "\"\n";
      return kExitUsage;
    }
    rows.push_back(count_one(*app, name));
  }
  if (args.format == "json") {
    print_json(rows);
  } else {
    print_text(rows);
  }
  return kExitOk;
}

}  // namespace

void add_stats_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<StatsArgs>();
  auto* cmd = app.add_subcommand("stats", "Messages waiting in each transport (and each queue)");
  cmd->add_option("transports", args->transports, "Only these transports (default: all)");
  cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->footer(
      "Examples:\n"
      "  messengerd stats\n"
      "  messengerd stats async failed --format json\n");
  cmd->callback([&global, &exit_code, args] { exit_code = stats(global, *args); });
}

}  // namespace messengerd::cli
