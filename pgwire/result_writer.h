#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/value.h"
#include "pgwire/backend.h"
#include "pgwire/message_writer.h"

namespace freshet::pgwire {

/// Encoded DataRow messages held back for a portal executed with a row limit; Execute hands them
/// out max_rows at a time.
struct RowBuffer {
  std::string data;                // concatenated DataRow messages
  std::vector<size_t> row_starts;  // offset of each row in `data`
  size_t next = 0;                 // first row not yet sent

  size_t remaining() const { return row_starts.size() - next; }
  /// Appends up to `n` rows to `out`; returns how many.
  size_t TakeRows(size_t n, std::string* out);
  void Clear();
};

/// The ResultSink pgwire hands to BackendSession: turns result events into protocol messages in
/// the connection's output buffer. Simple-query mode: Describe becomes RowDescription, rows go out
/// in text. Extended mode: Describe is ignored (the client used Describe), rows use the portal's
/// result formats and may be diverted into a RowBuffer (Execute with a row limit), in which case
/// the CommandComplete tag is recorded instead of written. Parameter changes are kept for the next
/// ReadyForQuery. When the output grows past the flush threshold, `on_overflow` is called so the
/// connection can push bytes to the socket during a long synchronous statement.
class ResultWriter : public ResultSink {
 public:
  ResultWriter(std::string* out, size_t flush_threshold, std::function<void()> on_overflow);

  void BeginSimple(const TextFormatOptions& options);
  void BeginExtended(const TextFormatOptions& options, const std::vector<int16_t>& result_formats,
                     RowBuffer* row_buffer);

  /// CopyIn was called during the last statement: the connection enters copy-in mode.
  bool copy_in_started() const { return copy_in_started_; }
  /// The tag of the last Complete call (recorded in row-buffer mode).
  const std::string& tag() const { return tag_; }
  bool completed() const { return completed_; }
  /// Parameter changes since the last call, in first-change order with the latest values.
  std::vector<std::pair<std::string, std::string>> TakeParameterChanges();

  // ResultSink
  void Describe(const std::vector<ColumnInfo>& columns) override;
  void Rows(const DataChunk& chunk) override;
  void Complete(const std::string& tag) override;
  void Notice(const std::string& severity, const std::string& sqlstate,
              const std::string& message) override;
  void ParameterChanged(const std::string& name, const std::string& value) override;
  void CopyIn(const CopyFormat& format) override;
  void CopyOut(const CopyFormat& format) override;
  void CopyOutData(std::string_view data) override;
  void CopyOutDone() override;
  void Flush() override {
    if (on_overflow_) on_overflow_();
  }

 private:
  void Reset(const TextFormatOptions& options);
  void MaybeOverflow();
  void WriteRows(const DataChunk& chunk, MessageWriter& writer, RowBuffer* buffer);

  std::string* out_;
  MessageWriter writer_;
  size_t flush_threshold_;
  std::function<void()> on_overflow_;

  bool simple_ = true;
  TextFormatOptions options_;
  std::vector<int16_t> result_formats_;
  RowBuffer* row_buffer_ = nullptr;
  std::vector<bool> binary_columns_;  // scratch, per Rows call

  bool copy_in_started_ = false;
  bool completed_ = false;
  std::string tag_;
  std::vector<std::pair<std::string, std::string>> parameter_changes_;
};

}  // namespace freshet::pgwire
