-- UCI Adult (census income), loaded as a user would: read_csv with
-- DuckDB's type detection. Needs ../shared/data/adult.csv.
CREATE SCHEMA IF NOT EXISTS lake.census;

CREATE TABLE lake.census.adult AS SELECT * FROM read_csv('{{data}}/adult.csv', header = true);
