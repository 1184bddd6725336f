// The Kafka connector against librdkafka's mock cluster (3 brokers on loopback, the real
// protocol): JSON and CSV into views, metadata columns, bad records, UPSERT and Debezium
// tables, restarts resuming exactly once, a broker down and back.

#include <chrono>
#include <set>
#include <thread>

#include "engine_fixture.h"
#include "ingest/kafka_consumer.h"
#include "ingest/kafka_mock_cluster.h"
#include "ingest/kafka_producer.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

class KafkaTest : public EngineTest {
 protected:
  void SetUp() override {
    auto cluster = ingest::KafkaMockCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(*cluster);
    EngineTest::SetUp();
  }
  void TearDown() override {
    EngineTest::TearDown();  // the connectors stop before the cluster goes
    producers_.clear();
    cluster_.reset();
  }

  void CreateTopic(const std::string& topic, int partitions) {
    ASSERT_TRUE(cluster_->CreateTopic(topic, partitions, 3).ok());
  }
  ingest::KafkaProducer& Producer(const std::string& topic) {
    auto& p = producers_[topic];
    if (!p) {
      ingest::KafkaClientOptions o;
      o.bootstrap_servers = cluster_->bootstrap_servers();
      auto made = ingest::KafkaProducer::Open(o, topic);
      EXPECT_TRUE(made.ok()) << made.status().ToString();
      p = std::move(*made);
    }
    return *p;
  }
  void Produce(const std::string& topic, std::optional<std::string> key,
               std::optional<std::string> value, int32_t partition = -1) {
    ASSERT_TRUE(Producer(topic).Produce(key, value, partition).ok());
  }
  void Flush(const std::string& topic) {
    Status s = Producer(topic).Flush(10000);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string With(const std::string& topic) {
    return "WITH (connector = 'kafka', topic = '" + topic + "', properties.bootstrap.server = '" +
           cluster_->bootstrap_servers() + "')";
  }
  /// Polls `sql` until it returns `want` (the connector ingests asynchronously), up to 30 s.
  Rows WaitFor(const std::string& sql, const Rows& want) {
    Rows got;
    for (int i = 0; i < 300; i++) {
      got = Query(sql);
      if (got == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return got;
  }

  /// Everything a read_committed consumer reads from `topic` ("key => value", NULL for a null
  /// key or value), by partition then offset, waiting up to 30 s for at least `want` records
  /// and then half a second for any more.
  Rows Consume(const std::string& topic, size_t want) {
    ingest::KafkaClientOptions o;
    o.bootstrap_servers = cluster_->bootstrap_servers();
    o.properties.emplace_back("isolation.level", "read_committed");
    auto consumer = ingest::KafkaConsumer::Open(o, topic, "test-reader", false);
    EXPECT_TRUE(consumer.ok());
    if (!consumer.ok()) return {};
    std::map<std::pair<int32_t, int64_t>, std::string> got;
    int32_t partitions = 0;
    for (int i = 0; i < 300 && partitions == 0; i++) {
      auto n = (*consumer)->PartitionCount(1000);
      if (n.ok()) partitions = *n;
      if (!n.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::map<int32_t, int64_t> starts;
    for (int32_t p = 0; p < partitions; p++) starts[p] = ingest::KafkaConsumer::kEarliest;
    EXPECT_TRUE((*consumer)->Assign(starts).ok());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::chrono::steady_clock::time_point enough{};
    while (std::chrono::steady_clock::now() < deadline) {
      if (got.size() >= want && enough == std::chrono::steady_clock::time_point{}) {
        enough = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
      }
      if (enough != std::chrono::steady_clock::time_point{} &&
          std::chrono::steady_clock::now() > enough) {
        break;
      }
      auto n = (*consumer)->Poll(1000, 100, [&](const ingest::KafkaMessage& m) {
        if (m.offset_out_of_range) return;
        got[{m.partition, m.offset}] = (m.has_key ? std::string(m.key) : "NULL") + " => " +
                                       (m.has_value ? std::string(m.value) : "NULL");
      });
      EXPECT_TRUE(n.ok());
    }
    Rows out;
    for (auto& [pos, text] : got) out.push_back(text);
    return out;
  }

  std::unique_ptr<ingest::KafkaMockCluster> cluster_;
  std::map<std::string, std::unique_ptr<ingest::KafkaProducer>> producers_;
};

TEST_F(KafkaTest, KeyedJsonIntoAViewWithMetadataAndBadRecords) {
  CreateTopic("orders", 3);
  for (int i = 0; i < 300; i++) {
    std::string user = "u" + std::to_string(i % 3);
    Produce("orders", user,
            R"({"id": )" + std::to_string(i) + R"(, "user_name": ")" + user + R"(", "amount": )" +
                std::to_string(i) + R"(, "extra": [1, 2]})");
  }
  Produce("orders", "u0", "{not json", 1);
  Produce("orders", "u0", R"({"id": "seven", "user_name": "u0"})", 1);
  Flush("orders");
  ASSERT_EQ(Exec("CREATE SOURCE orders (id int, user_name text, amount bigint) "
                 "INCLUDE partition INCLUDE offset AS off INCLUDE key AS k " +
                 With("orders") + " FORMAT PLAIN ENCODE JSON"),
            "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW per_user AS SELECT user_name, count(*) AS n, "
                 "sum(amount) AS total FROM orders GROUP BY user_name"),
            "");
  // The key is the user (key hash partitioning): every user's rows sit in one partition.
  Rows want = {"u0|100|14850", "u1|100|14950", "u2|100|15050"};
  EXPECT_EQ(WaitFor("SELECT * FROM per_user ORDER BY 1", want), want);
  EXPECT_EQ(Query("SELECT count(*) FROM orders WHERE k = user_name"), (Rows{"300"}));
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT k FROM orders GROUP BY k HAVING "
                  "count(DISTINCT _kafka_partition) = 1) x"),
            (Rows{"3"}));
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT _kafka_partition, off FROM orders GROUP BY 1, "
                  "2) x"),
            (Rows{"300"}));
  // The two bad records are in source_errors with what was wrong, and ingestion went on.
  Rows errors = Query(
      "SELECT source, partition, error, raw FROM freshet_catalog.source_errors ORDER BY "
      "record_offset");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("orders|1|invalid JSON record"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("|{not json"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("column \"id\" (integer)"), std::string::npos) << errors[1];
  EXPECT_EQ(Query("SELECT records, errors, state FROM freshet_catalog.connectors"),
            (Rows{"300|2|running"}));
  // More records keep flowing after the bad ones.
  Produce("orders", "u9", R"({"id": 1000, "user_name": "u9", "amount": 5})");
  Flush("orders");
  EXPECT_EQ(WaitFor("SELECT n, total FROM per_user WHERE user_name = 'u9'", {"1|5"}),
            (Rows{"1|5"}));
  // consumer_lag: per Kafka partition, the committed offsets reach the high watermarks.
  Rows lag = WaitFor(
      "SELECT sum(committed_offset), sum(end_offset), sum(lag) FROM freshet_catalog.consumer_lag "
      "WHERE topic = 'kafka:orders'",
      {"303|303|0"});
  EXPECT_EQ(lag, (Rows{"303|303|0"}));
  // The consumer group (freshet-<source> by default) has the same offsets, for Kafka's tools.
  ingest::KafkaClientOptions o;
  o.bootstrap_servers = cluster_->bootstrap_servers();
  auto group = ingest::KafkaConsumer::Open(o, "orders", "freshet-orders", false);
  ASSERT_TRUE(group.ok());
  int64_t committed = 0;
  for (int i = 0; i < 50 && committed != 303; i++) {
    auto offsets = (*group)->GroupCommitted(3, 5000);
    ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
    committed = 0;
    for (const auto& [p, off] : *offsets) committed += std::max<int64_t>(off, 0);
    if (committed != 303) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(committed, 303);
}

TEST_F(KafkaTest, RestartResumesExactlyOnceFromTheCommittedOffsets) {
  CreateTopic("clicks", 4);
  for (int i = 0; i < 2000; i++) {
    Produce("clicks", std::nullopt, R"({"page": )" + std::to_string(i % 10) + "}");
  }
  Flush("clicks");
  ASSERT_EQ(Exec("CREATE SOURCE clicks (page int) " + With("clicks") + " FORMAT PLAIN ENCODE JSON"),
            "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n, count(DISTINCT page) AS "
                 "pages FROM clicks"),
            "");
  EXPECT_EQ(WaitFor("SELECT * FROM c", {"2000|10"}), (Rows{"2000|10"}));
  // Produced while the server is down: read after the restart, once.
  session_.reset();
  db_.reset();
  for (int i = 0; i < 500; i++) Produce("clicks", std::nullopt, R"({"page": 100})");
  Flush("clicks");
  Reopen();
  EXPECT_EQ(WaitFor("SELECT * FROM c", {"2500|11"}), (Rows{"2500|11"}));
  EXPECT_EQ(Query("SELECT count(*) FROM clicks"), (Rows{"2500"}));
  Reopen();
  for (int i = 0; i < 10; i++) Produce("clicks", std::nullopt, R"({"page": 101})");
  Flush("clicks");
  EXPECT_EQ(WaitFor("SELECT * FROM c", {"2510|12"}), (Rows{"2510|12"}));
}

TEST_F(KafkaTest, EventTimeWindowsCloseByWatermarkAndLateRecordsAreKept) {
  CreateTopic("clicks_t", 1);
  ASSERT_EQ(Exec("CREATE SOURCE ct (uid int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL "
                 "'1 second') " +
                 With("clicks_t") + " FORMAT PLAIN ENCODE JSON"),
            "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW w AS SELECT window_start, count(*) AS n FROM "
                 "TUMBLE(ct, ts, INTERVAL '10 seconds') GROUP BY window_start EMIT ON WINDOW "
                 "CLOSE"),
            "")
      << last_.ToString();
  Produce("clicks_t", std::nullopt, R"({"uid": 1, "ts": "2024-01-01 00:00:01"})");
  Produce("clicks_t", std::nullopt, R"({"uid": 2, "ts": "2024-01-01 00:00:03"})");
  Produce("clicks_t", std::nullopt, R"({"uid": 1, "ts": "2024-01-01 00:00:25"})");
  Flush("clicks_t");
  EXPECT_EQ(WaitFor("SELECT * FROM w", {"2024-01-01 00:00:00|2"}), (Rows{"2024-01-01 00:00:00|2"}));
  // Behind the watermark (00:00:24): recorded in late_rows, the closed window unchanged.
  Produce("clicks_t", std::nullopt, R"({"uid": 3, "ts": "2024-01-01 00:00:02"})");
  Flush("clicks_t");
  EXPECT_EQ(WaitFor("SELECT source, event_time FROM freshet_catalog.late_rows",
                    {"ct|2024-01-01 00:00:02"}),
            (Rows{"ct|2024-01-01 00:00:02"}));
  EXPECT_EQ(Query("SELECT * FROM w"), (Rows{"2024-01-01 00:00:00|2"}));
}

TEST_F(KafkaTest, CsvAndStartupModes) {
  CreateTopic("lines", 1);
  Produce("lines", std::nullopt, "1,alpha,\"x, y\"");
  Produce("lines", std::nullopt, "2,,z");
  Flush("lines");
  ASSERT_EQ(Exec("CREATE SOURCE early (n int, a text, b text) " + With("lines") +
                 " FORMAT PLAIN ENCODE CSV"),
            "")
      << last_.ToString();
  std::string with_latest = With("lines");
  with_latest.insert(with_latest.size() - 1, ", scan.startup.mode = 'latest'");
  ASSERT_EQ(Exec("CREATE SOURCE late (n int, a text, b text) " + with_latest +
                 " FORMAT PLAIN ENCODE CSV (delimiter = ',')"),
            "")
      << last_.ToString();
  EXPECT_EQ(WaitFor("SELECT n, a, b FROM early ORDER BY n", {"1|alpha|x, y", "2|NULL|z"}),
            (Rows{"1|alpha|x, y", "2|NULL|z"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Produce("lines", std::nullopt, "3,gamma,w");
  Flush("lines");
  EXPECT_EQ(WaitFor("SELECT n FROM late", {"3"}), (Rows{"3"}));
  EXPECT_EQ(WaitFor("SELECT count(*) FROM early", {"3"}), (Rows{"3"}));
}

TEST_F(KafkaTest, UpsertTableAppliesKeysAndTombstones) {
  CreateTopic("users", 2);
  ASSERT_EQ(Exec("CREATE TABLE users (id int PRIMARY KEY, name text, score int) " + With("users") +
                 " FORMAT UPSERT ENCODE JSON"),
            "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(score) AS s "
                 "FROM users"),
            "");
  Produce("users", R"({"id": 1})", R"({"id": 1, "name": "ann", "score": 10})");
  Produce("users", R"({"id": 2})", R"({"id": 2, "name": "bob", "score": 20})");
  Produce("users", "3", R"({"name": "cy", "score": 30})");  // a plain key, id from it
  Produce("users", R"({"id": 1})", R"({"id": 1, "name": "ann", "score": 15})");  // update
  Produce("users", R"({"id": 2})", std::nullopt);                   // tombstone: delete
  Produce("users", std::nullopt, R"({"id": 9, "name": "nokey"})");  // no key: an error
  Flush("users");
  Rows want = {"1|ann|15", "3|cy|30"};
  EXPECT_EQ(WaitFor("SELECT * FROM users ORDER BY id", want), want);
  EXPECT_EQ(WaitFor("SELECT * FROM totals", {"2|45"}), (Rows{"2|45"}));
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.source_errors WHERE source = 'users' "
                  "AND error LIKE '%needs a key%'"),
            (Rows{"1"}));
  EXPECT_EQ(Exec("CREATE SOURCE bad (id int) " + With("users") + " FORMAT UPSERT ENCODE JSON"),
            "42P16");
}

TEST_F(KafkaTest, AlteredAndRenamedTablesKeepIngestingByTheirNewColumns) {
  CreateTopic("acc", 1);
  ASSERT_EQ(Exec("CREATE TABLE acc (id int PRIMARY KEY, a text, b int) " + With("acc") +
                 " FORMAT UPSERT ENCODE JSON"),
            "")
      << last_.ToString();
  Produce("acc", "1", R"({"id": 1, "a": "x", "b": 1, "c": 10})");
  Flush("acc");
  EXPECT_EQ(WaitFor("SELECT * FROM acc", {"1|x|1"}), (Rows{"1|x|1"}));
  ASSERT_EQ(Exec("ALTER TABLE acc DROP COLUMN a"), "") << last_.ToString();
  ASSERT_EQ(Exec("ALTER TABLE acc ADD COLUMN c int"), "") << last_.ToString();
  ASSERT_EQ(Exec("ALTER TABLE acc RENAME TO accounts"), "") << last_.ToString();
  Produce("acc", "2", R"({"id": 2, "a": "y", "b": 2, "c": 20})");
  Produce("acc", "1", R"({"id": 1, "a": "x", "b": 3, "c": 30})");
  Flush("acc");
  Rows want = {"1|3|30", "2|2|20"};
  EXPECT_EQ(WaitFor("SELECT * FROM accounts ORDER BY id", want), want);
  EXPECT_EQ(Query("SELECT name, state FROM freshet_catalog.connectors"),
            (Rows{"accounts|running"}));
}

TEST_F(KafkaTest, DebeziumTableFollowsCreatesUpdatesAndDeletes) {
  CreateTopic("pg.public.items", 1);
  ASSERT_EQ(Exec("CREATE TABLE items (id int PRIMARY KEY, label text, qty int) " +
                 With("pg.public.items") + " FORMAT DEBEZIUM ENCODE JSON"),
            "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW q AS SELECT sum(qty) AS total FROM items"), "");
  auto event = [](const std::string& op, const std::string& before, const std::string& after) {
    return R"({"before": )" + before + R"(, "after": )" + after + R"(, "op": ")" + op +
           R"(", "source": {"table": "items"}, "ts_ms": 1})";
  };
  Produce("pg.public.items", "1", event("r", "null", R"({"id": 1, "label": "a", "qty": 5})"));
  Produce("pg.public.items", "2", event("c", "null", R"({"id": 2, "label": "b", "qty": 7})"));
  // Kafka Connect's schema/payload wrapper.
  Produce("pg.public.items", "1",
          R"({"schema": {}, "payload": )" +
              event("u", R"({"id": 1, "label": "a", "qty": 5})",
                    R"({"id": 1, "label": "a2", "qty": 6})") +
              "}");
  Produce("pg.public.items", "2", event("d", R"({"id": 2, "label": "b", "qty": 7})", "null"));
  Produce("pg.public.items", "2", std::nullopt);                // the tombstone after a delete
  Produce("pg.public.items", "3", event("x", "null", "null"));  // an unknown op: an error
  Flush("pg.public.items");
  EXPECT_EQ(WaitFor("SELECT * FROM items ORDER BY id", {"1|a2|6"}), (Rows{"1|a2|6"}));
  EXPECT_EQ(WaitFor("SELECT * FROM q", {"6"}), (Rows{"6"}));
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.source_errors"), (Rows{"1"}));
}

TEST_F(KafkaTest, BrokersDownAndBackAndLeaderChangesLoseNothing) {
  CreateTopic("ticks", 2);
  ASSERT_EQ(Exec("CREATE SOURCE ticks (v int) " + With("ticks") + " FORMAT PLAIN ENCODE JSON"), "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW t AS SELECT count(*), sum(v) FROM ticks"), "");
  for (int i = 1; i <= 100; i++) Produce("ticks", std::nullopt, R"({"v": 1})");
  Flush("ticks");
  EXPECT_EQ(WaitFor("SELECT * FROM t", {"100|100"}), (Rows{"100|100"}));
  for (int b = 1; b <= 3; b++) ASSERT_TRUE(cluster_->SetBrokerDown(b).ok());
  for (int i = 1; i <= 100; i++) Produce("ticks", std::nullopt, R"({"v": 2})");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Query("SELECT * FROM t"), (Rows{"100|100"}));  // views keep serving
  for (int b = 1; b <= 3; b++) ASSERT_TRUE(cluster_->SetBrokerUp(b).ok());
  Flush("ticks");
  EXPECT_EQ(WaitFor("SELECT * FROM t", {"200|300"}), (Rows{"200|300"}));
  // Leaders move: the connector follows them.
  ASSERT_TRUE(cluster_->SetPartitionLeader("ticks", 0, 2).ok());
  ASSERT_TRUE(cluster_->SetPartitionLeader("ticks", 1, 3).ok());
  for (int i = 1; i <= 100; i++) Produce("ticks", std::nullopt, R"({"v": 3})");
  Flush("ticks");
  EXPECT_EQ(WaitFor("SELECT * FROM t", {"300|600"}), (Rows{"300|600"}));
}

TEST_F(KafkaTest, RecordsRetentionDeletedBeforeTheyWereReadAreRecordedNotSkippedSilently) {
  CreateTopic("burst", 1);
  ASSERT_EQ(
      Exec("CREATE SOURCE burst (v int, pad text) " + With("burst") + " FORMAT PLAIN ENCODE JSON"),
      "")
      << last_.ToString();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW b AS SELECT count(*) FROM burst"), "");
  Produce("burst", std::nullopt, R"({"v": 1, "pad": ""})");
  Flush("burst");
  EXPECT_EQ(WaitFor("SELECT * FROM b", {"1"}), (Rows{"1"}));
  // While Freshet is down, more than the mock cluster keeps (5 MB a partition) is produced: the
  // offset Freshet stopped at is gone when it comes back.
  session_.reset();
  db_.reset();
  std::string pad(1000, 'x');
  for (int i = 0; i < 8000; i++) {
    Produce("burst", std::nullopt, R"({"v": 2, "pad": ")" + pad + R"("})");
  }
  Flush("burst");
  Reopen();
  Rows gap = WaitFor(
      "SELECT count(*) FROM freshet_catalog.source_errors WHERE error LIKE '%deleted from the "
      "topic (retention)%'",
      {"1"});
  EXPECT_EQ(gap, (Rows{"1"}));
  // Reading went on from the earliest retained record: the view holds what is still there.
  int n = 0;
  for (int i = 0; i < 300 && n <= 1000; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Rows r = Query("SELECT * FROM b");
    ASSERT_EQ(r.size(), 1u);
    n = std::stoi(r[0]);
  }
  EXPECT_GT(n, 1000);
  EXPECT_LT(n, 8001);
}

TEST_F(KafkaTest, UpsertAndDebeziumSinksDeliverEachChangeOnceAcrossRestarts) {
  CreateTopic("totals", 1);
  CreateTopic("changes", 1);
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, grp text, v int)"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', 5)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW g AS SELECT grp, sum(v) AS s FROM t GROUP BY grp"), "");
  std::string with_totals = With("totals");
  with_totals.insert(with_totals.size() - 1, ", primary_key = 'grp'");
  ASSERT_EQ(Exec("CREATE SINK totals FROM g " + with_totals + " FORMAT UPSERT ENCODE JSON"), "")
      << last_.ToString();
  std::string with_changes = With("changes");
  with_changes.insert(with_changes.size() - 1, ", primary_key = 'id'");
  ASSERT_EQ(Exec("CREATE SINK changes AS SELECT id, v FROM t " + with_changes +
                 " FORMAT DEBEZIUM ENCODE JSON"),
            "")
      << last_.ToString();
  // The snapshot first: one record per group and per row.
  EXPECT_EQ(Consume("totals", 2), (Rows{R"({"grp": "a"} => {"grp": "a", "s": 15})",
                                        R"({"grp": "b"} => {"grp": "b", "s": 20})"}));
  ASSERT_EQ(Exec("UPDATE t SET v = 100 WHERE id = 1"), "");
  ASSERT_EQ(Exec("DELETE FROM t WHERE id = 2"), "");
  Rows totals = Consume("totals", 4);
  ASSERT_EQ(totals.size(), 4u);
  EXPECT_EQ(totals[2], R"({"grp": "a"} => {"grp": "a", "s": 105})");
  EXPECT_EQ(totals[3], R"({"grp": "b"} => NULL)");  // the group is gone: a tombstone
  // A restart delivers nothing twice and goes on.
  Reopen();
  ASSERT_EQ(Exec("INSERT INTO t VALUES (4, 'c', 1)"), "");
  totals = Consume("totals", 5);
  EXPECT_EQ(totals.size(), 5u);
  EXPECT_EQ(totals.back(), R"({"grp": "c"} => {"grp": "c", "s": 1})");
  Rows changes = Consume("changes", 6);
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0], R"({"id": 1} => {"before": null, "after": {"id": 1, "v": 10}, "op": "c"})");
  EXPECT_EQ(
      changes[3],
      R"({"id": 1} => {"before": {"id": 1, "v": 10}, "after": {"id": 1, "v": 100}, "op": "u"})");
  EXPECT_EQ(changes[4], R"({"id": 2} => {"before": {"id": 2, "v": 20}, "after": null, "op": "d"})");
  EXPECT_EQ(changes[5], R"({"id": 4} => {"before": null, "after": {"id": 4, "v": 1}, "op": "c"})");
  EXPECT_EQ(Query("SELECT name, kind, state FROM freshet_catalog.connectors ORDER BY name"),
            (Rows{"changes|sink|running", "totals|sink|running"}));
  ASSERT_EQ(Exec("DROP SINK changes"), "");
  EXPECT_EQ(Query("SELECT name FROM freshet_catalog.connectors"), (Rows{"totals"}));
  // A PLAIN sink refuses a query whose rows can change; UPSERT needs its key.
  EXPECT_EQ(Exec("CREATE SINK p FROM g " + With("totals") + " FORMAT PLAIN ENCODE JSON"), "0A000");
  EXPECT_EQ(Exec("CREATE SINK p FROM g " + With("totals") + " FORMAT UPSERT ENCODE JSON"), "42P16");
  std::string bad = With("totals");
  bad.insert(bad.size() - 1, ", primary_key = 'grp', sink.delivery = 'sometimes'");
  EXPECT_EQ(Exec("CREATE SINK p FROM g " + bad + " FORMAT UPSERT ENCODE JSON"), "22023");
  bad = With("totals");
  bad.insert(bad.size() - 1, ", primary_key = 'nope'");
  EXPECT_EQ(Exec("CREATE SINK p FROM g " + bad + " FORMAT UPSERT ENCODE JSON"), "42703");
  EXPECT_EQ(Exec("CREATE SINK p FROM g " + with_totals + " FORMAT UPSERT ENCODE CSV"), "22023");
  EXPECT_EQ(Exec("CREATE SINK p FROM g WITH (connector = 'kafka', topic = 'totals', colour = "
                 "'red') FORMAT UPSERT ENCODE JSON"),
            "22023");
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.connectors"), (Rows{"1"}));
}

TEST_F(KafkaTest, SourceToPlainSinkEndToEnd) {
  CreateTopic("in", 2);
  CreateTopic("out", 2);
  ASSERT_EQ(
      Exec("CREATE SOURCE src (id int, amount int) " + With("in") + " FORMAT PLAIN ENCODE JSON"),
      "");
  ASSERT_EQ(Exec("CREATE SINK big AS SELECT id, amount * 2 AS doubled FROM src WHERE amount > 5 " +
                 With("out") + " FORMAT PLAIN ENCODE JSON"),
            "")
      << last_.ToString();
  for (int i = 1; i <= 20; i++) {
    Produce("in", std::nullopt,
            R"({"id": )" + std::to_string(i) + R"(, "amount": )" + std::to_string(i) + "}");
  }
  Flush("in");
  Rows out = Consume("out", 15);
  EXPECT_EQ(out.size(), 15u);
  std::set<std::string> distinct(out.begin(), out.end());
  EXPECT_EQ(distinct.size(), 15u);
  EXPECT_TRUE(distinct.count(R"(NULL => {"id": 20, "doubled": 40})"));
}

TEST_F(KafkaTest, CreateRefusesWhatCannotWork) {
  CreateTopic("present", 1);
  EXPECT_EQ(Exec("CREATE SOURCE s (v int) " + With("absent") + " FORMAT PLAIN ENCODE JSON"),
            "42P01");
  EXPECT_EQ(Exec("CREATE SOURCE s (v int) WITH (connector = 'kafka', topic = 'present') FORMAT "
                 "PLAIN ENCODE JSON"),
            "22023");
  EXPECT_EQ(Exec("CREATE SOURCE s (v int) " + With("present") + " FORMAT PLAIN ENCODE AVRO"),
            "22023");
  EXPECT_EQ(Exec("CREATE SOURCE s (v int) INCLUDE color " + With("present") +
                 " FORMAT PLAIN ENCODE JSON"),
            "22023");
  EXPECT_EQ(Exec("CREATE SOURCE s (v int) " + With("present") + " FORMAT PLAIN ENCODE JSON"), "");
  EXPECT_EQ(Exec("INSERT INTO s VALUES (1)"), "42809");
  EXPECT_EQ(Exec("DROP SOURCE s"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.connectors"), (Rows{"0"}));
}

}  // namespace
}  // namespace freshet::engine
