#include "transport/redis/socket_stream.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace messengerd::transport::redis {
namespace {

using Clock = std::chrono::steady_clock;

core::Error connect_error(std::string message) {
  return core::make_error(core::ErrorKind::connection, std::move(message));
}

void set_tcp_options(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  int idle = 15, interval = 5, count = 3;  // hiredis' REDIS_KEEPALIVE_INTERVAL
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

// A non-blocking connect(2) finished within the deadline: 0, or the errno it failed with.
int finish_connect(int fd, const sockaddr* address, socklen_t length, Clock::time_point deadline) {
  if (::connect(fd, address, length) == 0) return 0;
  if (errno != EINPROGRESS && errno != EAGAIN) return errno;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return ETIMEDOUT;
    int error = 0;
    socklen_t size = sizeof(error);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    return error;
  }
}

}  // namespace

core::Result<int> connect_socket(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  if (!endpoint.socket_path.empty()) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (endpoint.socket_path.size() >= sizeof(address.sun_path)) return std::unexpected(connect_error("socket path too long"));
    std::memcpy(address.sun_path, endpoint.socket_path.c_str(), endpoint.socket_path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::unexpected(connect_error(std::strerror(errno)));
    if (int error = finish_connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address), deadline); error != 0) {
      ::close(fd);
      return std::unexpected(connect_error(error == ETIMEDOUT ? "Connection timed out" : std::strerror(error)));
    }
    return fd;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return std::unexpected(connect_error(std::string("cannot resolve ") + endpoint.host + ": " + ::gai_strerror(rc)));
  }
  int last_error = ECONNREFUSED;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    last_error = finish_connect(fd, a->ai_addr, a->ai_addrlen, deadline);
    if (last_error == 0) {
      ::freeaddrinfo(found);
      set_tcp_options(fd);
      return fd;
    }
    ::close(fd);
    if (last_error == ETIMEDOUT) break;
  }
  ::freeaddrinfo(found);
  return std::unexpected(connect_error(last_error == ETIMEDOUT ? "Connection timed out" : std::strerror(last_error)));
}

SocketStream::~SocketStream() {
  if (fd_ >= 0) ::close(fd_);
}

IoResult SocketStream::read(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n > 0) return {Io::done, static_cast<std::size_t>(n)};
    if (n == 0) return {Io::closed, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::want_read, 0};
    error_ = std::strerror(errno);
    return {Io::failed, 0};
  }
}

IoResult SocketStream::write(const char* data, std::size_t size) {
  for (;;) {
    const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return {Io::done, static_cast<std::size_t>(n)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::want_write, 0};
    error_ = std::strerror(errno);
    return {Io::failed, 0};
  }
}

}  // namespace messengerd::transport::redis
