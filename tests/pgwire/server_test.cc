// Protocol tests: a real pgwire::Server on an ephemeral port, a scripted fake backend, and a raw
// socket client that checks the bytes the server sends.

#include "pgwire/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "tests/pgwire/fake_backend.h"
#include "tests/pgwire/test_client.h"

namespace freshet::pgwire::testing {
namespace {

using std::chrono::milliseconds;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerOptions{}); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(ServerOptions options) {
    if (server_) server_->Stop();
    options.port = 0;
    server_ = std::make_unique<Server>(backend_, options);
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  /// A connected client that completed startup; stores its BackendKeyData.
  std::unique_ptr<TestClient> Connected(int32_t* pid = nullptr, int32_t* key = nullptr) {
    auto client = std::make_unique<TestClient>();
    EXPECT_TRUE(client->Connect(server_->port()));
    auto messages = client->Startup();
    EXPECT_FALSE(messages.empty());
    EXPECT_EQ(messages.back().type, 'Z');
    for (const auto& m : messages) {
      if (m.type == 'K') {
        if (pid) *pid = TestClient::GetInt32(m.body, 0);
        if (key) *key = TestClient::GetInt32(m.body, 4);
      }
    }
    return client;
  }

  /// Sends a simple query and returns the messages up to ReadyForQuery.
  static std::vector<Message> Query(TestClient& client, std::string_view sql) {
    EXPECT_TRUE(client.Send(TestClient::Query(sql)));
    return client.ReadUntilReady();
  }

  static void ExpectWorks(TestClient& client) {
    auto messages = Query(client, "select 1");
    ASSERT_EQ(Types(messages), "TDCZ");
    EXPECT_EQ(ParseDataRow(messages[1].body)[0], "1");
  }

  template <typename Pred>
  static bool WaitFor(Pred pred, milliseconds timeout = milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
  }

  FakeBackend backend_;
  std::unique_ptr<Server> server_;
};

// ---------------------------------------------------------------------------------------------
// Startup

TEST_F(ServerTest, SslRequestThenStartup) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::SslRequest()));
  EXPECT_EQ(client.ReadExact(1), "N");
  auto messages = client.Startup({{"application_name", "psql"}});
  ASSERT_EQ(Types(messages), "RSSSSSSSSSSSSSKZ");
  EXPECT_EQ(messages[0].body, std::string("\0\0\0\0", 4));  // AuthenticationOk

  std::vector<std::pair<std::string, std::string>> expected = {
      {"application_name", "psql"},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
      {"integer_datetimes", "on"},
      {"IntervalStyle", "postgres"},
      {"is_superuser", "on"},
      {"server_encoding", "UTF8"},
      {"server_version", "13.14"},
      {"session_authorization", "freshet"},
      {"standard_conforming_strings", "on"},
      {"TimeZone", "UTC"},
  };
  for (size_t i = 0; i < expected.size(); i++) {
    EXPECT_EQ(ParseParameterStatus(messages[1 + i].body), expected[i]) << i;
  }
  const Message& key_data = messages[14];
  ASSERT_EQ(key_data.body.size(), 8u);
  EXPECT_GE(TestClient::GetInt32(key_data.body, 0), 10000);
  EXPECT_EQ(messages[15].body, "I");

  ASSERT_EQ(backend_.state.startup_params.size(), 1u);
  EXPECT_EQ(backend_.state.startup_params[0][0],
            (std::pair<std::string, std::string>{"user", "freshet"}));
  ExpectWorks(client);
}

TEST_F(ServerTest, GssEncRequestAndSslRequestAreDeclined) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::GssEncRequest()));
  EXPECT_EQ(client.ReadExact(1), "N");
  ASSERT_TRUE(client.Send(TestClient::SslRequest()));
  EXPECT_EQ(client.ReadExact(1), "N");
  auto messages = client.Startup();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back().type, 'Z');
}

TEST_F(ServerTest, DistinctPidsPerConnection) {
  int32_t pid1 = 0;
  int32_t pid2 = 0;
  auto c1 = Connected(&pid1);
  auto c2 = Connected(&pid2);
  EXPECT_NE(pid1, pid2);
}

TEST_F(ServerTest, NegotiatesProtocolVersion) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::StartupMessage(
      {{"user", "freshet"}, {"_pq_.foo", "bar"}, {"database", "freshet"}}, (3 << 16) | 2)));
  auto messages = client.ReadUntilReady();
  ASSERT_GE(messages.size(), 2u);
  ASSERT_EQ(messages[0].type, 'v');
  std::string expected;
  TestClient::PutInt32(&expected, 0);
  TestClient::PutInt32(&expected, 1);
  expected += std::string("_pq_.foo\0", 9);
  EXPECT_EQ(messages[0].body, expected);
  EXPECT_EQ(messages[1].type, 'R');
  EXPECT_EQ(messages.back().type, 'Z');
  ASSERT_EQ(backend_.state.startup_params.size(), 1u);
  EXPECT_EQ(backend_.state.startup_params[0].size(), 2u);  // _pq_ options are not passed on
}

TEST_F(ServerTest, StartupErrorIsFatal) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::StartupMessage({{"user", "u"}, {"database", "nodb"}})));
  auto m = client.ReadMessage();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, 'E');
  auto fields = ParseFields(m->body);
  EXPECT_EQ(fields['S'], "FATAL");
  EXPECT_EQ(fields['V'], "FATAL");
  EXPECT_EQ(fields['C'], "3D000");
  EXPECT_EQ(fields['M'], "database \"nodb\" does not exist");
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerTest, StartupWithoutUserIsRejected) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::StartupMessage({{"database", "x"}})));
  auto m = client.ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['C'], "28000");
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(backend_.state.sessions_started, 0);
}

TEST_F(ServerTest, UnsupportedProtocolVersion) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send(TestClient::StartupMessage({{"user", "u"}}, 2 << 16)));
  auto m = client.ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['C'], "0A000");
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerTest, OversizedStartupPacketCloses) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  std::string packet;
  TestClient::PutInt32(&packet, 20000);
  TestClient::PutInt32(&packet, 3 << 16);
  ASSERT_TRUE(client.Send(packet));
  EXPECT_FALSE(client.ReadExact(1, 2000));  // closed without a reply
  auto other = Connected();
  ExpectWorks(*other);
}

TEST_F(ServerTest, HttpRequestIsRejected) {
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerTest, StartupTimeout) {
  ServerOptions options;
  options.connection.startup_timeout = milliseconds(200);
  StartServer(options);
  TestClient client;
  ASSERT_TRUE(client.Connect(server_->port()));
  EXPECT_TRUE(client.WaitClosed(3000));
}

// ---------------------------------------------------------------------------------------------
// Simple query

TEST_F(ServerTest, SimpleQueryBytes) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("select 1")));
  std::string expected;
  // RowDescription: 1 field "?column?", table 0, attnum 0, int4 (23), typlen 4, typmod -1, text.
  std::string t;
  TestClient::PutInt16(&t, 1);
  t += std::string("?column?\0", 9);
  TestClient::PutInt32(&t, 0);
  TestClient::PutInt16(&t, 0);
  TestClient::PutInt32(&t, 23);
  TestClient::PutInt16(&t, 4);
  TestClient::PutInt32(&t, -1);
  TestClient::PutInt16(&t, 0);
  expected += TestClient::Msg('T', t);
  std::string d;
  TestClient::PutInt16(&d, 1);
  TestClient::PutInt32(&d, 1);
  d += "1";
  expected += TestClient::Msg('D', d);
  expected += TestClient::Msg('C', std::string("SELECT 1\0", 9));
  expected += TestClient::Msg('Z', "I");
  EXPECT_EQ(client->ReadExact(expected.size()), expected);
}

TEST_F(ServerTest, ErrorResponseFields) {
  auto client = Connected();
  auto messages = Query(*client, "bad");
  ASSERT_EQ(Types(messages), "EZ");
  auto fields = ParseFields(messages[0].body);
  EXPECT_EQ(fields['S'], "ERROR");
  EXPECT_EQ(fields['V'], "ERROR");
  EXPECT_EQ(fields['C'], "42601");
  EXPECT_EQ(fields['M'], "syntax error at or near \"bad\"");
  EXPECT_EQ(fields['P'], "1");
  EXPECT_EQ(fields.count('D'), 0u);
  EXPECT_EQ(messages[1].body, "I");

  messages = Query(*client, "hint");
  ASSERT_EQ(Types(messages), "EZ");
  fields = ParseFields(messages[0].body);
  EXPECT_EQ(fields['C'], "42703");
  EXPECT_EQ(fields['D'], "some detail");
  EXPECT_EQ(fields['H'], "Perhaps you meant to reference the column \"t.y\".");
  EXPECT_EQ(fields['P'], "8");
}

TEST_F(ServerTest, EmptyQuery) {
  auto client = Connected();
  EXPECT_EQ(Types(Query(*client, "")), "IZ");
  EXPECT_EQ(Types(Query(*client, " ; ")), "IZ");
}

TEST_F(ServerTest, SeveralStatementsStopAtFirstError) {
  auto client = Connected();
  EXPECT_EQ(Types(Query(*client, "select 1; insert")), "TDCCZ");
  auto messages = Query(*client, "select 1; bad; select 1");
  EXPECT_EQ(Types(messages), "TDCEZ");
}

TEST_F(ServerTest, ParameterStatusBeforeReadyForQuery) {
  auto client = Connected();
  auto messages = Query(*client, "set application_name = 'myapp'");
  ASSERT_EQ(Types(messages), "CSZ");
  EXPECT_EQ(ParseParameterStatus(messages[1].body),
            (std::pair<std::string, std::string>{"application_name", "myapp"}));
}

TEST_F(ServerTest, NoticeResponse) {
  auto client = Connected();
  auto messages = Query(*client, "notice");
  ASSERT_EQ(Types(messages), "NCZ");
  auto fields = ParseFields(messages[0].body);
  EXPECT_EQ(fields['S'], "NOTICE");
  EXPECT_EQ(fields['M'], "hello notice");
}

TEST_F(ServerTest, TransactionStatusByte) {
  auto client = Connected();
  EXPECT_EQ(Query(*client, "begin").back().body, "T");
  EXPECT_EQ(Query(*client, "bad").back().body, "E");
  EXPECT_EQ(Query(*client, "rollback").back().body, "I");
}

TEST_F(ServerTest, LargeResultIsStreamed) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("big 20000")));
  auto messages = client->ReadUntilReady(10000);
  ASSERT_EQ(messages.size(), 20003u);
  EXPECT_EQ(messages[0].type, 'T');
  EXPECT_EQ(messages[20000].type, 'D');
  EXPECT_EQ(messages[20001].body, std::string("SELECT 20000\0", 13));
  ExpectWorks(*client);
}

TEST_F(ServerTest, SlowReaderDoesNotBlockOthers) {
  auto slow = Connected();
  ASSERT_TRUE(slow->Send(TestClient::Query("big 100000")));  // ~11 MB, not read yet
  std::this_thread::sleep_for(milliseconds(100));
  auto other = Connected();
  ExpectWorks(*other);
  auto messages = slow->ReadUntilReady(20000);
  ASSERT_EQ(messages.size(), 100003u);
  EXPECT_EQ(messages[100001].body, std::string("SELECT 100000\0", 14));
  ExpectWorks(*slow);
}

TEST_F(ServerTest, ClientVanishingDuringLargeResult) {
  auto healthy = Connected();
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("big 200000")));
  client->ReadMessage();
  client->Disconnect();
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == 1; }, milliseconds(20000)));
  ExpectWorks(*healthy);
}

TEST_F(ServerTest, StopDoesNotWaitForSlowReader) {
  auto slow = Connected();
  ASSERT_TRUE(slow->Send(TestClient::Query("big 100000")));
  std::this_thread::sleep_for(milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(backend_.state.sessions_closed, 1);
}

TEST_F(ServerTest, LargeCopyDataMessage) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("copy t from stdin")));
  ASSERT_EQ(client->ReadMessage()->type, 'G');
  std::string data;
  for (int i = 0; i < 300000; i++) data += std::to_string(i) + "\tx\n";  // ~3 MB
  ASSERT_TRUE(client->Send(TestClient::CopyData(data) + TestClient::CopyDone()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "CZ");
  EXPECT_EQ(messages[0].body, std::string("COPY 300000\0", 12));
}

TEST_F(ServerTest, PipelinedQueries) {
  auto client = Connected();
  std::string batch;
  for (int i = 0; i < 200; i++) batch += TestClient::Query("select 1");
  ASSERT_TRUE(client->Send(batch));
  for (int i = 0; i < 200; i++) {
    auto messages = client->ReadUntilReady();
    ASSERT_EQ(Types(messages), "TDCZ") << i;
  }
}

// ---------------------------------------------------------------------------------------------
// Extended protocol

TEST_F(ServerTest, ExtendedParseBindDescribeExecute) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(
      TestClient::Parse("s1", "select $1, $2") + TestClient::Describe('S', "s1") +
      TestClient::Bind("", "s1", {}, {"hello", std::nullopt}, {}) + TestClient::Describe('P', "") +
      TestClient::Execute("", 0) + TestClient::Sync()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "1tT2TDCZ");
  // ParameterDescription: 2 params of type text (inferred).
  EXPECT_EQ(TestClient::GetInt16(messages[1].body, 0), 2);
  EXPECT_EQ(TestClient::GetInt32(messages[1].body, 2), 25);
  auto fields = ParseRowDescription(messages[4].body);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].type_oid, 25u);
  EXPECT_EQ(fields[0].format, 0);
  auto row = ParseDataRow(messages[5].body);
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row[0], "hello");
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(messages[6].body, std::string("SELECT 1\0", 9));

  // The named statement survives Sync and can be bound again.
  ASSERT_TRUE(client->Send(TestClient::Bind("", "s1", {}, {"a", "b"}, {}) +
                           TestClient::Execute("", 0) + TestClient::Sync()));
  messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "2DCZ");
  EXPECT_EQ(ParseDataRow(messages[1].body)[1], "b");
}

TEST_F(ServerTest, DescribeNoDataForCommands) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("", "insert") + TestClient::Describe('S', "") +
                           TestClient::Bind("", "", {}, {}, {}) + TestClient::Describe('P', "") +
                           TestClient::Execute("", 0) + TestClient::Sync()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "1tn2nCZ");
  EXPECT_EQ(messages[5].body, std::string("INSERT 0 1\0", 11));
}

TEST_F(ServerTest, ExecuteWithMaxRowsSuspendsPortal) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("", "series 5") +
                           TestClient::Bind("", "", {}, {}, {}) + TestClient::Execute("", 2) +
                           TestClient::Execute("", 2) + TestClient::Execute("", 2) +
                           TestClient::Sync()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "12DDsDDsDCZ");
  EXPECT_EQ(ParseDataRow(messages[2].body)[0], "1");
  EXPECT_EQ(ParseDataRow(messages[6].body)[0], "4");
  EXPECT_EQ(ParseDataRow(messages[8].body)[0], "5");
  EXPECT_EQ(messages[9].body, std::string("SELECT 1\0", 9));

  // A limit larger than the result completes at once with the full tag.
  ASSERT_TRUE(client->Send(TestClient::Bind("", "", {}, {}, {}) + TestClient::Execute("", 10) +
                           TestClient::Sync()));
  messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "2DDDDDCZ");
  EXPECT_EQ(messages[6].body, std::string("SELECT 5\0", 9));
}

TEST_F(ServerTest, FlushSendsWithoutReadyForQuery) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("s", "select 1") + TestClient::Flush()));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, '1');
  EXPECT_FALSE(client->ReadMessage(200));  // nothing else until Sync
  ASSERT_TRUE(client->Send(TestClient::Sync()));
  EXPECT_EQ(Types(client->ReadUntilReady()), "Z");
}

TEST_F(ServerTest, ErrorSkipsUntilSync) {
  auto client = Connected();
  // The error is sent at once, before Sync arrives.
  ASSERT_TRUE(client->Send(TestClient::Parse("", "bad") + TestClient::Bind("", "", {}, {}, {}) +
                           TestClient::Execute("", 0)));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, 'E');
  EXPECT_EQ(ParseFields(m->body)['C'], "42601");
  // Everything up to Sync is skipped, including a valid Parse and a simple Query.
  ASSERT_TRUE(client->Send(TestClient::Parse("x", "select 1") + TestClient::Query("select 1") +
                           TestClient::Sync()));
  EXPECT_EQ(Types(client->ReadUntilReady()), "Z");
  ASSERT_TRUE(client->Send(TestClient::Parse("x", "select 1") + TestClient::Sync()));
  EXPECT_EQ(Types(client->ReadUntilReady()), "1Z");  // "x" was never created before
}

TEST_F(ServerTest, ExtendedErrorCodes) {
  auto client = Connected();
  auto expect_error = [&](const std::string& messages, const std::string& code) {
    ASSERT_TRUE(client->Send(messages + TestClient::Sync()));
    auto reply = client->ReadUntilReady();
    ASSERT_FALSE(reply.empty());
    size_t e = Types(reply).find('E');
    ASSERT_NE(e, std::string::npos) << Types(reply);
    EXPECT_EQ(ParseFields(reply[e].body)['C'], code);
    EXPECT_EQ(reply.back().type, 'Z');
  };
  expect_error(TestClient::Bind("", "nosuch", {}, {}, {}), "26000");
  expect_error(TestClient::Describe('S', "nosuch"), "26000");
  expect_error(TestClient::Execute("nosuch", 0), "34000");
  expect_error(TestClient::Describe('P', "nosuch"), "34000");
  expect_error(TestClient::Parse("p1", "select $1") + TestClient::Bind("", "p1", {}, {}, {}),
               "08P01");
  expect_error(TestClient::Parse("p1", "select 1"), "42P05");
  expect_error(TestClient::Parse("", "select 1; select 1"), "42601");
  expect_error(TestClient::Bind("", "p1", {}, {"x"}, {2}), "22023");
}

TEST_F(ServerTest, CloseStatementAndPortal) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("s", "select 1") +
                           TestClient::Bind("p", "s", {}, {}, {}) + TestClient::Close('P', "p") +
                           TestClient::Close('S', "s") + TestClient::Close('S', "never") +
                           TestClient::Sync()));
  EXPECT_EQ(Types(client->ReadUntilReady()), "12333Z");
  ASSERT_TRUE(client->Send(TestClient::Bind("", "s", {}, {}, {}) + TestClient::Sync()));
  auto reply = client->ReadUntilReady();
  ASSERT_EQ(Types(reply), "EZ");
  EXPECT_EQ(ParseFields(reply[0].body)['C'], "26000");
}

TEST_F(ServerTest, EmptyStatementInExtendedMode) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("", "") + TestClient::Bind("", "", {}, {}, {}) +
                           TestClient::Describe('P', "") + TestClient::Execute("", 0) +
                           TestClient::Sync()));
  EXPECT_EQ(Types(client->ReadUntilReady()), "12nIZ");
}

TEST_F(ServerTest, BinaryResults) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("", "types") + TestClient::Bind("", "", {}, {}, {1}) +
                           TestClient::Describe('P', "") + TestClient::Execute("", 0) +
                           TestClient::Sync()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "12TDCZ");
  auto fields = ParseRowDescription(messages[2].body);
  ASSERT_EQ(fields.size(), 7u);
  for (const auto& f : fields) EXPECT_EQ(f.format, 1);
  EXPECT_EQ(fields[5].type_oid, 1700u);
  EXPECT_EQ(fields[5].typmod, (10 << 16 | 2) + 4);
  auto row = ParseDataRow(messages[3].body);
  ASSERT_EQ(row.size(), 7u);
  EXPECT_EQ(row[0], std::string("\x01", 1));
  EXPECT_EQ(row[1], std::string("\xff\xfe", 2));
  EXPECT_EQ(row[2], std::string("\x00\x00\x01\x1f\x71\xfb\x04\xcb", 8));  // 1234567890123
  EXPECT_EQ(row[3], std::string("\x3f\xf8\x00\x00\x00\x00\x00\x00", 8));  // 1.5
  EXPECT_EQ(row[4], "h\xc3\xa9llo");
  // 123.45: ndigits 2, weight 0, sign +, dscale 2, digits 123 4500.
  EXPECT_EQ(row[5], std::string("\x00\x02\x00\x00\x00\x00\x00\x02\x00\x7b\x11\x94", 12));
  EXPECT_EQ(row[6], std::nullopt);

  // Per-column formats: only the second column binary.
  ASSERT_TRUE(client->Send(TestClient::Bind("", "", {}, {}, {0, 1, 0, 0, 0, 0, 0}) +
                           TestClient::Execute("", 0) + TestClient::Sync()));
  messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "2DCZ");
  row = ParseDataRow(messages[1].body);
  EXPECT_EQ(row[0], "t");
  EXPECT_EQ(row[1], std::string("\xff\xfe", 2));
  EXPECT_EQ(row[5], "123.45");
}

TEST_F(ServerTest, BinaryParametersArePassedThrough) {
  auto client = Connected();
  std::string int4("\x00\x00\x00\x2a", 4);
  ASSERT_TRUE(client->Send(TestClient::Parse("", "select $1, $2", {23, 25}) +
                           TestClient::Bind("", "", {1, 0}, {int4, "txt"}, {}) +
                           TestClient::Execute("", 0) + TestClient::Sync()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "12DCZ");
  auto row = ParseDataRow(messages[2].body);
  EXPECT_EQ(row[0], "binary:4");
  EXPECT_EQ(row[1], "txt");
  std::lock_guard<std::mutex> lock(backend_.state.mu);
  ASSERT_EQ(backend_.state.bound_params.size(), 1u);
  const auto& params = backend_.state.bound_params[0];
  EXPECT_TRUE(params[0].binary);
  EXPECT_EQ(params[0].value, int4);
  EXPECT_FALSE(params[1].binary);
}

// ---------------------------------------------------------------------------------------------
// COPY

TEST_F(ServerTest, CopyFromStdinInChunks) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("copy t from stdin")));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, 'G');
  EXPECT_EQ(m->body, std::string("\x00\x00\x02\x00\x00\x00\x00", 7));
  EXPECT_FALSE(client->ReadMessage(100));  // no ReadyForQuery during COPY
  ASSERT_TRUE(client->Send(TestClient::CopyData("1\ta\n2\t")));
  ASSERT_TRUE(
      client->Send(TestClient::CopyData("b\n3\tc") + TestClient::Flush() + TestClient::Sync()));
  ASSERT_TRUE(client->Send(TestClient::CopyData("\n") + TestClient::CopyDone()));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "CZ");
  EXPECT_EQ(messages[0].body, std::string("COPY 3\0", 7));
  {
    std::lock_guard<std::mutex> lock(backend_.state.mu);
    EXPECT_EQ(backend_.state.copied_rows, (std::vector<std::string>{"1\ta", "2\tb", "3\tc"}));
  }
  ExpectWorks(*client);
}

TEST_F(ServerTest, CopyFail) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("copy t from stdin")));
  ASSERT_EQ(client->ReadMessage()->type, 'G');
  ASSERT_TRUE(client->Send(TestClient::CopyData("1\ta\n") + TestClient::CopyFail("oops")));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "EZ");
  auto fields = ParseFields(messages[0].body);
  EXPECT_EQ(fields['C'], "57014");
  EXPECT_EQ(fields['M'], "COPY from stdin failed: oops");
  EXPECT_EQ(backend_.state.copy_fails, 1);
  ExpectWorks(*client);
}

TEST_F(ServerTest, CopyDataErrorEndsCopy) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("copy t from stdin")));
  ASSERT_EQ(client->ReadMessage()->type, 'G');
  ASSERT_TRUE(client->Send(TestClient::CopyData("FAIL\n")));
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "EZ");
  EXPECT_EQ(ParseFields(messages[0].body)['C'], "22P02");
  // The rest of the client's COPY stream is dropped.
  ASSERT_TRUE(client->Send(TestClient::CopyData("more\n") + TestClient::CopyDone()));
  ExpectWorks(*client);
}

TEST_F(ServerTest, CopyToStdout) {
  auto client = Connected();
  auto messages = Query(*client, "copy t to stdout");
  ASSERT_EQ(Types(messages), "HddcCZ");
  EXPECT_EQ(messages[0].body, std::string("\x00\x00\x02\x00\x00\x00\x00", 7));
  EXPECT_EQ(messages[1].body, "1\ta\n");
  EXPECT_EQ(messages[4].body, std::string("COPY 2\0", 7));
}

TEST_F(ServerTest, CopyFromStdinInExtendedMode) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Parse("", "copy t from stdin") +
                           TestClient::Bind("", "", {}, {}, {}) + TestClient::Execute("", 0) +
                           TestClient::Sync()));
  auto messages = client->ReadUntil('G');
  ASSERT_EQ(Types(messages), "12G");
  // The Sync sent with Execute was ignored during copy-in (as PostgreSQL does); libpq sends
  // another one after CopyDone.
  ASSERT_TRUE(
      client->Send(TestClient::CopyData("7\tx\n") + TestClient::CopyDone() + TestClient::Sync()));
  messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "CZ");
  EXPECT_EQ(messages[0].body, std::string("COPY 1\0", 7));
  ExpectWorks(*client);
}

TEST_F(ServerTest, DisconnectDuringCopyClosesSession) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("copy t from stdin")));
  ASSERT_EQ(client->ReadMessage()->type, 'G');
  ASSERT_TRUE(client->Send(TestClient::CopyData("1\ta\n")));
  client->Disconnect();
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == 1; }));
  EXPECT_TRUE(WaitFor([&] { return server_->connection_count() == 0; }));
}

// ---------------------------------------------------------------------------------------------
// Cancel, terminate, shutdown

TEST_F(ServerTest, CancelRequestReachesSession) {
  int32_t pid = 0;
  int32_t key = 0;
  auto client = Connected(&pid, &key);
  ASSERT_TRUE(client->Send(TestClient::Query("sleep")));
  ASSERT_TRUE(WaitFor([&] { return backend_.state.sleeping.load(); }));

  // A wrong key is ignored.
  TestClient wrong;
  ASSERT_TRUE(wrong.Connect(server_->port()));
  ASSERT_TRUE(wrong.Send(TestClient::CancelRequest(pid, key ^ 1)));
  EXPECT_TRUE(wrong.WaitClosed());
  EXPECT_EQ(backend_.state.cancels, 0);

  TestClient canceller;
  ASSERT_TRUE(canceller.Connect(server_->port()));
  ASSERT_TRUE(canceller.Send(TestClient::CancelRequest(pid, key)));
  EXPECT_FALSE(canceller.ReadExact(1, 2000));  // no reply, just closed
  auto messages = client->ReadUntilReady();
  ASSERT_EQ(Types(messages), "EZ");
  EXPECT_EQ(ParseFields(messages[0].body)['C'], "57014");
  EXPECT_EQ(backend_.state.cancels, 1);
  ExpectWorks(*client);
}

TEST_F(ServerTest, TerminateClosesQuietly) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("select 1") + TestClient::Terminate()));
  auto messages = client->ReadUntilReady();
  EXPECT_EQ(Types(messages), "TDCZ");  // output before Terminate is still delivered
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == 1; }));
}

TEST_F(ServerTest, ShutdownSendsAdminShutdown) {
  auto c1 = Connected();
  auto c2 = Connected();
  server_->Shutdown();
  for (auto* c : {c1.get(), c2.get()}) {
    auto m = c->ReadMessage();
    ASSERT_TRUE(m);
    ASSERT_EQ(m->type, 'E');
    auto fields = ParseFields(m->body);
    EXPECT_EQ(fields['S'], "FATAL");
    EXPECT_EQ(fields['C'], "57P01");
    EXPECT_EQ(fields['M'], "terminating connection due to administrator command");
    EXPECT_TRUE(c->WaitClosed());
  }
  EXPECT_EQ(backend_.state.sessions_closed, 2);
  TestClient late;
  EXPECT_FALSE(late.Connect(server_->port()));
}

TEST_F(ServerTest, ShutdownInterruptsRunningStatement) {
  auto client = Connected();
  ASSERT_TRUE(client->Send(TestClient::Query("sleep")));
  ASSERT_TRUE(WaitFor([&] { return backend_.state.sleeping.load(); }));
  server_->Shutdown();
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, 'E');
  auto fields = ParseFields(m->body);
  EXPECT_EQ(fields['S'], "FATAL");
  EXPECT_EQ(fields['C'], "57P01");
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(backend_.state.cancels, 1);
}

TEST_F(ServerTest, StopClosesEverySession) {
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 5; i++) clients.push_back(Connected());
  ASSERT_TRUE(clients[0]->Send(TestClient::Query("copy t from stdin")));
  ASSERT_EQ(clients[0]->ReadMessage()->type, 'G');
  server_->Stop();
  EXPECT_EQ(backend_.state.sessions_started, 5);
  EXPECT_EQ(backend_.state.sessions_closed, 5);
  for (auto& c : clients) EXPECT_TRUE(c->WaitClosed());
}

TEST_F(ServerTest, PortInUseIsAnError) {
  ServerOptions options;
  options.port = server_->port();
  Server second(backend_, options);
  Status status = second.Start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("bind"), std::string::npos) << status.message();
  ExpectWorks(*Connected());
}

// ---------------------------------------------------------------------------------------------
// Malformed input closes only the offending connection

TEST_F(ServerTest, BadMessageLengthIsFatal) {
  auto healthy = Connected();
  auto client = Connected();
  std::string msg = "Q";
  TestClient::PutInt32(&msg, 2);
  ASSERT_TRUE(client->Send(msg));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, 'E');
  auto fields = ParseFields(m->body);
  EXPECT_EQ(fields['S'], "FATAL");
  EXPECT_EQ(fields['C'], "08P01");
  EXPECT_EQ(fields['M'], "invalid message length");
  EXPECT_TRUE(client->WaitClosed());
  ExpectWorks(*healthy);
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == 1; }));
}

TEST_F(ServerTest, OversizedMessageIsFatal) {
  ServerOptions options;
  options.connection.max_message_size = 1 << 20;
  StartServer(options);
  auto healthy = Connected();
  auto client = Connected();
  std::string msg = "Q";
  TestClient::PutInt32(&msg, (1 << 20) + 100);
  ASSERT_TRUE(client->Send(msg));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['M'], "invalid message length");
  EXPECT_TRUE(client->WaitClosed());
  // Small messages have a small limit.
  auto other = Connected();
  msg = "S";
  TestClient::PutInt32(&msg, 100000);
  ASSERT_TRUE(other->Send(msg));
  m = other->ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['C'], "08P01");
  ExpectWorks(*healthy);
}

TEST_F(ServerTest, GarbageBytesAreFatal) {
  auto healthy = Connected();
  auto client = Connected();
  ASSERT_TRUE(client->Send(std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9)));
  auto m = client->ReadMessage();
  ASSERT_TRUE(m);
  auto fields = ParseFields(m->body);
  EXPECT_EQ(fields['C'], "08P01");
  EXPECT_EQ(fields['M'], "invalid frontend message type 1");
  EXPECT_TRUE(client->WaitClosed());
  ExpectWorks(*healthy);
}

TEST_F(ServerTest, MalformedContentIsFatal) {
  auto healthy = Connected();
  // Query without NUL terminator.
  auto c1 = Connected();
  ASSERT_TRUE(c1->Send(TestClient::Msg('Q', "select 1")));
  auto m = c1->ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['M'], "invalid message format");
  EXPECT_TRUE(c1->WaitClosed());

  // Bind whose parameter length runs past the end of the message.
  auto c2 = Connected();
  std::string body("\0\0", 2);
  TestClient::PutInt16(&body, 0);
  TestClient::PutInt16(&body, 1);
  TestClient::PutInt32(&body, 1000);
  body += "abc";
  ASSERT_TRUE(c2->Send(TestClient::Msg('B', body)));
  m = c2->ReadMessage();
  ASSERT_TRUE(m);
  EXPECT_EQ(ParseFields(m->body)['C'], "08P01");
  EXPECT_TRUE(c2->WaitClosed());

  // Parse with a negative parameter count; Sync with trailing bytes.
  auto c3 = Connected();
  body = std::string("\0select 1\0", 10);
  TestClient::PutInt16(&body, -3);
  ASSERT_TRUE(c3->Send(TestClient::Msg('P', body)));
  EXPECT_EQ(ParseFields(c3->ReadMessage()->body)['M'], "invalid message format");
  auto c4 = Connected();
  ASSERT_TRUE(c4->Send(TestClient::Msg('S', "xx")));
  EXPECT_EQ(ParseFields(c4->ReadMessage()->body)['M'], "invalid message format");
  ExpectWorks(*healthy);
}

TEST_F(ServerTest, TruncatedMessageThenDisconnect) {
  auto healthy = Connected();
  auto client = Connected();
  std::string msg = "Q";
  TestClient::PutInt32(&msg, 100);
  msg += "select";
  ASSERT_TRUE(client->Send(msg));
  std::this_thread::sleep_for(milliseconds(50));
  client->Disconnect();
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == 1; }));
  ExpectWorks(*healthy);
}

TEST_F(ServerTest, RandomGarbageNeverKillsTheServer) {
  auto healthy = Connected();
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245 + 12345;
    return static_cast<char>(seed >> 16);
  };
  for (int round = 0; round < 30; round++) {
    TestClient client;
    ASSERT_TRUE(client.Connect(server_->port()));
    if (round % 2 == 0) client.Startup();
    std::string junk;
    for (int i = 0; i < 200; i++) junk.push_back(next());
    client.Send(junk);
    client.WaitClosed(300);
  }
  ExpectWorks(*healthy);
}

// ---------------------------------------------------------------------------------------------
// Concurrency

TEST_F(ServerTest, ManyConcurrentConnections) {
  constexpr int kClients = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; i++) {
    threads.emplace_back([&] {
      TestClient client;
      if (!client.Connect(server_->port())) return;
      auto startup = client.Startup();
      if (startup.empty() || startup.back().type != 'Z') return;
      for (int q = 0; q < 10; q++) {
        if (!client.Send(TestClient::Query("series 3"))) return;
        if (Types(client.ReadUntilReady()) != "TDDDCZ") return;
      }
      ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, kClients);
  EXPECT_TRUE(WaitFor([&] { return backend_.state.sessions_closed == kClients; }));
}

}  // namespace
}  // namespace freshet::pgwire::testing
