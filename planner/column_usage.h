#pragma once

#include <unordered_map>
#include <vector>

#include "planner/logical_plan.h"

namespace freshet::planner {

/// Which columns of each scan a plan actually reads, so scans can skip producing the others
/// (a generator need not build strings nobody reads). Conservative: any node it does not model,
/// and any expression holding a subquery, reads every column of its input.
class ColumnUsage {
 public:
  explicit ColumnUsage(const LogicalPlan& root);
  /// The columns read from scan node `scan` (true = read), or null when the scan was not reached
  /// (read everything then).
  const std::vector<bool>* ForScan(const LogicalPlan& scan) const;

 private:
  void Visit(const LogicalPlan& p, std::vector<bool> needed);
  std::unordered_map<const LogicalPlan*, std::vector<bool>> scans_;
};

}  // namespace freshet::planner
