// Package engine owns floe's Iceberg tables: the warehouse and its embedded
// catalog, table creation and schema evolution, scan planning (snapshot,
// partition and column-statistics pruning) and atomic commits of data files
// written by DuckDB. It is built on github.com/apache/iceberg-go and imports
// no other floe package but internal/sqltext, the leaf that writes SQL names
// and strings.
package engine
