// Package engine owns floe's Iceberg tables: the warehouse and its embedded
// catalog, table creation and schema evolution, scan planning (snapshot,
// partition and column-statistics pruning), atomic commits of data files
// written by DuckDB, and table maintenance (snapshot expiry, orphan-file
// removal, manifest rewrites), which never deletes a file another catalog
// entry reaches and measures ages from Now (FLOE_NOW). The embedded catalog
// is a SQLite file of the warehouse's machine, or (WithObjectCatalog) small
// objects on the warehouse's own storage that machines sharing it commit to
// with conditional writes (engine/objcat).
// Maintenance policies (policy.go) are properties of a table, its
// namespace or the warehouse, resolved nearest first.
// It also copies a table into another place with its paths rewritten: a
// copied warehouse made its own (Relocate, Copy) and a table version
// mirrored into another warehouse (MirrorMetadata), which package
// engine/replica uses to keep read-only replicas, refused every write here
// (replicas.go). A warehouse may also
// take its catalog from a remote Iceberg REST catalog (OpenRemote), whose
// tables' files it reads and writes in place on local paths, or on S3
// through the read cache and spool below, with the S3 configuration the
// catalog vends per table (remote.go). Every file it and iceberg-go
// open, create, list or remove goes through the warehouse's filesystem
// seam (engine/vfs); DuckDB reads and writes local paths itself. A
// warehouse may also live in an S3 bucket (Open("s3://bucket/prefix"),
// engine/vfs/s3fs): DuckDB then reads copies from a local read cache
// (engine/filecache) and writes to a local spool floe uploads before the
// commit (objectstore.go); maintenance there lists, ages (LastModified)
// and deletes objects through the same seam.
// It is built on github.com/apache/iceberg-go and imports no other floe package
// but internal/sqltext, the leaf that writes SQL names and strings
// (engine/restserver serves a warehouse over REST).
package engine
