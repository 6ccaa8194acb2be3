-- A private tuning schema for the offline planner (issue 13, fifth pass):
-- a video streaming service with snake_case names, plural tables, short
-- forms (yr, mins, cd), a nullable churned_on (NULL while the account is
-- still subscribed), booleans (is_trial, is_original, completed), ISO
-- country codes, and plays that join users and titles on user_id and
-- title_id. Written with its questions before any rule was changed, to
-- check that the rules are general. Generated deterministically from
-- multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.stream;

CREATE TABLE lake.stream.users AS
SELECT CAST(100 + i AS INTEGER) AS user_id,
  ['US', 'US', 'GB', 'DE', 'FR', 'BR', 'IN', 'JP', 'US', 'CA'][1 + h0 % 10] AS country_cd,
  ['Basic', 'Basic', 'Standard', 'Standard', 'Standard', 'Premium'][1 + h1 % 6] AS plan,
  DATE '2021-01-01' + CAST(h2 % 1400 AS INTEGER) AS signup_date,
  CASE WHEN h3 % 4 = 0 THEN DATE '2021-01-01' + CAST(h2 % 1400 + 20 + h4 % 300 AS INTEGER) END AS churned_on,
  (h4 % 9 = 0) AS is_trial,
  CAST(1950 + h5 % 55 AS INTEGER) AS birth_yr
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(1500) r(i));

CREATE TABLE lake.stream.titles AS
SELECT CAST(1 + i AS INTEGER) AS title_id,
  ['Night', 'Blue', 'Iron', 'Silver', 'Lost', 'Last', 'Wild', 'Deep', 'Quiet', 'Bright'][1 + i % 10] || ' ' ||
  ['Signal', 'Harbor', 'Road', 'Empire', 'Garden', 'Frontier', 'Echo', 'Circuit', 'Tide', 'Summit', 'Orbit', 'Canyon',
   'Archive', 'Meridian', 'Lantern', 'Relay', 'Ember', 'Vault', 'Drift', 'Atlas'][1 + i // 10] AS title_name,
  ['Drama', 'Drama', 'Comedy', 'Comedy', 'Thriller', 'Documentary', 'Animation', 'Sci-Fi'][1 + h0 % 8] AS genre,
  CAST(1995 + h1 % 31 AS INTEGER) AS release_yr,
  CAST(CASE WHEN h2 % 3 = 0 THEN 22 + h3 % 40 ELSE 80 + h3 % 80 END AS INTEGER) AS runtime_mins,
  CASE WHEN h2 % 3 = 0 THEN 'Series' ELSE 'Movie' END AS content_type,
  (h4 % 4 = 0) AS is_original
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(200) r(i));

CREATE TABLE lake.stream.plays AS
SELECT CAST(1 + i AS BIGINT) AS play_id,
  CAST(100 + h0 % 1500 AS INTEGER) AS user_id,
  CAST(1 + h1 % 200 AS INTEGER) AS title_id,
  CAST(DATE '2024-01-01' + CAST(h2 % 700 AS INTEGER) AS TIMESTAMP) + to_minutes(CAST(h3 % 1440 AS BIGINT)) AS started_at,
  CAST(round(1 + (h4 % 1800) / 10.0 + i * 0.00001, 5) AS DECIMAL(10, 5)) AS watch_mins,
  ['TV', 'TV', 'TV', 'Mobile', 'Mobile', 'Web', 'Tablet'][1 + h5 % 7] AS device,
  (h4 % 1800 > 700) AS completed
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(20000) r(i));
