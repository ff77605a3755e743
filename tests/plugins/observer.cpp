// Middleware, a listener, a batch handler, reset and host services, all observable from the
// loader tests through a journal of strings the test reads back via the option `journal`
// (a file path): one line per call.
#include <messengerd/sdk.hpp>

#include <fstream>
#include <string>

namespace {

using messengerd::sdk::Host;
using messengerd::sdk::Message;
using messengerd::sdk::Outcome;

class Observer final : public messengerd::sdk::Plugin {
 public:
  void init(Host& host) override {
    host_ = &host;
    journal_ = host.option("journal").value_or("/dev/null");
    write("init greeting=" + host.option("greeting").value_or("?") + " nested=" + host.option("nested.key").value_or("?"));
    host.declare_type("App\\Message\\Observed", {"App\\Message\\ObservedInterface"});
    host.handle({.name = "observer.high", .types = {"App\\Message\\ObservedInterface"}, .priority = 10},
                [this](const Message& m) {
                  write("high " + std::string(m.body()));
                  if (m.json().get_bool("dispatch")) host_->dispatch("App\\Message\\Followup", "{}");
                  if (m.json().get_bool("stop")) return Outcome::ok().stop_worker();
                  return Outcome::ok();
                });
    host.handle_batch({.name = "observer.batch", .types = {"App\\Message\\Batched"}, .batch_size = 3},
                      [this](std::span<const Message> batch) {
                        std::vector<Outcome> outcomes;
                        for (const auto& m : batch) {
                          write("batch " + std::string(m.body()));
                          outcomes.push_back(m.body() == "bad" ? Outcome::unrecoverable("bad item") : Outcome::ok());
                        }
                        return outcomes;
                      });
    host.middleware(
        "observer.audit",
        [this](const Message& m) {
          write("before " + std::string(m.type()));
          return m.body() == "blocked" ? Outcome::unrecoverable("blocked by audit") : Outcome::ok();
        },
        [this](const Message& m, const Outcome& o) {
          write("after " + std::string(m.type()) + (o.is_ok() ? " ok" : " failed: " + o.message()));
        });
    host.listen([this](int event, const Message* m, std::string_view) {
      write("event " + std::to_string(event) + (m != nullptr ? " " + std::string(m->type()) : ""));
    });
  }
  void reset() override { write("reset"); }

 private:
  void write(const std::string& line) const { std::ofstream(journal_, std::ios::app) << line << '\n'; }
  Host* host_ = nullptr;
  std::string journal_;
};

}  // namespace

MESSENGERD_PLUGIN(Observer, "observer", "2.1.0")
