#pragma once
// The transport kinds the conformance suite runs against, each made through the same factory
// registry the daemon uses, from a DSN. A kind that lacks a behaviour says so by name and the
// suite skips that case (GTEST_SKIP with the reason).
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "app/transport_factories.hpp"
#include "config/config.hpp"
#include "config/dsn.hpp"
#include "redis_server.hpp"
#include "serializer/serializer.hpp"
#include "temp_dir.hpp"
#include "transport/registry.hpp"

namespace messengerd::conformance {

// Behaviours a kind may opt out of.
enum class Behaviour { shared_between_receivers, redelivery_after_crash, listing, undecodable_injection, counting };

class TransportKind {
 public:
  virtual ~TransportKind() = default;
  virtual std::string name() const = 0;
  // A transport on this kind's shared storage; `consumer` distinguishes receivers where the
  // kind has such a notion. `redeliver_quickly` shortens redelivery of abandoned messages.
  virtual std::unique_ptr<transport::Transport> open(const std::string& consumer, bool redeliver_quickly) = 0;
  virtual bool supports(Behaviour) const { return true; }
  virtual std::string why_not(Behaviour) const { return {}; }
  // Writes an entry the serializer cannot decode, as a foreign producer could.
  virtual void inject_undecodable() {}
  // Non-empty: every case of this kind is skipped in this process, with this reason.
  virtual std::string skip_reason() const { return {}; }

 protected:
  std::unique_ptr<transport::Transport> from_dsn(const std::string& dsn) {
    config_.transports.clear();
    config::TransportConfig tc;
    tc.name = "conformance";
    tc.dsn = dsn;
    auto parsed = config::parse_dsn(dsn);
    if (!parsed) throw std::runtime_error("bad DSN " + dsn + ": " + parsed.error().message);
    tc.dsn_parsed = *parsed;
    tc.options = parsed->query;
    config_.dir = dir_.path();
    transport::Registry registry;
    app::register_transport_factories(registry);
    transport::TransportContext context{tc, config_, serializer::serializer_for(""), {}};
    auto created = registry.create(context);
    if (!created) throw std::runtime_error("cannot open " + dsn + ": " + created.error().message);
    return std::move(*created);
  }
  messengerd::testing::TempDir dir_;
  config::Config config_;
};

std::unique_ptr<TransportKind> make_kind(const std::string& name);

}  // namespace messengerd::conformance
