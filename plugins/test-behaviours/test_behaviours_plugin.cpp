// Handlers that do what the message asks, so tests can drive every path of the worker through
// a real plugin and real transports. App\Message\TestBehaviour bodies:
//
//   {"id":"x"}                         handled
//   {"id":"x","fail_times":2}          fails (retry) while redelivery_count < 2, then handled
//   {"id":"x","fail_always":true}      always fails (retry)
//   {"id":"x","unrecoverable":true}    fails for good: straight to the failure transport
//   {"id":"x","recoverable":true}      fails, retried past max_retries
//   {"id":"x","fail_if_exists":"/p"}   fails (retry) while the file /p exists
//   {"id":"x","sleep_ms":1500}         takes that long (heartbeats meanwhile)
//   {"id":"x","sleep_while_exists":"/p"}  busy while the file /p exists (at most 60 s)
//   {"id":"x","crash":true}            aborts the process mid-message
//   {"id":"x","stop_worker":true}      handled, then the worker stops
//   {"id":"x","dispatch_type":"T","dispatch_body":"{...}"}  dispatches T after it succeeded
//
// App\Message\Noop is handled by a handler that does nothing at all (benchmarks: the cost of
// messengerd itself, without reading the body). App\Message\TestBatch is handled by a batch
// handler (batches of 3). Every outcome is appended
// to the journal file (option `journal`, else $MESSENGERD_TEST_JOURNAL) as one line
// "handled|failed <id> <redelivery_count> <transport>", written with a single O_APPEND write
// so concurrent workers never interleave lines. With the option `journal_delivery_count: true`
// the line ends with " <delivery_count>" too (the transport's, see sdk Message::delivery_count),
// so that a test can tell a broker redelivery after a crash from a first delivery.
#include <messengerd/sdk.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace {

using messengerd::sdk::Host;
using messengerd::sdk::Message;
using messengerd::sdk::Outcome;

constexpr const char* kBehaviour = "App\\Message\\TestBehaviour";
constexpr const char* kBatch = "App\\Message\\TestBatch";

class Journal {
 public:
  Journal(const std::string& path, bool with_delivery_count) : with_delivery_count_(with_delivery_count) {
    if (!path.empty()) fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  ~Journal() {
    if (fd_ >= 0) ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void record(const char* what, const Message& message) const {
    if (fd_ < 0) return;
    const std::string transport = message.transport().empty() ? "sync" : std::string(message.transport());
    std::string line = std::string(what) + " " + message.json().get_string("id") + " " +
                       std::to_string(message.redelivery_count()) + " " + transport;
    if (with_delivery_count_) line += " " + std::to_string(message.delivery_count());
    line += "\n";
    // One write per line: O_APPEND makes it atomic with respect to other writers.
    [[maybe_unused]] auto written = ::write(fd_, line.data(), line.size());
  }

 private:
  int fd_ = -1;
  bool with_delivery_count_;
};

class TestBehavioursPlugin final : public messengerd::sdk::Plugin {
 public:
  void init(Host& host) override {
    host_ = &host;
    const char* env_journal = std::getenv("MESSENGERD_TEST_JOURNAL");
    const auto with_delivery_count = host.option("journal_delivery_count").value_or("false");
    journal_ = std::make_unique<Journal>(host.option("journal").value_or(env_journal ? env_journal : ""),
                                         with_delivery_count == "true" || with_delivery_count == "1");

    host.declare_type(kBehaviour, {"App\\Message\\TestMessageInterface"});
    host.declare_type(kBatch, {"App\\Message\\TestMessageInterface"});
    host.handle({.name = "test_behaviours.behave", .types = {kBehaviour}},
                [this](const Message& m) { return behave(m); });
    host.handle({.name = "test_behaviours.noop", .types = {"App\\Message\\Noop"}},
                [](const Message&) { return Outcome::ok(); });
    host.handle_batch({.name = "test_behaviours.batch", .types = {kBatch}, .batch_size = 3},
                      [this](std::span<const Message> batch) { return behave_batch(batch); });
    // A middleware to reference from buses.<bus>.middleware: it refuses marked messages
    // before any handler runs.
    host.middleware("test_behaviours.gate", [](const Message& m) {
      if (m.json().get_bool("rejected_by_middleware")) {
        return Outcome::unrecoverable("rejected by test_behaviours.gate");
      }
      return Outcome::ok();
    });
  }

 private:
  Outcome behave(const Message& m) {
    Outcome outcome = decide(m);
    journal_->record(outcome.is_ok() ? "handled" : "failed", m);
    return outcome;
  }

  Outcome decide(const Message& m) {
    const auto body = m.json();
    if (body.get_bool("crash")) std::abort();
    if (const auto ms = body.get_int("sleep_ms"); ms > 0) sleep_with_heartbeats(std::chrono::milliseconds(ms));
    if (const auto hold = body.get_string("sleep_while_exists"); !hold.empty()) {
      struct stat info {};
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (::stat(hold.c_str(), &info) == 0 && std::chrono::steady_clock::now() < give_up) {
        sleep_with_heartbeats(std::chrono::milliseconds(50));
      }
    }
    if (body.get_bool("unrecoverable")) {
      return Outcome::unrecoverable("asked to fail for good",
                                    "Symfony\\Component\\Messenger\\Exception\\UnrecoverableMessageHandlingException");
    }
    if (body.get_bool("recoverable")) {
      return Outcome::recoverable("asked to fail, to be retried",
                                  "Symfony\\Component\\Messenger\\Exception\\RecoverableMessageHandlingException");
    }
    if (body.get_bool("fail_always")) return Outcome::retry("asked to always fail", "RuntimeException");
    if (m.redelivery_count() < body.get_int("fail_times")) {
      return Outcome::retry("asked to fail " + std::to_string(body.get_int("fail_times")) + " times",
                            "RuntimeException");
    }
    if (const auto marker = body.get_string("fail_if_exists"); !marker.empty()) {
      struct stat info {};
      if (::stat(marker.c_str(), &info) == 0) return Outcome::retry(marker + " exists", "RuntimeException");
    }
    if (const auto type = body.get_string("dispatch_type"); !type.empty()) {
      host_->dispatch(type, body.get_string("dispatch_body", "{}"));
    }
    Outcome ok = Outcome::ok();
    if (body.get_bool("stop_worker")) ok.stop_worker();
    return ok;
  }

  std::vector<Outcome> behave_batch(std::span<const Message> batch) {
    std::vector<Outcome> outcomes;
    outcomes.reserve(batch.size());
    for (const auto& m : batch) outcomes.push_back(behave(m));
    return outcomes;
  }

  void sleep_with_heartbeats(std::chrono::milliseconds total) const {
    const auto until = std::chrono::steady_clock::now() + total;
    while (std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(std::chrono::milliseconds(100),
                                                                   until - std::chrono::steady_clock::now()));
      host_->heartbeat();
    }
  }

  Host* host_ = nullptr;
  std::unique_ptr<Journal> journal_;
};

}  // namespace

MESSENGERD_PLUGIN(TestBehavioursPlugin, "test-behaviours", "1.0.0")
