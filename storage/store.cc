#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/utilities/optimistic_transaction_db.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "common/varint.h"
#include "storage/key_codec.h"

namespace freshet::storage {
namespace {

constexpr const char* kSpaceNames[] = {"catalog", "data", "meta", "log", "state", "view"};
constexpr const char* kFormatKey = "format_version";

/// Converts a RocksDB status into a Freshet one (RocksDB types never leave storage/).
Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsBusy() || s.IsTryAgain()) {
    return Status::Error(sqlstate::kSerializationFailure,
                         "could not serialize access due to concurrent update");
  }
  if (s.IsNoSpace() || s.ToString().find("No space") != std::string::npos) {
    return Status::Error(sqlstate::kDiskFull, "could not write to the data directory: " + msg);
  }
  if (s.IsCorruption()) return Status::Error(sqlstate::kDataCorrupted, msg);
  if (s.IsIOError()) return Status::Error(sqlstate::kIoError, msg);
  return Status::Error(sqlstate::kInternalError, msg);
}

/// Merges (zigzag varint count, row bytes) values by adding the counts and keeping the first row:
/// the rows of append-only views are counted without reading them back.
class CountMerge : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    if (!existing) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    std::string_view a(existing->data(), existing->size()), b(value.data(), value.size());
    uint64_t ca, cb;
    if (!GetVarint(&a, &ca) || !GetVarint(&b, &cb)) return false;
    new_value->clear();
    PutVarint(new_value, ZigZag(UnZigZag(ca) + UnZigZag(cb)));
    new_value->append(a);
    return true;
  }
  const char* Name() const override { return "FreshetCountMerge"; }
};

/// Whether reads of `space` go through the block cache: the log is read once, in order, by
/// each view (caching it would grow memory with the lag), and operator state only at restore.
bool CachesReads(Space space) { return space != Space::kLog && space != Space::kState; }

}  // namespace

struct Store::Impl {
  std::unique_ptr<rocksdb::OptimisticTransactionDB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // [default, spaces...]
  rocksdb::ColumnFamilyHandle* Handle(Space s) { return handles[static_cast<size_t>(s) + 1]; }
  // Group commit (SyncWal): the sequence number the last fsync covered, whether one is running.
  std::mutex sync_mu;
  std::condition_variable sync_cv;
  uint64_t synced_seq = 0;
  bool syncing = false;
  uint64_t syncs = 0;
  uint64_t sync_requests = 0;
  // The first failed write (a full disk, an I/O error): every later write returns it without
  // touching RocksDB, whose WAL writer must not be synced after a failed append.
  std::atomic<bool> failed{false};
  std::mutex failed_mu;
  Status failure;
  Status Failure() {
    if (!failed.load(std::memory_order_acquire)) return Status::OK();
    std::lock_guard<std::mutex> lock(failed_mu);
    return failure;
  }
  /// Records `s` when it is a storage failure (not a conflict); returns it.
  Status Note(Status s) {
    if (s.ok() || s.sqlstate() == "40001") return s;
    std::lock_guard<std::mutex> lock(failed_mu);
    if (!failed.load()) {
      failure = Status::Error(s.sqlstate(), s.message() +
                                                " (the data directory takes no more writes until "
                                                "the server is restarted)");
      failed.store(true, std::memory_order_release);
    }
    return s;
  }
  ~Impl() {
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      handles.clear();
      db.reset();
    }
  }
};

struct Snapshot::Impl {
  rocksdb::DB* db;
  const rocksdb::Snapshot* snapshot;
  ~Impl() { db->ReleaseSnapshot(snapshot); }
};

Store::Store(std::unique_ptr<Impl> impl, std::string dir)
    : impl_(std::move(impl)), dir_(std::move(dir)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, StoreOptions store_options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::Error(sqlstate::kIoError,
                         "could not create data directory \"" + dir + "\": " + ec.message());
  }
  // RocksDB writes a new WAL and MANIFEST while it opens, and aborts when that fails midway:
  // refuse a (nearly) full file system up front, with a message that says so.
  struct statvfs fs;
  if (statvfs(dir.c_str(), &fs) == 0) {
    uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    if (free_bytes < kMinFreeBytes) {
      return Status::Error(sqlstate::kDiskFull,
                           "the file system of data directory \"" + dir + "\" has only " +
                               std::to_string(free_bytes / 1024) + " kB free; Freshet needs " +
                               std::to_string(kMinFreeBytes >> 20) +
                               " MB to start (free some space and start again)");
    }
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  // The state column family uses an unsorted vector memtable, which needs single-writer inserts;
  // writes are already serialized (one stream worker, sessions under the commit lock).
  options.allow_concurrent_memtable_write = false;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(store_options.block_cache_bytes);
  auto table_factory =
      std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table_options));
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const char* name : kSpaceNames) {
    rocksdb::ColumnFamilyOptions cf;
    cf.table_factory = table_factory;
    if (std::string(name) == "view") cf.merge_operator = std::make_shared<CountMerge>();
    // Operator state is written every epoch and read back only at restore: an unsorted memtable
    // makes each write an append (sorted once, at flush).
    if (std::string(name) == "state") {
      cf.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
      cf.write_buffer_size = 128 << 20;
    }
    cfs.emplace_back(name, cf);
  }
  auto impl = std::make_unique<Impl>();
  rocksdb::OptimisticTransactionDB* raw = nullptr;
  rocksdb::Status s;
  try {
    s = rocksdb::OptimisticTransactionDB::Open(options, dir + "/rocksdb", cfs, &impl->handles,
                                               &raw);
  } catch (const std::exception& e) {
    return Status::Error(sqlstate::kIoError, std::string("could not open store: ") + e.what());
  }
  if (!s.ok()) return FromRocks(s, "could not open the data directory \"" + dir + "\"");
  impl->db.reset(raw);
  auto store = std::unique_ptr<Store>(new Store(std::move(impl), dir));
  // Format version: written on creation, checked on every open.
  std::string version;
  ASSIGN_OR_RETURN(bool found, store->Get(Space::kMeta, kFormatKey, &version));
  if (!found) {
    RETURN_IF_ERROR(store->Put(Space::kMeta, kFormatKey, std::to_string(kFormatVersion)));
  } else if (version != std::to_string(kFormatVersion)) {
    return Status::Error(sqlstate::kDataCorrupted,
                         "data directory \"" + dir + "\" was written by format version " + version +
                             ", but this server uses format version " +
                             std::to_string(kFormatVersion));
  }
  return store;
}

Result<bool> Store::Get(Space space, std::string_view key, std::string* value,
                        const Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  if (snapshot) ro.snapshot = snapshot->impl_->snapshot;
  rocksdb::Status s =
      impl_->db->Get(ro, impl_->Handle(space), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return false;
  RETURN_IF_ERROR(FromRocks(s, "read failed"));
  return true;
}

Status Store::Put(Space space, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(impl_->Failure());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return impl_->Note(
      FromRocks(impl_->db->Put(wo, impl_->Handle(space), rocksdb::Slice(key.data(), key.size()),
                               rocksdb::Slice(value.data(), value.size())),
                "write failed"));
}

Status Store::Scan(Space space, std::string_view begin, std::string_view end,
                   const std::function<bool(std::string_view, std::string_view)>& visit) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = CachesReads(space);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->Handle(space)));
  for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!end.empty() && k >= end) break;
    if (!visit(k, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan failed");
}

// --- WriteBatch, snapshots, cursors ---

struct WriteBatch::Impl {
  Store::Impl* store;
  rocksdb::WriteBatch batch;
};

WriteBatch::WriteBatch(Store& store) : impl_(std::make_unique<Impl>()) {
  impl_->store = store.impl_.get();
}
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(Space space, std::string_view key, std::string_view value) {
  (void)impl_->batch.Put(impl_->store->Handle(space), rocksdb::Slice(key.data(), key.size()),
                         rocksdb::Slice(value.data(), value.size()));
}
void WriteBatch::MergeCount(Space space, std::string_view key, std::string_view value) {
  (void)impl_->batch.Merge(impl_->store->Handle(space), rocksdb::Slice(key.data(), key.size()),
                           rocksdb::Slice(value.data(), value.size()));
}

void WriteBatch::Delete(Space space, std::string_view key) {
  (void)impl_->batch.Delete(impl_->store->Handle(space), rocksdb::Slice(key.data(), key.size()));
}
void WriteBatch::DeleteRange(Space space, std::string_view begin, std::string_view end) {
  (void)impl_->batch.DeleteRange(impl_->store->Handle(space),
                                 rocksdb::Slice(begin.data(), begin.size()),
                                 rocksdb::Slice(end.data(), end.size()));
}
size_t WriteBatch::Count() const { return impl_->batch.Count(); }
size_t WriteBatch::ByteSize() const { return impl_->batch.GetDataSize(); }
void WriteBatch::Clear() { impl_->batch.Clear(); }
void WriteBatch::SetSavePoint() { impl_->batch.SetSavePoint(); }
Status WriteBatch::RollbackToSavePoint() {
  return FromRocks(impl_->batch.RollbackToSavePoint(), "batch rollback failed");
}
void WriteBatch::PopSavePoint() { (void)impl_->batch.PopSavePoint(); }

Status Store::Write(WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  // Through the base DB: the optimistic-transaction layer rejects range deletions, and its
  // conflict checks still see these writes (they compare memtable sequence numbers).
  RETURN_IF_ERROR(impl_->Failure());
  return impl_->Note(
      FromRocks(impl_->db->GetBaseDB()->Write(wo, &batch.impl_->batch), "write failed"));
}

Snapshot::Snapshot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Snapshot::~Snapshot() = default;

std::unique_ptr<Snapshot> Store::GetSnapshot() {
  auto impl = std::make_unique<Snapshot::Impl>();
  impl->db = impl_->db.get();
  impl->snapshot = impl_->db->GetSnapshot();
  return std::unique_ptr<Snapshot>(new Snapshot(std::move(impl)));
}

namespace {

/// Cursor over a RocksDB iterator on [begin, end) (end empty: unbounded).
class RocksCursor : public Cursor {
 public:
  RocksCursor(rocksdb::Iterator* it, std::string begin, std::string end)
      : it_(it), begin_(std::move(begin)), end_(std::move(end)) {
    it_->Seek(begin_);
  }
  bool Valid() const override {
    if (!it_->Valid()) return false;
    return end_.empty() || std::string_view(it_->key().data(), it_->key().size()) < end_;
  }
  std::string_view key() const override { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const override { return {it_->value().data(), it_->value().size()}; }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "scan failed"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string begin_;
  std::string end_;
};

/// A cursor that owns the upper-bound slice its ReadOptions point to.
class BoundedCursor : public Cursor {
 public:
  BoundedCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string begin,
                std::string end, const rocksdb::Snapshot* snapshot, bool fill_cache)
      : end_(std::move(end)), upper_(end_) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.fill_cache = fill_cache;
    if (!end_.empty()) ro.iterate_upper_bound = &upper_;
    it_.reset(db->NewIterator(ro, cf));
    it_->Seek(begin);
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const override { return {it_->value().data(), it_->value().size()}; }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "scan failed"); }

 private:
  std::string end_;
  rocksdb::Slice upper_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

std::unique_ptr<Cursor> Store::NewCursor(Space space, std::string_view begin, std::string_view end,
                                         const Snapshot* snapshot) {
  return std::make_unique<BoundedCursor>(
      impl_->db.get(), impl_->Handle(space), std::string(begin), std::string(end),
      snapshot ? snapshot->impl_->snapshot : nullptr, CachesReads(space));
}

Result<bool> Store::Last(Space space, std::string_view begin, std::string_view end,
                         std::string* key, std::string* value) {
  rocksdb::ReadOptions ro;
  std::string b(begin);
  rocksdb::Slice lower(b);
  ro.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->Handle(space)));
  if (end.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(rocksdb::Slice(end.data(), end.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(end.data(), end.size())) it->Prev();
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "scan failed"));
  if (!it->Valid()) return false;
  key->assign(it->key().data(), it->key().size());
  value->assign(it->value().data(), it->value().size());
  return true;
}

Status Store::Flush() {
  RETURN_IF_ERROR(impl_->Failure());
  rocksdb::FlushOptions fo;
  fo.wait = true;
  for (size_t i = 1; i < impl_->handles.size(); i++) {
    RETURN_IF_ERROR(FromRocks(impl_->db->Flush(fo, impl_->handles[i]), "flush failed"));
  }
  return Status::OK();
}

Status Store::SyncWal() {
  rocksdb::DB* db = impl_->db->GetBaseDB();
  const uint64_t target = db->GetLatestSequenceNumber();
  std::unique_lock<std::mutex> lock(impl_->sync_mu);
  impl_->sync_requests++;
  while (impl_->syncing) impl_->sync_cv.wait(lock);
  if (impl_->synced_seq >= target) return Status::OK();  // an fsync that started later covered us
  impl_->syncing = true;
  const uint64_t covers = db->GetLatestSequenceNumber();
  lock.unlock();
  Status s = impl_->Failure();
  if (s.ok()) s = impl_->Note(FromRocks(db->SyncWAL(), "could not sync the write-ahead log"));
  lock.lock();
  impl_->syncing = false;
  impl_->syncs++;
  if (s.ok() && covers > impl_->synced_seq) impl_->synced_seq = covers;
  impl_->sync_cv.notify_all();
  return s;
}

uint64_t Store::wal_syncs() const {
  std::lock_guard<std::mutex> lock(impl_->sync_mu);
  return impl_->syncs;
}

uint64_t Store::wal_sync_requests() const {
  std::lock_guard<std::mutex> lock(impl_->sync_mu);
  return impl_->sync_requests;
}

uint64_t Store::ApproximateSize(Space space, std::string_view begin, std::string_view end) {
  std::string e = end.empty() ? std::string(1, '\xff') : std::string(end);
  rocksdb::Range r(rocksdb::Slice(begin.data(), begin.size()), rocksdb::Slice(e));
  uint64_t size = 0;
  rocksdb::SizeApproximationOptions o;
  o.include_memtables = true;
  o.include_files = true;
  (void)impl_->db->GetApproximateSizes(o, impl_->Handle(space), &r, 1, &size);
  return size;
}

uint64_t Store::ApproximateCount(Space space, std::string_view begin, std::string_view end) {
  std::string e = end.empty() ? std::string(1, '\xff') : std::string(end);
  rocksdb::Range r(rocksdb::Slice(begin.data(), begin.size()), rocksdb::Slice(e));
  uint64_t mem_count = 0, mem_size = 0;
  impl_->db->GetApproximateMemTableStats(impl_->Handle(space), r, &mem_count, &mem_size);
  uint64_t file_bytes = 0;
  rocksdb::SizeApproximationOptions o;
  o.include_memtables = false;
  o.include_files = true;
  if (!impl_->db->GetApproximateSizes(o, impl_->Handle(space), &r, 1, &file_bytes).ok() ||
      file_bytes == 0) {
    return mem_count;
  }
  rocksdb::TablePropertiesCollection props;
  if (!impl_->db->GetPropertiesOfTablesInRange(impl_->Handle(space), &r, 1, &props).ok()) {
    return mem_count;
  }
  uint64_t entries = 0, data_bytes = 0;
  for (const auto& [file, p] : props) {
    entries += p->num_entries;
    data_bytes += p->data_size;
  }
  if (entries == 0 || data_bytes == 0) return mem_count;
  double per_byte = static_cast<double>(entries) / static_cast<double>(data_bytes);
  return mem_count + static_cast<uint64_t>(static_cast<double>(file_bytes) * per_byte);
}

// --- Transaction ---

struct Transaction::Impl {
  Store::Impl* store;
  std::unique_ptr<rocksdb::Transaction> txn;
  bool wrote = false;
};

std::unique_ptr<Transaction> Store::Begin() {
  auto impl = std::make_unique<Transaction::Impl>();
  impl->store = impl_.get();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::OptimisticTransactionOptions to;
  to.set_snapshot = true;
  impl->txn.reset(impl_->db->BeginTransaction(wo, to));
  return std::unique_ptr<Transaction>(new Transaction(std::move(impl)));
}

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::~Transaction() = default;

void Transaction::Put(Space space, std::string_view key, std::string_view value) {
  impl_->wrote = true;
  // Optimistic transactions only fail Put on conflicts detected at commit.
  (void)impl_->txn->Put(impl_->store->Handle(space), rocksdb::Slice(key.data(), key.size()),
                        rocksdb::Slice(value.data(), value.size()));
}

void Transaction::Delete(Space space, std::string_view key) {
  impl_->wrote = true;
  (void)impl_->txn->Delete(impl_->store->Handle(space), rocksdb::Slice(key.data(), key.size()));
}

Status Transaction::DeleteRange(Space space, std::string_view begin, std::string_view end) {
  std::vector<std::string> keys;
  auto cursor = Scan(space, begin, end);
  for (; cursor->Valid(); cursor->Next()) keys.emplace_back(cursor->key());
  RETURN_IF_ERROR(cursor->status());
  for (const auto& k : keys) Delete(space, k);
  return Status::OK();
}

Result<bool> Transaction::Get(Space space, std::string_view key, std::string* value) {
  rocksdb::ReadOptions ro;
  rocksdb::Status s = impl_->txn->GetForUpdate(ro, impl_->store->Handle(space),
                                               rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return false;
  RETURN_IF_ERROR(FromRocks(s, "read failed"));
  return true;
}

std::unique_ptr<Cursor> Transaction::Scan(Space space, std::string_view begin,
                                          std::string_view end) {
  if (!impl_->wrote) {
    // Nothing of its own to merge in: the committed data, read directly (bounded, without the
    // write batch's overlay). Writes made while the cursor is open are not seen by it.
    return std::make_unique<BoundedCursor>(impl_->store->db.get(), impl_->store->Handle(space),
                                           std::string(begin), std::string(end), nullptr,
                                           CachesReads(space));
  }
  rocksdb::ReadOptions ro;
  return std::make_unique<RocksCursor>(impl_->txn->GetIterator(ro, impl_->store->Handle(space)),
                                       std::string(begin), std::string(end));
}

Status Transaction::Commit(bool sync) {
  if (!impl_->wrote) {
    impl_->txn->Rollback();
    return Status::OK();
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  impl_->txn->SetWriteOptions(wo);
  RETURN_IF_ERROR(impl_->store->Failure());
  return impl_->store->Note(FromRocks(impl_->txn->Commit(), "commit failed"));
}

void Transaction::Rollback() { (void)impl_->txn->Rollback(); }
void Transaction::SetSavePoint() { impl_->txn->SetSavePoint(); }
Status Transaction::RollbackToSavePoint() {
  return FromRocks(impl_->txn->RollbackToSavePoint(), "rollback to savepoint failed");
}
void Transaction::PopSavePoint() { (void)impl_->txn->PopSavePoint(); }
bool Transaction::HasWrites() const { return impl_->wrote; }

}  // namespace freshet::storage
