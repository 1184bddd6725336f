#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "planner/catalog.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::engine {

class Database;

/// The write side of one open transaction: the storage transaction (optimistic — a key this
/// transaction read for update or wrote, changed by a transaction that committed first, fails
/// Commit with 40001), the changelog batches its writes produce (written into the storage
/// transaction at commit, at offsets taken from the log's end), savepoints over both, the
/// actions to run once it commits (starting new views' dataflows, dropping state), and whether
/// it changed the catalog. Owned by one session and used by one thread at a time; different
/// sessions' transactions run in parallel.
class WriteTransaction {
 public:
  /// Runs a wait (the WAL fsync) with the session's statement lock released.
  using UnlockedWait = std::function<Status(const std::function<Status()>&)>;

  /// Begins the storage transaction.
  explicit WriteTransaction(Database& db);
  /// Rolls back what was neither committed nor rolled back.
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  /// The storage transaction: reads see this transaction's own writes.
  storage::Transaction& storage() { return *txn_; }
  /// When the transaction began (transaction_timestamp(), now()).
  int64_t start_micros() const { return start_micros_; }

  /// Appends a change of a table to its changelog (weight +1 insert, -1 delete).
  void RecordChange(const planner::TableDef& table, const Row& row, int64_t weight);
  /// Appends a row to partition `tp` of a topic with its event time (a 'log' source).
  void Append(storage::TopicPartition tp, const Row& row, int64_t weight, int64_t event_time);
  /// Records that this transaction writes rows of `table` (as the catalog defines it now). A
  /// table whose definition changes (CREATE INDEX, ALTER TABLE, DROP) between this transaction's
  /// first write to it and its commit fails the write or the commit with 40001: its rows were
  /// encoded, checked and indexed for the old definition. Transactions that did DDL are
  /// exempt (their own DDL ran alone, and changed the definitions they write by).
  Status NoteTable(const planner::TableDef& table);
  /// Forgets the changelog records of `topic` (its table or source was dropped in this
  /// transaction).
  void DiscardChanges(uint64_t topic);
  /// True when the transaction produced changelog records.
  bool has_changes() const { return !pending_log_.empty(); }

  /// The catalog changed in this transaction: its in-memory copy is already updated and is
  /// reloaded from the store on rollback.
  void MarkDdl() { has_ddl_ = true; }
  bool has_ddl() const { return has_ddl_; }
  /// Materialized views created in this transaction (maintained once it commits; until then a
  /// read of one answers from its definition).
  std::set<uint64_t>& created_views() { return created_views_; }
  /// Runs `action` once the transaction commits (dropped on rollback).
  void AfterCommit(std::function<Status()> action) { after_commit_.push_back(std::move(action)); }

  // --- Savepoints: over the storage transaction and the changelog together ---
  /// An anonymous savepoint (each statement of a block runs under one).
  void SavePoint();
  /// Forgets the newest savepoint, keeping what was written since.
  void PopSavePoint();
  /// Undoes what was written since the newest savepoint, and forgets it.
  Status RollbackToSavePoint();
  /// SAVEPOINT name.
  void DefineSavepoint(const std::string& name);
  /// RELEASE [SAVEPOINT] name: forgets it and every savepoint after it (3B001 when unknown).
  Status ReleaseSavepoint(const std::string& name);
  /// ROLLBACK TO [SAVEPOINT] name: undoes what was written since, keeping the savepoint
  /// (3B001 when unknown).
  Status RollbackToSavepoint(const std::string& name);

  /// Commits: the changelog batches are written into the storage transaction, which commits,
  /// and the new log offsets become visible to the dataflows — one step under the stream
  /// engine's commit mutex, so the log's order is the commit order. With `sync`, then waits
  /// (through `unlocked`) for the WAL fsync, shared with concurrent commits (group commit):
  /// acknowledged means durable. Then runs the after-commit actions; the first failure among
  /// them is returned (the transaction stays committed). A failed commit (40001 on a conflict)
  /// leaves the transaction rolled back.
  Status Commit(bool sync, const UnlockedWait& unlocked);
  /// Discards every write and changelog record; reloads the catalog when there was DDL.
  void Rollback();

 private:
  /// Writes the changelog batches into the storage transaction, at offsets from the log's end;
  /// returns the bytes written and each partition's new end in `ends`.
  uint64_t WriteLogBatches(std::vector<std::pair<storage::TopicPartition, uint64_t>>* ends);
  /// 40001 when a written table's definition changed since it was first written.
  Status CheckWrittenTables() const;
  /// The changelog batch rows are appended to for `tp`.
  storage::LogBatchBuilder& OpenBatch(storage::TopicPartition tp);

  Database& db_;
  std::unique_ptr<storage::Transaction> txn_;
  int64_t start_micros_ = 0;
  bool done_ = false;
  bool has_ddl_ = false;
  std::map<storage::TopicPartition, std::vector<storage::LogBatchBuilder>> pending_log_;
  /// Per savepoint: each partition's batch count, last batch's rows and bytes at that point.
  std::vector<std::map<storage::TopicPartition, std::tuple<size_t, size_t, size_t>>> log_marks_;
  /// Named savepoints, oldest first (between statements they are the whole savepoint stack:
  /// a statement's anonymous one is gone when it ends).
  std::vector<std::string> names_;
  std::vector<std::function<Status()>> after_commit_;
  std::set<uint64_t> created_views_;
  /// The definitions of the tables written, as they were at the first write (NoteTable).
  std::map<uint64_t, std::shared_ptr<const planner::TableDef>> written_tables_;
  std::string encoded_;  // scratch for row encoding
};

}  // namespace freshet::engine
