-- A restaurant group written for the sixth held-out set (heldout6.txt):
-- plural table names and abbreviated snake_case columns (brnch_nm,
-- itm_nm, unit_prc, ord_ts, cust_id, qty, ln_amt), code columns (veg_flg
-- 'Y'/'N', actv_cd 'A' active or 'I' off the menu, a numeric stat_cd: 1
-- completed, 2 cancelled, 3 refunded), a NULL cls_dt meaning the branch
-- still trades, an ord_ts timestamp, money as DECIMAL, foreign keys
-- orders.brnch_id -> branches, order_lines.ord_id -> orders and
-- order_lines.itm_id -> menu_items; cust_id is a loyalty-card number, NULL
-- for a guest without a card. Orders run from 2024-01-01 to 2025-06-30.
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.restaurant;

CREATE TABLE lake.restaurant.branches AS
SELECT CAST(brnch_id AS INTEGER) AS brnch_id, brnch_nm, city, opn_dt, cls_dt, CAST(seats AS INTEGER) AS seats FROM (VALUES
  (1, 'Old Town', 'Edinburgh', DATE '2016-05-12', CAST(NULL AS DATE), 64),
  (2, 'Leith Shore', 'Edinburgh', DATE '2019-03-01', NULL, 48),
  (3, 'Merchant City', 'Glasgow', DATE '2017-09-20', NULL, 80),
  (4, 'West End', 'Glasgow', DATE '2021-06-04', DATE '2025-03-31', 40),
  (5, 'Harbour', 'Aberdeen', DATE '2018-11-15', NULL, 56),
  (6, 'Riverside', 'Dundee', DATE '2022-08-19', NULL, 52)
) v(brnch_id, brnch_nm, city, opn_dt, cls_dt, seats);

CREATE TABLE lake.restaurant.menu_items AS
SELECT CAST(itm_id AS INTEGER) AS itm_id, itm_nm, cat, CAST(unit_prc AS DECIMAL(6, 2)) AS unit_prc, veg_flg, actv_cd FROM (VALUES
  (1, 'Cullen skink', 'Starter', 7.50, 'N', 'A'), (2, 'Haggis bon bons', 'Starter', 6.95, 'N', 'A'),
  (3, 'Burrata and tomato', 'Starter', 8.25, 'Y', 'A'), (4, 'Smoked salmon', 'Starter', 9.50, 'N', 'A'),
  (5, 'Soup of the day', 'Starter', 5.95, 'Y', 'A'), (6, 'Fish and chips', 'Main', 15.95, 'N', 'A'),
  (7, 'Steak frites', 'Main', 24.50, 'N', 'A'), (8, 'Mushroom risotto', 'Main', 14.75, 'Y', 'A'),
  (9, 'Chicken curry', 'Main', 15.25, 'N', 'A'), (10, 'Lamb shank', 'Main', 21.00, 'N', 'A'),
  (11, 'Vegan burger', 'Main', 13.95, 'Y', 'A'), (12, 'Seafood linguine', 'Main', 18.50, 'N', 'A'),
  (13, 'Beef burger', 'Main', 14.50, 'N', 'I'), (14, 'Chips', 'Side', 3.95, 'Y', 'A'),
  (15, 'House salad', 'Side', 4.25, 'Y', 'A'), (16, 'Garlic bread', 'Side', 4.50, 'Y', 'A'),
  (17, 'Onion rings', 'Side', 4.25, 'Y', 'I'), (18, 'Sticky toffee pudding', 'Dessert', 7.25, 'Y', 'A'),
  (19, 'Cranachan', 'Dessert', 7.50, 'Y', 'A'), (20, 'Chocolate brownie', 'Dessert', 6.95, 'Y', 'A'),
  (21, 'Cheese board', 'Dessert', 9.95, 'Y', 'A'), (22, 'Ice cream', 'Dessert', 5.50, 'Y', 'I'),
  (23, 'House red (glass)', 'Drink', 6.50, 'Y', 'A'), (24, 'House white (glass)', 'Drink', 6.50, 'Y', 'A'),
  (25, 'Pint of lager', 'Drink', 5.60, 'Y', 'A'), (26, 'Craft IPA', 'Drink', 6.20, 'Y', 'A'),
  (27, 'Soft drink', 'Drink', 2.95, 'Y', 'A'), (28, 'Sparkling water', 'Drink', 2.50, 'Y', 'A'),
  (29, 'Coffee', 'Drink', 3.10, 'Y', 'A'), (30, 'Whisky flight', 'Drink', 18.00, 'Y', 'I')
) v(itm_id, itm_nm, cat, unit_prc, veg_flg, actv_cd);

-- West End (brnch_id 4) closed on 2025-03-31: its later orders go to
-- Merchant City. Orders peak at lunch (12:00-13:59) and dinner
-- (18:00-20:59); order numbers follow the order time.
CREATE TABLE lake.restaurant.orders AS
SELECT CAST(10000 + row_number() OVER (ORDER BY ord_ts, k) AS INTEGER) AS ord_id, CAST(brnch_id AS INTEGER) AS brnch_id,
  CAST(cust_id AS INTEGER) AS cust_id, ord_ts, chnl, CAST(pax AS INTEGER) AS pax, CAST(stat_cd AS INTEGER) AS stat_cd,
  CAST(tip_amt AS DECIMAL(6, 2)) AS tip_amt
FROM (SELECT i AS k,
        CASE WHEN b = 4 AND d > DATE '2025-03-31' THEN 3 ELSE b END AS brnch_id,
        CASE WHEN h4 % 100 < 30 THEN NULL ELSE 1 + h5 % 700 END AS cust_id,
        CAST(d AS TIMESTAMP) + to_minutes(CAST(60 * [11, 12, 12, 12, 13, 13, 13, 14, 15, 16, 17, 18, 18, 18, 19, 19, 19, 19, 20, 20, 20, 21][1 + h1 % 22]
          + (h1 // 22) % 60 AS BIGINT)) AS ord_ts,
        ch AS chnl,
        CASE WHEN ch = 'dine-in' THEN 1 + h7 % 6 END AS pax,
        CASE WHEN h8 % 100 < 5 THEN 2 WHEN h8 % 100 < 8 THEN 3 ELSE 1 END AS stat_cd,
        CASE WHEN ch = 'takeaway' OR h8 % 100 < 8 THEN 0 ELSE round((h9 % 900) / 100.0, 2) END AS tip_amt
      FROM (SELECT i, DATE '2024-01-01' + CAST(h0 % 547 AS INTEGER) AS d, h1, h4, h5, h7, h8, h9,
              [1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6][1 + h3 % 14] AS b,
              ['dine-in', 'dine-in', 'dine-in', 'dine-in', 'dine-in', 'takeaway', 'takeaway', 'delivery', 'delivery'][1 + h6 % 9] AS ch
            FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 668265263) % 4294967296 // 65536 AS h3, (i * 374761393) % 4294967296 // 65536 AS h4,
                    (i * 3323198485) % 4294967296 // 65536 AS h5, (i * 1103515245) % 4294967296 // 65536 AS h6,
                    (i * 2891336453) % 4294967296 // 65536 AS h7, (i * 1664525) % 4294967296 // 65536 AS h8,
                    (i * 22695477) % 4294967296 // 65536 AS h9
                  FROM range(3000) r(i))));

-- One to four lines an order; items taken off the menu (actv_cd 'I')
-- are sold only before 2024-10-01.
CREATE TABLE lake.restaurant.order_lines AS
SELECT o.ord_id, CAST(l.k + 1 AS INTEGER) AS ln_no, CAST(l.itm AS INTEGER) AS itm_id, CAST(l.qty AS INTEGER) AS qty,
  CAST(l.qty * m.unit_prc AS DECIMAL(8, 2)) AS ln_amt
FROM lake.restaurant.orders o,
  LATERAL (SELECT k, [1, 1, 1, 2, 2, 3][1 + (hq % 6)] AS qty,
             CASE WHEN o.ord_ts >= TIMESTAMP '2024-10-01 00:00:00' AND pick IN (13, 17, 22, 30)
               THEN CASE pick WHEN 13 THEN 6 WHEN 17 THEN 14 WHEN 22 THEN 20 ELSE 25 END ELSE pick END AS itm
           FROM (SELECT k, (CAST(o.ord_id * 4 + k AS BIGINT) * 2246822519) % 4294967296 // 65536 AS hq,
                   [6, 6, 7, 8, 9, 9, 10, 11, 12, 13, 1, 2, 3, 4, 5, 14, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 25, 26,
                    27, 27, 28, 29, 29, 30][1 + ((CAST(o.ord_id * 4 + k AS BIGINT) * 2654435761) % 4294967296 // 65536) % 36] AS pick
                 FROM range(4) r(k)
                 WHERE k < 1 + ((CAST(o.ord_id AS BIGINT) * 3266489917) % 4294967296 // 65536) % 4)) l
JOIN lake.restaurant.menu_items m ON m.itm_id = l.itm;
