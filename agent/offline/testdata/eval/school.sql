-- A secondary school written for the fifth held-out set (heldout5.txt):
-- camelCase names (teachers, courses, students, enrollments), booleans
-- (isPartTime, isBoarder, passed), foreign keys courses.teacherId ->
-- teachers, enrollments.studentId -> students, enrollments.courseId ->
-- courses. Enrollments run from the 2022 autumn term to the 2025 summer
-- term (termStart 2022-09-01 to 2025-04-22). Generated deterministically
-- from multiplicative hashes of row numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.school;

CREATE TABLE lake.school.teachers AS
SELECT CAST(teacherId AS INTEGER) AS "teacherId", fullName AS "fullName", department, hireDate AS "hireDate",
  isPartTime AS "isPartTime", CAST(annualSalary AS DECIMAL(9, 2)) AS "annualSalary" FROM (VALUES
  (1, 'Helen Marsh', 'Mathematics', DATE '2008-09-01', false, 48200),
  (2, 'Owen Pritchard', 'Mathematics', DATE '2016-09-01', false, 41350),
  (3, 'Sunita Rao', 'Science', DATE '2011-01-04', false, 45900),
  (4, 'Gareth Lloyd', 'Science', DATE '2019-09-02', true, 23600),
  (5, 'Maria Costa', 'Languages', DATE '2014-09-01', false, 43800),
  (6, 'Julien Moreau', 'Languages', DATE '2021-09-01', true, 21900),
  (7, 'Anne Fielding', 'English', DATE '2006-09-04', false, 50100),
  (8, 'Kwame Mensah', 'English', DATE '2018-04-16', false, 40200),
  (9, 'Rosa Delgado', 'Humanities', DATE '2012-09-03', false, 44750),
  (10, 'Tom Hargreaves', 'Humanities', DATE '2023-01-03', true, 20400),
  (11, 'Lena Fischer', 'Arts', DATE '2017-09-01', false, 39800),
  (12, 'Dev Patel', 'Computing', DATE '2020-09-01', false, 42600)
) v(teacherId, fullName, department, hireDate, isPartTime, annualSalary);

CREATE TABLE lake.school.courses AS
SELECT CAST(courseId AS INTEGER) AS "courseId", courseName AS "courseName", CAST(teacherId AS INTEGER) AS "teacherId",
  CAST(yearGroup AS INTEGER) AS "yearGroup", CAST(creditPoints AS INTEGER) AS "creditPoints" FROM (VALUES
  (101, 'Algebra I', 1, 9, 10), (102, 'Geometry', 2, 10, 10), (103, 'Calculus', 1, 12, 20), (104, 'Statistics', 2, 11, 10),
  (105, 'Biology', 3, 9, 10), (106, 'Chemistry', 3, 10, 15), (107, 'Physics', 4, 11, 15),
  (108, 'French', 5, 9, 10), (109, 'Spanish', 6, 10, 10), (110, 'German', 5, 11, 10),
  (111, 'English Literature', 7, 10, 15), (112, 'Creative Writing', 8, 12, 10), (113, 'Grammar and Composition', 8, 9, 10),
  (114, 'World History', 9, 9, 10), (115, 'Geography', 10, 10, 10), (116, 'Economics', 9, 12, 15),
  (117, 'Art and Design', 11, 9, 10), (118, 'Music', 11, 10, 5), (119, 'Programming', 12, 11, 15), (120, 'Robotics', 12, 12, 5)
) v(courseId, courseName, teacherId, yearGroup, creditPoints);

CREATE TABLE lake.school.students AS
SELECT CAST(1000 + i AS INTEGER) AS "studentId",
  ['Amir', 'Beth', 'Caleb', 'Daisy', 'Elliot', 'Fatima', 'George', 'Hana', 'Ivan', 'Jasmine', 'Kofi', 'Lucy', 'Mateo', 'Nina',
   'Oscar', 'Poppy', 'Reuben', 'Sana', 'Theo', 'Una', 'Vikram', 'Willow'][1 + h0 % 22] AS "firstName",
  ['Adams', 'Begum', 'Carter', 'Doyle', 'Edwards', 'Foster', 'Griffiths', 'Hughes', 'Iqbal', 'James', 'Kaur', 'Lawson', 'Morgan',
   'Nowak', 'Owens', 'Price'][1 + h1 % 16] AS "lastName",
  CAST(7 + h2 % 6 AS INTEGER) AS "yearGroup",
  ['Ash', 'Beech', 'Cedar', 'Oak'][1 + h3 % 4] AS "houseName",
  (h4 % 100 < 18) AS "isBoarder",
  DATE '2017-09-01' + CAST(h5 % 2900 AS INTEGER) AS "enrolledOn",
  CASE WHEN h6 % 100 < 49 THEN 'Female' WHEN h6 % 100 < 98 THEN 'Male' ELSE 'Other' END AS gender
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6
      FROM range(1400) r(i));

CREATE TABLE lake.school.enrollments AS
SELECT CAST(1 + i AS INTEGER) AS "enrollmentId", CAST(1000 + h0 % 1400 AS INTEGER) AS "studentId",
  CAST(100 + [1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19, 19, 19, 19, 19, 19, 20, 20][1 + h1 % 55] AS INTEGER) AS "courseId",
  ['Autumn', 'Spring', 'Summer'][1 + h2 % 3] || ' ' || CAST(2022 + h3 % 3 + CASE WHEN h2 % 3 > 0 THEN 1 ELSE 0 END AS VARCHAR) AS "termName",
  (CASE h2 % 3 WHEN 0 THEN make_date(2022 + CAST(h3 % 3 AS INTEGER), 9, 1)
    WHEN 1 THEN make_date(2023 + CAST(h3 % 3 AS INTEGER), 1, 9) ELSE make_date(2023 + CAST(h3 % 3 AS INTEGER), 4, 22) END) AS "termStart",
  CASE WHEN h4 % 100 < 4 THEN NULL ELSE CAST(round(35 + (h5 % 40) + (h6 % 26), 1) AS DECIMAL(4, 1)) END AS "finalScore",
  CASE WHEN h4 % 100 < 4 THEN NULL ELSE 35 + (h5 % 40) + (h6 % 26) >= 50 END AS passed
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6
      FROM range(9000) r(i));
