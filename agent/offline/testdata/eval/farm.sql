-- A mixed arable farm group written for the fifth held-out set
-- (heldout5.txt): abbreviated snake_case names (fld, crop_ref, plnt,
-- hrvst_ld, byr), a boolean irrig_flg and org_flg, foreign keys plnt.fld_id
-- -> fld, plnt.crop_cd -> crop_ref, hrvst_ld.plnt_id -> plnt,
-- hrvst_ld.byr_no -> byr. One planting per field per season (2021-2025);
-- harvest loads run from July 2021 to October 2025.
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.farm;

CREATE TABLE lake.farm.crop_ref AS
SELECT crop_cd, crop_nm, crop_grp, CAST(seed_cost_per_ha AS DECIMAL(7, 2)) AS seed_cost_per_ha FROM (VALUES
  ('WWHT', 'Winter wheat', 'Cereal', 78.50), ('SBAR', 'Spring barley', 'Cereal', 64.00), ('OATS', 'Oats', 'Cereal', 58.25),
  ('OSR', 'Oilseed rape', 'Oilseed', 92.00), ('BEAN', 'Field beans', 'Pulse', 110.00), ('PEAS', 'Peas', 'Pulse', 121.50),
  ('POTA', 'Potatoes', 'Root', 640.00), ('SBEE', 'Sugar beet', 'Root', 205.00), ('MAIZ', 'Maize', 'Cereal', 180.00)
) v(crop_cd, crop_nm, crop_grp, seed_cost_per_ha);

CREATE TABLE lake.farm.fld AS
SELECT CAST(1 + i AS INTEGER) AS fld_id,
  ['North', 'South', 'Long', 'Top', 'Bottom', 'Mill', 'Church', 'River', 'Home', 'Windmill', 'Barn', 'Oak'][1 + h0 % 12] || ' ' ||
  ['Field', 'Piece', 'Meadow', 'Acre', 'Close'][1 + h1 % 5] || ' ' || CAST(1 + i AS VARCHAR) AS fld_nm,
  ['Hillcrest', 'Lowmoor', 'Brookside', 'Ashgrove'][1 + h2 % 4] AS farm_unit,
  CAST(round(2 + (h3 % 3800) / 100.0, 2) AS DECIMAL(6, 2)) AS area_ha,
  ['Clay', 'Loam', 'Sandy', 'Silt', 'Chalk'][1 + h4 % 5] AS soil_typ,
  (h5 % 100 < 30) AS irrig_flg,
  (h6 % 100 < 15) AS org_flg
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6
      FROM range(140) r(i));

CREATE TABLE lake.farm.byr AS
SELECT CAST(byr_no AS INTEGER) AS byr_no, byr_nm, byr_typ FROM (VALUES
  (1, 'Eastern Grain Co', 'Merchant'), (2, 'Harwood Mills', 'Miller'), (3, 'Anglia Oils', 'Crusher'),
  (4, 'Fenland Potato Ltd', 'Packer'), (5, 'British Sugar Wissington', 'Processor'), (6, 'Valley Feeds', 'Merchant'),
  (7, 'Oakley Maltings', 'Maltster')
) v(byr_no, byr_nm, byr_typ);

-- One planting per field per season (2021-2025), with its crop.
CREATE TABLE lake.farm.plnt AS
SELECT CAST(row_number() OVER (ORDER BY ssn_yr, f.fld_id) AS INTEGER) AS plnt_id, f.fld_id, ssn_yr,
  ['WWHT', 'WWHT', 'WWHT', 'SBAR', 'SBAR', 'OATS', 'OSR', 'OSR', 'BEAN', 'PEAS', 'POTA', 'SBEE', 'MAIZ'][1 + ((CAST(f.fld_id AS BIGINT) * 2654435761 + ssn_yr * 1234567891) % 4294967296 // 65536) % 13] AS crop_cd,
  make_date(ssn_yr - 1, 9, 1) + CAST(((CAST(f.fld_id AS BIGINT) * 2246822519 + ssn_yr * 2654435761) % 4294967296 // 65536) % 240 AS INTEGER) AS sow_dt,
  f.area_ha AS plnt_area_ha,
  CAST(round(150 + ((CAST(f.fld_id AS BIGINT) * 3266489917 + ssn_yr * 2246822519) % 4294967296 // 65536) % 300, 2) AS DECIMAL(8, 2)) AS fert_cost_amt
FROM lake.farm.fld f, range(2021, 2026) s(ssn_yr);

CREATE TABLE lake.farm.hrvst_ld AS
SELECT CAST(row_number() OVER (ORDER BY hrvst_dt, p.plnt_id, k) AS INTEGER) AS ld_id, p.plnt_id, hrvst_dt,
  CAST(CASE c.crop_cd WHEN 'POTA' THEN 4 WHEN 'SBEE' THEN 5 WHEN 'OSR' THEN 3 WHEN 'MAIZ' THEN 6
    WHEN 'SBAR' THEN [7, 7, 1][1 + k % 3] WHEN 'WWHT' THEN [2, 1, 6][1 + (p.plnt_id + k) % 3] WHEN 'OATS' THEN [2, 6][1 + k % 2]
    ELSE [1, 6][1 + (p.plnt_id + k) % 2] END AS INTEGER) AS byr_no,
  CAST(round(wt, 0) AS INTEGER) AS net_wt_kg,
  CAST(round(11 + (h % 900) / 100.0, 1) AS DECIMAL(4, 1)) AS moist_pct,
  CAST(round(wt / 1000.0 * CASE c.crop_grp WHEN 'Root' THEN 38 WHEN 'Oilseed' THEN 410 WHEN 'Pulse' THEN 240 ELSE 185 END, 2) AS DECIMAL(10, 2)) AS sale_amt
FROM (SELECT p.*, k, (CAST(p.plnt_id AS BIGINT) * 2654435761 + k * 40503) % 4294967296 // 65536 AS h,
        make_date(p.ssn_yr, 7, 10) + CAST(((CAST(p.plnt_id AS BIGINT) * 374761393 + k) % 4294967296 // 65536) % 100 AS INTEGER) AS hrvst_dt
      FROM lake.farm.plnt p, range(12) r(k)
      WHERE k < 3 + p.plnt_area_ha / 4) p
JOIN lake.farm.crop_ref c USING (crop_cd),
LATERAL (SELECT (CASE c.crop_grp WHEN 'Root' THEN 30000 ELSE 9000 END) + (p.h % 9000) AS wt) w
WHERE p.hrvst_dt <= DATE '2025-10-31';
