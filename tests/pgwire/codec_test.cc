// Unit tests of the message reader/writer and the binary value codec.

#include <gtest/gtest.h>

#include <string>

#include "common/data_chunk.h"
#include "common/record.h"
#include "pgwire/message_reader.h"
#include "pgwire/message_writer.h"
#include "pgwire/result_writer.h"
#include "pgwire/value_codec.h"

namespace freshet::pgwire {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Binary(const Value& v) {
  std::string out;
  ValueCodec::AppendBinary(v, &out);
  return out;
}

std::string NumericBinary(__int128 unscaled, int32_t scale) {
  std::string out;
  ValueCodec::AppendNumericBinary(Decimal(unscaled, scale), &out);
  return out;
}

TEST(MessageReaderTest, ReadsFieldsInOrder) {
  std::string body = Bytes({0x01, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00}) + "abc" + '\0' + "xy";
  MessageReader r(body);
  EXPECT_EQ(*r.ReadByte(), 1);
  EXPECT_EQ(*r.ReadInt16(), -2);
  EXPECT_EQ(*r.ReadInt32(), 256);
  EXPECT_EQ(*r.ReadCString(), "abc");
  EXPECT_FALSE(r.ExpectEnd().ok());
  EXPECT_EQ(*r.ReadBytes(2), "xy");
  EXPECT_TRUE(r.AtEnd());
  EXPECT_TRUE(r.ExpectEnd().ok());
}

TEST(MessageReaderTest, BoundsChecked) {
  std::string body = "ab";
  MessageReader r(body);
  auto s = r.ReadCString();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().sqlstate(), "08P01");
  EXPECT_EQ(s.status().message(), "invalid message format");
  EXPECT_FALSE(r.ReadInt32().ok());
  EXPECT_FALSE(r.ReadBytes(3).ok());
  EXPECT_EQ(*r.ReadInt16(), 0x6162);
  EXPECT_FALSE(r.ReadByte().ok());
  MessageReader empty("");
  EXPECT_FALSE(empty.ReadCString().ok());
  EXPECT_FALSE(empty.ReadInt64().ok());
}

TEST(MessageReaderTest, CountsAreUnsignedAndChecked) {
  std::string body = Bytes({0xff, 0xff});
  EXPECT_FALSE(MessageReader(body).ReadCount(2).ok());  // 65535 elements cannot fit
  EXPECT_EQ(*MessageReader(body).ReadCount(0), 65535);
  body = Bytes({0, 2, 0, 1, 0, 2});
  MessageReader r(body);
  EXPECT_EQ(*r.ReadCount(2), 2);
  EXPECT_FALSE(MessageReader(body).ReadCount(4).ok());
}

TEST(MessageWriterTest, FramesMessages) {
  std::string out;
  MessageWriter w(&out);
  w.CommandComplete("SELECT 1");
  w.ReadyForQuery('I');
  EXPECT_EQ(out, std::string("C\0\0\0\x0dSELECT 1\0Z\0\0\0\x05I", 20));
}

TEST(MessageWriterTest, ErrorResponseFields) {
  std::string out;
  MessageWriter w(&out);
  Status st = Status::Error("42601", "oops", 7);
  st.WithHint("h");
  w.ErrorResponse(st, "ERROR");
  std::string body = std::string("SERROR\0VERROR\0C42601\0Moops\0Hh\0P7\0\0", 34);
  std::string expected = "E" + Bytes({0, 0, 0, static_cast<int>(body.size() + 4)}) + body;
  EXPECT_EQ(out, expected);
}

TEST(ResultWriterTest, TextAndBinaryDataRows) {
  std::string out;
  ResultWriter sink(&out, 1 << 20, nullptr);
  sink.BeginExtended({}, {0, 1}, nullptr);
  DataChunk chunk({SqlType(TypeId::kInt32), SqlType(TypeId::kInt32)});
  chunk.AppendRow({Value::Int32(42), Value::Int32(42)});
  chunk.AppendRow({Value::Null(SqlType(TypeId::kInt32)), Value::Int32(-1)});
  sink.Rows(chunk);
  std::string row1 = Bytes({0, 2, 0, 0, 0, 2}) + "42" + Bytes({0, 0, 0, 4, 0, 0, 0, 42});
  std::string row2 = Bytes({0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff});
  EXPECT_EQ(out, "D" + Bytes({0, 0, 0, static_cast<int>(row1.size() + 4)}) + row1 + "D" +
                     Bytes({0, 0, 0, static_cast<int>(row2.size() + 4)}) + row2);
}

TEST(ResultWriterTest, RowBufferHoldsRowsBack) {
  std::string out;
  RowBuffer buffer;
  ResultWriter sink(&out, 1 << 20, nullptr);
  sink.BeginExtended({}, {}, &buffer);
  DataChunk chunk({SqlType(TypeId::kInt32)});
  for (int i = 0; i < 3; i++) chunk.AppendRow({Value::Int32(i)});
  sink.Rows(chunk);
  sink.Complete("SELECT 3");
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(sink.tag(), "SELECT 3");
  EXPECT_EQ(buffer.remaining(), 3u);
  std::string sent;
  EXPECT_EQ(buffer.TakeRows(2, &sent), 2u);
  EXPECT_EQ(buffer.TakeRows(5, &sent), 1u);
  EXPECT_EQ(buffer.remaining(), 0u);
  EXPECT_EQ(sent, buffer.data);
}

TEST(ResultWriterTest, OverflowCallback) {
  std::string out;
  int flushes = 0;
  ResultWriter sink(&out, 100, [&] {
    flushes++;
    out.clear();
  });
  sink.BeginSimple({});
  DataChunk chunk({SqlType(TypeId::kText)});
  for (int i = 0; i < 10; i++) chunk.AppendRow({Value::Text(std::string(50, 'x'))});
  sink.Rows(chunk);
  sink.Rows(chunk);
  EXPECT_EQ(flushes, 2);
}

TEST(ValueCodecTest, FixedWidthTypes) {
  EXPECT_EQ(Binary(Value::Bool(true)), Bytes({1}));
  EXPECT_EQ(Binary(Value::Bool(false)), Bytes({0}));
  EXPECT_EQ(Binary(Value::Int16(-2)), Bytes({0xff, 0xfe}));
  EXPECT_EQ(Binary(Value::Int32(0x01020304)), Bytes({1, 2, 3, 4}));
  EXPECT_EQ(Binary(Value::Int64(-1)), Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(Binary(Value::Float32(1.5f)), Bytes({0x3f, 0xc0, 0, 0}));
  EXPECT_EQ(Binary(Value::Float64(-2.0)), Bytes({0xc0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Binary(Value::Date(-1)), Bytes({0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(Binary(Value::TimestampTz(1000000)), Bytes({0, 0, 0, 0, 0, 0x0f, 0x42, 0x40}));
  EXPECT_EQ(Binary(Value::Time(1)), Bytes({0, 0, 0, 0, 0, 0, 0, 1}));
  Interval iv;
  iv.months = 14;
  iv.days = 3;
  iv.micros = 2;
  EXPECT_EQ(Binary(Value::MakeInterval(iv)),
            Bytes({0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 14}));
}

TEST(ValueCodecTest, RecordTextAndBinary) {
  // record_out's quoting: empty, quotes, backslashes, parentheses, commas and spaces quote.
  std::vector<Value> fields = {Value::Int32(1),    Value::Null(TypeId::kText), Value::Text(""),
                               Value::Text("a b"), Value::Text("q\"x\\"),      Value::Text("(,)"),
                               Value::Bool(true)};
  std::string text = RecordText::Format(fields.data(), fields.size(), {});
  EXPECT_EQ(text, "(1,,\"\",\"a b\",\"q\"\"x\\\\\",\"(,)\",t)");
  auto parsed = RecordText::Parse(text);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 7u);
  EXPECT_EQ((*parsed)[0], "1");
  EXPECT_FALSE((*parsed)[1].has_value());
  EXPECT_EQ((*parsed)[2], "");
  EXPECT_EQ((*parsed)[4], "q\"x\\");
  EXPECT_EQ((*parsed)[5], "(,)");
  EXPECT_FALSE(RecordText::Parse("(1,\"x").ok());
  EXPECT_FALSE(RecordText::Parse("1,2").ok());
  // record_send: count, then (oid 25, length, bytes) per field; NULL as length -1.
  std::vector<Value> two = {Value::Int32(7), Value::Null(TypeId::kInt32)};
  Value rec = Value::String(SqlType(TypeId::kRecord), RecordText::Format(two.data(), 2, {}));
  EXPECT_EQ(Binary(rec),
            Bytes({0, 0, 0, 2, 0, 0, 0, 25, 0, 0, 0, 1, '7', 0, 0, 0, 25, 0xff, 0xff, 0xff, 0xff}));
}

TEST(ValueCodecTest, VariableWidthTypes) {
  EXPECT_EQ(Binary(Value::Text("héllo")), "héllo");
  EXPECT_EQ(Binary(Value::Bytea(std::string("\x00\x01", 2))), std::string("\x00\x01", 2));
  EXPECT_EQ(Binary(Value::Jsonb("{\"a\": 1}")), "\x01{\"a\": 1}");
  EXPECT_EQ(Binary(Value::String(SqlType::Varchar(5), "ab")), "ab");
}

TEST(ValueCodecTest, NumericBinary) {
  // ndigits, weight, sign, dscale, digits...
  EXPECT_EQ(NumericBinary(0, 0), Bytes({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(NumericBinary(0, 2), Bytes({0, 0, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(NumericBinary(12345, 2), Bytes({0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94}));
  EXPECT_EQ(NumericBinary(10000, 0), Bytes({0, 1, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(NumericBinary(1, 2), Bytes({0, 1, 0xff, 0xff, 0, 0, 0, 2, 0, 100}));
  EXPECT_EQ(NumericBinary(-15, 1), Bytes({0, 2, 0, 0, 0x40, 0, 0, 1, 0, 1, 0x13, 0x88}));  // -1.5
  EXPECT_EQ(NumericBinary(1, 6), Bytes({0, 1, 0xff, 0xfe, 0, 0, 0, 6, 0, 100}));  // 0.000001
  EXPECT_EQ(NumericBinary(5, -2), Bytes({0, 1, 0, 0, 0, 0, 0, 0, 0x01, 0xf4}));   // 500
}

TEST(ValueCodecTest, NumericRoundTrip) {
  const std::pair<__int128, int32_t> cases[] = {
      {0, 0},         {0, 3},          {12345, 2},    {-15, 1}, {1, 6},       {10000, 0},
      {123456789, 1}, {-100000000, 4}, {99999999, 8}, {7, 0},   {1000001, 3}, {-5, 20},
  };
  for (const auto& [unscaled, scale] : cases) {
    Decimal d(unscaled, scale);
    auto text = ValueCodec::NumericBinaryToText(NumericBinary(unscaled, scale));
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, d.ToString()) << static_cast<long long>(unscaled) << " scale " << scale;
  }
  __int128 big = 1;
  for (int i = 0; i < 37; i++) big *= 10;
  big = big * 9 + 12345;  // 38 digits
  auto text = ValueCodec::NumericBinaryToText(NumericBinary(-big, 10));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, Decimal(-big, 10).ToString());
}

TEST(ValueCodecTest, NumericSpecialsAndErrors) {
  EXPECT_EQ(*ValueCodec::NumericBinaryToText(Bytes({0, 0, 0, 0, 0xc0, 0, 0, 0})), "NaN");
  EXPECT_EQ(*ValueCodec::NumericBinaryToText(Bytes({0, 0, 0, 0, 0xd0, 0, 0, 0})), "Infinity");
  EXPECT_EQ(*ValueCodec::NumericBinaryToText(Bytes({0, 0, 0, 0, 0xf0, 0, 0, 0})), "-Infinity");
  EXPECT_FALSE(ValueCodec::NumericBinaryToText(Bytes({0, 1, 0, 0, 0, 0, 0, 0})).ok());
  EXPECT_FALSE(ValueCodec::NumericBinaryToText(Bytes({0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10})).ok());
  EXPECT_FALSE(ValueCodec::NumericBinaryToText(Bytes({0, 0, 0, 0, 0x12, 0, 0, 0})).ok());
}

TEST(ValueCodecTest, BinaryParamToText) {
  auto text = [](uint32_t oid, const std::string& bytes) {
    auto r = ValueCodec::BinaryParamToText(oid, bytes);
    return r.ok() ? *r : "error " + r.status().sqlstate();
  };
  EXPECT_EQ(text(16, Bytes({1})), "t");
  EXPECT_EQ(text(16, Bytes({0})), "f");
  EXPECT_EQ(text(21, Bytes({0xff, 0xfe})), "-2");
  EXPECT_EQ(text(23, Bytes({0, 0, 1, 0})), "256");
  EXPECT_EQ(text(20, Bytes({0x80, 0, 0, 0, 0, 0, 0, 0})), "-9223372036854775808");
  EXPECT_EQ(text(26, Bytes({0xff, 0xff, 0xff, 0xff})), "4294967295");
  EXPECT_EQ(text(701, Bytes({0x3f, 0xf8, 0, 0, 0, 0, 0, 0})), "1.5");
  EXPECT_EQ(text(701, Bytes({0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a})), "0.1");
  EXPECT_EQ(text(701, Bytes({0x7f, 0xf0, 0, 0, 0, 0, 0, 0})), "Infinity");
  EXPECT_EQ(text(701, Bytes({0x7f, 0xf8, 0, 0, 0, 0, 0, 0})), "NaN");
  EXPECT_EQ(text(700, Bytes({0x3d, 0xcc, 0xcc, 0xcd})), "0.1");
  EXPECT_EQ(text(25, "héllo"), "héllo");
  EXPECT_EQ(text(1043, "x"), "x");
  EXPECT_EQ(text(17, Bytes({0, 0xab})), "\\x00ab");
  EXPECT_EQ(text(3802, "\x01[1]"), "[1]");
  EXPECT_EQ(text(3802, "\x02[1]"), "error 22P03");
  EXPECT_EQ(text(1700, Bytes({0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94})), "123.45");
  EXPECT_EQ(text(2950, Bytes({0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56,
                              0x78, 0x9a, 0xbc, 0xde, 0xf0})),
            "12345678-9abc-def0-1234-56789abcdef0");
  EXPECT_EQ(text(1082, Bytes({0x7f, 0xff, 0xff, 0xff})), "infinity");
  EXPECT_EQ(text(1114, Bytes({0x80, 0, 0, 0, 0, 0, 0, 0})), "-infinity");
  // Wrong sizes and unsupported types.
  EXPECT_EQ(text(23, Bytes({0, 1})), "error 22P03");
  EXPECT_EQ(text(16, ""), "error 22P03");
  EXPECT_EQ(text(1186, Bytes({0})), "error 22P03");
  EXPECT_EQ(text(600, Bytes({0})), "error 0A000");
}

TEST(ValueCodecTest, BinaryDateTimeParamsUseTextFormats) {
  auto text = [](uint32_t oid, const std::string& bytes) {
    auto r = ValueCodec::BinaryParamToText(oid, bytes);
    return r.ok() ? *r : "error " + r.status().sqlstate();
  };
  EXPECT_EQ(text(1082, Bytes({0, 0, 0, 0})), datetime::FormatDate(0));
  EXPECT_EQ(text(1082, Bytes({0, 0, 0x21, 0x81})), datetime::FormatDate(0x2181));
  EXPECT_EQ(text(1083, Bytes({0, 0, 0, 0, 0, 0x0f, 0x42, 0x40})), datetime::FormatTime(1000000));
  EXPECT_EQ(text(1114, Bytes({0, 0, 0, 0, 0, 0, 0, 0})), datetime::FormatTimestamp(0));
  EXPECT_EQ(text(1184, Bytes({0, 0, 0, 0, 0, 0, 0, 0})),
            datetime::FormatTimestampTz(0, datetime::TimeZone::Utc()));
  Interval iv;
  iv.months = 14;
  iv.days = 3;
  iv.micros = 2;
  EXPECT_EQ(text(1186, Bytes({0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 14})),
            datetime::FormatInterval(iv));
}

}  // namespace
}  // namespace freshet::pgwire
