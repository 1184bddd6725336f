#include "pgwire/message_writer.h"

#include "pgwire/protocol.h"

namespace freshet::pgwire {

void MessageWriter::Begin(char type) {
  out_->push_back(type);
  message_start_ = out_->size();
  out_->append(4, '\0');
}

void MessageWriter::End() {
  StoreBE32(out_->data() + message_start_, static_cast<uint32_t>(out_->size() - message_start_));
}

void MessageWriter::Int16(int16_t v) { AppendBE16(out_, static_cast<uint16_t>(v)); }

void MessageWriter::Int32(int32_t v) { AppendBE32(out_, static_cast<uint32_t>(v)); }

void MessageWriter::CString(std::string_view v) {
  out_->append(v);
  out_->push_back('\0');
}

size_t MessageWriter::BeginValue() {
  size_t offset = out_->size();
  out_->append(4, '\0');
  return offset;
}

void MessageWriter::EndValue(size_t offset) {
  StoreBE32(out_->data() + offset, static_cast<uint32_t>(out_->size() - offset - 4));
}

void MessageWriter::EmptyMessage(char type) {
  out_->push_back(type);
  AppendBE32(out_, 4);
}

void MessageWriter::AuthenticationOk() {
  Begin('R');
  Int32(0);
  End();
}

void MessageWriter::ParameterStatus(std::string_view name, std::string_view value) {
  Begin('S');
  CString(name);
  CString(value);
  End();
}

void MessageWriter::BackendKeyData(int32_t pid, int32_t key) {
  Begin('K');
  Int32(pid);
  Int32(key);
  End();
}

void MessageWriter::ReadyForQuery(char transaction_status) {
  Begin('Z');
  Int8(static_cast<uint8_t>(transaction_status));
  End();
}

void MessageWriter::NegotiateProtocolVersion(int32_t newest_minor,
                                             const std::vector<std::string>& options) {
  Begin('v');
  Int32(newest_minor);
  Int32(static_cast<int32_t>(options.size()));
  for (const auto& o : options) CString(o);
  End();
}

void MessageWriter::ErrorResponse(const Status& status, std::string_view severity) {
  Begin('E');
  Int8('S');
  CString(severity);
  Int8('V');
  CString(severity);
  Int8('C');
  CString(status.sqlstate().empty() ? sqlstate::kInternalError : status.sqlstate());
  Int8('M');
  CString(status.message());
  if (!status.detail().empty()) {
    Int8('D');
    CString(status.detail());
  }
  if (!status.hint().empty()) {
    Int8('H');
    CString(status.hint());
  }
  if (status.position() > 0) {
    Int8('P');
    CString(std::to_string(status.position()));
  }
  Int8(0);
  End();
}

void MessageWriter::NoticeResponse(std::string_view severity, std::string_view sqlstate,
                                   std::string_view message) {
  Begin('N');
  Int8('S');
  CString(severity);
  Int8('V');
  CString(severity);
  Int8('C');
  CString(sqlstate);
  Int8('M');
  CString(message);
  Int8(0);
  End();
}

int16_t MessageWriter::FormatFor(const std::vector<int16_t>& formats, size_t column) {
  if (formats.empty()) return 0;
  if (formats.size() == 1) return formats[0];
  return column < formats.size() ? formats[column] : 0;
}

void MessageWriter::RowDescription(const std::vector<ColumnInfo>& columns,
                                   const std::vector<int16_t>& formats) {
  Begin('T');
  Int16(static_cast<int16_t>(columns.size()));
  for (size_t i = 0; i < columns.size(); i++) {
    const ColumnInfo& c = columns[i];
    CString(c.name);
    Int32(static_cast<int32_t>(c.table_oid));
    Int16(c.attnum);
    Int32(static_cast<int32_t>(c.type.Oid()));
    Int16(c.type.TypLen());
    Int32(c.type.typmod);
    Int16(FormatFor(formats, i));
  }
  End();
}

void MessageWriter::ParameterDescription(const std::vector<uint32_t>& oids) {
  Begin('t');
  Int16(static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) Int32(static_cast<int32_t>(oid));
  End();
}

void MessageWriter::NoData() { EmptyMessage('n'); }
void MessageWriter::ParseComplete() { EmptyMessage('1'); }
void MessageWriter::BindComplete() { EmptyMessage('2'); }
void MessageWriter::CloseComplete() { EmptyMessage('3'); }
void MessageWriter::PortalSuspended() { EmptyMessage('s'); }
void MessageWriter::EmptyQueryResponse() { EmptyMessage('I'); }
void MessageWriter::CopyDone() { EmptyMessage('c'); }

void MessageWriter::CommandComplete(std::string_view tag) {
  Begin('C');
  CString(tag);
  End();
}

void MessageWriter::CopyResponse(char type, const CopyFormat& format) {
  Begin(type);
  Int8(format.binary ? 1 : 0);
  Int16(static_cast<int16_t>(format.column_count));
  for (size_t i = 0; i < format.column_count; i++) Int16(format.binary ? 1 : 0);
  End();
}

void MessageWriter::CopyInResponse(const CopyFormat& format) { CopyResponse('G', format); }
void MessageWriter::CopyOutResponse(const CopyFormat& format) { CopyResponse('H', format); }

void MessageWriter::CopyData(std::string_view data) {
  Begin('d');
  Bytes(data);
  End();
}

}  // namespace freshet::pgwire
