#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/generator.h"
#include "ingest/random.h"

namespace freshet::ingest {

/// The Nexmark event generator (person / auction / bid in the proportions 1:3:46, hot auctions,
/// bidders and sellers, log-uniform prices, `extra` padding to the reference average sizes),
/// after the reference model of the Nexmark benchmark (Beam / nexmark-flink / nexmark-rs). Each
/// event is a pure function of its event number (its random stream is seeded by it), so every
/// partition is replayable from any offset. A source generates one table type; its partition p
/// holds that type's events p, p + P, p + 2P, ... in event order. Event times are
/// base time + event number / event rate.
class NexmarkGenerator : public Generator {
 public:
  enum class Table : uint8_t { kPerson, kAuction, kBid };

  /// Options: nexmark.table.type (person | auction | bid), nexmark.event.rate (events per second
  /// of the whole stream; also the throttle unless nexmark.max.speed = true), nexmark.event.num
  /// (events of the whole stream, 0 = endless), nexmark.base.time (event time of event 0; default
  /// the source's creation), nexmark.seed, partitions.
  static Result<std::unique_ptr<NexmarkGenerator>> Make(
      const std::vector<std::pair<std::string, std::string>>& options,
      const std::vector<GeneratorColumn>& columns, int64_t created_at);

  uint32_t partitions() const override { return partitions_; }
  uint64_t Available(uint32_t partition, int64_t now_micros) const override;
  void Generate(uint32_t partition, uint64_t offset, size_t n, StreamChunk* chunk,
                const std::vector<bool>& needed) const override;
  bool FixedSize() const override { return max_speed_ && total_ > 0; }

  /// The event number of the k-th event of this table type.
  uint64_t EventNumber(uint64_t k) const;
  /// Events of this table type among the first `events` events of the stream.
  uint64_t TypeCount(uint64_t events) const;

 private:
  enum class Field : uint8_t {
    kId,
    kName,
    kEmail,
    kCreditCard,
    kCity,
    kState,
    kDateTime,
    kExtra,
    kItemName,
    kDescription,
    kInitialBid,
    kReserve,
    kExpires,
    kSeller,
    kCategory,
    kAuction,
    kBidder,
    kPrice,
    kChannel,
    kUrl,
  };

  struct FieldSpec;
  static const FieldSpec kFieldSpecs[];

  NexmarkGenerator() = default;
  int64_t EventTime(uint64_t n) const;
  void GeneratePerson(uint64_t n, StreamChunk* chunk, const std::vector<bool>& needed) const;
  void GenerateAuction(uint64_t n, StreamChunk* chunk, const std::vector<bool>& needed) const;
  void GenerateBid(uint64_t n, StreamChunk* chunk, const std::vector<bool>& needed) const;
  /// Appends the padding that brings an event of `size` bytes to about `average` bytes.
  void AppendExtra(Random& rng, size_t size, size_t average, Vector* out) const;
  void AppendString(Random& rng, size_t max, std::string* out) const;

  Table table_ = Table::kBid;
  uint32_t partitions_ = 1;
  int64_t created_at_ = 0;
  int64_t base_time_ = 0;
  double rate_ = 10000;     // events per second of the whole stream
  bool max_speed_ = false;  // no throttle
  uint64_t total_ = 0;      // events of the whole stream, 0 = endless
  uint64_t seed_ = 0;
  std::vector<Field> fields_;               // per declared column
  std::vector<std::string> channel_urls_;   // per non-hot channel, then the 4 hot ones
  std::vector<std::string> channel_names_;  // "channel-<i>"
  std::string pad_;                         // random bytes the padding is cut from
};

}  // namespace freshet::ingest
