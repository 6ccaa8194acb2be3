-- The storage metrics floe lens collect writes (issue 19): the five
-- lake.floe_lens tables with their real columns, holding 76 days of
-- simulated history (2026-09-01 to 2026-11-15) for six tables in three
-- schemas, two storage classes in cost_daily. Growth rates, small files
-- and deletes differ per table so that rankings have no ties.
CREATE SCHEMA IF NOT EXISTS lake.floe_lens;

CREATE OR REPLACE MACRO lens_tables() AS TABLE
SELECT * FROM (VALUES
  (1, 'sales', 'orders', 900000000, 4000000, 40000, 12, 1200, 0.020),
  (2, 'sales', 'customers', 120000000, 900000, 9000, 3, 400, 0.004),
  (3, 'web', 'clicks', 2500000000, 2500000, 25000, 480, 90000, 0.000),
  (4, 'web', 'sessions', 600000000, 6500000, 30000, 75, 20000, 0.011),
  (5, 'hr', 'people', 40000000, 100000, 1200, 1, 20, 0.070),
  (6, 'finance', 'ledger', 300000000, 1700000, 16000, 30, 5000, 0.035)
) v(k, namespace, table_name, base_bytes, growth_per_day, rows_per_day, small_files, base_rows, deleted_share);

CREATE TABLE lake.floe_lens.storage_daily AS
SELECT d.day, 'table' AS level, t.namespace, t.table_name, '' AS prefix, CAST(0 AS INTEGER) AS depth,
  'STANDARD' AS storage_class, 'STANDARD' AS tier,
  CAST(t.base_bytes + t.growth_per_day * d.n * (1 + (d.n + t.k) % 3) / 2 AS BIGINT) AS bytes,
  CAST(200 + t.k * 37 + d.n * (t.k + 2) AS BIGINT) AS objects,
  CAST((t.base_bytes + t.growth_per_day * d.n * (1 + (d.n + t.k) % 3) / 2) * 0.9 AS BIGINT) AS data_bytes,
  CAST((t.base_bytes + t.growth_per_day * d.n) * t.deleted_share * 0.1 AS BIGINT) AS delete_bytes,
  CAST(1000000 + t.k * 50000 + d.n * 1000 AS BIGINT) AS metadata_bytes,
  CAST((t.base_bytes + t.growth_per_day * d.n * (1 + (d.n + t.k) % 3) / 2) * 0.8 AS BIGINT) AS current_bytes,
  CAST((t.base_bytes + t.growth_per_day * d.n * (1 + (d.n + t.k) % 3) / 2) * 0.15 AS BIGINT) AS noncurrent_bytes,
  CAST((t.base_bytes + t.growth_per_day * d.n * (1 + (d.n + t.k) % 3) / 2) * 0.05 AS BIGINT) AS orphan_bytes,
  d.day + INTERVAL 6 HOUR AS collected_at
FROM lens_tables() t,
  (SELECT CAST(DATE '2026-09-01' + CAST(n AS INTEGER) AS DATE) AS day, n FROM range(76) r(n)) d;

CREATE TABLE lake.floe_lens.object_sizes_daily AS
SELECT d.day, t.namespace, t.table_name, 'STANDARD' AS storage_class,
  CAST(200 + t.k * 37 + d.n * (t.k + 2) AS BIGINT) AS objects,
  CAST(t.base_bytes + t.growth_per_day * d.n AS BIGINT) AS bytes,
  CAST(t.small_files + d.n * t.k AS BIGINT) AS objects_lt_128kb,
  CAST(20 + t.k * 3 AS BIGINT) AS objects_128kb_1mb,
  CAST(10 + t.k AS BIGINT) AS objects_1mb_8mb,
  CAST(5 + t.k + d.n AS BIGINT) AS objects_8mb_64mb,
  CAST(t.k AS BIGINT) AS objects_64mb_512mb,
  CAST(0 AS BIGINT) AS objects_gt_512mb,
  CAST(t.small_files + 40 + t.k * 5 + d.n AS BIGINT) AS data_files,
  CAST(t.small_files + d.n * t.k AS BIGINT) AS small_data_files,
  (t.small_files + d.n * t.k) / (t.small_files + 40 + t.k * 5 + d.n) AS small_file_ratio,
  d.day + INTERVAL 6 HOUR AS collected_at
FROM lens_tables() t,
  (SELECT CAST(DATE '2026-09-01' + CAST(n AS INTEGER) AS DATE) AS day, n FROM range(76) r(n)) d;

CREATE TABLE lake.floe_lens.table_health_daily AS
SELECT d.day, t.namespace, t.table_name, CAST(2 + t.k % 2 AS INTEGER) AS format_version,
  CAST(10 + d.n * 2 + t.k AS BIGINT) AS snapshots,
  CAST(4 + d.n % 9 + t.k AS BIGINT) AS manifests,
  CAST(t.small_files + 40 + t.k * 5 + d.n AS BIGINT) AS data_files,
  CAST((t.base_bytes + t.growth_per_day * d.n) * 0.9 AS BIGINT) AS data_bytes,
  (t.base_bytes + t.growth_per_day * d.n) * 0.9 / (t.small_files + 40 + t.k * 5 + d.n) AS avg_data_file_bytes,
  CAST(t.k * 2 + d.n % 5 AS BIGINT) AS delete_files,
  CAST(t.k % 2 * (t.k * 2 + d.n % 5) AS BIGINT) AS position_delete_files,
  CAST(0 AS BIGINT) AS equality_delete_files,
  CAST((1 - t.k % 2) * (t.k * 2 + d.n % 5) AS BIGINT) AS dv_count,
  CAST(t.base_rows * 1000 + t.rows_per_day * d.n AS BIGINT) AS "rows",
  CAST((t.base_rows * 1000 + t.rows_per_day * d.n) * t.deleted_share AS BIGINT) AS deleted_rows,
  CAST((1 - t.k % 2) * (t.base_rows * 1000 + t.rows_per_day * d.n) * t.deleted_share AS BIGINT) AS dv_deleted_rows,
  t.deleted_share,
  (1 - t.k % 2) * t.deleted_share AS dv_deleted_share,
  CAST(DATE '2026-08-20' + CAST(t.k * 9 AS INTEGER) AS TIMESTAMP) AS last_compaction,
  CAST(date_diff('day', DATE '2026-08-20' + CAST(t.k * 9 AS INTEGER), d.day) AS INTEGER) AS days_since_compaction,
  CAST(t.k * 12 + d.n AS BIGINT) AS partitions,
  (1 + t.deleted_share * 3) / (1 - t.deleted_share) AS scan_amplification,
  d.day + INTERVAL 6 HOUR AS collected_at
FROM lens_tables() t,
  (SELECT CAST(DATE '2026-09-01' + CAST(n AS INTEGER) AS DATE) AS day, n FROM range(76) r(n)) d;

CREATE TABLE lake.floe_lens.activity_daily AS
SELECT d.day, t.namespace, t.table_name, CAST(1 + (d.n + t.k) % 4 AS BIGINT) AS processes,
  CAST(100 * t.k + d.n * 7 AS BIGINT) AS read_requests,
  CAST(20 * t.k + d.n % 11 AS BIGINT) AS write_requests,
  CAST((100 * t.k + d.n * 7) * 65536 AS BIGINT) AS bytes_read,
  CAST((20 * t.k + d.n % 11) * 131072 AS BIGINT) AS bytes_written,
  65536.0 AS avg_read_request_bytes, 131072.0 AS avg_write_request_bytes,
  CAST(10 * t.k + d.n % 13 AS BIGINT) AS files_accessed,
  (10 * t.k + d.n % 13) * 100.0 / (200 + t.k * 37 + d.n * (t.k + 2)) AS files_accessed_pct,
  CAST(3 + d.n % 4 AS BIGINT) AS commits, CAST(d.n % 7 = 0 AS BIGINT) AS commit_conflicts,
  0.2 + t.k * 0.01 AS first_byte_p50_ms, 2.0 + t.k * 0.1 AS first_byte_p99_ms,
  1.5 + t.k * 0.02 AS total_p50_ms, 12.0 + t.k AS total_p99_ms,
  d.day + INTERVAL 6 HOUR AS collected_at
FROM lens_tables() t,
  (SELECT CAST(DATE '2026-09-01' + CAST(n AS INTEGER) AS DATE) AS day, n FROM range(76) r(n)) d;

CREATE TABLE lake.floe_lens.cost_daily AS
SELECT day, namespace, table_name, storage_class, tier, bytes,
  bytes / 1073741824 AS gb_month,
  bytes / 1073741824 * price AS monthly_storage_cost,
  CAST(0 AS DOUBLE) AS monthly_request_cost,
  bytes / 1073741824 * price AS monthly_cost,
  collected_at
FROM (
  SELECT d.day, t.namespace, t.table_name, c.storage_class, c.tier,
    CAST((t.base_bytes + t.growth_per_day * d.n) * c.share[t.k] AS BIGINT) AS bytes, c.price,
    d.day + INTERVAL 6 HOUR AS collected_at
  FROM lens_tables() t,
    (SELECT CAST(DATE '2026-09-01' + CAST(n AS INTEGER) AS DATE) AS day, n FROM range(76) r(n)) d,
    (VALUES ('STANDARD', 'STANDARD', 0.023, [1.0, 0.6, 0.3, 0.7, 1.0, 0.5]),
            ('INTELLIGENT_TIERING', 'FREQUENT', 0.023, [0.0, 0.3, 0.3, 0.2, 0.0, 0.3]),
            ('INTELLIGENT_TIERING', 'INFREQUENT', 0.0125, [0.0, 0.1, 0.4, 0.1, 0.0, 0.2])) c(storage_class, tier, price, share)
  WHERE c.share[t.k] > 0
);
