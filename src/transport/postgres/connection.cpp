#include "transport/postgres/connection.hpp"

#include <poll.h>

#include <pqxx/pqxx>
#include <type_traits>
#include <unordered_set>

namespace messengerd::transport::postgres {
namespace {

constexpr int kAttempts = 5;  // for deadlocks and serialization failures

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel, std::vector<std::string>& sink)
      : pqxx::notification_receiver(connection, channel), sink_(sink) {}
  void operator()(const std::string& payload, int) override { sink_.push_back(payload); }

 private:
  std::vector<std::string>& sink_;
};

Rows to_rows(const pqxx::result& result) {
  Rows rows;
  rows.affected = result.affected_rows();
  rows.rows.reserve(result.size());
  for (const auto& row : result) {
    auto& out = rows.rows.emplace_back();
    out.reserve(row.size());
    for (const auto& field : row) {
      if (field.is_null()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(field.c_str(), field.size()));
      }
    }
  }
  return rows;
}

pqxx::result run(pqxx::transaction_base& tx, const std::string& sql, const std::vector<std::string>& params) {
  if (params.empty()) return tx.exec(sql);
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

class WorkSession final : public Session {
 public:
  explicit WorkSession(pqxx::work& work) : work_(work) {}
  core::Result<Rows> exec(const std::string& sql, const std::vector<std::string>& params) override {
    // Exceptions pass through to Connection::transaction, which maps them (and retries).
    return to_rows(run(work_, sql, params));
  }

 private:
  pqxx::work& work_;
};

// Thrown through a transaction body to roll back with the body's own error.
struct BodyFailed {
  core::Error error;
};

}  // namespace

struct Connection::Impl {
  std::string redacted;
  std::unique_ptr<pqxx::connection> connection;
  std::vector<std::unique_ptr<Receiver>> receivers;  // destroyed before the connection
  std::vector<std::string> notifications;
  std::unordered_set<std::string> prepared;  // names registered with connection->prepare()
  bool broken = false;

  ~Impl() {
    receivers.clear();
    connection.reset();
  }

  // Runs `attempt` with libpqxx's exceptions mapped (see the header); retries rollbacks.
  template <typename T, typename F>
  core::Result<T> guarded(F&& attempt) {
    if (broken || !connection) {
      return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + redacted));
    }
    for (int i = 1;; ++i) {
      try {
        if constexpr (std::is_void_v<T>) {
          attempt();
          return {};
        } else {
          return attempt();
        }
      } catch (const BodyFailed& failed) {
        return std::unexpected(failed.error);
      } catch (const pqxx::transaction_rollback& e) {
        // 40P01 deadlock_detected, 40001 serialization_failure: the server rolled back; run again.
        if (i < kAttempts) continue;
        return std::unexpected(core::make_error(core::ErrorKind::internal, redacted + ": " + trimmed(e.what()) +
                                                                               " (after " + std::to_string(i) + " attempts)"));
      } catch (const pqxx::broken_connection& e) {
        return std::unexpected(lost(e.what()));
      } catch (const pqxx::in_doubt_error& e) {
        return std::unexpected(lost(e.what()));
      } catch (const pqxx::sql_error& e) {
        if (connection && !connection->is_open()) return std::unexpected(lost(e.what()));
        return std::unexpected(core::make_error(core::ErrorKind::internal, redacted + ": " + trimmed(e.what()) +
                                                                               " (SQLSTATE " + e.sqlstate() + ")"));
      } catch (const std::exception& e) {
        if (connection && !connection->is_open()) return std::unexpected(lost(e.what()));
        return std::unexpected(core::make_error(core::ErrorKind::internal, redacted + ": " + trimmed(e.what())));
      }
    }
  }

  core::Error lost(const std::string& what) {
    broken = true;
    return core::make_error(core::ErrorKind::connection, "connection to " + redacted + " lost: " + trimmed(what));
  }

  static std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (auto& c : text) {
      if (c == '\n') c = ' ';
    }
    return text;
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

core::Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo, std::string redacted) {
  auto impl = std::make_unique<Impl>();
  impl->redacted = std::move(redacted);
  try {
    impl->connection = std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    // libpq's messages name host and port, never the password.
    return std::unexpected(core::make_error(core::ErrorKind::connection,
                                            "cannot connect to " + impl->redacted + ": " + Impl::trimmed(e.what())));
  }
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

core::Result<Rows> Connection::exec(const std::string& sql, const std::vector<std::string>& params) {
  return impl_->guarded<Rows>([&] {
    pqxx::nontransaction tx(*impl_->connection);
    return to_rows(run(tx, sql, params));
  });
}

core::Result<std::size_t> Connection::exec_prepared(const std::string& name, const std::string& sql,
                                                    const std::vector<std::string>& params,
                                                    const std::function<void(RowView)>& on_row) {
  return impl_->guarded<std::size_t>([&] {
    // libpqxx sends the PREPARE with the first execution (and again on a new connection).
    if (impl_->prepared.insert(name).second) impl_->connection->prepare(name, sql);
    pqxx::nontransaction tx(*impl_->connection);
    const pqxx::result result = tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
    std::vector<std::optional<std::string_view>> fields;
    for (const auto& row : result) {
      fields.clear();
      for (const auto& field : row) {
        if (field.is_null()) {
          fields.emplace_back(std::nullopt);
        } else {
          fields.emplace_back(std::string_view(field.c_str(), field.size()));
        }
      }
      on_row(fields);
    }
    return static_cast<std::size_t>(result.size());
  });
}

core::Status Connection::transaction(const std::function<core::Status(Session&)>& body) {
  return impl_->guarded<void>([&] {
    pqxx::work work(*impl_->connection);
    WorkSession session(work);
    if (auto s = body(session); !s) throw BodyFailed{s.error()};  // ~work rolls back
    work.commit();
  });
}

core::Status Connection::listen(const std::string& channel) {
  return impl_->guarded<void>([&] {
    // The receiver sends LISTEN (libpqxx quotes the channel) when it is the first for it.
    impl_->receivers.push_back(std::make_unique<Receiver>(*impl_->connection, channel, impl_->notifications));
  });
}

core::Result<std::vector<std::string>> Connection::take_notifications() {
  return impl_->guarded<std::vector<std::string>>([&] {
    // A server going away sends its FATAL message and then closes: the first read takes the
    // message, a second one finds the end of the stream (and libpqxx throws broken_connection).
    for (int reads = 0; reads < 4; ++reads) {
      impl_->connection->get_notifs();
      if (!impl_->connection->is_open()) throw pqxx::broken_connection("connection closed");
      pollfd fd{impl_->connection->sock(), POLLIN, 0};
      if (fd.fd < 0 || ::poll(&fd, 1, 0) != 1) break;
    }
    std::vector<std::string> out;
    out.swap(impl_->notifications);
    return out;
  });
}

int Connection::socket() const { return impl_->broken || !impl_->connection ? -1 : impl_->connection->sock(); }

bool Connection::broken() const { return impl_->broken; }

}  // namespace messengerd::transport::postgres
