-- A private tuning schema for the offline planner (issue 13, third pass):
-- a SaaS billing system with camelCase names (subscriptionId, planTier,
-- mrrAmount, startedAt, isAnnual), a nullable canceledAt, invoices whose
-- paidAt is NULL while unpaid and whose invoiceStatus says the state
-- ('Open', 'Overdue', 'Paid'), and ISO country codes. Written to check
-- that the rules on nullable dates answer where they should and refuse
-- where they should not. Generated deterministically from multiplicative
-- hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.billing;

CREATE TABLE lake.billing.subscriptions AS
SELECT CAST(1000 + i AS BIGINT) AS "subscriptionId",
  ['Starter', 'Growth', 'Enterprise', 'Starter', 'Growth', 'Starter'][1 + h1 % 6] AS "planTier",
  CAST(round(29 + (h2 % 400) + i * 0.001, 3) AS DECIMAL(10, 3)) AS "mrrAmount",
  DATE '2022-01-01' + CAST(h3 % 900 AS INTEGER) AS "startedAt",
  CASE WHEN h4 % 4 = 0 THEN DATE '2022-01-01' + CAST(h3 % 900 + 30 + h0 % 200 AS INTEGER) END AS "canceledAt",
  (h0 % 3 = 0) AS "isAnnual",
  ['US', 'DE', 'FR', 'GB', 'JP', 'US'][1 + h5 % 6] AS "billingCountry"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(600) r(i));

CREATE TABLE lake.billing.invoices AS
SELECT CAST(50000 + i AS BIGINT) AS "invoiceId",
  CAST(1000 + h0 % 600 AS BIGINT) AS "subscriptionId",
  DATE '2023-01-01' + CAST(h1 % 700 AS INTEGER) AS "issuedAt",
  CASE WHEN h2 % 5 <> 0 THEN DATE '2023-01-01' + CAST(h1 % 700 + h3 % 30 AS INTEGER) END AS "paidAt",
  CAST(round(20 + (h4 % 500) + i * 0.0001, 4) AS DECIMAL(10, 4)) AS "totalAmount",
  CASE WHEN h2 % 5 <> 0 THEN 'Paid' WHEN h3 % 2 = 0 THEN 'Open' ELSE 'Overdue' END AS "invoiceStatus"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(3000) r(i));
