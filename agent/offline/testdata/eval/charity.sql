-- A charity's fundraising written for the sixth held-out set
-- (heldout6.txt): tbl_-prefixed singular table names (tbl_donor,
-- tbl_campaign, tbl_gift, tbl_pledge) with columns prefixed by their
-- entity (donor_, camp_, gift_, pledge_), code columns (donor_type 'I'
-- individual or 'O' organisation, donor_status 'A' active or 'I'
-- inactive, donor_optin and gift_aid_flg 'Y'/'N', pay_mthd CARD, DD, CHQ,
-- CASH or BACS, pledge_freq 'M', 'Q' or 'A' for monthly, quarterly or
-- annual instalments), NULL end dates meaning still running (camp_end)
-- or still active (pledge_end), money as DECIMAL, foreign keys
-- tbl_gift.donor_id -> tbl_donor, tbl_gift.camp_id -> tbl_campaign (NULL
-- for a gift outside any campaign) and tbl_pledge.donor_id -> tbl_donor.
-- Gifts run from 2022-01-01 to 2025-06-30, inside their campaign's dates;
-- an inactive donor gave nothing after 2022. Generated deterministically
-- from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.charity;

CREATE TABLE lake.charity.tbl_donor AS
SELECT CAST(5001 + i AS INTEGER) AS donor_id,
  CASE WHEN h0 % 100 < 8 THEN
    ['Harlow', 'Kestrel', 'Bridgewater', 'Northgate', 'Summit', 'Greenleaf', 'Oakridge', 'Meridian', 'Riverside', 'Beacon'][1 + h1 % 10] || ' ' ||
    ['Trust', 'Foundation', 'Ltd', 'Partners', 'Group'][1 + h2 % 5]
  ELSE ['Alice', 'Ben', 'Chloe', 'David', 'Emma', 'Farah', 'Gareth', 'Hannah', 'Imran', 'Jess', 'Karl', 'Laura', 'Mohammed', 'Niamh',
        'Oliver', 'Priya', 'Rhys', 'Sophie', 'Tariq', 'Zoe'][1 + h1 % 20] || ' ' ||
       ['Ahmed', 'Bennett', 'Clarke', 'Dawson', 'Evans', 'Fraser', 'Gill', 'Hall', 'Irving', 'Jones', 'Khan', 'Lewis', 'McLean',
        'Nash', 'Patel', 'Reid', 'Shaw', 'Taylor'][1 + h2 % 18] END AS donor_name,
  CASE WHEN h0 % 100 < 8 THEN 'O' ELSE 'I' END AS donor_type,
  ['London', 'London', 'London', 'Manchester', 'Manchester', 'Leeds', 'Bristol', 'Glasgow', 'Cardiff', 'Belfast', 'Norwich'][1 + h3 % 11] AS donor_city,
  DATE '2012-01-01' + CAST(h4 % 3650 AS INTEGER) AS donor_since,
  CASE WHEN h5 % 100 < 14 THEN 'I' ELSE 'A' END AS donor_status,
  CASE WHEN h6 % 100 < 63 THEN 'Y' ELSE 'N' END AS donor_optin
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6
      FROM range(900) r(i));

CREATE TABLE lake.charity.tbl_campaign AS
SELECT CAST(camp_id AS INTEGER) AS camp_id, camp_name, camp_chnl, CAST(camp_goal AS DECIMAL(12, 2)) AS camp_goal, camp_start, camp_end FROM (VALUES
  (1, 'Winter Appeal 2022', 'Mail', 50000, DATE '2022-11-01', DATE '2023-01-31'),
  (2, 'Spring Fun Run 2023', 'Event', 25000, DATE '2023-03-01', DATE '2023-05-14'),
  (3, 'Clean Water Online', 'Online', 80000, DATE '2022-01-15', CAST(NULL AS DATE)),
  (4, 'Summer Street Team 2023', 'Street', 20000, DATE '2023-06-01', DATE '2023-08-31'),
  (5, 'Emergency Flood Relief', 'Online', 70000, DATE '2023-09-10', DATE '2023-12-31'),
  (6, 'Winter Appeal 2023', 'Mail', 55000, DATE '2023-11-01', DATE '2024-01-31'),
  (7, 'Gala Dinner 2024', 'Event', 60000, DATE '2024-03-15', DATE '2024-03-16'),
  (8, 'Schools Programme', 'Email', 40000, DATE '2024-01-08', NULL),
  (9, 'Spring Fun Run 2024', 'Event', 32000, DATE '2024-03-02', DATE '2024-05-12'),
  (10, 'Summer Street Team 2024', 'Street', 28000, DATE '2024-06-01', DATE '2024-08-31'),
  (11, 'Legacy Giving', 'Mail', 150000, DATE '2021-06-01', NULL),
  (12, 'Winter Appeal 2024', 'Mail', 60000, DATE '2024-11-01', DATE '2025-01-31'),
  (13, 'Spring Fun Run 2025', 'Event', 25000, DATE '2025-03-01', DATE '2025-05-11'),
  (14, 'Earthquake Response', 'Online', 100000, DATE '2025-02-10', NULL)
) v(camp_id, camp_name, camp_chnl, camp_goal, camp_start, camp_end);

-- A gift falls inside its campaign's dates (from 2022-01-01, up to
-- 2025-06-30 while a campaign still runs); organisations give larger
-- amounts by bank transfer and never claim Gift Aid.
CREATE TABLE lake.charity.tbl_gift AS
SELECT CAST(row_number() OVER (ORDER BY gift_dt, k) AS INTEGER) AS gift_id, donor_id, camp_id, gift_dt,
  CAST(CASE WHEN d.donor_type = 'O' THEN amt * 20 ELSE amt END AS DECIMAL(10, 2)) AS gift_amt,
  CASE WHEN d.donor_type = 'I' AND hf % 100 < 58 THEN 'Y' ELSE 'N' END AS gift_aid_flg,
  CASE WHEN d.donor_type = 'O' THEN 'BACS' ELSE ['CARD', 'CARD', 'CARD', 'DD', 'DD', 'CHQ', 'CASH'][1 + hp % 7] END AS pay_mthd
FROM (SELECT k, CAST(donor_id AS INTEGER) AS donor_id, CAST(camp_id AS INTEGER) AS camp_id, hf, hp, amt,
        ws + CAST(hd % (we - ws + 1) AS INTEGER) AS gift_dt
      FROM (SELECT g.k, g.donor_id, c.camp_id, g.hf, g.hp, g.hd, g.amt,
              greatest(coalesce(c.camp_start, DATE '2022-01-01'), DATE '2022-01-01') AS ws,
              coalesce(c.camp_end, DATE '2025-06-30') AS we
            FROM (SELECT i AS k, 5001 + (h0 % 900) * (h1 % 900) // 900 AS donor_id,
                    CASE WHEN h2 % 100 < 12 THEN NULL
                      ELSE [1, 2, 3, 3, 3, 4, 5, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 12, 13, 14, 14, 14][1 + h3 % 23] END AS cid,
                    [5, 10, 10, 20, 20, 25, 25, 30, 50, 50, 75, 100, 100, 250, 500][1 + h4 % 15] AS amt, h5 AS hd, h6 AS hf, h7 AS hp
                  FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                          (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                          (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
                          (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7
                        FROM range(3600) r(i))) g
            LEFT JOIN lake.charity.tbl_campaign c ON c.camp_id = g.cid)) x
JOIN lake.charity.tbl_donor d USING (donor_id)
WHERE d.donor_status = 'A' OR gift_dt < DATE '2023-01-01';

-- Regular giving: a pledge with a NULL pledge_end is still active; an
-- inactive donor's pledges have all ended.
CREATE TABLE lake.charity.tbl_pledge AS
SELECT CAST(1 + i AS INTEGER) AS pledge_id, CAST(donor_id AS INTEGER) AS donor_id, pledge_freq,
  CAST(CASE pledge_freq WHEN 'M' THEN base WHEN 'Q' THEN base * 3 ELSE base * 12 END AS DECIMAL(8, 2)) AS pledge_amt,
  pledge_start,
  CASE WHEN d.donor_status = 'I' THEN least(coalesce(pledge_end, pledge_start + 180), DATE '2025-06-30')
    WHEN pledge_end > DATE '2025-06-30' THEN NULL ELSE pledge_end END AS pledge_end
FROM (SELECT i, 5001 + h0 % 900 AS donor_id,
        CASE WHEN h1 % 100 < 70 THEN 'M' WHEN h1 % 100 < 90 THEN 'Q' ELSE 'A' END AS pledge_freq,
        [5, 8, 10, 10, 12, 15, 20, 25, 30, 50][1 + h2 % 10] AS base,
        DATE '2019-01-01' + CAST(h3 % 2300 AS INTEGER) AS pledge_start,
        CASE WHEN h4 % 100 < 45 THEN NULL ELSE DATE '2019-01-01' + CAST(h3 % 2300 + 90 + h5 % 900 AS INTEGER) END AS pledge_end
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(1, 321) r(i))) p
JOIN lake.charity.tbl_donor d USING (donor_id);
