#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace freshet::storage {

/// The keyspaces of the store (RocksDB column families).
enum class Space : uint8_t {
  kCatalog,  // object definitions, by id
  kData,     // table rows: table id (8 bytes BE) + primary key or row id
  kMeta,     // format version, id counters, dataflow positions
  kLog,      // the partitioned log: topic id + partition + base offset -> record batch
  kState,    // operator state: state table id + key -> value (written at epochs, read at restore)
  kView,     // what readers read: view rows and late rows, by state table id + key
  kCount,
};

class Store;
class Transaction;
class Snapshot;

/// A set of writes applied atomically by Store::Write (the dataflow's per-epoch commit).
class WriteBatch {
 public:
  explicit WriteBatch(Store& store);
  ~WriteBatch();
  void Put(Space space, std::string_view key, std::string_view value);
  void Delete(Space space, std::string_view key);
  /// Space::kView only: adds a (zigzag varint count, row) operand to the key's count; the first
  /// row is kept (append-only view rows need no read-modify-write).
  void MergeCount(Space space, std::string_view key, std::string_view value);
  /// Deletes every key in [begin, end) (a range tombstone: cheap however many keys it covers).
  void DeleteRange(Space space, std::string_view begin, std::string_view end);
  size_t Count() const;
  size_t ByteSize() const;
  void Clear();
  /// Marks a point to roll back to (the writes of one dataflow within an epoch's batch).
  void SetSavePoint();
  Status RollbackToSavePoint();
  void PopSavePoint();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class Store;
};

/// Ordered cursor over one key range of a transaction's view (its own writes merged over the
/// committed data).
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  /// The error that ended iteration, if any.
  virtual Status status() const = 0;
};

/// How a store uses memory.
struct StoreOptions {
  /// RocksDB's cache of uncompressed data blocks, shared by every space: scans and point reads
  /// of what it holds skip the file read and the decompression.
  uint64_t block_cache_bytes = 64 << 20;
};

/// Freshet's durable store: one RocksDB instance per data directory. The only code that touches
/// RocksDB lives in storage/. Thread-safe.
class Store {
 public:
  static constexpr uint32_t kFormatVersion = 3;
  /// Free space the data directory's file system needs for Open to proceed.
  static constexpr uint64_t kMinFreeBytes = 8 << 20;

  ~Store();
  /// Opens (creating if needed) the store in `dir`. Refuses a directory written by another
  /// format version, and reports corruption or I/O problems as errors.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, StoreOptions options = {});

  /// Starts an optimistic transaction: reads see its own writes; Commit fails with 40001 if a
  /// key it read for update or wrote was changed by another transaction that committed first.
  std::unique_ptr<Transaction> Begin();

  /// Reads a committed value outside any transaction (at `snapshot` when given).
  Result<bool> Get(Space space, std::string_view key, std::string* value,
                   const Snapshot* snapshot = nullptr);
  /// Writes one key durably (sync), outside any transaction.
  Status Put(Space space, std::string_view key, std::string_view value);
  /// Visits committed keys in [begin, end) in order; stop early by returning false.
  Status Scan(Space space, std::string_view begin, std::string_view end,
              const std::function<bool(std::string_view, std::string_view)>& visit);

  /// Applies a batch atomically; durable (fsync'd WAL) when `sync`.
  Status Write(WriteBatch& batch, bool sync);
  /// A consistent point-in-time view of the committed data; released when destroyed.
  std::unique_ptr<Snapshot> GetSnapshot();
  /// Cursor over committed keys in [begin, end) (end empty = to the end of the space), at
  /// `snapshot` when given.
  std::unique_ptr<Cursor> NewCursor(Space space, std::string_view begin, std::string_view end,
                                    const Snapshot* snapshot = nullptr);
  /// The last committed key in [begin, end) and its value; false when the range is empty.
  Result<bool> Last(Space space, std::string_view begin, std::string_view end, std::string* key,
                    std::string* value);
  /// Flushes memtables and waits, so a later kill -9 needs no WAL replay (clean shutdown).
  Status Flush();
  /// Makes every write committed before the call durable (fsyncs the WAL). Group commit:
  /// concurrent callers share one fsync — a caller whose writes an fsync in progress did not
  /// cover waits for it and then leads the next one.
  Status SyncWal();
  /// WAL fsyncs SyncWal issued, and SyncWal calls (group commit lets one fsync cover many).
  uint64_t wal_syncs() const;
  uint64_t wal_sync_requests() const;
  /// Approximate on-disk bytes of [begin, end) in a space.
  uint64_t ApproximateSize(Space space, std::string_view begin, std::string_view end);
  /// Approximate number of keys in [begin, end) of a space (memtables counted, files estimated
  /// from their bytes in the range and their average entry size); for the planner's estimates,
  /// never for results.
  uint64_t ApproximateCount(Space space, std::string_view begin, std::string_view end);

  const std::string& dir() const { return dir_; }

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl, std::string dir);
  std::unique_ptr<Impl> impl_;
  std::string dir_;
  friend class Transaction;
  friend class Snapshot;
  friend class WriteBatch;
};

/// A point-in-time view of the store (see Store::GetSnapshot).
class Snapshot {
 public:
  ~Snapshot();

 private:
  struct Impl;
  explicit Snapshot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Store;
};

/// A set of writes that becomes visible and durable atomically at Commit.
class Transaction {
 public:
  ~Transaction();
  void Put(Space space, std::string_view key, std::string_view value);
  void Delete(Space space, std::string_view key);
  /// Deletes every key in [begin, end) visible to this transaction.
  Status DeleteRange(Space space, std::string_view begin, std::string_view end);
  /// Reads `key` as this transaction sees it, and registers it for conflict checking.
  Result<bool> Get(Space space, std::string_view key, std::string* value);
  /// Cursor over [begin, end) as this transaction sees it.
  std::unique_ptr<Cursor> Scan(Space space, std::string_view begin, std::string_view end);
  /// Makes every write durable (fsync'd WAL when `sync`) and visible, atomically.
  Status Commit(bool sync = true);
  void Rollback();
  /// Statement-level savepoints.
  void SetSavePoint();
  Status RollbackToSavePoint();
  void PopSavePoint();
  /// True when the transaction wrote anything.
  bool HasWrites() const;

 private:
  struct Impl;
  explicit Transaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Store;
};

}  // namespace freshet::storage
