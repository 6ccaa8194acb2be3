-- A lending library the planner was not designed around, written for the
-- held-out set: camelCase column names (memberId, loanDate, lateFee),
-- plural tables, a NULL return date for the loans still out, and loans that
-- join books, members and branches. Generated deterministically from
-- multiplicative hashes of row numbers, so every run holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.library;

CREATE TABLE lake.library.branches AS
SELECT CAST("branchId" AS INTEGER) AS "branchId", "branchName", city, CAST("openedOn" AS DATE) AS "openedOn", "opensSunday" FROM (VALUES
  (1, 'Central', 'Springfield', '1962-05-01', true),
  (2, 'Riverside', 'Springfield', '1988-09-12', false),
  (3, 'Hillcrest', 'Shelbyville', '1975-03-03', true),
  (4, 'Oakwood', 'Shelbyville', '2004-06-21', false),
  (5, 'Harbor', 'Capital City', '1999-11-15', true),
  (6, 'Maple Grove', 'Ogdenville', '2012-01-09', false)
) v("branchId", "branchName", city, "openedOn", "opensSunday");

CREATE TABLE lake.library.members AS
SELECT CAST(5000 + i AS INTEGER) AS "memberId",
  ['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Finn', 'Gita', 'Hugo', 'Iris', 'Jack', 'Kira', 'Leo',
   'Mia', 'Noah', 'Olive', 'Paul', 'Ruth', 'Sam', 'Tess', 'Uma', 'Vik', 'Wen', 'Yara', 'Zack'][1 + h0 % 24] AS "firstName",
  ['Abbott', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Gupta', 'Hall', 'Ito',
   'Jones', 'Kowalski', 'Lee', 'Moreau', 'Nguyen', 'Owens', 'Patel', 'Quist', 'Reyes'][1 + h4 % 18] AS "lastName",
  ['Adult', 'Adult', 'Adult', 'Adult', 'Child', 'Child', 'Senior', 'Student', 'Student', 'Senior', 'Adult'][1 + h1 % 11] AS "membershipType",
  DATE '2014-01-01' + CAST(h2 % 4018 AS INTEGER) AS "joinDate",
  CAST([1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6][1 + h3 % 11] AS INTEGER) AS "homeBranchId",
  (h5 % 7 <> 0) AS "isActive"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(2000) r(i));

CREATE TABLE lake.library.books AS
SELECT CAST(1 + i AS INTEGER) AS "bookId",
  'The ' || ['Silent', 'Crimson', 'Hidden', 'Last', 'Golden', 'Broken', 'Distant', 'Frozen', 'Secret', 'Lonely', 'Burning', 'Wandering',
             'Forgotten', 'Quiet', 'Emerald', 'Hollow', 'Painted', 'Restless', 'Sunken', 'Velvet', 'Wild', 'Ancient', 'Bitter', 'Shining'][1 + i % 24]
    || ' ' || ['River', 'Garden', 'Empire', 'Lantern', 'Harbor', 'Mirror', 'Forest', 'Kingdom', 'Letter', 'Island', 'Bridge', 'Orchard', 'Tower',
               'Voyage', 'Winter', 'Summer', 'Castle', 'Compass', 'Meadow', 'Shadow', 'Storm', 'Valley', 'Window', 'Crown', 'Desert',
               'Engine', 'Feather', 'Glacier', 'Horizon', 'Journey', 'Key', 'Labyrinth', 'Map', 'Night', 'Ocean', 'Promise', 'Question',
               'Rose', 'Star', 'Thread', 'Umbrella', 'Village', 'Wolf', 'Atlas', 'Bell', 'Clock', 'Dream', 'Echo', 'Flame', 'Gate'][1 + i // 24] AS title,
  ['Ana Lima', 'Bruno Keller', 'Clara Voss', 'Daniel Okoro', 'Eva Lind', 'Felix Braun', 'Greta Holm', 'Hassan Ali', 'Ivy Chen', 'Jonah Reed',
   'Karin Berg', 'Luis Ortega', 'Marta Nowak', 'Nadia Petrova', 'Oscar Wilde', 'Priya Rao', 'Quentin Blake', 'Rita Moreno', 'Sven Dahl', 'Tomas Novak',
   'Ulla Jensen', 'Victor Hugo', 'Willa Cather', 'Xiao Wang', 'Yusuf Demir', 'Zoe Martin', 'Agnes Grey', 'Boris Ivanov', 'Celia Ruiz', 'Dmitri Orlov'][1 + h0 % 30] AS author,
  genre,
  CAST(1950 + h2 % 75 AS INTEGER) AS "publishedYear",
  CAST(64 + h3 % 737 AS INTEGER) AS "pageCount",
  CAST(round([9, 9, 9, 7, 7, 11, 26, 22, 14, 6, 6, 5][g] + (h4 % 1500) / 100.0, 2) AS DECIMAL(6, 2)) AS "replacementCost",
  ['English', 'English', 'English', 'English', 'English', 'Spanish', 'Spanish', 'French', 'German'][1 + h5 % 9] AS language
FROM (SELECT *, 1 + h1 % 12 AS g,
        ['Fiction', 'Fiction', 'Fiction', 'Mystery', 'Mystery', 'Fantasy', 'Science', 'History', 'Biography', 'Children', 'Children', 'Poetry'][1 + h1 % 12] AS genre
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
            FROM range(1200) r(i)));

CREATE TABLE lake.library.loans AS
SELECT CAST(1 + i AS BIGINT) AS "loanId",
  CAST(1 + h0 % 1200 AS INTEGER) AS "bookId",
  CAST(5000 + h1 % 2000 AS INTEGER) AS "memberId",
  CAST([1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6][1 + h2 % 11] AS INTEGER) AS "branchId",
  "loanDate",
  "dueDate",
  CASE WHEN still_out THEN NULL ELSE "loanDate" + kept END AS "returnDate",
  CAST(CASE WHEN still_out THEN 0 ELSE greatest(0, "loanDate" + kept - "dueDate") * 0.25 END AS DECIMAL(6, 2)) AS "lateFee",
  renewed AS "isRenewed"
FROM (SELECT *, "loanDate" + CASE WHEN renewed THEN 35 ELSE 21 END AS "dueDate",
        h4 % 25 = 0 OR ("loanDate" > DATE '2025-11-20' AND h4 % 2 = 0) AS still_out
      FROM (SELECT *, DATE '2023-01-01' + CAST(h3 % 1080 AS INTEGER) AS "loanDate",
              CAST(1 + h5 % 40 AS INTEGER) AS kept, h6 % 5 = 0 AS renewed
            FROM (SELECT i,
                    (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
                    (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
                    (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
                    (i * 1103515245) % 4294967296 // 65536 AS h6
                  FROM range(9000) r(i))));
