#include "transport/redis/connection.hpp"

#include <sys/time.h>

namespace messengerd::transport::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

std::string_view reply_text(const redisReply* reply) {
  if (reply == nullptr) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_ERROR) {
    return {reply->str, reply->len};
  }
  return {};
}

Connection::~Connection() { close(); }

void Connection::close() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

core::Error Connection::io_error(std::string_view what) {
  std::string message = std::string(what) + " " + settings_->redacted_dsn + ": " +
                        (context_ != nullptr && context_->errstr[0] != '\0' ? context_->errstr : "connection lost");
  close();
  return core::make_error(core::ErrorKind::connection, std::move(message));
}

core::Status Connection::connect() {
  close();
  const timeval timeout = to_timeval(settings_->connect_timeout);
  context_ = settings_->endpoint.socket_path.empty()
                 ? redisConnectWithTimeout(settings_->endpoint.host.c_str(), settings_->endpoint.port, timeout)
                 : redisConnectUnixWithTimeout(settings_->endpoint.socket_path.c_str(), timeout);
  if (context_ == nullptr) return std::unexpected(core::make_error(core::ErrorKind::connection, "out of memory"));
  if (context_->err != 0) return std::unexpected(io_error("cannot connect to"));
  // Commands other than the idle worker's blocking read answer quickly; a dead server must not
  // hang the worker loop. The blocking read never waits on the socket (see send_only).
  const timeval command_timeout = to_timeval(settings_->block + std::chrono::milliseconds(5000));
  redisSetTimeout(context_, command_timeout);
  redisEnableKeepAlive(context_);
  if (!settings_->password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!settings_->user.empty()) auth.push_back(settings_->user);
    auth.push_back(settings_->password);
    auto reply = command(auth);
    if (!reply) {
      close();
      return std::unexpected(core::make_error(core::ErrorKind::connection,
                                              "authentication to " + settings_->redacted_dsn + " failed: " +
                                                  reply.error().message));
    }
  }
  if (settings_->dbindex != 0) {
    const std::string index = std::to_string(settings_->dbindex);
    if (auto reply = command({"SELECT", index}); !reply) {
      close();
      return std::unexpected(reply.error());
    }
  }
  return {};
}

core::Status Connection::append(const std::vector<std::string_view>& args) {
  if (context_ == nullptr) return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + settings_->redacted_dsn));
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (auto arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
    return std::unexpected(io_error("cannot write to"));
  }
  return {};
}

core::Status Connection::flush() {
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) return std::unexpected(io_error("cannot write to"));
  }
  return {};
}

core::Result<Reply> Connection::command(const std::vector<std::string_view>& args, bool allow_error_reply) {
  if (auto s = append(args); !s) return std::unexpected(s.error());
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return std::unexpected(io_error("lost connection to"));
  Reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR && !allow_error_reply) {
    return std::unexpected(core::make_error(core::ErrorKind::internal,
                                            std::string(args.front()) + " failed: " + std::string(reply_text(reply.get()))));
  }
  return reply;
}

core::Result<std::vector<Reply>> Connection::pipeline(const std::vector<std::vector<std::string_view>>& commands) {
  for (const auto& args : commands) {
    if (auto s = append(args); !s) return std::unexpected(s.error());
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return std::unexpected(io_error("lost connection to"));
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

core::Status Connection::send_only(const std::vector<std::string_view>& args) {
  if (auto s = append(args); !s) return s;
  return flush();
}

core::Result<std::optional<Reply>> Connection::read_pending_reply() {
  if (context_ == nullptr) return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected"));
  void* raw = nullptr;
  if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) return std::unexpected(io_error("bad reply from"));
  if (raw == nullptr) {
    // Only read when the socket is readable (the caller polled it): one read(2) cannot block.
    if (redisBufferRead(context_) != REDIS_OK) return std::unexpected(io_error("lost connection to"));
    if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) return std::unexpected(io_error("bad reply from"));
  }
  if (raw == nullptr) return std::optional<Reply>{};
  return std::optional<Reply>{Reply(static_cast<redisReply*>(raw))};
}

}  // namespace messengerd::transport::redis
