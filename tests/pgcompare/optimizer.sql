-- Rewrites of the logical optimizer (issue 11 item 1), as PostgreSQL 15 answers them: each
-- condition moved through a projection, an aggregate, a set operation or a join must give the
-- rows it gave where it was written.
DROP TABLE IF EXISTS o1;
DROP TABLE IF EXISTS o2;
DROP TABLE IF EXISTS o3;
CREATE TABLE o1 (id int PRIMARY KEY, a int, s text);
CREATE TABLE o2 (id int PRIMARY KEY, o1_id int, b int);
CREATE TABLE o3 (id int PRIMARY KEY, o2_id int, c int);
INSERT INTO o1 VALUES (1, 10, 'x'), (2, 20, 'y'), (3, NULL, 'z'), (4, 40, NULL), (5, 10, 'x');
INSERT INTO o2 VALUES (1, 1, 100), (2, 1, 200), (3, 2, NULL), (4, 9, 400), (5, 3, 500), (6, NULL, 600);
INSERT INTO o3 VALUES (1, 1, 7), (2, 2, 8), (3, 2, 9), (4, 5, NULL), (5, 7, 1);

-- Comma joins with their conditions in WHERE, in every FROM order
SELECT o1.id, o2.id, o3.id FROM o1, o2, o3 WHERE o1.id = o2.o1_id AND o2.id = o3.o2_id ORDER BY 1, 2, 3;
SELECT o1.id, o2.id, o3.id FROM o1, o3, o2 WHERE o1.id = o2.o1_id AND o2.id = o3.o2_id ORDER BY 1, 2, 3;
SELECT o1.id, o2.id, o3.id FROM o3, o1, o2 WHERE o2.id = o3.o2_id AND o1.id = o2.o1_id ORDER BY 1, 2, 3;
SELECT * FROM o3, o1, o2 WHERE o2.id = o3.o2_id AND o1.id = o2.o1_id AND o1.a > 5 AND o3.c < 9;
SELECT count(*) FROM o1, o2, o3 WHERE o1.id = o2.o1_id AND o2.id = o3.o2_id AND o1.a + o3.c > 16;
SELECT o1.id, o2.id FROM o1, o2 WHERE o1.id = o2.o1_id OR o2.b > 450 ORDER BY 1, 2;
SELECT o1.id, x.id FROM o1, o2 x, o3 WHERE x.o1_id = o1.id AND o3.o2_id = x.id AND o1.s = 'x' ORDER BY 1, 2;
-- A condition over three relations at once (no pair of them is joined by it alone)
SELECT o1.id, o2.id, o3.id FROM o1, o2, o3 WHERE o1.id + o2.id = o3.id ORDER BY 1, 2, 3;
SELECT count(*) FROM o1, o2, o3 WHERE CASE WHEN o1.a IS NULL THEN o2.b ELSE o3.c END > 7;
SELECT count(*) FROM o1, o2, o3, o1 x WHERE o1.id + o2.id = o3.id AND x.id = o3.id;
-- Unconnected relations: the cross product stays, conditions still go down
SELECT o1.id, o3.id FROM o1, o3 WHERE o1.a = 10 AND o3.c > 7 ORDER BY 1, 2;
SELECT count(*) FROM o1, o2, o3 WHERE o1.id = o2.o1_id;
-- Constants
SELECT * FROM o1, o2 WHERE o1.id = o2.o1_id AND 1 = 1 ORDER BY 1, 4;
SELECT * FROM o1, o2 WHERE o1.id = o2.o1_id AND 1 = 0;
SELECT * FROM o1 WHERE NOT (2 < 1) AND (a > 10 OR 1 = 1) ORDER BY 1;
SELECT count(*) FROM o1 WHERE NULL;
SELECT count(*) FROM o1 WHERE 1 = 2 OR a = 10;
-- Through derived tables, projections and DISTINCT
SELECT * FROM (SELECT id, a * 2 AS d, s FROM o1) q WHERE q.id > 1 AND q.d > 30 ORDER BY 1;
SELECT * FROM (SELECT DISTINCT a, s FROM o1) q WHERE q.a = 10;
SELECT * FROM (SELECT o1.id AS i, o2.b FROM o1 JOIN o2 ON o1.id = o2.o1_id) q WHERE q.b >= 200 ORDER BY 1, 2;
-- Through GROUP BY keys (not through a global aggregate, not over aggregates)
SELECT * FROM (SELECT a, count(*) AS n FROM o1 GROUP BY a) q WHERE q.a = 10;
SELECT * FROM (SELECT a, count(*) AS n FROM o1 GROUP BY a) q WHERE q.n > 1;
SELECT * FROM (SELECT count(*) AS n FROM o1) q WHERE q.n = 0;
SELECT * FROM (SELECT count(*) AS n FROM o1 WHERE a > 100) q WHERE q.n = 0;
SELECT a, count(*) FROM o1 GROUP BY a HAVING a IS NULL;
SELECT a, sum(id) FROM o1 GROUP BY a HAVING a > 5 AND sum(id) > 3 ORDER BY 1;
-- Into every branch of a set operation
SELECT * FROM (SELECT id, a FROM o1 UNION SELECT id, b FROM o2) u WHERE u.a > 15 ORDER BY 1, 2;
SELECT * FROM (SELECT id, a FROM o1 UNION ALL SELECT id, b FROM o2) u WHERE u.id < 3 ORDER BY 1, 2;
SELECT * FROM (SELECT a FROM o1 EXCEPT SELECT b FROM o2) u WHERE u.a IS NOT NULL ORDER BY 1;
SELECT * FROM (SELECT id FROM o1 INTERSECT SELECT o1_id FROM o2) u WHERE u.id > 1 ORDER BY 1;
SELECT * FROM (SELECT id, a::bigint AS v FROM o1 UNION SELECT id, b::bigint FROM o2) u WHERE v < 100 ORDER BY 1, 2;
-- Not below LIMIT, window functions or DISTINCT ON
SELECT * FROM (SELECT id FROM o1 ORDER BY id LIMIT 3) q WHERE q.id > 1 ORDER BY 1;
SELECT * FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM o1) q WHERE q.id > 2 ORDER BY 1;
SELECT * FROM (SELECT DISTINCT ON (a) a, id FROM o1 ORDER BY a, id DESC) q WHERE q.id < 5 ORDER BY 1;
-- Outer joins: WHERE on the kept side goes down, a condition rejecting the padding makes an inner join
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id WHERE o1.a = 10 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id WHERE o2.b > 150 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id WHERE o2.b IS NULL ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id WHERE o2.id IS NOT NULL ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id WHERE coalesce(o2.b, 0) = 0 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id AND o2.b > 150 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id AND o1.a = 10 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 RIGHT JOIN o2 ON o1.id = o2.o1_id WHERE o2.b < 450 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 RIGHT JOIN o2 ON o1.id = o2.o1_id WHERE o1.a > 5 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 RIGHT JOIN o2 ON o1.id = o2.o1_id AND o1.s = 'x' ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 FULL JOIN o2 ON o1.id = o2.o1_id WHERE o1.a > 5 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 FULL JOIN o2 ON o1.id = o2.o1_id WHERE o2.b > 5 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 FULL JOIN o2 ON o1.id = o2.o1_id WHERE o1.id + o2.id > 2 ORDER BY 1, 2;
SELECT o1.id, o2.id FROM o1 FULL JOIN o2 ON o1.id = o2.o1_id WHERE o1.id IS NULL OR o2.id IS NULL ORDER BY 1, 2;
SELECT o1.id, o2.id, o3.id FROM o1 LEFT JOIN o2 ON o1.id = o2.o1_id, o3 WHERE o3.o2_id = o2.id ORDER BY 1, 2, 3;
SELECT o1.id, o2.id, o3.id FROM o1, o2 LEFT JOIN o3 ON o3.o2_id = o2.id WHERE o1.id = o2.o1_id AND o1.a = 10 ORDER BY 1, 2, 3;
SELECT o1.id, o2.id, o3.id FROM o1 JOIN o2 ON true JOIN o3 ON o2.id = o3.o2_id WHERE o1.id = o2.o1_id ORDER BY 1, 2, 3;
-- Conditions that stay where they are written: subqueries, volatile functions, outer references
SELECT o1.id FROM o1, o2 WHERE o1.id = o2.o1_id AND o2.b > (SELECT min(c) * 20 FROM o3) ORDER BY 1;
SELECT o1.id FROM o1, o2 WHERE o1.id = o2.o1_id AND EXISTS (SELECT 1 FROM o3 WHERE o3.o2_id = o2.id AND o3.c > o1.id) ORDER BY 1;
SELECT o1.id, (SELECT count(*) FROM o2, o3 WHERE o2.id = o3.o2_id AND o2.o1_id = o1.id) FROM o1 ORDER BY 1;
SELECT count(*) FROM o1, o2 WHERE o1.id = o2.o1_id AND random() >= 0;
SELECT o1.id FROM o1 WHERE o1.id IN (SELECT o2.o1_id FROM o2, o3 WHERE o2.id = o3.o2_id AND o3.c > 7) ORDER BY 1;
-- Primary-key equalities read one row: the same rows as a scan, whatever the constant's type
SELECT * FROM o1 WHERE id = 2;
SELECT * FROM o1 WHERE id = 2 AND a = 99;
SELECT * FROM o1 WHERE id = 42;
SELECT * FROM o1 WHERE id = NULL;
SELECT * FROM o1 WHERE id = 2.0;
SELECT * FROM o1 WHERE id = '3';
SELECT * FROM o1 WHERE id = 2::bigint;
SELECT * FROM o1 WHERE 4 = id;
SELECT * FROM o1 WHERE id = 1 OR id = 3 ORDER BY 1;
SELECT * FROM o1 WHERE id > 3 ORDER BY 1;
SELECT * FROM o1 WHERE id >= 3 ORDER BY 1;
SELECT * FROM o1 WHERE id < 3 ORDER BY 1;
SELECT * FROM o1 WHERE id <= 3 AND id > 1 ORDER BY 1;
SELECT * FROM o1 WHERE id BETWEEN 2 AND 4 ORDER BY 1;
SELECT * FROM o1 WHERE id > 4 AND id < 2;
SELECT * FROM o1 WHERE id > 2 AND id > 4 ORDER BY 1;
SELECT * FROM o1 WHERE id >= 2 AND id > 2 ORDER BY 1;
SELECT * FROM o1 WHERE id > NULL;
SELECT * FROM o1 WHERE id > 2.5 ORDER BY 1;
SELECT count(*) FROM o1 WHERE id < 100;
UPDATE o1 SET a = a WHERE id >= 4 RETURNING id;
DELETE FROM o3 WHERE id > 4 RETURNING id;
SELECT o1.id, o2.b FROM o1, o2 WHERE o1.id = 1 AND o2.id = 2;
UPDATE o1 SET a = a + 1 WHERE id = 5 RETURNING *;
UPDATE o1 SET a = a + 1 WHERE id = 50 RETURNING *;
DELETE FROM o2 WHERE id = 6 RETURNING *;
DELETE FROM o2 WHERE id = 6 RETURNING *;
SELECT * FROM o1 WHERE id = 5;
SELECT count(*) FROM o2;
DROP TABLE IF EXISTS o4;
CREATE TABLE o4 (k1 int, k2 text, v int, PRIMARY KEY (k1, k2));
INSERT INTO o4 VALUES (1, 'a', 10), (1, 'b', 11), (2, 'a', 20);
SELECT * FROM o4 WHERE k1 = 1 AND k2 = 'b';
SELECT * FROM o4 WHERE k1 = 1 ORDER BY 2;
SELECT * FROM o4 WHERE k2 = 'a' AND k1 = 2;
SELECT * FROM o4 WHERE k1 = 1 AND k2 > 'a';
SELECT * FROM o4 WHERE k1 = 1 AND k2 >= 'a' AND k2 < 'b';
SELECT * FROM o4 WHERE k1 >= 1 AND k1 < 2 ORDER BY 2;
SELECT * FROM o4 WHERE k1 > 1;
SELECT * FROM o4 WHERE 2 > k1 ORDER BY 2;
SELECT * FROM o4 WHERE k1 <= 2 AND k1 <= 1 ORDER BY 2;
SELECT * FROM o4 WHERE k1 < 1 OR k1 > 1;
UPDATE o4 SET v = 0 WHERE k1 = 2 AND k2 = 'a';
SELECT * FROM o4 ORDER BY 1, 2;
DROP TABLE o4;

-- Errors stay errors
SELECT * FROM o1, o2 WHERE o1.id = o2.o1_id AND o2.b / 0 > 1;
SELECT * FROM o1, o2 WHERE o1.id = o2.o1_id AND nosuch > 1;
DROP TABLE o1;
DROP TABLE o2;
DROP TABLE o3;
