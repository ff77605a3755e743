// Registers a handler under a name the sms-notification example plugin already uses.
#include <messengerd/sdk.hpp>

namespace {

class Duplicate final : public messengerd::sdk::Plugin {
 public:
  void init(messengerd::sdk::Host& host) override {
    host.handle({.name = "sms_notification.send", .types = {"App\\Message\\Other"}},
                [](const messengerd::sdk::Message&) { return messengerd::sdk::Outcome::ok(); });
  }
};

}  // namespace

MESSENGERD_PLUGIN(Duplicate, "duplicate-handler", "1.0.0")
