#pragma once
// One Redis connection: connect (TCP, TLS or unix socket; AUTH, SELECT), synchronous commands
// and pipelines, and the pieces of an asynchronous command (send now, read the reply when the
// socket is readable) that the idle worker's blocking XREADGROUP needs. I/O errors close the
// connection; the owner reconnects (see RedisTransport).
//
// hiredis provides the reply parser only (redisReader; commands are formatted here); the bytes go over
// a ByteStream of our own: a plain socket or TLS (tls_stream.hpp), because Debian's hiredis
// 0.14 has no TLS. Plain connections take the same path rather than redisContext, so there
// is one implementation of commands, timeouts and the non-blocking read, exercised by every
// plain test as well as the TLS ones; TLS is only a different stream.
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "transport/redis/byte_stream.hpp"
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

  // Connects (and for TLS verifies the server) within settings.connect_timeout. A TLS
  // connection is confirmed with a PING, so a server refusing our client certificate (TLS 1.3
  // tells only after the handshake) fails here, with OpenSSL's reason.
  core::Status connect();
  bool connected() const { return stream_ != nullptr; }
  void close();
  int fd() const { return stream_ != nullptr ? stream_->fd() : -1; }

  // Synchronous use, each bounded by settings.block + 5 s (the socket never blocks).
  // A command; a Redis error reply is returned as an Error unless `allow_error_reply`.
  core::Result<Reply> command(const std::vector<std::string_view>& args, bool allow_error_reply = false);
  // Several commands in one round trip; replies in order (error replies included).
  core::Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string_view>>& commands);

  // Asynchronous use: send commands without waiting; later their replies, in order:
  // read_pending_reply() when fd() is readable (nullopt while the next one is incomplete), or
  // await_reply() to wait for the next one like command() does. read_pending_reply() never
  // blocks: it reads until the stream would block, so with TLS it also takes what OpenSSL has
  // already decrypted and buffered (SSL_pending), which a poll on fd() would not show. After a
  // nullopt nothing is left inside OpenSSL, so waiting on fd() readability again is correct.
  // (Meant for one batch in flight, as the read-ahead and the blocking XREADGROUP are; no
  // synchronous command on the same connection until its replies are read.)
  core::Status send_only(const std::vector<std::vector<std::string_view>>& commands);
  core::Result<std::optional<Reply>> read_pending_reply();
  core::Result<Reply> await_reply();

 private:
  using Clock = std::chrono::steady_clock;
  struct ReaderFree {
    void operator()(redisReader* reader) const { redisReaderFree(reader); }
  };

  core::Status append(const std::vector<std::string_view>& args);
  core::Status flush(Clock::time_point deadline);
  // One reply, reading until it is complete or the deadline passes.
  core::Result<Reply> read_reply(Clock::time_point deadline);
  // One read from the stream into the reader.
  IoResult fill();
  bool wait(Io want, Clock::time_point deadline) const;
  Clock::time_point command_deadline() const;
  core::Error io_error(std::string_view what, std::string_view why);

  const RedisSettings* settings_;
  std::unique_ptr<ByteStream> stream_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  std::string output_;  // formatted commands not yet written
};

}  // namespace messengerd::transport::redis
