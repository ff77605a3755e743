#pragma once
// A connection's bytes: a plain socket (socket_stream.hpp) or TLS over one (tls_stream.hpp).
// Reads and writes never block; the caller waits on fd() for what want_read/want_write asks
// (Connection bounds every wait with a deadline).
#include <cstddef>
#include <string>

namespace messengerd::transport::redis {

enum class Io {
  done,        // `bytes` moved (> 0)
  want_read,   // call again when fd() is readable
  want_write,  // call again when fd() is writable
  closed,      // the peer closed the connection
  failed,      // see error()
};

struct IoResult {
  Io status = Io::failed;
  std::size_t bytes = 0;
};

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual int fd() const = 0;
  virtual IoResult read(char* buffer, std::size_t size) = 0;
  virtual IoResult write(const char* data, std::size_t size) = 0;
  // Why the last read or write failed (never contains a secret).
  virtual std::string error() const = 0;
};

}  // namespace messengerd::transport::redis
