#include "transport/redis/tls_stream.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace messengerd::transport::redis {
namespace {

using Clock = std::chrono::steady_clock;

// OpenSSL writes with write(2): a peer that has gone would raise SIGPIPE and kill the daemon.
// Blocked for the call, and a SIGPIPE it raised is taken back before unblocking.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec zero{};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// OpenSSL's error queue as short reasons ("certificate verify failed"), emptied.
std::string openssl_errors() {
  std::string text;
  while (const unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    char full[256];
    if (reason == nullptr) ERR_error_string_n(e, full, sizeof(full));
    const std::string one = reason != nullptr ? reason : full;
    if (text.find(one) == std::string::npos) text += (text.empty() ? "" : "; ") + one;
  }
  return text;
}

bool is_ip_address(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

core::Error tls_error(std::string message) { return core::make_error(core::ErrorKind::connection, std::move(message)); }

// The key's passphrase (userdata: a std::string); none gives an empty one, so loading fails.
int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* userdata) {
  const auto* passphrase = static_cast<const std::string*>(userdata);
  if (passphrase == nullptr || size <= 0) return 0;
  const std::size_t n = std::min(passphrase->size(), static_cast<std::size_t>(size));
  std::memcpy(buffer, passphrase->data(), n);
  return static_cast<int>(n);
}

// Loads the CA, the client certificate and key into a fresh context.
core::Result<SSL_CTX*> make_context(const RedisTls& tls) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  if (context == nullptr) return std::unexpected(tls_error("cannot create a TLS context: " + openssl_errors()));
  auto fail = [&](std::string message) -> core::Result<SSL_CTX*> {
    SSL_CTX_free(context);
    return std::unexpected(tls_error(std::move(message)));
  };
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);  // a peer's bare close is an EOF
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (tls.verify_peer) {
    if (!tls.cafile.empty() || !tls.capath.empty()) {
      if (SSL_CTX_load_verify_locations(context, tls.cafile.empty() ? nullptr : tls.cafile.c_str(),
                                        tls.capath.empty() ? nullptr : tls.capath.c_str()) != 1) {
        return fail("cannot load the CA certificates (ssl.cafile \"" + tls.cafile + "\", ssl.capath \"" + tls.capath +
                    "\"): " + openssl_errors());
      }
    } else if (SSL_CTX_set_default_verify_paths(context) != 1) {
      return fail("cannot load the system CA certificates: " + openssl_errors());
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
  }
  if (!tls.local_cert.empty()) {
    // Our callback, never OpenSSL's default one, which would prompt on the terminal for an
    // encrypted key without a passphrase. Only for the loads below.
    SSL_CTX_set_default_passwd_cb(context, passphrase_callback);
    SSL_CTX_set_default_passwd_cb_userdata(context, const_cast<std::string*>(&tls.passphrase));
    const std::string& key = tls.local_pk.empty() ? tls.local_cert : tls.local_pk;
    if (SSL_CTX_use_certificate_chain_file(context, tls.local_cert.c_str()) != 1) {
      return fail("cannot load the client certificate (ssl.local_cert \"" + tls.local_cert + "\"): " + openssl_errors());
    }
    if (SSL_CTX_use_PrivateKey_file(context, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail("cannot load the client key (ssl.local_pk \"" + key + "\"): " + openssl_errors());
    }
    if (SSL_CTX_check_private_key(context) != 1) {
      return fail("the client key does not match the client certificate: " + openssl_errors());
    }
    SSL_CTX_set_default_passwd_cb_userdata(context, nullptr);
    SSL_CTX_set_default_passwd_cb(context, nullptr);
  }
  return context;
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

}  // namespace

TlsStream::TlsStream(int fd, std::unique_ptr<SSL_CTX, ContextFree> context, std::unique_ptr<SSL, SslFree> ssl)
    : fd_(fd), context_(std::move(context)), ssl_(std::move(ssl)) {}

// No close_notify is sent: Redis reads a closed socket as a client that left, and a shutdown
// could only write into a connection that is usually already broken when we close it.
TlsStream::~TlsStream() {
  ssl_.reset();
  if (fd_ >= 0) ::close(fd_);
}

core::Result<std::unique_ptr<TlsStream>> TlsStream::handshake(int fd, const RedisTls& tls, const std::string& host,
                                                             Clock::time_point deadline) {
  ERR_clear_error();
  auto made = make_context(tls);
  if (!made) {
    ::close(fd);
    return std::unexpected(made.error());
  }
  std::unique_ptr<SSL_CTX, ContextFree> context(*made);
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(context.get()));
  if (ssl == nullptr || SSL_set_fd(ssl.get(), fd) != 1) {
    ::close(fd);
    return std::unexpected(tls_error("cannot create a TLS session: " + openssl_errors()));
  }
  // From here the stream owns fd.
  std::unique_ptr<TlsStream> stream(new TlsStream(fd, std::move(context), std::move(ssl)));
  SSL* s = stream->ssl_.get();
  const std::string& name = tls.peer_name.empty() ? host : tls.peer_name;
  const bool ip = is_ip_address(name);
  if (tls.sni_enabled && !ip) {
    // SSL_set_tlsext_host_name, without its C cast.
    SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(name.c_str()));
  }
  if (tls.verify_peer && tls.verify_peer_name) {
    // Checked while verifying the chain, so a mismatch fails the handshake.
    X509_VERIFY_PARAM* param = SSL_get0_param(s);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    if (set != 1) return std::unexpected(tls_error("cannot verify the peer name \"" + name + "\": " + openssl_errors()));
  }

  SigpipeBlock no_sigpipe;
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_connect(s);
    if (rc == 1) break;
    const int error = SSL_get_error(s, rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        return std::unexpected(tls_error("TLS handshake timed out"));
      }
      continue;
    }
    const long verify = SSL_get_verify_result(s);
    std::string why;
    if (verify != X509_V_OK) {
      why = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        why += " (the server's certificate is not for \"" + name + "\"; see ssl.peer_name)";
      } else if (verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || verify == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
                 verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
        why += " (is ssl.cafile the CA that signed the server's certificate?)";
      }
      ERR_clear_error();
    } else {
      why = openssl_errors();
      if (why.empty()) why = errno != 0 ? std::strerror(errno) : "the server closed the connection (is this a TLS port?)";
    }
    return std::unexpected(tls_error("TLS handshake failed: " + why));
  }
  if (!tls.verify_peer && tls.verify_peer_name) {
    // As PHP does: without verifying the chain, the name is still checked (unless
    // verify_peer_name: false too).
    X509* certificate = SSL_get0_peer_certificate(s);
    const int match = certificate == nullptr ? 0
                      : ip                   ? X509_check_ip_asc(certificate, name.c_str(), 0)
                                             : X509_check_host(certificate, name.c_str(), 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
    if (match != 1) {
      return std::unexpected(tls_error("TLS: the server's certificate is not for \"" + name +
                                       "\" (set ssl.peer_name, or ssl.verify_peer_name: false)"));
    }
  }
  return stream;
}

std::size_t TlsStream::pending() const { return static_cast<std::size_t>(SSL_pending(ssl_.get())); }

IoResult TlsStream::failure(int ssl_error) {
  switch (ssl_error) {
    case SSL_ERROR_WANT_READ: return {Io::want_read, 0};
    case SSL_ERROR_WANT_WRITE: return {Io::want_write, 0};
    case SSL_ERROR_ZERO_RETURN: return {Io::closed, 0};
    case SSL_ERROR_SYSCALL:
      if (errno == 0) return {Io::closed, 0};
      error_ = std::strerror(errno);
      ERR_clear_error();
      return {Io::failed, 0};
    default:
      error_ = "TLS: " + openssl_errors();
      return {Io::failed, 0};
  }
}

IoResult TlsStream::read(char* buffer, std::size_t size) {
  SigpipeBlock no_sigpipe;  // a read may answer a key update
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (SSL_read_ex(ssl_.get(), buffer, size, &n) == 1) return {Io::done, n};
  return failure(SSL_get_error(ssl_.get(), 0));
}

IoResult TlsStream::write(const char* data, std::size_t size) {
  SigpipeBlock no_sigpipe;
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (SSL_write_ex(ssl_.get(), data, size, &n) == 1) return {Io::done, n};
  return failure(SSL_get_error(ssl_.get(), 0));
}

}  // namespace messengerd::transport::redis
