-- A private tuning schema for the offline planner (issue 13, fourth pass):
-- a support desk in camelCase (ticketId, openedAt, closedAt, agentId,
-- firstResponseMins, csatScore, reopenCount), an agents table the tickets
-- reference by agentId, a nullable closing time (NULL: the ticket is
-- still open) with no text column saying the state, a nullable score
-- (asked only of closed tickets) and multi-word values (Tier 1, Password
-- Reset). Generated deterministically from multiplicative hashes of row
-- numbers.
CREATE SCHEMA IF NOT EXISTS lake.helpdesk;

CREATE TABLE lake.helpdesk.agents AS
SELECT CAST("agentId" AS INTEGER) AS "agentId", "agentName", team, "hireDate", "isRemote" FROM (VALUES
  (1, 'Ana Mendes', 'Tier 1', DATE '2020-02-03', true),
  (2, 'Bilal Qureshi', 'Tier 1', DATE '2021-06-14', false),
  (3, 'Carla Jensen', 'Tier 1', DATE '2022-09-01', true),
  (4, 'Dmitri Volkov', 'Tier 2', DATE '2018-04-23', false),
  (5, 'Esi Mensah', 'Tier 2', DATE '2019-11-11', true),
  (6, 'Felix Braun', 'Escalations', DATE '2017-01-09', false),
  (7, 'Gita Rao', 'Tier 1', DATE '2024-03-18', true)
) v("agentId", "agentName", team, "hireDate", "isRemote");

CREATE TABLE lake.helpdesk.tickets AS
SELECT CAST(50000 + i AS BIGINT) AS "ticketId",
  CAST([1, 1, 2, 3, 3, 4, 5, 6, 7, 2, 1][1 + h0 % 11] AS INTEGER) AS "agentId",
  CAST(9000 + h1 % 350 AS BIGINT) AS "customerId",
  TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (h2 % 640) DAY + INTERVAL (h3 % 600) MINUTE AS "openedAt",
  CASE WHEN h4 % 7 = 0 THEN NULL
       ELSE TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (h2 % 640) DAY + INTERVAL (h3 % 600 + 30 + h5 % 4000) MINUTE END AS "closedAt",
  ['Low', 'Medium', 'Medium', 'High', 'Low', 'Urgent', 'Medium'][1 + h5 % 7] AS priority,
  ['Email', 'Phone', 'Chat', 'Web Form', 'Email', 'Chat'][1 + h1 % 6] AS channel,
  ['Billing', 'Technical', 'Password Reset', 'Technical', 'Shipping', 'Account Access', 'Billing'][1 + h3 % 7] AS category,
  CAST(1 + (h5 % 240) + i % 7 AS INTEGER) AS "firstResponseMins",
  CASE WHEN h4 % 7 = 0 OR h2 % 3 = 0 THEN NULL ELSE CAST(1 + h0 % 5 AS INTEGER) END AS "csatScore",
  CAST(h3 % 10 // 4 AS INTEGER) AS "reopenCount"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(3000) r(i));
