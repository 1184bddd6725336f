-- The database SQLsmith's random queries run against (tests/sqlsmith/fuzz.py loads it before
-- every round): plain and keyed tables of every everyday type with NULLs, a view, a
-- materialized view and an append-only source. Small on purpose: random queries join three or
-- four of these, and the product must stay in the milliseconds.
CREATE TABLE fz_plain (i int, b bigint, s text, f double precision, n numeric, ok boolean);
CREATE TABLE fz_keyed (id int PRIMARY KEY, code varchar(8) NOT NULL, amount numeric(10, 2),
                       d date, ts timestamp, tz timestamptz);
CREATE TABLE fz_pair (k bigint, v text, small smallint, r real, iv interval,
                      PRIMARY KEY (k, v));
CREATE TABLE fz_doc (id int PRIMARY KEY, doc jsonb, tag char(3), u text UNIQUE);
CREATE SOURCE fz_events (uid int, kind text, at timestamp, val bigint,
                         WATERMARK FOR at AS at - INTERVAL '1 minute');
CREATE VIEW fz_view AS
  SELECT p.i, p.s, k.code, k.amount FROM fz_plain p JOIN fz_keyed k ON p.i = k.id;
CREATE MATERIALIZED VIEW fz_totals AS
  SELECT ok, count(*) AS rows, sum(b) AS total, min(s) AS first_s FROM fz_plain GROUP BY ok;
