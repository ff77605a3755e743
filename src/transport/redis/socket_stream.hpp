#pragma once
// A connected non-blocking socket to a Redis endpoint (TCP or unix), as a ByteStream.
#include <chrono>
#include <string>

#include "core/error.hpp"
#include "transport/redis/byte_stream.hpp"
#include "transport/redis/settings.hpp"

namespace messengerd::transport::redis {

// Connects to host:port (each address the name resolves to, in turn) or to the unix socket
// within `timeout`. The socket is non-blocking, with TCP_NODELAY and keepalive (15 s, as
// hiredis sets them). The error says why, without the DSN (the caller adds the redacted one).
core::Result<int> connect_socket(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout);

class SocketStream final : public ByteStream {
 public:
  explicit SocketStream(int fd) : fd_(fd) {}  // takes ownership
  ~SocketStream() override;
  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  int fd() const override { return fd_; }
  IoResult read(char* buffer, std::size_t size) override;
  IoResult write(const char* data, std::size_t size) override;  // MSG_NOSIGNAL: no SIGPIPE
  std::string error() const override { return error_; }

 private:
  int fd_;
  std::string error_;
};

}  // namespace messengerd::transport::redis
