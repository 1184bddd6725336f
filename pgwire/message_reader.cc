#include "pgwire/message_reader.h"

#include <cstring>

#include "pgwire/protocol.h"

namespace freshet::pgwire {

Status MessageReader::Malformed() {
  return Status::Error(sqlstate::kProtocolViolation, "invalid message format");
}

Result<uint8_t> MessageReader::ReadByte() {
  if (remaining() < 1) return Malformed();
  return static_cast<uint8_t>(data_[pos_++]);
}

Result<int16_t> MessageReader::ReadInt16() {
  if (remaining() < 2) return Malformed();
  int16_t v = static_cast<int16_t>(LoadBE16(data_.data() + pos_));
  pos_ += 2;
  return v;
}

Result<int32_t> MessageReader::ReadInt32() {
  if (remaining() < 4) return Malformed();
  int32_t v = static_cast<int32_t>(LoadBE32(data_.data() + pos_));
  pos_ += 4;
  return v;
}

Result<int64_t> MessageReader::ReadInt64() {
  if (remaining() < 8) return Malformed();
  int64_t v = static_cast<int64_t>(LoadBE64(data_.data() + pos_));
  pos_ += 8;
  return v;
}

Result<uint16_t> MessageReader::ReadCount(size_t min_element_size) {
  if (remaining() < 2) return Malformed();
  uint16_t n = LoadBE16(data_.data() + pos_);
  if (remaining() - 2 < n * min_element_size) return Malformed();
  pos_ += 2;
  return n;
}

Result<std::string_view> MessageReader::ReadCString() {
  const char* start = data_.data() + pos_;
  const void* nul = std::memchr(start, '\0', remaining());
  if (nul == nullptr) return Malformed();
  size_t len = static_cast<const char*>(nul) - start;
  pos_ += len + 1;
  return std::string_view(start, len);
}

Result<std::string_view> MessageReader::ReadBytes(size_t n) {
  if (remaining() < n) return Malformed();
  std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

Status MessageReader::ExpectEnd() const { return AtEnd() ? Status::OK() : Malformed(); }

}  // namespace freshet::pgwire
