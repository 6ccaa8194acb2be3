-- A property rental business written for the third held-out set
-- (heldout3.txt): plain snake_case names, leases whose NULL end_date means
-- the lease is still active, rent payments with a status and a NULL
-- paid_date when missed, maintenance requests with statuses and a NULL
-- closed_date while open, and foreign keys from leases to properties and
-- tenants and from properties to owners. Data runs to 2025-09-30.
-- Generated deterministically from multiplicative hashes of row numbers,
-- so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.rentals;

CREATE TABLE lake.rentals.owners AS
SELECT CAST(1 + i AS INTEGER) AS owner_id,
  CASE WHEN i % 4 = 0 THEN ['Harbor', 'Summit', 'Oak Lane', 'Bluebird', 'Granite', 'Cedar', 'Lakeside', 'Pioneer', 'Redwood',
                              'Silverline', 'Northgate', 'Keystone', 'Maplewood', 'Crescent', 'Evergreen'][1 + i // 4] || ' Properties LLC'
       ELSE ['Helen', 'Marcus', 'Priya', 'George', 'Ines', 'Tom', 'Yvonne', 'Ahmed', 'Beth', 'Nikolai', 'Carmen', 'Derek'][1 + (i * 7) % 12]
         || ' ' || ['Adler', 'Brooks', 'Castillo', 'Dunn', 'Eriksen', 'Foster', 'Greer', 'Huang', 'Iqbal', 'Jansen', 'Keane'][1 + (i * 5) % 11] END AS owner_name,
  CASE WHEN i % 4 = 0 THEN 'Company' ELSE 'Individual' END AS owner_type,
  DATE '2010-01-01' + CAST((i * 2654435761) % 4294967296 // 65536 % 3600 AS INTEGER) AS since_date
FROM range(60) r(i);

CREATE TABLE lake.rentals.properties AS
SELECT CAST(101 + i AS INTEGER) AS property_id,
  CAST(10 + h0 % 980 AS VARCHAR) || ' ' || ['Elm', 'Birch', 'Willow', 'Main', 'Park', 'Lake', 'Hill', 'River', 'Mill', 'Church', 'King', 'Station'][1 + h1 % 12]
    || ' ' || ['St', 'Ave', 'Rd', 'Ln'][1 + h2 % 4] AS address,
  ['Portland', 'Portland', 'Portland', 'Portland', 'Eugene', 'Eugene', 'Salem', 'Salem', 'Bend', 'Beaverton'][1 + h3 % 10] AS city,
  pt AS property_type,
  CAST(CASE pt WHEN 'Studio' THEN 0 WHEN 'Apartment' THEN 1 + h4 % 3 WHEN 'Condo' THEN 1 + h4 % 3 ELSE 2 + h4 % 4 END AS INTEGER) AS bedrooms,
  CAST(CASE pt WHEN 'Studio' THEN 380 + h5 % 200 WHEN 'Apartment' THEN 550 + h5 % 700 WHEN 'Condo' THEN 650 + h5 % 800 ELSE 1100 + h5 % 1900 END AS INTEGER) AS sq_ft,
  CAST(round(CASE pt WHEN 'Studio' THEN 1050 WHEN 'Apartment' THEN 1400 WHEN 'Condo' THEN 1700 WHEN 'Townhouse' THEN 2100 ELSE 2500 END
             * (0.8 + (h6 % 50) / 100.0), -1) AS DECIMAL(8, 2)) AS listed_rent,
  CAST(1 + (h7 % 60) * (1 + h8 % 60) // 60 AS INTEGER) AS owner_id,
  (h6 % 3 = 0) AS pets_allowed
FROM (SELECT *, ['Apartment', 'Apartment', 'Apartment', 'Apartment', 'Studio', 'Studio', 'Condo', 'Condo', 'Townhouse', 'House', 'House'][1 + h8 % 11] AS pt
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
              (i * 1597334677) % 4294967296 // 65536 AS h8
            FROM range(420) r(i)));

CREATE TABLE lake.rentals.tenants AS
SELECT CAST(3001 + i AS INTEGER) AS tenant_id,
  ['Alex', 'Bianca', 'Chris', 'Dana', 'Eli', 'Farah', 'Gabe', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Milo', 'Nadia',
   'Owen', 'Pia', 'Quinn', 'Rhea', 'Sean', 'Tara', 'Umar', 'Vera', 'Will', 'Xena', 'Yosef', 'Zoey'][1 + h0 % 26]
    || ' ' || ['Allen', 'Baptiste', 'Cruz', 'Doyle', 'Ekström', 'Flores', 'Grant', 'Hughes', 'Ibarra', 'Jovanovic', 'Klein',
               'Lam', 'Mbeki', 'Nash', 'Ortiz', 'Pham', 'Quinn', 'Ramos', 'Stone', 'Tran', 'Ueda', 'Varga'][1 + h1 % 22] AS full_name,
  CAST(540 + h2 % 300 AS INTEGER) AS credit_score,
  CAST(round(28000 + (h3 % 1400) * 100, -2) AS DECIMAL(10, 2)) AS annual_income,
  DATE '2018-06-01' + CAST(h4 % 2600 AS INTEGER) AS applied_on
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(1900) r(i));

-- Each property has up to four consecutive leases; a lease whose end lies
-- after 2025-09-30 has not ended: its end_date is NULL.
CREATE TABLE lake.rentals.leases AS
SELECT CAST(row_number() OVER (ORDER BY start_date, property_id) AS INTEGER) AS lease_id, property_id,
  CAST(3001 + (property_id * 7 + slot * 433 + (property_id * slot) % 97) % 1900 AS INTEGER) AS tenant_id,
  start_date,
  CASE WHEN planned_end > DATE '2025-09-30' THEN NULL ELSE planned_end END AS end_date,
  lease_type,
  CAST(round(listed_rent * (0.9 + slot * 0.04), -1) AS DECIMAL(8, 2)) AS monthly_rent,
  CAST(round(listed_rent * (0.9 + slot * 0.04), -1) * CASE WHEN pets_allowed THEN 1.5 ELSE 1 END AS DECIMAL(8, 2)) AS deposit_amt
FROM (SELECT p.property_id, p.listed_rent, p.pets_allowed, s.slot,
        DATE '2021-01-01' + CAST((p.property_id * 37) % 300 + s.slot * 420 + (p.property_id * s.slot * 13) % 40 AS INTEGER) AS start_date,
        ['12-month', '12-month', '12-month', '6-month', 'month-to-month'][1 + (p.property_id + s.slot * 3) % 5] AS lease_type,
        DATE '2021-01-01' + CAST((p.property_id * 37) % 300 + s.slot * 420 + (p.property_id * s.slot * 13) % 40 AS INTEGER)
          + CAST([365, 365, 365, 182, 240][1 + (p.property_id + s.slot * 3) % 5] + (p.property_id * (s.slot + 1)) % 30
                 + CASE WHEN s.slot = 3 THEN 400 ELSE 0 END AS INTEGER) AS planned_end
      FROM lake.rentals.properties p, range(4) s(slot)
      WHERE (p.property_id * 11 + s.slot * 5) % 17 <> 0) x
WHERE start_date <= DATE '2025-09-30';

CREATE TABLE lake.rentals.rent_payments AS
SELECT CAST(row_number() OVER (ORDER BY due_date, lease_id) AS BIGINT) AS payment_id, lease_id, due_date,
  CASE WHEN h % 50 = 0 THEN NULL WHEN h % 50 < 6 THEN due_date + CAST(6 + h % 20 AS INTEGER) ELSE due_date - CAST(h % 4 AS INTEGER) END AS paid_date,
  CAST(CASE WHEN h % 50 = 0 THEN 0 WHEN h % 50 < 6 THEN monthly_rent + 75 ELSE monthly_rent END AS DECIMAL(8, 2)) AS amount_paid,
  CASE WHEN h % 50 = 0 THEN 'missed' WHEN h % 50 < 6 THEN 'late' ELSE 'on time' END AS status
FROM (SELECT l.lease_id, l.monthly_rent, CAST(d AS DATE) AS due_date,
        (l.lease_id * 2654435761 + CAST(epoch(d) AS BIGINT) // 86400 * 2246822519) % 4294967296 // 65536 AS h
      FROM lake.rentals.leases l,
        generate_series(CAST(l.start_date AS TIMESTAMP), CAST(coalesce(l.end_date, DATE '2025-09-30') AS TIMESTAMP), INTERVAL 1 MONTH) g(d));

CREATE TABLE lake.rentals.maintenance_requests AS
SELECT CAST(1 + i AS INTEGER) AS request_id,
  CAST(101 + h0 % 420 AS INTEGER) AS property_id,
  ['Plumbing', 'Plumbing', 'Plumbing', 'Electrical', 'Electrical', 'Appliance', 'Appliance', 'Appliance', 'HVAC', 'HVAC', 'Pest control', 'Roof', 'Other'][1 + h1 % 13] AS category,
  ['low', 'low', 'medium', 'medium', 'medium', 'high', 'urgent'][1 + h2 % 7] AS priority,
  opened_date,
  CASE WHEN st IN ('closed', 'cancelled') THEN opened_date + CAST(1 + h4 % 30 AS INTEGER) END AS closed_date,
  st AS status,
  CAST(CASE WHEN st = 'closed' THEN round(60 + (h5 % 2000) * 0.75, 2) END AS DECIMAL(8, 2)) AS repair_cost
FROM (SELECT *, DATE '2022-01-01' + CAST(h3 % 1369 AS INTEGER) AS opened_date,
        CASE WHEN h3 % 1369 > 1330 AND h6 % 3 = 0 THEN 'open'
             WHEN h3 % 1369 > 1300 AND h6 % 3 = 1 THEN 'in progress'
             WHEN h6 % 17 = 0 THEN 'cancelled'
             ELSE 'closed' END AS st
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6
            FROM range(3200) r(i)));
