-- A freight logistics schema the planner was not designed around, written
-- for the held-out set: abbreviated snake_case names (shp_dt, wt_kg,
-- dest_ctry, carrier_cd, frt_chg_usd), code values (ISO country codes,
-- carrier and service-level codes), a delivery TIMESTAMP that is NULL while
-- a shipment is under way or lost, and shipments that join carriers and
-- depots. Generated deterministically from multiplicative hashes of row
-- numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.logistics;

CREATE TABLE lake.logistics.carriers AS
SELECT carrier_cd, carrier_nm, mode, hq_ctry FROM (VALUES
  ('DHL', 'DHL Express', 'Air', 'DE'),
  ('UPS', 'United Parcel Service', 'Road', 'US'),
  ('FDX', 'FedEx', 'Air', 'US'),
  ('MSK', 'Maersk', 'Sea', 'DK'),
  ('DBS', 'DB Schenker', 'Road', 'DE'),
  ('CMA', 'CMA CGM', 'Sea', 'FR'),
  ('PNL', 'PostNL', 'Road', 'NL')
) v(carrier_cd, carrier_nm, mode, hq_ctry);

CREATE TABLE lake.logistics.depots AS
SELECT depot_cd, city, ctry, CAST(cap_plt AS INTEGER) AS cap_plt FROM (VALUES
  ('AMS1', 'Amsterdam', 'NL', 4200),
  ('FRA2', 'Frankfurt', 'DE', 6100),
  ('LHR1', 'London', 'GB', 3800),
  ('JFK3', 'New York', 'US', 5500),
  ('SIN1', 'Singapore', 'SG', 2900),
  ('RTM1', 'Rotterdam', 'NL', 7300)
) v(depot_cd, city, ctry, cap_plt);

CREATE TABLE lake.logistics.shipments AS
SELECT CAST(700000 + s.i AS BIGINT) AS shp_id,
  s.shp_dt,
  s.carrier_cd,
  s.orig_depot_cd,
  s.dest_ctry,
  s.svc_lvl,
  CAST(s.wt AS DECIMAL(9, 2)) AS wt_kg,
  CAST(1 + s.h6 % 12 AS INTEGER) AS pkg_cnt,
  CAST(round([12.0, 35.0, 4.5][s.sv] + s.wt * CASE s.mode WHEN 'Air' THEN 4.2 WHEN 'Road' THEN 0.9 ELSE 0.08 END * [1.0, 1.8, 0.7][s.sv], 2) AS DECIMAL(10, 2)) AS frt_chg_usd,
  s.dest_ctry <> d.ctry AS is_intl,
  s.h7 % 4 = 0 AS ins_flg,
  s.shp_stat,
  CASE WHEN s.shp_stat IN ('DELIVERED', 'RETURNED')
    THEN CAST(s.shp_dt AS TIMESTAMP) + to_days(CAST(s.transit AS INTEGER)) + to_minutes(CAST(420 + s.h8 % 660 AS BIGINT)) END AS dlv_ts
FROM (SELECT *,
        CASE WHEN shp_dt + CAST(transit AS INTEGER) > DATE '2025-12-31' THEN 'IN_TRANSIT'
             WHEN h5 % 50 = 0 THEN 'LOST'
             WHEN h5 % 50 IN (1, 2) THEN 'RETURNED'
             ELSE 'DELIVERED' END AS shp_stat
      FROM (SELECT *,
              CASE mode WHEN 'Sea' THEN 200 + (h3 % 24000) / 10.0 WHEN 'Road' THEN 1 + (h3 % 8000) / 20.0 ELSE 0.2 + (h3 % 3000) / 100.0 END AS wt,
              [2 + h4 % 6, 1 + h4 % 3, 5 + h4 % 10][sv] + CASE WHEN mode = 'Sea' THEN 18 ELSE 0 END AS transit
            FROM (SELECT i, h3, h4, h5, h6, h7, h8,
                    DATE '2023-01-01' + CAST(h0 % 1095 AS INTEGER) AS shp_dt,
                    ['DHL', 'DHL', 'UPS', 'UPS', 'UPS', 'FDX', 'MSK', 'DBS', 'DBS', 'CMA', 'PNL', 'PNL'][1 + h1 % 12] AS carrier_cd,
                    CASE ['DHL', 'DHL', 'UPS', 'UPS', 'UPS', 'FDX', 'MSK', 'DBS', 'DBS', 'CMA', 'PNL', 'PNL'][1 + h1 % 12]
                      WHEN 'DHL' THEN 'Air' WHEN 'FDX' THEN 'Air' WHEN 'MSK' THEN 'Sea' WHEN 'CMA' THEN 'Sea' ELSE 'Road' END AS mode,
                    ['AMS1', 'FRA2', 'FRA2', 'LHR1', 'JFK3', 'SIN1', 'RTM1', 'RTM1'][1 + h2 % 8] AS orig_depot_cd,
                    ['DE', 'DE', 'FR', 'US', 'US', 'GB', 'NL', 'PL', 'ES', 'IT', 'CN', 'JP', 'BR', 'SG', 'US', 'DE'][1 + h9 % 16] AS dest_ctry,
                    [1, 1, 1, 2, 2, 3][1 + h4 // 7 % 6] AS sv,
                    ['STD', 'STD', 'STD', 'EXP', 'EXP', 'ECO'][1 + h4 // 7 % 6] AS svc_lvl
                  FROM (SELECT i,
                          (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                          (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                          (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
                          (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
                          (i * 1597334677) % 4294967296 // 65536 AS h8, (i * 3812015801) % 4294967296 // 65536 AS h9
                        FROM range(6000) r(i))))) s
JOIN lake.logistics.depots d ON d.depot_cd = s.orig_depot_cd;
