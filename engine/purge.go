package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/objcat"
)

// PurgeReport says what DROP TABLE ... PURGE did with a table's files.
type PurgeReport struct {
	// Table is the dropped table, lake.ns.t.
	Table string
	// Dropped is false when the table did not exist (DROP TABLE IF EXISTS).
	Dropped bool
	// Deleted counts the files deleted.
	Deleted int
	// Kept counts the table's files that were kept because another catalog
	// entry still reaches them.
	Kept int
	// SharedWith lists the other catalog entries whose location is the
	// table's, inside it or around it (a second name given with
	// register_table): no file was deleted.
	SharedWith []string
	// Outside is the table's location when it lies outside the warehouse
	// (a table registered from elsewhere): no file was deleted.
	Outside string
	// Remote is set when a remote catalog dropped and purged the table:
	// which files it deleted is its own report, not this one.
	Remote bool
}

// Message says in one sentence what happened, for the user.
func (r PurgeReport) Message() string {
	switch {
	case !r.Dropped:
		return fmt.Sprintf("%s does not exist; nothing was dropped", r.Table)
	case r.Remote:
		return fmt.Sprintf("dropped %s; the catalog server purged its files", r.Table)
	case len(r.SharedWith) > 0:
		return fmt.Sprintf("dropped %s from the catalog; no files were deleted: its location is shared with %s, which still reads them",
			r.Table, strings.Join(r.SharedWith, ", "))
	case r.Outside != "":
		return fmt.Sprintf("dropped %s from the catalog; no files were deleted: its location %s is outside this warehouse", r.Table, r.Outside)
	case r.Kept > 0:
		return fmt.Sprintf("dropped %s and deleted %d files; kept %d files that other tables still reference", r.Table, r.Deleted, r.Kept)
	}
	return fmt.Sprintf("dropped %s and deleted its %d files", r.Table, r.Deleted)
}

// PurgeTable drops a table and deletes its files, but never a file that
// another catalog entry can reach: before anything is deleted it collects
// every file every other table's metadata reaches (all snapshots, manifest
// lists, manifests, data and delete files, statistics and earlier metadata
// files). A table whose location overlaps another entry's (a second name
// from register_table, a table registered inside another's directory)
// loses only its catalog entry, and so does a table whose location lies
// outside the warehouse. The catalog entry goes first and the files after,
// so a crash in between leaves unreferenced files, never a catalog entry
// whose files are gone.
//
// If another catalog entry cannot be read, nothing changes and the error
// says which: PURGE cannot prove that table does not share the files.
func (w *Warehouse) PurgeTable(ctx context.Context, ns, name string, ifExists bool) (PurgeReport, error) {
	rep := PurgeReport{Table: "lake." + ns + "." + name}
	if w.Remote() {
		return w.remotePurge(ctx, ns, name, ifExists)
	}
	t, location, err := w.dropTarget(ctx, ns, name)
	if errors.Is(err, ErrNoSuchTable) && ifExists {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("drop table: %w", err)
	}
	fail := func(err error) (PurgeReport, error) {
		return rep, fmt.Errorf("purge %s: %w", rep.Table, err)
	}
	if t != nil {
		if err := t.checkReplica(); err != nil {
			return fail(err)
		}
	}

	loc, local := cleanLocation(location)
	inside := local && loc != w.base() && w.inside(loc)
	var others []*table.Table
	if inside {
		entries, err := w.catalogEntries(ctx)
		if err != nil {
			return fail(err)
		}
		for _, e := range entries {
			if e.ns == ns && e.name == name {
				continue
			}
			ot, err := w.Table(ctx, e.ns, e.name)
			if err != nil {
				return fail(fmt.Errorf("cannot tell whether %s shares its files (drop it first, or DROP TABLE without PURGE): %w", e.ident(), err))
			}
			others = append(others, ot.tbl)
			oloc, _ := cleanLocation(ot.Location())
			ometa, _ := cleanLocation(ot.MetadataLocation())
			if within(loc, oloc) || within(oloc, loc) || within(ometa, loc) {
				rep.SharedWith = append(rep.SharedWith, e.ident())
			}
		}
	} else {
		rep.Outside = location
	}

	var doomed []string
	if local && (!inside || len(rep.SharedWith) > 0) {
		// Nothing goes; count what stays.
		w.fs.Walk(loc, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rep.Kept++
			}
			return nil
		})
	}
	if inside && len(rep.SharedWith) == 0 {
		keep := newReachSet()
		for _, ot := range others {
			if err := keep.addTable(ctx, ot); err != nil {
				return fail(fmt.Errorf("cannot tell whether %s shares its files (drop it first, or DROP TABLE without PURGE): %w",
					"lake."+strings.Join(ot.Identifier(), "."), err))
			}
		}
		// The table's own files: everything under its location, and what
		// its metadata reaches elsewhere in the warehouse. Unreadable
		// metadata still leaves the location to clear.
		own := newReachSet()
		if t != nil {
			if err := own.addTable(ctx, t.tbl); err != nil {
				own = newReachSet()
			}
		}
		w.fs.Walk(loc, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				own.files[p] = true
			}
			return nil
		})
		for p := range own.files {
			switch {
			case !w.inside(p) || w.reserved(p):
			case keep.has(p):
				rep.Kept++
			default:
				doomed = append(doomed, p)
			}
		}
		slices.Sort(doomed)
	}

	if err := w.cat.DropTable(ctx, table.Identifier{ns, name}); err != nil {
		return rep, fmt.Errorf("drop table %s: %w", rep.Table, err)
	}
	rep.Dropped = true
	var errs []error
	for _, p := range doomed {
		if err := w.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		rep.Deleted++
	}
	if inside && len(rep.SharedWith) == 0 {
		w.removeEmptyTree(loc)
	}
	if len(errs) > 0 {
		return rep, fmt.Errorf("purge %s: the table is dropped, but some of its files could not be deleted: %w", rep.Table, errors.Join(errs...))
	}
	return rep, nil
}

// dropTarget finds the table DROP TABLE drops and its location. A table
// whose metadata cannot be read must still be droppable: t is then nil and
// the location is taken from the metadata file's path (its parent's
// parent, by the Iceberg layout).
func (w *Warehouse) dropTarget(ctx context.Context, ns, name string) (*Table, string, error) {
	t, err := w.Table(ctx, ns, name)
	switch {
	case err == nil:
		return t, t.tbl.Location(), nil
	case errors.Is(err, ErrNoSuchTable):
		return nil, "", err
	}
	loc, lerr := w.MetadataLocation(ctx, ns, name)
	if lerr != nil {
		return nil, "", err
	}
	if rest, ok := strings.CutPrefix(loc, "s3://"); ok {
		return nil, "s3://" + path.Dir(path.Dir(rest)), nil
	}
	return nil, strings.TrimSuffix(path.Dir(path.Dir(loc)), "/"), nil
}

// base is where the warehouse's tables live: its s3:// URI on object
// storage, else its directory.
func (w *Warehouse) base() string {
	if w.root != "" {
		return w.root
	}
	return w.dir
}

// inside reports whether a clean location (cleanLocation) lies in the
// warehouse: the only files maintenance deletes.
func (w *Warehouse) inside(p string) bool { return within(p, w.base()) }

// reserved reports the warehouse's own files, which no table owns.
func (w *Warehouse) reserved(p string) bool {
	var first string
	if w.root != "" {
		rel, ok := strings.CutPrefix(p, w.root+"/")
		if !ok {
			return p == w.root
		}
		first = strings.Split(rel, "/")[0]
	} else {
		rel, err := filepath.Rel(w.dir, p)
		if err != nil {
			return true
		}
		first = strings.Split(rel, string(filepath.Separator))[0]
	}
	return strings.HasPrefix(first, CatalogFile) || first == objcat.Dir || first == ".locks" || first == "."
}

// removeEmptyTree removes the empty directories under dir, dir included,
// deepest first. Object storage has none.
func (w *Warehouse) removeEmptyTree(dir string) {
	if w.root != "" {
		return
	}
	var dirs []string
	w.fs.Walk(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		w.fs.Remove(dirs[i]) // only empty directories go
	}
}

// catalogEntry is one table row of the catalog.
type catalogEntry struct{ ns, name, metadataLocation string }

func (e catalogEntry) ident() string { return "lake." + e.ns + "." + e.name }

// catalogEntries lists every table of the catalog, straight from its rows.
func (w *Warehouse) catalogEntries(ctx context.Context) ([]catalogEntry, error) {
	if w.obj != nil {
		return w.objectEntries(ctx)
	}
	if w.db == nil {
		return nil, ErrRemoteCatalog
	}
	rows, err := w.db.QueryContext(ctx,
		`SELECT table_namespace, table_name, coalesce(metadata_location, '') FROM iceberg_tables
		 WHERE catalog_name = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
		 ORDER BY table_namespace, table_name`, "floe")
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	defer rows.Close()
	var out []catalogEntry
	for rows.Next() {
		var e catalogEntry
		if err := rows.Scan(&e.ns, &e.name, &e.metadataLocation); err != nil {
			return nil, fmt.Errorf("read catalog: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
