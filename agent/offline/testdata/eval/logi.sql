-- A private tuning schema for the offline planner (issue 13): freight
-- shipments with abbreviated snake_case and camelCase names (shp_dt,
-- dlvry_dt, wt_kg, dest_ctry, frt_cost, pkg_cnt, svc_lvl, carrierCd), a
-- DECIMAL money column, a boolean, two date columns and a carriers table
-- linked by carrierCd. Generated deterministically from multiplicative
-- hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.logi;

CREATE TABLE lake.logi.carriers AS
SELECT "carrierCd", "carrierName", "isPreferred", hq_ctry FROM (VALUES
  ('DHL', 'Deutsche Post DHL', true, 'DE'),
  ('UPS', 'United Parcel Service', true, 'US'),
  ('FDX', 'FedEx', false, 'US'),
  ('TNT', 'TNT Express', false, 'NL')
) v("carrierCd", "carrierName", "isPreferred", hq_ctry);

CREATE TABLE lake.logi.shipments AS
SELECT CAST(5000 + i AS BIGINT) AS "shpId",
  ['DHL', 'UPS', 'UPS', 'FDX', 'TNT', 'DHL', 'DHL'][1 + h0 % 7] AS "carrierCd",
  DATE '2023-01-01' + CAST(h1 % 700 AS INTEGER) AS shp_dt,
  DATE '2023-01-01' + CAST(h1 % 700 + 1 + h2 % 9 AS INTEGER) AS dlvry_dt,
  CAST(round(0.5 + (h3 % 4000) / 100.0 + i * 0.0001, 4) AS DECIMAL(10, 4)) AS wt_kg,
  ['DE', 'FR', 'US', 'GB', 'NL', 'DE', 'US', 'JP', 'BR'][1 + h4 % 9] AS dest_ctry,
  CAST(round(4 + (h3 % 4000) / 100.0 * 1.7 + (h5 % 1000) / 100.0 + i * 0.001, 3) AS DECIMAL(12, 3)) AS frt_cost,
  CAST(1 + h5 % 6 AS INTEGER) AS pkg_cnt,
  (h2 % 5 = 0) AS is_express,
  ['Standard', 'Standard', 'Priority', 'Economy', 'Standard'][1 + h4 % 5] AS svc_lvl
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(1500) r(i));
