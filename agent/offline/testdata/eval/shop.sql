-- A small shop the planner was not designed around: snake_case names,
-- plural tables, abbreviations (qty, amt, dt). Generated deterministically
-- from multiplicative hashes of row numbers, so every run holds the same
-- rows.
CREATE SCHEMA IF NOT EXISTS lake.shop;

CREATE TABLE lake.shop.customers AS
SELECT customer, segment, CAST(signup_date AS DATE) AS signup_date FROM (VALUES
  ('Acme Corp', 'Enterprise', '2021-03-14'),
  ('Globex', 'Enterprise', '2021-07-02'),
  ('Initech', 'SMB', '2022-01-20'),
  ('Umbrella', 'Enterprise', '2020-11-05'),
  ('Hooli', 'SMB', '2022-05-30'),
  ('Stark Industries', 'Enterprise', '2021-09-09'),
  ('Wayne Enterprises', 'Enterprise', '2020-02-17'),
  ('Wonka', 'Consumer', '2022-08-08'),
  ('Soylent', 'SMB', '2023-02-11'),
  ('Tyrell', 'Consumer', '2023-06-25'),
  ('Cyberdyne', 'SMB', '2022-12-01'),
  ('Vandelay', 'Consumer', '2023-09-19')
) v(customer, segment, signup_date);

CREATE TABLE lake.shop.orders AS
SELECT CAST(1000 + i AS BIGINT) AS order_id,
  ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Wonka',
   'Soylent', 'Tyrell', 'Cyberdyne', 'Vandelay', 'Acme Corp', 'Globex', 'Hooli', 'Wonka', 'Acme Corp'][1 + h0 % 17] AS customer,
  ['North', 'South', 'South', 'East', 'West', 'West', 'West', 'North', 'East'][1 + h1 % 9] AS region,
  ['Widget', 'Gadget', 'Gizmo', 'Doohickey', 'Sprocket', 'Thingamajig'][p] AS product,
  CAST(q AS INTEGER) AS quantity,
  CAST(round(q * [19.99, 34.50, 7.25, 120.00, 3.10, 58.75][p] * (1 - (h4 % 4) * 0.05) + (h5 // 7) % 100 * 0.01, 2) AS DECIMAL(10, 2)) AS amount,
  DATE '2023-01-01' + CAST(h5 % 731 AS INTEGER) AS order_date
FROM (SELECT *, [1, 1, 2, 3, 3, 3, 4, 5, 5, 6][1 + h2 % 10] AS p, 1 + h3 % 9 AS q
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(2000) r(i)));

CREATE TABLE lake.shop.returns AS
SELECT CAST(row_number() OVER (ORDER BY order_id) AS INTEGER) AS return_id, order_id, product,
  CAST(least(quantity, 1 + order_id % 3) AS INTEGER) AS qty,
  CAST(round(amount * least(quantity, 1 + order_id % 3) / quantity, 2) AS DECIMAL(10, 2)) AS refund_amt,
  order_date + CAST(2 + order_id % 19 AS INTEGER) AS return_dt,
  ['Damaged', 'Wrong item', 'Changed mind', 'Late delivery', 'Damaged'][1 + (order_id // 17) % 5] AS reason
FROM lake.shop.orders
WHERE order_id % 13 = 0;

CREATE TABLE lake.shop.products AS
SELECT product, category, CAST(unit_price AS DECIMAL(8, 2)) AS unit_price, in_stock FROM (VALUES
  ('Widget', 'Tools', 19.99, true),
  ('Gadget', 'Electronics', 34.50, true),
  ('Gizmo', 'Electronics', 7.25, false),
  ('Doohickey', 'Tools', 120.00, true),
  ('Sprocket', 'Hardware', 3.10, true),
  ('Thingamajig', 'Hardware', 58.75, false)
) v(product, category, unit_price, in_stock);
