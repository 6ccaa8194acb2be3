-- A private tuning schema for the offline planner (issue 13, fourth pass):
-- a vehicle fleet in abbreviated snake_case (veh_id, veh_type, make_nm,
-- odo_km, purch_dt, drvr_nm, dist_km, fuel_l, cargo_wt_kg, svc_dt,
-- svc_type, cost_amt), plural tables, trips and maintenance logs that
-- reference vehicles by veh_id, vehicles that reference depots by
-- depot_cd, and a nullable trip end (NULL: the trip is under way).
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.fleet;

CREATE TABLE lake.fleet.depots AS
SELECT depot_cd, depot_nm, city, CAST(capacity AS INTEGER) AS capacity FROM (VALUES
  ('D01', 'North Yard', 'Leeds', 40),
  ('D02', 'Riverside', 'Leeds', 25),
  ('D03', 'Airport Park', 'Bristol', 60),
  ('D04', 'Canal Works', 'Manchester', 35),
  ('D05', 'Hill Top', 'Bristol', 20)
) v(depot_cd, depot_nm, city, capacity);

CREATE TABLE lake.fleet.vehicles AS
SELECT CAST(100 + i AS INTEGER) AS veh_id,
  'FL' || CAST(1000 + i * 7 AS VARCHAR) AS plate_no,
  ['Van', 'Van', 'Truck', 'Car', 'Van', 'Truck', 'Car'][1 + h0 % 7] AS veh_type,
  ['Ford', 'Volvo', 'Ford', 'Toyota', 'Mercedes', 'Ford', 'Volvo', 'Toyota', 'Ford'][1 + h1 % 9] AS make_nm,
  DATE '2018-01-01' + CAST(h2 % 2500 AS INTEGER) AS purch_dt,
  CAST(5000 + h3 % 200000 + i AS INTEGER) AS odo_km,
  (h4 % 4 = 0) AS is_electric,
  ['D01', 'D02', 'D03', 'D03', 'D04', 'D05', 'D01', 'D03'][1 + h5 % 8] AS depot_cd
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(120) r(i));

CREATE TABLE lake.fleet.trips AS
SELECT CAST(900000 + i AS BIGINT) AS trip_id,
  CAST(100 + (h0 % 120) * (h0 % 120) // 120 AS INTEGER) AS veh_id,
  ['Alex Moore', 'Bea Singh', 'Carl Otto', 'Dina Haas', 'Eli Park', 'Fay Lund', 'Gus Webb'][1 + h1 % 7] AS drvr_nm,
  TIMESTAMP '2023-01-01 06:00:00' + INTERVAL (h2 % 700) DAY + INTERVAL (h3 % 600) MINUTE AS start_ts,
  CASE WHEN h4 % 13 = 0 THEN NULL
       ELSE TIMESTAMP '2023-01-01 06:00:00' + INTERVAL (h2 % 700) DAY + INTERVAL (h3 % 600 + 20 + h5 % 500) MINUTE END AS end_ts,
  CAST(round(5 + (h5 % 4500) / 10.0 + i * 0.0001, 4) AS DOUBLE) AS dist_km,
  CAST(round(1 + (h5 % 4500) / 80.0 + (h3 % 50) / 10.0, 3) AS DOUBLE) AS fuel_l,
  CAST(round((h1 % 9000) / 3.0 + i * 0.001, 3) AS DOUBLE) AS cargo_wt_kg
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(5000) r(i));

CREATE TABLE lake.fleet.maint_logs AS
SELECT CAST(30000 + i AS BIGINT) AS log_id,
  CAST(100 + (h0 % 120) AS INTEGER) AS veh_id,
  DATE '2023-01-01' + CAST(h2 % 700 AS INTEGER) AS svc_dt,
  ['Oil change', 'Tyres', 'Brakes', 'Inspection', 'Oil change', 'Inspection'][1 + h3 % 6] AS svc_type,
  CAST(round(40 + (h4 % 900) + i * 0.01, 2) AS DECIMAL(10, 2)) AS cost_amt,
  (h5 % 5 = 0) AS is_warranty
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(1500) r(i));
