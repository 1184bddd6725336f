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
  kMeta,     // format version, id counters
  kCount,
};

class Transaction;

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

/// Freshet's durable store: one RocksDB instance per data directory. The only code that touches
/// RocksDB lives in storage/. Thread-safe.
class Store {
 public:
  static constexpr uint32_t kFormatVersion = 1;

  ~Store();
  /// Opens (creating if needed) the store in `dir`. Refuses a directory written by another
  /// format version, and reports corruption or I/O problems as errors.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir);

  /// Starts an optimistic transaction: reads see its own writes; Commit fails with 40001 if a
  /// key it read for update or wrote was changed by another transaction that committed first.
  std::unique_ptr<Transaction> Begin();

  /// Reads a committed value outside any transaction.
  Result<bool> Get(Space space, std::string_view key, std::string* value);
  /// Writes one key durably (sync), outside any transaction.
  Status Put(Space space, std::string_view key, std::string_view value);
  /// Visits committed keys in [begin, end) in order; stop early by returning false.
  Status Scan(Space space, std::string_view begin, std::string_view end,
              const std::function<bool(std::string_view, std::string_view)>& visit);

  const std::string& dir() const { return dir_; }

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl, std::string dir);
  std::unique_ptr<Impl> impl_;
  std::string dir_;
  friend class Transaction;
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
