package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
)

// Table is one Iceberg table of a warehouse at the metadata version it was
// loaded at. Operations that commit return the table at its new version.
type Table struct {
	wh   *Warehouse
	NS   string
	Name string
	tbl  *table.Table

	// created is set on the Table CreateTable returns when it made the
	// table (not when IF NOT EXISTS found one): UndoCreate removes only
	// such tables.
	created bool
}

// Ident returns the name users write: lake.ns.table.
func (t *Table) Ident() string { return "lake." + t.NS + "." + t.Name }

// Iceberg returns the underlying iceberg-go table.
func (t *Table) Iceberg() *table.Table { return t.tbl }

// Schema returns the table's current schema.
func (t *Table) Schema() *iceberg.Schema { return t.tbl.Schema() }

// Spec returns the table's current partition spec.
func (t *Table) Spec() iceberg.PartitionSpec { return t.tbl.Spec() }

// Properties returns the table's properties.
func (t *Table) Properties() iceberg.Properties { return t.tbl.Properties() }

// FormatVersion returns the table's Iceberg format version.
func (t *Table) FormatVersion() int { return t.tbl.Metadata().Version() }

// MetadataLocation returns the metadata file this version was loaded from.
func (t *Table) MetadataLocation() string { return t.tbl.MetadataLocation() }

// Location returns the table's base location.
func (t *Table) Location() string { return t.tbl.Location() }

// DataDir returns the local directory new data files are written to.
// DuckDB writes there itself, not through the warehouse's FS: on a remote
// FS this is where a local spool goes (package vfs).
func (t *Table) DataDir() (string, error) {
	if err := t.checkWritable(); err != nil {
		return "", err
	}
	loc := t.tbl.Location()
	if p := t.tbl.Properties().Get("write.data.path", ""); p != "" {
		loc = p
	} else {
		loc = strings.TrimSuffix(loc, "/") + "/data"
	}
	if dir, ok := t.wh.spoolPath(loc); ok {
		// DuckDB writes to the spool; the files are uploaded before the
		// commit (Warehouse.upload).
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("%s: spool for %s: %w", t.Ident(), loc, err)
		}
		return dir, nil
	}
	dir, ok := LocalPath(loc)
	if !ok {
		return "", t.wh.notLocal(t.Ident(), "data location", loc)
	}
	return dir, nil
}

// CreateOptions describe a new table.
type CreateOptions struct {
	Columns     []Column
	Partition   []PartitionTerm
	Properties  map[string]string
	IfNotExists bool
}

// Property keys floe reads.
const (
	PropFormatVersion = "format-version"
	PropDeleteMode    = "write.delete.mode"
	PropUpdateMode    = "write.update.mode"
	PropMergeMode     = "write.merge.mode"
)

// CreateTable creates a table. Format version 2 is the default; the
// properties may ask for 3.
func (w *Warehouse) CreateTable(ctx context.Context, ns, name string, opts CreateOptions) (*Table, error) {
	ident := "lake." + ns + "." + name
	for _, err := range []error{ValidateName("schema", ns), ValidateName("table", name)} {
		if err != nil {
			return nil, fmt.Errorf("create table: %w", err)
		}
	}
	if len(opts.Columns) == 0 {
		return nil, fmt.Errorf("create table %s: a table needs at least one column", ident)
	}
	schema, err := SchemaFromColumns(opts.Columns)
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", ident, err)
	}
	spec, err := BuildPartitionSpec(schema, opts.Partition)
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", ident, err)
	}
	props := iceberg.Properties{PropFormatVersion: "2"}
	for k, v := range opts.Properties {
		props[k] = v
	}
	if err := validateProperties(props); err != nil {
		return nil, fmt.Errorf("create table %s: %w", ident, err)
	}
	if props[PropFormatVersion] == "3" {
		for _, k := range []string{PropDeleteMode, PropUpdateMode, PropMergeMode} {
			if _, ok := props[k]; !ok {
				props[k] = "merge-on-read"
			}
		}
	}
	if exists, err := w.cat.CheckTableExists(ctx, table.Identifier{ns, name}); err == nil && exists {
		if opts.IfNotExists {
			return w.Table(ctx, ns, name)
		}
		return nil, fmt.Errorf("create table %s: %w", ident, ErrTableExists)
	}
	createOpts := []catalog.CreateTableOpt{catalog.WithPartitionSpec(&spec), catalog.WithProperties(props)}
	var loc string
	if !w.Remote() {
		// A remote catalog places the table in its own warehouse.
		loc = w.NewTableDir(ns, name)
		createOpts = append(createOpts, catalog.WithLocation(tableLocation(loc)))
	}
	t, err := w.cat.CreateTable(ctx, table.Identifier{ns, name}, schema, createOpts...)
	if err == nil && w.remote != nil {
		// The table's S3 filesystem, as the catalog configured it; a
		// failure here fails again, named, on the table's first load.
		_ = w.remote.loaded(ctx, t)
	}
	if err != nil {
		// iceberg-go removes the metadata file of a table it could not
		// record; the directories it made for it are left empty.
		if loc != "" {
			w.removeEmptyDirs(filepath.Join(loc, "metadata"), loc, filepath.Dir(loc))
		}
		if errors.Is(err, catalog.ErrNoSuchNamespace) {
			return nil, fmt.Errorf("create table %s: schema lake.%s does not exist (CREATE SCHEMA lake.%s first): %w", ident, ns, ns, ErrNoSuchNamespace)
		}
		if opts.IfNotExists && errors.Is(err, catalog.ErrTableAlreadyExists) {
			return w.Table(ctx, ns, name)
		}
		return nil, fmt.Errorf("create table %s: %w", ident, err)
	}
	return &Table{wh: w, NS: ns, Name: name, tbl: t, created: true}, nil
}

// NewTableDir returns the directory a new table lake.ns.name gets:
// <warehouse>/<ns>.db/<name>, or that with a random suffix when a dropped
// table's files still hold the name, so the two never mix.
func (w *Warehouse) NewTableDir(ns, name string) string {
	loc := filepath.Join(w.dir, ns+".db", name)
	if w.root != "" {
		loc = w.root + "/" + ns + ".db/" + name
	}
	if _, err := w.fs.Stat(loc); err == nil {
		loc = fmt.Sprintf("%s-%08x", loc, rand.Uint32())
	}
	return loc
}

// NewTableLocation is NewTableDir as a location URI: file:// for a local
// warehouse, s3:// on object storage.
func (w *Warehouse) NewTableLocation(ns, name string) string {
	return tableLocation(w.NewTableDir(ns, name))
}

// UndoCreate removes a table that CreateTable made, when a later step of
// the same statement failed (defining it for DuckDB, writing a CREATE
// TABLE AS query's rows): its catalog entry and the directory CreateTable
// chose for it, which held nothing before. A table that CreateTable found
// rather than made (IF NOT EXISTS), or that was dropped and made again
// meanwhile, is left alone.
func (w *Warehouse) UndoCreate(ctx context.Context, t *Table) error {
	if t == nil || !t.created {
		return nil
	}
	cur, err := w.Table(ctx, t.NS, t.Name)
	switch {
	case errors.Is(err, ErrNoSuchTable):
	case err != nil:
		return fmt.Errorf("undo create table %s: %w", t.Ident(), err)
	case cur.tbl.Metadata().TableUUID() != t.tbl.Metadata().TableUUID():
		return nil
	default:
		drop := w.cat.DropTable
		if pc, ok := w.cat.(catalog.PurgeableTable); ok && w.Remote() {
			// The remote catalog placed the table: it removes the files
			// (the first metadata file, at least) with the entry.
			drop = pc.PurgeTable
		}
		if err := drop(ctx, table.Identifier{t.NS, t.Name}); err != nil && !errors.Is(err, ErrNoSuchTable) {
			return fmt.Errorf("undo create table %s: %w", t.Ident(), err)
		}
	}
	if w.root != "" {
		// On object storage: the objects under the table's location.
		if loc := strings.TrimSuffix(t.Location(), "/"); strings.HasPrefix(loc, w.root+"/") {
			if err := w.fs.RemoveAll(loc); err != nil {
				return fmt.Errorf("undo create table %s: %w", t.Ident(), err)
			}
		}
		return nil
	}
	dir, ok := LocalPath(t.Location())
	if !ok || !strings.HasPrefix(dir, w.dir+string(filepath.Separator)) {
		return nil
	}
	if err := w.fs.RemoveAll(dir); err != nil {
		return fmt.Errorf("undo create table %s: %w", t.Ident(), err)
	}
	w.removeEmptyDirs(filepath.Dir(dir))
	return nil
}

// removeEmptyDirs removes each directory that is empty, in order; a
// directory that holds anything stays.
func (w *Warehouse) removeEmptyDirs(dirs ...string) {
	for _, d := range dirs {
		w.fs.Remove(d) // fails, harmlessly, unless d is an empty directory
	}
}

func validateProperties(props iceberg.Properties) error {
	if _, ok := props[fsProp]; ok {
		// iceberg-go merges table properties over the catalog's when it
		// looks up file IO: this one must stay the warehouse's.
		return fmt.Errorf("%s is floe's own catalog property, not a table property", fsProp)
	}
	if v, ok := props[PropFormatVersion]; ok && v != "1" && v != "2" && v != "3" {
		return fmt.Errorf("format-version must be 1, 2 or 3, not %q", v)
	}
	if err := CheckPolicyProperties(props); err != nil {
		return err
	}
	for _, k := range []string{PropDeleteMode, PropUpdateMode, PropMergeMode} {
		if v, ok := props[k]; ok && v != "merge-on-read" && v != "copy-on-write" {
			return fmt.Errorf("%s must be merge-on-read or copy-on-write, not %q", k, v)
		}
	}
	return nil
}

// maxCommitAttempts bounds how often a commit is retried against a table
// that concurrent writers keep changing.
const maxCommitAttempts = 12

// commit runs build against a fresh transaction and commits it, reloading
// and rebuilding when a concurrent writer won the race. build must be safe
// to call again: everything it adds (data files already written) must stay
// valid against the newer snapshot.
func (t *Table) commit(ctx context.Context, what string, build func(tx *table.Transaction) error) (*Table, error) {
	if err := t.checkWritable(); err != nil {
		return nil, err
	}
	unlock, err := t.wh.lockTable(ctx, t.NS, t.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for attempt := 1; ; attempt++ {
		// Under the lock, build against the newest metadata so floe
		// writers never conflict with each other.
		cur, err := t.wh.Table(ctx, t.NS, t.Name)
		if err != nil {
			return nil, err
		}
		if cur.tbl.Metadata().TableUUID() != t.tbl.Metadata().TableUUID() {
			return nil, fmt.Errorf("%s %s: the table was dropped and re-created meanwhile: %w", what, t.Ident(), ErrCommitConflict)
		}
		tx := cur.tbl.NewTransaction()
		if err := build(tx); err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, t.Ident(), err)
		}
		nt, err := tx.Commit(ctx)
		if err == nil {
			return t.committed(nt), nil
		}
		if !isConflict(err) {
			return nil, fmt.Errorf("%s %s: %w", what, t.Ident(), err)
		}
		if attempt == maxCommitAttempts {
			return nil, fmt.Errorf("%s %s: %w: gave up after %d attempts: %v", what, t.Ident(), ErrCommitConflict, attempt, err)
		}
		// Another engine committed meanwhile: back off with jitter.
		wait := time.Duration(5*(1<<min(attempt, 6))) * time.Millisecond
		wait += time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s %s: %w", what, t.Ident(), ctx.Err())
		case <-time.After(wait):
		}
	}
}

// isConflict reports a commit that lost a race and may be retried against
// the new metadata. iceberg-go v0.7 reports a failed table requirement
// (the branch moved) as an unwrapped error, so its text is the only signal
// for that case; everything else is matched with errors.Is.
func isConflict(err error) bool {
	if errors.Is(err, table.ErrCommitFailed) || isBusy(err) {
		return true
	}
	return strings.Contains(err.Error(), "requirement failed")
}

func isBusy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY")
}

// SetProperties sets table properties. Setting format-version upgrades the
// table (never downgrades).
func (t *Table) SetProperties(ctx context.Context, props map[string]string) (*Table, error) {
	if err := validateProperties(props); err != nil {
		return nil, fmt.Errorf("alter table %s: %w", t.Ident(), err)
	}
	return t.commit(ctx, "alter table", func(tx *table.Transaction) error {
		rest := iceberg.Properties{}
		for k, v := range props {
			if k == PropFormatVersion {
				n, _ := strconv.Atoi(v)
				if n < t.FormatVersion() {
					return fmt.Errorf("cannot downgrade format-version from %d to %d", t.FormatVersion(), n)
				}
				if n > t.FormatVersion() {
					if err := tx.UpgradeFormatVersion(n); err != nil {
						return err
					}
				}
				continue
			}
			rest[k] = v
		}
		if len(rest) == 0 {
			return nil
		}
		return tx.SetProperties(rest)
	})
}

// UnsetProperties removes table properties.
func (t *Table) UnsetProperties(ctx context.Context, keys []string) (*Table, error) {
	return t.commit(ctx, "alter table", func(tx *table.Transaction) error {
		return tx.RemoveProperties(keys)
	})
}

// SchemaChange is one ALTER TABLE column change.
type SchemaChange struct {
	Op      string // add, drop, rename, type, set-not-null, drop-not-null, comment
	Column  string // dotted path for nested fields
	NewName string
	Type    string // DuckDB type for add and type changes
	Comment string
}

// AlterSchema applies column changes in one commit. Type changes must be
// Iceberg's allowed promotions (int->long, float->double, decimal widening).
func (t *Table) AlterSchema(ctx context.Context, changes ...SchemaChange) (*Table, error) {
	return t.commit(ctx, "alter table", func(tx *table.Transaction) error {
		u := tx.UpdateSchema(false, false)
		for _, c := range changes {
			path := strings.Split(c.Column, ".")
			switch c.Op {
			case "add":
				alloc := &idAllocator{}
				typ, err := ParseDuckDBType(c.Type, alloc)
				if err != nil {
					return err
				}
				u.AddColumn(path, typ, c.Comment, false, nil)
			case "drop":
				u.DeleteColumn(path)
			case "rename":
				u.RenameColumn(path, c.NewName)
			case "type":
				typ, err := ParseDuckDBType(c.Type, &idAllocator{})
				if err != nil {
					return err
				}
				u.UpdateColumn(path, table.ColumnUpdate{FieldType: iceberg.Optional[iceberg.Type]{Val: typ, Valid: true}})
			case "drop-not-null":
				u.UpdateColumn(path, table.ColumnUpdate{Required: iceberg.Optional[bool]{Val: false, Valid: true}})
			case "comment":
				u.UpdateColumn(path, table.ColumnUpdate{Doc: iceberg.Optional[string]{Val: c.Comment, Valid: true}})
			default:
				return fmt.Errorf("unsupported column change %q", c.Op)
			}
		}
		return u.Commit()
	})
}

// Snapshots returns the table's snapshots, oldest first.
func (t *Table) Snapshots() []table.Snapshot { return t.tbl.Metadata().Snapshots() }

// snapshotsName names the table's $snapshots metadata table.
func (t *Table) snapshotsName() string {
	return "lake." + QuoteIdent(t.NS) + "." + QuoteIdent(t.Name+"$snapshots")
}

// SnapshotByID resolves a time-travel VERSION.
func (t *Table) SnapshotByID(id int64) (*table.Snapshot, error) {
	s := t.tbl.SnapshotByID(id)
	if s == nil {
		return nil, fmt.Errorf("%s has no snapshot %d (never had, or expire_snapshots removed it; %s lists those it has): %w",
			t.Ident(), id, t.snapshotsName(), ErrNoSuchSnapshot)
	}
	return s, nil
}

// SnapshotAsOf resolves a time-travel TIMESTAMP: the snapshot that was
// current at ts.
func (t *Table) SnapshotAsOf(ts time.Time) (*table.Snapshot, error) {
	s := t.tbl.SnapshotAsOf(ts.UnixMilli(), true)
	if s == nil {
		return nil, fmt.Errorf("%s has no snapshot at or before %s (none was taken yet, or expire_snapshots removed it; %s lists those it has): %w",
			t.Ident(), ts.UTC().Format(time.RFC3339Nano), t.snapshotsName(), ErrNoSuchSnapshot)
	}
	return s, nil
}

// tableLocation is the location URI of a table directory NewTableDir
// chose: a local path's file:// URI, or the object URI as it is.
func tableLocation(dir string) string {
	if strings.Contains(dir, "://") {
		return dir
	}
	return (&url.URL{Scheme: "file", Path: dir}).String()
}
