-- A homeware retail chain written for the fifth held-out set
-- (heldout5.txt): status columns with NULL end dates meaning "still
-- active" (stores.status with closed_on, staff.status with left_on,
-- products.status with discontinued_on), a boolean is_online_order,
-- foreign keys staff -> stores, sales -> stores, products and staff (NULL
-- for the online store, which has no staff).
-- Sales run from 2023-07-01 to 2025-06-30. Generated deterministically
-- from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.retail;

CREATE TABLE lake.retail.stores AS
SELECT CAST(store_id AS INTEGER) AS store_id, store_name, region, status, opened_on, closed_on FROM (VALUES
  (1, 'Bristol Cabot', 'South West', 'open', DATE '2015-04-01', NULL),
  (2, 'Bath Milsom', 'South West', 'open', DATE '2017-10-12', NULL),
  (3, 'Exeter Guildhall', 'South West', 'closed', DATE '2016-03-05', DATE '2024-08-31'),
  (4, 'Cardiff Queen St', 'Wales', 'open', DATE '2014-06-20', NULL),
  (5, 'Swansea Quadrant', 'Wales', 'closed', DATE '2018-09-01', DATE '2024-01-31'),
  (6, 'Birmingham Bullring', 'Midlands', 'open', DATE '2013-11-15', NULL),
  (7, 'Leicester Highcross', 'Midlands', 'refurbishing', DATE '2019-05-03', NULL),
  (8, 'Nottingham Victoria', 'Midlands', 'open', DATE '2020-02-14', NULL),
  (9, 'Leeds Trinity', 'North', 'open', DATE '2016-08-19', NULL),
  (10, 'York Coppergate', 'North', 'open', DATE '2021-04-12', NULL),
  (11, 'Newcastle Eldon', 'North', 'closed', DATE '2017-03-30', DATE '2025-02-28'),
  (12, 'Online', 'National', 'open', DATE '2013-01-01', NULL)
) v(store_id, store_name, region, status, opened_on, closed_on);

-- Staff are hired while their store trades; everyone at a closed store
-- left by its closing date.
CREATE TABLE lake.retail.staff AS
SELECT staff_id, staff_name, store_id, job_role, hired_on, left_on,
  CASE WHEN left_on IS NOT NULL THEN 'left' WHEN h6 % 100 < 6 THEN 'on leave' ELSE 'active' END AS status, hourly_rate
FROM (SELECT *, CASE WHEN quits OR closed_on IS NOT NULL
                  THEN least(hired_on + CAST(60 + h5 % 1200 AS INTEGER), coalesce(closed_on, DATE '2025-06-30')) END AS left_on
      FROM (SELECT CAST(1 + i AS INTEGER) AS staff_id,
              ['Abby', 'Bilal', 'Carys', 'Dylan', 'Erin', 'Femi', 'Gemma', 'Harvey', 'Imogen', 'Josh', 'Kiran', 'Laura', 'Marcus', 'Niamh', 'Owain', 'Rhys'][1 + h0 % 16]
                || ' ' || ['Bell', 'Cole', 'Dunn', 'Ellis', 'Ford', 'Gill', 'Hale', 'Ince', 'Kerr', 'Lamb', 'Moss', 'Nash'][1 + h1 % 12] AS staff_name,
              s.store_id,
              CASE WHEN h3 % 100 < 8 THEN 'Store Manager' WHEN h3 % 100 < 25 THEN 'Supervisor' ELSE 'Sales Associate' END AS job_role,
              s.opened_on + CAST(h8 % (coalesce(s.closed_on, DATE '2025-06-01') - s.opened_on - 30) AS INTEGER) AS hired_on,
              s.closed_on, h4 % 100 < 30 AS quits, h5, h6,
              CAST(round(10.5 + (h7 % 900) / 100.0, 2) AS DECIMAL(5, 2)) AS hourly_rate
            FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 668265263) % 4294967296 // 65536 AS h3,
                    (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
                    (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
                    (i * 1597334677) % 4294967296 // 65536 AS h8
                  FROM range(260) r(i)) h
            JOIN lake.retail.stores s ON s.store_id = 1 + h.i % 11));

CREATE TABLE lake.retail.products AS
SELECT 'SKU' || lpad(CAST(1 + i AS VARCHAR), 4, '0') AS sku,
  ['Linen', 'Oak', 'Ceramic', 'Glass', 'Velvet', 'Wool', 'Copper', 'Rattan'][1 + h0 % 8] || ' ' || item AS product_name,
  category,
  CAST(round(base * (1 + (h1 % 150) / 100.0), 0) - 0.01 AS DECIMAL(8, 2)) AS list_price,
  CASE WHEN h2 % 100 < 20 THEN 'discontinued' ELSE 'active' END AS status,
  CASE WHEN h2 % 100 < 20 THEN DATE '2023-09-01' + CAST(h3 % 600 AS INTEGER) END AS discontinued_on
FROM (SELECT i, h0, h1, h2, h3,
        ['Cushion', 'Throw', 'Lamp', 'Vase', 'Side Table', 'Mirror', 'Rug', 'Candle', 'Mug Set', 'Bowl'][1 + h4 % 10] AS item
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4
            FROM range(320) r(i))) p
JOIN (VALUES ('Cushion', 'Soft furnishings', 18), ('Throw', 'Soft furnishings', 35), ('Rug', 'Soft furnishings', 90),
  ('Lamp', 'Lighting', 45), ('Candle', 'Lighting', 8), ('Vase', 'Decor', 22), ('Mirror', 'Decor', 60),
  ('Side Table', 'Furniture', 120), ('Mug Set', 'Kitchen', 16), ('Bowl', 'Kitchen', 12)) c(item, category, base) USING (item);

CREATE TABLE lake.retail.sales AS
SELECT CAST(row_number() OVER (ORDER BY sold_at, i) AS INTEGER) AS sale_id, sold_at, s.store_id, p.sku,
  CASE WHEN s.store_id = 12 THEN NULL ELSE CAST(s.store_id + 11 * (h2 % 23) AS INTEGER) END AS staff_id,
  CAST(1 + h3 % 4 * (h3 % 3) // 2 AS INTEGER) AS quantity,
  CAST(p.list_price * (1 + h3 % 4 * (h3 % 3) // 2) * CASE WHEN h4 % 100 < 15 THEN 0.8 ELSE 1 END AS DECIMAL(10, 2)) AS net_amount,
  s.store_id = 12 AS is_online_order
FROM (SELECT i, TIMESTAMP '2023-07-01 09:00:00' + INTERVAL (h0 % 731) DAY + INTERVAL (h5 % 600) MINUTE AS sold_at,
        CAST(1 + h1 % 12 AS INTEGER) AS store_id, 'SKU' || lpad(CAST(1 + h6 % 320 AS VARCHAR), 4, '0') AS sku, h2, h3, h4
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6
            FROM range(20000) r(i))) t
JOIN lake.retail.stores s USING (store_id)
JOIN lake.retail.products p USING (sku)
WHERE (s.closed_on IS NULL OR CAST(t.sold_at AS DATE) <= s.closed_on)
  AND (p.discontinued_on IS NULL OR CAST(t.sold_at AS DATE) <= p.discontinued_on);
