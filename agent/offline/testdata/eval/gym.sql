-- A chain of fitness clubs written for the fourth held-out set
-- (heldout4.txt): plural table names and full-word snake_case columns
-- (clubs, membership_plans, members, visits, class_bookings), booleans
-- (has_pool, includes_classes, attended), a NULL cancelled_date for members
-- still signed up. Foreign keys: members to clubs and membership_plans,
-- visits and class_bookings to members and clubs. Visits are recorded from
-- 2024-01-01 to 2025-09-30. Generated deterministically from
-- multiplicative hashes of row numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.gym;

CREATE TABLE lake.gym.clubs AS
SELECT CAST(club_id AS INTEGER) AS club_id, club_name, city, has_pool, opened_date, CAST(floor_area_sqm AS INTEGER) AS floor_area_sqm FROM (VALUES
  (1, 'Riverside', 'Leeds', true, DATE '2012-03-01', 2400),
  (2, 'City Centre', 'Leeds', false, DATE '2015-09-14', 1500),
  (3, 'Headingley', 'Leeds', false, DATE '2019-01-07', 1100),
  (4, 'Deansgate', 'Manchester', true, DATE '2011-05-02', 2800),
  (5, 'Salford Quays', 'Manchester', true, DATE '2017-02-20', 2100),
  (6, 'Didsbury', 'Manchester', false, DATE '2021-06-01', 900),
  (7, 'Kelham Island', 'Sheffield', false, DATE '2016-10-03', 1300),
  (8, 'Meadowhall', 'Sheffield', true, DATE '2013-04-15', 2600),
  (9, 'Clifton', 'York', false, DATE '2018-08-06', 1000),
  (10, 'Monks Cross', 'York', true, DATE '2022-03-28', 1900),
  (11, 'Ouseburn', 'Newcastle', false, DATE '2020-11-02', 1200),
  (12, 'Quayside', 'Newcastle', true, DATE '2014-07-21', 2300)
) v(club_id, club_name, city, has_pool, opened_date, floor_area_sqm);

CREATE TABLE lake.gym.membership_plans AS
SELECT CAST(plan_id AS INTEGER) AS plan_id, plan_name, CAST(monthly_fee AS DECIMAL(6, 2)) AS monthly_fee, includes_classes,
  CAST(minimum_term_months AS INTEGER) AS minimum_term_months FROM (VALUES
  (1, 'Basic', 24.99, false, 1),
  (2, 'Standard', 34.99, true, 12),
  (3, 'Premium', 54.99, true, 12),
  (4, 'Student', 19.99, false, 3),
  (5, 'Off-Peak', 17.99, false, 1)
) v(plan_id, plan_name, monthly_fee, includes_classes, minimum_term_months);

CREATE TABLE lake.gym.members AS
SELECT CAST(1 + i AS INTEGER) AS member_id,
  ['Aaliyah', 'Ben', 'Callum', 'Chloe', 'Daniel', 'Ella', 'Freddie', 'Grace', 'Harry', 'Isla', 'Jack', 'Keira', 'Leo', 'Millie',
   'Noah', 'Olivia', 'Priya', 'Ryan', 'Sophie', 'Tom', 'Yusuf', 'Zara'][1 + h0 % 22] AS first_name,
  ['Ahmed', 'Bailey', 'Clarke', 'Davies', 'Evans', 'Fletcher', 'Green', 'Hussain', 'Jones', 'Khan', 'Lewis', 'Marsh', 'Patel',
   'Robinson', 'Shaw', 'Taylor', 'Walker', 'Wright'][1 + h1 % 18] AS last_name,
  CASE WHEN h2 % 100 < 48 THEN 'Female' WHEN h2 % 100 < 97 THEN 'Male' ELSE 'Other' END AS gender,
  DATE '1958-01-01' + CAST(h3 % 17000 AS INTEGER) AS date_of_birth,
  CAST(1 + [0, 0, 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 7, 7, 7, 8, 9, 9, 10, 11, 11][1 + h4 % 22] AS INTEGER) AS home_club_id,
  CAST([1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 5][1 + h5 % 12] AS INTEGER) AS plan_id,
  joined_date,
  CASE WHEN h6 % 100 < 35 THEN least(joined_date + CAST(30 + h7 % 900 AS INTEGER), DATE '2025-09-30') END AS cancelled_date,
  (h8 % 3 = 0) AS marketing_consent
FROM (SELECT *, DATE '2019-01-01' + CAST(h9 % 2465 AS INTEGER) AS joined_date
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
              (i * 1597334677) % 4294967296 // 65536 AS h8, (i * 2869860233) % 4294967296 // 65536 AS h9
            FROM range(5000) r(i)));

CREATE TABLE lake.gym.visits AS
SELECT CAST(row_number() OVER (ORDER BY checked_in_at, member_id) AS INTEGER) AS visit_id, member_id, club_id, checked_in_at,
  checked_in_at + INTERVAL (duration) MINUTE AS checked_out_at
FROM (SELECT m.member_id,
        CASE WHEN v.h2 % 10 < 8 THEN m.home_club_id ELSE CAST(1 + v.h3 % 12 AS INTEGER) END AS club_id,
        CAST(greatest(m.joined_date, DATE '2024-01-01') + CAST(v.h4 % (coalesce(m.cancelled_date, DATE '2025-09-30') - greatest(m.joined_date, DATE '2024-01-01') + 1) AS INTEGER) AS TIMESTAMP)
          + INTERVAL (CASE WHEN m.plan_id = 5 THEN 600 + v.h5 % 420 ELSE 360 + v.h5 % 960 END) MINUTE AS checked_in_at,
        20 + v.h6 % 100 AS duration
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6
            FROM range(60000) r(i)) v
      JOIN lake.gym.members m ON m.member_id = 1 + (v.h0 % 5000) * (1 + v.h1 % 5000) // 5000
      WHERE coalesce(m.cancelled_date, DATE '2025-09-30') >= DATE '2024-01-01');

CREATE TABLE lake.gym.class_bookings AS
SELECT CAST(200001 + row_number() OVER (ORDER BY class_date, member_id, class_name) AS INTEGER) AS booking_id, member_id, club_id,
  class_name, class_date, instructor_name, attended
FROM (SELECT m.member_id, m.home_club_id AS club_id,
        ['Spin', 'Spin', 'Yoga', 'Yoga', 'HIIT', 'Pilates', 'Boxing', 'Zumba', 'Body Pump'][1 + b.h2 % 9] AS class_name,
        greatest(m.joined_date, DATE '2024-01-01') + CAST(b.h3 % (coalesce(m.cancelled_date, DATE '2025-09-30') - greatest(m.joined_date, DATE '2024-01-01') + 1) AS INTEGER) AS class_date,
        ['Jess', 'Marco', 'Aisha', 'Rob', 'Hannah', 'Kofi', 'Lauren'][1 + b.h4 % 7] AS instructor_name,
        (b.h5 % 100 < 84) AS attended
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(14000) r(i)) b
      JOIN lake.gym.members m ON m.member_id = 1 + b.h0 % 5000
      JOIN lake.gym.membership_plans p ON p.plan_id = m.plan_id
      WHERE p.includes_classes AND coalesce(m.cancelled_date, DATE '2025-09-30') >= DATE '2024-01-01');
