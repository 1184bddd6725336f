#include "planner/join_order.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "planner/expr_rewrite.h"

namespace freshet::planner {

namespace {

constexpr double kDefaultRows = 1000;
constexpr double kRangeSelectivity = 0.33;
constexpr double kEqualsConstantSelectivity = 0.1;
constexpr size_t kMaxRegion = 64;  // relations per region: one bit each in a mask

using Mask = uint64_t;

bool Reorderable(const LogicalPlan& p) {
  if (p.kind != PlanKind::kJoin || p.lateral || p.lookup_join) return false;
  if (p.join_kind != JoinKind::kInner && p.join_kind != JoinKind::kCross) return false;
  return !p.predicate || IsMovable(*p.predicate);
}

size_t CountLeaves(const LogicalPlan& p) {
  if (!Reorderable(p)) return 1;
  return CountLeaves(*p.children[0]) + CountLeaves(*p.children[1]);
}

/// A relation of a join region: its plan and where its columns sit in the region's row.
struct Leaf {
  PlanPtr plan;
  int offset = 0;
  int width = 0;
  double rows = 1;
};

/// A condition of the region over the region's columns, and the relations it reads.
struct Condition {
  BoundExprPtr expr;
  Mask leaves = 0;
  double selectivity = kRangeSelectivity;
  bool placed = false;
};

/// A join tree over the region's relations: a leaf or the join of two trees.
struct TreeNode {
  int leaf = -1;
  int left = -1, right = -1;
  Mask mask = 0;
};

class Region {
 public:
  Region(const OptimizerOptions& options, PlanPtr root);
  PlanPtr Build();

 private:
  void Collect(PlanPtr p, int offset);
  int Node(int leaf, int left, int right);
  /// Joins whose sides no condition connects, in the written tree below `node`.
  int CrossProducts(int node) const;
  int Components() const;
  bool Connects(Mask a, Mask b) const;
  bool Connected(Mask m) const;
  double Rows(Mask m) const;
  int LeftDeepInFromOrder();
  int Exhaustive();
  int Greedy();
  /// The plan of tree `node`: its columns' region positions go to `cols`.
  PlanPtr Emit(int node, std::vector<int>* cols);

  const OptimizerOptions& options_;
  std::vector<std::string> names_;
  std::vector<SqlType> types_;
  std::vector<Leaf> leaves_;
  std::vector<Condition> conds_;
  std::vector<int> leaf_of_column_;
  std::vector<TreeNode> nodes_;
  int written_root_ = -1;
};

Region::Region(const OptimizerOptions& options, PlanPtr root) : options_(options) {
  names_ = root->names;
  types_ = root->types;
  Collect(std::move(root), 0);
  for (size_t i = 0; i < leaves_.size(); i++) {
    for (int c = 0; c < leaves_[i].width; c++) leaf_of_column_.push_back(static_cast<int>(i));
  }
  for (Condition& c : conds_) {
    std::vector<int> cols = ReferencedColumns(*c.expr);
    for (int col : cols) c.leaves |= Mask{1} << leaf_of_column_[col];
    const BoundExpr& e = *c.expr;
    if (e.kind == BoundExprKind::kCompare && e.op == "=" && std::popcount(c.leaves) == 2 &&
        e.children[0]->kind == BoundExprKind::kColumn &&
        e.children[1]->kind == BoundExprKind::kColumn) {
      // A key / foreign-key guess: each row of the larger side matches about one.
      double a = leaves_[leaf_of_column_[e.children[0]->column]].rows;
      double b = leaves_[leaf_of_column_[e.children[1]->column]].rows;
      c.selectivity = 1.0 / std::max({a, b, 1.0});
    }
  }
}

int Region::Node(int leaf, int left, int right) {
  TreeNode n;
  n.leaf = leaf;
  n.left = left;
  n.right = right;
  n.mask = leaf >= 0 ? Mask{1} << leaf : nodes_[left].mask | nodes_[right].mask;
  nodes_.push_back(n);
  return static_cast<int>(nodes_.size()) - 1;
}

void Region::Collect(PlanPtr p, int offset) {
  // Builds the written tree as it goes (written_root_ ends as its root).
  if (!Reorderable(*p)) {
    Leaf leaf;
    leaf.offset = offset;
    leaf.width = static_cast<int>(p->types.size());
    leaf.rows = EstimateRows(*p, options_);
    leaf.plan = OrderJoins(std::move(p), options_);
    leaves_.push_back(std::move(leaf));
    written_root_ = Node(static_cast<int>(leaves_.size()) - 1, -1, -1);
    return;
  }
  int lw = static_cast<int>(p->children[0]->types.size());
  std::vector<BoundExprPtr> conds;
  SplitConjuncts(std::move(p->predicate), &conds);
  for (auto& c : conds) {
    ShiftColumns(c.get(), offset);
    Condition cond;
    cond.expr = std::move(c);
    conds_.push_back(std::move(cond));
  }
  Collect(std::move(p->children[0]), offset);
  int left = written_root_;
  Collect(std::move(p->children[1]), offset + lw);
  int right = written_root_;
  written_root_ = Node(-1, left, right);
}

bool Region::Connects(Mask a, Mask b) const {
  for (const Condition& c : conds_) {
    if ((c.leaves & a) && (c.leaves & b) && (c.leaves & ~(a | b)) == 0) return true;
  }
  return false;
}

bool Region::Connected(Mask m) const {
  Mask reached = m & (~m + 1);  // the lowest relation
  bool grew = true;
  while (grew && reached != m) {
    grew = false;
    for (const Condition& c : conds_) {
      if ((c.leaves & ~m) == 0 && (c.leaves & reached) && (c.leaves & ~reached)) {
        reached |= c.leaves;
        grew = true;
      }
    }
  }
  return reached == m;
}

int Region::CrossProducts(int node) const {
  const TreeNode& n = nodes_[node];
  if (n.leaf >= 0) return 0;
  int own = Connects(nodes_[n.left].mask, nodes_[n.right].mask) ? 0 : 1;
  return own + CrossProducts(n.left) + CrossProducts(n.right);
}

int Region::Components() const {
  Mask all = nodes_[written_root_].mask, seen = 0;
  int count = 0;
  for (size_t i = 0; i < leaves_.size(); i++) {
    Mask bit = Mask{1} << i;
    if (seen & bit) continue;
    count++;
    Mask reached = bit;
    bool grew = true;
    while (grew) {
      grew = false;
      for (const Condition& c : conds_) {
        if ((c.leaves & all) == c.leaves && (c.leaves & reached) && (c.leaves & ~reached)) {
          reached |= c.leaves;
          grew = true;
        }
      }
    }
    seen |= reached;
  }
  return count;
}

double Region::Rows(Mask m) const {
  double rows = 1;
  for (size_t i = 0; i < leaves_.size(); i++) {
    if (m & (Mask{1} << i)) rows *= leaves_[i].rows;
  }
  for (const Condition& c : conds_) {
    if (std::popcount(c.leaves) >= 2 && (c.leaves & ~m) == 0) rows *= c.selectivity;
  }
  return std::max(rows, 1.0);
}

int Region::LeftDeepInFromOrder() {
  size_t n = leaves_.size();
  std::vector<int> leaf_node(n);
  for (size_t i = 0; i < n; i++) leaf_node[i] = Node(static_cast<int>(i), -1, -1);
  int tree = leaf_node[0];
  Mask joined = 1;
  while (std::popcount(joined) < static_cast<int>(n)) {
    int next = -1;
    for (size_t i = 0; i < n && next < 0; i++) {
      Mask bit = Mask{1} << i;
      if (!(joined & bit) && Connects(joined, bit)) next = static_cast<int>(i);
    }
    for (size_t i = 0; i < n && next < 0; i++) {
      if (!(joined & (Mask{1} << i))) next = static_cast<int>(i);
    }
    tree = Node(-1, tree, leaf_node[next]);
    joined |= Mask{1} << next;
  }
  return tree;
}

int Region::Exhaustive() {
  size_t n = leaves_.size();
  Mask full = (Mask{1} << n) - 1;
  struct Best {
    int tier = 3;  // 0 best: see below
    double cost = std::numeric_limits<double>::infinity();
    Mask left = 0;
  };
  std::vector<Best> best(full + 1);
  std::vector<double> rows(full + 1);
  std::vector<bool> connected(full + 1);
  for (Mask m = 1; m <= full; m++) {
    rows[m] = Rows(m);
    connected[m] = Connected(m);
    if (std::popcount(m) == 1) {
      best[m].cost = 0;
      continue;
    }
    for (Mask sub = (m - 1) & m; sub > 0; sub = (sub - 1) & m) {
      Mask other = m ^ sub;
      if (sub < other) continue;  // each split once
      // A connected set is built from connected halves joined by a condition (tier 0); where a
      // condition spans three or more relations there may be none, then halves some condition
      // joins (tier 1); only a set that is not connected takes a cross product (tier 2).
      bool joined = Connects(sub, other);
      int tier = !connected[m]                                 ? 2
                 : joined && connected[sub] && connected[other] ? 0
                 : joined                                       ? 1
                                                                : 3;
      if (tier == 3) continue;
      double cost = best[sub].cost + best[other].cost + rows[m];
      if (tier < best[m].tier || (tier == best[m].tier && cost < best[m].cost)) {
        best[m].tier = tier;
        best[m].cost = cost;
        best[m].left = sub;
      }
    }
    if (best[m].left == 0) {
      // Not reachable (a connected set always has a split some condition joins), but never
      // leave a set without a plan: the lowest relation against the rest.
      best[m].left = m & (~m + 1);
      best[m].cost = best[best[m].left].cost + best[m ^ best[m].left].cost + rows[m];
    }
  }
  std::function<int(Mask)> emit = [&](Mask m) -> int {
    if (std::popcount(m) == 1) return Node(std::countr_zero(m), -1, -1);
    Mask a = best[m].left, b = m ^ a;
    if (rows[a] < rows[b]) std::swap(a, b);  // the smaller input is built (right)
    int l = emit(a);
    int r = emit(b);
    return Node(-1, l, r);
  };
  return emit(full);
}

int Region::Greedy() {
  struct Tree {
    int node;
    Mask mask;
    double rows;
  };
  std::vector<Tree> trees;
  for (size_t i = 0; i < leaves_.size(); i++) {
    trees.push_back({Node(static_cast<int>(i), -1, -1), Mask{1} << i, leaves_[i].rows});
  }
  while (trees.size() > 1) {
    size_t bi = 0, bj = 1;
    bool best_connected = false;
    double best_rows = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < trees.size(); i++) {
      for (size_t j = i + 1; j < trees.size(); j++) {
        bool connects = Connects(trees[i].mask, trees[j].mask);
        if (best_connected && !connects) continue;
        double r = Rows(trees[i].mask | trees[j].mask);
        if ((connects && !best_connected) || r < best_rows) {
          best_connected = connects;
          best_rows = r;
          bi = i;
          bj = j;
        }
      }
    }
    Tree a = trees[bi], b = trees[bj];
    if (a.rows < b.rows) std::swap(a, b);
    Tree merged{Node(-1, a.node, b.node), a.mask | b.mask, best_rows};
    trees.erase(trees.begin() + static_cast<std::ptrdiff_t>(bj));
    trees[bi] = merged;
  }
  return trees[0].node;
}

PlanPtr Region::Emit(int node, std::vector<int>* cols) {
  const TreeNode n = nodes_[node];
  if (n.leaf >= 0) {
    Leaf& leaf = leaves_[n.leaf];
    for (int c = 0; c < leaf.width; c++) cols->push_back(leaf.offset + c);
    return std::move(leaf.plan);
  }
  std::vector<int> left_cols, right_cols;
  PlanPtr left = Emit(n.left, &left_cols);
  PlanPtr right = Emit(n.right, &right_cols);
  *cols = left_cols;
  cols->insert(cols->end(), right_cols.begin(), right_cols.end());
  std::vector<int> position(leaf_of_column_.size(), -1);
  for (size_t i = 0; i < cols->size(); i++) position[(*cols)[i]] = static_cast<int>(i);
  bool root = n.mask == nodes_[written_root_].mask;
  std::vector<BoundExprPtr> here;
  for (Condition& c : conds_) {
    if (c.placed || (c.leaves & ~n.mask) != 0 || (c.leaves == 0 && !root)) continue;
    c.placed = true;
    RemapColumns(c.expr.get(), position);
    here.push_back(std::move(c.expr));
  }
  auto join = std::make_unique<LogicalPlan>(PlanKind::kJoin);
  join->types = left->types;
  join->types.insert(join->types.end(), right->types.begin(), right->types.end());
  join->names = left->names;
  join->names.insert(join->names.end(), right->names.begin(), right->names.end());
  join->predicate = Conjoin(std::move(here));
  join->join_kind = join->predicate ? JoinKind::kInner : JoinKind::kCross;
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));
  return join;
}

PlanPtr Region::Build() {
  int root;
  if (!options_.row_count) {
    // No statistics: keep what was written unless it crosses what conditions could connect.
    root = CrossProducts(written_root_) > Components() - 1 ? LeftDeepInFromOrder() : written_root_;
  } else if (leaves_.size() <= static_cast<size_t>(options_.exhaustive_join_limit)) {
    root = Exhaustive();
  } else {
    root = Greedy();
  }
  std::vector<int> cols;
  PlanPtr plan = Emit(root, &cols);
  bool identity = true;
  for (size_t i = 0; i < cols.size(); i++) identity &= cols[i] == static_cast<int>(i);
  if (identity) {
    plan->names = names_;
    return plan;
  }
  std::vector<int> position(cols.size());
  for (size_t i = 0; i < cols.size(); i++) position[cols[i]] = static_cast<int>(i);
  auto project = std::make_unique<LogicalPlan>(PlanKind::kProject);
  project->types = types_;
  project->names = names_;
  for (size_t i = 0; i < cols.size(); i++) {
    project->exprs.push_back(MakeColumn(position[i], types_[i]));
  }
  project->children.push_back(std::move(plan));
  return project;
}

double FilterSelectivity(const BoundExpr& pred) {
  if (pred.kind == BoundExprKind::kAnd) {
    double s = 1;
    for (const auto& c : pred.children) s *= FilterSelectivity(*c);
    return s;
  }
  if (pred.kind == BoundExprKind::kCompare && pred.op == "=") {
    auto constant = [](const BoundExpr& e) {
      const BoundExpr* x = &e;
      while (x->kind == BoundExprKind::kCast) x = x->children[0].get();
      return x->kind == BoundExprKind::kConstant || x->kind == BoundExprKind::kParam;
    };
    if (constant(*pred.children[0]) || constant(*pred.children[1])) {
      return kEqualsConstantSelectivity;
    }
  }
  return kRangeSelectivity;
}

}  // namespace

double EstimateRows(const LogicalPlan& p, const OptimizerOptions& options) {
  auto child = [&](size_t i) { return EstimateRows(*p.children[i], options); };
  double rows = kDefaultRows;
  switch (p.kind) {
    case PlanKind::kScan:
      if (options.row_count) {
        if (auto n = options.row_count(*p.table)) rows = *n;
      }
      break;
    case PlanKind::kValues:
      rows = static_cast<double>(p.values.size());
      break;
    case PlanKind::kFilter:
      rows = child(0) * FilterSelectivity(*p.predicate);
      break;
    case PlanKind::kAggregate:
      rows = p.exprs.empty() ? 1 : child(0) * kRangeSelectivity;
      break;
    case PlanKind::kDistinct:
      rows = child(0) * 0.5;
      break;
    case PlanKind::kJoin: {
      double l = child(0), r = child(1);
      if (p.join_kind == JoinKind::kCross) {
        rows = l * r;
      } else if (p.join_kind == JoinKind::kSemi || p.join_kind == JoinKind::kAnti) {
        rows = l;
      } else {
        rows = std::max(l, r);
      }
      break;
    }
    case PlanKind::kSetOp:
      rows = child(0) + child(1);
      break;
    case PlanKind::kProject:
    case PlanKind::kSort:
    case PlanKind::kLimit:
    case PlanKind::kWindow:
    case PlanKind::kWindowTvf:
      rows = child(0);
      break;
    case PlanKind::kTableFunction:
      rows = p.children.empty() ? kDefaultRows : child(0) * 10;
      break;
  }
  return std::max(rows, 1.0);
}

PlanPtr OrderJoins(PlanPtr plan, const OptimizerOptions& options) {
  if (Reorderable(*plan)) {
    size_t n = CountLeaves(*plan);
    if (n >= 2 && n <= kMaxRegion) {
      Region region(options, std::move(plan));
      return region.Build();
    }
  }
  for (auto& c : plan->children) c = OrderJoins(std::move(c), options);
  return plan;
}

}  // namespace freshet::planner
