// Several processes draining one SQLite queue: every message is delivered exactly once.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "sqlite_test_support.hpp"

namespace messengerd::transport::sqlite::testing {
namespace {

// Runs in a forked child: drains the queue with its own connection, writes the ids it got,
// one per line. Returns the exit code (no gtest in the child).
int drain(const SqliteSettings& settings, const std::shared_ptr<const serializer::Serializer>& serializer,
          const std::filesystem::path& out, std::size_t batch) {
  auto t = SqliteTransport::open("worker", settings, serializer);
  if (!t) return 2;
  std::ofstream ids(out);
  int empty_rounds = 0;
  while (empty_rounds < 3) {
    auto got = (*t)->get(batch);
    if (!got) return 3;
    if (got->empty()) {
      ++empty_rounds;
      continue;
    }
    empty_rounds = 0;
    for (const auto& m : *got) {
      if (m.decode_error) return 4;
      ids << m.id << '\n';
      if (!(*t)->ack(m)) return 5;
    }
  }
  return 0;
}

TEST_F(SqliteFixture, TwoProcessesDrainTwoThousandMessagesEachDeliveredOnce) {
  constexpr int kMessages = 2000;
  {
    auto producer = open(settings(), true);
    ASSERT_TRUE(producer);
    for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(producer->send(hello(i)).has_value());
  }  // closed before fork: a connection must not cross fork()
  std::vector<pid_t> children;
  for (std::size_t child = 0; child < 2; ++child) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(drain(settings(), serializer, dir / ("ids" + std::to_string(child)), child + 1));
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
      ::poll(nullptr, 0, 20);
    }
    if (done == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL() << "worker process did not finish in time";
    }
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  std::multiset<std::string> all;
  std::size_t per_child[2] = {0, 0};
  for (std::size_t child = 0; child < 2; ++child) {
    std::ifstream in(dir / ("ids" + std::to_string(child)));
    for (std::string id; std::getline(in, id);) {
      all.insert(id);
      ++per_child[child];
    }
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), static_cast<std::size_t>(kMessages));
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "0");
  // Not asserted (scheduling decides), but useful when reading a failure.
  RecordProperty("child0", static_cast<int>(per_child[0]));
  RecordProperty("child1", static_cast<int>(per_child[1]));
}

}  // namespace
}  // namespace messengerd::transport::sqlite::testing
