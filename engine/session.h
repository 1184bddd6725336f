#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/datetime.h"
#include "engine/table_writer.h"
#include "engine/write_transaction.h"
#include "executor/executor.h"
#include "parser/ast.h"
#include "pgwire/backend.h"
#include "planner/binder.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::engine {

class Database;

/// One client's session: settings, the transaction state machine, prepared statements and
/// statement dispatch. Implements pgwire::BackendSession.
class Session : public pgwire::BackendSession {
 public:
  Session(Database& db, std::string user,
          const std::vector<std::pair<std::string, std::string>>& startup_params);
  ~Session() override;

  Status ExecuteSimple(std::string_view sql, pgwire::ResultSink& sink) override;
  bool IsEmptyQuery(std::string_view sql) override;
  Result<pgwire::PreparedInfo> Prepare(const std::string& name, std::string_view sql,
                                       const std::vector<uint32_t>& param_oids) override;
  /// Prepare's work; Prepare turns anything it throws into an error.
  Result<pgwire::PreparedInfo> PrepareUnguarded(const std::string& name, std::string_view sql,
                                                const std::vector<uint32_t>& param_oids);
  Status CloseStatement(const std::string& name) override;
  Status ExecutePrepared(const std::string& name, const std::vector<pgwire::BoundParam>& params,
                         pgwire::ResultSink& sink) override;
  Result<pgwire::PreparedInfo> DescribePrepared(const std::string& name) override;
  Status CopyData(std::string_view data) override;
  Status CopyDone(pgwire::ResultSink& sink) override;
  void CopyFail(const std::string& message) override;
  char TransactionStatus() const override;
  void Cancel() override { cancel_.store(true); }
  void Close() override;
  std::string GetParameter(const std::string& name) const override;
  TextFormatOptions FormatOptions() const override;

 private:
  enum class TxnState { kIdle, kImplicit, kBlock, kFailed };
  /// Holds the database's statement lock for one call from pgwire: shared to start with (or
  /// exclusive when the open transaction did DDL), made exclusive before a statement that needs
  /// it (NeedsExclusive); long waits release it (WaitUnlocked).
  class ExecLock {
   public:
    explicit ExecLock(Session& s);
    ~ExecLock();
    /// From shared to exclusive (a no-op when already exclusive). Only between statements: the
    /// lock is released for a moment, so another session's DDL may run in between.
    void MakeExclusive();
    void Unlock();
    void Relock();
    bool held() const { return held_; }

   private:
    Session& s_;
    bool exclusive_ = false;
    bool held_ = false;
  };
  /// True when `stmt` changes the catalog or the running dataflows (or the open transaction
  /// already did), so it must run alone.
  bool NeedsExclusive(const parser::Statement& stmt) const;
  struct Prepared {
    std::string sql;
    parser::StatementPtr stmt;
    std::vector<SqlType> param_types;
    pgwire::PreparedInfo info;
  };
  /// An open COPY ... FROM STDIN: the target, the format and the bytes not yet parsed.
  struct CopyState {
    std::shared_ptr<const planner::TableDef> table;
    std::vector<int> columns;  // target column indexes, in input order
    bool csv = false;
    bool header = false;
    bool header_skipped = false;
    char delimiter = '\t';
    std::string null_string = "\\N";
    char quote = '"';
    char escape = '"';
    std::string buffer;
    int64_t rows = 0;
    int64_t line = 0;
  };

  // Statement dispatch (session.cc); every handler reports to `sink`.
  Status Execute(const parser::Statement& stmt, std::string_view sql, pgwire::ResultSink& sink,
                 const std::vector<Value>& params);
  Status ExecuteInTransaction(const parser::Statement& stmt, std::string_view sql,
                              pgwire::ResultSink& sink, const std::vector<Value>& params);
  Status HandleTransaction(const parser::TransactionStatement& stmt, pgwire::ResultSink& sink);
  Status HandleSet(const parser::SetStatement& stmt, pgwire::ResultSink& sink);
  Status HandleShow(const parser::ShowStatement& stmt, pgwire::ResultSink& sink);
  Status HandleReset(const parser::ResetStatement& stmt, pgwire::ResultSink& sink);
  Status SetParameter(const std::string& name, const std::string& value, pgwire::ResultSink* sink);

  // Queries and DML (session_dml.cc).
  Status HandleSelect(const parser::SelectStatement& stmt, pgwire::ResultSink& sink,
                      const std::vector<Value>& params);
  Status HandleInsert(const parser::InsertStatement& stmt, pgwire::ResultSink& sink,
                      const std::vector<Value>& params);
  Status HandleUpdate(const parser::UpdateStatement& stmt, pgwire::ResultSink& sink,
                      const std::vector<Value>& params);
  /// MERGE INTO t USING s ON ... WHEN [NOT] MATCHED [AND ...] THEN ... (engine/session_merge.cc).
  Status HandleMerge(const parser::MergeStatement& stmt, pgwire::ResultSink& sink,
                     const std::vector<Value>& params);
  Status HandleDelete(const parser::DeleteStatement& stmt, pgwire::ResultSink& sink,
                      const std::vector<Value>& params);
  Status HandleExplain(const parser::ExplainStatement& stmt, pgwire::ResultSink& sink);
  Result<std::shared_ptr<const planner::TableDef>> FindTable(const std::vector<std::string>& name,
                                                             int position);
  void SendRows(const std::vector<std::string>& names, const std::vector<SqlType>& types,
                const executor::RowSet& rows, pgwire::ResultSink& sink, bool describe = true);

  // Data-modifying WITH queries (session_with.cc).
  /// The WITH list of the statement being run, for the binders of its parts: which queries a
  /// part may name, the rows the data-modifying ones returned, the tables they changed.
  struct StatementWith {
    const std::vector<parser::CommonTableExpr>* ctes = nullptr;
    size_t visible = 0;  // the part being bound names ctes[0, visible) (its own WITH besides)
    struct Returned {
      const parser::CommonTableExpr* cte;
      planner::SystemRelationData rows;
      uint64_t table_id;  // the table it changed
    };
    std::vector<Returned> returned;  // the data-modifying queries run so far
    std::vector<uint64_t> written;   // the tables they changed
  };
  /// Runs a statement whose WITH holds data-modifying queries (or a DML statement with a
  /// WITH): each data-modifying query in order, its RETURNING rows kept for the parts bound
  /// after it, then the statement itself. With `describe_only` nothing runs: each query's
  /// RETURNING columns are bound (no rows) and `main` binds the statement.
  Status ExecuteWith(const parser::Statement& stmt, const std::vector<Value>& params,
                     bool describe_only, const std::function<Status()>& main);
  /// Whether a SELECT / INSERT / UPDATE / DELETE has a data-modifying query in its WITH.
  static bool HasDataModifyingCte(const parser::Statement& stmt);
  /// Prepares `binder` for one part of the current statement: the WITH queries it may name
  /// (`own`: the part's own WITH list), their rows, and the tables it must not read.
  Status SetUpBinder(planner::Binder& binder, const std::vector<parser::CommonTableExpr>* own,
                     bool own_recursive);
  /// An INSERT into a table an earlier data-modifying WITH query changed is ordered after it
  /// as in PostgreSQL only when it reads that query's rows: 0A000 otherwise.
  Status CheckInsertAfterWith(const planner::Binder& binder, const planner::TableDef& table);
  /// A DML statement's RETURNING columns (names, types; no rows) without running it.
  Result<planner::SystemRelationData> DescribeReturning(const parser::Statement& dml,
                                                        const std::vector<SqlType>& param_types);
  /// Runs an INSERT, UPDATE, DELETE or SELECT statement.
  Status ExecuteQueryOrDml(const parser::Statement& stmt, pgwire::ResultSink& sink,
                           const std::vector<Value>& params);

  // DDL (session_ddl.cc).
  /// The relations a query reads (dependencies of views and sinks).
  static void CollectDependencies(const parser::SelectStmt& query, std::set<std::string>* out);
  /// A column type from its name (42704 when unknown, 22023 for bad modifiers).
  static Result<SqlType> ResolveType(const parser::TypeName& name);
  Status HandleCreateTable(const parser::CreateTableStatement& stmt, pgwire::ResultSink& sink);
  Status HandleCreateView(const parser::CreateViewStatement& stmt, std::string_view sql,
                          pgwire::ResultSink& sink);
  Status HandleCreateMaterializedView(const parser::CreateViewStatement& stmt, std::string_view sql,
                                      pgwire::ResultSink& sink);
  /// CREATE [UNIQUE] INDEX (session_index.cc): on a table, builds the index from its rows (23505
  /// for a duplicate under UNIQUE) and adds it to the table's definition.
  Status HandleCreateIndex(const parser::CreateIndexStatement& stmt, pgwire::ResultSink& sink);
  /// DROP INDEX: removes a table index's entries and takes it out of the table's definition.
  Status DropIndexEntries(const planner::TableDef& index);
  Status HandleDrop(const parser::DropStatement& stmt, pgwire::ResultSink& sink);
  Status HandleAlterTable(const parser::AlterTableStatement& stmt, pgwire::ResultSink& sink);
  Status HandleTruncate(const parser::TruncateStatement& stmt, pgwire::ResultSink& sink);
  /// The "already exists" rule of CREATE: false when `name` is free; 42P07 when taken, unless
  /// IF NOT EXISTS — then the NOTICE and `tag` are sent and the result is true (nothing to do).
  Result<bool> RelationExists(const std::string& name, bool if_not_exists, const std::string& tag,
                              pgwire::ResultSink& sink);
  Status PutCatalog(const planner::TableDef& def);
  Status DeleteCatalog(const planner::TableDef& def);

  // Sources (session_source.cc).
  Status HandleCreateSource(const parser::CreateSourceStatement& stmt, pgwire::ResultSink& sink);
  /// CREATE SINK ... WITH (connector = 'blackhole'): a dataflow whose output is discarded.
  Status HandleCreateSink(const parser::CreateSinkStatement& stmt, std::string_view sql,
                          pgwire::ResultSink& sink);
  /// A batch read of a source: what its log retains, or what its generator has produced so far.
  Result<executor::RowSet> ReadSource(const planner::TableDef& source);

  // COPY (session_copy.cc).
  Status HandleCopy(const parser::CopyStatement& stmt, pgwire::ResultSink& sink);
  Status FlushCopyLines(bool final);

  /// The open transaction's writes (begun on first use).
  WriteTransaction& Write();
  /// Its storage transaction.
  storage::Transaction& Txn() { return Write().storage(); }
  bool TxnHasDdl() const { return txn_ && txn_->has_ddl(); }
  /// Backpressure before a write: waits while the log holds more unprocessed bytes than the
  /// configured bound (or fails with 53400 when so configured).
  Status WaitForLogRoom();
  /// Runs a long wait (a backfill, an epoch) with the statement lock released, so other sessions
  /// keep working meanwhile.
  Status WaitUnlocked(const std::function<Status()>& wait);
  /// Commits the open transaction (WriteTransaction::Commit, its fsync wait unlocked) and ends
  /// it.
  Status CommitTransaction(bool sync);
  /// A materialized view's rows for a query: waits for the view to reflect every write
  /// committed before (unless freshet.read_mode = 'latest').
  Result<executor::RowSet> ReadView(const planner::TableDef& def);
  /// The row of a keyed materialized view with these key values (a point lookup).
  Result<executor::RowSet> ReadViewKey(const planner::TableDef& def, const Row& key);
  /// ExecContext::scan_view: the view's rows in a key range, streamed at the statement's view
  /// snapshot (a view created in this transaction answers from its definition, then filtered
  /// by the caller).
  Status ScanView(const planner::TableDef& def, std::string_view begin, std::string_view end,
                  const executor::RowVisitor& visit);
  /// The snapshot the statement reads views at (waiting for the epoch in consistent mode).
  Result<const storage::Snapshot*> ViewSnapshot();
  function::EvalContext MakeEvalContext();
  executor::ExecContext MakeExecContext(const std::vector<Value>& params);
  Status CommitImplicit();
  /// A statement failed: an implicit transaction ends with it (rolled back); a block stays for
  /// the client to end. Returns `error`.
  Status AbortImplicit(Status error);
  void AbortTransaction();

  Database& db_;
  std::string user_;
  std::map<std::string, std::string> settings_;
  datetime::TimeZone time_zone_;
  TxnState state_ = TxnState::kIdle;
  /// The open transaction (null between transactions).
  std::unique_ptr<WriteTransaction> txn_;
  /// Every row written to a table or source goes through it.
  TableWriter writer_;
  /// The snapshot the current statement reads materialized views at.
  std::shared_ptr<storage::Snapshot> view_snapshot_;
  /// The materialized views the current SELECT reads (empty: wait for every view).
  std::vector<uint64_t> statement_views_;
  /// The WITH list of the statement being run (null when it has none that matters).
  StatementWith* with_ = nullptr;
  ExecLock* exec_lock_ = nullptr;
  std::map<std::string, Prepared> prepared_;
  std::unique_ptr<CopyState> copy_;
  std::atomic<bool> cancel_{false};
  int64_t statement_timeout_ms_ = 0;  // 0 = none
  int64_t statement_mem_bytes_ = 0;   // 0 = the server's memory limit
  /// The running statement's share of the server's memory (ExecuteInTransaction).
  MemoryReservation* statement_memory_ = nullptr;
  int64_t work_mem_bytes_ = 64 << 20;   // an operator spills past it
  int64_t temp_file_limit_bytes_ = -1;  // a statement's temporary files (-1: no limit)
  executor::SpillContext* statement_spill_ = nullptr;  // the running statement's
  int64_t statement_start_ = 0;                        // steady clock, microseconds
  bool closed_ = false;
};

}  // namespace freshet::engine
