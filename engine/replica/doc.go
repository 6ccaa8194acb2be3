// Package replica keeps read-only replicas of a warehouse's tables in
// other warehouses, in step with every commit, and reports their status
// in the S3 Tables vocabulary (pending, ready, failed).
//
// Configuration is a table property, replication.destinations (a comma
// separated list of warehouses); a namespace property of the same name
// (ALTER SCHEMA lake.ns SET PROPERTIES in SQL) applies to the namespace's tables that do not set it, and a warehouse
// wide list lives in the object .floe/replication.json inside the source
// warehouse. A table that sets the property to "" is not replicated.
//
// A Replicator copies each table's current version with its whole
// history into each destination (backfill), then every later metadata
// version the source's metadata log lists, in order: files first, the
// replica's metadata file next, the destination catalog's pointer last
// (engine.MirrorMetadata, engine.Warehouse.SwapPointer), so a replica
// never points at a missing file and an interrupted run resumes from the
// replica's last consistent version. Status is kept in a small object per
// table and destination under .floe/replication/ in the source warehouse.
// All file operations go through the warehouses' vfs.FS, so a source and
// a destination may each be a local directory or an s3:// prefix: paths
// are rewritten to the destination's location, a file already there with
// the same size and MD5 (an object's ETag when it is one) is not copied
// again, and the pointer swap is the destination catalog's own (a SQLite
// row's compare-and-swap, or a conditional write of the object catalog's
// pointer object).
package replica
