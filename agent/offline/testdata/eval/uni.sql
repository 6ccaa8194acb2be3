-- A private tuning schema for the offline planner (issue 13, fourth pass):
-- a university registry in the abbreviated snake_case of old student
-- systems (stu_nm, dept_cd, enrl_dt, grad_dt, cr_hrs, home_ctry, crs_cd,
-- grd_pts), plural tables, a departments table that students and courses
-- reference by dept_cd, a nullable graduation date (NULL: still
-- enrolled), a status column and two-letter country codes. Generated
-- deterministically from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.uni;

CREATE TABLE lake.uni.depts AS
SELECT dept_cd, dept_nm, faculty, bldg, CAST(budget_amt AS DECIMAL(12, 2)) AS budget_amt FROM (VALUES
  ('CS', 'Computer Science', 'Engineering', 'Turing Hall', 4200000.00),
  ('EE', 'Electrical Engineering', 'Engineering', 'Volta Hall', 3100000.00),
  ('MA', 'Mathematics', 'Science', 'Noether Hall', 1800000.00),
  ('PH', 'Physics', 'Science', 'Curie Hall', 2600000.00),
  ('HI', 'History', 'Arts', 'Gibbon Hall', 900000.00),
  ('EC', 'Economics', 'Social Sciences', 'Smith Hall', 1500000.00)
) v(dept_cd, dept_nm, faculty, bldg, budget_amt);

CREATE TABLE lake.uni.students AS
SELECT CAST(20000 + i AS BIGINT) AS stu_id,
  ['Aiko', 'Bram', 'Chidi', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hye'][1 + h0 % 8] || ' ' ||
    ['Abe', 'Brandt', 'Cole', 'Diaz', 'Eze', 'Falk'][1 + h1 % 6] || ' ' || CAST(i AS VARCHAR) AS stu_nm,
  ['CS', 'CS', 'EE', 'MA', 'PH', 'HI', 'EC', 'CS', 'EC'][1 + h2 % 9] AS dept_cd,
  DATE '2019-09-01' + CAST(365 * (h3 % 5) + h4 % 20 AS INTEGER) AS enrl_dt,
  CASE WHEN h3 % 5 < 2 AND h5 % 4 <> 0 THEN DATE '2023-06-15' + CAST(365 * (h3 % 5) + h4 % 30 AS INTEGER) END AS grad_dt,
  CAST(round(2.0 + (h5 % 200) / 100.0 + i * 0.00001, 5) AS DOUBLE) AS gpa,
  CAST(12 + h4 % 110 AS INTEGER) AS cr_hrs,
  ['US', 'US', 'US', 'IN', 'CN', 'DE', 'US', 'BR', 'NG', 'US'][1 + h1 % 10] AS home_ctry,
  (h0 % 10 < 3) AS has_schol,
  ['Active', 'Active', 'Active', 'On leave', 'Active', 'Suspended', 'Active'][1 + h5 % 7] AS enrl_status
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(900) r(i));

CREATE TABLE lake.uni.courses AS
SELECT crs_cd, crs_title, dept_cd, CAST(cr_hrs AS INTEGER) AS cr_hrs, CAST(max_seats AS INTEGER) AS max_seats, lvl FROM (VALUES
  ('CS101', 'Intro to Programming', 'CS', 4, 240, 'Undergraduate'),
  ('CS340', 'Operating Systems', 'CS', 3, 90, 'Undergraduate'),
  ('CS610', 'Distributed Systems', 'CS', 3, 45, 'Graduate'),
  ('EE201', 'Circuit Analysis', 'EE', 4, 120, 'Undergraduate'),
  ('EE520', 'Signal Processing', 'EE', 3, 40, 'Graduate'),
  ('MA110', 'Calculus I', 'MA', 4, 300, 'Undergraduate'),
  ('MA330', 'Linear Algebra', 'MA', 3, 150, 'Undergraduate'),
  ('PH150', 'Mechanics', 'PH', 4, 200, 'Undergraduate'),
  ('PH605', 'Quantum Field Theory', 'PH', 3, 25, 'Graduate'),
  ('HI120', 'World History', 'HI', 3, 180, 'Undergraduate'),
  ('EC101', 'Principles of Economics', 'EC', 3, 260, 'Undergraduate'),
  ('EC540', 'Econometrics', 'EC', 3, 50, 'Graduate')
) v(crs_cd, crs_title, dept_cd, cr_hrs, max_seats, lvl);

CREATE TABLE lake.uni.enrollments AS
SELECT CAST(700000 + i AS BIGINT) AS enr_id,
  CAST(20000 + h0 % 900 AS BIGINT) AS stu_id,
  ['CS101', 'CS340', 'CS610', 'EE201', 'EE520', 'MA110', 'MA330', 'PH150', 'PH605', 'HI120', 'EC101', 'EC540',
   'CS101', 'MA110', 'EC101', 'CS101'][1 + h1 % 16] AS crs_cd,
  ['Fall 2023', 'Spring 2024', 'Fall 2024', 'Spring 2025'][1 + h2 % 4] AS term,
  DATE '2023-08-20' + CAST(h3 % 600 AS INTEGER) AS reg_dt,
  CASE WHEN h4 % 8 = 0 THEN NULL ELSE CAST(round((h5 % 41) / 10.0, 1) AS DOUBLE) END AS grd_pts,
  ['Completed', 'Completed', 'Completed', 'Withdrawn', 'In Progress', 'Completed'][1 + h4 % 6] AS enr_status
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(4000) r(i));
