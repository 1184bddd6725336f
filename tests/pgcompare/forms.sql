-- The everyday query forms of issue 19 item 3, as PostgreSQL 15 answers them.
DROP TABLE IF EXISTS f1;
DROP TABLE IF EXISTS f2;
DROP TABLE IF EXISTS f3;
DROP TABLE IF EXISTS f4;
DROP TABLE IF EXISTS f5;
DROP TABLE IF EXISTS f6;
DROP TABLE IF EXISTS f7;
CREATE TABLE f1 (id int PRIMARY KEY, a int, s text);
CREATE TABLE f2 (id int PRIMARY KEY, b int);
INSERT INTO f1 VALUES (1, 3, 'x'), (2, 0, 'y'), (3, 2, NULL);
INSERT INTO f2 VALUES (1, 10), (3, 30), (4, 40);

-- Set-returning functions in the select list (one per list; rows of zero length vanish)
SELECT id, generate_series(1, a) FROM f1 ORDER BY 1, 2;
SELECT id, generate_series(1, a) AS g FROM f1 ORDER BY 1, 2;
SELECT generate_series(1, 3);
SELECT unnest(ARRAY[1,2,3]) AS u, 'k';
SELECT id, unnest(ARRAY[id, a]) FROM f1 ORDER BY 1, 2;
SELECT id, generate_series(1, a) + 10 AS g FROM f1 WHERE id > 1 ORDER BY 1, 2;

-- The casts and functions SQLsmith's catalog queries use
SELECT 'pg_catalog'::regnamespace::oid;
SELECT 'int4'::regtype::oid, 'text'::regtype::oid;
SELECT format('%s and %I and %L %%', 'a b', 'Col X', 'it''s');
SELECT format('%s', NULL), format('%L', NULL);

-- LATERAL: subqueries and functions reading the items to their left (unnested or dependent)
SELECT f1.id, x.b FROM f1, LATERAL (SELECT b FROM f2 WHERE f2.id = f1.id) x ORDER BY 1, 2;
SELECT f1.id, x.b FROM f1 LEFT JOIN LATERAL (SELECT b FROM f2 WHERE f2.id = f1.id) x ON true ORDER BY 1;
SELECT id, g FROM f1, generate_series(1, f1.a) g ORDER BY 1, 2;
SELECT id, n FROM f1 CROSS JOIN LATERAL generate_series(1, a) AS g(n) ORDER BY 1, 2;
SELECT id, e FROM f1, LATERAL unnest(ARRAY[f1.a, f1.id]) e ORDER BY 1, 2;
SELECT id, x FROM f1, LATERAL (SELECT f1.a * 10 AS x) q ORDER BY 1;
SELECT id, c FROM f1, LATERAL (SELECT count(*) AS c FROM f2 WHERE f2.id <= f1.id) q ORDER BY 1;
SELECT id, m FROM f1 LEFT JOIN LATERAL (SELECT b AS m FROM f2 WHERE f2.id >= f1.id ORDER BY b LIMIT 1) q ON true ORDER BY 1;
SELECT id, n FROM f1 JOIN LATERAL (SELECT b + f1.a AS n FROM f2 WHERE f2.id = f1.id) q ON n > 12 ORDER BY 1;
SELECT * FROM f1 RIGHT JOIN LATERAL (SELECT f1.a) q ON true;
SELECT * FROM f1, (SELECT f1.a) q;
SELECT * FROM LATERAL (SELECT 1 AS one) s;

-- RETURNING output names
INSERT INTO f2 VALUES (7, -7) RETURNING abs(b), coalesce(b, 0), CASE WHEN b > 0 THEN 1 END, b::text, (b * 2)::bigint, id;
UPDATE f2 SET b = b - 1 WHERE id = 7 RETURNING upper('x'), b;
DELETE FROM f2 WHERE id = 7 RETURNING *, id + 1;

-- Named windows
SELECT id, sum(a) OVER w, rank() OVER w FROM f1 WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT id, sum(a) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM f1 WINDOW w AS (PARTITION BY s ORDER BY id) ORDER BY id;
SELECT id, count(*) OVER w2 FROM f1 WINDOW w1 AS (PARTITION BY s), w2 AS (w1 ORDER BY id) ORDER BY id;
SELECT id, sum(a) OVER (w ORDER BY a) FROM f1 WINDOW w AS (ORDER BY id);
SELECT id, sum(a) OVER nope FROM f1;

-- Row constructors and row comparisons
SELECT (1, 2) = (1, 2), (1, 2) < (1, 3), ROW(1, 'a') = ROW(1, 'a'), (1, NULL) = (1, 2), (1, NULL) = (2, 2), (1, 2) <> (1, 3);
SELECT (1, 2, 3) < (1, 2, 4), (1, 2, 3) >= (1, 2, 3), (2, 0) > (1, 9), (1, NULL) < (2, 0), (1, NULL) < (1, 0);
SELECT (1, 2) IS DISTINCT FROM (1, NULL), (1, 2) IS NOT DISTINCT FROM (1, 2);
SELECT id FROM f1 WHERE (id, a) = (1, 3);
SELECT id FROM f1 WHERE (id, a) IN (SELECT id, b / 10 FROM f2) ORDER BY 1;
SELECT id, (id, a) IN (SELECT 3, 5 UNION ALL SELECT 3, NULL) FROM f1 ORDER BY 1;
SELECT id, (id, a) NOT IN (SELECT 3, 5 UNION ALL SELECT 3, NULL) FROM f1 ORDER BY 1;
SELECT id FROM f1 WHERE (id, s) IN ((1, 'x'), (2, 'q'), (3, 'z')) ORDER BY 1;
SELECT id FROM f1 WHERE (id, s) NOT IN ((1, 'x'), (2, 'q')) ORDER BY 1;
SELECT id FROM f1 WHERE (id, a) IN (SELECT id, a, s FROM f1);
SELECT (1, 2) = (1, 2, 3);
SELECT 5 UNION ALL SELECT NULL;

-- WITH ORDINALITY
SELECT * FROM generate_series(5, 7) WITH ORDINALITY AS g(v, n);
SELECT * FROM generate_series(5, 6) WITH ORDINALITY;
SELECT id, g.* FROM f1, generate_series(1, f1.a) WITH ORDINALITY g ORDER BY 1, 3;

-- UPDATE ... SET (a, b) = (...)
UPDATE f1 SET (a, s) = (a + 10, 'q') WHERE id = 1 RETURNING *;
UPDATE f1 SET (a, s) = ROW(a - 10, 'x') WHERE id = 1 RETURNING a, s;
UPDATE f1 SET (a) = (a + 1) WHERE id = 2;
UPDATE f1 SET (a, s) = (1) WHERE id = 2;
UPDATE f1 SET (a, s) = (1, 'a', 2) WHERE id = 2;
SELECT * FROM f1 ORDER BY id;

-- UPDATE ... FROM and DELETE ... USING (a target row joined by several rows is changed once)
CREATE TABLE f3 (k int, b int);
INSERT INTO f3 VALUES (1, 10), (2, 20), (2, 21), (5, 50);
UPDATE f1 SET a = f3.b FROM f3 WHERE f3.k = f1.id AND f3.b < 21 RETURNING f1.id, f1.a, f3.b;
SELECT * FROM f1 ORDER BY id;
UPDATE f1 t SET s = t.s || q.b FROM (SELECT k, b FROM f3 WHERE b >= 50) q WHERE q.k > t.id AND t.id = 1 RETURNING *;
UPDATE f1 SET a = 0 FROM f3 WHERE f3.b > 100;
UPDATE f1 SET a = 0 FROM f3 f1;
DELETE FROM f1 USING f3 WHERE f3.k = f1.id AND f3.b = 21 RETURNING f1.*, f3.b;
DELETE FROM f1 USING f3 x, f3 y WHERE x.k = f1.id AND y.k = 5 RETURNING f1.id;
SELECT * FROM f1 ORDER BY id;
DROP TABLE f3;

-- LATERAL aggregates correlated by equality (unnested into a grouped LEFT join: count of no rows is 0)
CREATE TABLE f4 (k int, b int, c int);
INSERT INTO f4 VALUES (1, 10, 1), (1, 11, 2), (2, 20, 1), (NULL, 5, 1), (4, NULL, 1);
SELECT id, n, t, m FROM f1, LATERAL (SELECT count(*) n, sum(b) t, max(b) + f1.a m FROM f4 WHERE f4.k = f1.id) q ORDER BY 1;
SELECT id, n FROM f1 LEFT JOIN LATERAL (SELECT count(b) n FROM f4 WHERE f4.k = f1.id AND c = 1) q ON true ORDER BY 1;
SELECT id, n FROM f1, LATERAL (SELECT count(*) + 1 AS n FROM f4 WHERE f1.id = f4.k AND f4.c = f1.a) q ORDER BY 1;
DROP TABLE f4;

-- MERGE (PostgreSQL 15): first applicable WHEN clause per source row
CREATE TABLE f5 (id int PRIMARY KEY, a int DEFAULT 7, s text);
CREATE TABLE f6 (k int, b int, t text);
INSERT INTO f5 VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 3, 'z');
INSERT INTO f6 VALUES (1, 10, 'p'), (2, 20, 'q'), (4, 40, 'r'), (5, 50, NULL);
MERGE INTO f5 USING f6 ON f5.id = f6.k WHEN MATCHED AND f6.b > 15 THEN DELETE WHEN MATCHED THEN UPDATE SET a = f5.a + f6.b, s = f6.t WHEN NOT MATCHED AND f6.b < 45 THEN INSERT VALUES (f6.k, f6.b, f6.t) WHEN NOT MATCHED THEN INSERT (id) VALUES (f6.k);
SELECT * FROM f5 ORDER BY id;
MERGE INTO f5 t USING (SELECT 1 AS k UNION ALL SELECT 1) s ON t.id = s.k WHEN MATCHED THEN UPDATE SET a = 0;
MERGE INTO f5 t USING (SELECT 9 AS k) s ON t.id = s.k WHEN NOT MATCHED THEN INSERT DEFAULT VALUES;
MERGE INTO f5 t USING (SELECT 9 AS k) s ON t.id = s.k WHEN NOT MATCHED THEN INSERT (id, s) VALUES (s.k, t.s);
MERGE INTO f5 t USING (SELECT 3 AS k) s ON t.id = s.k WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED THEN INSERT VALUES (1, 2, 3, 4);
MERGE INTO f5 t USING f6 ON t.id = f6.k WHEN MATCHED THEN UPDATE SET a = DEFAULT;
MERGE INTO f5 t USING (SELECT 3 AS k, 'w' AS v) s ON t.id = s.k AND t.a > 1 WHEN MATCHED THEN UPDATE SET s = s.v WHEN NOT MATCHED THEN INSERT (id, s) VALUES (s.k + 10, s.v);
SELECT * FROM f5 ORDER BY id;
DROP TABLE f5;
DROP TABLE f6;

-- (t).c: a column through its relation's whole row
SELECT (f1).s, (f1).id + 1 FROM f1 ORDER BY 1;
SELECT (x).id FROM f1 x ORDER BY 1;
SELECT f1.id, (f1).nope FROM f1;

-- MERGE edge rules
CREATE TABLE f7 (id int PRIMARY KEY, v int, w text DEFAULT 'dflt');
MERGE INTO f7 t USING (SELECT 2 AS id, 20 AS v) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v);
SELECT * FROM f7;
MERGE INTO f7 t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 11 WHEN MATCHED THEN DELETE;
MERGE INTO f7 t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 1, v = 2;
UPDATE f7 SET v = 1, v = 2;
DROP TABLE f7;

-- TABLESAMPLE (row choice is the engine's own: only the bounds and the errors are compared)
SELECT count(*) FROM f1 TABLESAMPLE BERNOULLI (100);
SELECT count(*) FROM f1 TABLESAMPLE SYSTEM (0);
SELECT count(*) FROM f1 TABLESAMPLE BERNOULLI (100) REPEATABLE (7);
SELECT count(*) FROM f1 TABLESAMPLE foo (10);
SELECT count(*) FROM f1 TABLESAMPLE BERNOULLI (10, 2);
SELECT count(*) FROM f1 TABLESAMPLE BERNOULLI (-1);
SELECT count(*) FROM f1 TABLESAMPLE SYSTEM (101);

-- Nested qualified joins: a JOIN b JOIN c ON .. ON ..
SELECT count(*) FROM f1 a LEFT JOIN f1 b INNER JOIN f1 c ON b.id = c.id ON a.id = b.id;

-- ON CONFLICT ON CONSTRAINT
INSERT INTO f1 VALUES (1, 5, 'k') ON CONFLICT ON CONSTRAINT f1_pkey DO UPDATE SET s = excluded.s;
INSERT INTO f1 VALUES (1, 5, 'k') ON CONFLICT ON CONSTRAINT nope DO NOTHING;
SELECT * FROM f1 ORDER BY id;

-- Whole-row references and row constructors as values (records in PostgreSQL's text form)
SELECT f1, id FROM f1 ORDER BY id;
SELECT x FROM f1 x ORDER BY x.id;
SELECT f1, f2 FROM f1 JOIN f2 USING (id) ORDER BY f1.id;
SELECT ROW(1, 'a b', NULL), (2, 'x,y'), ROW(3), ROW(ROW(1, 'q'), '');
SELECT count(DISTINCT f1), count(f1) FROM f1;
SELECT f1 = f1, f1 <> f1 FROM f1 ORDER BY id;
SELECT f1::text FROM f1 ORDER BY 1;
SELECT id, (SELECT f1 FROM f2 WHERE f2.id = f1.id) FROM f1 ORDER BY id;
SELECT s FROM f1 s ORDER BY 1;
SELECT ROW(1.5::float8, true, DATE '2024-02-29', 'x'::bytea, NULL::int);
SELECT '(1,x)'::record;
SELECT nope FROM f1;
SELECT f1 IS NULL, f1 IS NOT NULL, ROW(NULL, NULL) IS NULL, ROW(s, NULL) IS NOT NULL FROM f1 ORDER BY id;
SELECT max(f1) FROM f1;
SELECT f1 FROM f1 GROUP BY a;
SELECT (SELECT f1) FROM f1 GROUP BY a;
SELECT f1::text, count(*) FROM f1 GROUP BY f1 ORDER BY 1;
SELECT (SELECT f1) FROM f1 ORDER BY id;

-- Data-modifying WITH queries: run once, their RETURNING rows read by the statement
DROP TABLE IF EXISTS f8;
DROP TABLE IF EXISTS f9;
CREATE TABLE f8 (id int PRIMARY KEY, v int);
CREATE TABLE f9 (id int, v int);
INSERT INTO f8 VALUES (1, 10), (2, 20), (3, 30), (4, 40);
WITH d AS (DELETE FROM f8 WHERE id <= 2 RETURNING *) INSERT INTO f9 SELECT * FROM d;
SELECT * FROM f9 ORDER BY id;
WITH d AS (DELETE FROM f9 WHERE id = 1 RETURNING id, v) INSERT INTO f8 SELECT id, v + 1 FROM d RETURNING *;
WITH u AS (UPDATE f8 SET v = v * 2 WHERE id > 2 RETURNING id, v) SELECT * FROM u ORDER BY id;
WITH i AS (INSERT INTO f9 VALUES (5, 50), (6, 60) RETURNING *) SELECT count(*), sum(v) FROM i;
WITH i AS (INSERT INTO f9 VALUES (7, 70) RETURNING id) UPDATE f8 SET v = 0 WHERE id IN (SELECT id - 4 FROM i) RETURNING *;
WITH d AS (DELETE FROM f9 WHERE id = 5 RETURNING *), e AS (INSERT INTO f9 SELECT id + 100, v FROM d RETURNING *) SELECT * FROM e;
WITH d(x, y) AS (DELETE FROM f9 WHERE id = 6 RETURNING id, v) SELECT y, x FROM d;
WITH d AS (INSERT INTO f9 VALUES (8, 80) RETURNING *) SELECT * FROM d, d d2;
WITH d AS (DELETE FROM f9 WHERE id = 8) SELECT 1;
SELECT * FROM f9 ORDER BY id;
WITH x AS (SELECT 3 AS id) UPDATE f8 SET v = v + 1 FROM x WHERE f8.id = x.id RETURNING f8.*;
WITH x AS (SELECT 4 AS id) DELETE FROM f8 WHERE id IN (SELECT id FROM x) RETURNING *;
WITH x(a, b) AS (VALUES (9, 90)) INSERT INTO f8 SELECT a, b FROM x;
SELECT * FROM f8 ORDER BY id;
WITH d AS (DELETE FROM f8 WHERE id = 1) SELECT * FROM d;
WITH d AS (DELETE FROM f8 RETURNING *) SELECT * FROM (WITH e AS (DELETE FROM f9 RETURNING *) SELECT * FROM e) s;
SELECT * FROM (WITH e AS (DELETE FROM f9 RETURNING *) SELECT * FROM e) s;
INSERT INTO f8 WITH d AS (DELETE FROM f9 RETURNING *) SELECT * FROM d;
WITH d(a, b, c) AS (DELETE FROM f9 RETURNING id, v) SELECT * FROM d;
CREATE VIEW f8v AS WITH d AS (DELETE FROM f8 RETURNING *) SELECT * FROM d;
CREATE MATERIALIZED VIEW f8m AS WITH d AS (DELETE FROM f8 RETURNING *) SELECT * FROM d;
WITH d AS (DELETE FROM nope RETURNING *) SELECT * FROM d;
SELECT * FROM f8 ORDER BY id;
SELECT * FROM f9 ORDER BY id;
