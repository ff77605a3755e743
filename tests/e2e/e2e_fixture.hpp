#pragma once
// Shared set-up of the end-to-end tests: a temp folder with a messenger.yaml on the embedded
// SQLite transport, the test-behaviours plugin journaling every outcome, and helpers to run
// the real binary.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "process.hpp"
#include "queue_db.hpp"
#include "temp_dir.hpp"

namespace messengerd::testing {

struct E2eFixture : ::testing::Test {
  TempDir dir;
  std::filesystem::path config = dir / "messenger.yaml";
  std::filesystem::path journal = dir / "journal";

  void write_config(const std::string& async_options = "redeliver_timeout=2", int max_retries = 2,
                    const std::string& extra = "") {
    std::ofstream(config) << "framework:\n"
                             "  messenger:\n"
                             "    failure_transport: failed\n"
                             "    transports:\n"
                             "      async:\n"
                             "        dsn: 'sqlite:///queue.db?" << async_options << "'\n"
                             "        retry_strategy: {max_retries: " << max_retries << ", delay: 100, multiplier: 1, jitter: 0}\n"
                             "      failed: 'sqlite:///queue.db?queue_name=failed'\n"
                          << extra <<
                             "    routing:\n"
                             "      'App\\Message\\*': async\n"
                             "messengerd:\n"
                             "  plugins:\n"
                             "    - path: '" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libtest_behaviours.so'\n"
                             "      options: {journal: '" << journal.string() << "'}\n"
                             "    - '" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libsms_notification.so'\n";
  }

  std::vector<std::string> cmd(std::vector<std::string> args) {
    std::vector<std::string> full{MESSENGERD_BINARY, "--config", config.string()};
    full.insert(full.end(), args.begin(), args.end());
    return full;
  }
  RunResult messengerd(std::vector<std::string> args) { return run(cmd(std::move(args)), dir.path()); }
  std::unique_ptr<Process> start(std::vector<std::string> args) {
    return std::make_unique<Process>(cmd(std::move(args)), dir.path());
  }

  void dispatch(const std::string& body, const std::string& type = "App\\Message\\TestBehaviour") {
    auto r = messengerd({"dispatch", type, body});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::vector<std::string> journal_lines() {
    std::vector<std::string> lines;
    std::istringstream in(read_file(journal));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::size_t journal_count(const std::string& prefix) {
    std::size_t n = 0;
    for (const auto& l : journal_lines()) n += l.starts_with(prefix) ? 1 : 0;
    return n;
  }
  QueueDb db() { return QueueDb(dir / "queue.db"); }
};

}  // namespace messengerd::testing
