#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/stream_chunk.h"
#include "common/types.h"

namespace freshet::ingest {

/// A column a generated source declares: the generator fills it by name.
struct GeneratorColumn {
  std::string name;
  SqlType type;
};

/// A replayable source of rows: partition p's row at offset o is a pure function of the source's
/// options, p and o, so a dataflow resumes by offset exactly as from a log, and nothing needs to
/// be stored. Rate limits decide how many rows exist at a given wall-clock time.
class Generator {
 public:
  virtual ~Generator() = default;
  virtual uint32_t partitions() const = 0;
  /// Rows of `partition` that exist at `now_micros` (wall clock, microseconds since 2000-01-01),
  /// or UINT64_MAX while unbounded and unthrottled.
  virtual uint64_t Available(uint32_t partition, int64_t now_micros) const = 0;
  /// Appends rows [offset, offset + n) of `partition` to `chunk` (the declared columns, in
  /// order), each with weight +1. Columns `needed` marks false may be left NULL (empty `needed`:
  /// every column); the others are the same either way.
  virtual void Generate(uint32_t partition, uint64_t offset, size_t n, StreamChunk* chunk,
                        const std::vector<bool>& needed) const = 0;
  /// True when every row exists from the start (a fixed count, no throttle): the source is then a
  /// fixed data set and consistent reads wait until a view has consumed all of it.
  virtual bool FixedSize() const = 0;
};

/// Builds the generator for `connector` ("nexmark" or "datagen"): 22023 on a bad option, 42703
/// when a declared column is not one the generator can fill, 42804 on a mistyped column.
/// `created_at` anchors event times and rate limits.
Result<std::unique_ptr<Generator>> MakeGenerator(
    const std::string& connector, const std::vector<std::pair<std::string, std::string>>& options,
    const std::vector<GeneratorColumn>& columns, int64_t created_at);

/// Whether `connector` is a generator (as opposed to the log fed by INSERT / COPY).
bool IsGeneratorConnector(const std::string& connector);

}  // namespace freshet::ingest
