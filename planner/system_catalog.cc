#include "planner/system_catalog.h"

#include <algorithm>
#include <functional>
#include <map>

#include "function/aggregate_function.h"
#include "function/scalar_function.h"

namespace freshet::planner {
namespace {

using T = TypeId;

/// Builds a constant relation column by column.
class RelationBuilder {
 public:
  RelationBuilder& Col(const std::string& name, SqlType type) {
    names_.push_back(name);
    types_.push_back(type);
    return *this;
  }
  void Row(std::vector<Value> values) {
    std::vector<BoundExprPtr> row;
    for (size_t i = 0; i < values.size(); i++) {
      Value v = std::move(values[i]);
      if (v.is_null()) v = Value::Null(types_[i]);
      row.push_back(MakeConstant(std::move(v)));
    }
    rows_.push_back(std::move(row));
  }
  std::unique_ptr<LogicalPlan> Build() {
    auto plan = std::make_unique<LogicalPlan>(PlanKind::kValues);
    plan->types = types_;
    plan->names = names_;
    plan->values = std::move(rows_);
    plan->system_relation = true;
    return plan;
  }

 private:
  std::vector<std::string> names_;
  std::vector<SqlType> types_;
  std::vector<std::vector<BoundExprPtr>> rows_;
};

const SqlType kOid = T::kInt64, kName = T::kText, kBool = T::kBool, kInt2 = T::kInt16,
              kInt4 = T::kInt32, kText = T::kText, kFloat4 = T::kFloat32;

Value O(int64_t v) { return Value::Int64(v); }
Value S(const std::string& s) { return Value::Text(s); }
Value B(bool b) { return Value::Bool(b); }
Value I2(int v) { return Value::Int16(static_cast<int16_t>(v)); }
Value I4(int v) { return Value::Int32(v); }
Value N() { return Value(); }

constexpr int64_t kOwner = 10;  // the "freshet" role
constexpr int64_t kDatabaseOid = SystemCatalog::kDatabaseOid;

struct TypeRow {
  TypeId id;
  const char* name;
  char category;
};
const TypeRow kTypes[] = {
    {T::kBool, "bool", 'B'},
    {T::kInt16, "int2", 'N'},
    {T::kInt32, "int4", 'N'},
    {T::kInt64, "int8", 'N'},
    {T::kFloat32, "float4", 'N'},
    {T::kFloat64, "float8", 'N'},
    {T::kNumeric, "numeric", 'N'},
    {T::kText, "text", 'S'},
    {T::kVarchar, "varchar", 'S'},
    {T::kChar, "bpchar", 'S'},
    {T::kBytea, "bytea", 'U'},
    {T::kDate, "date", 'D'},
    {T::kTime, "time", 'D'},
    {T::kTimestamp, "timestamp", 'D'},
    {T::kTimestampTz, "timestamptz", 'D'},
    {T::kInterval, "interval", 'T'},
    {T::kJsonb, "jsonb", 'U'},
};

const std::pair<int64_t, const char*> kPseudoTypes[] = {
    {2249, "record"}, {2276, "any"}, {2277, "anyarray"}, {2281, "internal"}, {2283, "anyelement"},
};

const char* const kAggregateNames[] = {
    "count", "sum",    "avg",      "min",         "max",        "string_agg", "bool_and", "bool_or",
    "every", "stddev", "variance", "stddev_samp", "stddev_pop", "var_samp",   "var_pop",
};

constexpr int64_t kFirstProcOid = 10000;      // pg_proc rows: 10000 + position
constexpr int64_t kFirstOperatorOid = 14000;  // pg_operator rows: 14000 + position

char RelKind(RelationKind k) {
  switch (k) {
    case RelationKind::kTable:
      return 'r';
    case RelationKind::kView:
      return 'v';
    case RelationKind::kMaterializedView:
      return 'm';
    case RelationKind::kSource:
      return 'r';
    case RelationKind::kIndex:
      return 'i';
    case RelationKind::kSink:
      return 'r';
  }
  return 'r';
}

/// The relations clients see (sinks produce nothing one can read).
std::vector<std::shared_ptr<const TableDef>> Relations(const Catalog& catalog) {
  std::vector<std::shared_ptr<const TableDef>> out;
  for (auto& def : catalog.All()) {
    if (def->kind != RelationKind::kSink) out.push_back(std::move(def));
  }
  return out;
}

std::unique_ptr<LogicalPlan> PgNamespace() {
  RelationBuilder b;
  b.Col("oid", kOid).Col("nspname", kName).Col("nspowner", kOid).Col("nspacl", kText);
  b.Row({O(SystemCatalog::kCatalogNamespace), S("pg_catalog"), O(kOwner), N()});
  b.Row({O(SystemCatalog::kPublicNamespace), S("public"), O(kOwner), N()});
  b.Row({O(13000), S("information_schema"), O(kOwner), N()});
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgClass(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("relname", kName)
      .Col("relnamespace", kOid)
      .Col("reltype", kOid)
      .Col("reloftype", kOid)
      .Col("relowner", kOid)
      .Col("relam", kOid)
      .Col("relfilenode", kOid)
      .Col("reltablespace", kOid)
      .Col("relpages", kInt4)
      .Col("reltuples", kFloat4)
      .Col("relallvisible", kInt4)
      .Col("reltoastrelid", kOid)
      .Col("relhasindex", kBool)
      .Col("relisshared", kBool)
      .Col("relpersistence", kText)
      .Col("relkind", kText)
      .Col("relnatts", kInt2)
      .Col("relchecks", kInt2)
      .Col("relhasrules", kBool)
      .Col("relhastriggers", kBool)
      .Col("relhassubclass", kBool)
      .Col("relrowsecurity", kBool)
      .Col("relforcerowsecurity", kBool)
      .Col("relispopulated", kBool)
      .Col("relreplident", kText)
      .Col("relispartition", kBool)
      .Col("relrewrite", kOid)
      .Col("relacl", kText)
      .Col("reloptions", kText)
      .Col("relpartbound", kText);
  for (const auto& def : Relations(catalog)) {
    char kind = RelKind(def->kind);
    b.Row({O(def->Oid()),
           S(def->name),
           O(SystemCatalog::kPublicNamespace),
           O(0),
           O(0),
           O(kOwner),
           O(kind == 'r' || kind == 'm' ? 2 : 0),
           O(def->Oid()),
           O(0),
           I4(0),
           Value::Float32(-1),
           I4(0),
           O(0),
           B(false),
           B(false),
           S("p"),
           S(std::string(1, kind)),
           I2(static_cast<int>(def->columns.size())),
           I2(0),
           B(false),
           B(false),
           B(false),
           B(false),
           B(false),
           B(true),
           S("d"),
           B(false),
           O(0),
           N(),
           N(),
           N()});
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgAttribute(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("attrelid", kOid)
      .Col("attname", kName)
      .Col("atttypid", kOid)
      .Col("attstattarget", kInt4)
      .Col("attlen", kInt2)
      .Col("attnum", kInt2)
      .Col("attndims", kInt4)
      .Col("atttypmod", kInt4)
      .Col("attbyval", kBool)
      .Col("attstorage", kText)
      .Col("attalign", kText)
      .Col("attnotnull", kBool)
      .Col("atthasdef", kBool)
      .Col("atthasmissing", kBool)
      .Col("attidentity", kText)
      .Col("attgenerated", kText)
      .Col("attisdropped", kBool)
      .Col("attislocal", kBool)
      .Col("attinhcount", kInt4)
      .Col("attcollation", kOid)
      .Col("attacl", kText)
      .Col("attoptions", kText)
      .Col("attfdwoptions", kText)
      .Col("attcompression", kText);
  for (const auto& def : Relations(catalog)) {
    if (def->kind == RelationKind::kIndex) continue;
    for (size_t i = 0; i < def->columns.size(); i++) {
      const ColumnDef& c = def->columns[i];
      bool byval = c.type.TypLen() > 0 && c.type.TypLen() <= 8;
      b.Row({O(def->Oid()),
             S(c.name),
             O(c.type.Oid()),
             I4(-1),
             I2(c.type.TypLen()),
             I2(static_cast<int>(i + 1)),
             I4(0),
             I4(c.type.typmod),
             B(byval),
             S(byval ? "p" : "x"),
             S("i"),
             B(c.not_null),
             B(!c.default_expr.empty()),
             B(false),
             S(""),
             S(""),
             B(false),
             B(true),
             I4(0),
             O(c.type.IsString() ? 100 : 0),
             N(),
             N(),
             N(),
             S("")});
    }
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgAttrdef(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("oid", kOid).Col("adrelid", kOid).Col("adnum", kInt2).Col("adbin", kText);
  int64_t oid = 50000;
  for (const auto& def : Relations(catalog)) {
    for (size_t i = 0; i < def->columns.size(); i++) {
      if (def->columns[i].default_expr.empty()) continue;
      b.Row(
          {O(oid++), O(def->Oid()), I2(static_cast<int>(i + 1)), S(def->columns[i].default_expr)});
    }
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgType() {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("typname", kName)
      .Col("typnamespace", kOid)
      .Col("typowner", kOid)
      .Col("typlen", kInt2)
      .Col("typbyval", kBool)
      .Col("typtype", kText)
      .Col("typcategory", kText)
      .Col("typispreferred", kBool)
      .Col("typisdefined", kBool)
      .Col("typdelim", kText)
      .Col("typrelid", kOid)
      .Col("typelem", kOid)
      .Col("typarray", kOid)
      .Col("typnotnull", kBool)
      .Col("typbasetype", kOid)
      .Col("typtypmod", kInt4)
      .Col("typndims", kInt4)
      .Col("typcollation", kOid)
      .Col("typdefault", kText);
  for (const TypeRow& t : kTypes) {
    SqlType st(t.id);
    bool byval = st.TypLen() > 0 && st.TypLen() <= 8;
    b.Row(
        {O(st.Oid()),
         S(t.name),
         O(SystemCatalog::kCatalogNamespace),
         O(kOwner),
         I2(st.TypLen()),
         B(byval),
         S("b"),
         S(std::string(1, t.category)),
         B(t.id == T::kFloat64 || t.id == T::kText || t.id == T::kTimestampTz || t.id == T::kBool),
         B(true),
         S(","),
         O(0),
         O(0),
         O(0),
         B(false),
         O(0),
         I4(-1),
         I4(0),
         O(st.IsString() ? 100 : 0),
         N()});
  }
  // Pseudo-types (typtype 'p'): what polymorphic and internal signatures name; no column has one.
  for (const auto& [oid, name] : kPseudoTypes) {
    b.Row({O(oid),    S(name), O(SystemCatalog::kCatalogNamespace),
           O(kOwner), I2(-1),  B(false),
           S("p"),    S("P"),  B(false),
           B(true),   S(","),  O(0),
           O(0),      O(0),    B(false),
           O(0),      I4(-1),  I4(0),
           O(0),      N()});
  }
  return b.Build();
}

/// The type OID pg_proc and pg_operator give an argument or result: a concrete type listed in
/// pg_type, or 0 when Freshet has no pg_type row for it (such signatures are not listed).
int64_t ListedTypeOid(const SqlType& t) {
  for (const TypeRow& row : kTypes) {
    if (row.id == t.id) return SqlType(t.id).Oid();
  }
  return 0;
}

std::string OidVector(const std::vector<int64_t>& oids) {
  std::string s = "{";
  for (size_t i = 0; i < oids.size(); i++) s += (i ? "," : "") + std::to_string(oids[i]);
  return s + "}";
}

/// pg_proc: every scalar function and aggregate overload the binder resolves, with concrete
/// argument types (polymorphic ones, taking any type, are left out: they have no pg_type row to
/// name). OIDs are positions in the registry's stable order, below the first relation OID.
// SQL-standard functions spelled as keywords (CURRENT_DATE, USER, ...): PostgreSQL's grammar
// takes them without parentheses, so `pg_catalog.current_date()` is no call pg_proc may offer.
bool IsKeywordFunction(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {
      "current_catalog",   "current_date", "current_time",
      "current_timestamp", "current_user", "localtime",
      "localtimestamp",    "session_user", "user"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), name) != std::end(kKeywords);
}

std::unique_ptr<LogicalPlan> PgProc() {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("proname", kName)
      .Col("pronamespace", kOid)
      .Col("proowner", kOid)
      .Col("prolang", kOid)
      .Col("procost", kFloat4)
      .Col("prorows", kFloat4)
      .Col("provariadic", kOid)
      .Col("prokind", kText)
      .Col("prosecdef", kBool)
      .Col("proleakproof", kBool)
      .Col("proisstrict", kBool)
      .Col("proretset", kBool)
      .Col("provolatile", kText)
      .Col("proparallel", kText)
      .Col("pronargs", kInt2)
      .Col("pronargdefaults", kInt2)
      .Col("prorettype", kOid)
      .Col("proargtypes", kText)
      .Col("proargnames", kText)
      .Col("prosrc", kText)
      .Col("proacl", kText);
  int64_t oid = kFirstProcOid;
  auto row = [&](const std::string& name, const std::vector<int64_t>& args, int64_t ret, char kind,
                 bool retset, bool is_volatile) {
    b.Row({O(oid++),
           S(name),
           O(SystemCatalog::kCatalogNamespace),
           O(kOwner),
           O(12),
           Value::Float32(1),
           Value::Float32(retset ? 1000 : 0),
           O(0),
           S(std::string(1, kind)),
           B(false),
           B(false),
           B(kind == 'f'),
           B(retset),
           S(is_volatile ? "v" : "i"),
           S("s"),
           I2(static_cast<int>(args.size())),
           I2(0),
           O(ret),
           S(OidVector(args)),
           N(),
           S(name),
           N()});
  };
  for (const function::FunctionSignature& f : function::ListScalarFunctions()) {
    if (f.is_operator || f.variadic || IsKeywordFunction(f.name)) continue;
    int64_t ret = ListedTypeOid(f.return_type);
    std::vector<int64_t> args;
    for (const SqlType& a : f.arg_types) args.push_back(ListedTypeOid(a));
    if (ret == 0 || std::count(args.begin(), args.end(), 0) > 0) continue;
    row(f.name, args, ret, 'f', false, f.is_volatile);
  }
  for (const char* name : kAggregateNames) {
    if (std::string_view(name) == "count") {
      row(name, {}, SqlType(T::kInt64).Oid(), 'a', false, false);  // count(*)
    }
    for (const TypeRow& t : kTypes) {
      std::vector<SqlType> args{SqlType(t.id)};
      if (std::string_view(name) == "string_agg") args.push_back(SqlType(t.id));
      auto agg = function::ResolveAggregate(name, args, false);
      if (!agg.ok() || agg->input_type.id != t.id) continue;  // only exact signatures
      int64_t ret = ListedTypeOid(agg->result_type);
      if (ret == 0) continue;
      std::vector<int64_t> oids;
      for (const SqlType& a : args) oids.push_back(SqlType(a.id).Oid());
      row(name, oids, ret, 'a', false, false);
    }
  }
  for (const TypeRow& t : kTypes) {
    if (t.category != 'N' || t.id == T::kFloat32 || t.id == T::kFloat64) continue;
    int64_t o = SqlType(t.id).Oid();
    row("generate_series", {o, o}, o, 'f', true, false);
  }
  return b.Build();
}

/// pg_operator: the binary operators the binder resolves (arithmetic, string, bit and JSON
/// operators from the function registry, comparisons for every type), with concrete types.
std::unique_ptr<LogicalPlan> PgOperator() {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("oprname", kName)
      .Col("oprnamespace", kOid)
      .Col("oprowner", kOid)
      .Col("oprkind", kText)
      .Col("oprcanmerge", kBool)
      .Col("oprcanhash", kBool)
      .Col("oprleft", kOid)
      .Col("oprright", kOid)
      .Col("oprresult", kOid)
      .Col("oprcom", kOid)
      .Col("oprnegate", kOid)
      .Col("oprcode", kText)
      .Col("oprrest", kText)
      .Col("oprjoin", kText);
  int64_t oid = kFirstOperatorOid;
  auto row = [&](const std::string& name, int64_t left, int64_t right, int64_t result,
                 bool equality) {
    b.Row({O(oid++), S(name), O(SystemCatalog::kCatalogNamespace), O(kOwner),
           S(left == 0 ? "l" : "b"), B(equality), B(equality), O(left), O(right), O(result), O(0),
           O(0), S("-"), S("-"), S("-")});
  };
  for (const function::FunctionSignature& f : function::ListScalarFunctions()) {
    if (!f.is_operator || f.variadic || f.arg_types.size() != 2) continue;
    int64_t l = ListedTypeOid(f.arg_types[0]), r = ListedTypeOid(f.arg_types[1]);
    int64_t ret = ListedTypeOid(f.return_type);
    if (l == 0 || r == 0 || ret == 0) continue;
    row(f.name, l, r, ret, false);
  }
  int64_t boolean = SqlType(T::kBool).Oid();
  for (const TypeRow& t : kTypes) {
    if (t.id == T::kJsonb) continue;  // jsonb has equality only
    int64_t o = SqlType(t.id).Oid();
    for (const char* op : {"=", "<>", "<", "<=", ">", ">="}) {
      row(op, o, o, boolean, op[0] == '=');
    }
  }
  int64_t json = SqlType(T::kJsonb).Oid();
  row("=", json, json, boolean, true);
  row("<>", json, json, boolean, false);
  for (const TypeRow& t : kTypes) {
    if (t.category != 'N') continue;
    int64_t o = SqlType(t.id).Oid();
    row("-", 0, o, o, false);  // prefix minus
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgConstraint(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("conname", kName)
      .Col("connamespace", kOid)
      .Col("contype", kText)
      .Col("condeferrable", kBool)
      .Col("condeferred", kBool)
      .Col("convalidated", kBool)
      .Col("conrelid", kOid)
      .Col("contypid", kOid)
      .Col("conindid", kOid)
      .Col("confrelid", kOid)
      .Col("conkey", kText)
      .Col("confkey", kText)
      .Col("conislocal", kBool);
  for (const auto& def : Relations(catalog)) {
    // A materialized view's key (the unique key of its rows) is not a constraint.
    if (def->primary_key.empty() || def->kind != RelationKind::kTable) continue;
    std::string key = "{";
    for (size_t i = 0; i < def->primary_key.size(); i++) {
      if (i) key += ",";
      key += std::to_string(def->primary_key[i] + 1);
    }
    key += "}";
    b.Row({O(def->Oid() + 1000000), S(def->name + "_pkey"), O(SystemCatalog::kPublicNamespace),
           S("p"), B(false), B(false), B(true), O(def->Oid()), O(0), O(0), O(0), S(key), N(),
           B(true)});
  }
  return b.Build();
}

/// The column numbers of `columns` as an int2vector's text ("1 3").
std::string IndKey(const std::vector<int>& columns) {
  std::string key;
  for (size_t i = 0; i < columns.size(); i++)
    key += (i ? " " : "") + std::to_string(columns[i] + 1);
  return key;
}

/// pg_indexes: the primary key and UNIQUE constraints' indexes and the created ones.
std::unique_ptr<LogicalPlan> PgIndexes(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("schemaname", kName)
      .Col("tablename", kName)
      .Col("indexname", kName)
      .Col("tablespace", kName)
      .Col("indexdef", kText);
  auto key_def = [](const TableDef& t, const std::string& name, const std::vector<int>& cols) {
    std::string def = "CREATE UNIQUE INDEX " + name + " ON public." + t.name + " USING btree (";
    for (size_t i = 0; i < cols.size(); i++) def += (i ? ", " : "") + t.columns[cols[i]].name;
    return def + ")";
  };
  for (const auto& def : Relations(catalog)) {
    if (def->kind == RelationKind::kTable) {
      if (!def->primary_key.empty()) {
        b.Row({S("public"), S(def->name), S(def->name + "_pkey"), N(),
               S(key_def(*def, def->name + "_pkey", def->primary_key))});
      }
      for (size_t i = 0; i < def->unique_keys.size(); i++) {
        b.Row({S("public"), S(def->name), S(def->UniqueName(i)), N(),
               S(key_def(*def, def->UniqueName(i), def->unique_keys[i]))});
      }
    } else if (def->kind == RelationKind::kIndex) {
      std::string text = def->definition.rfind("CREATE", 0) == 0
                             ? def->definition
                             : "CREATE INDEX " + def->name + " ON public." + def->on_table;
      b.Row({S("public"), S(def->on_table), S(def->name), N(), S(text)});
    }
  }
  return b.Build();
}

/// pg_index: a row per index relation (pg_class relkind 'i').
std::unique_ptr<LogicalPlan> PgIndex(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("indexrelid", kOid)
      .Col("indrelid", kOid)
      .Col("indnatts", kInt2)
      .Col("indnkeyatts", kInt2)
      .Col("indisunique", kBool)
      .Col("indisprimary", kBool)
      .Col("indisexclusion", kBool)
      .Col("indimmediate", kBool)
      .Col("indisclustered", kBool)
      .Col("indisvalid", kBool)
      .Col("indisready", kBool)
      .Col("indislive", kBool)
      .Col("indisreplident", kBool)
      .Col("indkey", kText)
      .Col("indexprs", kText)
      .Col("indpred", kText);
  for (const auto& def : Relations(catalog)) {
    if (def->kind != RelationKind::kIndex) continue;
    auto table = catalog.Find(def->on_table);
    if (!table) continue;
    int n = static_cast<int>(def->primary_key.size());
    bool unique = def->Option("unique") == "true";
    b.Row({O(def->Oid()), O(table->Oid()), I2(n), I2(n), B(unique), B(false), B(false), B(true),
           B(false), B(true), B(true), B(true), B(false), S(IndKey(def->primary_key)), N(), N()});
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgDatabase() {
  RelationBuilder b;
  b.Col("oid", kOid)
      .Col("datname", kName)
      .Col("datdba", kOid)
      .Col("encoding", kInt4)
      .Col("datlocprovider", kText)
      .Col("datistemplate", kBool)
      .Col("datallowconn", kBool)
      .Col("datconnlimit", kInt4)
      .Col("datcollate", kText)
      .Col("datctype", kText)
      .Col("daticulocale", kText)
      .Col("datacl", kText);
  b.Row({O(kDatabaseOid), S("freshet"), O(kOwner), I4(6), S("c"), B(false), B(true), I4(-1),
         S("C.UTF-8"), S("C.UTF-8"), N(), N()});
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgRoles(bool user_view) {
  RelationBuilder b;
  if (user_view) {
    b.Col("usename", kName)
        .Col("usesysid", kOid)
        .Col("usecreatedb", kBool)
        .Col("usesuper", kBool)
        .Col("userepl", kBool)
        .Col("usebypassrls", kBool);
    b.Row({S("freshet"), O(kOwner), B(true), B(true), B(true), B(true)});
    return b.Build();
  }
  b.Col("oid", kOid)
      .Col("rolname", kName)
      .Col("rolsuper", kBool)
      .Col("rolinherit", kBool)
      .Col("rolcreaterole", kBool)
      .Col("rolcreatedb", kBool)
      .Col("rolcanlogin", kBool)
      .Col("rolreplication", kBool)
      .Col("rolconnlimit", kInt4)
      .Col("rolpassword", kText)
      .Col("rolvaliduntil", SqlType(T::kTimestampTz))
      .Col("rolbypassrls", kBool)
      .Col("rolconfig", kText);
  b.Row({O(kOwner), S("freshet"), B(true), B(true), B(true), B(true), B(true), B(true), I4(-1),
         S("********"), N(), B(true), N()});
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgAm() {
  RelationBuilder b;
  b.Col("oid", kOid).Col("amname", kName).Col("amhandler", kOid).Col("amtype", kText);
  b.Row({O(2), S("heap"), O(0), S("t")});
  return b.Build();
}

std::unique_ptr<LogicalPlan> PgTablesOrViews(const Catalog& catalog, RelationKind kind) {
  RelationBuilder b;
  if (kind == RelationKind::kTable) {
    b.Col("schemaname", kName)
        .Col("tablename", kName)
        .Col("tableowner", kName)
        .Col("tablespace", kName)
        .Col("hasindexes", kBool)
        .Col("hasrules", kBool)
        .Col("hastriggers", kBool)
        .Col("rowsecurity", kBool);
  } else {
    b.Col("schemaname", kName)
        .Col(kind == RelationKind::kView ? "viewname" : "matviewname", kName)
        .Col(kind == RelationKind::kView ? "viewowner" : "matviewowner", kName)
        .Col("definition", kText);
  }
  for (const auto& def : Relations(catalog)) {
    if (def->kind != kind) continue;
    if (kind == RelationKind::kTable) {
      b.Row({S("public"), S(def->name), S("freshet"), N(), B(!def->primary_key.empty()), B(false),
             B(false), B(false)});
    } else {
      b.Row({S("public"), S(def->name), S("freshet"), S(def->definition)});
    }
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> InfoTables(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("table_catalog", kName)
      .Col("table_schema", kName)
      .Col("table_name", kName)
      .Col("table_type", kText)
      .Col("is_insertable_into", kText);
  for (const auto& def : Relations(catalog)) {
    if (def->kind == RelationKind::kIndex) continue;
    bool table = def->kind == RelationKind::kTable;
    b.Row({S("freshet"), S("public"), S(def->name), S(table ? "BASE TABLE" : "VIEW"),
           S(table ? "YES" : "NO")});
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> InfoColumns(const Catalog& catalog) {
  RelationBuilder b;
  b.Col("table_catalog", kName)
      .Col("table_schema", kName)
      .Col("table_name", kName)
      .Col("column_name", kName)
      .Col("ordinal_position", kInt4)
      .Col("column_default", kText)
      .Col("is_nullable", kText)
      .Col("data_type", kText)
      .Col("character_maximum_length", kInt4)
      .Col("numeric_precision", kInt4)
      .Col("numeric_scale", kInt4)
      .Col("udt_name", kName);
  for (const auto& def : Relations(catalog)) {
    if (def->kind == RelationKind::kIndex) continue;
    for (size_t i = 0; i < def->columns.size(); i++) {
      const ColumnDef& c = def->columns[i];
      bool is_string = c.type.IsString(), is_numeric = c.type.id == T::kNumeric;
      Value len = is_string && c.type.CharLength() >= 0 ? I4(c.type.CharLength()) : N();
      Value prec =
          is_numeric && c.type.NumericPrecision() >= 0 ? I4(c.type.NumericPrecision()) : N();
      Value scale = is_numeric && c.type.NumericScale() >= 0 ? I4(c.type.NumericScale()) : N();
      std::string udt;
      for (const TypeRow& t : kTypes) {
        if (t.id == c.type.id) udt = t.name;
      }
      b.Row({S("freshet"), S("public"), S(def->name), S(c.name), I4(static_cast<int>(i + 1)),
             c.default_expr.empty() ? N() : S(c.default_expr), S(c.not_null ? "NO" : "YES"),
             S(std::string(c.type.BaseName())), len, prec, scale, S(udt)});
    }
  }
  return b.Build();
}

std::unique_ptr<LogicalPlan> InfoSchemata() {
  RelationBuilder b;
  b.Col("catalog_name", kName).Col("schema_name", kName).Col("schema_owner", kName);
  for (const char* s : {"pg_catalog", "public", "information_schema"}) {
    b.Row({S("freshet"), S(s), S("freshet")});
  }
  return b.Build();
}

/// Relations clients read that have no Freshet counterpart: present, with their usual
/// columns, and empty.
std::unique_ptr<LogicalPlan> Empty(std::vector<std::pair<const char*, SqlType>> cols) {
  RelationBuilder b;
  for (auto& [n, t] : cols) b.Col(n, t);
  return b.Build();
}

}  // namespace

int64_t SystemCatalog::NamespaceOid(const std::string& name) {
  if (name == "pg_catalog") return kCatalogNamespace;
  if (name == "public") return kPublicNamespace;
  if (name == "information_schema") return 13000;
  return -1;
}

std::unique_ptr<LogicalPlan> SystemCatalog::Relation(const std::string& schema,
                                                     const std::string& name,
                                                     const Catalog& catalog) {
  if (schema == "information_schema") {
    if (name == "tables") return InfoTables(catalog);
    if (name == "columns") return InfoColumns(catalog);
    if (name == "schemata") return InfoSchemata();
    return nullptr;
  }
  if (!schema.empty() && schema != "pg_catalog") return nullptr;
  if (name == "pg_namespace") return PgNamespace();
  if (name == "pg_class") return PgClass(catalog);
  if (name == "pg_attribute") return PgAttribute(catalog);
  if (name == "pg_attrdef") return PgAttrdef(catalog);
  if (name == "pg_type") return PgType();
  if (name == "pg_constraint") return PgConstraint(catalog);
  if (name == "pg_database") return PgDatabase();
  if (name == "pg_roles" || name == "pg_authid") return PgRoles(false);
  if (name == "pg_user") return PgRoles(true);
  if (name == "pg_am") return PgAm();
  if (name == "pg_tables") return PgTablesOrViews(catalog, RelationKind::kTable);
  if (name == "pg_views") return PgTablesOrViews(catalog, RelationKind::kView);
  if (name == "pg_matviews") return PgTablesOrViews(catalog, RelationKind::kMaterializedView);
  if (name == "pg_index") return PgIndex(catalog);
  if (name == "pg_indexes") return PgIndexes(catalog);
  if (name == "pg_description" || name == "pg_shdescription") {
    return Empty(
        {{"objoid", kOid}, {"classoid", kOid}, {"objsubid", kInt4}, {"description", kText}});
  }
  if (name == "pg_inherits") {
    return Empty({{"inhrelid", kOid},
                  {"inhparent", kOid},
                  {"inhseqno", kInt4},
                  {"inhdetachpending", kBool}});
  }
  if (name == "pg_auth_members") {
    return Empty({{"roleid", kOid}, {"member", kOid}, {"grantor", kOid}, {"admin_option", kBool}});
  }
  if (name == "pg_collation") return Empty({{"oid", kOid}, {"collname", kName}});
  if (name == "pg_policy") {
    return Empty({{"oid", kOid},
                  {"polname", kName},
                  {"polrelid", kOid},
                  {"polcmd", kText},
                  {"polpermissive", kBool},
                  {"polroles", kText},
                  {"polqual", kText},
                  {"polwithcheck", kText}});
  }
  if (name == "pg_statistic_ext") {
    return Empty({{"oid", kOid},
                  {"stxrelid", kOid},
                  {"stxname", kName},
                  {"stxnamespace", kOid},
                  {"stxkeys", kText},
                  {"stxstattarget", kInt4},
                  {"stxkind", kText}});
  }
  if (name == "pg_publication") {
    return Empty(
        {{"oid", kOid}, {"pubname", kName}, {"puballtables", kBool}, {"pubviaroot", kBool}});
  }
  if (name == "pg_publication_rel") {
    return Empty({{"oid", kOid}, {"prpubid", kOid}, {"prrelid", kOid}});
  }
  if (name == "pg_publication_namespace") {
    return Empty({{"oid", kOid}, {"pnpubid", kOid}, {"pnnspid", kOid}});
  }
  if (name == "pg_rewrite") {
    return Empty({{"oid", kOid}, {"rulename", kName}, {"ev_class", kOid}, {"ev_type", kText}});
  }
  if (name == "pg_trigger") {
    return Empty({{"oid", kOid}, {"tgrelid", kOid}, {"tgname", kName}, {"tgisinternal", kBool}});
  }
  if (name == "pg_depend") {
    return Empty({{"classid", kOid},
                  {"objid", kOid},
                  {"refclassid", kOid},
                  {"refobjid", kOid},
                  {"deptype", kText}});
  }
  if (name == "pg_proc") return PgProc();
  if (name == "pg_operator") return PgOperator();
  if (name == "pg_enum") {
    return Empty(
        {{"oid", kOid}, {"enumtypid", kOid}, {"enumsortorder", kFloat4}, {"enumlabel", kName}});
  }
  if (name == "pg_stat_database") {
    // The counters are the engine's (what statements spilled to temporary files).
    auto data = catalog.SystemRelation("pg_stat_database");
    if (!data) return nullptr;
    return FromData(*data);
  }
  if (name == "pg_stat_user_tables") {
    return Empty({{"relid", kOid},
                  {"schemaname", kName},
                  {"relname", kName},
                  {"n_live_tup", SqlType(T::kInt64)}});
  }
  return nullptr;
}

std::unique_ptr<LogicalPlan> SystemCatalog::FromData(const SystemRelationData& data) {
  RelationBuilder b;
  for (size_t i = 0; i < data.names.size(); i++) b.Col(data.names[i], data.types[i]);
  for (const auto& row : data.rows) b.Row(row);
  return b.Build();
}

}  // namespace freshet::planner
