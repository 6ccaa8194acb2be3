-- A property and casualty insurer written for the fourth held-out set
-- (heldout4.txt): abbreviated snake_case names as a policy admin system
-- exports them (cust_no, agt_no, prod_cd, pol_eff_dt, pol_exp_dt,
-- prem_amt, clm_stat_cd). Agents, customers, policies (status ACT, EXP or
-- CNC, a NULL cncl_dt unless cancelled) and claims (OPN, CLS or DEN, a NULL
-- cls_dt while open). Foreign keys: pol to cust and agt, clm to pol. The
-- extract is as of 2025-10-31. Generated deterministically from
-- multiplicative hashes of row numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.insurance;

CREATE TABLE lake.insurance.agt AS
SELECT CAST(7001 + i AS INTEGER) AS agt_no,
  ['Dana', 'Luis', 'Keisha', 'Brett', 'Mina', 'Omar', 'Tracy', 'Victor', 'Nadia', 'Colin', 'Rhea', 'Grant', 'Sofia', 'Ray'][1 + (i * 5) % 14]
    || ' ' || ['Whitfield', 'Ortega', 'Hale', 'Nguyen', 'Baptiste', 'Kerr', 'Mendez', 'Osei', 'Fitzgerald', 'Lam', 'Pruitt'][1 + (i * 7) % 11] AS agt_nm,
  ['BOS', 'DAL', 'PHX', 'ATL', 'CHI'][1 + i % 5] AS ofc_cd,
  DATE '2008-01-01' + CAST((i * 2654435761) % 4294967296 // 65536 % 5800 AS INTEGER) AS hire_dt,
  (i % 9 <> 4) AS actv_ind
FROM range(40) r(i);

CREATE TABLE lake.insurance.cust AS
SELECT CAST(500001 + i AS INTEGER) AS cust_no,
  CASE WHEN typ = 'BUS' THEN ['Acme', 'Blue Ridge', 'Copperline', 'Delta', 'Eastside', 'Fairway', 'Golden Gate', 'Highland', 'Ironwood', 'Juniper'][1 + h0 % 10]
         || ' ' || ['Bakery', 'Plumbing', 'Logistics', 'Dental', 'Auto Body', 'Cafe', 'Roofing', 'Florist'][1 + h1 % 8]
       ELSE ['Aaron', 'Bianca', 'Cody', 'Dolores', 'Ethan', 'Farah', 'Gavin', 'Hannah', 'Ivan', 'Jada', 'Kyle', 'Leah', 'Mason', 'Nora',
             'Owen', 'Paige', 'Reed', 'Selena', 'Trent', 'Uma'][1 + h0 % 20]
         || ' ' || ['Anderson', 'Brooks', 'Chavez', 'Dawson', 'Ellis', 'Flores', 'Gibson', 'Hayes', 'Ingram', 'Jordan', 'Kim', 'Lowe',
                   'Morales', 'Nash', 'Ochoa', 'Price'][1 + h1 % 16] END AS cust_nm,
  typ AS cust_typ_cd,
  ['TX', 'TX', 'TX', 'TX', 'CA', 'CA', 'CA', 'FL', 'FL', 'FL', 'AZ', 'AZ', 'GA', 'GA', 'NC', 'NC', 'MA', 'IL', 'OH', 'NY'][1 + h2 % 20] AS st_cd,
  CASE WHEN typ = 'IND' THEN DATE '1945-01-01' + CAST(h3 % 21900 AS INTEGER) END AS birth_dt,
  DATE '2014-01-01' + CAST(h4 % 4300 AS INTEGER) AS crt_dt,
  (h5 % 5 < 3) AS paperless_ind
FROM (SELECT *, CASE WHEN h5 % 100 < 12 THEN 'BUS' ELSE 'IND' END AS typ
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(4000) r(i)));

CREATE TABLE lake.insurance.pol AS
SELECT 'POL' || CAST(100000 + i AS VARCHAR) AS pol_no, cust_no, agt_no, prod_cd, pol_eff_dt, pol_exp_dt,
  CASE WHEN cncl THEN 'CNC' WHEN pol_exp_dt <= DATE '2025-10-31' THEN 'EXP' ELSE 'ACT' END AS pol_stat_cd,
  CASE WHEN cncl THEN pol_eff_dt + CAST(10 + h6 % 150 AS INTEGER) END AS cncl_dt,
  CAST(round(CASE prod_cd WHEN 'AUTO' THEN 520 + h7 % 1900 WHEN 'HOME' THEN 850 + h7 % 2700 WHEN 'RNTR' THEN 140 + h7 % 260
                          WHEN 'LIFE' THEN 300 + h7 % 1800 ELSE 190 + h7 % 420 END + (h8 % 100) / 100.0, 2) AS DECIMAL(10, 2)) AS prem_amt,
  ['M', 'M', 'M', 'Q', 'A', 'A'][1 + h8 % 6] AS pay_freq_cd,
  CAST(CASE prod_cd WHEN 'AUTO' THEN 250 * (1 + h6 % 4) WHEN 'HOME' THEN 500 * (1 + h6 % 4) WHEN 'RNTR' THEN 250 ELSE 0 END AS INTEGER) AS ded_amt
FROM (SELECT *, CAST(pol_eff_dt + INTERVAL (CASE WHEN prod_cd = 'AUTO' THEN 6 ELSE 12 END) MONTH AS DATE) AS pol_exp_dt,
        (h5 % 100 < 8) AND pol_eff_dt + 160 <= DATE '2025-10-31' AS cncl
      FROM (SELECT i, h5, h6, h7, h8,
              CAST(500001 + h0 % 4000 AS INTEGER) AS cust_no,
              CAST(7001 + h1 % 40 AS INTEGER) AS agt_no,
              ['AUTO', 'AUTO', 'AUTO', 'AUTO', 'AUTO', 'HOME', 'HOME', 'HOME', 'RNTR', 'LIFE', 'UMB'][1 + h2 % 11] AS prod_cd,
              DATE '2021-01-01' + CAST(h3 % 1765 AS INTEGER) AS pol_eff_dt
            FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                    (i * 3323198485) % 4294967296 // 65536 AS h5, (i * 1103515245) % 4294967296 // 65536 AS h6,
                    (i * 2891336453) % 4294967296 // 65536 AS h7, (i * 1597334677) % 4294967296 // 65536 AS h8
                  FROM range(7000) r(i))));

CREATE TABLE lake.insurance.clm AS
SELECT 'CLM' || CAST(300001 + row_number() OVER (ORDER BY loss_dt, seed) AS VARCHAR) AS clm_no, pol_no, loss_dt, rpt_dt, clm_typ_cd,
  CAST(incd AS DECIMAL(12, 2)) AS incd_amt,
  CAST(CASE stat WHEN 'DEN' THEN 0 WHEN 'OPN' THEN round(incd * (h4 % 60) / 100.0, 2) ELSE round(incd * (70 + h4 % 31) / 100.0, 2) END AS DECIMAL(12, 2)) AS pd_amt,
  stat AS clm_stat_cd,
  CASE WHEN stat <> 'OPN' THEN least(rpt_dt + CAST(5 + h5 % 150 AS INTEGER), DATE '2025-10-31') END AS cls_dt,
  (h6 % 20 = 0) AS litig_ind
FROM (SELECT *, CASE WHEN rpt_dt > DATE '2025-08-15' AND h3 % 10 < 7 THEN 'OPN' WHEN h3 % 100 < 6 THEN 'OPN' WHEN h3 % 100 < 17 THEN 'DEN' ELSE 'CLS' END AS stat,
        round(CASE clm_typ_cd WHEN 'COLL' THEN 800 + h7 % 5200 WHEN 'THFT' THEN 300 + h7 % 3500 WHEN 'GLAS' THEN 120 + h7 % 480
                              WHEN 'LIAB' THEN 1000 + h7 % 14000 WHEN 'WTR' THEN 900 + h7 % 9000 WHEN 'FIRE' THEN 2500 + h7 % 30000
                              WHEN 'WIND' THEN 700 + h7 % 8000 ELSE 10000 + h7 % 40000 END + (h4 % 100) / 100.0, 2) AS incd
      FROM (SELECT c.seed, c.h3, c.h4, c.h5, c.h6, c.h7, p.pol_no,
              p.pol_eff_dt + CAST(c.h1 % 180 AS INTEGER) AS loss_dt,
              p.pol_eff_dt + CAST(c.h1 % 180 + c.h2 % 25 AS INTEGER) AS rpt_dt,
              CASE p.prod_cd WHEN 'AUTO' THEN ['COLL', 'COLL', 'COLL', 'THFT', 'GLAS', 'GLAS', 'LIAB'][1 + c.h8 % 7]
                             WHEN 'HOME' THEN ['WTR', 'WTR', 'WTR', 'FIRE', 'THFT', 'WIND', 'WIND', 'LIAB'][1 + c.h8 % 8]
                             WHEN 'RNTR' THEN ['THFT', 'THFT', 'WTR'][1 + c.h8 % 3]
                             WHEN 'LIFE' THEN 'DTH' ELSE 'LIAB' END AS clm_typ_cd
            FROM (SELECT i AS seed, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                    (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
                    (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
                    (i * 1597334677) % 4294967296 // 65536 AS h8
                  FROM range(1700) r(i)) c
            JOIN lake.insurance.pol p ON p.pol_no = 'POL' || CAST(100000 + c.h0 % 7000 AS VARCHAR)
            WHERE p.prod_cd NOT IN ('LIFE', 'UMB') OR p.prod_cd = 'LIFE' AND c.h8 % 8 = 0 OR p.prod_cd = 'UMB' AND c.h8 % 4 = 0))
WHERE rpt_dt <= DATE '2025-10-31';
