#include "pgwire/connection.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "pgwire/connection_registry.h"
#include "pgwire/message_reader.h"

namespace freshet::pgwire {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMinReadSpace = 4096;
constexpr size_t kShrinkAbove = size_t{1} << 20;
constexpr int kFlushPollMillis = 100;
constexpr const char* kDefaultServerVersion = "13.14";

bool IsKnownMessageType(char type) {
  switch (type) {
    case 'Q':  // Query
    case 'P':  // Parse
    case 'B':  // Bind
    case 'D':  // Describe
    case 'E':  // Execute
    case 'S':  // Sync
    case 'H':  // Flush
    case 'C':  // Close
    case 'X':  // Terminate
    case 'd':  // CopyData
    case 'c':  // CopyDone
    case 'f':  // CopyFail
    case 'F':  // FunctionCall
      return true;
    default:
      return false;
  }
}

/// Messages that may carry SQL text or data; the others are small (as PostgreSQL's limits).
bool IsLargeMessageType(char type) {
  return type == 'Q' || type == 'P' || type == 'B' || type == 'd' || type == 'f' || type == 'F';
}

Status ProtocolViolation(std::string message) {
  return Status::Error(sqlstate::kProtocolViolation, std::move(message));
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string StatementLabel(const std::string& name) {
  return name.empty() ? "unnamed prepared statement" : "prepared statement " + Quoted(name);
}

/// A resumed SELECT reports only the rows of the current Execute, as PostgreSQL does.
std::string TagForRows(const std::string& tag, size_t rows) {
  if (tag.rfind("SELECT", 0) == 0) return "SELECT " + std::to_string(rows);
  return tag;
}

}  // namespace

Connection::Connection(tcp::socket socket, Backend& backend, ConnectionRegistry& registry,
                       const ConnectionOptions& options, int32_t pid, int32_t secret_key)
    : socket_(std::move(socket)),
      startup_timer_(socket_.get_executor()),
      backend_(backend),
      registry_(registry),
      options_(options),
      pid_(pid),
      secret_key_(secret_key),
      writer_(&out_buf_),
      sink_(&out_buf_, options.flush_threshold, [this] { FlushBlocking(); }) {}

Connection::~Connection() {
  CloseSession();
  registry_.Remove(pid_);
}

void Connection::Start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->DoStart(); });
}

void Connection::DoStart() {
  if (closed_) return;  // terminated before it started
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) peer_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  spdlog::debug("pgwire: connection {} from {}", pid_, peer_);
  if (options_.startup_timeout.count() > 0) {
    startup_timer_.expires_after(options_.startup_timeout);
    startup_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (ec || self->closed_ || self->state_ != State::kStartup) return;
      spdlog::info("pgwire: connection {} from {} did not complete startup in time", self->pid_,
                   self->peer_);
      self->Close();
    });
  }
  ProcessInput();
}

void Connection::CancelQuery() {
  BackendSession* session = cancel_target_.load();
  if (session != nullptr) session->Cancel();
}

void Connection::Terminate(bool notify) {
  if (notify) {
    terminate_requested_.store(true);
  } else {
    abort_flush_.store(true);
  }
  CancelQuery();
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), notify] { self->DoTerminate(notify); });
}

void Connection::DoTerminate(bool notify) {
  if (closed_) return;
  if (!notify) {
    Close();
    return;
  }
  if (!closing_) Fatal(AdminShutdown());
  closing_ = true;
  FinishClosing();
}

Status Connection::AdminShutdown() {
  return Status::Error(sqlstate::kAdminShutdown,
                       "terminating connection due to administrator command");
}

bool Connection::InterruptedByShutdown(const Status& status) {
  // A statement cancelled because the server shuts down reports what PostgreSQL reports then.
  if (status.ok() || !terminate_requested_.load()) return false;
  Fatal(AdminShutdown());
  return true;
}

// ---------------------------------------------------------------------------------------------
// I/O

void Connection::ProcessInput() {
  while (!closing_) {
    if (flush_now_ || out_buf_.size() >= options_.flush_threshold) {
      flush_now_ = false;
      if (!out_buf_.empty()) {
        StartWrite();  // OnWrite resumes processing
        return;
      }
    }
    const size_t available = in_end_ - in_start_;
    const char* p = in_buf_.data() + in_start_;
    size_t consumed = 0;
    Status status;
    try {
      if (state_ == State::kStartup) {
        if (available < 4) break;
        uint32_t len = LoadBE32(p);
        if (len < 8 || len > protocol::kMaxStartupPacketLength) {
          spdlog::info("pgwire: connection {} from {}: invalid length of startup packet", pid_,
                       peer_);
          Close();
          return;
        }
        if (available < len) {
          need_ = len;
          break;
        }
        consumed = len;
        status = HandleStartupPacket(std::string_view(p + 4, len - 4));
      } else {
        if (available < 5) break;
        char type = p[0];
        auto len = static_cast<int32_t>(LoadBE32(p + 1));
        if (!IsKnownMessageType(type)) {
          Fatal(ProtocolViolation("invalid frontend message type " +
                                  std::to_string(static_cast<unsigned char>(type))));
          break;
        }
        size_t limit =
            IsLargeMessageType(type) ? options_.max_message_size : protocol::kSmallMessageLimit;
        if (len < 4 || static_cast<size_t>(len) > limit) {
          Fatal(ProtocolViolation("invalid message length"));
          break;
        }
        if (available < static_cast<size_t>(len) + 1) {
          need_ = static_cast<size_t>(len) + 1;
          break;
        }
        consumed = static_cast<size_t>(len) + 1;
        status = HandleMessage(type, std::string_view(p + 5, len - 4));
      }
    } catch (const std::exception& e) {
      spdlog::error("pgwire: connection {}: unexpected exception: {}", pid_, e.what());
      status = Status::Internal("internal error (details in the server log)");
    } catch (...) {
      spdlog::error("pgwire: connection {}: unexpected exception", pid_);
      status = Status::Internal("internal error");
    }
    need_ = 0;
    in_start_ += consumed;
    if (closed_) return;
    if (output_broken_) {
      Close();
      return;
    }
    if (!status.ok()) Fatal(status);
  }
  if (closed_) return;
  if (closing_) {
    FinishClosing();
    return;
  }
  if (!out_buf_.empty()) {
    StartWrite();  // always flush before waiting for input
    return;
  }
  StartRead();
}

void Connection::StartRead() {
  if (in_start_ == in_end_) {
    in_start_ = in_end_ = 0;
    if (in_buf_.size() > kShrinkAbove && need_ <= kReadChunk) {
      std::vector<char>(kReadChunk).swap(in_buf_);
    }
  } else if (in_start_ > 0) {
    std::memmove(in_buf_.data(), in_buf_.data() + in_start_, in_end_ - in_start_);
    in_end_ -= in_start_;
    in_start_ = 0;
  }
  size_t want = std::max(need_, in_end_ + kMinReadSpace);
  if (in_buf_.size() < want) in_buf_.resize(std::max(want, in_end_ + kReadChunk));
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(in_buf_.data() + in_end_, in_buf_.size() - in_end_),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    // EOF or reset: the client is gone (Close aborts a running COPY via session->Close()).
    if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
      spdlog::debug("pgwire: connection {} read error: {}", pid_, ec.message());
    }
    Close();
    return;
  }
  in_end_ += n;
  if (closing_) {
    FinishClosing();
    return;
  }
  ProcessInput();
}

void Connection::StartWrite() {
  writing_ = true;
  write_buf_.swap(out_buf_);
  out_buf_.clear();
  asio::async_write(
      socket_, asio::buffer(write_buf_),
      [self = shared_from_this()](const error_code& ec, size_t /*n*/) { self->OnWrite(ec); });
}

void Connection::OnWrite(const error_code& ec) {
  writing_ = false;
  if (write_buf_.capacity() > kShrinkAbove) {
    std::string().swap(write_buf_);
  } else {
    write_buf_.clear();
  }
  if (closed_) return;
  if (ec) {
    spdlog::debug("pgwire: connection {} write error: {}", pid_, ec.message());
    Close();
    return;
  }
  if (closing_) {
    FinishClosing();
    return;
  }
  if (!reading_) ProcessInput();
}

void Connection::FlushBlocking() {
  // Runs inside a synchronous BackendSession call on the strand, so no async operation is pending
  // on the socket and writing to the descriptor directly is safe.
  if (output_broken_ || closed_) {
    out_buf_.clear();
    return;
  }
  const int fd = socket_.native_handle();
  size_t offset = 0;
  bool broken = false;
  while (offset < out_buf_.size()) {
    if (abort_flush_.load()) {
      broken = true;
      break;
    }
    ssize_t n =
        ::send(fd, out_buf_.data() + offset, out_buf_.size() - offset, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      offset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd{fd, POLLOUT, 0};
      ::poll(&pfd, 1, kFlushPollMillis);
      continue;
    }
    broken = true;
    break;
  }
  out_buf_.clear();
  if (broken) {
    spdlog::debug("pgwire: connection {}: client stopped receiving; cancelling statement", pid_);
    output_broken_ = true;
    if (session_) session_->Cancel();
  }
}

void Connection::FinishClosing() {
  if (closed_ || writing_) return;
  if (!out_buf_.empty() && !output_broken_) {
    StartWrite();
    return;
  }
  Close();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  try {
    startup_timer_.cancel();
  } catch (const std::exception&) {
  }
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  CloseSession();
  registry_.Remove(pid_);
  spdlog::debug("pgwire: connection {} closed", pid_);
}

void Connection::CloseSession() {
  if (!session_ || session_closed_) return;
  session_closed_ = true;
  try {
    session_->Close();
  } catch (const std::exception& e) {
    spdlog::error("pgwire: connection {}: session close failed: {}", pid_, e.what());
  } catch (...) {
    spdlog::error("pgwire: connection {}: session close failed", pid_);
  }
}

// ---------------------------------------------------------------------------------------------
// Startup

Status Connection::HandleStartupPacket(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(int32_t code, reader.ReadInt32());

  if (code == protocol::kSslRequestCode || code == protocol::kGssEncRequestCode) {
    bool& answered = code == protocol::kSslRequestCode ? ssl_answered_ : gss_answered_;
    if (!answered && reader.AtEnd()) {
      // No TLS / GSSAPI encryption: decline and keep reading on the same socket.
      answered = true;
      out_buf_.push_back('N');
      return Status::OK();
    }
  }
  if (code == protocol::kCancelRequestCode) {
    // (16, 80877102, pid, key): no reply, just close.
    auto pid = reader.ReadInt32();
    auto key = reader.ReadInt32();
    if (pid.ok() && key.ok() && reader.AtEnd()) {
      bool found = registry_.Cancel(*pid, *key);
      spdlog::debug("pgwire: cancel request for pid {} {}", *pid, found ? "delivered" : "ignored");
    }
    closing_ = true;
    return Status::OK();
  }

  const uint32_t major = static_cast<uint32_t>(code) >> 16;
  const uint32_t minor = static_cast<uint32_t>(code) & 0xffff;
  if (major != 3) {
    return Status::Error(sqlstate::kFeatureNotSupported,
                         "unsupported frontend protocol " + std::to_string(major) + "." +
                             std::to_string(minor) + ": server supports 3.0 to 3.0");
  }

  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string> unrecognized;
  while (true) {
    auto name = reader.ReadCString();
    if (!name.ok()) {
      return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    if (name->empty()) break;
    auto value = reader.ReadCString();
    if (!value.ok()) {
      return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    if (name->rfind("_pq_.", 0) == 0) {
      unrecognized.emplace_back(*name);
    } else {
      params.emplace_back(std::string(*name), std::string(*value));
    }
  }
  if (!reader.AtEnd()) {
    return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
  }
  if (minor > 0 || !unrecognized.empty()) writer_.NegotiateProtocolVersion(0, unrecognized);

  bool has_user = false;
  for (const auto& [name, value] : params) {
    if (name == "user" && !value.empty()) has_user = true;
  }
  if (!has_user) {
    return Status::Error(protocol::kInvalidAuthorizationSpecification,
                         "no PostgreSQL user name specified in startup packet");
  }

  auto session = backend_.StartSession(params);
  if (!session.ok()) return session.status();
  if (*session == nullptr) return Status::Internal("backend returned no session");
  session_ = std::move(session).value();
  cancel_target_.store(session_.get());
  state_ = State::kReady;
  try {
    startup_timer_.cancel();
  } catch (const std::exception&) {
  }

  writer_.AuthenticationOk();  // trust authentication
  SendStartupParameters(params);
  writer_.BackendKeyData(pid_, secret_key_);
  SendReadyForQuery();
  spdlog::debug("pgwire: connection {} started", pid_);
  return Status::OK();
}

void Connection::SendStartupParameters(
    const std::vector<std::pair<std::string, std::string>>& params) {
  auto startup_param = [&params](std::string_view name) -> std::string {
    for (const auto& [n, v] : params) {
      if (n == name) return v;
    }
    return "";
  };
  // The 13 parameters PostgreSQL 15 reports, in its order. The session's value wins when set.
  const std::pair<const char*, std::string> defaults[] = {
      {"application_name", startup_param("application_name")},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
      {"integer_datetimes", "on"},
      {"IntervalStyle", "postgres"},
      {"is_superuser", "on"},
      {"server_encoding", "UTF8"},
      {"server_version", kDefaultServerVersion},
      {"session_authorization", startup_param("user")},
      {"standard_conforming_strings", "on"},
      {"TimeZone", "UTC"},
  };
  for (const auto& [name, fallback] : defaults) {
    std::string value = session_->GetParameter(name);
    writer_.ParameterStatus(name, value.empty() ? fallback : value);
  }
  // Parameters the session reported changing while starting are already covered above.
  sink_.TakeParameterChanges();
}

// ---------------------------------------------------------------------------------------------
// Messages after startup

Status Connection::HandleMessage(char type, std::string_view body) {
  if (state_ == State::kCopyIn) return HandleCopyMessage(type, body);
  if (ignore_till_sync_ && type != 'S' && type != 'X') return Status::OK();
  switch (type) {
    case 'Q':
      return HandleQuery(body);
    case 'P':
      return HandleParse(body);
    case 'B':
      return HandleBind(body);
    case 'D':
      return HandleDescribe(body);
    case 'E':
      return HandleExecute(body);
    case 'S':
      return HandleSync(body);
    case 'H':
      RETURN_IF_ERROR(MessageReader(body).ExpectEnd());
      flush_now_ = true;
      return Status::OK();
    case 'C':
      return HandleClose(body);
    case 'X':
      closing_ = true;  // quiet close; Close() closes the session
      return Status::OK();
    case 'd':
    case 'c':
    case 'f':
      // COPY messages outside copy-in mode (after the COPY failed) are dropped, as in PG.
      return Status::OK();
    case 'F':
      writer_.ErrorResponse(Status::NotSupported("fastpath function calls are not supported"),
                            "ERROR");
      SendReadyForQuery();
      return Status::OK();
    default:
      break;
  }
  return ProtocolViolation("invalid frontend message type " +
                           std::to_string(static_cast<unsigned char>(type)));
}

void Connection::Fatal(const Status& status) {
  spdlog::info("pgwire: connection {} from {}: FATAL {}: {}", pid_, peer_, status.sqlstate(),
               status.message());
  writer_.ErrorResponse(status, "FATAL");
  closing_ = true;
}

void Connection::ExtendedError(const Status& status) {
  writer_.ErrorResponse(status, "ERROR");
  ignore_till_sync_ = true;
}

void Connection::SendReadyForQuery() {
  for (const auto& [name, value] : sink_.TakeParameterChanges()) {
    writer_.ParameterStatus(name, value);
  }
  writer_.ReadyForQuery(session_->TransactionStatus());
}

Status Connection::HandleQuery(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(std::string_view sql, reader.ReadCString());
  RETURN_IF_ERROR(reader.ExpectEnd());
  if (session_->IsEmptyQuery(sql)) {
    writer_.EmptyQueryResponse();
    SendReadyForQuery();
    return Status::OK();
  }
  sink_.BeginSimple(session_->FormatOptions());
  Status status = session_->ExecuteSimple(sql, sink_);
  if (output_broken_ || InterruptedByShutdown(status)) return Status::OK();
  if (!status.ok()) {
    writer_.ErrorResponse(status, "ERROR");
  } else if (sink_.copy_in_started()) {
    // COPY FROM STDIN: ReadyForQuery waits for CopyDone / CopyFail.
    state_ = State::kCopyIn;
    copy_extended_ = false;
    return Status::OK();
  }
  SendReadyForQuery();
  return Status::OK();
}

Status Connection::HandleParse(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(std::string_view name_view, reader.ReadCString());
  ASSIGN_OR_RETURN(std::string_view sql, reader.ReadCString());
  ASSIGN_OR_RETURN(uint16_t nparams, reader.ReadCount(4));
  std::vector<uint32_t> oids(nparams);
  for (auto& oid : oids) {
    ASSIGN_OR_RETURN(int32_t v, reader.ReadInt32());
    oid = static_cast<uint32_t>(v);
  }
  RETURN_IF_ERROR(reader.ExpectEnd());

  std::string name(name_view);
  if (name.empty()) {
    statements_.erase(name);  // the unnamed statement is replaced
  } else if (statements_.count(name) > 0) {
    ExtendedError(Status::Error(sqlstate::kDuplicatePreparedStatement,
                                "prepared statement " + Quoted(name) + " already exists"));
    return Status::OK();
  }
  Statement statement;
  if (session_->IsEmptyQuery(sql)) {
    statement.empty = true;
    statement.info.param_oids = std::move(oids);
  } else {
    auto prepared = session_->Prepare(name, sql, oids);
    if (!prepared.ok()) {
      ExtendedError(prepared.status());
      return Status::OK();
    }
    statement.info = std::move(prepared).value();
  }
  statements_[name] = std::move(statement);
  writer_.ParseComplete();
  return Status::OK();
}

Status Connection::HandleBind(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(std::string_view portal_view, reader.ReadCString());
  ASSIGN_OR_RETURN(std::string_view statement_view, reader.ReadCString());
  ASSIGN_OR_RETURN(uint16_t nformats, reader.ReadCount(2));
  std::vector<int16_t> param_formats(nformats);
  for (auto& f : param_formats) {
    ASSIGN_OR_RETURN(f, reader.ReadInt16());
  }
  ASSIGN_OR_RETURN(uint16_t nparams, reader.ReadCount(4));
  std::vector<BoundParam> params(nparams);
  for (auto& param : params) {
    ASSIGN_OR_RETURN(int32_t len, reader.ReadInt32());
    if (len == -1) continue;  // NULL
    if (len < 0) return MessageReader::Malformed();
    ASSIGN_OR_RETURN(std::string_view bytes, reader.ReadBytes(static_cast<size_t>(len)));
    param.value = std::string(bytes);
  }
  ASSIGN_OR_RETURN(uint16_t nresults, reader.ReadCount(2));
  std::vector<int16_t> result_formats(nresults);
  for (auto& f : result_formats) {
    ASSIGN_OR_RETURN(f, reader.ReadInt16());
  }
  RETURN_IF_ERROR(reader.ExpectEnd());

  std::string portal_name(portal_view);
  std::string statement_name(statement_view);
  if (portal_name.empty()) portals_.erase(portal_name);  // the unnamed portal is replaced

  if (nformats > 1 && nformats != nparams) {
    ExtendedError(ProtocolViolation("bind message has " + std::to_string(nformats) +
                                    " parameter formats but " + std::to_string(nparams) +
                                    " parameters"));
    return Status::OK();
  }
  auto it = statements_.find(statement_name);
  if (it == statements_.end()) {
    ExtendedError(Status::Error(sqlstate::kInvalidSqlStatementName,
                                StatementLabel(statement_name) + " does not exist"));
    return Status::OK();
  }
  const Statement& statement = it->second;
  if (static_cast<size_t>(nparams) != statement.info.param_oids.size()) {
    ExtendedError(ProtocolViolation("bind message supplies " + std::to_string(nparams) +
                                    " parameters, but prepared " + "statement " +
                                    Quoted(statement_name) + " requires " +
                                    std::to_string(statement.info.param_oids.size())));
    return Status::OK();
  }
  for (const auto* formats : {&param_formats, &result_formats}) {
    for (int16_t f : *formats) {
      if (f != 0 && f != 1) {
        ExtendedError(Status::Error(sqlstate::kInvalidParameterValue,
                                    "unsupported format code: " + std::to_string(f)));
        return Status::OK();
      }
    }
  }
  if (nresults > 1 && statement.info.returns_rows &&
      static_cast<size_t>(nresults) != statement.info.columns.size()) {
    ExtendedError(ProtocolViolation("bind message has " + std::to_string(nresults) +
                                    " result formats but query has " +
                                    std::to_string(statement.info.columns.size()) + " columns"));
    return Status::OK();
  }
  if (!portal_name.empty() && portals_.count(portal_name) > 0) {
    ExtendedError(Status::Error(protocol::kDuplicateCursor,
                                "cursor " + Quoted(portal_name) + " already exists"));
    return Status::OK();
  }
  for (size_t i = 0; i < params.size(); i++) {
    params[i].binary = MessageWriter::FormatFor(param_formats, i) == 1;
  }
  Portal portal;
  portal.statement = std::move(statement_name);
  portal.empty = statement.empty;
  portal.params = std::move(params);
  portal.result_formats = std::move(result_formats);
  portals_[portal_name] = std::move(portal);
  writer_.BindComplete();
  return Status::OK();
}

Status Connection::HandleDescribe(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(uint8_t kind, reader.ReadByte());
  ASSIGN_OR_RETURN(std::string_view name_view, reader.ReadCString());
  RETURN_IF_ERROR(reader.ExpectEnd());
  std::string name(name_view);
  if (kind == 'S') {
    auto it = statements_.find(name);
    if (it == statements_.end()) {
      ExtendedError(Status::Error(sqlstate::kInvalidSqlStatementName,
                                  StatementLabel(name) + " does not exist"));
      return Status::OK();
    }
    const Statement& statement = it->second;
    writer_.ParameterDescription(statement.info.param_oids);
    if (!statement.empty && statement.info.returns_rows) {
      writer_.RowDescription(statement.info.columns, {});
    } else {
      writer_.NoData();
    }
    return Status::OK();
  }
  if (kind == 'P') {
    auto it = portals_.find(name);
    if (it == portals_.end()) {
      ExtendedError(Status::Error(sqlstate::kInvalidCursorName,
                                  "portal " + Quoted(name) + " does not exist"));
      return Status::OK();
    }
    const Portal& portal = it->second;
    if (portal.empty) {
      writer_.NoData();
      return Status::OK();
    }
    auto described = session_->DescribePrepared(portal.statement);
    if (!described.ok()) {
      ExtendedError(described.status());
      return Status::OK();
    }
    if (described->returns_rows) {
      writer_.RowDescription(described->columns, portal.result_formats);
    } else {
      writer_.NoData();
    }
    return Status::OK();
  }
  ExtendedError(ProtocolViolation("invalid DESCRIBE message subtype " + std::to_string(kind)));
  return Status::OK();
}

Status Connection::HandleExecute(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(std::string_view name_view, reader.ReadCString());
  ASSIGN_OR_RETURN(int32_t max_rows, reader.ReadInt32());
  RETURN_IF_ERROR(reader.ExpectEnd());
  std::string name(name_view);
  auto it = portals_.find(name);
  if (it == portals_.end()) {
    ExtendedError(
        Status::Error(sqlstate::kInvalidCursorName, "portal " + Quoted(name) + " does not exist"));
    return Status::OK();
  }
  Portal& portal = it->second;
  if (portal.empty) {
    writer_.EmptyQueryResponse();
    return Status::OK();
  }
  if (portal.done) {
    writer_.CommandComplete(TagForRows(portal.tag, 0));
    return Status::OK();
  }
  if (!portal.started) {
    portal.started = true;
    const bool limited = max_rows > 0;
    sink_.BeginExtended(session_->FormatOptions(), portal.result_formats,
                        limited ? &portal.rows : nullptr);
    Status status = session_->ExecutePrepared(portal.statement, portal.params, sink_);
    if (output_broken_ || InterruptedByShutdown(status)) return Status::OK();
    portal.tag = sink_.tag();
    if (!status.ok()) {
      portal.done = true;
      portal.rows.Clear();
      ExtendedError(status);
      return Status::OK();
    }
    if (sink_.copy_in_started()) {
      portal.done = true;
      state_ = State::kCopyIn;
      copy_extended_ = true;
      return Status::OK();
    }
    if (!limited) {
      portal.done = true;  // rows and CommandComplete went out through the sink
      return Status::OK();
    }
  }
  // Rows held back by a limited Execute.
  size_t limit = max_rows > 0 ? static_cast<size_t>(max_rows) : portal.rows.remaining();
  size_t sent = portal.rows.TakeRows(limit, &out_buf_);
  if (portal.rows.remaining() > 0) {
    portal.suspended = true;
    writer_.PortalSuspended();
    return Status::OK();
  }
  portal.done = true;
  portal.rows.Clear();
  writer_.CommandComplete(portal.suspended ? TagForRows(portal.tag, sent) : portal.tag);
  return Status::OK();
}

Status Connection::HandleSync(std::string_view body) {
  RETURN_IF_ERROR(MessageReader(body).ExpectEnd());
  ignore_till_sync_ = false;
  // PostgreSQL drops portals when the (implicit) transaction ends at Sync.
  if (session_->TransactionStatus() == 'I') portals_.clear();
  SendReadyForQuery();
  return Status::OK();
}

Status Connection::HandleClose(std::string_view body) {
  MessageReader reader(body);
  ASSIGN_OR_RETURN(uint8_t kind, reader.ReadByte());
  ASSIGN_OR_RETURN(std::string_view name_view, reader.ReadCString());
  RETURN_IF_ERROR(reader.ExpectEnd());
  std::string name(name_view);
  if (kind == 'S') {
    auto it = statements_.find(name);
    if (it != statements_.end()) {
      if (!it->second.empty) {
        Status status = session_->CloseStatement(name);
        if (!status.ok()) {
          spdlog::debug("pgwire: connection {}: closing statement {}: {}", pid_, name,
                        status.ToString());
        }
      }
      statements_.erase(it);
    }
  } else if (kind == 'P') {
    portals_.erase(name);
  } else {
    ExtendedError(ProtocolViolation("invalid CLOSE message subtype " + std::to_string(kind)));
    return Status::OK();
  }
  writer_.CloseComplete();
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// COPY FROM STDIN

void Connection::EndCopyWithError(const Status& status) {
  state_ = State::kReady;
  writer_.ErrorResponse(status, "ERROR");
  if (copy_extended_) {
    ignore_till_sync_ = true;
  } else {
    SendReadyForQuery();
  }
}

Status Connection::HandleCopyMessage(char type, std::string_view body) {
  switch (type) {
    case 'd': {
      Status status = session_->CopyData(body);
      // After an error the engine has abandoned the COPY; later CopyData/CopyDone/CopyFail
      // messages are dropped in normal mode.
      if (!status.ok()) EndCopyWithError(status);
      return Status::OK();
    }
    case 'c': {
      RETURN_IF_ERROR(MessageReader(body).ExpectEnd());
      state_ = State::kReady;
      if (copy_extended_) {
        sink_.BeginExtended(session_->FormatOptions(), {}, nullptr);
      } else {
        sink_.BeginSimple(session_->FormatOptions());
      }
      Status status = session_->CopyDone(sink_);
      if (output_broken_ || InterruptedByShutdown(status)) return Status::OK();
      if (!status.ok()) {
        EndCopyWithError(status);
      } else if (!copy_extended_) {
        SendReadyForQuery();  // extended: the client's Sync brings ReadyForQuery
      }
      return Status::OK();
    }
    case 'f': {
      MessageReader reader(body);
      ASSIGN_OR_RETURN(std::string_view message, reader.ReadCString());
      session_->CopyFail(std::string(message));
      EndCopyWithError(Status::Error(sqlstate::kQueryCanceled,
                                     "COPY from stdin failed: " + std::string(message)));
      return Status::OK();
    }
    case 'H':
    case 'S':
      return Status::OK();  // ignored during COPY, as PostgreSQL does
    case 'X':
      closing_ = true;  // session->Close() aborts the COPY
      return Status::OK();
    default: {
      static constexpr char kHex[] = "0123456789ABCDEF";
      auto byte = static_cast<unsigned char>(type);
      std::string code = {'0', 'x', kHex[byte >> 4], kHex[byte & 15]};
      session_->CopyFail("unexpected message type " + code);
      EndCopyWithError(
          ProtocolViolation("unexpected message type " + code + " during COPY from stdin"));
      return Status::OK();
    }
  }
}

}  // namespace freshet::pgwire
