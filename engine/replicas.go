package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/objcat"
)

// Replication keeps read-only replicas of a warehouse's tables in other
// warehouses (package engine/replica does the work). A replica is an
// ordinary Iceberg table that any engine reads; these table properties
// mark it, and floe refuses every write to a table that has them.
const (
	// PropReplicationDestinations lists the warehouses a table is
	// replicated to, comma separated. As a namespace property it applies
	// to the namespace's tables that do not set it themselves.
	PropReplicationDestinations = "replication.destinations"
	// PropReplicaOf marks a replica: the source table, lake.ns.t.
	PropReplicaOf = "replication.replica-of"
	// PropReplicaSourceWarehouse is the warehouse the source table is in.
	PropReplicaSourceWarehouse = "replication.source-warehouse"
	// PropReplicaSourceMetadata is the source's metadata file the
	// replica's current version mirrors.
	PropReplicaSourceMetadata = "replication.source-metadata-location"
)

// ReplicaOf returns the source of a replica: its table (lake.ns.t) and
// warehouse; ok is false for a table that is not a replica.
func (t *Table) ReplicaOf() (source, warehouse string, ok bool) {
	return replicaOf(t.tbl.Properties())
}

func replicaOf(props iceberg.Properties) (string, string, bool) {
	src, ok := props[PropReplicaOf]
	return src, props[PropReplicaSourceWarehouse], ok
}

// CheckReplica returns the refusal of a write to a replica (an error
// matching ErrReadOnly, naming the source), nil for a table that is not
// one: for a caller that may end up writing nothing, and must refuse all
// the same (a compaction with nothing to compact).
func (t *Table) CheckReplica() error { return t.checkReplica() }

// checkReplica refuses writes to a replica.
func (t *Table) checkReplica() error {
	return replicaError(t.Ident(), t.tbl.Properties())
}

func replicaError(ident string, props iceberg.Properties) error {
	src, wh, ok := replicaOf(props)
	if !ok {
		return nil
	}
	return fmt.Errorf("%s: %w: it is a replica of %s in warehouse %s, kept in step by floe replicate; write to the source instead",
		ident, ErrReadOnly, src, wh)
}

// checkDropReplica refuses to drop a replica the replicator keeps (one at
// its warehouse's ReplicaDir); a replica registered elsewhere
// (register_table) is only a catalog entry here and may be dropped, though
// not purged. A nil t (unreadable metadata) is not checked.
func (t *Table) checkDropReplica() error {
	if t == nil {
		return nil
	}
	if _, _, ok := t.ReplicaOf(); !ok {
		return nil
	}
	loc, ok := cleanLocation(t.Location())
	if ok && loc != t.wh.ReplicaDir(t.NS, t.Name) {
		return nil
	}
	return t.checkReplica()
}

// SwapPointer points the catalog entry of lake.ns.name at the metadata
// file newLoc, only when it still points at oldLoc (the catalog's
// compare-and-swap); oldLoc "" registers a new entry (making the
// namespace when needed) and fails with ErrTableExists when there is one.
// The metadata file is not read: the caller (the replicator) wrote it and
// every file it reaches first. A lost swap is ErrCommitConflict. Over the
// catalog on object storage (objcat) the swap is a conditional write of
// the table's pointer object.
func (w *Warehouse) SwapPointer(ctx context.Context, ns, name, oldLoc, newLoc string) error {
	ident := "lake." + ns + "." + name
	if w.obj != nil {
		return w.swapObjectPointer(ctx, ns, name, oldLoc, newLoc)
	}
	if w.db == nil {
		return fmt.Errorf("swap the pointer of %s: %w", ident, ErrRemoteCatalog)
	}
	if oldLoc == "" {
		if exists, err := w.cat.CheckNamespaceExists(ctx, table.Identifier{ns}); err != nil {
			return fmt.Errorf("register %s: %w", ident, err)
		} else if !exists {
			if err := w.CreateNamespace(ctx, ns, false); err != nil && !errors.Is(err, ErrNamespaceExists) {
				return fmt.Errorf("register %s: %w", ident, err)
			}
		}
		if exists, _ := w.cat.CheckTableExists(ctx, table.Identifier{ns, name}); exists {
			return fmt.Errorf("register %s: %w", ident, ErrTableExists)
		}
		if _, err := w.db.ExecContext(ctx,
			`INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
			 VALUES (?, ?, ?, ?, NULL, 'TABLE')`, "floe", ns, name, newLoc); err != nil {
			return fmt.Errorf("register %s: %w", ident, err)
		}
		return nil
	}
	res, err := w.db.ExecContext(ctx,
		`UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
		 WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?`,
		newLoc, oldLoc, "floe", ns, name, oldLoc)
	if err != nil {
		return fmt.Errorf("swap the pointer of %s: %w", ident, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("swap the pointer of %s: it no longer points at %s: %w", ident, oldLoc, ErrCommitConflict)
	}
	return nil
}

// ReplicaDir is where a replica of lake.ns.name lives in this warehouse:
// <warehouse>/<ns>.db/<name>, always the same place, so a replicator that
// was interrupted finds what it wrote. On object storage it is the s3://
// URI under the warehouse's root (the name the warehouse's FS takes).
func (w *Warehouse) ReplicaDir(ns, name string) string {
	if w.root != "" {
		return w.root + "/" + ns + ".db/" + name
	}
	return filepath.Join(w.dir, ns+".db", name)
}

// swapObjectPointer is SwapPointer over the object catalog.
func (w *Warehouse) swapObjectPointer(ctx context.Context, ns, name, oldLoc, newLoc string) error {
	ident := "lake." + ns + "." + name
	if oldLoc == "" {
		if err := w.CreateNamespace(ctx, ns, true); err != nil {
			return fmt.Errorf("register %s: %w", ident, err)
		}
	}
	err := w.obj.SwapMetadataLocation(ctx, table.Identifier{ns, name}, oldLoc, newLoc)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, catalog.ErrTableAlreadyExists):
		return fmt.Errorf("register %s: %w", ident, ErrTableExists)
	case errors.Is(err, objcat.ErrMoved), errors.Is(err, catalog.ErrNoSuchTable) && oldLoc != "":
		return fmt.Errorf("swap the pointer of %s: it no longer points at %s: %w", ident, oldLoc, ErrCommitConflict)
	}
	return fmt.Errorf("swap the pointer of %s: %w", ident, err)
}

// ReleaseReplicaFiles deletes the files of the replica lake.ns.name that
// its earlier version prev reached and its current version does not: the
// files of snapshots its source expired. Only files under the replica's
// directory go, and none another catalog entry reaches. Called after the
// pointer moved on, so a crash in between leaves unreferenced files, never
// a replica that points at a missing one. It returns how many it deleted.
func (w *Warehouse) ReleaseReplicaFiles(ctx context.Context, ns, name string, prev *Table) (int, error) {
	ident := "lake." + ns + "." + name
	if w.db == nil && w.obj == nil {
		return 0, fmt.Errorf("release replica files of %s: %w", ident, ErrRemoteCatalog)
	}
	cur, err := w.Table(ctx, ns, name)
	if err != nil {
		return 0, err
	}
	if _, _, ok := cur.ReplicaOf(); !ok {
		return 0, fmt.Errorf("release replica files of %s: %w: it is not a replica", ident, ErrReadOnly)
	}
	gone := newReachSet()
	if err := gone.addTable(ctx, prev.tbl); err != nil {
		return 0, fmt.Errorf("release replica files of %s: %w", ident, err)
	}
	// The replica's own snapshots keep what they read (live entries, as
	// expire_snapshots keeps on the source); other tables keep anything
	// their manifests name.
	own := newLiveReachSet()
	if err := own.addTable(ctx, cur.tbl); err != nil {
		return 0, fmt.Errorf("release replica files of %s: %w", ident, err)
	}
	keep := newReachSet()
	entries, err := w.catalogEntries(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if e.ns == ns && e.name == name {
			continue
		}
		t, err := w.Table(ctx, e.ns, e.name)
		if err != nil {
			return 0, fmt.Errorf("release replica files of %s: %s cannot be read, so its files cannot be told apart: %w", ident, e.ident(), err)
		}
		if err := keep.addTable(ctx, t.tbl); err != nil {
			return 0, fmt.Errorf("release replica files of %s: %w", ident, err)
		}
	}
	dir := w.ReplicaDir(ns, name)
	n := 0
	for p := range gone.files {
		if within(p, dir) && !own.has(p) && !keep.has(p) && w.fs.Remove(p) == nil {
			n++
		}
	}
	return n, nil
}
