#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
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
  /// Time between checkpoints: the first epoch commit after this much time is fsync'd (a
  /// checkpoint). Every epoch commit is atomic and reaches the OS at once, which survives a
  /// process crash; a checkpoint bounds what a power loss can take back (replayed from the log).
  int checkpoint_interval_ms = 1000;
  /// Bytes of log publications one epoch processes at most (bounds an epoch's memory when the
  /// views are behind; lag then stays in the log).
  uint64_t epoch_max_bytes = 16 << 20;
  /// Ingest backpressure: writes wait while the log holds more bytes than this that the views
  /// have not processed (0 = no bound) ...
  uint64_t max_pending_log_bytes = 1ull << 30;
  /// ... or fail with 53400 instead of waiting.
  bool reject_when_log_full = false;
  /// How often a foreground CREATE MATERIALIZED VIEW reports backfill progress.
  int progress_interval_ms = 2000;
  /// Epochs between log retention passes (table topics keep what some view has not consumed).
  int retention_every = 20;
  /// Memory the batch executor's statements may hold at once, summed over sessions
  /// (--memory-limit; 0 = half the machine's RAM). A statement that needs more fails alone with
  /// 53200; so does one past its own statement_mem setting.
  int64_t memory_limit_bytes = 0;
  /// State entries one materialized view may hold (--view-state-limit; 0 = the memory limit
  /// over Database::kBytesPerStateEntry, 512). A view past it fails with 53200, is marked broken
  /// (freshet_catalog.dataflows shows the error) and stops; every other view and session keeps
  /// running.
  size_t max_view_state_entries = 0;
  /// Bytes of changes one view may add to an epoch's batch (held in memory until the epoch
  /// commits; 0 = a quarter of the memory limit). Past it the view fails as above.
  size_t max_epoch_view_bytes = 0;
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

/// One checkpoint: the epoch whose commit was synced, when, the bytes the epochs since the
/// previous checkpoint committed, and how long the synced write took.
struct CheckpointInfo {
  uint64_t epoch = 0;
  int64_t time_micros = 0;  // wall clock, microseconds since 2000-01-01
  uint64_t bytes = 0;
  uint64_t epochs = 0;  // epoch commits the checkpoint made durable
  int64_t duration_micros = 0;
  bool shutdown = false;  // written by a clean shutdown
};

/// What the last start recovered: the state restored and the log replayed after it.
struct RecoveryInfo {
  int64_t started_micros = 0;     // wall clock
  uint64_t checkpoint_epoch = 0;  // the last epoch committed before the restart
  bool clean_shutdown = false;    // the previous run ended with a shutdown checkpoint
  size_t dataflows = 0;           // restored from their state
  size_t state_entries = 0;       // operator state entries loaded
  int64_t store_open_micros = 0;  // opening RocksDB (its own WAL replay after a crash)
  int64_t restore_micros = 0;     // loading state
  uint64_t replayed_records = 0;  // log records read to catch up
  int64_t replay_micros = 0;      // from the end of the restore to caught up
  bool done = false;              // caught up with everything published before the start
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
  /// Clean shutdown: processes what was published (for at most `max_wait_ms`), writes a
  /// checkpoint marked as a shutdown one, and stops; the next start replays nothing.
  Status Shutdown(int max_wait_ms = 10000);

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
  /// Visits the view's rows whose encoded keys are in [begin, end) ("" end: to the last) at
  /// `snapshot`, in key order (MaterializeOp::Scan); its error when the view is broken.
  Status ScanView(uint64_t id, std::string_view begin, std::string_view end,
                  const std::vector<SqlType>& types, const storage::Snapshot& snapshot,
                  const std::function<Result<bool>(Row& row)>& visit);
  /// The row of a keyed view with the given key values, at `snapshot`.
  Result<executor::RowSet> ReadKey(uint64_t id, const Row& key, const std::vector<SqlType>& types,
                                   const storage::Snapshot& snapshot);

  /// Held by writers across commit + Log::Publish, and by the engine when it takes a backfill
  /// snapshot, so a snapshot and the published end offsets always agree.
  std::mutex& commit_mutex() { return commit_mu_; }
  /// Wakes the worker after a publication when someone waits for it.
  void NotifyCommit();

  std::vector<DataflowInfo> Info();
  /// Recent checkpoints, oldest first (the last one of the previous run first after a restart).
  std::vector<CheckpointInfo> Checkpoints();
  RecoveryInfo Recovery();
  /// Per view: (topic, partition, offset) consumed as of the last committed epoch. Does not wait
  /// for an epoch in progress (consumer lag is asked while views are behind).
  std::vector<std::pair<uint64_t, std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>>>
  CommittedPositions();
  /// Called by the owner once every view was added at startup: recovery's restore phase ends.
  void RestoreDone(int64_t store_open_micros, int64_t restore_micros);
  const StreamEngineOptions& options() const { return options_; }
  /// EXPLAIN lines of a running view.
  Result<std::vector<std::string>> Explain(uint64_t id);
  uint64_t epoch() const { return epoch_.load(); }
  /// The newest epoch whose commit is synced to disk (a checkpoint, or what the last start
  /// recovered): what external sinks may deliver.
  uint64_t durable_epoch() const { return durable_epoch_.load(); }
  /// The newest epoch whose commit is written (durable once the WAL is synced).
  uint64_t written_epoch() const { return written_epoch_.load(); }

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
    /// Per source, how many rows a backfill poll reads: it starts small and follows the bytes
    /// of changes a row produced last time, so a join that fans out backfills in small steps.
    std::map<const executor::SourceOperator*, size_t> backfill_poll;
  };

  /// OK when view `id` can be read: maintained, populated and not broken.
  Status CheckReadable(uint64_t id);
  void Run();
  void RunEpoch();
  /// 53200 when `df` holds more state entries than max_view_state_entries, or its changes in
  /// this epoch (`epoch_bytes` of the epoch's batch) passed max_epoch_view_bytes.
  Status CheckStateBudget(const executor::Dataflow& df, size_t epoch_bytes) const;
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
  /// Commits an epoch's batch, as a checkpoint (synced) when one is due or `force`d.
  Status CommitEpoch(uint64_t epoch, storage::WriteBatch& batch, bool force, bool shutdown);

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
  std::atomic<uint64_t> durable_epoch_{0};
  std::atomic<uint64_t> written_epoch_{0};
  // Checkpoints and recovery (under mu_).
  std::deque<CheckpointInfo> checkpoints_;
  int64_t last_checkpoint_steady_ = 0;
  uint64_t bytes_since_checkpoint_ = 0;
  uint64_t epochs_since_checkpoint_ = 0;
  RecoveryInfo recovery_;
  std::mutex positions_mu_;  // guards positions_ (not mu_: readable during an epoch)
  std::vector<std::pair<uint64_t, std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>>>
      positions_;
  Status commit_error_;  // the last epoch commit's failure, until one succeeds
  int64_t retry_at_steady_ = 0;
  uint64_t recovery_seq_ = 1;  // the publication replay must cover
  int64_t replay_start_steady_ = 0;
  std::mutex commit_mu_;
  std::thread worker_;
};

}  // namespace freshet::engine
