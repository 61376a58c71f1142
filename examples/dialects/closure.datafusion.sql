-- examples/dialects/closure.wr by hand in DataFusion's SQL (datafusion 55, Python bindings).
-- Written from `warrant export --sql closure.wr` (DuckDB). What changed:
--  * a value is a STRUCT(i BIGINT, d DOUBLE, t VARCHAR), one field set (no UNION type);
--  * no macros: w_order is written out where a comparison needs it;
--  * DataFusion rejects a recursive CTE that names itself twice, so each
--    recursive stratum must keep one reference to it (true here).
-- `WITH RECURSIVE … UNION` over (row, likelihood) terminates as in DuckDB.

CREATE TABLE edge AS
SELECT c0, c1, max(likelihood) AS likelihood FROM (VALUES
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'a'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'b'), 5500),
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'b'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'c'), 8000),
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'c'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'd'), 10000),
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'd'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'b'), 4500),
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'd'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'e'), 8000)
  ) AS stated(c0, c1, likelihood)
GROUP BY c0, c1;

CREATE TABLE blocked AS
SELECT c0, c1, max(likelihood) AS likelihood FROM (VALUES
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'c'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'd'), 2000),
    (named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'd'), named_struct('i', CAST(NULL AS BIGINT), 'd', CAST(NULL AS DOUBLE), 't', 'e'), 10000)
  ) AS stated(c0, c1, likelihood)
GROUP BY c0, c1;

-- Stratum 1, recursive: path.
CREATE TABLE path AS
WITH RECURSIVE s(c0, c1, likelihood) AS (
  -- rule hop → path (unless blocked: a certain row removes, a less likely one caps)
  SELECT a0.c0, a0.c1,
         least(10000, a0.likelihood, 10000 - coalesce((SELECT max(e0.likelihood) FROM blocked AS e0
                                                       WHERE e0.c0 = a0.c0 AND e0.c1 = a0.c1), 0)) AS likelihood
    FROM edge AS a0
    WHERE NOT EXISTS (SELECT 1 FROM blocked AS e0
                      WHERE e0.c0 = a0.c0 AND e0.c1 = a0.c1 AND e0.likelihood = 10000)
  UNION
  -- rule step → path
  SELECT a0.c0, a1.c1, least(8000, a0.likelihood, a1.likelihood)
    FROM s AS a0 JOIN edge AS a1 ON a1.c0 = a0.c1
)
SELECT c0, c1, max(likelihood) AS likelihood FROM s GROUP BY c0, c1;

-- rule far → reach: X != Y is "w_order(X, Y) is not 0", written out.
CREATE TABLE reach AS
SELECT c0, max(likelihood) AS likelihood FROM (
  SELECT a0.c0, least(5500, a0.likelihood) AS likelihood
    FROM path AS a0
    WHERE NOT coalesce(
      CASE
        WHEN a0.c0['i'] IS NOT NULL AND a0.c1['i'] IS NOT NULL THEN a0.c0['i'] = a0.c1['i']
        WHEN a0.c0['d'] IS NOT NULL AND a0.c1['d'] IS NOT NULL THEN a0.c0['d'] = a0.c1['d']
        WHEN a0.c0['i'] IS NOT NULL AND a0.c1['d'] IS NOT NULL
          THEN CAST(a0.c0['i'] AS DECIMAL(38, 0)) = a0.c1['d'] AND a0.c1['d'] = floor(a0.c1['d'])
        WHEN a0.c0['d'] IS NOT NULL AND a0.c1['i'] IS NOT NULL
          THEN CAST(a0.c1['i'] AS DECIMAL(38, 0)) = a0.c0['d'] AND a0.c0['d'] = floor(a0.c0['d'])
        WHEN a0.c0['t'] IS NOT NULL AND a0.c1['t'] IS NOT NULL THEN a0.c0['t'] = a0.c1['t']
      END, false)
) AS derivations GROUP BY c0;
