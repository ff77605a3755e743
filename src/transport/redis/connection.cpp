#include "transport/redis/connection.hpp"

#include <poll.h>

#include <cerrno>
#include <charconv>

#include "transport/redis/socket_stream.hpp"
#include "transport/redis/tls_stream.hpp"

namespace messengerd::transport::redis {

std::string_view reply_text(const redisReply* reply) {
  if (reply == nullptr) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_ERROR) {
    return {reply->str, reply->len};
  }
  return {};
}

Connection::~Connection() { close(); }

void Connection::close() {
  stream_.reset();
  reader_.reset();
  output_.clear();
}

core::Error Connection::io_error(std::string_view what, std::string_view why) {
  std::string message = std::string(what) + " " + settings_->redacted_dsn + ": " + std::string(why);
  close();
  return core::make_error(core::ErrorKind::connection, std::move(message));
}

Connection::Clock::time_point Connection::command_deadline() const {
  // Commands other than the idle worker's blocking read answer quickly; a dead server must not
  // hang the worker loop. The blocking read never waits on the socket (see send_only).
  return Clock::now() + settings_->block + std::chrono::milliseconds(5000);
}

core::Status Connection::connect() {
  close();
  const auto deadline = Clock::now() + settings_->connect_timeout;
  auto fd = connect_socket(settings_->endpoint, settings_->connect_timeout);
  if (!fd) return std::unexpected(io_error("cannot connect to", fd.error().message));
  if (settings_->tls.enabled) {
    auto tls = TlsStream::handshake(*fd, settings_->tls, settings_->endpoint.host, deadline);
    if (!tls) return std::unexpected(io_error("cannot connect to", tls.error().message));
    stream_ = std::move(*tls);
  } else {
    stream_ = std::make_unique<SocketStream>(*fd);
  }
  reader_.reset(redisReaderCreate());
  if (reader_ == nullptr) return std::unexpected(io_error("cannot connect to", "out of memory"));
  if (settings_->tls.enabled) {
    // With TLS 1.3 the server judges our certificate after the handshake: a refusal arrives
    // with the first reply. This round trip also takes the server's session tickets off the
    // socket, so an idle connection's fd is not readable for nothing. NOAUTH is fine here.
    if (auto pong = command({"PING"}, true); !pong) {
      std::string message = "TLS connection refused: " + pong.error().message;
      if (message.find("certificate required") != std::string::npos) {
        message += " (the server wants a client certificate: ssl.local_cert, ssl.local_pk)";
      }
      return std::unexpected(core::make_error(core::ErrorKind::connection, std::move(message)));
    }
  }
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
  if (stream_ == nullptr) {
    return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + settings_->redacted_dsn));
  }
  // RESP's array of bulk strings, written straight into the output buffer: hiredis's
  // redisFormatCommandArgv allocates and sprintf()s each length, a cost per acked message.
  auto append_count = [this](char kind, std::size_t n) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    output_ += kind;
    output_.append(digits, end);
    output_ += "\r\n";
  };
  append_count('*', args.size());
  for (auto arg : args) {
    append_count('$', arg.size());
    output_.append(arg);
    output_ += "\r\n";
  }
  return {};
}

bool Connection::wait(Io want, Clock::time_point deadline) const {
  const short events = want == Io::want_write ? POLLOUT : POLLIN;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{stream_->fd(), events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;  // ready, or an error the next read/write reports
    if (n == 0 || errno != EINTR) return false;
  }
}

core::Status Connection::flush(Clock::time_point deadline) {
  std::size_t written = 0;
  while (written < output_.size()) {
    // A retry after want_read/want_write passes the same bytes, as OpenSSL requires.
    const IoResult r = stream_->write(output_.data() + written, output_.size() - written);
    switch (r.status) {
      case Io::done: written += r.bytes; break;
      case Io::want_read:
      case Io::want_write:
        if (!wait(r.status, deadline)) return std::unexpected(io_error("cannot write to", "timed out"));
        break;
      case Io::closed:
      case Io::failed: {
        std::string why = r.status == Io::closed ? "Server closed the connection" : stream_->error();
        // The server may have said why before closing, e.g. a TLS alert ("certificate
        // required" arrives after a TLS 1.3 handshake): still readable, and clearer.
        char buffer[512];
        if (stream_->read(buffer, sizeof(buffer)).status == Io::failed && stream_->error().starts_with("TLS")) {
          why = stream_->error();
        }
        return std::unexpected(io_error("cannot write to", why));
      }
    }
  }
  output_.clear();
  return {};
}

IoResult Connection::fill() {
  char buffer[16 * 1024];
  const IoResult r = stream_->read(buffer, sizeof(buffer));
  if (r.status == Io::done && redisReaderFeed(reader_.get(), buffer, r.bytes) != REDIS_OK) return {Io::failed, 0};
  return r;
}

core::Result<Reply> Connection::read_reply(Clock::time_point deadline) {
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      return std::unexpected(io_error("bad reply from", std::string(reader_->errstr)));
    }
    if (raw != nullptr) return Reply(static_cast<redisReply*>(raw));
    const IoResult r = fill();
    switch (r.status) {
      case Io::done: break;
      case Io::want_read:
      case Io::want_write:
        if (!wait(r.status, deadline)) return std::unexpected(io_error("lost connection to", "Resource temporarily unavailable (timed out)"));
        break;
      case Io::closed: return std::unexpected(io_error("lost connection to", "Server closed the connection"));
      case Io::failed: return std::unexpected(io_error("lost connection to", stream_->error()));
    }
  }
}

core::Result<Reply> Connection::command(const std::vector<std::string_view>& args, bool allow_error_reply) {
  const auto deadline = command_deadline();
  if (auto s = append(args); !s) return std::unexpected(s.error());
  if (auto s = flush(deadline); !s) return std::unexpected(s.error());
  auto reply = read_reply(deadline);
  if (!reply) return reply;
  if ((*reply)->type == REDIS_REPLY_ERROR && !allow_error_reply) {
    return std::unexpected(core::make_error(core::ErrorKind::internal,
                                            std::string(args.front()) + " failed: " + std::string(reply_text(reply->get()))));
  }
  return reply;
}

core::Result<std::vector<Reply>> Connection::pipeline(const std::vector<std::vector<std::string_view>>& commands) {
  const auto deadline = command_deadline();
  for (const auto& args : commands) {
    if (auto s = append(args); !s) return std::unexpected(s.error());
  }
  if (auto s = flush(deadline); !s) return std::unexpected(s.error());
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto reply = read_reply(deadline);
    if (!reply) return std::unexpected(reply.error());
    replies.push_back(std::move(*reply));
  }
  return replies;
}

core::Status Connection::send_only(const std::vector<std::vector<std::string_view>>& commands) {
  for (const auto& args : commands) {
    if (auto s = append(args); !s) return s;
  }
  return flush(command_deadline());
}

core::Result<Reply> Connection::await_reply() {
  if (stream_ == nullptr) return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected"));
  return read_reply(command_deadline());
}

core::Result<std::optional<Reply>> Connection::read_pending_reply() {
  if (stream_ == nullptr) return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected"));
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      return std::unexpected(io_error("bad reply from", std::string(reader_->errstr)));
    }
    if (raw != nullptr) return std::optional<Reply>{Reply(static_cast<redisReply*>(raw))};
    // Read until the stream would block: this empties OpenSSL's buffer too (see the header).
    const IoResult r = fill();
    switch (r.status) {
      case Io::done: break;
      case Io::want_read:
      case Io::want_write: return std::optional<Reply>{};
      case Io::closed: return std::unexpected(io_error("lost connection to", "Server closed the connection"));
      case Io::failed: return std::unexpected(io_error("lost connection to", stream_->error()));
    }
  }
}

}  // namespace messengerd::transport::redis
