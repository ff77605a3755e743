// A handler that throws: the SDK's exception barrier turns it into a retryable failure whose
// message is the exception's what(); nothing crosses the C boundary.
#include <messengerd/sdk.hpp>

#include <stdexcept>

namespace {

class Throwing final : public messengerd::sdk::Plugin {
 public:
  void init(messengerd::sdk::Host& host) override {
    host.handle({.name = "throwing.handle", .types = {"App\\Message\\Throws"}},
                [](const messengerd::sdk::Message&) -> messengerd::sdk::Outcome {
                  throw std::runtime_error("the payment gateway timed out");
                });
  }
};

}  // namespace

MESSENGERD_PLUGIN(Throwing, "throwing-handler", "1.0.0")
