-- A private tuning schema for the offline planner (issue 13, third pass):
-- an inventory with abbreviated snake_case names (itm_id, ctgry,
-- unit_cost, disc_flg, mvmt_dt, mvmt_typ, ext_cost), a Y/N flag, movement
-- types held as codes ('IN', 'OUT', 'ADJ') that questions spell out
-- ("received", "adjustments"), and warehouses known by a code. Written to
-- check that words the data spells otherwise are refused, not guessed.
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.stock;

CREATE TABLE lake.stock.items AS
SELECT CAST(300 + i AS INTEGER) AS itm_id,
  ['Hammer', 'Drill', 'Rake', 'Hose', 'Primer', 'Roller', 'Cable', 'Switch'][1 + h0 % 8] || ' ' || CAST(i AS VARCHAR) AS itm_desc,
  ['Tools', 'Tools', 'Garden', 'Paint', 'Electrical'][1 + h1 % 5] AS ctgry,
  CAST(round(2 + (h2 % 300) / 3.0 + i * 0.001, 3) AS DECIMAL(10, 3)) AS unit_cost,
  CASE WHEN h3 % 6 = 0 THEN 'Y' ELSE 'N' END AS disc_flg,
  ['Acme Supply', 'Borealis Trading', 'Acme Supply', 'Cobalt Industrial'][1 + h4 % 4] AS supp_nm
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(200) r(i));

CREATE TABLE lake.stock.stock_mvmts AS
SELECT CAST(80000 + i AS BIGINT) AS mvmt_id,
  CAST(300 + h0 % 200 AS INTEGER) AS itm_id,
  ['NTH', 'STH', 'WST', 'NTH'][1 + h1 % 4] AS whse_cd,
  DATE '2023-01-01' + CAST(h2 % 700 AS INTEGER) AS mvmt_dt,
  ['IN', 'OUT', 'OUT', 'ADJ', 'IN'][1 + h3 % 5] AS mvmt_typ,
  CAST(1 + h4 % 40 AS INTEGER) AS qty,
  CAST(round((1 + h4 % 40) * (2 + h0 % 90) + i * 0.0001, 4) AS DECIMAL(12, 4)) AS ext_cost
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(4000) r(i));
