// Package lakesql runs SQL on an embedded DuckDB connection with floe's
// Iceberg warehouse attached as the catalog `lake`: it plans scans of lake
// tables into read_parquet relations, and turns DDL and writes on lake
// tables into Iceberg commits.
//
// A script goes through Session.Query (run.go): internal/sqltext's Split
// cuts it into statements with their tokens, once; run hands each
// statement's tokens to lakeCommand (dispatch.go), whose parsers (ddl.go,
// insert.go, dml.go, merge.go, comment.go, procs.go, on the cursor of
// parse.go) claim the statements floe runs itself; any other statement is
// checked (refuseLakeWrite, views.go), its lake references rewritten and
// their scans planned (refs.go, prune.go) on the same tokens, and DuckDB
// runs it.
//
// CALL runs the session's procedures: the engine's own, with Spark's
// names, arguments and result columns (rewrite_data_files in rewrite.go;
// rewrite_position_delete_files and rewrite_manifests in maintenance.go
// and expiry.go; expire_snapshots and remove_orphan_files in expiry.go;
// register_table), floe's maintenance_policy and run_maintenance
// (maintain.go), replicate (one pass of engine/replica for a table, in
// replicate.go), and those given to Open with WithProcedure. The metadata
// table lake.ns."t$replication" comes from engine/replica, the others
// from the engine (meta.go).
//
// Session.Maintain (maintain.go) runs the maintenance a table's policy
// (engine.Policy) says is due, compaction, snapshot expiry and
// unreferenced file removal, and appends each job's run to the Iceberg
// table lake.floe_system.maintenance_jobs; floe maintain and floe serve
// --maintain call it.
//
// Session.ApplyChanges (apply.go) applies a keyed change set (change data
// capture, package engine/ingest) through the same row-level write path as
// MERGE, with a caller's snapshot summary.
package lakesql
