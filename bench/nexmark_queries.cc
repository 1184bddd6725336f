#include "bench/nexmark_queries.h"

namespace freshet::bench {
namespace {

// Window helpers for the PostgreSQL side: Freshet aligns windows on 2000-01-01.
#define TUMBLE_PG(table, size)                                                         \
  "(SELECT *, date_bin(INTERVAL '" size                                                \
  "', date_time, TIMESTAMP '2000-01-01') AS window_start, "                            \
  "date_bin(INTERVAL '" size "', date_time, TIMESTAMP '2000-01-01') + INTERVAL '" size \
  "' AS window_end FROM " table ")"

std::vector<NexmarkQuery> Build() {
  std::vector<NexmarkQuery> q;
  q.push_back({"q0",
               {"bid"},
               "SELECT auction, bidder, price, date_time FROM bid",
               "SELECT auction, bidder, price, date_time FROM bid"});
  q.push_back({"q1",
               {"bid"},
               "SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid",
               "SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid"});
  q.push_back({"q2",
               {"bid"},
               "SELECT auction, price FROM bid WHERE auction % 123 = 0",
               "SELECT auction, price FROM bid WHERE auction % 123 = 0"});
  const char* q3 =
      "SELECT P.name, P.city, P.state, A.id FROM auction AS A JOIN person AS P ON A.seller = P.id "
      "WHERE A.category = 10 AND (P.state = 'or' OR P.state = 'id' OR P.state = 'ca')";
  q.push_back({"q3", {"auction", "person"}, q3, q3});
  const char* q4 =
      "SELECT Q.category, avg(Q.final) AS avg FROM (SELECT max(B.price) AS final, A.category "
      "FROM auction A, bid B WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND "
      "A.expires GROUP BY A.id, A.category) Q GROUP BY Q.category";
  q.push_back({"q4", {"auction", "bid"}, q4, q4});
  q.push_back(
      {"q5",
       {"bid"},
       "SELECT AuctionBids.auction, AuctionBids.num FROM (SELECT auction, count(*) AS num, "
       "window_start AS starttime FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' "
       "SECOND) GROUP BY window_start, auction) AS AuctionBids JOIN (SELECT max(num) AS maxn, "
       "starttime_c FROM (SELECT count(*) AS num, window_start AS starttime_c FROM HOP(bid, "
       "date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) GROUP BY auction, window_start) AS "
       "CountBids GROUP BY starttime_c) AS MaxBids ON AuctionBids.starttime = MaxBids.starttime_c "
       "AND AuctionBids.num >= MaxBids.maxn",
       "WITH hb AS (SELECT b.*, ws AS window_start FROM bid b, generate_series(date_bin(INTERVAL "
       "'2 seconds', b.date_time, TIMESTAMP '2000-01-01') - INTERVAL '8 seconds', "
       "date_bin(INTERVAL '2 seconds', b.date_time, TIMESTAMP '2000-01-01'), INTERVAL '2 "
       "seconds') ws) SELECT AuctionBids.auction, AuctionBids.num FROM (SELECT auction, count(*) "
       "AS num, window_start AS starttime FROM hb GROUP BY window_start, auction) AS AuctionBids "
       "JOIN (SELECT max(num) AS maxn, starttime_c FROM (SELECT count(*) AS num, window_start AS "
       "starttime_c FROM hb GROUP BY auction, window_start) AS CountBids GROUP BY starttime_c) AS "
       "MaxBids ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= "
       "MaxBids.maxn"});
  q.push_back(
      {"q7",
       {"bid"},
       "SELECT B.auction, B.price, B.bidder, B.date_time FROM bid B JOIN (SELECT "
       "max(price) AS maxprice, window_end AS date_time FROM TUMBLE(bid, date_time, "
       "INTERVAL '10' SECOND) GROUP BY window_start, window_end) B1 ON B.price = "
       "B1.maxprice WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND "
       "B1.date_time",
       "SELECT B.auction, B.price, B.bidder, B.date_time FROM bid B JOIN (SELECT "
       "max(price) AS maxprice, window_end AS date_time FROM " TUMBLE_PG(
           "bid",
           "10 seconds") " t GROUP BY window_start, window_end) B1 ON B.price = B1.maxprice WHERE "
                         "B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND "
                         "B1.date_time"});
  q.push_back(
      {"q8",
       {"person", "auction"},
       "SELECT P.id, P.name, P.starttime FROM (SELECT id, name, window_start AS starttime, "
       "window_end AS endtime FROM TUMBLE(person, date_time, INTERVAL '10' SECOND) GROUP BY "
       "id, name, window_start, window_end) P JOIN (SELECT seller, window_start AS "
       "starttime, window_end AS endtime FROM TUMBLE(auction, date_time, INTERVAL '10' "
       "SECOND) GROUP BY seller, window_start, window_end) A ON P.id = A.seller AND "
       "P.starttime = A.starttime AND P.endtime = A.endtime",
       "SELECT P.id, P.name, P.starttime FROM (SELECT id, name, window_start AS starttime, "
       "window_end AS endtime FROM " TUMBLE_PG(
           "person",
           "10 seconds") " t GROUP BY id, name, window_start, window_end) P JOIN (SELECT seller, "
                         "window_start AS starttime, window_end AS endtime FROM " TUMBLE_PG(
                             "auction",
                             "10 seconds") " t GROUP BY seller, window_start, window_end) A ON "
                                           "P.id = A.seller AND P.starttime = A.starttime AND "
                                           "P.endtime = A.endtime"});
  const char* q9 =
      "SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, "
      "category, auction, bidder, price, bid_date_time FROM (SELECT A.*, B.auction, B.bidder, "
      "B.price, B.date_time AS bid_date_time, row_number() OVER (PARTITION BY A.id ORDER BY "
      "B.price DESC, B.date_time ASC, B.bidder) AS rownum FROM auction A, bid B WHERE A.id = "
      "B.auction AND B.date_time BETWEEN A.date_time AND A.expires) t WHERE rownum <= 1";
  q.push_back({"q9", {"auction", "bid"}, q9, q9, false, "ties broken by bidder"});
  const char* q10 =
      "SELECT auction, bidder, price, date_time, to_char(date_time, 'YYYY-MM-DD') AS date, "
      "to_char(date_time, 'HH:MI') AS time FROM bid";
  q.push_back({"q10", {"bid"}, q10, q10});
  q.push_back(
      {"q11",
       {"bid"},
       "SELECT bidder, count(*) AS bid_count, window_start, window_end FROM SESSION(bid, "
       "date_time, INTERVAL '10' SECOND, bidder) GROUP BY bidder, window_start, window_end",
       "WITH o AS (SELECT bidder, date_time, CASE WHEN lag(date_time) OVER w IS NULL OR "
       "date_time - lag(date_time) OVER w >= INTERVAL '10 seconds' THEN 1 ELSE 0 END AS fresh "
       "FROM bid WINDOW w AS (PARTITION BY bidder ORDER BY date_time)), s AS (SELECT bidder, "
       "date_time, sum(fresh) OVER (PARTITION BY bidder ORDER BY date_time ROWS UNBOUNDED "
       "PRECEDING) AS sid FROM o) SELECT bidder, count(*) AS bid_count, min(date_time) AS "
       "window_start, max(date_time) + INTERVAL '10 seconds' AS window_end FROM s GROUP BY "
       "bidder, sid"});
  q.push_back({"q13",
               {"bid"},
               "SELECT B.auction, B.bidder, B.price, B.date_time, S.value FROM bid B JOIN "
               "side_input FOR SYSTEM_TIME AS OF PROCTIME() S ON B.auction % 10000 = S.key",
               "SELECT B.auction, B.bidder, B.price, B.date_time, S.value FROM bid B JOIN "
               "side_input S ON B.auction % 10000 = S.key",
               true});
  const char* q14 =
      "SELECT auction, bidder, 0.908 * price AS price, CASE WHEN extract(hour FROM date_time) >= "
      "8 AND extract(hour FROM date_time) <= 18 THEN 'dayTime' WHEN extract(hour FROM date_time) "
      "<= 6 OR extract(hour FROM date_time) >= 20 THEN 'nightTime' ELSE 'otherTime' END AS "
      "bid_time_type, date_time, extra, length(extra) - length(replace(extra, 'c', '')) AS "
      "c_counts FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000";
  q.push_back({"q14", {"bid"}, q14, q14, false, "count_char(extra, 'c') spelled with replace()"});
  const char* q15 =
      "SELECT to_char(date_time, 'YYYY-MM-DD') AS day, count(*) AS total_bids, count(*) FILTER "
      "(WHERE price < 10000) AS rank1_bids, count(*) FILTER (WHERE price >= 10000 AND price < "
      "1000000) AS rank2_bids, count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, "
      "count(DISTINCT bidder) AS total_bidders, count(DISTINCT bidder) FILTER (WHERE price < "
      "10000) AS rank1_bidders, count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < "
      "1000000) AS rank2_bidders, count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS "
      "rank3_bidders, count(DISTINCT auction) AS total_auctions, count(DISTINCT auction) FILTER "
      "(WHERE price < 10000) AS rank1_auctions, count(DISTINCT auction) FILTER (WHERE price >= "
      "10000 AND price < 1000000) AS rank2_auctions, count(DISTINCT auction) FILTER (WHERE price "
      ">= 1000000) AS rank3_auctions FROM bid GROUP BY to_char(date_time, 'YYYY-MM-DD')";
  q.push_back({"q15", {"bid"}, q15, q15});
  const char* q16 =
      "SELECT channel, to_char(date_time, 'YYYY-MM-DD') AS day, max(to_char(date_time, "
      "'HH:MI')) AS minute, count(*) AS total_bids, count(*) FILTER (WHERE price < 10000) AS "
      "rank1_bids, count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids, "
      "count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, count(DISTINCT bidder) AS "
      "total_bidders, count(DISTINCT auction) AS total_auctions FROM bid GROUP BY channel, "
      "to_char(date_time, 'YYYY-MM-DD')";
  q.push_back({"q16", {"bid"}, q16, q16});
  const char* q17 =
      "SELECT auction, to_char(date_time, 'YYYY-MM-DD') AS day, count(*) AS total_bids, count(*) "
      "FILTER (WHERE price < 10000) AS rank1_bids, count(*) FILTER (WHERE price >= 10000 AND "
      "price < 1000000) AS rank2_bids, count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, "
      "min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price, sum(price) AS "
      "sum_price FROM bid GROUP BY auction, to_char(date_time, 'YYYY-MM-DD')";
  q.push_back({"q17", {"bid"}, q17, q17});
  const char* q18 =
      "SELECT auction, bidder, price, channel, url, date_time FROM (SELECT *, row_number() OVER "
      "(PARTITION BY bidder, auction ORDER BY date_time DESC, price DESC, url) AS rank_number "
      "FROM bid) t WHERE rank_number <= 1";
  q.push_back({"q18", {"bid"}, q18, q18, false, "ties broken by price, url"});
  const char* q19 =
      "SELECT * FROM (SELECT auction, bidder, price, channel, url, date_time, row_number() OVER "
      "(PARTITION BY auction ORDER BY price DESC, date_time, bidder) AS rank_number FROM bid) t "
      "WHERE rank_number <= 10";
  q.push_back({"q19", {"bid"}, q19, q19, false, "ties broken by date_time, bidder"});
  const char* q20 =
      "SELECT B.auction, B.bidder, B.price, B.channel, B.url, B.date_time, A.item_name, "
      "A.description, A.initial_bid, A.reserve, A.date_time AS a_date_time, A.expires, A.seller, "
      "A.category FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10";
  q.push_back({"q20", {"bid", "auction"}, q20, q20});
  const char* q21 =
      "SELECT auction, bidder, price, channel, CASE WHEN lower(channel) = 'apple' THEN '0' WHEN "
      "lower(channel) = 'google' THEN '1' WHEN lower(channel) = 'facebook' THEN '2' WHEN "
      "lower(channel) = 'baidu' THEN '3' ELSE split_part(split_part(url, 'channel_id=', 2), '&', "
      "1) END AS channel_id FROM bid WHERE strpos(url, 'channel_id=') > 0 OR lower(channel) IN "
      "('apple', 'google', 'facebook', 'baidu')";
  q.push_back({"q21", {"bid"}, q21, q21, false, "REGEXP_EXTRACT spelled with split_part()"});
  const char* q22 =
      "SELECT auction, bidder, price, channel, split_part(url, '/', 4) AS dir1, split_part(url, "
      "'/', 5) AS dir2, split_part(url, '/', 6) AS dir3 FROM bid";
  q.push_back({"q22", {"bid"}, q22, q22});
  return q;
}

}  // namespace

const std::vector<NexmarkQuery>& NexmarkQueries() {
  static const std::vector<NexmarkQuery> kQueries = Build();
  return kQueries;
}

const std::vector<std::pair<std::string, std::string>>& NexmarkSkipped() {
  static const std::vector<std::pair<std::string, std::string>> kSkipped = {
      {"q6",
       "average of the last 10 closed auctions per seller: a ROWS frame over an aggregate whose "
       "rows are revised, with an ORDER BY the reference leaves ambiguous (not yet supported)"},
      {"q12", "processing-time windows (PROCTIME() windows are not supported)"},
  };
  return kSkipped;
}

const NexmarkQuery* FindNexmarkQuery(const std::string& name) {
  for (const auto& q : NexmarkQueries()) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

std::string NexmarkSourceDdl(const std::string& table, const std::string& options) {
  std::string cols;
  if (table == "person") {
    cols =
        "id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR, city VARCHAR, "
        "state VARCHAR, date_time TIMESTAMP, extra VARCHAR";
  } else if (table == "auction") {
    cols =
        "id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT, "
        "date_time TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra VARCHAR";
  } else {
    cols =
        "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time "
        "TIMESTAMP, extra VARCHAR";
  }
  return "CREATE SOURCE " + table + " (" + cols +
         ", WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH (connector = "
         "'nexmark', nexmark.table.type = '" +
         table + "'" + (options.empty() ? "" : ", " + options) + ")";
}

std::string NexmarkPostgresTableDdl(const std::string& table) {
  if (table == "person") {
    return "CREATE TABLE person (id BIGINT, name VARCHAR, email_address VARCHAR, credit_card "
           "VARCHAR, city VARCHAR, state VARCHAR, date_time TIMESTAMP, extra VARCHAR)";
  }
  if (table == "auction") {
    return "CREATE TABLE auction (id BIGINT, item_name VARCHAR, description VARCHAR, "
           "initial_bid BIGINT, reserve BIGINT, date_time TIMESTAMP, expires TIMESTAMP, seller "
           "BIGINT, category BIGINT, extra VARCHAR)";
  }
  return "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url "
         "VARCHAR, date_time TIMESTAMP, extra VARCHAR)";
}

std::string SideInputDdl() {
  return "CREATE TABLE side_input (key BIGINT PRIMARY KEY, value VARCHAR)";
}

std::string SideInputRows() {
  return "INSERT INTO side_input SELECT i, 'value-' || i FROM generate_series(0, 9999) i";
}

}  // namespace freshet::bench
