#include "sqllogictest/pq_connection.h"

#include <sys/socket.h>

#include <pqxx/pqxx>

namespace freshet::slt {
namespace {

// libpq messages look like "ERROR:  text\nLINE 1: ...\n"; keep the text without the severity
// prefix and trailing newlines.
std::string CleanMessage(const std::string& what) {
  std::string msg = what;
  for (const char* prefix : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (msg.rfind(prefix, 0) == 0) {
      msg = msg.substr(std::char_traits<char>::length(prefix));
      break;
    }
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace

PqConnection::PqConnection(std::chrono::seconds statement_timeout)
    : statement_timeout_(statement_timeout) {
  if (statement_timeout_.count() > 0) watchdog_ = std::thread([this] { WatchdogLoop(); });
}

PqConnection::~PqConnection() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  Disconnect();
}

void PqConnection::WatchdogLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (active_socket_ < 0) {
      cv_.wait(lock);
      continue;
    }
    if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && active_socket_ >= 0 &&
        std::chrono::steady_clock::now() >= deadline_) {
      // Makes the blocked libpq call fail with a lost connection.
      ::shutdown(active_socket_, SHUT_RDWR);
      timed_out_ = true;
      active_socket_ = -1;
    }
  }
}

Status PqConnection::Connect(const std::string& conninfo) {
  Disconnect();
  try {
    conn_ = std::make_unique<pqxx::connection>(conninfo);
    // Notices (e.g. from DROP ... IF EXISTS) would otherwise be printed to stderr.
    quiet_handler_ = std::make_unique<pqxx::quiet_errorhandler>(*conn_);
    return Status::OK();
  } catch (const std::exception& e) {
    quiet_handler_.reset();
    conn_.reset();
    return Status::Error(kConnectionFailure, CleanMessage(e.what()));
  }
}

void PqConnection::Disconnect() {
  if (!conn_) return;
  quiet_handler_.reset();
  try {
    conn_->disconnect();
  } catch (const std::exception&) {
    // Nothing useful to do when closing fails.
  }
  conn_.reset();
}

Result<QueryResult> PqConnection::Execute(const std::string& sql) {
  if (!conn_) return Status::Error(kConnectionFailure, "not connected");
  {
    std::lock_guard<std::mutex> lock(mu_);
    timed_out_ = false;
    active_socket_ = statement_timeout_.count() > 0 ? conn_->sock() : -1;
    deadline_ = std::chrono::steady_clock::now() + statement_timeout_;
  }
  cv_.notify_all();
  auto finish = [this]() {
    std::lock_guard<std::mutex> lock(mu_);
    active_socket_ = -1;
    return timed_out_;
  };
  try {
    pqxx::nontransaction work(*conn_);
    pqxx::result r = work.exec(sql);
    finish();
    QueryResult out;
    out.columns = static_cast<size_t>(r.columns());
    out.affected_rows = r.affected_rows();
    out.rows.reserve(r.size());
    for (const pqxx::row& row : r) {
      std::vector<std::optional<std::string>>& values = out.rows.emplace_back();
      values.reserve(out.columns);
      for (const pqxx::field& f : row) {
        if (f.is_null()) {
          values.emplace_back(std::nullopt);
        } else {
          values.emplace_back(std::string(f.c_str(), f.size()));
        }
      }
    }
    return out;
  } catch (const pqxx::broken_connection& e) {
    bool timed_out = finish();
    Disconnect();
    return Status::Error(kConnectionFailure, timed_out
                                                 ? "statement timed out after " +
                                                       std::to_string(statement_timeout_.count()) +
                                                       " s; connection closed"
                                                 : "connection lost: " + CleanMessage(e.what()));
  } catch (const pqxx::sql_error& e) {
    bool timed_out = finish();
    std::string state = e.sqlstate();
    // libpqxx reports some lost connections as sql_error without a SQLSTATE.
    if (timed_out || (state.empty() && !conn_->is_open())) {
      Disconnect();
      return Status::Error(kConnectionFailure, timed_out
                                                   ? "statement timed out; connection closed"
                                                   : "connection lost: " + CleanMessage(e.what()));
    }
    return Status::Error(state.empty() ? "XX000" : state, CleanMessage(e.what()));
  } catch (const std::exception& e) {
    bool timed_out = finish();
    bool lost = timed_out || !conn_->is_open();
    if (lost) Disconnect();
    return Status::Error(lost ? kConnectionFailure : "XX000", CleanMessage(e.what()));
  }
}

}  // namespace freshet::slt
