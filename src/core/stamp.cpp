#include "core/stamp.hpp"

#include <array>

namespace messengerd::core {

bool is_non_sendable(std::string_view fqcn) {
  static constexpr std::array kNonSendable = {
      stamp_class::kAck,  stamp_class::kConsumedByWorker, stamp_class::kDispatchAfterCurrentBus,
      stamp_class::kFlushBatchHandlers, stamp_class::kNoAutoAck, stamp_class::kReceived,
      stamp_class::kSent, stamp_class::kAmqp,
  };
  for (auto name : kNonSendable) {
    if (fqcn == name) return true;
  }
  // Every bridge's *ReceivedStamp (RedisReceivedStamp, AmqpReceivedStamp, DoctrineReceivedStamp...).
  return fqcn.starts_with("Symfony\\Component\\Messenger\\Bridge\\") && fqcn.ends_with("ReceivedStamp");
}

}  // namespace messengerd::core
