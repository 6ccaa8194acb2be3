// Package objcat is an Iceberg catalog kept as small objects beside the
// tables on the warehouse's own storage (a local directory or an object
// store), so several machines sharing a bucket share the catalog with
// nothing else: no database, no lock service.
//
// # Layout
//
// Under the warehouse root, _catalog/namespaces/<ns>.json holds each
// namespace and its properties, and _catalog/tables/<ns>/<table>.json each
// table's pointer: its current metadata file and the one before;
// _catalog/txn/<uuid>.json decides a multi-table commit. Names are
// path-escaped, dots included, so a multi-level namespace a.b is one object
// a%2Eb.json. Dot-prefixed names (temporary files, lock files) are never
// catalog entries.
//
// # How commits stay safe
//
// Every change of a pointer is a vfs.Swapper Swap against the version it
// was read at (on S3 a PUT with If-Match: <etag>, or If-None-Match: * for a
// new one), and every metadata file is written with vfs.FS Create, which
// never replaces an existing object. CommitTable reads the pointer and its
// version, checks the requirements against the metadata it names, applies
// the updates with table.UpdateTableMetadata (which keeps the metadata log
// and previous-versions-max as other engines expect), writes
// <n+1>-<uuid>.metadata.json and swaps the pointer; a swap that lost
// removes the new metadata file and returns table.ErrCommitFailed, which
// callers retry against the new metadata. Correctness comes from the swap
// alone: advisory locks of one machine are at best an optimization.
//
// A multi-table commit (CommitTables) moves several pointers all or none:
// each is first swapped to carry a pending move naming a transaction
// object, and the conditional create of _catalog/txn/<uuid>.json saying
// "committed" (or, by anyone, "aborted") decides them all; see txn.go.
//
// A dropped table's pointer becomes a tombstone rather than being deleted,
// because an unconditional delete could remove a pointer that a create
// swapped in meanwhile; a tombstone is replaced by a later create of the
// same name with an ordinary swap. A rename touches two objects: it first
// swaps the source to a tombstone naming the target (from then on commits
// to the old name lose), then creates the target's pointer; if the target
// exists it swaps the source back. A crash between the two leaves the
// table under neither name, with the tombstone naming its metadata file, and
// LoadTable of the old name says so; nothing is lost.
package objcat
