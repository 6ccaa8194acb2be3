-- A private tuning schema for the offline planner (issue 13, second pass):
-- an outpatient clinic with camelCase names (patientId, visitDate,
-- isInsured, copayAmount, wasNoShow), a dimension table of doctors, a
-- nullable date (cancelledAt: NULL while an appointment stands) and
-- multi-word values (General Practice, New Patient, Hill Valley).
-- Generated deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.clinic;

CREATE TABLE lake.clinic.doctors AS
SELECT CAST("doctorId" AS INTEGER) AS "doctorId", "doctorName", specialty, "hireDate", "isPartTime" FROM (VALUES
  (1, 'Dr. Amara Osei', 'Cardiology', DATE '2015-03-01', false),
  (2, 'Dr. Ben Carter', 'Pediatrics', DATE '2018-07-15', true),
  (3, 'Dr. Chloe Zhang', 'Dermatology', DATE '2019-01-10', false),
  (4, 'Dr. David Ruiz', 'General Practice', DATE '2012-09-01', false),
  (5, 'Dr. Elena Petrova', 'General Practice', DATE '2021-05-20', true),
  (6, 'Dr. Farid Haddad', 'Cardiology', DATE '2016-11-30', false),
  (7, 'Dr. Grace Kim', 'Pediatrics', DATE '2023-02-01', false),
  (8, 'Dr. Hana Sato', 'Cardiology', DATE '2024-04-08', true)
) v("doctorId", "doctorName", specialty, "hireDate", "isPartTime");

CREATE TABLE lake.clinic.patients AS
SELECT CAST(100 + i AS BIGINT) AS "patientId",
  ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Omar', 'Ines', 'Yuki'][1 + h0 % 8] || ' ' ||
    ['Smith', 'Lopez', 'Nguyen', 'Khan', 'Berg', 'Rossi'][1 + h1 % 6] || ' ' || CAST(i AS VARCHAR) AS "fullName",
  CAST(1940 + h2 % 70 AS INTEGER) AS "birthYear",
  ['Springfield', 'Riverton', 'Lakeside', 'Hill Valley', 'Springfield'][1 + h3 % 5] AS "homeCity",
  (h4 % 4 <> 0) AS "isInsured",
  DATE '2022-01-01' + CAST(h5 % 1000 AS INTEGER) AS "signupDate"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(400) r(i));

CREATE TABLE lake.clinic.appointments AS
SELECT CAST(9000 + i AS BIGINT) AS "appointmentId",
  CAST(100 + h0 % 400 AS BIGINT) AS "patientId",
  CAST([1, 2, 2, 3, 4, 4, 4, 5, 6, 7][1 + h1 % 10] AS INTEGER) AS "doctorId",
  DATE '2023-01-02' + CAST(h2 % 720 AS INTEGER) AS "visitDate",
  ['Check-up', 'Follow-up', 'Check-up', 'New Patient', 'Urgent Care', 'Follow-up'][1 + h3 % 6] AS "visitType",
  CAST(round(10 + (h4 % 60) + i * 0.001, 3) AS DECIMAL(8, 3)) AS "copayAmount",
  CAST(10 + 5 * (h5 % 10) AS INTEGER) AS "durationMinutes",
  (h2 % 11 = 0) AS "wasNoShow",
  CASE WHEN h5 % 9 = 0 THEN DATE '2023-01-01' + CAST(h2 % 720 AS INTEGER) END AS "cancelledAt"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(2000) r(i));
