// Real-client tests: libpq (the library under psql, psycopg2 and most drivers) and the psql
// binary against a pgwire::Server with the fake backend.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "pgwire/server.h"
#include "tests/pgwire/fake_backend.h"

namespace freshet::pgwire::testing {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using Res = std::unique_ptr<PGresult, ResultDeleter>;

class LibpqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<Server>(backend_, options);
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  void TearDown() override { server_->Stop(); }

  Conn Connect() {
    std::string conninfo = "host=127.0.0.1 port=" + std::to_string(server_->port()) +
                           " user=freshet dbname=freshet application_name=pgwire_test"
                           " connect_timeout=5";
    Conn conn(PQconnectdb(conninfo.c_str()));
    EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    return conn;
  }

  /// Runs a shell command, returning its stdout+stderr.
  static std::string Run(const std::string& command) {
    std::string out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    pclose(pipe);
    return out;
  }

  std::string Psql(const std::string& args) {
    return Run("PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p " + std::to_string(server_->port()) +
               " -U freshet -d freshet " + args);
  }

  FakeBackend backend_;
  std::unique_ptr<Server> server_;
};

TEST_F(LibpqTest, ConnectAndSimpleQuery) {
  Conn conn = Connect();
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK);
  EXPECT_EQ(PQserverVersion(conn.get()), 130014);
  EXPECT_STREQ(PQparameterStatus(conn.get(), "application_name"), "pgwire_test");
  EXPECT_STREQ(PQparameterStatus(conn.get(), "integer_datetimes"), "on");
  EXPECT_NE(PQbackendPID(conn.get()), 0);

  Res r(PQexec(conn.get(), "select 1"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(PQntuples(r.get()), 1);
  EXPECT_EQ(PQftype(r.get(), 0), 23u);
  EXPECT_STREQ(PQfname(r.get(), 0), "?column?");
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "1");

  r.reset(PQexec(conn.get(), "bad"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE), "42601");
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_STATEMENT_POSITION), "1");
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK);

  r.reset(PQexec(conn.get(), "set application_name = 'renamed'"));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQparameterStatus(conn.get(), "application_name"), "renamed");

  r.reset(PQexec(conn.get(), ""));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_EMPTY_QUERY);
}

TEST_F(LibpqTest, ExtendedProtocol) {
  Conn conn = Connect();
  const char* values[] = {"hello", nullptr};
  Res r(PQexecParams(conn.get(), "select $1, $2", 2, nullptr, values, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "hello");
  EXPECT_TRUE(PQgetisnull(r.get(), 0, 1));

  r.reset(PQprepare(conn.get(), "st", "series 3", 0, nullptr));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  r.reset(PQdescribePrepared(conn.get(), "st"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  EXPECT_EQ(PQnfields(r.get()), 1);
  EXPECT_EQ(PQftype(r.get(), 0), 23u);
  EXPECT_EQ(PQftable(r.get(), 0), 16384u);

  // Binary results.
  r.reset(PQexecPrepared(conn.get(), "st", 0, nullptr, nullptr, nullptr, 1));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQntuples(r.get()), 3);
  EXPECT_EQ(PQfformat(r.get(), 0), 1);
  ASSERT_EQ(PQgetlength(r.get(), 2, 0), 4);
  uint32_t v;
  std::memcpy(&v, PQgetvalue(r.get(), 2, 0), 4);
  EXPECT_EQ(ntohl(v), 3u);

  r.reset(PQexecParams(conn.get(), "bad", 0, nullptr, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE), "42601");
  r.reset(PQexecPrepared(conn.get(), "nosuch", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE), "26000");
  r.reset(PQexecPrepared(conn.get(), "st", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, PipelineMode) {
  Conn conn = Connect();
  ASSERT_EQ(PQenterPipelineMode(conn.get()), 1);
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(PQsendQueryParams(conn.get(), "series 2", 0, nullptr, nullptr, nullptr, nullptr, 0),
              1);
  }
  ASSERT_EQ(PQpipelineSync(conn.get()), 1);
  for (int i = 0; i < 3; i++) {
    Res r(PQgetResult(conn.get()));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
    EXPECT_EQ(PQntuples(r.get()), 2);
    EXPECT_EQ(PQgetResult(conn.get()), nullptr);
  }
  Res sync(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(sync.get()), PGRES_PIPELINE_SYNC);
  EXPECT_EQ(PQexitPipelineMode(conn.get()), 1);
}

TEST_F(LibpqTest, CopyFromStdin) {
  Conn conn = Connect();
  Res r(PQexec(conn.get(), "copy t from stdin"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN) << PQerrorMessage(conn.get());
  EXPECT_EQ(PQnfields(r.get()), 2);
  ASSERT_EQ(PQputCopyData(conn.get(), "1\ta\n2\t", 6), 1);
  ASSERT_EQ(PQputCopyData(conn.get(), "b\n", 2), 1);
  ASSERT_EQ(PQputCopyEnd(conn.get(), nullptr), 1);
  r.reset(PQgetResult(conn.get()));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  EXPECT_STREQ(PQcmdTuples(r.get()), "2");
  EXPECT_EQ(PQgetResult(conn.get()), nullptr);

  // CopyFail.
  r.reset(PQexec(conn.get(), "copy t from stdin"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN);
  ASSERT_EQ(PQputCopyEnd(conn.get(), "client gave up"), 1);
  r.reset(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE), "57014");
  EXPECT_EQ(PQgetResult(conn.get()), nullptr);

  // COPY through the extended protocol (libpq adds a Sync after CopyDone).
  r.reset(PQexecParams(conn.get(), "copy t from stdin", 0, nullptr, nullptr, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQputCopyData(conn.get(), "9\tz\n", 4), 1);
  ASSERT_EQ(PQputCopyEnd(conn.get(), nullptr), 1);
  r.reset(PQgetResult(conn.get()));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(PQgetResult(conn.get()), nullptr);
  r.reset(PQexec(conn.get(), "select 1"));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  std::lock_guard<std::mutex> lock(backend_.state.mu);
  EXPECT_EQ(backend_.state.copied_rows, (std::vector<std::string>{"1\ta", "2\tb", "9\tz"}));
}

TEST_F(LibpqTest, CopyToStdout) {
  Conn conn = Connect();
  Res r(PQexec(conn.get(), "copy t to stdout"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_OUT) << PQerrorMessage(conn.get());
  std::string data;
  char* buf = nullptr;
  int n;
  while ((n = PQgetCopyData(conn.get(), &buf, 0)) > 0) {
    data.append(buf, n);
    PQfreemem(buf);
  }
  EXPECT_EQ(n, -1);
  EXPECT_EQ(data, "1\ta\n2\tb\n");
  r.reset(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
}

TEST_F(LibpqTest, Cancel) {
  Conn conn = Connect();
  ASSERT_EQ(PQsendQuery(conn.get(), "sleep"), 1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!backend_.state.sleeping && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(backend_.state.sleeping);
  PGcancel* cancel = PQgetCancel(conn.get());
  char err[256];
  EXPECT_EQ(PQcancel(cancel, err, sizeof(err)), 1) << err;
  PQfreeCancel(cancel);
  Res r(PQgetResult(conn.get()));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE), "57014");
  EXPECT_EQ(PQgetResult(conn.get()), nullptr);
}

TEST_F(LibpqTest, Psql) {
  if (access("/usr/bin/psql", X_OK) != 0) GTEST_SKIP() << "psql not installed";
  EXPECT_EQ(Psql("-Atc 'select 1'"), "1\n");
  EXPECT_EQ(Psql("-c 'select 1'"), " ?column? \n----------\n        1\n(1 row)\n\n");
  std::string error = Psql("-c 'bad'");
  EXPECT_NE(error.find("ERROR:  syntax error at or near \"bad\""), std::string::npos) << error;
  EXPECT_NE(error.find("LINE 1: bad"), std::string::npos) << error;
  EXPECT_EQ(Run("printf '1\\ta\\n2\\tb\\n' | PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p " +
                std::to_string(server_->port()) + " -U freshet -c 'copy t from stdin'"),
            "COPY 2\n");
  EXPECT_EQ(Psql("-c 'copy t to stdout'"), "1\ta\n2\tb\n");
  EXPECT_EQ(Psql("-Atc 'series 3' -c 'notice'"), "1\n2\n3\nNOTICE:  hello notice\nDO\n");
}

}  // namespace
}  // namespace freshet::pgwire::testing
