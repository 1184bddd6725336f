#include "executor/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/varint.h"
#include "common/vector.h"

namespace freshet::executor {
namespace {

constexpr size_t kWriteBufferBytes = 256 << 10;
constexpr size_t kReadBufferBytes = 64 << 10;
constexpr uint8_t kNullFlag = 0x80;

Status IoError(const char* what, const std::string& dir, int err) {
  std::string message = std::string("could not ") + what + " temporary file in \"" + dir +
                        "\": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::Error(sqlstate::kDiskFull, message);
  return Status::Error(sqlstate::kIoError, message);
}

template <typename T>
void PutFixed(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <typename T>
bool GetFixed(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

/// One value: its type id (with kNullFlag for NULL) and typmod, then the physical payload.
void EncodeValue(const Value& v, std::string* out) {
  out->push_back(
      static_cast<char>(static_cast<uint8_t>(v.type_id()) | (v.is_null() ? kNullFlag : 0)));
  PutVarint(out, ZigZag(v.type().typmod));
  if (v.is_null()) return;
  switch (PhysicalTypeOf(v.type_id())) {
    case PhysicalType::kInt64:
      PutVarint(out, ZigZag(v.GetInt()));
      break;
    case PhysicalType::kFloat64:
      PutFixed(out, v.GetDouble());
      break;
    case PhysicalType::kDecimal:
      PutFixed(out, v.GetDecimal().unscaled());
      PutFixed(out, v.GetDecimal().scale());
      break;
    case PhysicalType::kInterval:
      PutFixed(out, v.GetInterval().months);
      PutFixed(out, v.GetInterval().days);
      PutFixed(out, v.GetInterval().micros);
      break;
    case PhysicalType::kString:
      PutVarint(out, v.GetString().size());
      out->append(v.GetString());
      break;
  }
}

bool DecodeValue(std::string_view* in, Value* v) {
  if (in->empty()) return false;
  uint8_t tag = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  uint64_t typmod;
  if (!GetVarint(in, &typmod)) return false;
  SqlType type(static_cast<TypeId>(tag & ~kNullFlag), static_cast<int32_t>(UnZigZag(typmod)));
  if (tag & kNullFlag) {
    v->SetNull(type);
    return true;
  }
  switch (PhysicalTypeOf(type.id)) {
    case PhysicalType::kInt64: {
      uint64_t i;
      if (!GetVarint(in, &i)) return false;
      v->SetInt(type, UnZigZag(i));
      return true;
    }
    case PhysicalType::kFloat64: {
      double d;
      if (!GetFixed(in, &d)) return false;
      v->SetDouble(type, d);
      return true;
    }
    case PhysicalType::kDecimal: {
      __int128 unscaled;
      int32_t scale;
      if (!GetFixed(in, &unscaled) || !GetFixed(in, &scale)) return false;
      *v = Value::Numeric(Decimal(unscaled, scale), type.typmod);
      return true;
    }
    case PhysicalType::kInterval: {
      Interval iv;
      if (!GetFixed(in, &iv.months) || !GetFixed(in, &iv.days) || !GetFixed(in, &iv.micros)) {
        return false;
      }
      *v = Value::MakeInterval(iv);
      return true;
    }
    case PhysicalType::kString: {
      uint64_t n;
      if (!GetVarint(in, &n) || in->size() < n) return false;
      v->SetString(type, in->substr(0, n));
      in->remove_prefix(n);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::Create(SpillContext* spill) {
  std::string path = spill->dir + "/spill.XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return IoError("create", spill->dir, errno);
  // Unlinked at once: the file lives as long as the descriptor, and a crash leaves nothing.
  unlink(path.c_str());
  if (spill->stats) spill->stats->files.fetch_add(1, std::memory_order_relaxed);
  return std::unique_ptr<SpillFile>(new SpillFile(spill, fd));
}

SpillFile::~SpillFile() { close(fd_); }

Status SpillFile::Append(const Row& row) {
  size_t start = buffer_.size();
  buffer_.push_back(0);  // room for a one-byte length; moved when longer
  PutVarint(&buffer_, row.size());
  for (const Value& v : row) EncodeValue(v, &buffer_);
  size_t len = buffer_.size() - start - 1;
  std::string prefix;
  PutVarint(&prefix, len);
  if (prefix.size() == 1) {
    buffer_[start] = prefix[0];
  } else {
    buffer_.insert(start + 1, prefix.substr(1));
    buffer_[start] = prefix[0];
  }
  int64_t added = static_cast<int64_t>(buffer_.size() - start);
  bytes_ += added;
  rows_++;
  spill_->written_bytes += added;
  if (spill_->temp_file_limit_bytes >= 0 && spill_->written_bytes > spill_->temp_file_limit_bytes) {
    return Status::Error(sqlstate::kConfigurationLimitExceeded,
                         "temporary file size exceeds temp_file_limit (" +
                             std::to_string(spill_->temp_file_limit_bytes / 1024) + "kB)");
  }
  if (buffer_.size() >= kWriteBufferBytes) return Flush();
  return Status::OK();
}

Status SpillFile::Flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = pwrite(fd_, buffer_.data() + done, buffer_.size() - done, flushed_ + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write to", spill_->dir, errno);
    }
    done += static_cast<size_t>(n);
  }
  flushed_ += static_cast<int64_t>(done);
  if (spill_->stats)
    spill_->stats->bytes.fetch_add(static_cast<int64_t>(done), std::memory_order_relaxed);
  buffer_.clear();
  return Status::OK();
}

Result<SpillFile::Reader> SpillFile::Read() {
  RETURN_IF_ERROR(Flush());
  // Written: the write buffer's memory goes back (a sort keeps hundreds of runs open).
  std::string().swap(buffer_);
  return Reader(this);
}

Status SpillFile::Reader::Fill() {
  buffer_.erase(0, pos_);
  pos_ = 0;
  size_t have = buffer_.size();
  int64_t left = file_->flushed_ - offset_;
  size_t want = static_cast<size_t>(std::min<int64_t>(left, kReadBufferBytes));
  buffer_.resize(have + want);
  size_t done = 0;
  while (done < want) {
    ssize_t n = pread(file_->fd_, buffer_.data() + have + done, want - done, offset_ + done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("read", file_->spill_->dir, n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  offset_ += static_cast<int64_t>(done);
  return Status::OK();
}

Result<bool> SpillFile::Reader::Next(Row* row) {
  for (;;) {
    std::string_view in(buffer_.data() + pos_, buffer_.size() - pos_);
    uint64_t len;
    std::string_view rest = in;
    if (GetVarint(&rest, &len) && rest.size() >= len) {
      std::string_view record = rest.substr(0, len);
      uint64_t ncols;
      if (!GetVarint(&record, &ncols)) break;
      row->resize(ncols);
      for (Value& v : *row) {
        if (!DecodeValue(&record, &v))
          return Status::Error(sqlstate::kDataCorrupted, "corrupt temporary file");
      }
      pos_ += (in.size() - rest.size()) + len;
      return true;
    }
    if (offset_ >= file_->flushed_) {
      if (pos_ == buffer_.size()) return false;
      break;  // a partial record at the end
    }
    RETURN_IF_ERROR(Fill());
  }
  return Status::Error(sqlstate::kDataCorrupted, "corrupt temporary file");
}

Status SpillFile::ReadAll(const std::function<Result<bool>(Row& row)>& visit) {
  ASSIGN_OR_RETURN(Reader reader, Read());
  Row row;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&row));
    if (!more) return Status::OK();
    ASSIGN_OR_RETURN(bool go_on, visit(row));
    if (!go_on) return Status::OK();
  }
}

}  // namespace freshet::executor
