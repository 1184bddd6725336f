#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/value.h"
#include "engine/write_transaction.h"
#include "planner/catalog.h"
#include "storage/log.h"

namespace freshet::engine {

/// Writes the rows of tables and 'log' sources inside a WriteTransaction — the one place a
/// stored row is checked and its change captured. For a table: the row matches its columns'
/// types (XX000 otherwise — a binder bug must not reach the disk), NOT NULL (23502), the
/// primary key and every UNIQUE constraint (23505, read for update so a concurrent duplicate
/// fails one commit with 40001), its unique-index entries, and a changelog record per change.
/// For a source: NOT NULL, then the row is appended to a partition of its topic (by
/// 'partition.key' or round robin). One per session (the round-robin position is its state).
class TableWriter {
 public:
  explicit TableWriter(storage::Log& log) : log_(log) {}

  /// Validates and stores one new row (a table) or appends it (a source).
  Status Insert(WriteTransaction& txn, const planner::TableDef& table, Row row);
  /// Appends a row to partition `partition` of a source's topic after its NOT NULL checks, with
  /// the event time of column `event_time_column` (-1: none; see EventTimeColumn).
  Status AppendToPartition(WriteTransaction& txn, const planner::TableDef& source,
                           uint32_t partition, int event_time_column, const Row& row);
  /// The column whose value is a source row's event time (its watermark column), or -1.
  static int EventTimeColumn(const planner::TableDef& source);
  /// Removes a stored row (under `key`) and its unique-index entries.
  Status Delete(WriteTransaction& txn, const planner::TableDef& table, const std::string& key,
                const Row& row);
  /// Replaces a stored row (UPDATE, ON CONFLICT DO UPDATE, MERGE), re-checking every
  /// constraint; a table without a primary key keeps the row's hidden id.
  Status Replace(WriteTransaction& txn, const planner::TableDef& table, const std::string& key,
                 const Row& old_row, Row new_row);
  /// The key of `row`'s entry in `index` (the row stored under `key`): the indexed values, then
  /// the row's key unless the entry is unique (a UNIQUE index's entry without NULLs;
  /// `unique_entry` says which). Every row has an entry, NULLs included.
  static std::string IndexEntryKey(const planner::TableDef::Index& index, const Row& row,
                                   const std::string& key, bool* unique_entry = nullptr);
  /// Deletes every row of a table and its unique-index entries (DROP, TRUNCATE); with `record`
  /// the changelog sees every row go.
  Status DeleteAll(WriteTransaction& txn, const planner::TableDef& table, bool record);

 private:
  Status AppendToSource(WriteTransaction& txn, const planner::TableDef& source, const Row& row);
  /// Adds a row's UNIQUE-constraint and index entries, refusing duplicates (23505).
  Status PutIndexEntries(WriteTransaction& txn, const planner::TableDef& table,
                         const std::string& key, const Row& row);
  void DeleteIndexEntries(WriteTransaction& txn, const planner::TableDef& table,
                          const std::string& key, const Row& row);

  storage::Log& log_;
  std::map<uint64_t, uint32_t> round_robin_;  // source id -> next partition
};

}  // namespace freshet::engine
