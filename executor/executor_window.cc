#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "function/cast.h"

// Window functions (OVER ...), window table functions (TUMBLE, HOP, SESSION) and session
// assignment.

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;
using planner::LogicalPlan;
using planner::PlanKind;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

void AssignSessions(const std::vector<int64_t>& ts, int64_t gap,
                    std::vector<std::pair<int64_t, int64_t>>* out) {
  out->assign(ts.size(), {INT64_MIN, INT64_MIN});
  size_t i = 0;
  while (i < ts.size()) {
    if (ts[i] == INT64_MIN) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < ts.size() && ts[j] != INT64_MIN && ts[j] - ts[j - 1] < gap) j++;
    for (size_t k = i; k < j; k++) (*out)[k] = {ts[i], ts[j - 1] + gap};
    i = j;
  }
}

Result<RowSet> Executor::ExecWindowTvf(const LogicalPlan& plan) {
  ASSIGN_OR_RETURN(RowSet in, Execute(*plan.children[0]));
  const planner::WindowSpec& w = plan.window;
  SqlType t = plan.types.back();
  RowSet out;
  auto emit = [&](const Row& r, int64_t start, int64_t end) {
    Row o = r;
    o.push_back(start == INT64_MIN ? Value::Null(t) : Value::FromInt(t, start));
    o.push_back(end == INT64_MIN ? Value::Null(t) : Value::FromInt(t, end));
    out.push_back(std::move(o));
  };
  if (w.kind != planner::WindowSpec::Kind::kSession) {
    std::vector<std::pair<int64_t, int64_t>> windows;
    for (const Row& r : in) {
      const Value& ts = r[w.time_column];
      if (ts.is_null()) {
        emit(r, INT64_MIN, INT64_MIN);  // a row without a time is in no window: NULL bounds
        continue;
      }
      w.Windows(ts.GetInt(), &windows);
      for (const auto& [s, e] : windows) emit(r, s, e);
    }
    return out;
  }
  // Sessions per key: sort by (keys, time), then cut where the gap is reached.
  std::vector<size_t> order(in.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  auto key_less = [&](size_t a, size_t b) {
    for (int k : w.keys) {
      int c = Value::Compare(in[a][k], in[b][k]);
      if (c != 0) return c < 0;
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (key_less(a, b)) return true;
    if (key_less(b, a)) return false;
    return Value::Compare(in[a][w.time_column], in[b][w.time_column]) < 0;
  });
  size_t i = 0;
  std::vector<int64_t> ts;
  std::vector<std::pair<int64_t, int64_t>> sessions;
  while (i < order.size()) {
    size_t j = i + 1;
    while (j < order.size() && !key_less(order[i], order[j]) && !key_less(order[j], order[i])) j++;
    ts.clear();
    for (size_t k = i; k < j; k++) {
      const Value& v = in[order[k]][w.time_column];
      ts.push_back(v.is_null() ? INT64_MIN : v.GetInt());
    }
    AssignSessions(ts, w.gap, &sessions);
    for (size_t k = i; k < j; k++)
      emit(in[order[k]], sessions[k - i].first, sessions[k - i].second);
    i = j;
  }
  return out;
}

Result<RowSet> Executor::ExecWindow(const LogicalPlan& plan) {
  HeldMemory held(ctx_.memory);
  ASSIGN_OR_RETURN(RowSet rows, Hold(*plan.children[0], "a window function", &held));
  RETURN_IF_ERROR(ComputeWindows(plan.window_calls, &rows));
  return rows;
}

Status Executor::ComputeWindows(const std::vector<planner::WindowCall>& calls, RowSet* rows_in) {
  RowSet& rows = *rows_in;
  size_t n = rows.size();
  for (const planner::WindowCall& w : calls) {
    // Partition and order keys per row.
    std::vector<Row> pkeys(n), okeys(n);
    for (size_t i = 0; i < n; i++) {
      for (const auto& p : w.partition_by) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*p, rows[i]));
        pkeys[i].push_back(std::move(v));
      }
      for (const auto& o : w.order_by) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*o.expr, rows[i]));
        okeys[i].push_back(std::move(v));
      }
    }
    std::vector<size_t> idx(n);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    auto cmp_order = [&](size_t a, size_t b) {
      for (size_t k = 0; k < w.order_by.size(); k++) {
        const Value& x = okeys[a][k];
        const Value& y = okeys[b][k];
        if (x.is_null() || y.is_null()) {
          if (x.is_null() && y.is_null()) continue;
          return (x.is_null() == w.order_by[k].nulls_first) ? -1 : 1;
        }
        int c = Value::Compare(x, y);
        if (c != 0) return w.order_by[k].descending ? -c : c;
      }
      return 0;
    };
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      for (size_t k = 0; k < w.partition_by.size(); k++) {
        int c = Value::Compare(pkeys[a][k], pkeys[b][k]);
        if (c != 0) return c < 0;
      }
      return cmp_order(a, b) < 0;
    });
    std::vector<Value> result(n);
    size_t start = 0;
    while (start < n) {
      size_t end = start + 1;
      while (end < n && RowEq()(pkeys[idx[start]], pkeys[idx[end]])) end++;
      size_t len = end - start;
      // Peer group boundaries.
      std::vector<size_t> peer_start(len), peer_end(len);
      for (size_t i = 0; i < len; i++) {
        peer_start[i] =
            (i > 0 && cmp_order(idx[start + i - 1], idx[start + i]) == 0) ? peer_start[i - 1] : i;
      }
      for (size_t i = len; i-- > 0;) {
        peer_end[i] = (i + 1 < len && cmp_order(idx[start + i], idx[start + i + 1]) == 0)
                          ? peer_end[i + 1]
                          : i;
      }
      int64_t dense = 0;
      for (size_t i = 0; i < len; i++) {
        size_t row = idx[start + i];
        if (peer_start[i] == i) dense++;
        const std::string& name = w.name;
        if (name == "row_number") {
          result[row] = Value::Int64(static_cast<int64_t>(i + 1));
        } else if (name == "rank") {
          result[row] = Value::Int64(static_cast<int64_t>(peer_start[i] + 1));
        } else if (name == "dense_rank") {
          result[row] = Value::Int64(dense);
        } else if (name == "percent_rank") {
          result[row] =
              Value::Float64(len > 1 ? static_cast<double>(peer_start[i]) / (len - 1) : 0.0);
        } else if (name == "cume_dist") {
          result[row] = Value::Float64(static_cast<double>(peer_end[i] + 1) / len);
        } else if (name == "ntile") {
          ASSIGN_OR_RETURN(Value b, Evaluate(*w.args[0], rows[row]));
          int64_t buckets = b.is_null() ? 1 : b.GetInt();
          if (buckets <= 0) {
            return Status::Error(sqlstate::kInvalidParameterValue,
                                 "argument of ntile must be greater than zero");
          }
          int64_t per = static_cast<int64_t>(len) / buckets,
                  extra = static_cast<int64_t>(len) % buckets;
          int64_t pos = static_cast<int64_t>(i), bucket = 0, acc = 0;
          for (bucket = 0; bucket < buckets; bucket++) {
            acc += per + (bucket < extra ? 1 : 0);
            if (pos < acc) break;
          }
          result[row] = Value::Int32(static_cast<int32_t>(bucket + 1));
        } else if (name == "lag" || name == "lead") {
          int64_t off = 1;
          if (w.args.size() > 1) {
            ASSIGN_OR_RETURN(Value o, Evaluate(*w.args[1], rows[row]));
            off = o.is_null() ? 0 : o.GetInt();
          }
          int64_t target = static_cast<int64_t>(i) + (name == "lag" ? -off : off);
          if (target >= 0 && target < static_cast<int64_t>(len)) {
            ASSIGN_OR_RETURN(result[row], Evaluate(*w.args[0], rows[idx[start + target]]));
          } else if (w.args.size() > 2) {
            ASSIGN_OR_RETURN(result[row], Evaluate(*w.args[2], rows[row]));
          } else {
            result[row] = Value::Null(w.type);
          }
        } else {
          // Frame-based functions.
          int64_t fs, fe;
          if (!w.has_frame) {
            fs = 0;
            fe = w.order_by.empty() ? static_cast<int64_t>(len) - 1
                                    : static_cast<int64_t>(peer_end[i]);
          } else {
            auto pos = [&](int kind, int64_t off, bool is_start) -> int64_t {
              switch (kind) {
                case 0:
                  return 0;
                case 1:
                  return static_cast<int64_t>(i) - off;
                case 2:
                  if (w.rows_mode) return static_cast<int64_t>(i);
                  return is_start ? static_cast<int64_t>(peer_start[i])
                                  : static_cast<int64_t>(peer_end[i]);
                case 3:
                  return static_cast<int64_t>(i) + off;
                default:
                  return static_cast<int64_t>(len) - 1;
              }
            };
            fs = std::max<int64_t>(0, pos(w.start_kind, w.start_offset, true));
            fe = std::min<int64_t>(static_cast<int64_t>(len) - 1,
                                   pos(w.end_kind, w.end_offset, false));
          }
          if (name == "first_value" || name == "last_value" || name == "nth_value") {
            int64_t target = name == "first_value" ? fs : fe;
            if (name == "nth_value") {
              ASSIGN_OR_RETURN(Value nv, Evaluate(*w.args[1], rows[row]));
              target = fs + (nv.is_null() ? 0 : nv.GetInt()) - 1;
            }
            if (fs > fe || target < fs || target > fe) {
              result[row] = Value::Null(w.type);
            } else {
              ASSIGN_OR_RETURN(result[row], Evaluate(*w.args[0], rows[idx[start + target]]));
            }
          } else {
            function::AggState st;
            for (int64_t k = fs; k <= fe; k++) {
              const Row& fr = rows[idx[start + k]];
              Value v, sep;
              if (!w.args.empty() && w.agg.kind != function::AggKind::kCountStar) {
                ASSIGN_OR_RETURN(v, Evaluate(*w.args[0], fr));
              }
              if (w.args.size() > 1) {
                ASSIGN_OR_RETURN(sep, Evaluate(*w.args[1], fr));
              }
              RETURN_IF_ERROR(function::AggUpdate(w.agg, &st, v, sep));
            }
            ASSIGN_OR_RETURN(result[row], function::AggFinalize(w.agg, st));
          }
        }
      }
      start = end;
    }
    for (size_t i = 0; i < n; i++) rows[i].push_back(std::move(result[i]));
  }
  return Status::OK();
}

}  // namespace freshet::executor
