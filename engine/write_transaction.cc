#include "engine/write_transaction.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/datetime.h"
#include "common/failpoint.h"
#include "common/stream_chunk.h"
#include "engine/database.h"
#include "storage/row_codec.h"

namespace freshet::engine {

WriteTransaction::WriteTransaction(Database& db)
    : db_(db), txn_(db.store().Begin()), start_micros_(datetime::NowMicros()) {}

WriteTransaction::~WriteTransaction() {
  if (!done_) Rollback();
}

storage::LogBatchBuilder& WriteTransaction::OpenBatch(storage::TopicPartition tp) {
  auto& batches = pending_log_[tp];
  if (batches.empty() || batches.back().count() >= StreamChunk::kChunkSize) batches.emplace_back();
  return batches.back();
}

void WriteTransaction::RecordChange(const planner::TableDef& table, const Row& row,
                                    int64_t weight) {
  Append(storage::TopicPartition{table.id, 0}, row, weight, 0);
}

void WriteTransaction::Append(storage::TopicPartition tp, const Row& row, int64_t weight,
                              int64_t event_time) {
  encoded_.clear();
  storage::RowCodec::Encode(row, &encoded_);
  OpenBatch(tp).Add(weight, event_time, encoded_);
}

namespace {
Status DefinitionChanged(const std::string& table) {
  return Status::Error(sqlstate::kSerializationFailure,
                       "could not serialize access: the definition of table \"" + table +
                           "\" changed while this transaction wrote to it")
      .WithHint("Retry the transaction.");
}
}  // namespace

Status WriteTransaction::NoteTable(const planner::TableDef& table) {
  if (has_ddl_) return Status::OK();
  auto it = written_tables_.find(table.id);
  if (it != written_tables_.end()) {
    return it->second.get() == &table ? Status::OK() : DefinitionChanged(table.name);
  }
  auto current = db_.catalog().Find(table.name);
  if (current.get() != &table) return DefinitionChanged(table.name);
  written_tables_.emplace(table.id, std::move(current));
  return Status::OK();
}

Status WriteTransaction::CheckWrittenTables() const {
  if (has_ddl_) return Status::OK();
  for (const auto& [id, def] : written_tables_) {
    if (db_.catalog().Find(def->name) != def) return DefinitionChanged(def->name);
  }
  return Status::OK();
}

void WriteTransaction::DiscardChanges(uint64_t topic) {
  for (auto it = pending_log_.begin(); it != pending_log_.end();) {
    it = it->first.topic == topic ? pending_log_.erase(it) : std::next(it);
  }
}

void WriteTransaction::SavePoint() {
  txn_->SetSavePoint();
  std::map<storage::TopicPartition, std::tuple<size_t, size_t, size_t>> mark;
  for (const auto& [tp, batches] : pending_log_) {
    mark[tp] = {batches.size(), batches.empty() ? 0 : batches.back().count(),
                batches.empty() ? 0 : batches.back().bytes()};
  }
  log_marks_.push_back(std::move(mark));
}

void WriteTransaction::PopSavePoint() {
  txn_->PopSavePoint();
  if (!log_marks_.empty()) log_marks_.pop_back();
}

Status WriteTransaction::RollbackToSavePoint() {
  RETURN_IF_ERROR(txn_->RollbackToSavePoint());
  if (log_marks_.empty()) return Status::OK();
  const auto& mark = log_marks_.back();
  for (auto it = pending_log_.begin(); it != pending_log_.end();) {
    auto m = mark.find(it->first);
    if (m == mark.end()) {
      it = pending_log_.erase(it);
      continue;
    }
    auto [n, count, bytes] = m->second;
    it->second.resize(n);
    if (n > 0) it->second.back().Truncate(count, bytes);
    it = it->second.empty() ? pending_log_.erase(it) : std::next(it);
  }
  log_marks_.pop_back();
  return Status::OK();
}

void WriteTransaction::DefineSavepoint(const std::string& name) {
  SavePoint();
  names_.push_back(name);
}

namespace {
Status NoSuchSavepoint(const std::string& name) {
  return Status::Error("3B001", "savepoint \"" + name + "\" does not exist");
}
}  // namespace

Status WriteTransaction::ReleaseSavepoint(const std::string& name) {
  auto it = std::find(names_.rbegin(), names_.rend(), name);
  if (it == names_.rend()) return NoSuchSavepoint(name);
  size_t pos = names_.size() - 1 - std::distance(names_.rbegin(), it);
  while (names_.size() > pos) {
    PopSavePoint();
    names_.pop_back();
  }
  return Status::OK();
}

Status WriteTransaction::RollbackToSavepoint(const std::string& name) {
  auto it = std::find(names_.rbegin(), names_.rend(), name);
  if (it == names_.rend()) return NoSuchSavepoint(name);
  size_t pos = names_.size() - 1 - std::distance(names_.rbegin(), it);
  while (names_.size() > pos + 1) {
    PopSavePoint();
    names_.pop_back();
  }
  RETURN_IF_ERROR(RollbackToSavePoint());
  SavePoint();  // the savepoint stays, for another ROLLBACK TO
  return Status::OK();
}

uint64_t WriteTransaction::WriteLogBatches(
    std::vector<std::pair<storage::TopicPartition, uint64_t>>* ends) {
  int64_t now = datetime::NowMicros();
  uint64_t bytes = 0;
  for (auto& [tp, batches] : pending_log_) {
    uint64_t offset = db_.log().EndOffset(tp);
    for (auto& b : batches) {
      if (b.count() == 0) continue;
      b.set_ingest_time(now);
      std::string encoded = b.Finish();
      bytes += encoded.size();
      txn_->Put(storage::Space::kLog, storage::Log::BatchKey(tp.topic, tp.partition, offset),
                encoded);
      offset += b.count();
    }
    ends->emplace_back(tp, offset);
  }
  return bytes;
}

Status WriteTransaction::Commit(bool sync, const UnlockedWait& unlocked) {
  bool wrote = txn_->HasWrites() || !pending_log_.empty();
  // DDL runs under the exclusive statement lock and this commit under the shared one, so no
  // definition can change between this check and the commit.
  Status s = CheckWrittenTables();
  if (!s.ok()) {
    Rollback();
    return s;
  }
  {
    std::lock_guard<std::mutex> commit(db_.engine().commit_mutex());
    std::vector<std::pair<storage::TopicPartition, uint64_t>> ends;
    uint64_t bytes = WriteLogBatches(&ends);
    if (failpoint::Hit("commit")) failpoint::Crash("commit");
    if (has_ddl_ && failpoint::Hit("ddl")) failpoint::Crash("ddl");
    s = txn_->Commit(/*sync=*/false);
    if (s.ok() && !ends.empty()) db_.log().Publish(ends, bytes);
  }
  if (!s.ok()) {
    Rollback();
    return s;
  }
  done_ = true;
  if (!pending_log_.empty()) db_.engine().NotifyCommit();
  pending_log_.clear();
  log_marks_.clear();
  names_.clear();
  if (sync && wrote) {
    Status synced = unlocked([&] { return db_.store().SyncWal(); });
    if (!synced.ok()) {
      after_commit_.clear();
      return Status::Error(
          synced.sqlstate(),
          "the transaction committed but could not be made durable: " + synced.message());
    }
  }
  // A DDL committed, its dataflow not yet started (or its state not yet dropped).
  if (!after_commit_.empty() && failpoint::Hit("ddl")) failpoint::Crash("ddl");
  std::vector<std::function<Status()>> actions;
  actions.swap(after_commit_);
  Status first;
  for (auto& action : actions) {
    Status a = action();
    if (!a.ok() && first.ok()) first = a;
  }
  return first;
}

void WriteTransaction::Rollback() {
  if (done_) return;
  done_ = true;
  pending_log_.clear();
  log_marks_.clear();
  names_.clear();
  after_commit_.clear();
  created_views_.clear();
  txn_->Rollback();
  if (has_ddl_) {
    // The catalog's in-memory copy goes back to what the store holds; a failure here leaves
    // the next statement to find the objects missing, which its own errors report.
    Status s = db_.ReloadCatalog();
    if (!s.ok()) spdlog::warn("reloading the catalog after a rollback failed: {}", s.message());
    has_ddl_ = false;
  }
}

}  // namespace freshet::engine
