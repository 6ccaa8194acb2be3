-- A craft brewery written for the fourth held-out set (heldout4.txt):
-- singular table names (beer, distributor, agreement, batch, shipment),
-- a status column with a NULL end date meaning "still active" (agreement:
-- status active with end_date NULL, expired or terminated with an end
-- date), a NULL retired_on for beers still brewed, booleans (is_seasonal,
-- is_exclusive, passed_qc, is_returned). Foreign keys: agreement and
-- shipment to distributor, batch and shipment to beer. Shipments run from
-- 2022-01-03 to 2025-10-31. Generated deterministically from
-- multiplicative hashes of row numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.brewery;

CREATE TABLE lake.brewery.beer AS
SELECT CAST(beer_id AS INTEGER) AS beer_id, beer_name, style, CAST(abv AS DECIMAL(3, 1)) AS abv, CAST(ibu AS INTEGER) AS ibu,
  is_seasonal, launched_on, retired_on, CAST(keg_price AS DECIMAL(7, 2)) AS keg_price, CAST(case_price AS DECIMAL(7, 2)) AS case_price
FROM (VALUES
  (1, 'Lighthouse Lager', 'Lager', 4.6, 18, false, DATE '2016-04-01', NULL, 145.00, 32.00),
  (2, 'Tidewater IPA', 'IPA', 6.8, 65, false, DATE '2016-04-01', NULL, 185.00, 41.00),
  (3, 'Driftwood Pale Ale', 'Pale Ale', 5.4, 38, false, DATE '2016-09-15', NULL, 160.00, 36.00),
  (4, 'Old Anchor Porter', 'Porter', 5.9, 30, false, DATE '2017-01-10', NULL, 170.00, 38.00),
  (5, 'Sea Fog Hazy IPA', 'IPA', 6.5, 45, false, DATE '2019-05-20', NULL, 195.00, 44.00),
  (6, 'Kelp Forest Stout', 'Stout', 7.2, 40, false, DATE '2018-02-01', NULL, 180.00, 40.00),
  (7, 'Saltmarsh Gose', 'Sour', 4.2, 8, false, DATE '2020-06-01', DATE '2024-03-31', 175.00, 39.00),
  (8, 'Pumpkin Tide', 'Spiced Ale', 6.0, 20, true, DATE '2017-09-01', NULL, 165.00, 37.00),
  (9, 'Winter Swell', 'Winter Warmer', 8.1, 35, true, DATE '2017-11-15', NULL, 190.00, 43.00),
  (10, 'Summer Shandy', 'Shandy', 4.0, 10, true, DATE '2018-05-01', DATE '2023-09-30', 140.00, 31.00),
  (11, 'Double Breaker DIPA', 'IPA', 8.7, 95, false, DATE '2021-03-01', NULL, 220.00, 50.00),
  (12, 'Harbor Helles', 'Lager', 4.9, 20, false, DATE '2021-08-15', NULL, 150.00, 33.00),
  (13, 'Riptide Red', 'Red Ale', 5.6, 28, false, DATE '2016-09-15', DATE '2022-12-31', 158.00, 35.00),
  (14, 'Blackwater Imperial Stout', 'Stout', 10.5, 70, true, DATE '2019-12-01', NULL, 260.00, 58.00),
  (15, 'Coastal Pilsner', 'Pilsner', 5.0, 35, false, DATE '2022-04-01', NULL, 150.00, 34.00),
  (16, 'Mango Current Sour', 'Sour', 5.1, 10, false, DATE '2022-06-15', NULL, 185.00, 42.00),
  (17, 'Oyster Stout', 'Stout', 5.3, 32, false, DATE '2018-10-01', DATE '2025-01-31', 172.00, 38.50),
  (18, 'Nor''easter Brown', 'Brown Ale', 5.7, 25, false, DATE '2017-03-01', NULL, 155.00, 35.00),
  (19, 'Spring Tide Saison', 'Saison', 6.2, 27, true, DATE '2020-03-01', NULL, 178.00, 40.00),
  (20, 'Low Tide Session IPA', 'IPA', 4.4, 40, false, DATE '2023-05-01', NULL, 165.00, 37.00),
  (21, 'Cranberry Bog Wheat', 'Wheat', 5.0, 15, true, DATE '2023-10-01', NULL, 160.00, 36.00),
  (22, 'Breakwater Kolsch', 'Kolsch', 4.8, 22, false, DATE '2024-04-15', NULL, 150.00, 33.50)
) v(beer_id, beer_name, style, abv, ibu, is_seasonal, launched_on, retired_on, keg_price, case_price);

CREATE TABLE lake.brewery.distributor AS
SELECT CAST(301 + i AS INTEGER) AS distributor_id,
  ['Atlantic', 'Bay State', 'Cape', 'Granite', 'Green Mountain', 'Hudson', 'Keystone', 'Liberty', 'Narragansett', 'Nutmeg',
   'Pine Tree', 'Seacoast', 'Charter Oak', 'Berkshire', 'Merrimack', 'Empire', 'Garden State', 'Harbor', 'Lakes', 'Colonial',
   'North Shore', 'South Coast', 'Valley', 'Highland', 'Riverbend', 'Ocean State', 'Patriot', 'Minuteman'][1 + i]
    || ' ' || ['Beverage', 'Distributing', 'Beer Co', 'Wholesale'][1 + (i * 3) % 4] AS distributor_name,
  st AS state,
  CASE WHEN st IN ('MA', 'CT', 'RI', 'NH', 'VT', 'ME') THEN 'New England' ELSE 'Mid-Atlantic' END AS region,
  (i % 7 = 3) AS is_chain_account
FROM (SELECT i, ['MA', 'MA', 'MA', 'MA', 'CT', 'CT', 'RI', 'NH', 'VT', 'ME', 'NY', 'NY', 'NY', 'NJ', 'PA', 'PA'][1 + (i * 2654435761) % 4294967296 // 65536 % 16] AS st
      FROM range(28) r(i));

-- Each distributor has one to three agreements in sequence; the last one
-- of most distributors is still active (end_date NULL).
CREATE TABLE lake.brewery.agreement AS
SELECT CAST(row_number() OVER (ORDER BY start_date, distributor_id) AS INTEGER) AS agreement_id, distributor_id, start_date,
  CASE WHEN st <> 'active' THEN end_date END AS end_date, st AS status, is_exclusive,
  CAST(commission_pct AS DECIMAL(4, 1)) AS commission_pct
FROM (SELECT d.distributor_id, k.k,
        DATE '2019-01-01' + CAST(((d.distributor_id * 37) % 400) + k.k * 540 AS INTEGER) AS start_date,
        DATE '2019-01-01' + CAST(((d.distributor_id * 37) % 400) + k.k * 540 + CASE WHEN (d.distributor_id + k.k) % 4 = 0 THEN 200 + (d.distributor_id * 13) % 300 ELSE 539 END AS INTEGER) AS end_date,
        CASE WHEN (d.distributor_id + k.k) % 4 = 0 AND DATE '2019-01-01' + CAST(((d.distributor_id * 37) % 400) + k.k * 540 + 200 + (d.distributor_id * 13) % 300 AS INTEGER) <= DATE '2025-10-31' THEN 'terminated'
             WHEN k.k = 1 + d.distributor_id % 3 AND d.distributor_id % 7 NOT IN (1, 5) THEN 'active'
             WHEN DATE '2019-01-01' + CAST(((d.distributor_id * 37) % 400) + k.k * 540 + 539 AS INTEGER) > DATE '2025-10-31' THEN 'active'
             ELSE 'expired' END AS st,
        ((d.distributor_id + k.k) % 5 = 0) AS is_exclusive,
        8 + ((d.distributor_id * 7 + k.k * 3) % 9) * 0.5 AS commission_pct
      FROM lake.brewery.distributor d, range(4) k(k)
      WHERE k.k <= 1 + d.distributor_id % 3);

CREATE TABLE lake.brewery.batch AS
SELECT CAST(1001 + row_number() OVER (ORDER BY brew_date, beer_id) AS INTEGER) AS batch_id, beer_id, brew_date,
  CAST(volume_liters AS INTEGER) AS volume_liters, brewer_name, passed_qc,
  CAST(round(abv_target + ((h % 7) - 3) / 10.0, 1) AS DECIMAL(3, 1)) AS measured_abv
FROM (SELECT b.beer_id, b.abv AS abv_target, x.h3 AS h,
        DATE '2022-01-03' + CAST(x.h1 % 1398 AS INTEGER) AS brew_date,
        [1000, 1000, 2000, 2000, 2000, 3000][1 + x.h2 % 6] AS volume_liters,
        ['Marisol', 'Tobias', 'Quentin', 'Haruka', 'Deshawn'][1 + x.h4 % 5] AS brewer_name,
        (x.h5 % 100 >= 4) AS passed_qc, b.launched_on, b.retired_on
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(2200) r(i)) x
      JOIN lake.brewery.beer b ON b.beer_id = 1 + [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21][1 + x.h0 % 31])
WHERE brew_date >= launched_on AND (retired_on IS NULL OR brew_date <= retired_on);

CREATE TABLE lake.brewery.shipment AS
SELECT CAST(row_number() OVER (ORDER BY ship_date, distributor_id, beer_id, seed) AS INTEGER) AS shipment_id, distributor_id, beer_id, ship_date,
  CAST(kegs AS INTEGER) AS kegs, CAST(cases AS INTEGER) AS cases,
  CAST(kegs * keg_price + cases * case_price AS DECIMAL(10, 2)) AS invoice_amount,
  is_returned
FROM (SELECT x.i AS seed, d.distributor_id, b.beer_id, b.keg_price, b.case_price, b.launched_on, b.retired_on,
        DATE '2022-01-03' + CAST(x.h2 % 1398 AS INTEGER) AS ship_date,
        CASE WHEN x.h3 % 3 = 0 THEN 0 ELSE 1 + x.h4 % 12 END AS kegs,
        CASE WHEN x.h3 % 3 = 1 THEN 0 ELSE 5 + x.h5 % 60 END AS cases,
        (x.h6 % 100 < 2) AS is_returned
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6
            FROM range(11000) r(i)) x
      JOIN lake.brewery.distributor d ON d.distributor_id = 301 + (x.h0 % 28) * (1 + x.h0 % 28) // 28
      JOIN lake.brewery.beer b ON b.beer_id = 1 + [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21][1 + x.h1 % 33])
WHERE ship_date >= launched_on AND (retired_on IS NULL OR ship_date <= retired_on + 30)
  AND (beer_id NOT IN (8, 9, 14, 19, 21) OR month(ship_date) IN (CASE beer_id WHEN 8 THEN 9 WHEN 9 THEN 12 WHEN 14 THEN 1 WHEN 19 THEN 4 ELSE 10 END,
                                                                CASE beer_id WHEN 8 THEN 10 WHEN 9 THEN 1 WHEN 14 THEN 2 WHEN 19 THEN 5 ELSE 11 END));
