-- A city museum written for the fifth held-out set (heldout5.txt): plural
-- table names and full-word snake_case columns (galleries, artists,
-- artworks, exhibitions, tickets), booleans (is_on_display,
-- is_accessible, is_member), foreign keys artworks -> artists and
-- galleries, exhibitions -> galleries, tickets -> exhibitions (NULL for a
-- general-admission ticket). Tickets are sold from 2023-01-01 to
-- 2025-06-30. Generated deterministically from multiplicative hashes.
CREATE SCHEMA IF NOT EXISTS lake.museum;

CREATE TABLE lake.museum.galleries AS
SELECT CAST(gallery_id AS INTEGER) AS gallery_id, gallery_name, floor_level, is_accessible FROM (VALUES
  (1, 'Great Hall', 0, true), (2, 'East Wing', 1, true), (3, 'West Wing', 1, true), (4, 'Print Room', 2, false),
  (5, 'Modern Gallery', 2, true), (6, 'Sculpture Court', 0, true), (7, 'Textiles Room', 3, false)
) v(gallery_id, gallery_name, floor_level, is_accessible);

CREATE TABLE lake.museum.artists AS
SELECT CAST(artist_id AS INTEGER) AS artist_id, artist_name, nationality, CAST(birth_year AS INTEGER) AS birth_year FROM (VALUES
  (1, 'Margaret Ellison', 'British', 1851), (2, 'Henri Vasseur', 'French', 1863), (3, 'Ilse Brandt', 'German', 1898),
  (4, 'Tomas Herrera', 'Spanish', 1910), (5, 'Akiko Mori', 'Japanese', 1934), (6, 'Samuel Okafor', 'Nigerian', 1948),
  (7, 'Clara Lindqvist', 'Swedish', 1957), (8, 'Jonah Whitcombe', 'British', 1966), (9, 'Lucia Ferraro', 'Italian', 1972),
  (10, 'Dmitri Volkov', 'Russian', 1879), (11, 'Grace Abernathy', 'American', 1981), (12, 'Pierre Lagarde', 'French', 1822),
  (13, 'Nadia Haddad', 'Lebanese', 1989), (14, 'Walter Finch', 'British', 1790)
) v(artist_id, artist_name, nationality, birth_year);

CREATE TABLE lake.museum.artworks AS
SELECT CAST(1 + i AS INTEGER) AS artwork_id,
  ['Study', 'Portrait', 'Landscape', 'Still Life', 'Composition', 'View', 'Figure', 'Interior'][1 + h0 % 8] || ' No. ' || CAST(1 + h1 % 90 AS VARCHAR) AS title,
  CAST([1, 1, 2, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 8, 8, 9, 10, 11, 12, 12, 13, 14, 14][1 + h2 % 23] AS INTEGER) AS artist_id,
  CAST(1 + h3 % 7 AS INTEGER) AS gallery_id,
  ['Oil on canvas', 'Oil on canvas', 'Watercolour', 'Bronze', 'Marble', 'Etching', 'Photograph', 'Textile', 'Mixed media'][1 + h4 % 9] AS medium,
  DATE '1950-01-01' + CAST(h5 % 27000 AS INTEGER) AS acquisition_date,
  CAST(round(500 + (h6 % 5000) * (1 + h7 % 60), -2) AS DECIMAL(12, 2)) AS insured_value,
  (h8 % 100 < 40) AS is_on_display
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
        (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
        (i * 1597334677) % 4294967296 // 65536 AS h8
      FROM range(900) r(i));

CREATE TABLE lake.museum.exhibitions AS
SELECT CAST(exhibition_id AS INTEGER) AS exhibition_id, exhibition_title, CAST(gallery_id AS INTEGER) AS gallery_id, start_date, end_date,
  CAST(surcharge AS DECIMAL(5, 2)) AS surcharge FROM (VALUES
  (1, 'Light and Water', 5, DATE '2023-02-01', DATE '2023-05-28', 6.00),
  (2, 'Northern Printmakers', 4, DATE '2023-03-15', DATE '2023-09-10', 4.00),
  (3, 'Bronze Age Bodies', 6, DATE '2023-06-10', DATE '2023-11-26', 8.50),
  (4, 'Threads of Empire', 7, DATE '2023-10-01', DATE '2024-03-03', 5.00),
  (5, 'The Camera Eye', 5, DATE '2024-01-20', DATE '2024-06-30', 7.50),
  (6, 'Victorian Faces', 2, DATE '2024-04-05', DATE '2024-09-29', 6.00),
  (7, 'After the Storm', 3, DATE '2024-09-14', DATE '2025-02-16', 9.00),
  (8, 'Small Worlds', 4, DATE '2024-11-02', DATE '2025-04-27', 4.50),
  (9, 'Sea and Sky', 5, DATE '2025-03-01', DATE '2025-08-31', 8.00)
) v(exhibition_id, exhibition_title, gallery_id, start_date, end_date, surcharge);

CREATE TABLE lake.museum.tickets AS
SELECT CAST(row_number() OVER (ORDER BY visit_date, i) AS INTEGER) AS ticket_id, visit_date, ticket_type,
  e.exhibition_id,
  CAST(CASE ticket_type WHEN 'Adult' THEN 14 WHEN 'Concession' THEN 9 WHEN 'Child' THEN 5 ELSE 0 END
       + CASE WHEN e.exhibition_id IS NULL THEN 0 ELSE e.surcharge END AS DECIMAL(6, 2)) AS price_paid,
  is_member
FROM (SELECT i, DATE '2023-01-01' + CAST(h0 % 912 AS INTEGER) AS visit_date,
        ['Adult', 'Adult', 'Adult', 'Adult', 'Concession', 'Concession', 'Child', 'Child', 'School group'][1 + h1 % 9] AS ticket_type,
        h2 % 100 < 45 AS wants_show, (h3 % 100 < 22) AS is_member
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3
            FROM range(24000) r(i))) t
LEFT JOIN (SELECT CAST(g.d AS DATE) AS show_date, max(x.exhibition_id) AS show_id
           FROM lake.museum.exhibitions x, generate_series(CAST(x.start_date AS TIMESTAMP), CAST(x.end_date AS TIMESTAMP), INTERVAL 1 DAY) g(d)
           GROUP BY 1) sd ON t.wants_show AND sd.show_date = t.visit_date
LEFT JOIN lake.museum.exhibitions e ON e.exhibition_id = sd.show_id;
