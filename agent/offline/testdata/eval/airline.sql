-- A small airline written for the third held-out set (heldout3.txt):
-- camelCase column names ("flightId", "scheduledDeparture", "farePaid"),
-- plural tables, a nullable delay for the cancelled flights, and bookings
-- that join flights, passengers, airports and planes. Generated
-- deterministically from multiplicative hashes of row numbers, so every run
-- holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.airline;

CREATE TABLE lake.airline.airports AS
SELECT CAST(i AS INTEGER) AS "airportNo", "airportCode", "airportName", city, country, "isHub" FROM (VALUES
  (0, 'JFK', 'John F. Kennedy International', 'New York', 'USA', true),
  (1, 'LAX', 'Los Angeles International', 'Los Angeles', 'USA', true),
  (2, 'ORD', 'O''Hare International', 'Chicago', 'USA', true),
  (3, 'SFO', 'San Francisco International', 'San Francisco', 'USA', false),
  (4, 'SEA', 'Seattle-Tacoma International', 'Seattle', 'USA', false),
  (5, 'BOS', 'Logan International', 'Boston', 'USA', false),
  (6, 'MIA', 'Miami International', 'Miami', 'USA', false),
  (7, 'DEN', 'Denver International', 'Denver', 'USA', false),
  (8, 'ATL', 'Hartsfield-Jackson Atlanta International', 'Atlanta', 'USA', false),
  (9, 'YYZ', 'Toronto Pearson', 'Toronto', 'Canada', false),
  (10, 'YVR', 'Vancouver International', 'Vancouver', 'Canada', false),
  (11, 'MEX', 'Mexico City International', 'Mexico City', 'Mexico', false),
  (12, 'LHR', 'Heathrow', 'London', 'United Kingdom', true),
  (13, 'CDG', 'Charles de Gaulle', 'Paris', 'France', false),
  (14, 'FRA', 'Frankfurt am Main', 'Frankfurt', 'Germany', false),
  (15, 'NRT', 'Narita International', 'Tokyo', 'Japan', false)
) v(i, "airportCode", "airportName", city, country, "isHub");

CREATE TABLE lake.airline.planes AS
SELECT 'N' || CAST(301 + i AS VARCHAR) || 'FA' AS "tailNumber",
  ['A320', 'A320', 'A321neo', 'B737-800', 'B737-800', 'B737 MAX 8', 'E190', 'B787-9', 'A350-900'][m] AS model,
  ['Airbus', 'Airbus', 'Airbus', 'Boeing', 'Boeing', 'Boeing', 'Embraer', 'Boeing', 'Airbus'][m] AS manufacturer,
  CAST([180, 180, 196, 172, 172, 178, 100, 290, 315][m] AS INTEGER) AS "seatCount",
  DATE '2008-03-01' + CAST(h1 % 6000 AS INTEGER) AS "deliveredOn",
  (h2 % 11 <> 0) AS "inService"
FROM (SELECT i, 1 + (i * 374761393) % 4294967296 // 65536 % 9 AS m,
        (i * 2246822519) % 4294967296 // 65536 AS h1, (i * 3266489917) % 4294967296 // 65536 AS h2
      FROM range(42) r(i));

CREATE TABLE lake.airline.passengers AS
SELECT CAST(700001 + i AS INTEGER) AS "passengerId",
  ['Ava', 'Liam', 'Noor', 'Mateo', 'Sofia', 'Kenji', 'Amara', 'Lucas', 'Ingrid', 'Omar', 'Priya', 'Diego',
   'Hana', 'Elias', 'Zara', 'Tomas', 'Leila', 'Marco', 'Yuki', 'Freya', 'Ravi', 'Chloe', 'Ibrahim', 'Nina'][1 + h0 % 24] AS "firstName",
  ['Smith', 'Garcia', 'Tanaka', 'Müller', 'Okafor', 'Silva', 'Dubois', 'Kim', 'Novak', 'Haddad', 'Larsen',
   'Singh', 'Rossi', 'Cohen', 'Walsh', 'Ito', 'Moreno', 'Berg', 'Khan', 'Murphy'][1 + h1 % 20] AS "lastName",
  ['None', 'None', 'None', 'None', 'Silver', 'Silver', 'Silver', 'Gold', 'Gold', 'Platinum'][1 + h2 % 10] AS "loyaltyTier",
  ['USA', 'USA', 'USA', 'USA', 'USA', 'Canada', 'Canada', 'Mexico', 'United Kingdom', 'France', 'Germany', 'Japan', 'USA', 'Brazil'][1 + h3 % 14] AS "homeCountry",
  DATE '1945-01-01' + CAST(h4 % 22000 AS INTEGER) AS "birthDate",
  DATE '2015-01-01' + CAST(h5 % 3800 AS INTEGER) AS "memberSince"
FROM (SELECT i,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(4600) r(i));

CREATE TABLE lake.airline.flights AS
SELECT CAST(1 + i AS BIGINT) AS "flightId",
  'FA' || CAST(100 + (o * 16 + d) * 3 + h4 % 3 AS VARCHAR) AS "flightNumber",
  ap_o."airportCode" AS "originCode",
  ap_d."airportCode" AS "destinationCode",
  'N' || CAST(301 + h5 % 42 AS VARCHAR) || 'FA' AS "tailNumber",
  TIMESTAMP '2024-01-01 05:00:00' + INTERVAL (i * 547 // 12000) DAY + INTERVAL (h2 % 1080) MINUTE AS "scheduledDeparture",
  CASE WHEN cancelled THEN NULL
       WHEN h3 % 10 < 6 THEN CAST(h3 % 6 AS INTEGER)
       WHEN h3 % 10 < 9 THEN CAST(6 + h6 % 55 AS INTEGER)
       ELSE CAST(60 + h6 % 240 AS INTEGER) END AS "departureDelayMinutes",
  cancelled AS "isCancelled",
  CAST(250 + ((o + 1) * (d + 1) + (o + d) * 7) % 40 * 230 AS INTEGER) AS "distanceKm"
FROM (SELECT *, CASE WHEN d0 = o THEN (o + 1 + h1 % 15) % 16 ELSE d0 END AS d, h7 % 45 = 0 AS cancelled
      FROM (SELECT *, [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 12, 13, 14, 15][1 + h0 % 26] AS o,
              [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15][1 + h1 % 26] AS d0
      FROM (SELECT i,
              (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7
            FROM range(12000) r(i)))) f
JOIN lake.airline.airports ap_o ON ap_o."airportNo" = f.o
JOIN lake.airline.airports ap_d ON ap_d."airportNo" = f.d;

CREATE TABLE lake.airline.bookings AS
SELECT CAST(5000001 + b.i AS BIGINT) AS "bookingId",
  f."flightId",
  CAST(700001 + (b.h1 * b.h3 + b.h4) % 4600 AS INTEGER) AS "passengerId",
  ['Economy', 'Economy', 'Economy', 'Economy', 'Economy', 'Economy', 'Premium Economy', 'Premium Economy', 'Business', 'First'][c] AS "fareClass",
  CAST(round((40 + f."distanceKm" * 0.11) * [1, 1, 1, 1, 1, 1, 1.6, 1.6, 3.4, 5.8][c] * (0.75 + (b.h3 % 60) / 100.0), 2) AS DECIMAL(9, 2)) AS "farePaid",
  f."scheduledDeparture" - INTERVAL (1 + b.h4 % 120) DAY - INTERVAL (b.h5 % 1440) MINUTE AS "bookedAt",
  CAST([0, 0, 1, 1, 1, 2, 2, 3][1 + b.h6 % 8] AS INTEGER) AS "checkedBags",
  ['Web', 'Web', 'App', 'App', 'App', 'Travel Agent', 'Call Center'][1 + b.h7 % 7] AS "salesChannel"
FROM (SELECT i, 1 + (i * 3266489917) % 4294967296 // 65536 % 10 AS c,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 668265263) % 4294967296 // 65536 AS h3, (i * 374761393) % 4294967296 // 65536 AS h4,
        (i * 3323198485) % 4294967296 // 65536 AS h5, (i * 1103515245) % 4294967296 // 65536 AS h6,
        (i * 2891336453) % 4294967296 // 65536 AS h7
      FROM range(30000) r(i)) b
JOIN lake.airline.flights f ON f."flightId" = 1 + b.h0 % 12000;
