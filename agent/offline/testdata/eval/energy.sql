-- A private tuning schema for the offline planner (issue 13, second pass):
-- an energy utility with abbreviated snake_case names (mtr_id, rdg_dt,
-- kwh_qty, bill_amt_usd, tariff_cd, instl_dt, est_flg, cust_affected_cnt),
-- a Y/N flag, a table of meters the readings reference by mtr_id, and
-- outages whose end_ts is NULL while they last. Generated
-- deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.energy;

CREATE TABLE lake.energy.meters AS
SELECT CAST(700 + i AS INTEGER) AS mtr_id,
  ['Northfield', 'Eastport', 'Westbury', 'Northfield'][1 + h0 % 4] AS svc_city,
  ['RES1', 'RES1', 'RES2', 'COM1', 'IND1'][1 + h1 % 5] AS tariff_cd,
  DATE '2015-01-01' + CAST(h2 % 3000 AS INTEGER) AS instl_dt,
  (h3 % 3 <> 0) AS is_smart
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3
      FROM range(150) r(i));

CREATE TABLE lake.energy.readings AS
SELECT CAST(50000 + i AS BIGINT) AS rdg_id,
  CAST(700 + h0 % 150 AS INTEGER) AS mtr_id,
  DATE '2023-01-01' + CAST(h1 % 730 AS INTEGER) AS rdg_dt,
  CAST(round(50 + (h2 % 900) + i * 0.0001, 4) AS DECIMAL(10, 4)) AS kwh_qty,
  CAST(round((50 + (h2 % 900)) * 0.21 + (h3 % 100) / 10.0 + i * 0.00001, 5) AS DECIMAL(12, 5)) AS bill_amt_usd,
  CAST(round(1 + (h4 % 120) / 10.0 + i * 0.00001, 5) AS DOUBLE) AS peak_kw,
  CASE WHEN h3 % 7 = 0 THEN 'Y' ELSE 'N' END AS est_flg
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(3000) r(i));

CREATE TABLE lake.energy.outages AS
SELECT CAST(i + 1 AS INTEGER) AS outg_id,
  ['NORTH', 'EAST', 'WEST', 'NORTH', 'SOUTH'][1 + h0 % 5] AS region_cd,
  TIMESTAMP '2023-01-01 00:00:00' + INTERVAL (h1 % 700) DAY + INTERVAL (h2 % 24) HOUR AS start_ts,
  CASE WHEN h3 % 10 = 0 THEN NULL
    ELSE TIMESTAMP '2023-01-01 00:00:00' + INTERVAL (h1 % 700) DAY + INTERVAL (h2 % 24 + 1 + h4 % 30) HOUR END AS end_ts,
  CAST(5 + h4 % 2000 + i AS INTEGER) AS cust_affected_cnt,
  ['Storm', 'Equipment failure', 'Vegetation', 'Planned maintenance', 'Storm'][1 + h2 % 5] AS cause_desc
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(240) r(i));
