#include "storage/log.h"

#include <chrono>

#include "common/varint.h"
#include "storage/key_codec.h"

namespace freshet::storage {
namespace {

constexpr uint8_t kBatchFormat = 1;

Status Corrupt() { return Status::Error(sqlstate::kDataCorrupted, "corrupt log batch"); }

void AppendBE32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; i--) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void LogBatchBuilder::Reset(int64_t ingest_time) {
  ingest_time_ = ingest_time;
  count_ = 0;
  body_.clear();
}

void LogBatchBuilder::Add(int64_t weight, int64_t event_time, std::string_view row) {
  PutVarint(&body_, ZigZag(weight));
  PutVarint(&body_, ZigZag(event_time));
  PutVarint(&body_, row.size());
  body_.append(row);
  count_++;
}

std::string LogBatchBuilder::Finish() const {
  std::string out;
  out.reserve(body_.size() + 16);
  out.push_back(static_cast<char>(kBatchFormat));
  PutVarint(&out, ZigZag(ingest_time_));
  PutVarint(&out, count_);
  out.append(body_);
  return out;
}

Status LogBatchReader::Open(std::string_view batch) {
  in_ = batch;
  read_ = 0;
  if (in_.empty() || static_cast<uint8_t>(in_.front()) != kBatchFormat) return Corrupt();
  in_.remove_prefix(1);
  uint64_t t, n;
  if (!GetVarint(&in_, &t) || !GetVarint(&in_, &n)) return Corrupt();
  ingest_time_ = UnZigZag(t);
  count_ = n;
  return Status::OK();
}

Result<bool> LogBatchReader::Next(int64_t* weight, int64_t* event_time, std::string_view* row) {
  if (read_ >= count_) return false;
  uint64_t w, t, len;
  if (!GetVarint(&in_, &w) || !GetVarint(&in_, &t) || !GetVarint(&in_, &len) || in_.size() < len) {
    return Corrupt();
  }
  *weight = UnZigZag(w);
  *event_time = UnZigZag(t);
  *row = in_.substr(0, len);
  in_.remove_prefix(len);
  read_++;
  return true;
}

std::string Log::TopicPrefix(uint64_t topic) {
  std::string k;
  KeyCodec::AppendU64(&k, topic);
  return k;
}

std::string Log::PartitionPrefix(uint64_t topic, uint32_t partition) {
  std::string k = TopicPrefix(topic);
  AppendBE32(&k, partition);
  return k;
}

std::string Log::BatchKey(uint64_t topic, uint32_t partition, uint64_t offset) {
  std::string k = PartitionPrefix(topic, partition);
  KeyCodec::AppendU64(&k, offset);
  return k;
}

Status Log::OpenTopic(uint64_t topic, uint32_t partitions, RetentionPolicy policy) {
  std::map<TopicPartition, PartitionState> found;
  for (uint32_t p = 0; p < partitions; p++) {
    std::string prefix = PartitionPrefix(topic, p);
    std::string end = KeyCodec::PrefixSuccessor(prefix);
    PartitionState st;
    std::string key, value;
    ASSIGN_OR_RETURN(bool any, store_.Last(Space::kLog, prefix, end, &key, &value));
    if (any) {
      LogBatchReader reader;
      RETURN_IF_ERROR(reader.Open(value));
      st.end = KeyCodec::DecodeU64(std::string_view(key).substr(prefix.size())) + reader.count();
      auto cursor = store_.NewCursor(Space::kLog, prefix, end);
      if (cursor->Valid()) {
        st.start = KeyCodec::DecodeU64(cursor->key().substr(prefix.size()));
      }
      RETURN_IF_ERROR(cursor->status());
    } else {
      // An empty partition resumes where retention left it (recorded by the owner), else 0.
      st.start = st.end = 0;
    }
    st.trimmed_end = st.end;
    found[TopicPartition{topic, p}] = st;
  }
  std::lock_guard<std::mutex> lock(mu_);
  policies_[topic] = policy;
  for (auto& [tp, st] : found) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end() && it->second.end > st.end) continue;  // keep the newer view
    partitions_[tp] = st;
  }
  return Status::OK();
}

void Log::DropTopic(uint64_t topic) {
  std::lock_guard<std::mutex> lock(mu_);
  policies_.erase(topic);
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    it = it->first.topic == topic ? partitions_.erase(it) : std::next(it);
  }
}

bool Log::HasTopic(uint64_t topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.lower_bound(TopicPartition{topic, 0});
  return it != partitions_.end() && it->first.topic == topic;
}

uint32_t Log::PartitionCount(uint64_t topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint32_t n = 0;
  for (auto it = partitions_.lower_bound(TopicPartition{topic, 0});
       it != partitions_.end() && it->first.topic == topic; ++it) {
    n++;
  }
  return n;
}

uint64_t Log::EndOffset(TopicPartition tp) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.end;
}

uint64_t Log::StartOffset(TopicPartition tp) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.start;
}

uint64_t Log::Publish(const std::vector<std::pair<TopicPartition, uint64_t>>& ends,
                      uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [tp, end] : ends) {
    PartitionState& st = partitions_[tp];
    if (end > st.end) st.end = end;
  }
  ++sequence_;
  history_.push_back(Publication{sequence_, bytes, ends});
  pending_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (history_.size() > kMaxHistory) {
    // Merge the two oldest: an epoch then reads both (still whole publications).
    Publication first = std::move(history_.front());
    history_.pop_front();
    Publication& second = history_.front();
    second.bytes += first.bytes;
    for (const auto& [tp, end] : first.ends) {
      bool found = false;
      for (auto& [tp2, end2] : second.ends) {
        if (tp2 == tp) {
          end2 = std::max(end2, end);
          found = true;
        }
      }
      if (!found) second.ends.emplace_back(tp, end);
    }
  }
  return sequence_;
}

void Log::Trim(uint64_t seq) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!history_.empty() && history_.front().seq <= seq) {
      const Publication& p = history_.front();
      for (const auto& [tp, end] : p.ends) {
        auto it = partitions_.find(tp);
        if (it != partitions_.end() && end > it->second.trimmed_end) it->second.trimmed_end = end;
      }
      pending_bytes_.fetch_sub(p.bytes, std::memory_order_relaxed);
      history_.pop_front();
    }
  }
  room_cv_.notify_all();
}

Status Log::WaitForRoom(uint64_t max_bytes, const std::atomic<bool>* cancel,
                        int64_t deadline_micros) {
  std::unique_lock<std::mutex> lock(mu_);
  while (pending_bytes_.load(std::memory_order_relaxed) > max_bytes) {
    if (cancel && cancel->load()) {
      return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
    if (deadline_micros && now > deadline_micros) {
      return Status::Error(sqlstate::kQueryCanceled,
                           "canceling statement due to statement timeout");
    }
    room_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  return Status::OK();
}

uint64_t Log::SnapshotBounded(const std::vector<TopicPartition>& tps, uint64_t max_bytes,
                              std::vector<uint64_t>* ends) const {
  std::lock_guard<std::mutex> lock(mu_);
  ends->clear();
  // How many of the pending publications fit.
  size_t take = 0;
  uint64_t bytes = 0;
  while (take < history_.size()) {
    bytes += history_[take].bytes;
    if (take > 0 && bytes > max_bytes) break;
    take++;
  }
  if (take == history_.size()) {
    for (const auto& tp : tps) {
      auto it = partitions_.find(tp);
      ends->push_back(it == partitions_.end() ? 0 : it->second.end);
    }
    return sequence_;
  }
  for (const auto& tp : tps) {
    auto it = partitions_.find(tp);
    uint64_t end = it == partitions_.end() ? 0 : it->second.trimmed_end;
    for (size_t i = 0; i < take; i++) {
      for (const auto& [tp2, end2] : history_[i].ends) {
        if (tp2 == tp && end2 > end) end = end2;
      }
    }
    ends->push_back(end);
  }
  return history_[take - 1].seq;
}

void Log::SetStartOffset(TopicPartition tp, uint64_t start) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(tp);
  if (it != partitions_.end() && start > it->second.start) it->second.start = start;
}

Result<uint64_t> Log::Truncate(TopicPartition tp, uint64_t below, WriteBatch& batch) {
  uint64_t start = StartOffset(tp);
  if (below <= start) return start;
  std::string prefix = PartitionPrefix(tp.topic, tp.partition);
  std::string key, value;
  ASSIGN_OR_RETURN(
      bool found,
      store_.Last(Space::kLog, prefix, BatchKey(tp.topic, tp.partition, below + 1), &key, &value));
  if (!found) return start;
  uint64_t base = KeyCodec::DecodeU64(std::string_view(key).substr(prefix.size()));
  if (base <= start) return start;
  batch.DeleteRange(Space::kLog, prefix, key);
  return base;
}

Result<uint64_t> Log::PolicyCut(TopicPartition tp, int64_t now_micros) {
  RetentionPolicy policy;
  uint64_t start, end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto p = policies_.find(tp.topic);
    if (p != policies_.end()) policy = p->second;
    auto it = partitions_.find(tp);
    if (it == partitions_.end()) return 0;
    start = it->second.start;
    end = it->second.end;
  }
  if (policy.changelog) return end;
  if (policy.max_age_micros <= 0 && policy.max_bytes == 0) return start;
  std::string prefix = PartitionPrefix(tp.topic, tp.partition);
  std::string prefix_end = KeyCodec::PrefixSuccessor(prefix);
  uint64_t excess = 0;
  if (policy.max_bytes > 0) {
    uint64_t size = store_.ApproximateSize(Space::kLog, prefix, prefix_end);
    if (size <= policy.max_bytes) {
      // RocksDB's estimate undercounts what still sits in memtables (it may say 0): count
      // exactly. Such a partition is small or memtable-resident, so the scan is bounded.
      size = 0;
      auto sizes = store_.NewCursor(Space::kLog, prefix, prefix_end);
      for (; sizes->Valid(); sizes->Next()) size += sizes->key().size() + sizes->value().size();
      RETURN_IF_ERROR(sizes->status());
    }
    if (size > policy.max_bytes) excess = size - policy.max_bytes;
  }
  int64_t cutoff = policy.max_age_micros > 0 ? now_micros - policy.max_age_micros : INT64_MIN;
  // Walk from the head: a batch goes when it is older than the cutoff or still inside the excess.
  uint64_t cut = start;
  uint64_t dropped = 0;
  auto cursor = store_.NewCursor(Space::kLog, prefix, prefix_end);
  for (; cursor->Valid(); cursor->Next()) {
    LogBatchReader reader;
    RETURN_IF_ERROR(reader.Open(cursor->value()));
    bool too_old = reader.ingest_time() < cutoff;
    bool too_big = dropped < excess;
    if (!too_old && !too_big) break;
    dropped += cursor->key().size() + cursor->value().size();
    cut = KeyCodec::DecodeU64(cursor->key().substr(prefix.size())) + reader.count();
  }
  RETURN_IF_ERROR(cursor->status());
  return std::min(cut, end);
}

uint64_t Log::sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sequence_;
}

Status Log::ReadBatches(TopicPartition tp, uint64_t from, uint64_t to,
                        const std::function<Result<bool>(uint64_t, std::string_view)>& visit) {
  if (from >= to) return Status::OK();
  std::string prefix = PartitionPrefix(tp.topic, tp.partition);
  // The batch holding `from` may start before it: begin at the last batch starting <= from.
  std::string first = BatchKey(tp.topic, tp.partition, from);
  std::string key, value;
  std::string begin = first;
  ASSIGN_OR_RETURN(
      bool before,
      store_.Last(Space::kLog, prefix, BatchKey(tp.topic, tp.partition, from + 1), &key, &value));
  if (before) begin = key;
  auto cursor = store_.NewCursor(Space::kLog, begin, BatchKey(tp.topic, tp.partition, to));
  for (; cursor->Valid(); cursor->Next()) {
    uint64_t base = KeyCodec::DecodeU64(cursor->key().substr(prefix.size()));
    ASSIGN_OR_RETURN(bool more, visit(base, cursor->value()));
    if (!more) break;
  }
  return cursor->status();
}

std::map<TopicPartition, std::pair<uint64_t, uint64_t>> Log::Partitions() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<TopicPartition, std::pair<uint64_t, uint64_t>> out;
  for (const auto& [tp, st] : partitions_) out[tp] = {st.start, st.end};
  return out;
}

}  // namespace freshet::storage
