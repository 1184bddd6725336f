#include "executor/executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <unordered_set>

#include "executor/executor_internal.h"
#include "executor/key_bounds.h"
#include "executor/set_returning.h"
#include "function/cast.h"
#include "planner/expr_rewrite.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;
using planner::LogicalPlan;
using planner::PlanKind;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

/// Results of an uncorrelated subquery, computed once per statement. Keyed by its plan, which
/// the entry keeps alive: expressions bound and freed one at a time (INSERT ... VALUES) must not
/// find a freed plan's results at a reused address.
struct Executor::SubqueryCache {
  std::shared_ptr<const LogicalPlan> plan;
  RowSet rows;
  std::unordered_set<Row, RowHash, RowEq> set;  // IN: non-NULL values
  bool has_null = false;
};

namespace {

bool CompareResult(const std::string& op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>") return c != 0;
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  return c >= 0;
}

}  // namespace

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status Executor::CheckCancel() {
  if (ctx_.eval.cancel && ctx_.eval.cancel->load(std::memory_order_relaxed)) {
    return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
  }
  if (ctx_.eval.deadline_micros != 0 && SteadyMicros() > ctx_.eval.deadline_micros) {
    return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to statement timeout");
  }
  return Status::OK();
}

Result<bool> Executor::EvaluatePredicate(const BoundExpr& e, const Row& row) {
  ASSIGN_OR_RETURN(Value v, Evaluate(e, row));
  return !v.is_null() && v.GetBool();
}

Result<Value> Executor::Evaluate(const BoundExpr& e, const Row& row) {
  switch (e.kind) {
    case BoundExprKind::kConstant:
      return e.constant;
    case BoundExprKind::kColumn:
      return row[e.column];
    case BoundExprKind::kOuterColumn: {
      size_t n = outer_rows_.size();
      if (static_cast<size_t>(e.depth) > n) return Status::Internal("outer reference out of range");
      return (*outer_rows_[n - e.depth])[e.column];
    }
    case BoundExprKind::kParam: {
      if (e.param_index < 1 || static_cast<size_t>(e.param_index) > ctx_.params.size()) {
        return Status::Error(sqlstate::kUndefinedParameter,
                             "there is no parameter $" + std::to_string(e.param_index));
      }
      const Value& p = ctx_.params[e.param_index - 1];
      if (p.type() == e.type || e.type.id == TypeId::kUnknown) return p;
      return function::CastValue(p, e.type, ctx_.eval, false);
    }
    case BoundExprKind::kFunction: {
      Value args[8];
      std::vector<Value> many;
      Value* argv = args;
      size_t n = e.children.size();
      if (n > 8) {
        many.resize(n);
        argv = many.data();
      }
      for (size_t i = 0; i < n; i++) {
        ASSIGN_OR_RETURN(argv[i], Evaluate(*e.children[i], row));
        if (argv[i].is_null() && e.function.strict) return Value::Null(e.type);
      }
      ASSIGN_OR_RETURN(Value r, e.function.fn(argv, n, ctx_.eval));
      return r;
    }
    case BoundExprKind::kCast: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row));
      return function::CastValue(v, e.type, ctx_.eval, e.explicit_cast);
    }
    case BoundExprKind::kCompare: {
      ASSIGN_OR_RETURN(Value a, Evaluate(*e.children[0], row));
      if (a.is_null()) return Value::Null(TypeId::kBool);
      ASSIGN_OR_RETURN(Value b, Evaluate(*e.children[1], row));
      if (b.is_null()) return Value::Null(TypeId::kBool);
      return Value::Bool(CompareResult(e.op, Value::Compare(a, b)));
    }
    case BoundExprKind::kAnd: {
      bool saw_null = false;
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row));
        if (v.is_null()) {
          saw_null = true;
        } else if (!v.GetBool()) {
          return Value::Bool(false);
        }
      }
      return saw_null ? Value::Null(TypeId::kBool) : Value::Bool(true);
    }
    case BoundExprKind::kOr: {
      bool saw_null = false;
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row));
        if (v.is_null()) {
          saw_null = true;
        } else if (v.GetBool()) {
          return Value::Bool(true);
        }
      }
      return saw_null ? Value::Null(TypeId::kBool) : Value::Bool(false);
    }
    case BoundExprKind::kNot: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row));
      if (v.is_null()) return v;
      return Value::Bool(!v.GetBool());
    }
    case BoundExprKind::kIsNull: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row));
      return Value::Bool(v.is_null() != e.negated);
    }
    case BoundExprKind::kIsDistinct: {
      ASSIGN_OR_RETURN(Value a, Evaluate(*e.children[0], row));
      ASSIGN_OR_RETURN(Value b, Evaluate(*e.children[1], row));
      bool distinct;
      if (a.is_null() || b.is_null()) {
        distinct = a.is_null() != b.is_null();
      } else {
        distinct = Value::Compare(a, b) != 0;
      }
      return Value::Bool(distinct != e.negated);
    }
    case BoundExprKind::kBoolTest: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row));
      bool r;
      if (e.bool_test == 2) {
        r = v.is_null();
      } else if (v.is_null()) {
        r = false;
      } else {
        r = v.GetBool() == (e.bool_test == 0);
      }
      return Value::Bool(r != e.negated);
    }
    case BoundExprKind::kCase: {
      size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; i++) {
        ASSIGN_OR_RETURN(bool hit, EvaluatePredicate(*e.children[2 * i], row));
        if (hit) return Evaluate(*e.children[2 * i + 1], row);
      }
      if (e.has_else) return Evaluate(*e.children.back(), row);
      return Value::Null(e.type);
    }
    case BoundExprKind::kInList: {
      ASSIGN_OR_RETURN(Value x, Evaluate(*e.children[0], row));
      if (x.is_null()) return Value::Null(TypeId::kBool);
      bool saw_null = false;
      for (size_t i = 1; i < e.children.size(); i++) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[i], row));
        if (v.is_null()) {
          saw_null = true;
        } else if (Value::Compare(x, v) == 0) {
          return Value::Bool(!e.negated);
        }
      }
      if (saw_null) return Value::Null(TypeId::kBool);
      return Value::Bool(e.negated);
    }
    case BoundExprKind::kSubquery:
      return EvalSubquery(e, row);
    case BoundExprKind::kArrayCompare: {
      ASSIGN_OR_RETURN(Value x, Evaluate(*e.children[0], row));
      ASSIGN_OR_RETURN(Value arr, Evaluate(*e.children[1], row));
      if (arr.is_null()) return Value::Null(TypeId::kBool);
      bool is_all = e.subquery_kind == planner::SubqueryKind::kAll;
      auto elems = function::ParseArrayLiteral(arr.GetString());
      if (elems.empty()) return Value::Bool(is_all);
      if (x.is_null()) return Value::Null(TypeId::kBool);
      bool saw_null = false;
      for (const auto& el : elems) {
        if (!el) {
          saw_null = true;
          continue;
        }
        ASSIGN_OR_RETURN(Value v, Value::FromText(*el, x.type(), ctx_.eval.tz()));
        bool m = CompareResult(e.op, Value::Compare(x, v));
        if (is_all && !m) return Value::Bool(false);
        if (!is_all && m) return Value::Bool(true);
      }
      if (saw_null) return Value::Null(TypeId::kBool);
      return Value::Bool(is_all);
    }
    case BoundExprKind::kCoalesce:
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row));
        if (!v.is_null()) return v;
      }
      return Value::Null(e.type);
    case BoundExprKind::kNullIf: {
      ASSIGN_OR_RETURN(Value eq, Evaluate(*e.children[1], row));
      if (!eq.is_null() && eq.GetBool()) return Value::Null(e.type);
      return Evaluate(*e.children[0], row);
    }
    case BoundExprKind::kGreatest:
    case BoundExprKind::kLeast: {
      Value best = Value::Null(e.type);
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row));
        if (v.is_null()) continue;
        if (best.is_null()) {
          best = std::move(v);
          continue;
        }
        int cmp = Value::Compare(v, best);
        if ((e.kind == BoundExprKind::kGreatest && cmp > 0) ||
            (e.kind == BoundExprKind::kLeast && cmp < 0)) {
          best = std::move(v);
        }
      }
      return best;
    }
  }
  return Status::Internal("unknown expression");
}

Result<Value> Executor::EvalRowIn(const BoundExpr& e, const Row& row, const RowSet* rows,
                                  const SubqueryCache* cached) {
  Row key;
  bool key_null = false;
  for (const auto& c : e.children) {
    ASSIGN_OR_RETURN(Value v, Evaluate(*c, row));
    key_null |= v.is_null();
    key.push_back(std::move(v));
  }
  if (rows->empty()) return Value::Bool(e.negated);
  if (!key_null && cached) {
    if (cached->set.count(key)) return Value::Bool(!e.negated);
    if (!cached->has_null) return Value::Bool(e.negated);
  }
  // Rows equal when every field is: TRUE on a full match, NULL when no field pair is unequal but
  // some is NULL, FALSE otherwise.
  bool saw_null = false;
  for (const Row& sr : *rows) {
    bool unequal = false, unknown = false;
    for (size_t i = 0; i < key.size() && !unequal; i++) {
      if (key[i].is_null() || sr[i].is_null()) {
        unknown = true;
      } else if (Value::Compare(key[i], sr[i]) != 0) {
        unequal = true;
      }
    }
    if (unequal) continue;
    if (!unknown) return Value::Bool(!e.negated);
    saw_null = true;
  }
  if (saw_null) return Value::Null(TypeId::kBool);
  return Value::Bool(e.negated);
}

Result<Value> Executor::EvalSubquery(const BoundExpr& e, const Row& row) {
  using planner::SubqueryKind;
  std::shared_ptr<SubqueryCache> cached;
  RowSet local;
  const RowSet* rows;
  if (!e.correlated) {
    auto it = cache_.find(e.plan.get());
    if (it == cache_.end()) {
      auto c = std::make_shared<SubqueryCache>();
      c->plan = e.plan;
      outer_rows_.push_back(&row);
      auto r = Execute(*e.plan);
      outer_rows_.pop_back();
      if (!r.ok()) return r.status();
      c->rows = std::move(*r);
      if (e.subquery_kind == SubqueryKind::kIn) {
        size_t width = e.children.size();
        for (const Row& sr : c->rows) {
          Row key(sr.begin(), sr.begin() + static_cast<std::ptrdiff_t>(width));
          bool has_null = false;
          for (const Value& v : key) has_null |= v.is_null();
          if (has_null) {
            c->has_null = true;
          } else {
            c->set.insert(std::move(key));
          }
        }
      }
      it = cache_.emplace(e.plan.get(), std::move(c)).first;
    }
    cached = it->second;
    rows = &cached->rows;
  } else {
    outer_rows_.push_back(&row);
    auto r = Execute(*e.plan);
    outer_rows_.pop_back();
    if (!r.ok()) return r.status();
    local = std::move(*r);
    rows = &local;
  }
  switch (e.subquery_kind) {
    case SubqueryKind::kArray: {
      std::vector<std::optional<std::string>> elems;
      TextFormatOptions opts;
      opts.time_zone = &ctx_.eval.tz();
      for (const Row& r : *rows) {
        if (r[0].is_null()) {
          elems.emplace_back(std::nullopt);
        } else {
          elems.emplace_back(r[0].ToText(opts));
        }
      }
      return Value::Text(function::FormatArrayLiteral(elems));
    }
    case SubqueryKind::kScalar:
      if (rows->empty()) return Value::Null(e.type);
      if (rows->size() > 1) {
        return Status::Error(sqlstate::kCardinalityViolation,
                             "more than one row returned by a subquery used as an expression");
      }
      return (*rows)[0][0];
    case SubqueryKind::kExists:
      return Value::Bool(rows->empty() == e.negated);
    case SubqueryKind::kIn:
      if (e.children.size() > 1) return EvalRowIn(e, row, rows, cached.get());
      [[fallthrough]];
    case SubqueryKind::kAny:
    case SubqueryKind::kAll: {
      ASSIGN_OR_RETURN(Value x, Evaluate(*e.children[0], row));
      bool is_all = e.subquery_kind == SubqueryKind::kAll;
      if (rows->empty()) return Value::Bool(is_all ? true : e.negated);
      if (x.is_null()) return Value::Null(TypeId::kBool);
      if (cached && e.subquery_kind == SubqueryKind::kIn) {
        if (cached->set.count(Row{x})) return Value::Bool(!e.negated);
        if (cached->has_null) return Value::Null(TypeId::kBool);
        return Value::Bool(e.negated);
      }
      bool saw_null = false;
      for (const Row& sr : *rows) {
        if (sr[0].is_null()) {
          saw_null = true;
          continue;
        }
        bool m = CompareResult(e.op, Value::Compare(x, sr[0]));
        if (is_all && !m) return Value::Bool(false);
        if (!is_all && m) return Value::Bool(!e.negated);
      }
      if (saw_null) return Value::Null(TypeId::kBool);
      if (is_all) return Value::Bool(true);
      return Value::Bool(e.negated);
    }
  }
  return Status::Internal("bad subquery");
}

Result<RowSet> Executor::Execute(const LogicalPlan& plan) {
  RETURN_IF_ERROR(CheckCancel());
  switch (plan.kind) {
    case PlanKind::kScan:
      return ExecScan(plan);
    case PlanKind::kValues:
      return ExecValues(plan);
    case PlanKind::kFilter:
      return ExecFilter(plan);
    case PlanKind::kProject:
      return Collect(plan);
    case PlanKind::kAggregate:
      return ExecAggregate(plan);
    case PlanKind::kJoin:
      return ExecJoin(plan);
    case PlanKind::kSort:
      return ExecSort(plan);
    case PlanKind::kLimit:
      return Collect(plan);
    case PlanKind::kDistinct:
      return ExecDistinct(plan);
    case PlanKind::kSetOp:
      return ExecSetOp(plan);
    case PlanKind::kWindow:
      return ExecWindow(plan);
    case PlanKind::kTableFunction:
      return ExecTableFunction(plan);
    case PlanKind::kWindowTvf:
      return ExecWindowTvf(plan);
  }
  return Status::Internal("unknown plan node");
}

Result<RowSet> Executor::ExecScan(const LogicalPlan& plan) {
  if (plan.table->kind == planner::RelationKind::kMaterializedView) {
    if (ctx_.scan_view) return Collect(plan);  // ForEachRow streams it
    if (!ctx_.read_view) return Status::Internal("no materialized view reader");
    return ctx_.read_view(*plan.table);
  }
  if (plan.table->kind == planner::RelationKind::kSource) {
    if (!ctx_.read_source) return Status::Internal("no source reader");
    return ctx_.read_source(*plan.table);
  }
  RowSet out;
  RETURN_IF_ERROR(ScanTable(*plan.table, nullptr, [&](std::string_view, Row& row) -> Result<bool> {
    out.push_back(std::move(row));
    return true;
  }));
  return out;
}

Status Executor::ScanTable(const planner::TableDef& table, const BoundExpr* where,
                           const std::function<Result<bool>(std::string_view, Row&)>& visit,
                           const ColumnMask* columns) {
  if (!ctx_.txn) return Status::Internal("scan without a transaction");
  std::vector<SqlType> types = table.ColumnTypes();
  if (columns && columns->size() != types.size()) columns = nullptr;
  auto checked = [&](std::string_view key, Row& row) -> Result<bool> {
    if ((++rows_since_cancel_check_ & 1023) == 0) RETURN_IF_ERROR(CheckCancel());
    return visit(key, row);
  };
  AccessPath path = ChooseAccessPath(table, types, where, *this);
  if (path.kind == AccessPath::Kind::kFullScan) {
    return storage::TableStore::Scan(*ctx_.txn, table.id, types, checked, columns);
  }
  std::string prefix = storage::TableStore::Prefix(path.space);
  for (const Value& v : path.bounds.equal) storage::KeyCodec::AppendValue(&prefix, v);
  // An index entry's value is the row's key: the row is read from there.
  std::string row_key;
  Row row;
  auto visit_entry = [&](std::string_view entry_value) -> Result<bool> {
    row_key.assign(entry_value);
    ASSIGN_OR_RETURN(bool found,
                     storage::TableStore::Get(*ctx_.txn, row_key, types, &row, columns));
    if (!found) {
      return Status::Internal("index \"" + path.name + "\" of \"" + table.name +
                              "\" has an entry without its row");
    }
    return checked(row_key, row);
  };
  if (path.point()) {
    // Every column of a unique key is fixed: one point read instead of the whole table.
    if (path.kind == AccessPath::Kind::kPrimaryKey) {
      ASSIGN_OR_RETURN(bool found,
                       storage::TableStore::Get(*ctx_.txn, prefix, types, &row, columns));
      if (!found) return Status::OK();
      return visit(prefix, row).status();
    }
    std::string value;
    ASSIGN_OR_RETURN(bool found, ctx_.txn->Get(storage::Space::kData, prefix, &value));
    if (!found) return Status::OK();
    return visit_entry(value).status();
  }
  // A leading part of the key fixed, and bounds on the next key column: a range of keys.
  std::string begin, end;
  KeyRange(prefix, path.bounds, &begin, &end);
  if (begin >= end) return Status::OK();
  if (path.kind == AccessPath::Kind::kPrimaryKey) {
    return storage::TableStore::ScanRange(*ctx_.txn, begin, end, types, checked, columns);
  }
  auto cursor = ctx_.txn->Scan(storage::Space::kData, begin, end);
  for (; cursor->Valid(); cursor->Next()) {
    ASSIGN_OR_RETURN(bool more, visit_entry(cursor->value()));
    if (!more) return Status::OK();
  }
  return cursor->status();
}

Result<RowSet> Executor::ExecValues(const LogicalPlan& plan) {
  RowSet out;
  Row empty;
  for (const auto& exprs : plan.values) {
    Row r;
    r.reserve(exprs.size());
    for (size_t i = 0; i < exprs.size(); i++) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*exprs[i], empty));
      if (v.type() != plan.types[i] && !v.is_null() && v.type_id() != plan.types[i].id) {
        ASSIGN_OR_RETURN(v, function::CastValue(v, plan.types[i], ctx_.eval, false));
      }
      r.push_back(std::move(v));
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<RowSet> Executor::ExecFilter(const LogicalPlan& plan) {
  const LogicalPlan& child = *plan.children[0];
  if (child.kind == PlanKind::kScan &&
      child.table->kind == planner::RelationKind::kMaterializedView && ctx_.read_view_key) {
    // A point lookup on a keyed view reads one row instead of the whole view.
    if (auto key = KeyFromPredicate(*child.table, child.types, *plan.predicate, *this)) {
      ASSIGN_OR_RETURN(RowSet in, ctx_.read_view_key(*child.table, *key));
      RowSet out;
      for (Row& r : in) {
        ASSIGN_OR_RETURN(bool keep, EvaluatePredicate(*plan.predicate, r));
        if (keep) out.push_back(std::move(r));
      }
      return out;
    }
  }
  return Collect(plan);
}

Result<RowSet> Executor::Collect(const LogicalPlan& plan) {
  RowSet out;
  RETURN_IF_ERROR(ForEachRow(plan, [&](Row& r) -> Result<bool> {
    out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Status Executor::ForEachRow(const LogicalPlan& plan, const RowVisitor& visit,
                            const ColumnMask* needed) {
  RETURN_IF_ERROR(CheckCancel());
  switch (plan.kind) {
    case PlanKind::kScan:
      if (plan.table->kind == planner::RelationKind::kMaterializedView && ctx_.scan_view) {
        return ctx_.scan_view(*plan.table, "", "", visit);  // streamed in key order
      }
      if (plan.table->kind != planner::RelationKind::kTable) break;
      return ScanTable(
          *plan.table, nullptr,
          [&](std::string_view, Row& row) -> Result<bool> { return visit(row); }, needed);
    case PlanKind::kFilter: {
      const LogicalPlan& child = *plan.children[0];
      const BoundExpr& pred = *plan.predicate;
      if (child.kind == PlanKind::kScan &&
          child.table->kind == planner::RelationKind::kMaterializedView && ctx_.read_view_key &&
          KeyFromPredicate(*child.table, child.types, pred, *this)) {
        break;  // ExecFilter: a keyed view's point lookup
      }
      if (child.kind == PlanKind::kScan &&
          child.table->kind == planner::RelationKind::kMaterializedView && ctx_.scan_view) {
        // The key range the condition bounds on the view's key columns (the whole view when
        // none), the condition checked on each row.
        std::string begin, end;
        auto bounds = KeyBoundsOver(child.table->primary_key, child.types, pred, *this);
        if (bounds) {
          std::string prefix;
          for (const Value& v : bounds->equal) storage::KeyCodec::AppendValue(&prefix, v);
          KeyRange(prefix, *bounds, &begin, &end);
          if (prefix.empty() && !bounds->upper) end.clear();
          if (!end.empty() && begin >= end) return Status::OK();
        }
        return ctx_.scan_view(*child.table, begin, end, [&](Row& r) -> Result<bool> {
          ASSIGN_OR_RETURN(bool pass, EvaluatePredicate(pred, r));
          return pass ? visit(r) : true;
        });
      }
      // A WHERE over an inner (comma) join is the join's condition: hash on its equalities
      // instead of filtering the cross product.
      if (IsPlainInnerJoin(child)) return JoinRows(child, {&pred}, visit);
      auto keep = [&](Row& r) -> Result<bool> {
        ASSIGN_OR_RETURN(bool pass, EvaluatePredicate(pred, r));
        return pass ? visit(r) : true;
      };
      auto columns = NeededColumns(child, needed, {&pred});
      if (child.kind == PlanKind::kScan && child.table->kind == planner::RelationKind::kTable) {
        // Rows a key or index bounds are read by it.
        return ScanTable(
            *child.table, &pred, [&](std::string_view, Row& r) -> Result<bool> { return keep(r); },
            Ptr(columns));
      }
      return ForEachRow(child, keep, Ptr(columns));
    }
    case PlanKind::kProject: {
      Row o;
      const LogicalPlan& child = *plan.children[0];
      std::vector<const BoundExpr*> exprs;
      for (size_t i = 0; i < plan.exprs.size(); i++) {
        if (!needed || (i < needed->size() && (*needed)[i])) exprs.push_back(plan.exprs[i].get());
      }
      auto columns = ColumnsOf(child, exprs);
      return ForEachRow(
          child,
          [&](Row& r) -> Result<bool> {
            o.clear();
            o.reserve(plan.exprs.size());
            for (size_t i = 0; i < plan.exprs.size(); i++) {
              if (needed && i < needed->size() && !(*needed)[i]) {
                o.push_back(Value::Null(plan.types[i]));
                continue;
              }
              ASSIGN_OR_RETURN(Value v, Evaluate(*plan.exprs[i], r));
              o.push_back(std::move(v));
            }
            return visit(o);
          },
          Ptr(columns));
    }
    case PlanKind::kJoin:
      return JoinRows(plan, {}, visit);
    case PlanKind::kLimit:
      return LimitRows(plan, visit);
    case PlanKind::kSort:
      return SortRowsTo(plan, visit, needed);
    case PlanKind::kAggregate: {
      ASSIGN_OR_RETURN(bool done, ColumnarAggregate(plan, visit));
      if (done) return Status::OK();
      // Only the columns the groups and aggregates read are decoded.
      std::vector<const BoundExpr*> reads;
      for (const auto& g : plan.exprs) reads.push_back(g.get());
      for (const auto& a : plan.aggregates) {
        reads.push_back(a.arg.get());
        reads.push_back(a.sep.get());
        reads.push_back(a.filter.get());
        for (const auto& [e, desc] : a.order_by) reads.push_back(e.get());
      }
      auto columns = ColumnsOf(*plan.children[0], reads);
      return AggregateRows(
          plan, [&](const RowVisitor& v) { return ForEachRow(*plan.children[0], v, Ptr(columns)); },
          0, visit);
    }
    case PlanKind::kDistinct: {
      const LogicalPlan& child = *plan.children[0];
      return DistinctRows(
          plan, [&](const RowVisitor& v) { return ForEachRow(child, v); }, 0, IsSorted(child),
          visit);
    }
    case PlanKind::kSetOp: {
      if (plan.set_op != planner::SetOpKind::kUnion) break;
      // Both inputs, one after the other (UNION ALL), deduplicated for UNION.
      RowSource both = [&](const RowVisitor& v) -> Status {
        bool stopped = false;
        auto pass = [&](Row& r) -> Result<bool> {
          ASSIGN_OR_RETURN(bool more, v(r));
          stopped = !more;
          return more;
        };
        RETURN_IF_ERROR(ForEachRow(*plan.children[0], pass));
        if (stopped) return Status::OK();
        return ForEachRow(*plan.children[1], pass);
      };
      if (plan.set_all) return both(visit);
      return DistinctRows(plan, both, 0, false, visit);
    }
    default:
      break;
  }
  ASSIGN_OR_RETURN(RowSet rows, Execute(plan));
  return VisitAll(rows, visit);
}

Status Executor::VisitAll(RowSet& rows, const RowVisitor& visit) {
  for (Row& r : rows) {
    ASSIGN_OR_RETURN(bool more, visit(r));
    if (!more) break;
  }
  return Status::OK();
}

Status Executor::LimitRows(const LogicalPlan& plan, const RowVisitor& visit) {
  Row empty;
  int64_t limit = -1, offset = 0;
  if (plan.limit) {
    ASSIGN_OR_RETURN(Value v, Evaluate(*plan.limit, empty));
    if (!v.is_null()) {
      limit = v.GetInt();
      if (limit < 0) {
        return Status::Error(sqlstate::kInvalidRowCountInLimit, "LIMIT must not be negative");
      }
    }
  }
  if (plan.offset) {
    ASSIGN_OR_RETURN(Value v, Evaluate(*plan.offset, empty));
    if (!v.is_null()) {
      offset = v.GetInt();
      if (offset < 0) {
        return Status::Error(sqlstate::kInvalidRowCountInOffset, "OFFSET must not be negative");
      }
    }
  }
  if (limit == 0) return Status::OK();
  const LogicalPlan& child = *plan.children[0];
  if (child.kind == PlanKind::kSort && limit > 0 && limit + offset <= (int64_t{1} << 20)) {
    return TopNRows(child, static_cast<size_t>(limit), static_cast<size_t>(offset), visit);
  }
  int64_t skipped = 0, emitted = 0;
  return ForEachRow(child, [&](Row& r) -> Result<bool> {
    if (skipped < offset) {
      skipped++;
      return true;
    }
    ASSIGN_OR_RETURN(bool more, visit(r));
    return more && (limit < 0 || ++emitted < limit);
  });
}

Result<RowSet> Executor::ExecTableFunction(const LogicalPlan& plan) {
  if (plan.children.empty()) return ExpandTableFunction(plan, Row());
  // Over rows (a set-returning function in a select list): each input row once per value.
  ASSIGN_OR_RETURN(RowSet input, Execute(*plan.children[0]));
  RowSet out;
  for (const Row& row : input) {
    ASSIGN_OR_RETURN(RowSet values, ExpandTableFunction(plan, row));
    for (Row& v : values) {
      Row joined = row;
      joined.insert(joined.end(), std::make_move_iterator(v.begin()),
                    std::make_move_iterator(v.end()));
      out.push_back(std::move(joined));
    }
    if ((out.size() & 1023) == 0) RETURN_IF_ERROR(CheckCancel());
  }
  return out;
}

Result<RowSet> Executor::ExpandTableFunction(const LogicalPlan& plan, const Row& input) {
  std::vector<Value> args;
  for (const auto& e : plan.exprs) {
    ASSIGN_OR_RETURN(Value v, Evaluate(*e, input));
    args.push_back(std::move(v));
  }
  std::vector<Value> values;
  SqlType type = plan.types[plan.types.size() - (plan.ordinality ? 2 : 1)];
  RETURN_IF_ERROR(ExpandSetReturning(
      plan.function_name, type, args, ctx_.eval, [this] { return CheckCancel(); }, &values));
  RowSet out;
  out.reserve(values.size());
  int64_t ordinal = 0;
  for (Value& v : values) {
    out.push_back(Row{std::move(v)});
    if (plan.ordinality) out.back().push_back(Value::Int64(++ordinal));
  }
  return out;
}

}  // namespace freshet::executor
