-- The rows every round starts from (tests/sqlsmith/fuzz.py deletes what the last round left).
-- NULLs in every nullable column, duplicates, negative and boundary values.
INSERT INTO fz_plain VALUES
  (1, 10, 'apple', 1.5, 2.25, true), (2, 20, 'banana', -0.5, -7, false),
  (3, NULL, 'cherry', 0, 0, NULL), (NULL, 40, NULL, NULL, NULL, true),
  (5, 50, 'apple', 1e10, 123456.789, false), (6, -2147483648, '', -1e-5, 1, true),
  (7, 9223372036854775807, 'Zeta', 3.25, 99.5, NULL), (2, 20, 'banana', -0.5, -7, false);
INSERT INTO fz_keyed VALUES
  (1, 'A1', 10.50, '2024-01-01', '2024-01-01 10:00:00', '2024-01-01 10:00:00+00'),
  (2, 'B2', NULL, '2024-02-29', '2024-02-29 23:59:59', NULL),
  (3, 'C3', -3.25, NULL, NULL, '2023-12-31 12:00:00+02'),
  (4, '', 0, '1999-12-31', '1999-12-31 00:00:00', '2000-01-01 00:00:00+00'),
  (7, 'G7', 700.00, '2024-07-07', '2024-07-07 07:07:07', '2024-07-07 07:07:07+00');
INSERT INTO fz_pair VALUES
  (1, 'one', 1, 1.5, '1 day'), (1, 'uno', 2, NULL, '2 hours'), (2, 'two', NULL, -2.5, NULL),
  (3, 'three', -3, 0, '1 mon 2 days'), (-1, '', 32767, 1e6, '-5 minutes');
INSERT INTO fz_doc VALUES
  (1, '{"a": 1, "b": [1, 2]}', 'abc', 'u1'), (2, '[1, "x", null]', NULL, 'u2'),
  (3, NULL, 'xy', NULL), (4, '"text"', 'z', 'u4');
INSERT INTO fz_events VALUES
  (1, 'click', '2024-01-01 10:00:00', 5), (2, 'view', '2024-01-01 10:00:30', NULL),
  (1, 'click', '2024-01-01 10:01:00', 7), (NULL, NULL, '2024-01-01 10:02:00', -1);
