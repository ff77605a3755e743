#include "transport/redis/restart_signal_store.hpp"

#include <charconv>
#include <sstream>

#include "transport/redis/connection.hpp"

namespace messengerd::transport::redis {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out.precision(17);
  out << seconds;
  return out.str();
}

class RedisRestartSignalStore final : public core::RestartSignalStore {
 public:
  RedisRestartSignalStore(RedisSettings settings, std::string prefix)
      : settings_(std::move(settings)), prefix_(std::move(prefix)), connection_(settings_) {}

  std::string describe() const override { return "keys " + prefix_ + ":* on " + settings_.redacted_dsn; }

  core::Status signal_restart(double timestamp, const std::vector<std::string>& receivers) override {
    const std::string key = signal_key();  // string_views below must point at live strings
    std::vector<std::string_view> args{"HSET", key};
    const std::string value = seconds_text(timestamp);
    if (receivers.empty()) {
      args.insert(args.end(), {"*", value});
    } else {
      for (const auto& r : receivers) args.insert(args.end(), {r, value});
    }
    return done(run(args));
  }

  core::Result<core::RestartSignal> read_signal() override {
    const std::string key = signal_key();
    auto reply = run({"HGETALL", key});
    if (!reply) return std::unexpected(reply.error());
    core::RestartSignal signal;
    for (std::size_t i = 0; i + 1 < (*reply)->elements; i += 2) {
      const std::string scope(reply_text((*reply)->element[i]));
      const double at = std::stod(std::string(reply_text((*reply)->element[i + 1])));
      if (scope == "*") {
        signal.all = at;
      } else {
        signal.receivers.emplace_back(scope, at);
      }
    }
    return signal;
  }

  core::Status register_worker(const core::WorkerRecord& worker) override {
    std::string receivers;
    for (const auto& r : worker.receivers) receivers += (receivers.empty() ? "" : ",") + r;
    const std::string value = worker.host + "|" + std::to_string(worker.pid) + "|" + receivers + "|" +
                              seconds_text(worker.started_at) + "|" + seconds_text(worker.seen_at);
    const std::string key = workers_key();
    return done(run({"HSET", key, worker.id, value}));
  }

  core::Status unregister_worker(const std::string& id) override {
    const std::string key = workers_key();
    return done(run({"HDEL", key, id}));
  }

  core::Result<std::vector<core::WorkerRecord>> workers() override {
    const std::string key = workers_key();
    auto reply = run({"HGETALL", key});
    if (!reply) return std::unexpected(reply.error());
    std::vector<core::WorkerRecord> records;
    for (std::size_t i = 0; i + 1 < (*reply)->elements; i += 2) {
      const auto fields = split(reply_text((*reply)->element[i + 1]), '|');
      if (fields.size() != 5) continue;  // written by something else: not ours to interpret
      core::WorkerRecord record;
      record.id = std::string(reply_text((*reply)->element[i]));
      record.host = fields[0];
      std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), record.pid);
      if (!fields[2].empty()) record.receivers = split(fields[2], ',');
      record.started_at = std::stod(fields[3]);
      record.seen_at = std::stod(fields[4]);
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  static core::Status done(const core::Result<Reply>& reply) {
    if (!reply) return std::unexpected(reply.error());
    return {};
  }
  std::string signal_key() const { return prefix_ + ":restart_signal"; }
  std::string workers_key() const { return prefix_ + ":workers"; }

  // One command, reconnecting once if the connection was lost since the last one.
  core::Result<Reply> run(const std::vector<std::string_view>& args) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connection_.connected()) {
        if (auto s = connection_.connect(); !s) return std::unexpected(s.error());
      }
      auto reply = connection_.command(args);
      if (reply || reply.error().kind != core::ErrorKind::connection) return reply;
    }
    return std::unexpected(core::make_error(core::ErrorKind::connection, "cannot reach " + settings_.redacted_dsn));
  }

  RedisSettings settings_;
  std::string prefix_;
  Connection connection_;
};

}  // namespace

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn) {
  RedisSettings settings;
  settings.redacted_dsn = dsn.redacted();
  if (!dsn.socket_path.empty()) {
    settings.endpoint.socket_path = dsn.socket_path;
  } else if (!dsn.hosts.empty()) {
    if (!dsn.hosts.front().host.empty()) settings.endpoint.host = dsn.hosts.front().host;
    if (dsn.hosts.front().port != 0) settings.endpoint.port = dsn.hosts.front().port;
  }
  if (dsn.has_password) {
    settings.user = dsn.user;
    settings.password = dsn.password;
  } else {
    settings.password = dsn.user;  // Symfony: a lone user part is the password
  }
  settings.dbindex = dsn.query.get_int("dbindex", 0);
  if (dsn.scheme != "redis") {
    return std::unexpected(core::make_error(core::ErrorKind::unsupported, "messengerd.restart_signal: " + settings.redacted_dsn +
                                                                              ": only redis:// is supported for Redis"));
  }
  return std::make_unique<RedisRestartSignalStore>(std::move(settings), dsn.query.get_string("prefix", "messengerd"));
}

}  // namespace messengerd::transport::redis
