#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "common/value.h"

namespace freshet::executor {

/// Counters of what statements wrote to temporary files (pg_stat_database's temp_files and
/// temp_bytes). Shared by every session of a server; thread-safe.
struct SpillStats {
  std::atomic<int64_t> files{0};
  std::atomic<int64_t> bytes{0};
};

/// Where and how far one statement's sorts, hash aggregates, hash joins and DISTINCTs may spill:
/// an operator that holds more than `work_mem_bytes` moves rows to temporary files in `dir`
/// instead of failing; all of a statement's files together stay under `temp_file_limit_bytes`
/// (-1: no limit) or the statement fails with 53400.
struct SpillContext {
  std::string dir;
  int64_t work_mem_bytes = 64 << 20;
  int64_t temp_file_limit_bytes = -1;
  SpillStats* stats = nullptr;  // may be null
  int64_t written_bytes = 0;    // this statement's, checked against the limit
};

/// Rows written once, in order, then read back in the same order, any number of times: an
/// unlinked temporary file (nothing is left behind by a crash) behind a write buffer. Values
/// carry their own types, so a row reads back exactly as it was written. Errors are values:
/// 53100 when the disk is full, 53400 past temp_file_limit, 58030 for other I/O failures.
/// Not thread-safe (one operator of one statement).
class SpillFile {
 public:
  /// Creates an empty file in `spill->dir`.
  static Result<std::unique_ptr<SpillFile>> Create(SpillContext* spill);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  /// Appends a row (buffered; may write).
  Status Append(const Row& row);
  /// Reads the rows back in order from the start; several readers may be open at once. The
  /// file must outlive its readers and not be appended to while they read.
  class Reader {
   public:
    /// The next row into `row` (its Values reused); false at the end.
    Result<bool> Next(Row* row);

   private:
    friend class SpillFile;
    explicit Reader(const SpillFile* file) : file_(file) {}
    Status Fill();
    const SpillFile* file_;
    std::string buffer_;
    size_t pos_ = 0;
    int64_t offset_ = 0;  // file offset of the end of buffer_
  };
  /// Flushes what is buffered and opens a reader at the first row.
  Result<Reader> Read();
  /// Reads every row back in order; `visit` returning false stops early.
  Status ReadAll(const std::function<Result<bool>(Row& row)>& visit);

  int64_t rows() const { return rows_; }
  /// Bytes written so far (including what is still buffered).
  int64_t bytes() const { return bytes_; }

 private:
  SpillFile(SpillContext* spill, int fd) : spill_(spill), fd_(fd) {}
  Status Flush();

  SpillContext* spill_;
  int fd_;
  std::string buffer_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  int64_t flushed_ = 0;  // bytes on disk
};

}  // namespace freshet::executor
