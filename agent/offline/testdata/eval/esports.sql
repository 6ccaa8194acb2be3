-- An esports league written for the sixth held-out set (heldout6.txt):
-- singular table names (team, player, game, stat_line) and PascalCase
-- columns with ID keys (TeamID, PlayerID, GameID), 'Y'/'N' flags
-- (IsFranchised, IsCaptain, IsMVP), a RegionCode code column (EU, NA, KR,
-- BR), a NULL LeftDate meaning the player is still on the roster, a
-- PlayedAt timestamp, foreign keys player.TeamID -> team, game.BlueTeamID,
-- game.RedTeamID and game.WinnerTeamID -> team, stat_line.GameID -> game
-- and stat_line.PlayerID -> player. Four splits of 150 games each (2024
-- Spring to 2025 Summer, 2024-01-13 to 2025-08-20); each game has a stat
-- line for the five starters of either side. Generated deterministically
-- from multiplicative hashes of row numbers.
CREATE SCHEMA IF NOT EXISTS lake.esports;

CREATE TABLE lake.esports.team AS
SELECT CAST(TeamID AS INTEGER) AS "TeamID", TeamName AS "TeamName", RegionCode AS "RegionCode",
  CAST(FoundedYear AS INTEGER) AS "FoundedYear", IsFranchised AS "IsFranchised" FROM (VALUES
  (1, 'Nordic Wolves', 'EU', 2016, 'Y'), (2, 'Crimson Tide Gaming', 'NA', 2015, 'Y'), (3, 'Seoul Phoenix', 'KR', 2013, 'Y'),
  (4, 'Lisbon Lions', 'EU', 2019, 'N'), (5, 'Team Aurora', 'NA', 2018, 'Y'), (6, 'Busan Storm', 'KR', 2017, 'Y'),
  (7, 'Sao Paulo Jaguars', 'BR', 2016, 'N'), (8, 'Berlin Bytes', 'EU', 2020, 'N'), (9, 'Vortex Esports', 'NA', 2014, 'Y'),
  (10, 'Incheon Tigers', 'KR', 2019, 'N'), (11, 'Rio Thunder', 'BR', 2021, 'N'), (12, 'Paris Valkyries', 'EU', 2017, 'Y'),
  (13, 'Golden Gate Gamers', 'NA', 2020, 'N'), (14, 'Daegu Dragons', 'KR', 2015, 'Y'), (15, 'Curitiba Falcons', 'BR', 2018, 'N'),
  (16, 'Madrid Meteors', 'EU', 2022, 'N')
) v(TeamID, TeamName, RegionCode, FoundedYear, IsFranchised);

-- Eight players per team: five starters (slots 0-4) and a substitute
-- (slot 5) still on the roster, two who left before 2024 (slots 6-7).
CREATE TABLE lake.esports.player AS
SELECT CAST(1 + i AS INTEGER) AS "PlayerID",
  ['Shadow', 'Blaze', 'Frost', 'Nova', 'Viper', 'Echo', 'Rogue', 'Titan', 'Pixel', 'Ghost', 'Raven', 'Zephyr', 'Onyx', 'Kairo',
   'Lumen', 'Drift'][1 + i % 16] || ['', 'X', 'Jr', '99', 'Z', 'Kid', '7', 'Prime'][1 + i // 16] AS "Handle",
  CAST(t AS INTEGER) AS "TeamID",
  CASE WHEN k < 5 THEN ['Top', 'Jungle', 'Mid', 'ADC', 'Support'][k + 1] WHEN k = 5 THEN 'Substitute'
    ELSE ['Top', 'Jungle', 'Mid', 'ADC', 'Support'][1 + h0 % 5] END AS "Role",
  CASE rc WHEN 'KR' THEN ['South Korea', 'South Korea', 'South Korea', 'South Korea', 'China'][1 + h1 % 5]
    WHEN 'BR' THEN ['Brazil', 'Brazil', 'Brazil', 'Argentina'][1 + h1 % 4]
    WHEN 'NA' THEN ['United States', 'United States', 'Canada', 'South Korea', 'Denmark'][1 + h1 % 5]
    ELSE ['Denmark', 'Germany', 'France', 'Spain', 'Poland', 'Sweden'][1 + h1 % 6] END AS "Nationality",
  DATE '1996-01-01' + CAST(h2 % 3300 AS INTEGER) AS "BirthDate",
  CASE WHEN k < 6 THEN DATE '2019-06-01' + CAST(h3 % 1600 AS INTEGER)
    ELSE DATE '2016-01-01' + CAST(h3 % 1200 AS INTEGER) END AS "JoinedDate",
  CASE WHEN k < 6 THEN NULL ELSE DATE '2016-01-01' + CAST(h3 % 1200 + 200 + h4 % 700 AS INTEGER) END AS "LeftDate",
  CAST(CASE WHEN k = 5 THEN 1500 + h5 % 1500 ELSE 3000 + strength * 800 + h5 % 4000 END AS DECIMAL(9, 2)) AS "MonthlySalary",
  CASE WHEN k = t % 5 THEN 'Y' ELSE 'N' END AS "IsCaptain"
FROM (SELECT i, 1 + i // 8 AS t, i % 8 AS k,
        ['EU', 'NA', 'KR', 'EU', 'NA', 'KR', 'BR', 'EU', 'NA', 'KR', 'BR', 'EU', 'NA', 'KR', 'BR', 'EU'][1 + i // 8] AS rc,
        [8, 5, 10, 4, 6, 7, 3, 2, 6, 5, 2, 7, 3, 9, 4, 1][1 + i // 8] AS strength,
        (i * 2654435761) % 4294967296 // 65536 AS h0, (i * 2246822519) % 4294967296 // 65536 AS h1,
        (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
        (i * 374761393) % 4294967296 // 65536 AS h4, (i * 3323198485) % 4294967296 // 65536 AS h5
      FROM range(128) r(i));

CREATE TABLE lake.esports.game AS
SELECT CAST(1 + i AS INTEGER) AS "GameID",
  ['2024 Spring', '2024 Summer', '2025 Spring', '2025 Summer'][1 + s] AS "Season",
  CAST([DATE '2024-01-13', DATE '2024-06-01', DATE '2025-01-11', DATE '2025-06-07'][1 + s] + CAST(j // 2 AS INTEGER) AS TIMESTAMP)
    + to_hours(CAST(CASE j % 2 WHEN 0 THEN 17 ELSE 20 END AS BIGINT)) AS "PlayedAt",
  CASE WHEN j < 140 THEN 'Regular' WHEN j < 149 THEN 'Playoffs' ELSE 'Final' END AS "Stage",
  CAST(blue AS INTEGER) AS "BlueTeamID", CAST(red AS INTEGER) AS "RedTeamID",
  CAST(CASE WHEN h2 % 100 < 50 + 4 * (st[blue] - st[red]) THEN blue ELSE red END AS INTEGER) AS "WinnerTeamID",
  CAST(1500 + h3 % 1500 AS INTEGER) AS "DurationSec",
  CAST(CASE WHEN j = 149 THEN 300000 + h4 % 200000 WHEN j >= 140 THEN 90000 + h4 % 60000 ELSE 15000 + h4 % 50000 END AS INTEGER) AS "PeakViewers"
FROM (SELECT i, s, j, h2, h3, h4, st, blue, 1 + (blue + h1 % 15) % 16 AS red
      FROM (SELECT i, i // 150 AS s, i % 150 AS j, [8, 5, 10, 4, 6, 7, 3, 2, 6, 5, 2, 7, 3, 9, 4, 1] AS st,
              1 + ((i * 2654435761) % 4294967296 // 65536) % 16 AS blue, (i * 2246822519) % 4294967296 // 65536 AS h1,
              (i * 3266489917) % 4294967296 // 65536 AS h2, (i * 668265263) % 4294967296 // 65536 AS h3,
              (i * 374761393) % 4294967296 // 65536 AS h4
            FROM range(600) r(i)));

-- The five starters (slots 0-4) of either side play every game.
CREATE TABLE lake.esports.stat_line AS
SELECT "GameID", CAST((tm - 1) * 8 + r + 1 AS INTEGER) AS "PlayerID", side AS "Side",
  CAST(CASE WHEN r = 4 THEN h0 % 3 ELSE h0 % 8 + CASE WHEN won THEN 2 ELSE 0 END END AS INTEGER) AS "Kills",
  CAST(h1 % 6 + CASE WHEN won THEN 0 ELSE 2 END AS INTEGER) AS "Deaths",
  CAST(h2 % 10 + CASE r WHEN 4 THEN 6 WHEN 1 THEN 3 ELSE 0 END + CASE WHEN won THEN 3 ELSE 0 END AS INTEGER) AS "Assists",
  CAST(7000 + h3 % 6000 + CASE WHEN won THEN 2000 ELSE 0 END + CASE r WHEN 3 THEN 1500 WHEN 4 THEN -2500 ELSE 0 END AS INTEGER) AS "GoldEarned",
  CASE WHEN won AND r = "GameID" % 5 THEN 'Y' ELSE 'N' END AS "IsMVP"
FROM (SELECT g."GameID", side, tm, r, tm = g."WinnerTeamID" AS won,
        (CAST(g."GameID" * 10 + sd * 5 + r AS BIGINT) * 2654435761) % 4294967296 // 65536 AS h0,
        (CAST(g."GameID" * 10 + sd * 5 + r AS BIGINT) * 2246822519) % 4294967296 // 65536 AS h1,
        (CAST(g."GameID" * 10 + sd * 5 + r AS BIGINT) * 3266489917) % 4294967296 // 65536 AS h2,
        (CAST(g."GameID" * 10 + sd * 5 + r AS BIGINT) * 668265263) % 4294967296 // 65536 AS h3
      FROM lake.esports.game g,
        LATERAL (VALUES ('Blue', 0, g."BlueTeamID"), ('Red', 1, g."RedTeamID")) sides(side, sd, tm),
        range(5) rr(r));
