#include "engine/session.h"

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "common/exception_guard.h"
#include "common/failpoint.h"
#include "engine/database.h"
#include "parser/parser.h"
#include "pgwire/value_codec.h"
#include "storage/row_codec.h"

namespace freshet::engine {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Parameters reported to clients with ParameterStatus when they change.
bool IsReported(const std::string& name) {
  return name == "application_name" || name == "client_encoding" || name == "datestyle" ||
         name == "intervalstyle" || name == "timezone" || name == "integer_datetimes" ||
         name == "standard_conforming_strings" || name == "is_superuser" ||
         name == "session_authorization" || name == "server_version" || name == "server_encoding" ||
         name == "default_transaction_read_only" || name == "in_hot_standby";
}

/// The canonical (PostgreSQL) spelling of a parameter name for ParameterStatus.
std::string DisplayName(const std::string& name) {
  if (name == "datestyle") return "DateStyle";
  if (name == "intervalstyle") return "IntervalStyle";
  if (name == "timezone") return "TimeZone";
  return name;
}

const std::map<std::string, std::string>& DefaultSettings() {
  static const std::map<std::string, std::string> kDefaults = {
      {"application_name", ""},
      {"client_encoding", "UTF8"},
      {"datestyle", "ISO, MDY"},
      {"default_transaction_isolation", "read committed"},
      {"default_transaction_read_only", "off"},
      {"extra_float_digits", "1"},
      {"in_hot_standby", "off"},
      {"integer_datetimes", "on"},
      {"intervalstyle", "postgres"},
      {"is_superuser", "on"},
      {"lc_messages", "C"},
      {"max_identifier_length", "63"},
      {"search_path", "\"$user\", public"},
      {"server_encoding", "UTF8"},
      {"server_version", "13.14"},
      {"server_version_num", "130014"},
      {"standard_conforming_strings", "on"},
      {"statement_timeout", "0"},
      {"lock_timeout", "0"},
      {"idle_in_transaction_session_timeout", "0"},
      {"synchronous_commit", "on"},
      {"timezone", "UTC"},
      {"transaction_isolation", "read committed"},
      {"transaction_read_only", "off"},
      {"freshet.read_mode", "consistent"},
      {"client_min_messages", "notice"},
      {"bytea_output", "hex"},
      {"row_security", "on"},
      {"work_mem", "64MB"},
      {"temp_file_limit", "-1"},
      {"statement_mem", "0"},
  };
  return kDefaults;
}

/// A duration setting ("5000", "5s", "250ms", "1min"): milliseconds, 22023 when malformed.
Result<int64_t> ParseMilliseconds(const std::string& value) {
  char* end = nullptr;
  double n = std::strtod(value.c_str(), &end);
  std::string unit = Lower(std::string(end ? end : ""));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  double scale = unit.empty() || unit == "ms" ? 1
                 : unit == "s"                ? 1000
                 : unit == "min"              ? 60000
                 : unit == "h"                ? 3600000
                 : unit == "d"                ? 86400000
                                              : -1;
  if (end == value.c_str() || scale < 0 || n < 0) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "invalid value for parameter \"statement_timeout\": \"" + value + "\"");
  }
  return static_cast<int64_t>(n * scale);
}

constexpr int64_t kTrimAfterBytes = 64 << 20;

/// A memory setting as PostgreSQL writes them ("64MB", "512kB", "1GB"; a bare number is kB):
/// bytes, 22023 when malformed.
Result<int64_t> ParseMemorySize(const std::string& name, const std::string& value) {
  char* end = nullptr;
  double n = std::strtod(value.c_str(), &end);
  std::string unit = std::string(end ? end : "");
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  double scale = unit.empty() || unit == "kB" ? 1024
                 : unit == "B"                ? 1
                 : unit == "MB"               ? 1024.0 * 1024
                 : unit == "GB"               ? 1024.0 * 1024 * 1024
                 : unit == "TB"               ? 1024.0 * 1024 * 1024 * 1024
                                              : -1;
  if (end == value.c_str() || scale < 0 || n < 0) {
    Status error = Status::Error(sqlstate::kInvalidParameterValue,
                                 "invalid value for parameter \"" + name + "\": \"" + value + "\"");
    error.WithHint("Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".");
    return error;
  }
  return static_cast<int64_t>(n * scale);
}

}  // namespace

Session::Session(Database& db, std::string user,
                 const std::vector<std::pair<std::string, std::string>>& startup_params)
    : db_(db), user_(std::move(user)), time_zone_(datetime::TimeZone::Utc()), writer_(db.log()) {
  settings_ = DefaultSettings();
  settings_["session_authorization"] = user_;
  for (const auto& [k, v] : startup_params) {
    std::string name = Lower(k);
    if (name == "options") {
      // Command-line style settings (PGOPTIONS): "-c name=value", "-cname=value",
      // "--name=value", separated by spaces.
      std::vector<std::string> words;
      std::string word;
      for (char c : v + " ") {
        if (c == ' ') {
          if (!word.empty()) words.push_back(word);
          word.clear();
        } else {
          word += c;
        }
      }
      for (size_t i = 0; i < words.size(); i++) {
        std::string setting;
        if (words[i] == "-c" && i + 1 < words.size()) {
          setting = words[++i];
        } else if (words[i].rfind("-c", 0) == 0) {
          setting = words[i].substr(2);
        } else if (words[i].rfind("--", 0) == 0) {
          setting = words[i].substr(2);
        }
        size_t eq = setting.find('=');
        if (eq == std::string::npos) continue;
        std::string option = Lower(setting.substr(0, eq));
        std::replace(option.begin(), option.end(), '-', '_');
        if (settings_.count(option)) (void)SetParameter(option, setting.substr(eq + 1), nullptr);
      }
      continue;
    }
    if (name == "user" || name == "database" || name == "replication") continue;
    if (settings_.count(name)) (void)SetParameter(name, v, nullptr);
  }
}

Session::~Session() { Close(); }

Session::ExecLock::ExecLock(Session& s) : s_(s), exclusive_(s.TxnHasDdl()) {
  Relock();
  s_.exec_lock_ = this;
}

Session::ExecLock::~ExecLock() {
  Unlock();
  s_.exec_lock_ = nullptr;
}

void Session::ExecLock::Unlock() {
  if (!held_) return;
  if (exclusive_) {
    s_.db_.statement_lock().unlock();
  } else {
    s_.db_.statement_lock().unlock_shared();
  }
  held_ = false;
}

void Session::ExecLock::Relock() {
  if (held_) return;
  if (exclusive_) {
    s_.db_.statement_lock().lock();
  } else {
    s_.db_.statement_lock().lock_shared();
  }
  held_ = true;
}

void Session::ExecLock::MakeExclusive() {
  if (exclusive_) return;
  Unlock();
  exclusive_ = true;
  Relock();
}

bool Session::NeedsExclusive(const parser::Statement& stmt) const {
  using parser::StmtKind;
  if (TxnHasDdl()) return true;  // its catalog changes are not yet committed
  switch (stmt.kind) {
    case StmtKind::kSelect:
    case StmtKind::kInsert:
    case StmtKind::kUpdate:
    case StmtKind::kDelete:
    case StmtKind::kMerge:
    case StmtKind::kCopy:
    case StmtKind::kTransaction:
    case StmtKind::kSet:
    case StmtKind::kShow:
    case StmtKind::kReset:
    case StmtKind::kExplain:
    case StmtKind::kDiscard:
    case StmtKind::kDeallocate:
    case StmtKind::kPrepare:
    case StmtKind::kExecute:
      return false;
    default:
      return true;
  }
}

Status Session::WaitUnlocked(const std::function<Status()>& wait) {
  if (!exec_lock_ || !exec_lock_->held()) return wait();
  exec_lock_->Unlock();
  Status s = wait();
  exec_lock_->Relock();
  return s;
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  copy_.reset();
  if (txn_) {
    ExecLock lock(*this);  // exclusive when the transaction did DDL (its catalog is reloaded)
    AbortTransaction();
  }
}

std::string Session::GetParameter(const std::string& name) const {
  auto it = settings_.find(Lower(name));
  return it == settings_.end() ? "" : it->second;
}

TextFormatOptions Session::FormatOptions() const {
  TextFormatOptions o;
  o.extra_float_digits = std::atoi(GetParameter("extra_float_digits").c_str());
  o.time_zone = &time_zone_;
  return o;
}

char Session::TransactionStatus() const {
  switch (state_) {
    case TxnState::kBlock:
      return 'T';
    case TxnState::kFailed:
      return 'E';
    default:
      return 'I';
  }
}

bool Session::IsEmptyQuery(std::string_view sql) {
  auto r = parser::Parser::Parse(sql);
  return r.ok() && r->empty();
}

WriteTransaction& Session::Write() {
  if (!txn_) txn_ = std::make_unique<WriteTransaction>(db_);
  return *txn_;
}

function::EvalContext Session::MakeEvalContext() {
  function::EvalContext eval;
  eval.setting = [this](const std::string& name) -> std::optional<std::string> {
    auto it = settings_.find(Lower(name));
    if (it == settings_.end()) return std::nullopt;
    return it->second;
  };
  eval.time_zone = &time_zone_;
  eval.statement_timestamp = datetime::NowMicros();
  eval.transaction_timestamp = txn_ ? txn_->start_micros() : eval.statement_timestamp;
  eval.extra_float_digits = std::atoi(GetParameter("extra_float_digits").c_str());
  return eval;
}

executor::ExecContext Session::MakeExecContext(const std::vector<Value>& params) {
  executor::ExecContext ctx;
  ctx.read_view = [this](const planner::TableDef& def) { return ReadView(def); };
  ctx.read_view_key = [this](const planner::TableDef& def, const Row& key) {
    return ReadViewKey(def, key);
  };
  ctx.scan_view = [this](const planner::TableDef& def, std::string_view begin, std::string_view end,
                         const executor::RowVisitor& visit) {
    return ScanView(def, begin, end, visit);
  };
  ctx.read_source = [this](const planner::TableDef& def) { return ReadSource(def); };
  ctx.txn = &Txn();
  ctx.memory = statement_memory_;
  ctx.spill = statement_spill_;
  ctx.eval = MakeEvalContext();
  ctx.eval.cancel = &cancel_;
  if (statement_timeout_ms_ > 0) {
    ctx.eval.deadline_micros = statement_start_ + statement_timeout_ms_ * 1000;
  }
  ctx.params = params;
  return ctx;
}

Status Session::AbortImplicit(Status error) {
  if (state_ == TxnState::kImplicit) {
    AbortTransaction();
    state_ = TxnState::kIdle;
  }
  return error;
}

void Session::AbortTransaction() {
  if (txn_) txn_->Rollback();
  txn_.reset();
}

Status Session::WaitForLogRoom() {
  const StreamEngineOptions& options = db_.engine().options();
  if (options.max_pending_log_bytes == 0) return Status::OK();
  uint64_t pending = db_.log().PendingBytes();
  if (pending <= options.max_pending_log_bytes) return Status::OK();
  if (options.reject_when_log_full) {
    return Status::Error(sqlstate::kConfigurationLimitExceeded,
                         "the log is full: " + std::to_string(pending) +
                             " bytes are not yet processed by the materialized views (bound " +
                             std::to_string(options.max_pending_log_bytes) + ")")
        .WithHint("Retry once the views have caught up (see freshet_catalog.consumer_lag).");
  }
  // Wait for the views to catch up, without holding up other sessions.
  int64_t deadline =
      statement_timeout_ms_ > 0 ? statement_start_ + statement_timeout_ms_ * 1000 : 0;
  return WaitUnlocked(
      [&] { return db_.log().WaitForRoom(options.max_pending_log_bytes, &cancel_, deadline); });
}

Status Session::CommitTransaction(bool sync) {
  Status s = txn_->Commit(
      sync, [this](const std::function<Status()>& wait) { return WaitUnlocked(wait); });
  txn_.reset();
  return s;
}

Result<executor::RowSet> Session::ReadView(const planner::TableDef& def) {
  if ((txn_ && txn_->created_views().count(def.id))) {
    // Created in this transaction: it is maintained once the transaction commits; until then
    // its definition answers, over what this transaction sees.
    ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(def.definition));
    if (stmts.size() != 1 || stmts[0]->kind != parser::StmtKind::kSelect) {
      return Status::Internal("corrupt materialized view definition for " + def.name);
    }
    planner::Binder binder(db_.catalog());
    ASSIGN_OR_RETURN(auto plan,
                     binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmts[0]).query));
    plan = db_.OptimizeQuery(std::move(plan));
    executor::ExecContext ctx = MakeExecContext({});
    executor::Executor exec(ctx);
    return exec.Execute(*plan);
  }
  ASSIGN_OR_RETURN(const storage::Snapshot* snapshot, ViewSnapshot());
  return db_.engine().Read(def.id, def.ColumnTypes(), *snapshot);
}

Result<executor::RowSet> Session::ReadViewKey(const planner::TableDef& def, const Row& key) {
  if ((txn_ && txn_->created_views().count(def.id))) return ReadView(def);  // the caller filters
  ASSIGN_OR_RETURN(const storage::Snapshot* snapshot, ViewSnapshot());
  return db_.engine().ReadKey(def.id, key, def.ColumnTypes(), *snapshot);
}

Status Session::ScanView(const planner::TableDef& def, std::string_view begin, std::string_view end,
                         const executor::RowVisitor& visit) {
  if (txn_ && txn_->created_views().count(def.id)) {
    ASSIGN_OR_RETURN(executor::RowSet rows, ReadView(def));
    for (Row& r : rows) {
      ASSIGN_OR_RETURN(bool more, visit(r));
      if (!more) break;
    }
    return Status::OK();
  }
  ASSIGN_OR_RETURN(const storage::Snapshot* snapshot, ViewSnapshot());
  return db_.engine().ScanView(def.id, begin, end, def.ColumnTypes(), *snapshot, visit);
}

Result<const storage::Snapshot*> Session::ViewSnapshot() {
  if (!view_snapshot_) {
    // The first view a statement reads fixes the snapshot for all of them: every view at the
    // same epoch. In consistent mode (the default) that epoch reflects every write committed
    // before the statement.
    if (GetParameter("freshet.read_mode") != "latest") {
      int64_t deadline =
          statement_timeout_ms_ > 0 ? statement_start_ + statement_timeout_ms_ * 1000 : 0;
      uint64_t seq = db_.log().sequence();
      RETURN_IF_ERROR(WaitUnlocked(
          [&] { return db_.engine().WaitFor(seq, &cancel_, deadline, statement_views_); }));
    }
    view_snapshot_ = db_.store().GetSnapshot();
  }
  return view_snapshot_.get();
}

Status Session::CommitImplicit() {
  if (!txn_) return Status::OK();
  return CommitTransaction(GetParameter("synchronous_commit") != "off");
}

namespace {

/// Forwards everything to `inner` but holds back CommandComplete until Release: the last
/// statement of a simple query reports success only once its implicit transaction committed
/// (as PostgreSQL does), so a commit that fails (a full disk) is never preceded by a tag.
class HeldCompleteSink : public pgwire::ResultSink {
 public:
  explicit HeldCompleteSink(pgwire::ResultSink& inner) : inner_(inner) {}
  void Describe(const std::vector<pgwire::ColumnInfo>& columns) override {
    inner_.Describe(columns);
  }
  void Rows(const DataChunk& chunk) override { inner_.Rows(chunk); }
  void Complete(const std::string& tag) override { tag_ = tag; }
  void Notice(const std::string& severity, const std::string& sqlstate,
              const std::string& message) override {
    inner_.Notice(severity, sqlstate, message);
  }
  void ParameterChanged(const std::string& name, const std::string& value) override {
    inner_.ParameterChanged(name, value);
  }
  void CopyIn(const pgwire::CopyFormat& format) override { inner_.CopyIn(format); }
  void CopyOut(const pgwire::CopyFormat& format) override { inner_.CopyOut(format); }
  void CopyOutData(std::string_view data) override { inner_.CopyOutData(data); }
  void CopyOutDone() override { inner_.CopyOutDone(); }
  void Flush() override { inner_.Flush(); }
  void Release() {
    if (tag_) inner_.Complete(*tag_);
    tag_.reset();
  }

 private:
  pgwire::ResultSink& inner_;
  std::optional<std::string> tag_;
};

}  // namespace

Status Session::ExecuteSimple(std::string_view sql, pgwire::ResultSink& sink) {
  cancel_.store(false);
  statement_start_ = executor::SteadyMicros();
  auto parsed = CatchAll("parser", [&] { return parser::Parser::Parse(sql); });
  if (!parsed.ok()) {
    if (state_ == TxnState::kBlock) state_ = TxnState::kFailed;
    return parsed.status();
  }
  ExecLock lock(*this);
  HeldCompleteSink last(sink);
  for (size_t i = 0; i < parsed->size(); i++) {
    const auto& stmt = (*parsed)[i];
    std::string_view text = sql.substr(stmt->start, stmt->end - stmt->start);
    const bool is_last = i + 1 == parsed->size();
    Status s = ExecuteInTransaction(*stmt, text, is_last ? last : sink, {});
    if (!s.ok()) return AbortImplicit(std::move(s));
    if (copy_) {
      last.Release();
      return Status::OK();  // COPY FROM STDIN continues with CopyData
    }
  }
  if (state_ == TxnState::kImplicit) {
    state_ = TxnState::kIdle;
    RETURN_IF_ERROR(CommitImplicit());
  }
  last.Release();
  return Status::OK();
}

Status Session::ExecuteInTransaction(const parser::Statement& stmt, std::string_view sql,
                                     pgwire::ResultSink& sink, const std::vector<Value>& params) {
  if (exec_lock_ && NeedsExclusive(stmt)) exec_lock_->MakeExclusive();
  if (state_ == TxnState::kFailed) {
    if (stmt.kind == parser::StmtKind::kTransaction) {
      auto& t = static_cast<const parser::TransactionStatement&>(stmt);
      using K = parser::TransactionStatement::Kind;
      if (t.txn_kind == K::kCommit || t.txn_kind == K::kRollback ||
          t.txn_kind == K::kRollbackToSavepoint) {
        return HandleTransaction(t, sink);
      }
    }
    return Status::Error(sqlstate::kInFailedTransaction,
                         "current transaction is aborted, commands ignored until end of "
                         "transaction block");
  }
  if (state_ == TxnState::kIdle) state_ = TxnState::kImplicit;
  Status s;
  bool in_block = state_ == TxnState::kBlock;
  // Inside a block each statement runs under a savepoint, so a failed statement leaves nothing
  // behind for ROLLBACK TO SAVEPOINT to keep.
  bool statement_savepoint = in_block && stmt.kind != parser::StmtKind::kTransaction;
  if (statement_savepoint) Write().SavePoint();
  {
    // What the statement's operators hold comes out of the server's pool, up to statement_mem.
    MemoryReservation memory(&db_.memory_pool(), statement_mem_bytes_);
    statement_memory_ = &memory;
    // Past work_mem an operator spills to temporary files under the data directory.
    executor::SpillContext spill{db_.spill_dir(), work_mem_bytes_, temp_file_limit_bytes_,
                                 &db_.spill_stats()};
    statement_spill_ = &spill;
    s = CatchAll("statement", [&] { return Execute(stmt, sql, sink, params); });
    statement_spill_ = nullptr;
    statement_memory_ = nullptr;
    // After a statement that held much, hand the freed heap back to the system.
    if (memory.reserved() > kTrimAfterBytes) malloc_trim(0);
  }
  if (statement_savepoint) {
    if (s.ok()) {
      Write().PopSavePoint();
    } else {
      Status undo = Write().RollbackToSavePoint();
      (void)undo;  // the block is failed either way
    }
  }
  if (!s.ok() && state_ == TxnState::kBlock) state_ = TxnState::kFailed;
  return s;
}

Status Session::Execute(const parser::Statement& stmt, std::string_view sql,
                        pgwire::ResultSink& sink, const std::vector<Value>& params) {
  using parser::StmtKind;
  view_snapshot_.reset();
  statement_views_.clear();
  if (HasDataModifyingCte(stmt)) {
    RETURN_IF_ERROR(WaitForLogRoom());
    return ExecuteWith(stmt, params, false, [&] { return ExecuteQueryOrDml(stmt, sink, params); });
  }
  switch (stmt.kind) {
    case StmtKind::kSelect:
      return HandleSelect(static_cast<const parser::SelectStatement&>(stmt), sink, params);
    case StmtKind::kInsert:
      RETURN_IF_ERROR(WaitForLogRoom());
      return HandleInsert(static_cast<const parser::InsertStatement&>(stmt), sink, params);
    case StmtKind::kUpdate:
      RETURN_IF_ERROR(WaitForLogRoom());
      return HandleUpdate(static_cast<const parser::UpdateStatement&>(stmt), sink, params);
    case StmtKind::kMerge:
      RETURN_IF_ERROR(WaitForLogRoom());
      return HandleMerge(static_cast<const parser::MergeStatement&>(stmt), sink, params);
    case StmtKind::kDelete:
      RETURN_IF_ERROR(WaitForLogRoom());
      return HandleDelete(static_cast<const parser::DeleteStatement&>(stmt), sink, params);
    case StmtKind::kCreateTable:
      return HandleCreateTable(static_cast<const parser::CreateTableStatement&>(stmt), sink);
    case StmtKind::kCreateView:
      return HandleCreateView(static_cast<const parser::CreateViewStatement&>(stmt), sql, sink);
    case StmtKind::kCreateIndex:
      return HandleCreateIndex(static_cast<const parser::CreateIndexStatement&>(stmt), sink);
    case StmtKind::kDrop:
      return HandleDrop(static_cast<const parser::DropStatement&>(stmt), sink);
    case StmtKind::kAlterTable:
      return HandleAlterTable(static_cast<const parser::AlterTableStatement&>(stmt), sink);
    case StmtKind::kTruncate:
      return HandleTruncate(static_cast<const parser::TruncateStatement&>(stmt), sink);
    case StmtKind::kTransaction:
      return HandleTransaction(static_cast<const parser::TransactionStatement&>(stmt), sink);
    case StmtKind::kSet:
      return HandleSet(static_cast<const parser::SetStatement&>(stmt), sink);
    case StmtKind::kShow:
      return HandleShow(static_cast<const parser::ShowStatement&>(stmt), sink);
    case StmtKind::kReset:
      return HandleReset(static_cast<const parser::ResetStatement&>(stmt), sink);
    case StmtKind::kExplain:
      return HandleExplain(static_cast<const parser::ExplainStatement&>(stmt), sink);
    case StmtKind::kCopy:
      if (static_cast<const parser::CopyStatement&>(stmt).from) RETURN_IF_ERROR(WaitForLogRoom());
      return HandleCopy(static_cast<const parser::CopyStatement&>(stmt), sink);
    case StmtKind::kDiscard:
      sink.Complete("DISCARD ALL");
      return Status::OK();
    case StmtKind::kDeallocate: {
      auto& d = static_cast<const parser::DeallocateStatement&>(stmt);
      if (d.all) {
        prepared_.clear();
      } else if (!prepared_.erase(d.name)) {
        return Status::Error(sqlstate::kInvalidSqlStatementName,
                             "prepared statement \"" + d.name + "\" does not exist");
      }
      sink.Complete("DEALLOCATE");
      return Status::OK();
    }
    case StmtKind::kCreateSource:
      return HandleCreateSource(static_cast<const parser::CreateSourceStatement&>(stmt), sink);
    case StmtKind::kCreateSink:
      return HandleCreateSink(static_cast<const parser::CreateSinkStatement&>(stmt), sql, sink);
    case StmtKind::kSubscribe:
      return Status::NotSupported("sources, sinks and SUBSCRIBE are not supported yet");
    case StmtKind::kPrepare:
    case StmtKind::kExecute:
      return Status::NotSupported(
          "SQL-level PREPARE/EXECUTE is not supported yet; use the "
          "extended query protocol");
  }
  return Status::Internal("unknown statement");
}

Status Session::HandleTransaction(const parser::TransactionStatement& stmt,
                                  pgwire::ResultSink& sink) {
  using K = parser::TransactionStatement::Kind;
  switch (stmt.txn_kind) {
    case K::kBegin:
      if (state_ == TxnState::kBlock) {
        sink.Notice("WARNING", sqlstate::kActiveTransaction,
                    "there is already a transaction in progress");
      } else {
        state_ = TxnState::kBlock;
        Write();
      }
      sink.Complete("BEGIN");
      return Status::OK();
    case K::kCommit:
      if (state_ == TxnState::kFailed) {
        AbortTransaction();
        state_ = TxnState::kImplicit;
        sink.Complete("ROLLBACK");
        return Status::OK();
      }
      if (state_ != TxnState::kBlock) {
        sink.Notice("WARNING", sqlstate::kNoActiveTransaction,
                    "there is no transaction in progress");
        sink.Complete("COMMIT");
        return Status::OK();
      }
      state_ = TxnState::kImplicit;
      RETURN_IF_ERROR(CommitImplicit());
      sink.Complete("COMMIT");
      return Status::OK();
    case K::kRollback:
      if (state_ != TxnState::kBlock && state_ != TxnState::kFailed) {
        sink.Notice("WARNING", sqlstate::kNoActiveTransaction,
                    "there is no transaction in progress");
      }
      AbortTransaction();
      state_ = TxnState::kImplicit;
      sink.Complete("ROLLBACK");
      return Status::OK();
    case K::kSavepoint:
      if (state_ != TxnState::kBlock) {
        return Status::Error(sqlstate::kNoActiveTransaction,
                             "SAVEPOINT can only be used in transaction blocks");
      }
      Write().DefineSavepoint(stmt.savepoint);
      sink.Complete("SAVEPOINT");
      return Status::OK();
    case K::kRelease:
      RETURN_IF_ERROR(Write().ReleaseSavepoint(stmt.savepoint));
      sink.Complete("RELEASE");
      return Status::OK();
    case K::kRollbackToSavepoint:
      RETURN_IF_ERROR(Write().RollbackToSavepoint(stmt.savepoint));
      state_ = TxnState::kBlock;
      sink.Complete("ROLLBACK");
      return Status::OK();
  }
  return Status::Internal("unknown transaction statement");
}

Status Session::SetParameter(const std::string& name_in, const std::string& value,
                             pgwire::ResultSink* sink) {
  std::string name = Lower(name_in);
  std::string v = value;
  if (name == "timezone" || name == "time zone") {
    name = "timezone";
    ASSIGN_OR_RETURN(time_zone_, datetime::TimeZone::Parse(value));
    v = time_zone_.name();
  } else if (name == "extra_float_digits") {
    char* end = nullptr;
    long n = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || n < -15 || n > 3) {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "invalid value for parameter \"extra_float_digits\": \"" + value + "\"");
    }
  } else if (name == "client_encoding" || name == "names") {
    name = "client_encoding";
    std::string up;
    for (char c : value)
      if (c != '-' && c != '_')
        up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up != "UTF8" && up != "UNICODE") {
      return Status::Error(sqlstate::kFeatureNotSupported,
                           "conversion between " + value + " and UTF8 is not supported");
    }
    v = "UTF8";
  } else if (name == "datestyle") {
    std::string up = value;
    for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up.find("ISO") == std::string::npos && up != "MDY" && up.find("MDY") == std::string::npos) {
      return Status::Error(sqlstate::kFeatureNotSupported, "only DateStyle ISO is supported");
    }
    v = "ISO, MDY";
  } else if (name == "statement_timeout") {
    ASSIGN_OR_RETURN(int64_t ms, ParseMilliseconds(value));
    statement_timeout_ms_ = ms;
    // Shown as PostgreSQL shows it: in the largest unit that divides it ("5s", "1500ms", "2min").
    v = std::to_string(ms);
    if (ms > 0) {
      static constexpr std::pair<int64_t, const char*> kUnits[] = {
          {86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}, {1, "ms"}};
      for (const auto& [size, unit] : kUnits) {
        if (ms % size == 0) {
          v = std::to_string(ms / size) + unit;
          break;
        }
      }
    }
  } else if (name == "work_mem" || name == "temp_file_limit") {
    int64_t bytes = -1;
    if (!(name == "temp_file_limit" && value == "-1")) {
      ASSIGN_OR_RETURN(bytes, ParseMemorySize(name, value));
      if (bytes < 64 * 1024 && name == "work_mem") {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             std::to_string(bytes / 1024) +
                                 " kB is outside the valid range for parameter \"work_mem\" (64 "
                                 "kB .. 2147483647 kB)");
      }
      v = FormatBytes(bytes);
      v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
    }
    (name == "work_mem" ? work_mem_bytes_ : temp_file_limit_bytes_) = bytes;
  } else if (name == "statement_mem") {
    ASSIGN_OR_RETURN(statement_mem_bytes_, ParseMemorySize(name, value));
    v = statement_mem_bytes_ == 0 ? "0" : FormatBytes(statement_mem_bytes_);
    v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
  } else if (name == "freshet.read_mode") {
    if (value != "consistent" && value != "latest") {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "invalid value for parameter \"freshet.read_mode\": \"" + value + "\"");
    }
  } else if (name == "transaction_isolation" || name == "default_transaction_isolation") {
    v = Lower(value);
  } else if (!settings_.count(name) && name.find('.') == std::string::npos) {
    return Status::Error(sqlstate::kUndefinedObject,
                         "unrecognized configuration parameter \"" + name_in + "\"");
  } else if (name == "server_version" || name == "server_version_num" ||
             name == "server_encoding" || name == "integer_datetimes" || name == "is_superuser" ||
             name == "max_identifier_length") {
    return Status::Error("55P02", "parameter \"" + name + "\" cannot be changed");
  }
  settings_[name] = v;
  if (sink && IsReported(name)) sink->ParameterChanged(DisplayName(name), v);
  return Status::OK();
}

Status Session::HandleSet(const parser::SetStatement& stmt, pgwire::ResultSink& sink) {
  if (stmt.name == "transaction_characteristics" || stmt.name == "transaction") {
    sink.Complete("SET");
    return Status::OK();
  }
  std::string value;
  if (stmt.is_default) {
    auto it = DefaultSettings().find(Lower(stmt.name));
    value = it == DefaultSettings().end() ? "" : it->second;
    if (Lower(stmt.name) == "session_authorization") value = user_;
  } else {
    for (size_t i = 0; i < stmt.values.size(); i++) {
      if (i) value += ", ";
      value += stmt.values[i];
    }
  }
  RETURN_IF_ERROR(SetParameter(stmt.name, value, &sink));
  sink.Complete("SET");
  return Status::OK();
}

Status Session::HandleReset(const parser::ResetStatement& stmt, pgwire::ResultSink& sink) {
  if (Lower(stmt.name) == "all") {
    for (const auto& [k, v] : DefaultSettings()) {
      if (settings_[k] != v) RETURN_IF_ERROR(SetParameter(k, v, &sink));
    }
  } else {
    auto it = DefaultSettings().find(Lower(stmt.name));
    if (it == DefaultSettings().end()) {
      return Status::Error(sqlstate::kUndefinedObject,
                           "unrecognized configuration parameter \"" + stmt.name + "\"");
    }
    RETURN_IF_ERROR(SetParameter(it->first, it->second, &sink));
  }
  sink.Complete("RESET");
  return Status::OK();
}

Status Session::HandleShow(const parser::ShowStatement& stmt, pgwire::ResultSink& sink) {
  std::string name = Lower(stmt.name);
  auto list_relations = [&](planner::RelationKind kind, const char* tag) {
    executor::RowSet rows;
    for (const auto& def : db_.catalog().All()) {
      if (def->kind == kind) rows.push_back(Row{Value::Text(def->name)});
    }
    SendRows({"Name"}, {SqlType(TypeId::kText)}, rows, sink);
    sink.Complete(std::string(tag) + " " + std::to_string(rows.size()));
    (void)tag;
  };
  if (name == "tables") {
    list_relations(planner::RelationKind::kTable, "SHOW");
    return Status::OK();
  }
  if (name == "views") {
    list_relations(planner::RelationKind::kView, "SHOW");
    return Status::OK();
  }
  if (name == "materialized views") {
    list_relations(planner::RelationKind::kMaterializedView, "SHOW");
    return Status::OK();
  }
  if (name == "sources") {
    list_relations(planner::RelationKind::kSource, "SHOW");
    return Status::OK();
  }
  if (name == "all") {
    executor::RowSet rows;
    for (const auto& [k, v] : settings_)
      rows.push_back(Row{Value::Text(DisplayName(k)), Value::Text(v)});
    SendRows({"name", "setting"}, {SqlType(TypeId::kText), SqlType(TypeId::kText)}, rows, sink);
    sink.Complete("SHOW");
    return Status::OK();
  }
  if (name == "create") {
    if (stmt.object_name.empty())
      return Status::Error(sqlstate::kSyntaxError, "SHOW CREATE needs a name");
    auto def = db_.catalog().Find(stmt.object_name.back());
    if (!def) {
      return Status::Error(sqlstate::kUndefinedTable,
                           "relation \"" + stmt.object_name.back() + "\" does not exist");
    }
    std::string text;
    if (def->kind == planner::RelationKind::kView) {
      text = "CREATE VIEW " + def->name + " AS " + def->definition;
    } else if (def->kind == planner::RelationKind::kMaterializedView) {
      text = "CREATE MATERIALIZED VIEW " + def->name + " AS " + def->definition;
    } else {
      text = "CREATE TABLE " + def->name + " (";
      for (size_t i = 0; i < def->columns.size(); i++) {
        if (i) text += ", ";
        const auto& c = def->columns[i];
        text += c.name + " " + c.type.ToString();
        if (c.not_null) text += " NOT NULL";
        if (!c.default_expr.empty()) text += " DEFAULT " + c.default_expr;
      }
      if (!def->primary_key.empty()) {
        text += ", PRIMARY KEY (";
        for (size_t i = 0; i < def->primary_key.size(); i++) {
          if (i) text += ", ";
          text += def->columns[def->primary_key[i]].name;
        }
        text += ")";
      }
      text += ")";
    }
    SendRows({"Name", "Create Sql"}, {SqlType(TypeId::kText), SqlType(TypeId::kText)},
             {Row{Value::Text(def->name), Value::Text(text)}}, sink);
    sink.Complete("SHOW");
    return Status::OK();
  }
  if (name == "transaction_isolation" || name == "transaction isolation level")
    name = "transaction_isolation";
  if (name == "time zone") name = "timezone";
  auto it = settings_.find(name);
  if (it == settings_.end()) {
    return Status::Error(sqlstate::kUndefinedObject,
                         "unrecognized configuration parameter \"" + stmt.name + "\"");
  }
  SendRows({name}, {SqlType(TypeId::kText)}, {Row{Value::Text(it->second)}}, sink);
  sink.Complete("SHOW");
  return Status::OK();
}

// --- Extended protocol ---

namespace {

/// The highest $n parameter in a statement's text (0 when none), skipping string literals,
/// quoted identifiers and comments: statements other than SELECT are not bound at Parse time, yet
/// a client that sent no parameter types (pgbench, most drivers) binds as many as the text uses.
size_t MaxParamIndex(std::string_view sql) {
  size_t max_index = 0;
  for (size_t i = 0; i < sql.size(); i++) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      for (i++; i < sql.size() && sql[i] != c; i++) {
      }
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') i++;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1])) &&
               (i == 0 ||
                !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
      size_t n = 0;
      for (i++; i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])); i++) {
        n = n * 10 + static_cast<size_t>(sql[i] - '0');
      }
      i--;
      max_index = std::max(max_index, n);
    }
  }
  return max_index;
}

}  // namespace

Result<pgwire::PreparedInfo> Session::Prepare(const std::string& name, std::string_view sql,
                                              const std::vector<uint32_t>& param_oids) {
  return CatchAll("prepare", [&] { return PrepareUnguarded(name, sql, param_oids); });
}

Result<pgwire::PreparedInfo> Session::PrepareUnguarded(const std::string& name,
                                                       std::string_view sql,
                                                       const std::vector<uint32_t>& param_oids) {
  ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(sql));
  if (stmts.size() > 1) {
    return Status::Error(sqlstate::kSyntaxError,
                         "cannot insert multiple commands into a prepared statement");
  }
  if (!name.empty() && prepared_.count(name)) {
    return Status::Error(sqlstate::kDuplicatePreparedStatement,
                         "prepared statement \"" + name + "\" already exists");
  }
  Prepared p;
  p.sql = std::string(sql);
  for (uint32_t oid : param_oids) p.param_types.push_back(TypeFromOid(oid));
  if (!stmts.empty()) {
    p.stmt = std::move(stmts[0]);
    // Describe: bind SELECTs to learn the result columns and infer parameter types.
    const bool with_dml = HasDataModifyingCte(*p.stmt);
    std::vector<Value> typed_params;
    for (const SqlType& t : p.param_types) typed_params.push_back(Value::Null(t));
    if (p.stmt->kind == parser::StmtKind::kSelect) {
      ExecLock lock(*this);
      auto describe = [&]() -> Status {
        planner::Binder binder(db_.catalog());
        binder.param_types() = p.param_types;
        RETURN_IF_ERROR(SetUpBinder(binder, nullptr, false));
        ASSIGN_OR_RETURN(auto plan,
                         binder.BindQuery(*static_cast<parser::SelectStatement&>(*p.stmt).query));
        p.param_types = binder.param_types();
        p.info.returns_rows = true;
        for (size_t i = 0; i < plan->types.size(); i++) {
          p.info.columns.push_back({plan->names[i], plan->types[i]});
        }
        return Status::OK();
      };
      RETURN_IF_ERROR(with_dml ? ExecuteWith(*p.stmt, typed_params, true, describe) : describe());
    } else if (p.stmt->kind == parser::StmtKind::kInsert ||
               p.stmt->kind == parser::StmtKind::kUpdate ||
               p.stmt->kind == parser::StmtKind::kDelete) {
      // RETURNING's columns; parameters are typed when executed (by their target columns).
      ExecLock lock(*this);
      planner::SystemRelationData columns;
      auto describe = [&]() -> Status {
        ASSIGN_OR_RETURN(columns, DescribeReturning(*p.stmt, p.param_types));
        return Status::OK();
      };
      RETURN_IF_ERROR(with_dml ? ExecuteWith(*p.stmt, typed_params, true, describe) : describe());
      p.info.returns_rows = !columns.names.empty();
      for (size_t i = 0; i < columns.names.size(); i++) {
        p.info.columns.push_back({columns.names[i], columns.types[i]});
      }
      size_t used = MaxParamIndex(sql);
      while (p.param_types.size() < used) p.param_types.push_back(SqlType(TypeId::kUnknown));
    } else if (p.stmt->kind == parser::StmtKind::kShow) {
      p.info.returns_rows = true;
      auto& show = static_cast<parser::ShowStatement&>(*p.stmt);
      p.info.columns.push_back({Lower(show.name), SqlType(TypeId::kText)});
    } else {
      // Typed when executed (an INSERT's values take their columns' types).
      size_t used = MaxParamIndex(sql);
      while (p.param_types.size() < used) p.param_types.push_back(SqlType(TypeId::kUnknown));
    }
  }
  for (const SqlType& t : p.param_types) {
    p.info.param_oids.push_back(t.id == TypeId::kUnknown ? 25 : t.Oid());
  }
  pgwire::PreparedInfo info = p.info;
  prepared_[name] = std::move(p);
  return info;
}

Status Session::CloseStatement(const std::string& name) {
  prepared_.erase(name);
  return Status::OK();
}

Result<pgwire::PreparedInfo> Session::DescribePrepared(const std::string& name) {
  auto it = prepared_.find(name);
  if (it == prepared_.end()) {
    return Status::Error(sqlstate::kInvalidSqlStatementName,
                         "prepared statement \"" + name + "\" does not exist");
  }
  return it->second.info;
}

namespace {
/// Wraps a sink and drops Describe calls (the client asked for them separately).
class NoDescribeSink : public pgwire::ResultSink {
 public:
  explicit NoDescribeSink(pgwire::ResultSink& inner) : inner_(inner) {}
  void Describe(const std::vector<pgwire::ColumnInfo>&) override {}
  void Rows(const DataChunk& c) override { inner_.Rows(c); }
  void Complete(const std::string& t) override { inner_.Complete(t); }
  void Notice(const std::string& s, const std::string& c, const std::string& m) override {
    inner_.Notice(s, c, m);
  }
  void ParameterChanged(const std::string& n, const std::string& v) override {
    inner_.ParameterChanged(n, v);
  }
  void CopyIn(const pgwire::CopyFormat& f) override { inner_.CopyIn(f); }
  void CopyOut(const pgwire::CopyFormat& f) override { inner_.CopyOut(f); }
  void CopyOutData(std::string_view d) override { inner_.CopyOutData(d); }
  void CopyOutDone() override { inner_.CopyOutDone(); }

 private:
  pgwire::ResultSink& inner_;
};
}  // namespace

Status Session::ExecutePrepared(const std::string& name,
                                const std::vector<pgwire::BoundParam>& params,
                                pgwire::ResultSink& sink) {
  cancel_.store(false);
  statement_start_ = executor::SteadyMicros();
  auto it = prepared_.find(name);
  if (it == prepared_.end()) {
    return Status::Error(sqlstate::kInvalidSqlStatementName,
                         "prepared statement \"" + name + "\" does not exist");
  }
  Prepared& p = it->second;
  if (!p.stmt) {
    return Status::OK();
  }
  std::vector<Value> values;
  for (size_t i = 0; i < params.size(); i++) {
    SqlType t = i < p.param_types.size() ? p.param_types[i] : SqlType(TypeId::kUnknown);
    if (!params[i].value) {
      values.push_back(Value::Null(t));
      continue;
    }
    std::string text = *params[i].value;
    if (params[i].binary) {
      // Binary parameters (pgjdbc sends integers this way) are decoded by their declared type.
      if (t.id == TypeId::kUnknown) {
        return Status::Error(
            sqlstate::kProtocolViolation,
            "binary parameter $" + std::to_string(i + 1) + " has no declared type");
      }
      auto decoded = pgwire::ValueCodec::BinaryParamToText(t.Oid(), text);
      if (!decoded.ok()) {
        Status st = decoded.status();
        return st.WithDetail("in binary parameter $" + std::to_string(i + 1));
      }
      text = std::move(*decoded);
    }
    if (t.id == TypeId::kUnknown) {
      values.push_back(Value::String(TypeId::kUnknown, text));
    } else {
      ASSIGN_OR_RETURN(Value v, Value::FromText(text, t, time_zone_));
      values.push_back(std::move(v));
    }
  }
  NoDescribeSink inner(sink);
  ExecLock lock(*this);
  Status s = ExecuteInTransaction(*p.stmt, p.sql, inner, values);
  if (!s.ok()) return AbortImplicit(std::move(s));
  if (state_ == TxnState::kImplicit && !copy_) {
    state_ = TxnState::kIdle;
    RETURN_IF_ERROR(CommitImplicit());
  }
  return Status::OK();
}

}  // namespace freshet::engine
