#pragma once

#include <cstdint>

namespace freshet {

/// A PostgreSQL interval: months, days and microseconds, kept apart as PostgreSQL does.
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;

  bool operator==(const Interval& o) const {
    return months == o.months && days == o.days && micros == o.micros;
  }
  /// Comparison key as PostgreSQL compares intervals (30-day months, 24-hour days).
  __int128 SortKey() const {
    return (static_cast<__int128>(months) * 30 + days) * 86400000000LL + micros;
  }
};

}  // namespace freshet
