-- A community pharmacy written for the sixth held-out set (heldout6.txt):
-- plural table names and camelCase columns with upper-case ID keys
-- (patientID, drugID, fillID), booleans (isExempt, isGeneric,
-- isControlled), a numeric statusCode explained by the statuses table (1
-- awaiting stock, 2 ready for collection, 3 collected, 4 cancelled, 5
-- returned to stock), a NULL deregisteredOn meaning the patient is still
-- registered, filledAt and collectedAt timestamps (collectedAt NULL until
-- collected), money as DECIMAL, foreign keys fills.patientID -> patients,
-- fills.drugID -> drugs and fills.statusCode -> statuses. Fills run from
-- 2024-01-02 to 2025-06-30, Monday to Saturday, 08:30 to 18:29; the
-- prescription charge is 9.65 before 2024-05-01 and 9.90 from then,
-- nothing for an exempt patient or a cancelled fill. Generated
-- deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.pharmacy;

CREATE TABLE lake.pharmacy.patients AS
SELECT CAST(1 + i AS INTEGER) AS "patientID",
  ['Ada', 'Bill', 'Carol', 'Derek', 'Edith', 'Frank', 'Grace', 'Harry', 'Irene', 'Jack', 'Kath', 'Len', 'Mavis', 'Neil',
   'Olive', 'Peter', 'Rita', 'Stan', 'Tina', 'Vera', 'Wendy', 'Yusuf'][1 + h0 % 22] AS "firstName",
  ['Archer', 'Baker', 'Cole', 'Dean', 'Ellis', 'Fox', 'Grant', 'Hart', 'Ingram', 'Jarvis', 'Knight', 'Lamb', 'Marsh', 'Noble',
   'Page', 'Rowe', 'Stone', 'Webb'][1 + h1 % 18] AS "lastName",
  DATE '1932-01-01' + CAST(h2 % 28000 AS INTEGER) AS "birthDate",
  CASE WHEN h3 % 100 < 54 THEN 'F' ELSE 'M' END AS sex,
  ['Ashford', 'Ashford', 'Ashford', 'Canterbury', 'Canterbury', 'Dover', 'Folkestone', 'Hythe', 'Maidstone'][1 + h4 % 9] AS town,
  (h5 % 100 < 40) AS "isExempt",
  DATE '2005-01-01' + CAST(h6 % 7300 AS INTEGER) AS "registeredOn",
  CASE WHEN h7 % 100 < 14 THEN DATE '2024-01-15' + CAST(h8 % 520 AS INTEGER) END AS "deregisteredOn"
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
        (i * 1664525) % 4294967296 // 65536 AS h8
      FROM range(600) r(i));

CREATE TABLE lake.pharmacy.drugs AS
SELECT CAST(drugID AS INTEGER) AS "drugID", drugName AS "drugName", strength, form, therapeuticClass AS "therapeuticClass",
  isGeneric AS "isGeneric", isControlled AS "isControlled", CAST(packCost AS DECIMAL(7, 2)) AS "packCost" FROM (VALUES
  (1, 'Amoxicillin', '500mg', 'Capsule', 'Antibiotic', true, false, 1.45),
  (2, 'Clarithromycin', '500mg', 'Tablet', 'Antibiotic', true, false, 3.20),
  (3, 'Doxycycline', '100mg', 'Capsule', 'Antibiotic', true, false, 2.10),
  (4, 'Atorvastatin', '20mg', 'Tablet', 'Statin', true, false, 0.95),
  (5, 'Simvastatin', '40mg', 'Tablet', 'Statin', true, false, 0.85),
  (6, 'Rosuvastatin', '10mg', 'Tablet', 'Statin', true, false, 1.30),
  (7, 'Amlodipine', '5mg', 'Tablet', 'Antihypertensive', true, false, 0.80),
  (8, 'Ramipril', '5mg', 'Capsule', 'Antihypertensive', true, false, 1.05),
  (9, 'Losartan', '50mg', 'Tablet', 'Antihypertensive', true, false, 1.15),
  (10, 'Bisoprolol', '2.5mg', 'Tablet', 'Antihypertensive', true, false, 0.90),
  (11, 'Metformin', '500mg', 'Tablet', 'Antidiabetic', true, false, 1.10),
  (12, 'Gliclazide', '80mg', 'Tablet', 'Antidiabetic', true, false, 1.60),
  (13, 'Sitagliptin', '100mg', 'Tablet', 'Antidiabetic', false, false, 33.26),
  (14, 'Sertraline', '50mg', 'Tablet', 'Antidepressant', true, false, 1.25),
  (15, 'Citalopram', '20mg', 'Tablet', 'Antidepressant', true, false, 0.99),
  (16, 'Mirtazapine', '15mg', 'Tablet', 'Antidepressant', true, false, 1.70),
  (17, 'Salbutamol', '100mcg', 'Inhaler', 'Respiratory', true, false, 1.50),
  (18, 'Seretide', '250mcg', 'Inhaler', 'Respiratory', false, false, 35.00),
  (19, 'Montelukast', '10mg', 'Tablet', 'Respiratory', true, false, 1.35),
  (20, 'Paracetamol', '500mg', 'Tablet', 'Analgesic', true, false, 0.60),
  (21, 'Naproxen', '250mg', 'Tablet', 'Analgesic', true, false, 1.90),
  (22, 'Codeine phosphate', '30mg', 'Tablet', 'Analgesic', true, true, 1.40),
  (23, 'Tramadol', '50mg', 'Capsule', 'Analgesic', true, true, 1.75),
  (24, 'Morphine sulfate oral solution', '10mg/5ml', 'Liquid', 'Analgesic', true, true, 2.95),
  (25, 'Omeprazole', '20mg', 'Capsule', 'Gastrointestinal', true, false, 0.95),
  (26, 'Lansoprazole', '30mg', 'Capsule', 'Gastrointestinal', true, false, 1.20),
  (27, 'Levothyroxine', '50mcg', 'Tablet', 'Thyroid', true, false, 1.65),
  (28, 'Hydrocortisone cream', '1%', 'Cream', 'Dermatological', true, false, 2.40),
  (29, 'Apixaban', '5mg', 'Tablet', 'Anticoagulant', false, false, 53.20),
  (30, 'Diazepam', '5mg', 'Tablet', 'Anxiolytic', true, true, 0.88)
) v(drugID, drugName, strength, form, therapeuticClass, isGeneric, isControlled, packCost);

CREATE TABLE lake.pharmacy.statuses AS
SELECT CAST(statusCode AS INTEGER) AS "statusCode", statusLabel AS "statusLabel" FROM (VALUES
  (1, 'Awaiting stock'), (2, 'Ready for collection'), (3, 'Collected'), (4, 'Cancelled'), (5, 'Returned to stock')
) v(statusCode, statusLabel);

-- A fill is made only while its patient is registered. Fills of the
-- last week are mostly not collected yet; older ones were collected
-- (the same day or up to six days later, 09:00 to 17:59), cancelled or
-- returned to stock.
CREATE TABLE lake.pharmacy.fills AS
SELECT CAST(row_number() OVER (ORDER BY f."filledAt", f.k) AS INTEGER) AS "fillID",
  'RX' || lpad(CAST(700000 + f.k * 7 AS VARCHAR), 7, '0') AS "rxNumber",
  f."patientID", f."drugID",
  ['Dr Ahmed', 'Dr Barnes', 'Dr Chen', 'Dr Doyle', 'Dr Evans', 'Dr Fitzgerald', 'Dr Gupta', 'Dr Holt', 'Nurse Ibbotson', 'Dr Jacobs'][1 + f.h9 % 10] AS "prescriberName",
  f."filledAt",
  CAST(CASE d.form WHEN 'Inhaler' THEN 1 WHEN 'Cream' THEN 1 WHEN 'Liquid' THEN [100, 200, 300][1 + f.h5 % 3]
    ELSE [28, 28, 28, 56, 56, 84][1 + f.h5 % 6] END AS INTEGER) AS quantity,
  CAST(CASE WHEN d."therapeuticClass" = 'Antibiotic' THEN 7 ELSE [28, 28, 28, 56, 56, 84][1 + f.h5 % 6] END AS INTEGER) AS "daysSupply",
  CAST(f.st AS INTEGER) AS "statusCode",
  CASE WHEN f.st <> 3 THEN NULL
    WHEN f.h7 % 7 = 0 OR f."filledAt" >= TIMESTAMP '2025-06-23 00:00:00' THEN f."filledAt" + to_minutes(CAST(20 + f.h7 % 120 AS BIGINT))
    ELSE CAST(CAST(f."filledAt" AS DATE) + CAST(f.h7 % 7 AS INTEGER) AS TIMESTAMP) + to_minutes(CAST(540 + (f.h7 // 7) % 540 AS BIGINT)) END AS "collectedAt",
  CAST(CASE WHEN f.st = 4 OR p."isExempt" THEN 0 WHEN f."filledAt" < TIMESTAMP '2024-05-01 00:00:00' THEN 9.65 ELSE 9.90 END AS DECIMAL(6, 2)) AS "chargeAmount"
FROM (SELECT k, CAST(1 + h0 % 600 AS INTEGER) AS "patientID",
        CAST([1, 1, 2, 3, 4, 4, 4, 5, 5, 6, 7, 7, 7, 8, 8, 9, 10, 11, 11, 11, 12, 13, 14, 14, 15, 16, 17, 17, 18, 19, 20, 20, 21, 22,
              23, 24, 25, 25, 25, 26, 27, 27, 28, 29, 29, 30][1 + h1 % 46] AS INTEGER) AS "drugID",
        ts AS "filledAt", h5, h7, h9,
        CASE WHEN ts >= TIMESTAMP '2025-06-23 00:00:00' THEN [1, 2, 2, 2, 3][1 + h6 % 5]
          WHEN h6 % 100 < 6 THEN 4 WHEN h6 % 100 < 11 THEN 5 ELSE 3 END AS st
      FROM (SELECT i AS k, h0, h1, h5, h6, h7, h9,
              CAST(DATE '2024-01-02' + CAST(h2 % 546 AS INTEGER) AS TIMESTAMP) + to_minutes(CAST(510 + h3 % 600 AS BIGINT)) AS ts
            FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                    (i * 3323198485) % 4294967296 // 65536 AS h5, (i * 1103515245) % 4294967296 // 65536 AS h6,
                    (i * 2891336453) % 4294967296 // 65536 AS h7, (i * 22695477) % 4294967296 // 65536 AS h9
                  FROM range(5200) r(i)))
      WHERE dayofweek(ts) <> 0) f
JOIN lake.pharmacy.patients p ON p."patientID" = f."patientID"
JOIN lake.pharmacy.drugs d ON d."drugID" = f."drugID"
WHERE CAST(f."filledAt" AS DATE) >= p."registeredOn"
  AND (p."deregisteredOn" IS NULL OR CAST(f."filledAt" AS DATE) < p."deregisteredOn");
