// Example plugin: handles App\Message\SmsNotification, the message of Symfony's own
// documentation ({"phoneNumber":"+15550001","content":"Hello"}).
//
// A real plugin would call an SMS gateway here; this one logs what it would send, so it runs
// anywhere. It shows the parts most handlers need: reading the JSON body, an option from the
// config, telling "retry later" from "never works", noticing a redelivery after a crash, and a
// parent type for routing.
#include <messengerd/sdk.hpp>

#include <cstdint>
#include <string>

namespace {

using messengerd::sdk::Host;
using messengerd::sdk::Message;
using messengerd::sdk::Outcome;

constexpr const char* kSmsNotification = "App\\Message\\SmsNotification";

class SmsNotificationPlugin final : public messengerd::sdk::Plugin {
 public:
  void init(Host& host) override {
    host_ = &host;
    // plugins: [{path: libsms_notification.so, options: {sender: "ACME"}}]
    sender_ = host.option("sender").value_or("messengerd");

    // Lets `routing: {'App\Message\AsyncMessageInterface': async}` route this type, as Symfony
    // routes by interface.
    host.declare_type(kSmsNotification, {"App\\Message\\AsyncMessageInterface"});

    host.handle({.name = "sms_notification.send", .types = {kSmsNotification}},
                [this](const Message& message) { return send(message); });
  }

 private:
  Outcome send(const Message& message) {
    const auto body = message.json();
    const std::string phone = body.get_string("phoneNumber");
    if (phone.empty()) {
      // Retrying cannot add a phone number: straight to the failure transport.
      return Outcome::unrecoverable("the SMS has no phoneNumber",
                                    "Symfony\\Component\\Messenger\\Exception\\UnrecoverableMessageHandlingException");
    }
    if (message.redelivered()) {
      // Delivered before and never acknowledged: the worker that had it died, perhaps after
      // the gateway took it. A real gateway call would pass message.id() as idempotency key.
      host_->warning("SMS to " + phone + " is a redelivery (delivery #" + std::to_string(message.delivery_count()) +
                     "): it may have been sent already");
    }
    ++sent_;
    host_->info("sending SMS from " + sender_ + " to " + phone + ": " + body.get_string("content") + " (#" +
                std::to_string(sent_) + ")");
    return Outcome::ok();
  }

  Host* host_ = nullptr;
  std::string sender_;
  std::uint64_t sent_ = 0;
};

}  // namespace

MESSENGERD_PLUGIN(SmsNotificationPlugin, "sms-notification", "1.0.0")
