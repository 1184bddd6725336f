#include "planner/catalog.h"

namespace freshet::planner {
namespace {

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; i++) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

/// Bounds-checked reader over a serialized TableDef.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U32(uint32_t* v) {
    if (in_.size() < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; i++)
      *v |= static_cast<uint32_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    in_.remove_prefix(4);
    return true;
  }
  bool Str(std::string* s) {
    uint32_t n;
    if (!U32(&n) || in_.size() < n) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view in_;
};

}  // namespace

int TableDef::FindColumn(const std::string& col) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (columns[i].name == col) return static_cast<int>(i);
  }
  return -1;
}

std::string TableDef::UniqueName(size_t i) const {
  std::string n = name;
  for (int c : unique_keys[i]) n += "_" + columns[c].name;
  return n + "_key";
}

std::vector<SqlType> TableDef::ColumnTypes() const {
  std::vector<SqlType> types;
  for (const auto& c : columns) types.push_back(c.type);
  return types;
}

std::string TableDef::Serialize() const {
  std::string out = "FTD1";
  PutU32(&out, static_cast<uint32_t>(id));
  PutU32(&out, static_cast<uint32_t>(id >> 32));
  PutStr(&out, name);
  PutU32(&out, static_cast<uint32_t>(kind));
  PutU32(&out, static_cast<uint32_t>(columns.size()));
  for (const auto& c : columns) {
    PutStr(&out, c.name);
    PutU32(&out, static_cast<uint32_t>(c.type.id));
    PutU32(&out, static_cast<uint32_t>(c.type.typmod));
    PutU32(&out, c.not_null ? 1 : 0);
    PutStr(&out, c.default_expr);
  }
  PutU32(&out, static_cast<uint32_t>(primary_key.size()));
  for (int k : primary_key) PutU32(&out, static_cast<uint32_t>(k));
  PutStr(&out, definition);
  PutStr(&out, on_table);
  PutU32(&out, static_cast<uint32_t>(depends_on.size()));
  for (const auto& d : depends_on) PutStr(&out, d);
  PutU32(&out, static_cast<uint32_t>(unique_keys.size()));
  for (size_t i = 0; i < unique_keys.size(); i++) {
    PutU32(&out, static_cast<uint32_t>(unique_ids[i]));
    PutU32(&out, static_cast<uint32_t>(unique_ids[i] >> 32));
    PutU32(&out, static_cast<uint32_t>(unique_keys[i].size()));
    for (int k : unique_keys[i]) PutU32(&out, static_cast<uint32_t>(k));
  }
  PutU32(&out, static_cast<uint32_t>(options.size()));
  for (const auto& [k, v] : options) {
    PutStr(&out, k);
    PutStr(&out, v);
  }
  PutU32(&out, static_cast<uint32_t>(indexes.size()));
  for (const auto& index : indexes) {
    PutU32(&out, static_cast<uint32_t>(index.id));
    PutU32(&out, static_cast<uint32_t>(index.id >> 32));
    PutStr(&out, index.name);
    PutU32(&out, index.unique ? 1 : 0);
    PutU32(&out, static_cast<uint32_t>(index.columns.size()));
    for (int k : index.columns) PutU32(&out, static_cast<uint32_t>(k));
  }
  return out;
}

Result<TableDef> TableDef::Deserialize(std::string_view data) {
  auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt catalog entry"); };
  if (data.substr(0, 4) != "FTD1") return corrupt();
  Reader r(data.substr(4));
  TableDef def;
  uint32_t lo, hi, kind, n;
  if (!r.U32(&lo) || !r.U32(&hi) || !r.Str(&def.name) || !r.U32(&kind) || !r.U32(&n)) {
    return corrupt();
  }
  def.id = (static_cast<uint64_t>(hi) << 32) | lo;
  def.kind = static_cast<RelationKind>(kind);
  for (uint32_t i = 0; i < n; i++) {
    ColumnDef c;
    uint32_t tid, tmod, nn;
    if (!r.Str(&c.name) || !r.U32(&tid) || !r.U32(&tmod) || !r.U32(&nn) ||
        !r.Str(&c.default_expr)) {
      return corrupt();
    }
    c.type = SqlType(static_cast<TypeId>(tid), static_cast<int32_t>(tmod));
    c.not_null = nn != 0;
    def.columns.push_back(std::move(c));
  }
  if (!r.U32(&n)) return corrupt();
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k;
    if (!r.U32(&k)) return corrupt();
    def.primary_key.push_back(static_cast<int>(k));
  }
  if (!r.Str(&def.definition) || !r.Str(&def.on_table) || !r.U32(&n)) return corrupt();
  for (uint32_t i = 0; i < n; i++) {
    std::string d;
    if (!r.Str(&d)) return corrupt();
    def.depends_on.push_back(std::move(d));
  }
  if (r.U32(&n)) {  // absent in entries written before UNIQUE support
    for (uint32_t i = 0; i < n; i++) {
      uint32_t id_lo, id_hi, cols;
      if (!r.U32(&id_lo) || !r.U32(&id_hi) || !r.U32(&cols)) return corrupt();
      def.unique_ids.push_back((static_cast<uint64_t>(id_hi) << 32) | id_lo);
      std::vector<int> key;
      for (uint32_t k = 0; k < cols; k++) {
        uint32_t col;
        if (!r.U32(&col)) return corrupt();
        key.push_back(static_cast<int>(col));
      }
      def.unique_keys.push_back(std::move(key));
    }
  }
  if (r.U32(&n)) {
    for (uint32_t i = 0; i < n; i++) {
      std::string k, v;
      if (!r.Str(&k) || !r.Str(&v)) return corrupt();
      def.options.emplace_back(std::move(k), std::move(v));
    }
  }
  if (r.U32(&n)) {  // absent in entries written before CREATE INDEX built indexes
    for (uint32_t i = 0; i < n; i++) {
      TableDef::Index index;
      uint32_t id_lo, id_hi, unique, cols;
      if (!r.U32(&id_lo) || !r.U32(&id_hi) || !r.Str(&index.name) || !r.U32(&unique) ||
          !r.U32(&cols)) {
        return corrupt();
      }
      index.id = (static_cast<uint64_t>(id_hi) << 32) | id_lo;
      index.unique = unique != 0;
      for (uint32_t k = 0; k < cols; k++) {
        uint32_t col;
        if (!r.U32(&col)) return corrupt();
        index.columns.push_back(static_cast<int>(col));
      }
      def.indexes.push_back(std::move(index));
    }
  }
  return def;
}

std::string TableDef::Option(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : options) {
    if (k == key) return v;
  }
  return fallback;
}

std::shared_ptr<const TableDef> Catalog::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const TableDef>> Catalog::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const TableDef>> out;
  for (const auto& [name, def] : by_name_) out.push_back(def);
  return out;
}

void Catalog::Put(std::shared_ptr<const TableDef> def) {
  std::lock_guard<std::mutex> lock(mu_);
  EnsureNextId(def->id);
  by_name_[def->name] = std::move(def);
  version_++;
}

void Catalog::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  by_name_.erase(name);
  version_++;
}

void Catalog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  by_name_.clear();
  version_++;
}

}  // namespace freshet::planner
