#include "pgwire/result_writer.h"

#include <algorithm>

#include "pgwire/value_codec.h"

namespace freshet::pgwire {

size_t RowBuffer::TakeRows(size_t n, std::string* out) {
  size_t count = std::min(n, remaining());
  if (count == 0) return 0;
  size_t begin = row_starts[next];
  size_t end = next + count < row_starts.size() ? row_starts[next + count] : data.size();
  out->append(data, begin, end - begin);
  next += count;
  return count;
}

void RowBuffer::Clear() {
  std::string().swap(data);
  std::vector<size_t>().swap(row_starts);
  next = 0;
}

ResultWriter::ResultWriter(std::string* out, size_t flush_threshold,
                           std::function<void()> on_overflow)
    : out_(out),
      writer_(out),
      flush_threshold_(flush_threshold),
      on_overflow_(std::move(on_overflow)) {}

void ResultWriter::Reset(const TextFormatOptions& options) {
  options_ = options;
  result_formats_.clear();
  row_buffer_ = nullptr;
  copy_in_started_ = false;
  completed_ = false;
  tag_.clear();
}

void ResultWriter::BeginSimple(const TextFormatOptions& options) {
  Reset(options);
  simple_ = true;
}

void ResultWriter::BeginExtended(const TextFormatOptions& options,
                                 const std::vector<int16_t>& result_formats,
                                 RowBuffer* row_buffer) {
  Reset(options);
  simple_ = false;
  result_formats_ = result_formats;
  row_buffer_ = row_buffer;
}

std::vector<std::pair<std::string, std::string>> ResultWriter::TakeParameterChanges() {
  return std::exchange(parameter_changes_, {});
}

void ResultWriter::MaybeOverflow() {
  if (out_->size() >= flush_threshold_ && on_overflow_) on_overflow_();
}

void ResultWriter::Describe(const std::vector<ColumnInfo>& columns) {
  if (!simple_) return;  // extended protocol: the client asked with Describe
  writer_.RowDescription(columns, {});
}

void ResultWriter::WriteRows(const DataChunk& chunk, MessageWriter& writer, RowBuffer* buffer) {
  const size_t ncols = chunk.column_count();
  binary_columns_.assign(ncols, false);
  bool any_binary = false;
  for (size_t c = 0; c < ncols; c++) {
    binary_columns_[c] = MessageWriter::FormatFor(result_formats_, c) == 1;
    any_binary = any_binary || binary_columns_[c];
  }
  std::string* out = writer.buffer();
  for (size_t r = 0; r < chunk.size(); r++) {
    if (buffer != nullptr) buffer->row_starts.push_back(out->size());
    writer.Begin('D');
    writer.Int16(static_cast<int16_t>(ncols));
    for (size_t c = 0; c < ncols; c++) {
      const Value& v = chunk.Get(c, r);
      if (v.is_null()) {
        writer.Int32(-1);
        continue;
      }
      size_t len_at = writer.BeginValue();
      if (any_binary && binary_columns_[c]) {
        ValueCodec::AppendBinary(v, out);
      } else {
        v.AppendText(out, options_);
      }
      writer.EndValue(len_at);
    }
    writer.End();
  }
}

void ResultWriter::Rows(const DataChunk& chunk) {
  if (row_buffer_ != nullptr) {
    // Held back for Execute with a row limit (memory grows with the result: acceptable while
    // row limits are used for small fetches such as pgjdbc's maxrows=1).
    MessageWriter buffered(&row_buffer_->data);
    WriteRows(chunk, buffered, row_buffer_);
    return;
  }
  WriteRows(chunk, writer_, nullptr);
  MaybeOverflow();
}

void ResultWriter::Complete(const std::string& tag) {
  completed_ = true;
  tag_ = tag;
  if (row_buffer_ != nullptr) return;  // the connection decides between suspend and complete
  writer_.CommandComplete(tag);
}

void ResultWriter::Notice(const std::string& severity, const std::string& sqlstate,
                          const std::string& message) {
  writer_.NoticeResponse(severity, sqlstate, message);
  MaybeOverflow();
}

void ResultWriter::ParameterChanged(const std::string& name, const std::string& value) {
  for (auto& [n, v] : parameter_changes_) {
    if (n == name) {
      v = value;
      return;
    }
  }
  parameter_changes_.emplace_back(name, value);
}

void ResultWriter::CopyIn(const CopyFormat& format) {
  copy_in_started_ = true;
  writer_.CopyInResponse(format);
}

void ResultWriter::CopyOut(const CopyFormat& format) { writer_.CopyOutResponse(format); }

void ResultWriter::CopyOutData(std::string_view data) {
  writer_.CopyData(data);
  MaybeOverflow();
}

void ResultWriter::CopyOutDone() { writer_.CopyDone(); }

}  // namespace freshet::pgwire
