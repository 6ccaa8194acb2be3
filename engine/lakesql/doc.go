// Package lakesql runs SQL on an embedded DuckDB connection with floe's
// Iceberg warehouse attached as the catalog `lake`: it plans scans of lake
// tables into read_parquet relations, and turns DDL and writes on lake
// tables into Iceberg commits.
package lakesql
