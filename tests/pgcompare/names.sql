-- Name resolution and column expansion, as PostgreSQL 15 does them.
DROP TABLE IF EXISTS t1;
DROP TABLE IF EXISTS t2;
DROP TABLE IF EXISTS t3;
DROP TABLE IF EXISTS t4;
CREATE TABLE t1 (id int, a int, s text);
CREATE TABLE t2 (id int, b int);
CREATE TABLE t3 (id int, c int);
CREATE TABLE t4 (id int, d int, a int);
INSERT INTO t1 VALUES (1, 10, 'x'), (2, 20, 'y'), (3, NULL, 'z'), (NULL, 40, 'w');
INSERT INTO t2 VALUES (1, 5), (3, 6), (5, 7), (NULL, 8);
INSERT INTO t3 VALUES (1, 7), (2, 8), (2, 9);
INSERT INTO t4 VALUES (1, 9, 10), (2, 11, 99);

-- CTE column lists (the crash of issue 19 first)
WITH z(p) AS (SELECT id, a FROM t1) SELECT * FROM z;
WITH z(a) AS (SELECT id FROM t1) SELECT a FROM z;
WITH z(a, b) AS (SELECT id, a FROM t1) SELECT * FROM z;
WITH z(a, b) AS (SELECT id, a FROM t1) SELECT b, a FROM z WHERE a > 1;
WITH z(a, b, c, d) AS (SELECT id, a FROM t1) SELECT * FROM z;
WITH z(a, a) AS (SELECT id, a FROM t1) SELECT * FROM z;
WITH z(x) AS (VALUES (1), (2)) SELECT x FROM z;
WITH z(x, y) AS (VALUES (1, 'a'), (2, 'b')) SELECT * FROM z;
WITH z(x) AS (SELECT id FROM t1), w(y) AS (SELECT x + 1 FROM z) SELECT * FROM w;
WITH z(x) AS (SELECT id FROM t1) SELECT z.x FROM z;
WITH z(x) AS (SELECT id FROM t1) SELECT id FROM z;
WITH z(x) AS (SELECT id FROM t1) SELECT q.x FROM z AS q;
WITH z(x) AS (SELECT id FROM t1) SELECT * FROM z AS q(r);

-- table, subquery, VALUES and function alias lists
SELECT * FROM t1 AS x(i, j);
SELECT i, j, s FROM t1 AS x(i, j);
SELECT x.i FROM t1 AS x(i);
SELECT * FROM t1 AS x(p, q, r, w);
SELECT t1.id FROM t1 AS x;
SELECT * FROM (SELECT id, a FROM t1) AS s(p, q);
SELECT * FROM (SELECT id, a FROM t1) AS s(p);
SELECT * FROM (SELECT 1) AS s(a, b);
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, m);
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n);
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v;
SELECT * FROM generate_series(1, 3) AS g(n);
SELECT n FROM generate_series(1, 3) AS g(n);
SELECT g FROM generate_series(1, 3) AS g;
SELECT g.g FROM generate_series(1, 3) AS g;
SELECT * FROM generate_series(1, 3);
SELECT generate_series FROM generate_series(1, 2);
SELECT * FROM generate_series(1, 3) AS g(a, b);

-- NATURAL and USING joins
SELECT * FROM t1 NATURAL JOIN t3;
SELECT * FROM t1 NATURAL JOIN t3 NATURAL JOIN t4;
SELECT * FROM t1 JOIN t2 USING (id);
SELECT * FROM t1 JOIN t2 USING (id) JOIN t3 USING (id);
SELECT id FROM t1 JOIN t2 USING (id) JOIN t3 USING (id);
SELECT t1.id, t2.id, t3.id FROM t1 JOIN t2 USING (id) JOIN t3 USING (id);
SELECT * FROM t1 LEFT JOIN t2 USING (id);
SELECT * FROM t1 RIGHT JOIN t2 USING (id);
SELECT * FROM t1 FULL JOIN t2 USING (id);
SELECT id, t1.id, t2.id FROM t1 FULL JOIN t2 USING (id);
SELECT * FROM t1 NATURAL LEFT JOIN t4;
SELECT * FROM t1 NATURAL FULL JOIN t4;
SELECT t1.* FROM t1 JOIN t2 USING (id);
SELECT t2.* FROM t1 JOIN t2 USING (id);
SELECT t1.*, t2.* FROM t1 JOIN t2 USING (id);
SELECT *, t1.* FROM t1 JOIN t2 USING (id);
SELECT id, sum(a) FROM t1 JOIN t2 USING (id) GROUP BY t1.id;
SELECT t1.id, sum(a) FROM t1 JOIN t2 USING (id) GROUP BY id;
SELECT id, count(*) FROM t1 FULL JOIN t2 USING (id) GROUP BY id;
SELECT id FROM t1 JOIN t2 USING (id) ORDER BY t1.id;
SELECT DISTINCT id FROM t1 JOIN t3 USING (id) ORDER BY id;
SELECT DISTINCT t1.id FROM t1 JOIN t3 USING (id);
SELECT * FROM t1 JOIN t2 USING (id, id);
SELECT * FROM t1 JOIN t2 USING (zz);
SELECT * FROM t1 JOIN t2 USING (b);
SELECT * FROM t1 JOIN t1 x USING (id, a, s) JOIN t2 USING (id);
SELECT * FROM (t1 JOIN t4 ON t1.id = t4.id) JOIN t2 USING (a);
SELECT * FROM (t1 CROSS JOIN t4) JOIN t2 USING (a);
SELECT * FROM t1 JOIN t4 USING (id, a);
SELECT * FROM (t1 JOIN t3 USING (id)) AS j;
SELECT j.* FROM (t1 JOIN t3 USING (id)) AS j;
SELECT j.id, j.c FROM (t1 JOIN t3 USING (id)) AS j;
SELECT t1.id FROM (t1 JOIN t3 USING (id)) AS j;
SELECT t1.* FROM (t1 JOIN t3 USING (id)) AS j;
SELECT * FROM (t1 JOIN t3 USING (id)) AS j(p, q);
SELECT * FROM (t1 JOIN t3 USING (id)) AS j(p, q, r, s, t, u);
SELECT * FROM t1 JOIN t2 USING (id) AS x;
SELECT x.id FROM t1 JOIN t2 USING (id) AS x;
SELECT x.* FROM t1 JOIN t2 USING (id) AS x;
SELECT x.b FROM t1 JOIN t2 USING (id) AS x;
SELECT * FROM t1 JOIN t1 ON true;
SELECT * FROM t1, t1;
SELECT * FROM t1 x, t2 x;
SELECT * FROM t1, t1 AS t2;
SELECT * FROM t1 JOIN t2 ON t1.id = t2.id JOIN t2 ON true;
SELECT id FROM t1, t2;
SELECT id FROM t1 JOIN t2 ON t1.id = t2.id;
SELECT nope FROM t1;
SELECT t9.id FROM t1;
SELECT t1.nope FROM t1;

-- correlated names and outer aggregates
SELECT (SELECT count(*) FROM t2 WHERE t2.id = t1.id) AS n FROM t1;
SELECT a FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id);
SELECT s FROM t1 WHERE id IN (SELECT id FROM t2);
SELECT s FROM t1 x WHERE x.id IN (SELECT t1.id FROM t1 WHERE t1.id = x.id);

-- output names of expressions
SELECT (a + 1)::text FROM t1 WHERE id = 1;
SELECT CAST(id AS bigint) FROM t1 WHERE id = 1;
SELECT id::bigint, a::numeric, s::varchar FROM t1 WHERE id = 1;
SELECT abs(a), coalesce(a, 0), upper(s), CASE WHEN a > 1 THEN 1 END FROM t1 WHERE id = 1;
SELECT 1, 'x', 1.5, true, NULL FROM t1 WHERE id = 1;
SELECT count(*), count(a), sum(a), max(s) FROM t1;
SELECT a + 1, -a, NOT true FROM t1 WHERE id = 1;
SELECT (SELECT 1), EXISTS (SELECT 1), ARRAY[1, 2] FROM t1 WHERE id = 1;
SELECT id AS aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa FROM t1 WHERE id = 1;
SELECT id AS "Mixed Case", a AS "select" FROM t1 WHERE id = 1;
SELECT t1.id, t1.a AS id FROM t1 WHERE id = 1;
SELECT '2024-01-01'::date, interval '1 day', DATE '2024-01-02' FROM t1 WHERE id = 1;
SELECT id::int8::text FROM t1 WHERE id = 1;

-- DISTINCT ON, GROUP BY, ORDER BY positions and output aliases
SELECT DISTINCT ON (1) id, s FROM t1 ORDER BY 1, 2;
SELECT DISTINCT ON (x) id AS x, s FROM t1 ORDER BY x, s;
SELECT id AS x, count(*) FROM t3 GROUP BY x ORDER BY x;
SELECT id AS x, count(*) FROM t3 GROUP BY 1 ORDER BY 1;
SELECT * FROM t3 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT id + 1 AS k FROM t3 GROUP BY k ORDER BY k;
SELECT a AS id FROM t1 GROUP BY id ORDER BY id;
SELECT id AS a FROM t1 ORDER BY a;
SELECT id, a AS id FROM t1 ORDER BY id;
SELECT * FROM t1 ORDER BY 5;
SELECT id FROM t1 GROUP BY 2;
