-- The everyday query forms of issue 19 item 3, as PostgreSQL 15 answers them.
DROP TABLE IF EXISTS f1;
DROP TABLE IF EXISTS f2;
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
