#include "engine/stream_engine.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "common/exception_guard.h"
#include "common/failpoint.h"
#include "common/memory_budget.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

namespace {

constexpr const char* kMetaPrefix = "dataflow/";
// Engine-wide meta keys (outside kMetaPrefix): the last committed epoch and checkpoint.
constexpr const char* kEpochKey = "engine/epoch";
constexpr const char* kCheckpointKey = "engine/checkpoint";
constexpr size_t kCheckpointsKept = 100;
constexpr int64_t kCommitRetryMicros = 1000000;

std::string EncodeCheckpoint(const CheckpointInfo& c) {
  return std::to_string(c.epoch) + " " + std::to_string(c.time_micros) + " " +
         std::to_string(c.bytes) + " " + std::to_string(c.epochs) + " " +
         std::to_string(c.duration_micros) + " " + (c.shutdown ? "1" : "0");
}

bool DecodeCheckpoint(const std::string& text, CheckpointInfo* c) {
  std::istringstream in(text);
  int shutdown = 0;
  in >> c->epoch >> c->time_micros >> c->bytes >> c->epochs >> c->duration_micros >> shutdown;
  c->shutdown = shutdown != 0;
  return !in.fail();
}

int64_t SteadyMicros() { return executor::SteadyMicros(); }

/// Wall clock in microseconds since 2000-01-01 (the epoch of SQL timestamps).
int64_t WallMicros() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() -
         datetime::kUnixEpochDays * datetime::kMicrosPerDay;
}

}  // namespace

StreamEngine::StreamEngine(storage::Store& store, storage::Log& log, Compiler compiler,
                           StreamEngineOptions options)
    : store_(store), log_(log), compiler_(std::move(compiler)), options_(options) {
  recovery_.started_micros = WallMicros();
  std::string value;
  auto found = store_.Get(storage::Space::kMeta, kEpochKey, &value);
  if (found.ok() && *found) epoch_ = std::strtoull(value.c_str(), nullptr, 10);
  found = store_.Get(storage::Space::kMeta, kCheckpointKey, &value);
  CheckpointInfo last;
  if (found.ok() && *found && DecodeCheckpoint(value, &last)) {
    checkpoints_.push_back(last);
    // A shutdown checkpoint is the last commit of its run: nothing came after it.
    recovery_.clean_shutdown = last.shutdown && last.epoch == epoch_.load();
  }
  recovery_.checkpoint_epoch = epoch_.load();
  durable_epoch_ = epoch_.load();
  written_epoch_ = epoch_.load();
  last_checkpoint_steady_ = SteadyMicros();
}

StreamEngine::~StreamEngine() { Stop(); }

void StreamEngine::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) return;
  stop_ = false;
  worker_ = std::thread([this] { Run(); });
}

void StreamEngine::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status StreamEngine::Shutdown(int max_wait_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!worker_.joinable()) return Status::OK();
  // Let the worker process everything published so far (a backfill in progress may not finish:
  // it resumes from its committed position at the next start).
  const uint64_t target = log_.sequence();
  if (target > demand_seq_) demand_seq_ = target;
  work_cv_.notify_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_wait_ms);
  while (processed_seq_ < target && commit_error_.ok() &&
         std::chrono::steady_clock::now() < deadline) {
    done_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  stop_ = true;
  lock.unlock();
  work_cv_.notify_all();
  done_cv_.notify_all();
  worker_.join();
  lock.lock();
  // Every epoch already committed its batch; the shutdown checkpoint makes them durable and
  // marks the run as ended cleanly.
  storage::WriteBatch batch(store_);
  int64_t start = SteadyMicros();
  RETURN_IF_ERROR(CommitEpoch(epoch_.load(), batch, /*force=*/true, /*shutdown=*/true));
  RETURN_IF_ERROR(store_.Flush());
  spdlog::info("shutdown checkpoint at epoch {} ({} ms, memtables flushed)", epoch_.load(),
               (SteadyMicros() - start) / 1000);
  return Status::OK();
}

Status StreamEngine::CommitEpoch(uint64_t epoch, storage::WriteBatch& batch, bool force,
                                 bool shutdown) {
  // Called with mu_ held, by the worker (or by Shutdown once it stopped).
  const int64_t now = SteadyMicros();
  const bool due =
      force || now - last_checkpoint_steady_ >= int64_t{options_.checkpoint_interval_ms} * 1000;
  const bool dirty = batch.Count() > 0 || epochs_since_checkpoint_ > 0;
  if (batch.Count() > 0 || (force && dirty) || shutdown) {
    batch.Put(storage::Space::kMeta, kEpochKey, std::to_string(epoch));
  }
  if (!(due && (dirty || shutdown))) {
    if (batch.Count() == 0) return Status::OK();
    RETURN_IF_ERROR(store_.Write(batch, /*sync=*/false));
    written_epoch_ = epoch;
    bytes_since_checkpoint_ += batch.ByteSize();
    epochs_since_checkpoint_++;
    return Status::OK();
  }
  CheckpointInfo info;
  info.epoch = epoch;
  info.time_micros = WallMicros();
  info.epochs = epochs_since_checkpoint_ + 1;
  info.shutdown = shutdown;
  batch.Put(storage::Space::kMeta, kCheckpointKey, EncodeCheckpoint(info));
  info.bytes = bytes_since_checkpoint_ + batch.ByteSize();
  if (failpoint::Hit("checkpoint")) failpoint::Crash("checkpoint");
  RETURN_IF_ERROR(store_.Write(batch, /*sync=*/true));
  info.duration_micros = SteadyMicros() - now;
  if (failpoint::Hit("checkpoint")) failpoint::Crash("checkpoint");
  checkpoints_.push_back(info);
  written_epoch_ = epoch;
  durable_epoch_ = epoch;
  while (checkpoints_.size() > kCheckpointsKept) checkpoints_.pop_front();
  bytes_since_checkpoint_ = 0;
  epochs_since_checkpoint_ = 0;
  last_checkpoint_steady_ = SteadyMicros();
  return Status::OK();
}

std::vector<std::pair<uint64_t, std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>>>
StreamEngine::CommittedPositions() {
  std::lock_guard<std::mutex> lock(positions_mu_);
  return positions_;
}

std::vector<CheckpointInfo> StreamEngine::Checkpoints() {
  std::lock_guard<std::mutex> lock(mu_);
  return {checkpoints_.begin(), checkpoints_.end()};
}

RecoveryInfo StreamEngine::Recovery() {
  std::lock_guard<std::mutex> lock(mu_);
  return recovery_;
}

void StreamEngine::RestoreDone(int64_t store_open_micros, int64_t restore_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  recovery_.store_open_micros = store_open_micros;
  recovery_.restore_micros = restore_micros;
  for (auto& [id, e] : dataflows_) {
    if (!e.restored) continue;
    recovery_.dataflows++;
    recovery_.state_entries += e.df->StateSize();
  }
  recovery_seq_ = log_.sequence();
  replay_start_steady_ = SteadyMicros();
}

std::string StreamEngine::MetaKey(uint64_t id) {
  std::string k = kMetaPrefix;
  storage::KeyCodec::AppendU64(&k, id);
  return k;
}

Status StreamEngine::Add(uint64_t id, std::unique_ptr<executor::Dataflow> df) {
  std::string done;
  ASSIGN_OR_RETURN(bool restored, store_.Get(storage::Space::kMeta, MetaKey(id), &done));
  Entry e;
  if (restored) {
    // The backfill finished in an earlier run: reload the state instead of recomputing.
    RETURN_IF_ERROR(df->Restore(store_));
    e.restored = true;
  } else {
    storage::WriteBatch clear(store_);
    for (auto space : {storage::Space::kState, storage::Space::kView}) {
      clear.DeleteRange(space, executor::Dataflow::StateBegin(id),
                        executor::Dataflow::StateEnd(id));
    }
    RETURN_IF_ERROR(store_.Write(clear, false));
    e.needs_backfill = true;
    e.backfilling = true;
    // Progress reports need a total: the rows of the view's tables now.
    for (uint64_t table : df->tables()) {
      auto cursor = store_.NewCursor(storage::Space::kData, storage::TableStore::Prefix(table),
                                     storage::TableStore::PrefixEnd(table));
      for (; cursor->Valid(); cursor->Next()) e.backfill_total++;
      RETURN_IF_ERROR(cursor->status());
    }
  }
  e.df = std::move(df);
  {
    std::lock_guard<std::mutex> lock(mu_);
    holds_.erase(id);
    dataflows_[id] = std::move(e);
  }
  work_cv_.notify_all();
  return Status::OK();
}

void StreamEngine::Remove(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dataflows_.find(id);
    if (it == dataflows_.end()) return;
    if (it->second.broken.ok() && !it->second.needs_backfill) {
      auto& hold = holds_[id];
      for (auto* src : it->second.df->sources()) {
        auto tps = src->Partitions();
        auto pos = src->Positions();
        for (size_t i = 0; i < tps.size() && i < pos.size(); i++) hold.emplace_back(tps[i], pos[i]);
      }
    }
    dataflows_.erase(it);
  }
  done_cv_.notify_all();
}

bool StreamEngine::Has(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  return dataflows_.count(id) > 0;
}

Status StreamEngine::DropState(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    holds_.erase(id);
  }
  storage::WriteBatch batch(store_);
  for (auto space : {storage::Space::kState, storage::Space::kView}) {
    batch.DeleteRange(space, executor::Dataflow::StateBegin(id), executor::Dataflow::StateEnd(id));
  }
  batch.Delete(storage::Space::kMeta, MetaKey(id));
  return store_.Write(batch, true);
}

Result<std::vector<uint64_t>> StreamEngine::PersistedIds() {
  std::vector<uint64_t> ids;
  std::string prefix = kMetaPrefix;
  RETURN_IF_ERROR(
      store_.Scan(storage::Space::kMeta, prefix, storage::KeyCodec::PrefixSuccessor(prefix),
                  [&](std::string_view key, std::string_view) {
                    if (key.size() == prefix.size() + 8) {
                      ids.push_back(storage::KeyCodec::DecodeU64(key.substr(prefix.size())));
                    }
                    return true;
                  }));
  return ids;
}

void StreamEngine::NotifyCommit() {
  // Without mu_: the worker holds it for a whole epoch, and writers must not wait for epochs
  // (ingest is decoupled from processing by the log). The worker re-checks whether an epoch is
  // due; a wakeup it misses costs at most one barrier interval.
  work_cv_.notify_all();
}

Status StreamEngine::WaitFor(uint64_t seq, const std::atomic<bool>* cancel, int64_t deadline_micros,
                             const std::vector<uint64_t>& views) {
  std::unique_lock<std::mutex> lock(mu_);
  auto covered = [&]() {
    if (views.empty()) return visible_seq_ >= seq && !Behind(seq);
    for (uint64_t id : views) {
      auto it = dataflows_.find(id);
      if (it == dataflows_.end()) continue;
      const Entry& e = it->second;
      // A broken view is rebuilt once its inputs move on; it answers (with its error) once that
      // was tried for the writes this read waits for.
      if (e.broken.ok() ? e.covered_seq < seq : e.broken_at_seq < seq) return false;
    }
    return true;
  };
  if (covered()) return Status::OK();
  if (seq > demand_seq_) demand_seq_ = seq;
  work_cv_.notify_all();
  while (!covered()) {
    if (stop_) return Status::Error(sqlstate::kAdminShutdown, "the server is shutting down");
    if (!commit_error_.ok()) return commit_error_;
    if (cancel && cancel->load()) {
      return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    if (deadline_micros && SteadyMicros() > deadline_micros) {
      return Status::Error(sqlstate::kQueryCanceled,
                           "canceling statement due to statement timeout");
    }
    done_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  return Status::OK();
}

Status StreamEngine::WaitBackfill(uint64_t id, const std::function<void(size_t rows)>& progress,
                                  const std::atomic<bool>* cancel, int64_t deadline_micros) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t interval = options_.progress_interval_ms * int64_t{1000};
  int64_t next_report = SteadyMicros() + interval;
  while (true) {
    auto it = dataflows_.find(id);
    if (it == dataflows_.end()) return Status::Internal("materialized view is not maintained");
    if (!it->second.broken.ok()) return it->second.broken;
    if (!it->second.backfilling) return Status::OK();
    if (stop_) return Status::Error(sqlstate::kAdminShutdown, "the server is shutting down");
    if (cancel && cancel->load()) {
      return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    if (deadline_micros && SteadyMicros() > deadline_micros) {
      return Status::Error(sqlstate::kQueryCanceled,
                           "canceling statement due to statement timeout");
    }
    if (progress && SteadyMicros() >= next_report) {
      size_t rows = 0;
      for (auto* src : it->second.df->sources()) rows += src->BackfillRowsDone();
      lock.unlock();
      progress(rows);
      lock.lock();
      next_report = SteadyMicros() + interval;
      continue;
    }
    work_cv_.notify_all();
    done_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

Status StreamEngine::CheckReadable(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dataflows_.find(id);
    if (it == dataflows_.end()) {
      return Status::Error(sqlstate::kObjectNotInPrerequisiteState,
                           "materialized view is not being maintained");
    }
    if (!it->second.broken.ok()) return it->second.broken;
    if (it->second.backfilling) {
      return Status::Error(sqlstate::kObjectNotInPrerequisiteState,
                           "materialized view has not been populated yet (its backfill is "
                           "running)");
    }
  }
  return Status::OK();
}

Result<executor::RowSet> StreamEngine::ReadKey(uint64_t id, const Row& key,
                                               const std::vector<SqlType>& types,
                                               const storage::Snapshot& snapshot) {
  RETURN_IF_ERROR(CheckReadable(id));
  executor::RowSet rows;
  RETURN_IF_ERROR(executor::MaterializeOp::ReadKey(
      store_, &snapshot, executor::Dataflow::ContentsStateId(id), key, types, &rows));
  return rows;
}

Status StreamEngine::ScanView(uint64_t id, std::string_view begin, std::string_view end,
                              const std::vector<SqlType>& types, const storage::Snapshot& snapshot,
                              const std::function<Result<bool>(Row& row)>& visit) {
  RETURN_IF_ERROR(CheckReadable(id));
  return executor::MaterializeOp::Scan(store_, &snapshot, executor::Dataflow::ContentsStateId(id),
                                       begin, end, types, visit);
}

Result<executor::RowSet> StreamEngine::Read(uint64_t id, const std::vector<SqlType>& types,
                                            const storage::Snapshot& snapshot) {
  RETURN_IF_ERROR(CheckReadable(id));
  executor::RowSet rows;
  RETURN_IF_ERROR(executor::MaterializeOp::Read(
      store_, &snapshot, executor::Dataflow::ContentsStateId(id), types, &rows));
  return rows;
}

std::vector<DataflowInfo> StreamEngine::Info() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DataflowInfo> out;
  for (auto& [id, e] : dataflows_) {
    DataflowInfo info;
    info.id = id;
    info.backfilling = e.backfilling;
    info.restored = e.restored;
    info.backfill_total = e.backfill_total;
    info.error = e.broken.ok() ? "" : e.broken.message();
    info.state_entries = e.df->StateSize();
    info.sink_changes = e.df->sink_changes();
    for (auto* scan : e.df->source_scans()) {
      auto marks = scan->Watermarks();
      auto pos = scan->Positions();
      for (size_t p = 0; p < marks.size(); p++) {
        info.watermarks.push_back({scan->source_ptr(), static_cast<uint32_t>(p), marks[p].first,
                                   marks[p].second, scan->watermarked(),
                                   p == 0 ? scan->late_rows() : 0, p < pos.size() ? pos[p] : 0});
      }
    }
    for (auto* src : e.df->sources()) {
      info.backfill_rows += src->BackfillRowsDone();
      auto tps = src->Partitions();
      auto pos = src->Positions();
      for (size_t i = 0; i < tps.size() && i < pos.size(); i++) {
        info.positions.emplace_back(tps[i].topic, tps[i].partition, pos[i]);
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<std::string>> StreamEngine::Explain(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = dataflows_.find(id);
  if (it == dataflows_.end()) return Status::Internal("materialized view is not maintained");
  return it->second.df->Explain();
}

bool StreamEngine::Behind(uint64_t seq) const {
  for (const auto& [id, e] : dataflows_) {
    if (e.broken.ok() ? e.covered_seq < seq : e.broken_at_seq < seq) return true;
  }
  return false;
}

bool StreamEngine::HasWork() {
  // Called with mu_ held.
  if (more_ || demand_seq_ > visible_seq_ || Behind(demand_seq_)) return true;
  for (auto& [id, e] : dataflows_) {
    if (!e.broken.ok()) continue;
    if (e.df->TimeDriven()) return true;  // output changes as time passes
    for (auto* src : e.df->sources()) {
      if (src->Replayable()) return true;  // generators produce rows as time passes
    }
  }
  for (auto& [id, e] : dataflows_) {
    if (e.needs_backfill) return true;
  }
  return log_.sequence() > processed_seq_;
}

void StreamEngine::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  auto last = std::chrono::steady_clock::now();
  while (!stop_) {
    if (!commit_error_.ok() && SteadyMicros() < retry_at_steady_) {
      work_cv_.wait_for(lock, std::chrono::milliseconds(100));
      continue;
    }
    // Run an epoch at once when someone waits for it, else once per barrier interval.
    bool urgent = demand_seq_ > visible_seq_ || more_ || Behind(demand_seq_);
    if (!urgent) {
      for (auto& [id, e] : dataflows_) urgent |= e.needs_backfill;
    }
    auto due = last + std::chrono::milliseconds(options_.barrier_interval_ms);
    if (!urgent) {
      if (!HasWork()) {
        work_cv_.wait_for(lock, std::chrono::milliseconds(options_.barrier_interval_ms));
        continue;
      }
      if (std::chrono::steady_clock::now() < due) {
        work_cv_.wait_until(lock, due);
        continue;
      }
    }
    last = std::chrono::steady_clock::now();
    RunEpoch();
    done_cv_.notify_all();
    // Let sessions waiting on the engine (reads, CREATE, DROP) in between back-to-back epochs.
    lock.unlock();
    std::this_thread::yield();
    lock.lock();
  }
}

void StreamEngine::ResetForBackfill(Entry& e, storage::WriteBatch& batch) {
  uint64_t id = e.df->id();
  for (auto space : {storage::Space::kState, storage::Space::kView}) {
    batch.DeleteRange(space, executor::Dataflow::StateBegin(id), executor::Dataflow::StateEnd(id));
  }
  batch.Delete(storage::Space::kMeta, MetaKey(id));
  e.needs_backfill = true;
  e.backfilling = true;
  e.restored = false;
}

void StreamEngine::RunEpoch() {
  // Called with mu_ held.
  uint64_t epoch = epoch_.fetch_add(1) + 1;
  storage::WriteBatch batch(store_);
  // Broken views are rebuilt from scratch once their inputs moved on (the data that broke them
  // may be gone).
  uint64_t current_seq = log_.sequence();
  for (auto& [id, e] : dataflows_) {
    // A view that outgrew its memory would only do so again: it stays broken until dropped.
    if (e.broken.ok() || current_seq <= e.broken_at_seq ||
        e.broken.sqlstate() == sqlstate::kOutOfMemory) {
      continue;
    }
    auto fresh = compiler_(id);
    if (!fresh.ok()) {
      e.broken = fresh.status();
      e.broken_at_seq = current_seq;
      continue;
    }
    e.df = std::move(*fresh);
    e.broken = Status::OK();
    ResetForBackfill(e, batch);
  }
  // The end offsets this epoch reads up to, and a snapshot for backfills starting now, taken
  // together so no commit falls between them.
  std::vector<storage::TopicPartition> tps;
  for (auto& [id, e] : dataflows_) {
    if (!e.broken.ok()) continue;
    for (auto* src : e.df->sources()) {
      for (const auto& tp : src->Partitions()) tps.push_back(tp);
    }
  }
  std::vector<uint64_t> end_list;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> commit(commit_mu_);
    seq = log_.SnapshotBounded(tps, options_.epoch_max_bytes, &end_list);
    std::shared_ptr<storage::Snapshot> snapshot;
    for (auto& [id, e] : dataflows_) {
      if (!e.broken.ok() || !e.needs_backfill) continue;
      if (!snapshot) snapshot = store_.GetSnapshot();
      for (auto* src : e.df->sources()) src->StartBackfill(snapshot);
      e.needs_backfill = false;
    }
  }
  std::map<storage::TopicPartition, uint64_t> ends;
  for (size_t i = 0; i < tps.size(); i++) ends[tps[i]] = end_list[i];
  more_ = false;
  std::map<uint64_t, uint64_t> covered_before;  // restored when the commit fails
  for (auto& [id, e] : dataflows_) covered_before[id] = e.covered_seq;
  for (auto& [id, e] : dataflows_) {
    if (!e.broken.ok()) continue;
    batch.SetSavePoint();
    Status s = CatchAll("materialized view", [&] { return RunDataflow(e, batch, ends, seq); });
    if (!s.ok()) {
      Status rolled_back = batch.RollbackToSavePoint();
      if (!rolled_back.ok()) spdlog::error("epoch {}: {}", epoch, rolled_back.message());
      e.broken = s;
      e.broken_at_seq = seq;
      spdlog::warn("materialized view {} failed: {}", id, s.message());
      if (s.sqlstate() == sqlstate::kOutOfMemory) {
        // Give its memory back: an empty copy of the dataflow stands in for the broken one.
        auto empty = compiler_(id);
        if (empty.ok()) e.df = std::move(*empty);
        malloc_trim(0);
      }
      continue;
    }
    batch.PopSavePoint();
  }
  Status s = CommitEpoch(epoch, batch, /*force=*/false, /*shutdown=*/false);
  if (!s.ok()) {
    spdlog::error("epoch {} could not be committed: {}", epoch, s.message());
    for (auto& [id, e] : dataflows_) {
      auto it = covered_before.find(id);
      if (it != covered_before.end()) e.covered_seq = it->second;
    }
    ReloadAll();
    more_ = true;
    // Retry after a pause (a full disk may get room); readers waiting meanwhile get the error.
    commit_error_ =
        Status::Error(s.sqlstate(), "materialized views cannot advance: " + s.message());
    retry_at_steady_ = SteadyMicros() + kCommitRetryMicros;
    return;
  }
  commit_error_ = Status::OK();
  processed_seq_ = seq;
  log_.Trim(seq);
  // The epoch stopped short of the latest publication (epoch_max_bytes): go on at once.
  if (seq < log_.sequence()) more_ = true;
  UpdateVisible(seq);
  {
    // Committed positions for consumer_lag, readable while the next epoch runs.
    std::vector<std::pair<uint64_t, std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>>> all;
    for (auto& [id, e] : dataflows_) {
      auto& entry = all.emplace_back(id, std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>{});
      for (auto* src : e.df->sources()) {
        auto tps = src->Partitions();
        auto pos = src->Positions();
        for (size_t i = 0; i < tps.size() && i < pos.size(); i++) {
          entry.second.emplace_back(tps[i].topic, tps[i].partition, pos[i]);
        }
      }
    }
    std::lock_guard<std::mutex> lock(positions_mu_);
    positions_ = std::move(all);
  }
  if (!recovery_.done && visible_seq_ >= recovery_seq_ && !Behind(recovery_seq_)) {
    recovery_.done = true;
    recovery_.replay_micros = SteadyMicros() - replay_start_steady_;
    spdlog::info(
        "recovery: store opened in {} ms; {} views restored from epoch {} ({} state entries) in {} "
        "ms, {} log records replayed in {} ms{}",
        recovery_.store_open_micros / 1000, recovery_.dataflows, recovery_.checkpoint_epoch,
        recovery_.state_entries, recovery_.restore_micros / 1000, recovery_.replayed_records,
        recovery_.replay_micros / 1000, recovery_.clean_shutdown ? " (clean shutdown)" : "");
  }
  if (options_.retention_every > 0 && epoch % options_.retention_every == 0) ApplyRetention();
}

void StreamEngine::ApplyRetention() {
  // Called with mu_ held, between epochs: positions are the committed ones.
  std::map<storage::TopicPartition, uint64_t> low;
  int64_t now = WallMicros();
  for (const auto& [tp, range] : log_.Partitions()) {
    auto cut = log_.PolicyCut(tp, now);
    low[tp] = cut.ok() ? *cut : range.first;
  }
  for (auto& [id, e] : dataflows_) {
    if (!e.broken.ok() || e.needs_backfill) continue;  // these start again from a snapshot
    for (auto* src : e.df->sources()) {
      auto tps = src->Partitions();
      auto pos = src->Positions();
      for (size_t i = 0; i < tps.size() && i < pos.size(); i++) {
        auto it = low.find(tps[i]);
        if (it != low.end()) it->second = std::min(it->second, pos[i]);
      }
    }
  }
  for (const auto& [id, hold] : holds_) {
    for (const auto& [tp, pos] : hold) {
      auto it = low.find(tp);
      if (it != low.end()) it->second = std::min(it->second, pos);
    }
  }
  storage::WriteBatch batch(store_);
  std::vector<std::pair<storage::TopicPartition, uint64_t>> starts;
  for (const auto& [tp, below] : low) {
    auto start = log_.Truncate(tp, below, batch);
    if (start.ok()) starts.emplace_back(tp, *start);
  }
  if (batch.Count() == 0) return;
  if (!store_.Write(batch, false).ok()) return;  // retried at the next pass
  for (const auto& [tp, start] : starts) log_.SetStartOffset(tp, start);
}

Status StreamEngine::CheckStateBudget(const executor::Dataflow& df, size_t epoch_bytes) const {
  if (options_.max_epoch_view_bytes > 0 && epoch_bytes > options_.max_epoch_view_bytes) {
    return Status::Error(sqlstate::kOutOfMemory,
                         "out of memory: the materialized view's changes in one epoch passed " +
                             FormatBytes(static_cast<int64_t>(epoch_bytes)) +
                             " (a quarter of --memory-limit); the view stops with this error "
                             "until it is dropped");
  }
  size_t limit = options_.max_view_state_entries;
  if (limit == 0) return Status::OK();
  size_t entries = df.StateSize();
  if (entries <= limit) return Status::OK();
  return Status::Error(sqlstate::kOutOfMemory,
                       "out of memory: the materialized view's state passed its budget (" +
                           std::to_string(entries) + " entries, --view-state-limit " +
                           std::to_string(limit) +
                           "); the view stops with this error until it is dropped");
}

Status StreamEngine::RunDataflow(Entry& e, storage::WriteBatch& batch,
                                 const std::map<storage::TopicPartition, uint64_t>& ends,
                                 uint64_t seq) {
  executor::Dataflow& df = *e.df;
  df.ctx().batch = &batch;
  size_t batch_start = batch.ByteSize();
  // What this dataflow's epoch holds so far: its part of the batch and what its operators
  // consolidate until the barrier.
  auto epoch_bytes = [&df, &batch, batch_start] {
    return batch.ByteSize() - batch_start + df.EpochBytes();
  };
  df.ctx().check_budget = [this, &df, epoch_bytes] { return CheckStateBudget(df, epoch_bytes()); };
  df.ctx().epoch = epoch_.load();
  df.ctx().backfilling = e.backfilling;
  int64_t now = WallMicros();
  for (auto* src : df.sources()) src->BeginEpoch(now);
  for (auto* src : df.sources()) {
    std::vector<uint64_t> targets;
    for (const auto& tp : src->Partitions()) {
      auto it = ends.find(tp);
      targets.push_back(it == ends.end() ? 0 : it->second);
    }
    src->SetTargets(targets);
  }
  // Backfill rows are replayed with a budget; the log is read up to the targets in full, so an
  // epoch never ends inside a transaction.
  size_t budget = options_.backfill_budget;
  // Tables first, then streams: a lookup join then sees the table as of this epoch's commits.
  std::vector<executor::SourceOperator*> order;
  for (auto* src : df.sources()) {
    if (!src->Streaming()) order.push_back(src);
  }
  for (auto* src : df.sources()) {
    if (src->Streaming()) order.push_back(src);
  }
  // A backfill's epoch ends once its changes fill an eighth of max_epoch_view_bytes (the rest
  // waits for the next epoch), and each source is polled in steps sized by the changes its rows
  // produced so far, so a backfill whose joins fan out (a cross product) holds a bounded batch
  // instead of failing or outgrowing memory.
  const size_t epoch_target =
      options_.max_epoch_view_bytes > 0 ? options_.max_epoch_view_bytes / 8 : SIZE_MAX;
  constexpr size_t kFirstBackfillPoll = 64;
  for (auto* src : order) {
    while (true) {
      bool was_backfilling = src->Backfilling();
      if (was_backfilling && budget == 0) break;
      size_t want = SIZE_MAX;
      if (was_backfilling) {
        auto it = e.backfill_poll.try_emplace(src, kFirstBackfillPoll).first;
        want = std::min(budget, it->second);
      }
      size_t before = epoch_bytes();
      ASSIGN_OR_RETURN(size_t n, src->Poll(want));
      size_t held = epoch_bytes();
      if (was_backfilling) {
        budget -= std::min(budget, n);
        if (n > 0 && epoch_target != SIZE_MAX) {
          size_t per_row = (held > before ? held - before : 0) / n + 1;
          e.backfill_poll[src] =
              std::clamp<size_t>(epoch_target / 4 / per_row, 1, options_.backfill_budget);
        }
        if (held >= epoch_target) budget = 0;
      }
      RETURN_IF_ERROR(CheckStateBudget(df, held));
      if (!was_backfilling && !recovery_.done) recovery_.replayed_records += n;
      if (n == 0 && !src->Backfilling()) break;
    }
  }
  for (auto* src : df.sources()) RETURN_IF_ERROR(src->InjectBarrier());
  bool backfilling = false;
  for (auto* src : df.sources()) backfilling |= src->Backfilling();
  if (e.backfilling && !backfilling) {
    batch.Put(storage::Space::kMeta, MetaKey(df.id()), "done");
  }
  e.backfilling = backfilling;
  bool caught_up = true;
  for (auto* src : df.sources()) {
    more_ |= src->HasMore();
    caught_up &= src->CaughtUp();
  }
  if (backfilling) {
    more_ = true;
  } else if (caught_up) {
    e.covered_seq = seq;
  }
  df.ctx().batch = nullptr;
  df.ctx().check_budget = nullptr;
  return Status::OK();
}

void StreamEngine::UpdateVisible(uint64_t seq) {
  uint64_t visible = seq;
  for (auto& [id, e] : dataflows_) {
    if (!e.broken.ok()) continue;
    visible = std::min(visible, e.covered_seq);
  }
  if (visible > visible_seq_) visible_seq_ = visible;
}

void StreamEngine::ReloadAll() {
  for (auto& [id, e] : dataflows_) {
    auto fresh = compiler_(id);
    if (!fresh.ok()) {
      e.broken = fresh.status();
      continue;
    }
    std::string done;
    auto found = store_.Get(storage::Space::kMeta, MetaKey(id), &done);
    Status s = found.ok() ? Status::OK() : found.status();
    if (s.ok() && *found) s = (*fresh)->Restore(store_);
    if (!s.ok()) {
      e.broken = s;
      continue;
    }
    e.df = std::move(*fresh);
    e.needs_backfill = !*found;
    e.backfilling = !*found;
  }
}

}  // namespace freshet::engine
