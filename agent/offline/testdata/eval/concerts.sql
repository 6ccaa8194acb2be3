-- A private tuning schema for the offline planner (issue 13, seventh
-- pass): live-music ticketing with mixed names: snake_case with short
-- forms (venue_nm, tix_sales, paid_amt, chan_cd, buyer_ctry), camelCase
-- (showId, artistName, durationMins, isSoldOut), a nullable refunded_at
-- (NULL unless the sale was refunded), a unit in a column's name
-- (durationMins), ISO country codes, and keys: tix_sales joins shows on
-- showId, shows join venues on venue_id. Written with its questions
-- before the planner was run on them, to check that the seventh pass's
-- rules are general. Generated deterministically from multiplicative
-- hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.concerts;

CREATE TABLE lake.concerts.venues AS
SELECT CAST(1 + i AS INTEGER) AS venue_id,
  ['Blue Note Hall', 'Riverside Arena', 'The Foundry', 'Crystal Ballroom', 'Harbor Stage', 'Oak Amphitheater',
   'Velvet Room', 'North Pier', 'Union Theater', 'Skyline Dome', 'Copper Club', 'Lantern House'][1 + i] AS venue_nm,
  ['Austin', 'Austin', 'Denver', 'Portland', 'Seattle', 'Denver', 'Chicago', 'Seattle', 'Chicago', 'Austin',
   'Portland', 'Boston'][1 + i] AS city,
  CAST([900, 12000, 1500, 2200, 4000, 8000, 450, 3000, 1800, 15000, 600, 750][1 + i] AS INTEGER) AS capacity
FROM range(12) r(i);

CREATE TABLE lake.concerts.shows AS
SELECT CAST(501 + i AS INTEGER) AS "showId",
  CAST(1 + h0 % 11 AS INTEGER) AS venue_id,
  ['Nova Lights', 'The Drifters Union', 'Mara Quinn', 'Static Bloom', 'Echo Parade', 'Juniper Fox', 'Low Orbit',
   'Cass & the Keys', 'Northbound', 'Velvet Engine', 'Ruby Hollow', 'Sol Varga'][1 + h1 % 12] AS "artistName",
  ['Rock', 'Rock', 'Indie', 'Indie', 'Jazz', 'Electronic', 'Folk', 'Hip-Hop'][1 + h2 % 8] AS genre,
  DATE '2023-01-06' + CAST(h3 % 1000 AS INTEGER) AS "showDate",
  CAST(60 + (h4 % 9) * 15 AS INTEGER) AS "durationMins",
  CAST(25 + (h5 % 24) * 5 AS DECIMAL(7, 2)) AS "ticketPrice",
  (h0 % 7 = 0) AS "isSoldOut"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(240) r(i));

CREATE TABLE lake.concerts.tix_sales AS
SELECT CAST(70001 + i AS BIGINT) AS sale_id,
  CAST(501 + h0 % 240 AS INTEGER) AS "showId",
  ['US', 'US', 'US', 'CA', 'GB', 'DE', 'MX', 'US', 'JP', 'CA'][1 + h1 % 10] AS buyer_ctry,
  ['WEB', 'WEB', 'APP', 'APP', 'APP', 'BOX'][1 + h2 % 6] AS chan_cd,
  CAST(1 + h3 % 4 AS INTEGER) AS qty,
  CAST((1 + h3 % 4) * (25 + (h4 % 24) * 5) AS DECIMAL(9, 2)) AS paid_amt,
  TIMESTAMP '2023-01-01 09:00:00' + INTERVAL (h5 % 1000) DAY + INTERVAL (h4 % 600) MINUTE AS sold_at,
  CASE WHEN h2 % 23 = 0 THEN TIMESTAMP '2023-01-01 09:00:00' + INTERVAL (h5 % 1000 + 3) DAY END AS refunded_at
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(6000) r(i));
