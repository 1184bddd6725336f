#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace freshet::ingest {

/// Typed access to a source's WITH options, with PostgreSQL-style errors (22023) naming the
/// option. Keys are lower-case.
class OptionReader {
 public:
  explicit OptionReader(const std::vector<std::pair<std::string, std::string>>& options)
      : options_(options) {}

  bool Has(const std::string& key) const;
  std::string String(const std::string& key, const std::string& fallback) const;
  Result<int64_t> Int(const std::string& key, int64_t fallback, int64_t min = INT64_MIN,
                      int64_t max = INT64_MAX) const;
  Result<double> Double(const std::string& key, double fallback) const;
  Result<bool> Bool(const std::string& key, bool fallback) const;
  /// An interval option ('10 seconds', '500 ms', '7 days') in microseconds (months as 30 days).
  Result<int64_t> DurationMicros(const std::string& key, int64_t fallback) const;
  /// A timestamp option ('2024-01-01 00:00:00') in microseconds since 2000-01-01.
  Result<int64_t> Timestamp(const std::string& key, int64_t fallback) const;

 private:
  const std::string* Find(const std::string& key) const;
  const std::vector<std::pair<std::string, std::string>>& options_;
};

}  // namespace freshet::ingest
