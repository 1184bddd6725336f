#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/value.h"

namespace freshet {

/// The memory a server lets its statements hold (--memory-limit): every consumer reserves
/// before it grows and gives the memory back when done, so the sum stays under the limit.
/// Thread-safe.
class MemoryPool {
 public:
  explicit MemoryPool(int64_t limit_bytes) : limit_(limit_bytes) {}
  /// Takes `bytes` from the pool; false (and nothing taken) when that would pass the limit.
  bool TryReserve(int64_t bytes);
  void Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t limit() const { return limit_; }

 private:
  std::atomic<int64_t> used_{0};
  const int64_t limit_;
};

/// One statement's share of a MemoryPool, capped at `cap` bytes: grows in steps of
/// kStepBytes from the pool as the statement's operators hold more rows, and returns all of it
/// when destroyed. Not thread-safe (one statement, one thread).
class MemoryReservation {
 public:
  static constexpr int64_t kStepBytes = 1 << 20;

  /// `cap` 0: no cap of its own, only the pool's limit.
  MemoryReservation(MemoryPool* pool, int64_t cap) : pool_(pool), cap_(cap) {}
  ~MemoryReservation();
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  /// Accounts `bytes` more held by `what` ("a hash aggregate"). 53200 when the statement would
  /// pass its cap or the pool has no room left; the statement then fails alone.
  Status Grow(int64_t bytes, const char* what);
  void Shrink(int64_t bytes) { used_ -= bytes; }
  int64_t used() const { return used_; }
  int64_t cap() const { return cap_; }
  /// The most this statement held (what it took from the pool).
  int64_t reserved() const { return reserved_; }

 private:
  MemoryPool* pool_;
  const int64_t cap_;
  int64_t used_ = 0;
  int64_t reserved_ = 0;  // taken from the pool (>= used_)
};

/// Approximate bytes a row holds in memory: its values plus their out-of-line strings.
int64_t RowBytes(const Row& row);

/// "1.5 MB": a byte count for messages.
std::string FormatBytes(int64_t bytes);

}  // namespace freshet
