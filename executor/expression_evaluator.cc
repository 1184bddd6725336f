#include "executor/expression_evaluator.h"

#include <cctype>
#include <cmath>

#include "function/cast.h"
#include "function/scalar_function.h"

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;

/// A node of a compiled expression. Eval computes the slots of `rows` (ascending indexes into
/// `in`) and returns a vector of in.size() rows; other slots are unspecified.
class ExprNode {
 public:
  explicit ExprNode(SqlType t) : type_(t) { result_.SetType(t); }
  virtual ~ExprNode() = default;
  virtual Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) = 0;
  const SqlType& type() const { return type_; }

 protected:
  /// Readies the result buffer for a chunk of `n` rows.
  Vector& Prepare(size_t n) {
    result_.Reset();
    result_.Resize(n);
    return result_;
  }
  SqlType type_;
  Vector result_;
};

namespace {

Status Unsupported(const std::string& what) {
  return Status::NotSupported("dataflows cannot evaluate " + what);
}

bool CompareResult(const std::string& op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>" || op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  return c >= 0;
}

/// The rows of `rows` where `v` is not NULL.
void NonNull(const Vector& v, const Selection& rows, Selection* out) {
  out->clear();
  for (uint32_t i : rows) {
    if (!v.IsNull(i)) out->push_back(i);
  }
}

Result<std::unique_ptr<ExprNode>> Build(const BoundExpr& e, const function::EvalContext& ctx);

class ColumnNode : public ExprNode {
 public:
  ColumnNode(SqlType t, int column) : ExprNode(t), column_(column) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection&) override {
    return &in.column(column_);
  }

 private:
  int column_;
};

class ConstantNode : public ExprNode {
 public:
  explicit ConstantNode(const Value& v) : ExprNode(v.type()), value_(v) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection&) override {
    if (result_.size() != in.size() || !result_.is_constant()) {
      result_.SetConstant(value_, in.size());
    }
    return &result_;
  }

 private:
  Value value_;
};

// --- Functions and operators ----------------------------------------------------------------

/// kDateTrunc: date_trunc with a constant field over timestamp or timestamptz values.
enum class Kernel : uint8_t { kNone, kIntArith, kFloatArith, kNumericArith, kDateTrunc };

int64_t IntMin(TypeId id) {
  return id == TypeId::kInt16 ? INT16_MIN : id == TypeId::kInt32 ? INT32_MIN : INT64_MIN;
}
int64_t IntMax(TypeId id) {
  return id == TypeId::kInt16 ? INT16_MAX : id == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
}

class FunctionNode : public ExprNode {
 public:
  FunctionNode(const BoundExpr& e, std::vector<std::unique_ptr<ExprNode>> args,
               const function::EvalContext& ctx)
      : ExprNode(e.type), fn_(e.function), args_(std::move(args)), ctx_(ctx) {
    const std::string& n = fn_.name;
    if (args_.size() == 2 && n.size() == 1 &&
        std::string_view("+-*/%").find(n[0]) != std::string_view::npos &&
        args_[0]->type().id == args_[1]->type().id && args_[0]->type().id == e.type.id) {
      op_ = n[0];
      TypeId id = e.type.id;
      if (e.type.IsInteger()) {
        kernel_ = Kernel::kIntArith;
      } else if (e.type.IsFloat() && op_ != '%') {
        kernel_ = Kernel::kFloatArith;
      } else if (id == TypeId::kNumeric && op_ != '/' && op_ != '%') {
        kernel_ = Kernel::kNumericArith;
      }
    }
    if (n == "date_trunc" && args_.size() == 2 && e.children[0]->kind == BoundExprKind::kConstant &&
        !e.children[0]->constant.is_null() &&
        (e.type.id == TypeId::kTimestamp || e.type.id == TypeId::kTimestampTz) &&
        args_[1]->type().id == e.type.id) {
      kernel_ = Kernel::kDateTrunc;
      for (char c : e.children[0]->constant.GetString()) {
        field_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
    }
    values_.resize(args_.size());
    arg_vectors_.resize(args_.size());
  }

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    // Strict functions see only rows whose earlier arguments were not NULL (as the row engine,
    // which stops at the first NULL argument).
    const Selection* active = &rows;
    for (size_t k = 0; k < args_.size(); k++) {
      ASSIGN_OR_RETURN(arg_vectors_[k], args_[k]->Eval(in, *active));
      if (fn_.strict) {
        Selection& next = k % 2 == 0 ? sel_a_ : sel_b_;
        NonNull(*arg_vectors_[k], *active, &next);
        active = &next;
      }
    }
    Vector& out = Prepare(in.size());
    if (fn_.strict && active->size() != rows.size()) {
      for (uint32_t i : rows) out.SetNull(i);
    }
    switch (kernel_) {
      case Kernel::kIntArith:
        RETURN_IF_ERROR(IntArith(*active, out));
        break;
      case Kernel::kFloatArith:
        RETURN_IF_ERROR(FloatArith(*active, out));
        break;
      case Kernel::kNumericArith:
        RETURN_IF_ERROR(NumericArith(*active, out));
        break;
      case Kernel::kDateTrunc:
        RETURN_IF_ERROR(DateTrunc(*active, out));
        break;
      case Kernel::kNone:
        for (uint32_t i : *active) RETURN_IF_ERROR(CallRow(i, out));
        break;
    }
    return &out;
  }

 private:
  /// The scalar implementation on one row (the reference semantics, and every error path).
  Status CallRow(uint32_t i, Vector& out) {
    for (size_t k = 0; k < args_.size(); k++) values_[k] = arg_vectors_[k]->GetValue(i);
    ASSIGN_OR_RETURN(Value r, fn_.fn(values_.data(), values_.size(), ctx_));
    out.SetValue(i, r);
    return Status::OK();
  }

  Status IntArith(const Selection& rows, Vector& out) {
    const Vector& a = *arg_vectors_[0];
    const Vector& b = *arg_vectors_[1];
    int64_t lo = IntMin(type_.id), hi = IntMax(type_.id);
    int64_t* o = out.mutable_ints();
    uint8_t* nulls = out.mutable_nulls();
    for (uint32_t i : rows) {
      __int128 x = a.GetInt(i), y = b.GetInt(i), r;
      switch (op_) {
        case '+':
          r = x + y;
          break;
        case '-':
          r = x - y;
          break;
        case '*':
          r = x * y;
          break;
        case '/':
          r = y == 0 ? 0 : x / y;
          break;
        default:
          r = y == 0 ? 0 : (y == -1 ? 0 : x % y);
          break;
      }
      if (((op_ == '/' || op_ == '%') && y == 0) || r < lo || r > hi) {
        RETURN_IF_ERROR(CallRow(i, out));  // the range error, with its message
        continue;
      }
      o[i] = static_cast<int64_t>(r);
      nulls[i] = 0;
    }
    return Status::OK();
  }

  Status FloatArith(const Selection& rows, Vector& out) {
    const Vector& a = *arg_vectors_[0];
    const Vector& b = *arg_vectors_[1];
    bool f4 = type_.id == TypeId::kFloat32;
    double* o = out.mutable_doubles();
    uint8_t* nulls = out.mutable_nulls();
    for (uint32_t i : rows) {
      double x = a.GetDouble(i), y = b.GetDouble(i), r;
      switch (op_) {
        case '+':
          r = x + y;
          break;
        case '-':
          r = x - y;
          break;
        case '*':
          r = x * y;
          break;
        default:
          r = y == 0 ? 0 : x / y;
          break;
      }
      if (f4) r = static_cast<float>(r);
      if ((op_ == '/' && y == 0) || !std::isfinite(r)) {
        RETURN_IF_ERROR(CallRow(i, out));  // overflow error, or inf/NaN propagated
        continue;
      }
      o[i] = r;
      nulls[i] = 0;
    }
    return Status::OK();
  }

  Status NumericArith(const Selection& rows, Vector& out) {
    const Vector& a = *arg_vectors_[0];
    const Vector& b = *arg_vectors_[1];
    for (uint32_t i : rows) {
      const Decimal& x = a.GetDecimal(i);
      const Decimal& y = b.GetDecimal(i);
      Result<Decimal> r = op_ == '+' ? x.Add(y) : op_ == '-' ? x.Sub(y) : x.Mul(y);
      if (!r.ok()) return r.status();
      out.SetDecimal(i, *r);
    }
    return Status::OK();
  }

  /// date_trunc(constant field, ts) by the scalar function's own arithmetic, without building
  /// Values or parsing the field per row.
  Status DateTrunc(const Selection& rows, Vector& out) {
    const Vector& ts = *arg_vectors_[1];
    const bool tz = type().id == TypeId::kTimestampTz;
    for (uint32_t i : rows) {
      if (tz) {
        ASSIGN_OR_RETURN(int64_t r, datetime::DateTruncTz(field_, ts.GetInt(i), ctx_.tz()));
        out.SetInt(i, r);
      } else {
        ASSIGN_OR_RETURN(int64_t r, datetime::DateTrunc(field_, ts.GetInt(i)));
        out.SetInt(i, r);
      }
    }
    return Status::OK();
  }

  function::BoundFunction fn_;
  std::vector<std::unique_ptr<ExprNode>> args_;
  const function::EvalContext& ctx_;
  Kernel kernel_ = Kernel::kNone;
  char op_ = 0;
  std::string field_;  // kDateTrunc, lower case
  std::vector<Value> values_;
  std::vector<const Vector*> arg_vectors_;
  Selection sel_a_, sel_b_;
};

class CastNode : public ExprNode {
 public:
  CastNode(const BoundExpr& e, std::unique_ptr<ExprNode> child, const function::EvalContext& ctx)
      : ExprNode(e.type), child_(std::move(child)), explicit_(e.explicit_cast), ctx_(ctx) {
    const SqlType& from = child_->type();
    const SqlType& to = e.type;
    if (from.id == to.id && to.typmod < 0) {
      mode_ = Mode::kRetag;
    } else if (from.IsInteger() && to.IsInteger()) {
      mode_ = Mode::kIntToInt;
    } else if (from.IsInteger() && to.IsFloat()) {
      mode_ = Mode::kIntToFloat;
    } else if (from.IsInteger() && to.id == TypeId::kNumeric && to.typmod < 0) {
      mode_ = Mode::kIntToNumeric;
    } else if (from.id == TypeId::kFloat32 && to.id == TypeId::kFloat64) {
      mode_ = Mode::kIntToFloat;  // float4 -> float8 keeps the value
    }
  }

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* v, child_->Eval(in, rows));
    Vector& out = Prepare(in.size());
    int64_t lo = IntMin(type_.id), hi = IntMax(type_.id);
    bool f4 = type_.id == TypeId::kFloat32;
    for (uint32_t i : rows) {
      if (v->IsNull(i)) {
        out.SetNull(i);
        continue;
      }
      switch (mode_) {
        case Mode::kRetag:
          out.CopySlot(i, *v, i);
          break;
        case Mode::kIntToInt: {
          int64_t x = v->GetInt(i);
          if (x < lo || x > hi) {
            RETURN_IF_ERROR(CastRow(*v, i, out));
          } else {
            out.SetInt(i, x);
          }
          break;
        }
        case Mode::kIntToFloat: {
          double d = v->physical() == PhysicalType::kInt64 ? static_cast<double>(v->GetInt(i))
                                                           : v->GetDouble(i);
          out.SetDouble(i, f4 ? static_cast<double>(static_cast<float>(d)) : d);
          break;
        }
        case Mode::kIntToNumeric:
          out.SetDecimal(i, Decimal::FromInt64(v->GetInt(i)));
          break;
        case Mode::kRow:
          RETURN_IF_ERROR(CastRow(*v, i, out));
          break;
      }
    }
    return &out;
  }

 private:
  enum class Mode : uint8_t { kRow, kRetag, kIntToInt, kIntToFloat, kIntToNumeric };

  Status CastRow(const Vector& v, uint32_t i, Vector& out) {
    ASSIGN_OR_RETURN(Value r, function::CastValue(v.GetValue(i), type_, ctx_, explicit_));
    out.SetValue(i, r);
    return Status::OK();
  }

  std::unique_ptr<ExprNode> child_;
  bool explicit_;
  const function::EvalContext& ctx_;
  Mode mode_ = Mode::kRow;
};

class CompareNode : public ExprNode {
 public:
  CompareNode(const BoundExpr& e, std::unique_ptr<ExprNode> a, std::unique_ptr<ExprNode> b)
      : ExprNode(SqlType(TypeId::kBool)), op_(e.op), a_(std::move(a)), b_(std::move(b)) {
    if (op_ == "=")
      code_ = 0;
    else if (op_ == "<>" || op_ == "!=")
      code_ = 1;
    else if (op_ == "<")
      code_ = 2;
    else if (op_ == ">")
      code_ = 3;
    else if (op_ == "<=")
      code_ = 4;
    else
      code_ = 5;
  }

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* a, a_->Eval(in, rows));
    NonNull(*a, rows, &active_);  // a NULL left operand decides without the right one
    ASSIGN_OR_RETURN(const Vector* b, b_->Eval(in, active_));
    Vector& out = Prepare(in.size());
    if (active_.size() != rows.size()) {
      for (uint32_t i : rows) out.SetNull(i);
    }
    bool ints = a->physical() == PhysicalType::kInt64 && b->physical() == PhysicalType::kInt64;
    for (uint32_t i : active_) {
      if (b->IsNull(i)) {
        out.SetNull(i);
        continue;
      }
      int c;
      if (ints) {
        int64_t x = a->GetInt(i), y = b->GetInt(i);
        c = x < y ? -1 : (x > y ? 1 : 0);
      } else {
        c = CompareSlots(*a, i, *b, i);
      }
      bool r;
      switch (code_) {
        case 0:
          r = c == 0;
          break;
        case 1:
          r = c != 0;
          break;
        case 2:
          r = c < 0;
          break;
        case 3:
          r = c > 0;
          break;
        case 4:
          r = c <= 0;
          break;
        default:
          r = c >= 0;
          break;
      }
      out.SetBool(i, r);
    }
    return &out;
  }

 private:
  std::string op_;
  int code_;
  std::unique_ptr<ExprNode> a_, b_;
  Selection active_;
};

/// AND / OR: each operand is evaluated only on the rows the earlier operands left undecided.
class LogicNode : public ExprNode {
 public:
  LogicNode(bool is_and, std::vector<std::unique_ptr<ExprNode>> children)
      : ExprNode(SqlType(TypeId::kBool)), and_(is_and), children_(std::move(children)) {}

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    Vector& out = Prepare(in.size());
    saw_null_.assign(in.size(), 0);
    active_ = rows;
    for (auto& c : children_) {
      if (active_.empty()) break;
      ASSIGN_OR_RETURN(const Vector* v, c->Eval(in, active_));
      next_.clear();
      for (uint32_t i : active_) {
        if (v->IsNull(i)) {
          saw_null_[i] = 1;
          next_.push_back(i);
        } else if (v->GetBool(i) != and_) {
          out.SetBool(i, !and_);  // decided: FALSE for AND, TRUE for OR
        } else {
          next_.push_back(i);
        }
      }
      active_.swap(next_);
    }
    for (uint32_t i : active_) {
      if (saw_null_[i]) {
        out.SetNull(i);
      } else {
        out.SetBool(i, and_);
      }
    }
    return &out;
  }

 private:
  bool and_;
  std::vector<std::unique_ptr<ExprNode>> children_;
  Selection active_, next_;
  std::vector<uint8_t> saw_null_;
};

/// NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE/UNKNOWN.
class UnaryBoolNode : public ExprNode {
 public:
  enum class Kind : uint8_t { kNot, kIsNull, kBoolTest };
  UnaryBoolNode(Kind kind, const BoundExpr& e, std::unique_ptr<ExprNode> child)
      : ExprNode(SqlType(TypeId::kBool)),
        kind_(kind),
        negated_(e.negated),
        test_(e.bool_test),
        child_(std::move(child)) {}

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* v, child_->Eval(in, rows));
    Vector& out = Prepare(in.size());
    for (uint32_t i : rows) {
      bool null = v->IsNull(i);
      switch (kind_) {
        case Kind::kNot:
          if (null) {
            out.SetNull(i);
          } else {
            out.SetBool(i, !v->GetBool(i));
          }
          break;
        case Kind::kIsNull:
          out.SetBool(i, null != negated_);
          break;
        case Kind::kBoolTest: {
          bool r = test_ == 2 ? null : (!null && v->GetBool(i) == (test_ == 0));
          out.SetBool(i, r != negated_);
          break;
        }
      }
    }
    return &out;
  }

 private:
  Kind kind_;
  bool negated_;
  uint8_t test_;
  std::unique_ptr<ExprNode> child_;
};

class IsDistinctNode : public ExprNode {
 public:
  IsDistinctNode(const BoundExpr& e, std::unique_ptr<ExprNode> a, std::unique_ptr<ExprNode> b)
      : ExprNode(SqlType(TypeId::kBool)), negated_(e.negated), a_(std::move(a)), b_(std::move(b)) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* a, a_->Eval(in, rows));
    ASSIGN_OR_RETURN(const Vector* b, b_->Eval(in, rows));
    Vector& out = Prepare(in.size());
    for (uint32_t i : rows) {
      bool an = a->IsNull(i), bn = b->IsNull(i);
      bool distinct = (an || bn) ? an != bn : CompareSlots(*a, i, *b, i) != 0;
      out.SetBool(i, distinct != negated_);
    }
    return &out;
  }

 private:
  bool negated_;
  std::unique_ptr<ExprNode> a_, b_;
};

/// CASE WHEN ... THEN ... [ELSE ...] END: each branch on the rows that reach it.
class CaseNode : public ExprNode {
 public:
  CaseNode(const BoundExpr& e, std::vector<std::unique_ptr<ExprNode>> children)
      : ExprNode(e.type), has_else_(e.has_else), children_(std::move(children)) {}

  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    remaining_ = rows;
    size_t pairs = (children_.size() - (has_else_ ? 1 : 0)) / 2;
    // Branch results are copied as they come: evaluate all conditions first would change
    // which rows reach later branches' errors, so conditions and branches interleave.
    Vector& out = Prepare(in.size());
    for (size_t p = 0; p < pairs && !remaining_.empty(); p++) {
      ASSIGN_OR_RETURN(const Vector* cond, children_[2 * p]->Eval(in, remaining_));
      hit_.clear();
      next_.clear();
      for (uint32_t i : remaining_) {
        if (!cond->IsNull(i) && cond->GetBool(i)) {
          hit_.push_back(i);
        } else {
          next_.push_back(i);
        }
      }
      if (!hit_.empty()) {
        ASSIGN_OR_RETURN(const Vector* v, children_[2 * p + 1]->Eval(in, hit_));
        for (uint32_t i : hit_) out.CopySlot(i, *v, i);
      }
      remaining_.swap(next_);
    }
    if (!remaining_.empty()) {
      if (has_else_) {
        ASSIGN_OR_RETURN(const Vector* v, children_.back()->Eval(in, remaining_));
        for (uint32_t i : remaining_) out.CopySlot(i, *v, i);
      } else {
        for (uint32_t i : remaining_) out.SetNull(i);
      }
    }
    return &out;
  }

 private:
  bool has_else_;
  std::vector<std::unique_ptr<ExprNode>> children_;
  Selection remaining_, hit_, next_;
};

class CoalesceNode : public ExprNode {
 public:
  CoalesceNode(const BoundExpr& e, std::vector<std::unique_ptr<ExprNode>> children)
      : ExprNode(e.type), children_(std::move(children)) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    Vector& out = Prepare(in.size());
    remaining_ = rows;
    for (auto& c : children_) {
      if (remaining_.empty()) break;
      ASSIGN_OR_RETURN(const Vector* v, c->Eval(in, remaining_));
      next_.clear();
      for (uint32_t i : remaining_) {
        if (v->IsNull(i)) {
          next_.push_back(i);
        } else {
          out.CopySlot(i, *v, i);
        }
      }
      remaining_.swap(next_);
    }
    for (uint32_t i : remaining_) out.SetNull(i);
    return &out;
  }

 private:
  std::vector<std::unique_ptr<ExprNode>> children_;
  Selection remaining_, next_;
};

/// NULLIF(a, b): children are (a, a = b); a is evaluated only where the comparison is not TRUE.
class NullIfNode : public ExprNode {
 public:
  NullIfNode(const BoundExpr& e, std::unique_ptr<ExprNode> value, std::unique_ptr<ExprNode> eq)
      : ExprNode(e.type), value_(std::move(value)), eq_(std::move(eq)) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* eq, eq_->Eval(in, rows));
    Vector& out = Prepare(in.size());
    keep_.clear();
    for (uint32_t i : rows) {
      if (!eq->IsNull(i) && eq->GetBool(i)) {
        out.SetNull(i);
      } else {
        keep_.push_back(i);
      }
    }
    if (!keep_.empty()) {
      ASSIGN_OR_RETURN(const Vector* v, value_->Eval(in, keep_));
      for (uint32_t i : keep_) out.CopySlot(i, *v, i);
    }
    return &out;
  }

 private:
  std::unique_ptr<ExprNode> value_, eq_;
  Selection keep_;
};

class InListNode : public ExprNode {
 public:
  InListNode(const BoundExpr& e, std::vector<std::unique_ptr<ExprNode>> children)
      : ExprNode(SqlType(TypeId::kBool)), negated_(e.negated), children_(std::move(children)) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* x, children_[0]->Eval(in, rows));
    Vector& out = Prepare(in.size());
    saw_null_.assign(in.size(), 0);
    active_.clear();
    for (uint32_t i : rows) {
      if (x->IsNull(i)) {
        out.SetNull(i);
      } else {
        active_.push_back(i);
      }
    }
    for (size_t k = 1; k < children_.size() && !active_.empty(); k++) {
      ASSIGN_OR_RETURN(const Vector* v, children_[k]->Eval(in, active_));
      next_.clear();
      for (uint32_t i : active_) {
        if (v->IsNull(i)) {
          saw_null_[i] = 1;
          next_.push_back(i);
        } else if (CompareSlots(*x, i, *v, i) == 0) {
          out.SetBool(i, !negated_);
        } else {
          next_.push_back(i);
        }
      }
      active_.swap(next_);
    }
    for (uint32_t i : active_) {
      if (saw_null_[i]) {
        out.SetNull(i);
      } else {
        out.SetBool(i, negated_);
      }
    }
    return &out;
  }

 private:
  bool negated_;
  std::vector<std::unique_ptr<ExprNode>> children_;
  Selection active_, next_;
  std::vector<uint8_t> saw_null_;
};

class GreatestLeastNode : public ExprNode {
 public:
  GreatestLeastNode(const BoundExpr& e, std::vector<std::unique_ptr<ExprNode>> children)
      : ExprNode(e.type),
        greatest_(e.kind == BoundExprKind::kGreatest),
        children_(std::move(children)) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    std::vector<const Vector*> vs;
    for (auto& c : children_) {
      ASSIGN_OR_RETURN(const Vector* v, c->Eval(in, rows));
      vs.push_back(v);
    }
    Vector& out = Prepare(in.size());
    for (uint32_t i : rows) {
      const Vector* best = nullptr;
      for (const Vector* v : vs) {
        if (v->IsNull(i)) continue;
        if (!best) {
          best = v;
          continue;
        }
        int c = CompareSlots(*v, i, *best, i);
        if ((greatest_ && c > 0) || (!greatest_ && c < 0)) best = v;
      }
      if (best) {
        out.CopySlot(i, *best, i);
      } else {
        out.SetNull(i);
      }
    }
    return &out;
  }

 private:
  bool greatest_;
  std::vector<std::unique_ptr<ExprNode>> children_;
};

/// x op ANY/ALL (array in text form), row by row as the batch engine.
class ArrayCompareNode : public ExprNode {
 public:
  ArrayCompareNode(const BoundExpr& e, std::unique_ptr<ExprNode> x, std::unique_ptr<ExprNode> arr,
                   const function::EvalContext& ctx)
      : ExprNode(SqlType(TypeId::kBool)),
        op_(e.op),
        all_(e.subquery_kind == planner::SubqueryKind::kAll),
        x_(std::move(x)),
        arr_(std::move(arr)),
        ctx_(ctx) {}
  Result<const Vector*> Eval(const StreamChunk& in, const Selection& rows) override {
    ASSIGN_OR_RETURN(const Vector* xs, x_->Eval(in, rows));
    ASSIGN_OR_RETURN(const Vector* arrs, arr_->Eval(in, rows));
    Vector& out = Prepare(in.size());
    for (uint32_t i : rows) {
      if (arrs->IsNull(i)) {
        out.SetNull(i);
        continue;
      }
      auto elems = function::ParseArrayLiteral(arrs->GetString(i));
      if (elems.empty()) {
        out.SetBool(i, all_);
        continue;
      }
      if (xs->IsNull(i)) {
        out.SetNull(i);
        continue;
      }
      Value x = xs->GetValue(i);
      bool saw_null = false, decided = false;
      for (const auto& el : elems) {
        if (!el) {
          saw_null = true;
          continue;
        }
        ASSIGN_OR_RETURN(Value v, Value::FromText(*el, x.type(), ctx_.tz()));
        bool m = CompareResult(op_, Value::Compare(x, v));
        if (all_ != m) {
          out.SetBool(i, m);
          decided = true;
          break;
        }
      }
      if (decided) continue;
      if (saw_null) {
        out.SetNull(i);
      } else {
        out.SetBool(i, all_);
      }
    }
    return &out;
  }

 private:
  std::string op_;
  bool all_;
  std::unique_ptr<ExprNode> x_, arr_;
  const function::EvalContext& ctx_;
};

Result<std::vector<std::unique_ptr<ExprNode>>> BuildAll(const BoundExpr& e,
                                                        const function::EvalContext& ctx) {
  std::vector<std::unique_ptr<ExprNode>> out;
  for (const auto& c : e.children) {
    ASSIGN_OR_RETURN(auto n, Build(*c, ctx));
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::unique_ptr<ExprNode>> Build(const BoundExpr& e, const function::EvalContext& ctx) {
  switch (e.kind) {
    case BoundExprKind::kConstant:
      return std::unique_ptr<ExprNode>(new ConstantNode(e.constant));
    case BoundExprKind::kColumn:
      return std::unique_ptr<ExprNode>(new ColumnNode(e.type, e.column));
    case BoundExprKind::kOuterColumn:
      return Unsupported("outer references");
    case BoundExprKind::kParam:
      return Unsupported("parameters");
    case BoundExprKind::kSubquery:
      return Unsupported("subqueries here");
    case BoundExprKind::kFunction: {
      ASSIGN_OR_RETURN(auto args, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new FunctionNode(e, std::move(args), ctx));
    }
    case BoundExprKind::kCast: {
      ASSIGN_OR_RETURN(auto child, Build(*e.children[0], ctx));
      return std::unique_ptr<ExprNode>(new CastNode(e, std::move(child), ctx));
    }
    case BoundExprKind::kCompare: {
      ASSIGN_OR_RETURN(auto a, Build(*e.children[0], ctx));
      ASSIGN_OR_RETURN(auto b, Build(*e.children[1], ctx));
      return std::unique_ptr<ExprNode>(new CompareNode(e, std::move(a), std::move(b)));
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr: {
      ASSIGN_OR_RETURN(auto cs, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new LogicNode(e.kind == BoundExprKind::kAnd, std::move(cs)));
    }
    case BoundExprKind::kNot:
    case BoundExprKind::kIsNull:
    case BoundExprKind::kBoolTest: {
      ASSIGN_OR_RETURN(auto child, Build(*e.children[0], ctx));
      auto kind = e.kind == BoundExprKind::kNot      ? UnaryBoolNode::Kind::kNot
                  : e.kind == BoundExprKind::kIsNull ? UnaryBoolNode::Kind::kIsNull
                                                     : UnaryBoolNode::Kind::kBoolTest;
      return std::unique_ptr<ExprNode>(new UnaryBoolNode(kind, e, std::move(child)));
    }
    case BoundExprKind::kIsDistinct: {
      ASSIGN_OR_RETURN(auto a, Build(*e.children[0], ctx));
      ASSIGN_OR_RETURN(auto b, Build(*e.children[1], ctx));
      return std::unique_ptr<ExprNode>(new IsDistinctNode(e, std::move(a), std::move(b)));
    }
    case BoundExprKind::kCase: {
      ASSIGN_OR_RETURN(auto cs, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new CaseNode(e, std::move(cs)));
    }
    case BoundExprKind::kInList: {
      ASSIGN_OR_RETURN(auto cs, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new InListNode(e, std::move(cs)));
    }
    case BoundExprKind::kCoalesce: {
      ASSIGN_OR_RETURN(auto cs, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new CoalesceNode(e, std::move(cs)));
    }
    case BoundExprKind::kNullIf: {
      ASSIGN_OR_RETURN(auto a, Build(*e.children[0], ctx));
      ASSIGN_OR_RETURN(auto b, Build(*e.children[1], ctx));
      return std::unique_ptr<ExprNode>(new NullIfNode(e, std::move(a), std::move(b)));
    }
    case BoundExprKind::kGreatest:
    case BoundExprKind::kLeast: {
      ASSIGN_OR_RETURN(auto cs, BuildAll(e, ctx));
      return std::unique_ptr<ExprNode>(new GreatestLeastNode(e, std::move(cs)));
    }
    case BoundExprKind::kArrayCompare: {
      ASSIGN_OR_RETURN(auto a, Build(*e.children[0], ctx));
      ASSIGN_OR_RETURN(auto b, Build(*e.children[1], ctx));
      return std::unique_ptr<ExprNode>(new ArrayCompareNode(e, std::move(a), std::move(b), ctx));
    }
  }
  return Unsupported("this expression");
}

}  // namespace

ExpressionEvaluator::ExpressionEvaluator(std::unique_ptr<ExprNode> root) : root_(std::move(root)) {}
ExpressionEvaluator::~ExpressionEvaluator() = default;

Result<std::unique_ptr<ExpressionEvaluator>> ExpressionEvaluator::Compile(
    const planner::BoundExpr& e, const function::EvalContext& ctx) {
  ASSIGN_OR_RETURN(auto root, Build(e, ctx));
  return std::unique_ptr<ExpressionEvaluator>(new ExpressionEvaluator(std::move(root)));
}

const SqlType& ExpressionEvaluator::type() const { return root_->type(); }

Result<const Vector*> ExpressionEvaluator::Evaluate(const StreamChunk& input) {
  if (all_.size() != input.size()) {
    all_.resize(input.size());
    for (size_t i = 0; i < all_.size(); i++) all_[i] = static_cast<uint32_t>(i);
  }
  return root_->Eval(input, all_);
}

Result<const Vector*> ExpressionEvaluator::Evaluate(const StreamChunk& input,
                                                    const Selection& rows) {
  return root_->Eval(input, rows);
}

Status ExpressionEvaluator::Select(const StreamChunk& input, Selection* selected) {
  ASSIGN_OR_RETURN(const Vector* v, Evaluate(input));
  selected->clear();
  for (size_t i = 0; i < input.size(); i++) {
    if (!v->IsNull(i) && v->GetBool(i)) selected->push_back(static_cast<uint32_t>(i));
  }
  return Status::OK();
}

Result<std::unique_ptr<ProjectionEvaluator>> ProjectionEvaluator::Compile(
    const std::vector<const planner::BoundExpr*>& exprs, const function::EvalContext& ctx) {
  auto p = std::make_unique<ProjectionEvaluator>();
  for (const BoundExpr* e : exprs) {
    p->types_.push_back(e->type);
    if (e->kind == BoundExprKind::kColumn) {
      p->columns_.push_back(e->column);
      p->exprs_.push_back(nullptr);
      continue;
    }
    ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*e, ctx));
    p->columns_.push_back(-1);
    p->exprs_.push_back(std::move(ev));
  }
  return p;
}

std::vector<SqlType> ProjectionEvaluator::types() const { return types_; }

Status ProjectionEvaluator::Project(const StreamChunk& input, StreamChunk* out) {
  out->Reset();
  size_t n = input.size();
  for (size_t c = 0; c < exprs_.size(); c++) {
    const Vector* v;
    if (columns_[c] >= 0) {
      v = &input.column(columns_[c]);
    } else {
      ASSIGN_OR_RETURN(v, exprs_[c]->Evaluate(input));
    }
    Vector& dst = out->column(c);
    dst.Resize(n);
    for (size_t i = 0; i < n; i++) dst.CopySlot(i, *v, i);
  }
  out->SetSize(n);
  int64_t* w = out->mutable_weights();
  for (size_t i = 0; i < n; i++) w[i] = input.weight(i);
  return Status::OK();
}

}  // namespace freshet::executor
