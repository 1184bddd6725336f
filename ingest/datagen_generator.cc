#include "ingest/datagen_generator.h"

#include <algorithm>
#include <cmath>

#include "common/decimal.h"
#include "ingest/option_reader.h"
#include "ingest/random.h"

namespace freshet::ingest {

Result<std::unique_ptr<DatagenGenerator>> DatagenGenerator::Make(
    const std::vector<std::pair<std::string, std::string>>& options,
    const std::vector<GeneratorColumn>& columns, int64_t created_at) {
  auto g = std::unique_ptr<DatagenGenerator>(new DatagenGenerator());
  OptionReader opts(options);
  ASSIGN_OR_RETURN(int64_t parts, opts.Int("partitions", 1, 1, 1024));
  g->partitions_ = static_cast<uint32_t>(parts);
  ASSIGN_OR_RETURN(g->rate_, opts.Double("datagen.rows.per.second", 10));
  if (g->rate_ <= 0) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "invalid value for option \"datagen.rows.per.second\": must be positive");
  }
  ASSIGN_OR_RETURN(g->max_speed_, opts.Bool("datagen.max.speed", false));
  ASSIGN_OR_RETURN(int64_t total, opts.Int("datagen.rows", 0, 0));
  g->total_ = static_cast<uint64_t>(total);
  ASSIGN_OR_RETURN(int64_t seed, opts.Int("datagen.seed", 0));
  g->seed_ = static_cast<uint64_t>(seed);
  g->created_at_ = created_at;
  for (const auto& c : columns) {
    Column col;
    col.type = c.type;
    std::string p = "fields." + c.name + ".";
    std::string kind = opts.String(p + "kind", "random");
    if (kind != "random" && kind != "sequence") {
      return Status::Error(
          sqlstate::kInvalidParameterValue,
          "invalid value for option \"" + p + "kind\": \"" + kind + "\" (sequence or random)");
    }
    col.sequence = kind == "sequence";
    bool time = c.type.id == TypeId::kTimestamp || c.type.id == TypeId::kTimestampTz ||
                c.type.id == TypeId::kDate;
    if (time) {
      ASSIGN_OR_RETURN(col.start, opts.Timestamp(p + "start", created_at));
      ASSIGN_OR_RETURN(col.step,
                       opts.DurationMicros(p + "step", static_cast<int64_t>(1e6 / g->rate_)));
      ASSIGN_OR_RETURN(col.max_past, opts.DurationMicros(p + "max_past", 0));
      col.sequence = true;  // time columns advance with the row number
    } else {
      ASSIGN_OR_RETURN(col.start, opts.Int(p + "start", 1));
      ASSIGN_OR_RETURN(col.step, opts.Int(p + "step", 1));
      ASSIGN_OR_RETURN(col.min, opts.Double(p + "min", 0));
      ASSIGN_OR_RETURN(col.max, opts.Double(p + "max", 1000));
      ASSIGN_OR_RETURN(col.length, opts.Int(p + "length", 10, 0, 1 << 20));
      if (col.max < col.min) {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "option \"" + p + "max\" must not be below \"" + p + "min\"");
      }
    }
    if (c.type.id == TypeId::kInterval || c.type.id == TypeId::kJsonb ||
        c.type.id == TypeId::kBytea || c.type.id == TypeId::kTime) {
      return Status::Error(
          sqlstate::kFeatureNotSupported,
          "datagen cannot generate column \"" + c.name + "\" of type " + c.type.ToString());
    }
    g->columns_.push_back(col);
  }
  return g;
}

uint64_t DatagenGenerator::Available(uint32_t partition, int64_t now_micros) const {
  uint64_t rows;
  if (max_speed_) {
    if (total_ == 0) return UINT64_MAX;
    rows = total_;
  } else {
    double elapsed = std::max<int64_t>(0, now_micros - created_at_) / 1e6;
    rows = static_cast<uint64_t>(elapsed * rate_);
    if (total_ > 0) rows = std::min(rows, total_);
  }
  return rows > partition ? (rows - partition + partitions_ - 1) / partitions_ : 0;
}

void DatagenGenerator::Generate(uint32_t partition, uint64_t offset, size_t n, StreamChunk* chunk,
                                const std::vector<bool>& needed) const {
  size_t first = chunk->size();
  for (size_t j = 0; j < n; j++) {
    uint64_t r = (offset + j) * partitions_ + partition;
    Random rng((r + 1) * 0x9e3779b97f4a7c15ULL ^ seed_);
    for (size_t c = 0; c < columns_.size(); c++) {
      const Column& col = columns_[c];
      Vector& v = chunk->column(c);
      uint64_t draw = rng.Next();  // one draw per column, used or not, keeps columns independent
      if (!needed.empty() && !needed[c]) {
        v.AppendNull();
        continue;
      }
      Random crng(draw);
      switch (col.type.id) {
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
          int64_t ts = col.start + static_cast<int64_t>(r) * col.step;
          if (col.max_past > 0) ts -= crng.Range(0, col.max_past + 1);
          v.AppendInt(ts);
          break;
        }
        case TypeId::kDate:
          v.AppendInt(col.start / (86400LL * 1000000) + static_cast<int64_t>(r));
          break;
        case TypeId::kBool:
          v.AppendInt(static_cast<int64_t>(crng.Below(2)));
          break;
        case TypeId::kFloat32:
        case TypeId::kFloat64:
          v.AppendDouble(col.sequence ? static_cast<double>(col.start + r * col.step)
                                      : col.min + crng.Unit() * (col.max - col.min));
          break;
        case TypeId::kNumeric: {
          double d = col.sequence ? static_cast<double>(col.start + r * col.step)
                                  : col.min + crng.Unit() * (col.max - col.min);
          v.AppendDecimal(Decimal(static_cast<__int128>(std::llround(d * 100)), 2));
          break;
        }
        case TypeId::kText:
        case TypeId::kVarchar:
        case TypeId::kChar:
        case TypeId::kUnknown: {
          if (col.sequence) {
            std::string s = std::to_string(col.start + static_cast<int64_t>(r) * col.step);
            v.AppendString(s);
          } else {
            std::string s;
            s.reserve(static_cast<size_t>(col.length));
            for (int64_t i = 0; i < col.length; i++) {
              s.push_back(static_cast<char>('a' + crng.Below(26)));
            }
            v.AppendString(s);
          }
          break;
        }
        default: {  // integers
          int64_t x = col.sequence ? col.start + static_cast<int64_t>(r) * col.step
                                   : static_cast<int64_t>(std::floor(
                                         col.min + crng.Unit() * (col.max - col.min + 1)));
          if (col.type.id == TypeId::kInt16) x = std::clamp<int64_t>(x, INT16_MIN, INT16_MAX);
          if (col.type.id == TypeId::kInt32) x = std::clamp<int64_t>(x, INT32_MIN, INT32_MAX);
          v.AppendInt(x);
          break;
        }
      }
    }
  }
  chunk->SetSize(first + n);
}

}  // namespace freshet::ingest
