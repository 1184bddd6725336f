#include "common/memory_budget.h"

#include <algorithm>
#include <cstdio>

namespace freshet {

bool MemoryPool::TryReserve(int64_t bytes) {
  int64_t cur = used_.load(std::memory_order_relaxed);
  while (true) {
    if (cur + bytes > limit_) return false;
    if (used_.compare_exchange_weak(cur, cur + bytes, std::memory_order_relaxed)) return true;
  }
}

MemoryReservation::~MemoryReservation() {
  if (pool_ && reserved_ > 0) pool_->Release(reserved_);
}

Status MemoryReservation::Grow(int64_t bytes, const char* what) {
  used_ += bytes;
  if (cap_ > 0 && used_ > cap_) {
    return Status::Error(sqlstate::kOutOfMemory,
                         std::string("out of memory: ") + what + " needs more than this " +
                             "statement's memory budget (statement_mem = " + FormatBytes(cap_) +
                             ")");
  }
  if (used_ <= reserved_ || !pool_) return Status::OK();
  int64_t step = std::max(kStepBytes, used_ - reserved_);
  if (!pool_->TryReserve(step)) {
    return Status::Error(sqlstate::kOutOfMemory,
                         std::string("out of memory: ") + what + " needs more memory than the " +
                             "server has left for statements (--memory-limit " +
                             FormatBytes(pool_->limit()) + ", " + FormatBytes(pool_->used()) +
                             " in use)");
  }
  reserved_ += step;
  return Status::OK();
}

int64_t RowBytes(const Row& row) {
  int64_t bytes = static_cast<int64_t>(sizeof(Row) + row.size() * sizeof(Value));
  for (const Value& v : row) {
    size_t n = v.GetString().size();
    if (n > 15) bytes += static_cast<int64_t>(n);  // beyond the inline (small-string) buffer
  }
  return bytes;
}

std::string FormatBytes(int64_t bytes) {
  char buf[32];
  if (bytes >= (int64_t{1} << 30) && bytes % (int64_t{1} << 30) == 0) {
    std::snprintf(buf, sizeof(buf), "%lld GB", static_cast<long long>(bytes >> 30));
  } else if (bytes >= (1 << 20)) {
    std::snprintf(buf, sizeof(buf), "%.0f MB", static_cast<double>(bytes) / (1 << 20));
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f kB", static_cast<double>(bytes) / 1024);
  }
  return buf;
}

}  // namespace freshet
