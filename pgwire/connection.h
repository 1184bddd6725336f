#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "pgwire/asio.h"
#include "pgwire/backend.h"
#include "pgwire/message_writer.h"
#include "pgwire/protocol.h"
#include "pgwire/result_writer.h"

namespace freshet::pgwire {

class ConnectionRegistry;

/// Per-connection limits and timeouts.
struct ConnectionOptions {
  /// Largest accepted Query/Parse/Bind/CopyData message (the length word included).
  size_t max_message_size = protocol::kDefaultMaxMessageSize;
  /// A client that has not completed startup in this time is disconnected (0 = never).
  std::chrono::milliseconds startup_timeout{60000};
  /// Output is written once this much is buffered (and at ReadyForQuery, Flush, before reads).
  size_t flush_threshold = 64 * 1024;
};

/// One client connection: the protocol-v3 state machine (startup, simple and extended query,
/// COPY, cancel, terminate) driven by async reads and writes on its socket. All its handlers run
/// on the socket's strand, so the state needs no locks; only CancelQuery and Terminate may be
/// called from other threads. Owns its BackendSession, whose methods it calls synchronously from
/// the strand (acceptable for now: a long statement occupies one io thread; the engine never sees
/// the socket, so execution can move to a worker pool later). Guarantees: protocol errors become
/// ErrorResponses (FATAL ones close only this connection), nothing throws out, and
/// BackendSession::Close is called exactly once when the connection ends.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, Backend& backend, ConnectionRegistry& registry,
             const ConnectionOptions& options, int32_t pid, int32_t secret_key);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Begins reading the startup packet.
  void Start();
  /// Thread-safe: asks the running statement (if any) to stop with 57014.
  void CancelQuery();
  /// Thread-safe: closes the connection. With `notify`, first sends FATAL 57P01 "terminating
  /// connection due to administrator command" and lets it drain.
  void Terminate(bool notify);

  int32_t pid() const { return pid_; }
  int32_t secret_key() const { return secret_key_; }

 private:
  enum class State { kStartup, kReady, kCopyIn };

  struct Statement {
    bool empty = false;  // Parse of a string without a statement
    PreparedInfo info;
  };

  struct Portal {
    std::string statement;
    bool empty = false;
    std::vector<BoundParam> params;
    std::vector<int16_t> result_formats;
    bool started = false;    // ExecutePrepared ran
    bool suspended = false;  // a PortalSuspended was sent
    bool done = false;       // CommandComplete was sent
    std::string tag;
    RowBuffer rows;  // rows held back by Execute with max_rows
  };

  void DoStart();
  void DoTerminate(bool notify);

  // I/O. At most one read and one write are pending; processing happens between them.
  void ProcessInput();
  void StartRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec);
  /// Writes the output buffer synchronously (called by the sink during a long statement, when no
  /// async operation is pending). On failure marks the output broken and cancels the statement.
  void FlushBlocking();
  /// After `closing_` was set: writes what is buffered, then closes.
  void FinishClosing();
  void Close();
  void CloseSession();

  // Messages. A non-OK return is a protocol violation that ends the connection (FATAL).
  Status HandleStartupPacket(std::string_view body);
  Status HandleMessage(char type, std::string_view body);
  Status HandleQuery(std::string_view body);
  Status HandleParse(std::string_view body);
  Status HandleBind(std::string_view body);
  Status HandleDescribe(std::string_view body);
  Status HandleExecute(std::string_view body);
  Status HandleSync(std::string_view body);
  Status HandleClose(std::string_view body);
  Status HandleCopyMessage(char type, std::string_view body);

  void Fatal(const Status& status);
  static Status AdminShutdown();
  /// True (after sending FATAL 57P01) when `status` is the error of a statement cancelled by
  /// Terminate(notify=true).
  bool InterruptedByShutdown(const Status& status);
  /// ErrorResponse in extended mode: then skip messages until Sync.
  void ExtendedError(const Status& status);
  void EndCopyWithError(const Status& status);
  void SendReadyForQuery();
  void SendStartupParameters(const std::vector<std::pair<std::string, std::string>>& params);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer startup_timer_;
  Backend& backend_;
  ConnectionRegistry& registry_;
  const ConnectionOptions options_;
  const int32_t pid_;
  const int32_t secret_key_;
  std::string peer_;

  State state_ = State::kStartup;
  bool ssl_answered_ = false;
  bool gss_answered_ = false;
  std::unique_ptr<BackendSession> session_;
  std::atomic<BackendSession*> cancel_target_{nullptr};
  bool session_closed_ = false;

  bool closed_ = false;   // socket closed, session closed
  bool closing_ = false;  // no more input is processed; close once output is written
  bool reading_ = false;
  bool writing_ = false;
  bool flush_now_ = false;
  bool ignore_till_sync_ = false;
  bool copy_extended_ = false;  // the running COPY FROM came from Execute
  bool output_broken_ = false;  // a blocking flush failed: the client is gone
  std::atomic<bool> abort_flush_{false};
  std::atomic<bool> terminate_requested_{false};

  std::vector<char> in_buf_;
  size_t in_start_ = 0;  // first unprocessed byte
  size_t in_end_ = 0;    // end of received bytes
  size_t need_ = 0;      // bytes the next message needs in the buffer (0 = unknown)
  std::string out_buf_;
  std::string write_buf_;  // bytes of the pending async write
  MessageWriter writer_;
  ResultWriter sink_;

  std::unordered_map<std::string, Statement> statements_;
  std::unordered_map<std::string, Portal> portals_;
};

}  // namespace freshet::pgwire
