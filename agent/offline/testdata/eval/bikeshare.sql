-- A private tuning schema for the offline planner (issue 13, the
-- confidence gate's pass): a city bike-share with mixed names: snake_case
-- with short forms (station_nm, dock_cnt, opened_dt, plan_typ, signup_dt,
-- birth_yr, dur_min, dist_km, fare_usd), camelCase (bikeType,
-- purchaseDate, retiredDate), plan codes ('ANN', 'MON', 'DAY'), nullable
-- end dates (retiredDate, cancelled_dt: NULL while the bike or the rider
-- is still in service), a flag (was_damaged) and keys: rides join riders
-- on rider_id and bikes on bike_id; start and end stations are keys named
-- apart from stations.station_id. Written with its questions before the
-- planner was run on them, to measure the gate on a schema it had never
-- seen. Generated deterministically from multiplicative hashes of row
-- numbers.
CREATE SCHEMA IF NOT EXISTS lake.bikeshare;

CREATE TABLE lake.bikeshare.stations AS
SELECT CAST(1 + i AS INTEGER) AS station_id,
  ['Central Station', 'Harbour Front', 'Old Town', 'University', 'Market Square', 'Riverside', 'Hospital',
   'Stadium', 'Cathedral', 'Airport Link', 'Tech Park', 'Botanic Garden', 'Castle Hill', 'Beach Road',
   'North Gate'][1 + i] AS station_nm,
  ['Lisbon', 'Lisbon', 'Lisbon', 'Porto', 'Lisbon', 'Porto', 'Braga', 'Lisbon', 'Porto', 'Lisbon',
   'Braga', 'Porto', 'Lisbon', 'Braga', 'Porto'][1 + i] AS city,
  CAST([40, 24, 18, 30, 22, 16, 12, 36, 14, 28, 20, 10, 15, 26, 11][1 + i] AS INTEGER) AS dock_cnt,
  DATE '2021-03-01' + CAST(i * 61 AS INTEGER) AS opened_dt,
  (i % 6 <> 5) AS is_active
FROM range(15) r(i);

CREATE TABLE lake.bikeshare.bikes AS
SELECT CAST(1001 + i AS INTEGER) AS bike_id,
  ['classic', 'classic', 'classic', 'electric', 'electric', 'cargo'][1 + h0 % 6] AS "bikeType",
  DATE '2021-06-01' + CAST(h1 % 1200 AS INTEGER) AS "purchaseDate",
  CASE WHEN h2 % 9 = 0 THEN DATE '2021-06-01' + CAST(h1 % 1200 + 200 + h3 % 300 AS INTEGER) END AS "retiredDate",
  CAST(1 + h3 % 15 AS INTEGER) AS home_station_id
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3
      FROM range(300) r(i));

CREATE TABLE lake.bikeshare.riders AS
SELECT CAST(5001 + i AS INTEGER) AS rider_id,
  ['Ana', 'Bruno', 'Carla', 'Diogo', 'Eva', 'Filipe', 'Gabriela', 'Hugo', 'Ines', 'Joao', 'Leonor', 'Miguel',
   'Nuno', 'Olivia', 'Pedro', 'Rita'][1 + h0 % 16] || ' ' ||
  ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Lopes',
   'Gomes', 'Marques', 'Alves'][1 + h1 % 13] || ' ' || CAST(i AS VARCHAR) AS rider_name,
  ['ANN', 'ANN', 'MON', 'MON', 'MON', 'DAY'][1 + h2 % 6] AS plan_typ,
  DATE '2022-01-01' + CAST(h3 % 1300 AS INTEGER) AS signup_dt,
  CAST(1955 + h0 % 50 AS INTEGER) AS birth_yr,
  CASE WHEN h1 % 5 = 0 THEN DATE '2022-01-01' + CAST(h3 % 1300 + 30 + h2 % 200 AS INTEGER) END AS cancelled_dt
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3
      FROM range(800) r(i));

CREATE TABLE lake.bikeshare.rides AS
SELECT CAST(900001 + i AS BIGINT) AS ride_id,
  CAST(5001 + h0 % 800 AS INTEGER) AS rider_id,
  CAST(1001 + h1 % 300 AS INTEGER) AS bike_id,
  CAST(1 + h2 % 15 AS INTEGER) AS start_station_id,
  CAST(1 + h3 % 15 AS INTEGER) AS end_station_id,
  TIMESTAMP '2023-01-01 06:00:00' + INTERVAL (h4 % 1035) DAY + INTERVAL (h5 % 900) MINUTE AS started_at,
  CAST(3 + h5 % 58 AS INTEGER) AS dur_min,
  CAST(round(0.4 + (h4 % 150) / 10.0, 1) AS DOUBLE) AS dist_km,
  CAST(1 + (h5 % 58) * 0.15 + (h0 % 7) * 0.05 AS DECIMAL(7, 2)) AS fare_usd,
  (h3 % 41 = 0) AS was_damaged
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(20000) r(i));
