#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/generator.h"

namespace freshet::ingest {

/// Random rows from per-column specs, for tests and demos. Row r of the stream is a pure function
/// of (datagen.seed, r): partition p holds rows p, p + P, ... Options: datagen.rows.per.second
/// (default 10; the throttle unless datagen.max.speed = true), datagen.rows (0 = endless),
/// datagen.seed, partitions; per column c: fields.c.kind = sequence | random;
/// sequence: fields.c.start (integers; a timestamp for time columns, default the creation time)
/// and fields.c.step (an interval for time columns, default one row's share of a second);
/// random: fields.c.min / fields.c.max (numbers), fields.c.length (strings), and for time columns
/// fields.c.max_past (rows arrive up to that much out of order).
class DatagenGenerator : public Generator {
 public:
  static Result<std::unique_ptr<DatagenGenerator>> Make(
      const std::vector<std::pair<std::string, std::string>>& options,
      const std::vector<GeneratorColumn>& columns, int64_t created_at);

  uint32_t partitions() const override { return partitions_; }
  uint64_t Available(uint32_t partition, int64_t now_micros) const override;
  void Generate(uint32_t partition, uint64_t offset, size_t n, StreamChunk* chunk,
                const std::vector<bool>& needed) const override;
  bool FixedSize() const override { return max_speed_ && total_ > 0; }

 private:
  struct Column {
    SqlType type;
    bool sequence = false;
    int64_t start = 0;
    int64_t step = 1;
    double min = 0;
    double max = 1000;
    int64_t length = 10;
    int64_t max_past = 0;
  };
  DatagenGenerator() = default;

  std::vector<Column> columns_;
  uint32_t partitions_ = 1;
  double rate_ = 10;
  bool max_speed_ = false;
  uint64_t total_ = 0;
  uint64_t seed_ = 0;
  int64_t created_at_ = 0;
};

}  // namespace freshet::ingest
