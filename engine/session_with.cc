// Data-modifying WITH queries: `WITH d AS (DELETE ... RETURNING *) INSERT INTO ... SELECT ...
// FROM d`, and a WITH in front of INSERT / UPDATE / DELETE.
//
// PostgreSQL runs every part of such a statement against one snapshot: no part sees another's
// changes to tables, only the RETURNING rows. Freshet runs the data-modifying queries first, in
// order, inside the statement's transaction, then the statement; each returns its rows to the
// parts bound after it. The two agree unless a later part reads or changes a table an earlier
// one changed, and that is refused (0A000) instead of answered differently.

#include <algorithm>

#include "engine/database.h"
#include "engine/session.h"

namespace freshet::engine {

namespace {

/// Keeps what a data-modifying WITH query sends: its RETURNING columns and rows.
class CaptureSink : public pgwire::ResultSink {
 public:
  void Describe(const std::vector<pgwire::ColumnInfo>& columns) override {
    for (const auto& c : columns) {
      data_.names.push_back(c.name);
      data_.types.push_back(c.type);
    }
  }
  void Rows(const DataChunk& chunk) override {
    for (size_t r = 0; r < chunk.size(); r++) data_.rows.push_back(chunk.GetRow(r));
  }
  void Complete(const std::string&) override {}
  void Notice(const std::string&, const std::string&, const std::string&) override {}
  void ParameterChanged(const std::string&, const std::string&) override {}
  void CopyIn(const pgwire::CopyFormat&) override {}
  void CopyOut(const pgwire::CopyFormat&) override {}
  void CopyOutData(std::string_view) override {}
  void CopyOutDone() override {}

  planner::SystemRelationData Take() { return std::move(data_); }

 private:
  planner::SystemRelationData data_;
};

/// The table a data-modifying statement changes (its name as written).
struct DmlTarget {
  const std::vector<std::string>* name = nullptr;
  int position = 0;
};

DmlTarget TargetOf(const parser::Statement& stmt) {
  switch (stmt.kind) {
    case parser::StmtKind::kInsert: {
      auto& s = static_cast<const parser::InsertStatement&>(stmt);
      return {&s.table, s.start + 1};
    }
    case parser::StmtKind::kUpdate:
      return {&static_cast<const parser::UpdateStatement&>(stmt).table, stmt.start + 1};
    case parser::StmtKind::kDelete:
      return {&static_cast<const parser::DeleteStatement&>(stmt).table, stmt.start + 1};
    default:
      return {};
  }
}

const std::vector<parser::CommonTableExpr>* CtesOf(const parser::Statement& stmt) {
  switch (stmt.kind) {
    case parser::StmtKind::kSelect:
      return &static_cast<const parser::SelectStatement&>(stmt).query->ctes;
    case parser::StmtKind::kInsert:
      return &static_cast<const parser::InsertStatement&>(stmt).ctes;
    case parser::StmtKind::kUpdate:
      return &static_cast<const parser::UpdateStatement&>(stmt).ctes;
    case parser::StmtKind::kDelete:
      return &static_cast<const parser::DeleteStatement&>(stmt).ctes;
    default:
      return nullptr;
  }
}

/// Sets a pointer for one scope and restores it after (Session::with_ around a statement).
template <typename T>
class PointerScope {
 public:
  PointerScope(T*& slot, T* value) : slot_(slot), saved_(slot) { slot_ = value; }
  ~PointerScope() { slot_ = saved_; }
  PointerScope(const PointerScope&) = delete;
  PointerScope& operator=(const PointerScope&) = delete;

 private:
  T*& slot_;
  T* saved_;
};

}  // namespace

bool Session::HasDataModifyingCte(const parser::Statement& stmt) {
  const std::vector<parser::CommonTableExpr>* ctes = CtesOf(stmt);
  return ctes && std::any_of(ctes->begin(), ctes->end(),
                             [](const parser::CommonTableExpr& cte) { return cte.dml != nullptr; });
}

Status Session::ExecuteQueryOrDml(const parser::Statement& stmt, pgwire::ResultSink& sink,
                                  const std::vector<Value>& params) {
  switch (stmt.kind) {
    case parser::StmtKind::kSelect:
      return HandleSelect(static_cast<const parser::SelectStatement&>(stmt), sink, params);
    case parser::StmtKind::kInsert:
      return HandleInsert(static_cast<const parser::InsertStatement&>(stmt), sink, params);
    case parser::StmtKind::kUpdate:
      return HandleUpdate(static_cast<const parser::UpdateStatement&>(stmt), sink, params);
    case parser::StmtKind::kDelete:
      return HandleDelete(static_cast<const parser::DeleteStatement&>(stmt), sink, params);
    default:
      return Status::Internal("not a query or data-modifying statement");
  }
}

Status Session::ExecuteWith(const parser::Statement& stmt, const std::vector<Value>& params,
                            bool describe_only, const std::function<Status()>& main) {
  const std::vector<parser::CommonTableExpr>* ctes = CtesOf(stmt);
  if (!ctes) return Status::Internal("statement without a WITH list");
  StatementWith with;
  with.ctes = ctes;
  PointerScope<StatementWith> scope(with_, &with);
  std::vector<SqlType> param_types;
  for (const Value& p : params) param_types.push_back(p.type());

  // A part that changes a table an earlier part changed would read the rows changed, or order
  // its changes after the earlier ones, where PostgreSQL runs every part against the
  // statement's snapshot in an order it does not define (`WITH d AS (DELETE FROM t ...) INSERT
  // INTO t ...` may fail on the deleted key there).
  auto check_target = [&](const parser::Statement& part) -> Result<uint64_t> {
    DmlTarget target = TargetOf(part);
    ASSIGN_OR_RETURN(auto table, FindTable(*target.name, target.position));
    // An INSERT is checked once bound (CheckInsertAfterWith): it may read the earlier rows.
    bool plain_insert = part.kind == parser::StmtKind::kInsert &&
                        !static_cast<const parser::InsertStatement&>(part).on_conflict;
    if (!plain_insert &&
        std::find(with.written.begin(), with.written.end(), table->id) != with.written.end()) {
      return Status::Error(sqlstate::kFeatureNotSupported,
                           "cannot change table \"" + table->name +
                               "\" again in a statement whose data-modifying WITH query changes it",
                           target.position)
          .WithHint(
              "Freshet runs data-modifying WITH queries before the rest of the statement; "
              "change the table in a statement of its own.");
    }
    return table->id;
  };

  for (size_t i = 0; i < ctes->size(); i++) {
    const parser::CommonTableExpr& cte = (*ctes)[i];
    if (!cte.dml) continue;
    with.visible = i;
    ASSIGN_OR_RETURN(uint64_t table_id, check_target(*cte.dml));
    if (describe_only) {
      ASSIGN_OR_RETURN(planner::SystemRelationData columns,
                       DescribeReturning(*cte.dml, param_types));
      with.returned.push_back({&cte, std::move(columns), table_id});
    } else {
      CaptureSink capture;
      RETURN_IF_ERROR(ExecuteQueryOrDml(*cte.dml, capture, params));
      with.returned.push_back({&cte, capture.Take(), table_id});
    }
    with.written.push_back(table_id);
  }
  with.visible = 0;  // the statement names its WITH list itself
  if (stmt.kind != parser::StmtKind::kSelect) RETURN_IF_ERROR(check_target(stmt).status());
  return main();
}

Status Session::CheckInsertAfterWith(const planner::Binder& binder,
                                     const planner::TableDef& table) {
  if (!with_) return Status::OK();
  const auto& read = binder.ReadDmlCtes();
  for (const auto& returned : with_->returned) {
    if (returned.table_id != table.id ||
        std::find(read.begin(), read.end(), returned.cte) != read.end()) {
      continue;
    }
    return Status::Error(sqlstate::kFeatureNotSupported,
                         "cannot insert into table \"" + table.name +
                             "\" without reading the rows of WITH query \"" + returned.cte->name +
                             "\", which changes it too")
        .WithHint(
            "PostgreSQL does not define which of the two changes comes first; change the table "
            "in statements of their own.");
  }
  return Status::OK();
}

Status Session::SetUpBinder(planner::Binder& binder,
                            const std::vector<parser::CommonTableExpr>* own, bool own_recursive) {
  if (with_) {
    for (const auto& returned : with_->returned) binder.SetCteRows(*returned.cte, &returned.rows);
    binder.SetUnreadableTables(with_->written);
    RETURN_IF_ERROR(binder.AddStatementCtes(
        std::span<const parser::CommonTableExpr>(with_->ctes->data(), with_->visible), false));
  }
  if (own && !own->empty()) RETURN_IF_ERROR(binder.AddStatementCtes(*own, own_recursive));
  return Status::OK();
}

}  // namespace freshet::engine
