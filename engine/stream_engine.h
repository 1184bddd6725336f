#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "executor/dataflow.h"
#include "executor/executor.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::engine {

struct StreamEngineOptions {
  /// Time between barriers while there is data to process.
  int barrier_interval_ms = 100;
  /// Backfill rows replayed per source per epoch (bounds an epoch's memory).
  size_t backfill_budget = 64 * 1024;
  /// Every Nth epoch commit is synced (a checkpoint); the others reach the OS at once, which
  /// survives a process crash, and are replayed from the log after a power loss.
  int checkpoint_every = 10;
  /// How often a foreground CREATE MATERIALIZED VIEW reports backfill progress.
  int progress_interval_ms = 2000;
  /// Epochs between log retention passes (table topics keep what some view has not consumed).
  int retention_every = 20;
};

/// What the engine reports about one dataflow (freshet_catalog relations, tests).
struct DataflowInfo {
  uint64_t id = 0;
  bool backfilling = false;
  bool restored = false;  // started from persisted state (not recomputed)
  size_t backfill_rows = 0;
  size_t backfill_total = 0;  // rows of the view's tables when its backfill started
  size_t state_entries = 0;
  int64_t sink_changes = 0;  // a sink's discarded changes
  std::string error;         // non-empty when broken
  /// (topic, partition, consumed offset) per partition read.
  std::vector<std::tuple<uint64_t, uint32_t, uint64_t>> positions;
  /// Per source read: (source, partition, watermark or INT64_MIN, idle, watermarked).
  struct SourceMark {
    std::shared_ptr<const planner::TableDef> source;
    uint32_t partition;
    int64_t watermark;
    bool idle;
    bool watermarked;
    int64_t late_rows;  // the dataflow's late rows from this source (on partition 0's entry)
    uint64_t position;
  };
  std::vector<SourceMark> watermarks;
};

/// Runs every materialized view's dataflow on one worker thread, in epochs. An epoch reads the
/// log up to the end offsets published when it began, pushes the changes through every dataflow,
/// injects a barrier, and commits all dataflows' state changes, view rows and consumed offsets in
/// one RocksDB write batch, so all views advance together and a reader at any snapshot sees every
/// view at the same epoch. Recovery restores each dataflow's state and replays the log from its
/// committed offsets. Thread-safe.
class StreamEngine {
 public:
  /// Compiles the dataflow of view `id` from the catalog (new object, not yet started).
  using Compiler = std::function<Result<std::unique_ptr<executor::Dataflow>>(uint64_t id)>;

  StreamEngine(storage::Store& store, storage::Log& log, Compiler compiler,
               StreamEngineOptions options = {});
  ~StreamEngine();

  void Start();
  /// Finishes the current epoch and stops the worker.
  void Stop();

  /// Starts maintaining view `id` with `df`: restores its persisted state when an earlier run
  /// finished its backfill, otherwise clears partial state and backfills from a snapshot.
  Status Add(uint64_t id, std::unique_ptr<executor::Dataflow> df);
  /// Stops maintaining a view (its state stays until DropState).
  void Remove(uint64_t id);
  bool Has(uint64_t id);
  /// Deletes the persisted state of a view that no longer exists.
  Status DropState(uint64_t id);
  /// Ids of views with persisted state (to sweep state of views the catalog lost).
  Result<std::vector<uint64_t>> PersistedIds();

  /// Blocks until the dataflows of `views` (every dataflow when empty) reflect all log
  /// publications up to `seq` (a broken view does not hold the wait: reading it reports why).
  Status WaitFor(uint64_t seq, const std::atomic<bool>* cancel, int64_t deadline_micros,
                 const std::vector<uint64_t>& views = {});
  /// Blocks until view `id` has finished its backfill; `progress` is called every few seconds.
  Status WaitBackfill(uint64_t id, const std::function<void(size_t rows)>& progress,
                      const std::atomic<bool>* cancel, int64_t deadline_micros);
  /// The view's rows at `snapshot` (one per statement, so all views a statement reads are at the
  /// same epoch); its error when the view is broken.
  Result<executor::RowSet> Read(uint64_t id, const std::vector<SqlType>& types,
                                const storage::Snapshot& snapshot);
  /// The row of a keyed view with the given key values, at `snapshot`.
  Result<executor::RowSet> ReadKey(uint64_t id, const Row& key, const std::vector<SqlType>& types,
                                   const storage::Snapshot& snapshot);

  /// Held by writers across commit + Log::Publish, and by the engine when it takes a backfill
  /// snapshot, so a snapshot and the published end offsets always agree.
  std::mutex& commit_mutex() { return commit_mu_; }
  /// Wakes the worker after a publication when someone waits for it.
  void NotifyCommit();

  std::vector<DataflowInfo> Info();
  /// EXPLAIN lines of a running view.
  Result<std::vector<std::string>> Explain(uint64_t id);
  uint64_t epoch() const { return epoch_.load(); }

 private:
  struct Entry {
    std::unique_ptr<executor::Dataflow> df;
    bool needs_backfill = false;  // to start at the next epoch
    bool backfilling = false;
    bool restored = false;
    size_t backfill_total = 0;
    uint64_t covered_seq = 0;
    Status broken;
    uint64_t broken_at_seq = 0;
  };

  /// OK when view `id` can be read: maintained, populated and not broken.
  Status CheckReadable(uint64_t id);
  void Run();
  void RunEpoch();
  Status RunDataflow(Entry& e, storage::WriteBatch& batch,
                     const std::map<storage::TopicPartition, uint64_t>& ends, uint64_t seq);
  /// Rebuilds every dataflow from its persisted state (after a failed epoch commit).
  void ReloadAll();
  /// Marks a dataflow for a fresh backfill (its state range is cleared in `batch`).
  void ResetForBackfill(Entry& e, storage::WriteBatch& batch);
  bool HasWork();
  /// Whether some dataflow has not yet covered publication `seq` (or, broken, tried to rebuild
  /// past it). Called with mu_ held.
  bool Behind(uint64_t seq) const;
  void UpdateVisible(uint64_t seq);
  /// Deletes log records every dataflow has consumed (a table's rows live in the table).
  void ApplyRetention();
  static std::string MetaKey(uint64_t id);

  storage::Store& store_;
  storage::Log& log_;
  Compiler compiler_;
  StreamEngineOptions options_;

  std::mutex mu_;  // dataflows and epoch state; held by the worker during an epoch
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::map<uint64_t, Entry> dataflows_;
  /// Log positions of stopped views whose state is kept (a DROP that may roll back): retention
  /// keeps the records they would need to resume.
  std::map<uint64_t, std::vector<std::pair<storage::TopicPartition, uint64_t>>> holds_;
  uint64_t visible_seq_ = 0;
  uint64_t demand_seq_ = 0;
  uint64_t processed_seq_ = 0;  // publication sequence the last epoch read up to
  bool stop_ = false;
  bool more_ = false;  // an epoch left work behind (backfill in progress)
  std::atomic<uint64_t> epoch_{0};
  std::mutex commit_mu_;
  std::thread worker_;
};

}  // namespace freshet::engine
