#pragma once
// TLS over a connected socket with OpenSSL, as a ByteStream (Debian's hiredis 0.14 has no TLS;
// Connection drives hiredis' reader and formatter over this instead). Verification follows the
// PHP stream context options Symfony passes to phpredis (RedisTls in settings.hpp).
//
// Readiness: OpenSSL reads whole records, so decrypted bytes can wait in its buffer (pending())
// while fd() shows nothing to read. Connection::read_pending_reply() therefore reads until
// OpenSSL asks for the socket again (want_read): after it, a poll on fd() is a correct wait.
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "transport/redis/byte_stream.hpp"
#include "transport/redis/settings.hpp"

namespace messengerd::transport::redis {

class TlsStream final : public ByteStream {
 public:
  // Takes over the connected non-blocking socket `fd` (closed on failure too) and completes the
  // handshake before `deadline`. `host` is the name or address connected to: the name checked
  // and sent as SNI unless tls.peer_name says another. The error says why (certificate verify
  // failed: …, cannot load CA file …, handshake timed out), never with a passphrase.
  static core::Result<std::unique_ptr<TlsStream>> handshake(int fd, const RedisTls& tls, const std::string& host,
                                                           std::chrono::steady_clock::time_point deadline);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  int fd() const override { return fd_; }
  // Decrypted bytes: OpenSSL's buffered ones first, then the socket's.
  IoResult read(char* buffer, std::size_t size) override;
  IoResult write(const char* data, std::size_t size) override;
  std::string error() const override { return error_; }
  // Decrypted bytes already inside OpenSSL (a poll on fd() does not see them).
  std::size_t pending() const;

 private:
  struct ContextFree {
    void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
  };
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };
  TlsStream(int fd, std::unique_ptr<SSL_CTX, ContextFree> context, std::unique_ptr<SSL, SslFree> ssl);
  IoResult failure(int ssl_error);

  int fd_;
  std::unique_ptr<SSL_CTX, ContextFree> context_;
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string error_;
};

}  // namespace messengerd::transport::redis
