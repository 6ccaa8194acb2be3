// Package lake is the agent's catalog of a lakesql session (Catalog): the
// lake tables with their columns, comments, row counts and versions, the
// statistics profiles read from Iceberg metadata, and bounded queries. The
// agent itself depends only on its small Catalog interface, not on the
// engine.
package lake
