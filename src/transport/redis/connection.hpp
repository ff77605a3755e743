#pragma once
// One hiredis connection: connect (TCP or unix socket, AUTH, SELECT), synchronous commands
// and pipelines, and the pieces of an asynchronous command (send now, read the reply when the
// socket is readable) that the idle worker's blocking XREADGROUP needs. I/O errors close the
// connection; the owner reconnects (see RedisTransport).
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "transport/redis/settings.hpp"

namespace messengerd::transport::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// The text of a string/status/error reply; empty for other kinds.
std::string_view reply_text(const redisReply* reply);

class Connection {
 public:
  explicit Connection(const RedisSettings& settings) : settings_(&settings) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  core::Status connect();
  bool connected() const { return context_ != nullptr; }
  void close();
  int fd() const { return context_ != nullptr ? context_->fd : -1; }

  // A command; a Redis error reply is returned as an Error unless `allow_error_reply`.
  core::Result<Reply> command(const std::vector<std::string_view>& args, bool allow_error_reply = false);
  // Several commands in one round trip; replies in order (error replies included).
  core::Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string_view>>& commands);

  // Asynchronous use: send a command without waiting; later, when fd() is readable,
  // read_pending_reply() returns it (nullopt while incomplete).
  core::Status send_only(const std::vector<std::string_view>& args);
  core::Result<std::optional<Reply>> read_pending_reply();

 private:
  core::Status append(const std::vector<std::string_view>& args);
  core::Status flush();
  core::Error io_error(std::string_view what);

  const RedisSettings* settings_;
  redisContext* context_ = nullptr;
};

}  // namespace messengerd::transport::redis
