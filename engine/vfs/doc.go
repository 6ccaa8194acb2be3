// Package vfs is the warehouse's filesystem seam: the few operations the
// engine performs on warehouse files (open for reading, create a new file
// exclusively and atomically, stat, list, remove, make directories), with
// the local directory implementation used by default. Object storage
// (issue 16) is a second implementation of the same interface (package
// s3fs), and tests wrap either in errorfs to inject faults. A Swapper also
// replaces a small object only when it is unchanged since read (S3's
// If-Match); s3fs is one, and Local is one with a flock around compare and
// rename. The object catalog (engine/objcat) commits through it.
//
// Names are what the engine and Iceberg metadata hold: absolute local paths
// or URIs of the implementation's scheme (file:///... for Local).
//
// # What stays local
//
// DuckDB reads and writes local paths only (it cannot load httpfs here),
// so three places hand it paths and bypass this interface; a remote
// implementation must put a local spool or cache behind each:
//   - scans: read_parquet over the planned data and delete files needs a
//     read-through cache of those immutable files;
//   - writes: COPY ... TO the table's data directory (engine.Table.DataDir)
//     needs a local spool whose files are uploaded (Create) before the
//     commit references them;
//   - commit locks (engine's .locks, flock) and the SQLite catalog are
//     files of the local machine, not warehouse objects.
package vfs
