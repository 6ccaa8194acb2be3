// Package lakesql runs SQL on an embedded DuckDB connection with floe's
// Iceberg warehouse attached as the catalog `lake`: it plans scans of lake
// tables into read_parquet relations, and turns DDL and writes on lake
// tables into Iceberg commits. CALL runs the session's procedures: the
// engine's own (rewrite_data_files, rewrite_position_delete_files,
// register_table) and those given to Open with WithProcedure.
package lakesql
