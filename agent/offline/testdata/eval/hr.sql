-- A small HR schema the planner was not designed around: camelCase column
-- names, abbreviations (dept, emp, amt, num, perf), plural tables.
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.hr;

CREATE TABLE lake.hr.departments AS
SELECT "deptName", "deptHead", CAST("budgetUsd" AS BIGINT) AS "budgetUsd", CAST("headcountTarget" AS INTEGER) AS "headcountTarget" FROM (VALUES
  ('Engineering', 'Priya Natarajan', 4200000, 120),
  ('Sales', 'Tom Becker', 1800000, 60),
  ('Marketing', 'Ana Souza', 900000, 25),
  ('Finance', 'Lars Olsen', 700000, 18),
  ('HR', 'Mei Chen', 500000, 12),
  ('Support', 'Omar Haddad', 650000, 40)
) v("deptName", "deptHead", "budgetUsd", "headcountTarget");

CREATE TABLE lake.hr.employees AS
SELECT CAST(100 + i AS INTEGER) AS "empId",
  ['Alice', 'Bob', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas',
   'Kemi', 'Liam', 'Maya', 'Nils', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Sami', 'Tara'][1 + h0 % 20] AS "firstName",
  ['Smith', 'Garcia', 'Mueller', 'Kim', 'Okafor', 'Rossi', 'Novak', 'Silva', 'Jensen', 'Tanaka',
   'Dubois', 'Khan', 'Ivanova', 'Lopez', 'Brown'][1 + h4 % 15] AS "lastName",
  ['Engineering', 'Engineering', 'Engineering', 'Sales', 'Sales', 'Marketing', 'Finance', 'HR', 'Support', 'Support'][1 + h2 % 10] AS dept,
  ['Engineer', 'Engineer', 'Senior Engineer', 'Analyst', 'Associate', 'Associate', 'Manager', 'Director'][1 + h1 % 8] AS "jobTitle",
  DATE '2015-01-01' + CAST(h5 % 3500 AS INTEGER) AS "hireDate",
  CAST(42000 + (h4 % 300) * 300 + i AS DECIMAL(10, 2)) AS salary,
  CAST(round((42000 + (h4 % 300) * 300 + i) * (h5 % 11) / 100.0, 2) AS DECIMAL(10, 2)) AS "bonusAmt",
  CAST(round(1 + (h3 // 7) % 41 / 10.0, 1) AS DOUBLE) AS "perfScore",
  ((h1 // 8) % 3 = 0) AS "isRemote",
  ['London', 'Berlin', 'Austin', 'Toronto', 'Singapore', 'London', 'Austin'][1 + h3 % 7] AS "officeCity"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(300) r(i));

CREATE TABLE lake.hr.leave_requests AS
SELECT CAST(i + 1 AS INTEGER) AS "requestId",
  CAST(100 + h0 % 300 AS INTEGER) AS "empId",
  ['Vacation', 'Vacation', 'Sick', 'Parental', 'Unpaid', 'Vacation', 'Sick'][1 + h1 % 7] AS "leaveType",
  DATE '2023-01-02' + CAST(h2 % 700 AS INTEGER) AS "startDate",
  CAST(1 + h3 % 10 AS INTEGER) AS "numDays",
  (h4 % 9 <> 0) AS approved
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4
      FROM range(800) r(i));
