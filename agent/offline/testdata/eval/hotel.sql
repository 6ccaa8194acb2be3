-- A hotel group written for the fourth held-out set (heldout4.txt):
-- camelCase names as a booking engine exports them (hotelId, roomType,
-- nightlyRate, checkInDate, reservationStatus), eight hotels in four cities,
-- their rooms, guests with a loyalty tier, reservations with a status
-- (CheckedOut, Cancelled, NoShow, Confirmed for stays not yet started) and
-- the extra charges posted to checked-out stays. Foreign keys: rooms to
-- hotels, reservations to guests and rooms, roomCharges to reservations.
-- Check-in dates run from 2023-01-01 to 2025-09-30. Generated
-- deterministically from multiplicative hashes of row numbers, so every run
-- holds the same rows.
CREATE SCHEMA IF NOT EXISTS lake.hotel;

CREATE TABLE lake.hotel.hotels AS
SELECT CAST(hotelId AS INTEGER) AS hotelId, hotelName, city, country, CAST(starRating AS INTEGER) AS starRating, openedOn FROM (VALUES
  (1, 'Harborview Grand', 'Lisbon', 'Portugal', 5, DATE '2009-04-01'),
  (2, 'Alfama Boutique', 'Lisbon', 'Portugal', 4, DATE '2016-06-15'),
  (3, 'Canal House', 'Amsterdam', 'Netherlands', 4, DATE '2012-03-10'),
  (4, 'Zuid Business Inn', 'Amsterdam', 'Netherlands', 3, DATE '2018-09-01'),
  (5, 'Old Town Lodge', 'Prague', 'Czechia', 3, DATE '2014-05-20'),
  (6, 'Vltava Palace', 'Prague', 'Czechia', 5, DATE '2011-11-11'),
  (7, 'Ramblas Suites', 'Barcelona', 'Spain', 4, DATE '2015-02-01'),
  (8, 'Airport Express Hotel', 'Barcelona', 'Spain', 2, DATE '2020-07-01')
) v(hotelId, hotelName, city, country, starRating, openedOn);

CREATE TABLE lake.hotel.rooms AS
SELECT CAST(1 + i AS INTEGER) AS roomId, CAST(1 + i // 75 AS INTEGER) AS hotelId,
  CAST(100 * (1 + (i % 75) // 15) + i % 15 + 1 AS INTEGER) AS roomNumber,
  rt AS roomType,
  CAST(round(CASE rt WHEN 'Standard' THEN 90 WHEN 'Deluxe' THEN 140 WHEN 'Family' THEN 170 ELSE 280 END
             * (0.55 + h.starRating * 0.15) * (0.95 + (h1 % 11) / 100.0), 0) AS DECIMAL(8, 2)) AS nightlyRate,
  CAST(CASE rt WHEN 'Family' THEN 4 WHEN 'Suite' THEN 3 ELSE 2 END AS INTEGER) AS maxOccupancy,
  (h2 % 3 = 0) AS hasBalcony
FROM (SELECT i, h1, h2, CASE WHEN h0 % 20 < 10 THEN 'Standard' WHEN h0 % 20 < 15 THEN 'Deluxe' WHEN h0 % 20 < 18 THEN 'Family' ELSE 'Suite' END AS rt
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2
            FROM range(600) r(i))) x
JOIN lake.hotel.hotels h ON h.hotelId = 1 + x.i // 75;

CREATE TABLE lake.hotel.guests AS
SELECT CAST(1 + i AS INTEGER) AS guestId,
  ['Anna', 'Bruno', 'Chloe', 'Daan', 'Emma', 'Felix', 'Giulia', 'Hugo', 'Ines', 'Jakub', 'Klara', 'Liam', 'Marta', 'Noah',
   'Olivia', 'Pedro', 'Quinn', 'Rita', 'Sven', 'Tereza', 'Umar', 'Vera', 'Willem', 'Yara'][1 + h0 % 24] AS firstName,
  ['Silva', 'de Vries', 'Novak', 'Garcia', 'Smith', 'Muller', 'Rossi', 'Dubois', 'Jansen', 'Svoboda', 'Costa', 'Martinez',
   'Brown', 'Schmidt', 'Bakker', 'Dvorak', 'Lopez', 'Moreau', 'Pereira', 'Kowalski'][1 + h1 % 20] AS lastName,
  ['United Kingdom', 'United Kingdom', 'Germany', 'Germany', 'United States', 'United States', 'France', 'Spain', 'Portugal',
   'Netherlands', 'Czechia', 'Italy', 'Brazil', 'Canada', 'Japan'][1 + h2 % 15] AS homeCountry,
  CASE WHEN h3 % 100 < 55 THEN 'None' WHEN h3 % 100 < 80 THEN 'Silver' WHEN h3 % 100 < 94 THEN 'Gold' ELSE 'Platinum' END AS loyaltyTier,
  DATE '2018-01-01' + CAST(h4 % 2800 AS INTEGER) AS signupDate,
  (h5 % 4 = 0) AS marketingOptIn
FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 1103515245) % 4294967296 // 65536 AS h5
      FROM range(3000) r(i));

CREATE TABLE lake.hotel.reservations AS
SELECT CAST(100001 + x.i AS INTEGER) AS reservationId, x.guestId, x.roomId,
  x.checkInDate - CAST(x.h2 % 120 AS INTEGER) AS bookedOn,
  x.checkInDate, x.checkInDate + x.nights AS checkOutDate, x.nights,
  CAST(1 + x.h6 % 2 + CASE WHEN r.maxOccupancy > 2 AND x.h7 % 3 = 0 THEN 1 ELSE 0 END AS INTEGER) AS adults,
  CAST(CASE WHEN r.roomType = 'Family' THEN 1 + x.h7 % 2 ELSE 0 END AS INTEGER) AS children,
  ['Direct', 'Direct', 'Direct', 'Booking.com', 'Booking.com', 'Booking.com', 'Expedia', 'Expedia', 'Corporate', 'Travel Agent'][1 + x.h8 % 10] AS bookingChannel,
  CASE WHEN x.checkInDate > DATE '2025-09-20' THEN CASE WHEN x.h5 % 100 < 10 THEN 'Cancelled' ELSE 'Confirmed' END
       WHEN x.h5 % 100 < 12 THEN 'Cancelled' WHEN x.h5 % 100 < 15 THEN 'NoShow' ELSE 'CheckedOut' END AS reservationStatus,
  CAST(round(x.nights * r.nightlyRate * CASE WHEN month(x.checkInDate) IN (6, 7, 8) THEN 1.25 WHEN month(x.checkInDate) IN (1, 2) THEN 0.85 ELSE 1 END, 2) AS DECIMAL(10, 2)) AS totalAmount,
  (x.h9 % 4 <> 0) AS isRefundable
FROM (SELECT i, h2, h5, h6, h7, h8, h9,
        CAST(1 + h0 % 3000 AS INTEGER) AS guestId, CAST(1 + h1 % 600 AS INTEGER) AS roomId,
        DATE '2023-01-01' + CAST(h3 % 1004 AS INTEGER) AS checkInDate,
        CAST([1, 1, 2, 2, 2, 3, 3, 4, 5, 7][1 + h4 % 10] AS INTEGER) AS nights
      FROM (SELECT i, (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5,
              (i * 1103515245) % 4294967296 // 65536 AS h6, (i * 2891336453) % 4294967296 // 65536 AS h7,
              (i * 1597334677) % 4294967296 // 65536 AS h8, (i * 2869860233) % 4294967296 // 65536 AS h9
            FROM range(12000) r(i))) x
JOIN lake.hotel.rooms r ON r.roomId = x.roomId;

CREATE TABLE lake.hotel.roomCharges AS
SELECT CAST(row_number() OVER (ORDER BY chargeDate, reservationId, k) AS INTEGER) AS chargeId, reservationId, chargeDate, category,
  CAST(round(CASE category WHEN 'Minibar' THEN 8 + h % 40 WHEN 'Restaurant' THEN 25 + h % 160 WHEN 'Spa' THEN 60 + h % 140
                           WHEN 'Parking' THEN 18 + h % 20 ELSE 10 + h % 35 END + (h % 100) / 100.0, 2) AS DECIMAL(8, 2)) AS amount
FROM (SELECT r.reservationId, k.k, r.checkInDate + CAST((r.reservationId + k.k * 7) % r.nights AS INTEGER) AS chargeDate,
        ((CAST(r.reservationId AS BIGINT) - 100000) * 3 + k.k) * 2654435761 % 4294967296 // 65536 AS h,
        ['Minibar', 'Restaurant', 'Restaurant', 'Restaurant', 'Spa', 'Parking', 'Parking', 'Laundry'][1 + ((CAST(r.reservationId AS BIGINT) - 100000) * 3 + k.k) * 2246822519 % 4294967296 // 65536 % 8] AS category
      FROM lake.hotel.reservations r, range(3) k(k)
      WHERE r.reservationStatus = 'CheckedOut' AND ((CAST(r.reservationId AS BIGINT) - 100000) * 3 + k.k) * 3266489917 % 4294967296 // 65536 % 100 < 45 - k.k * 10);
