package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	_ "modernc.org/sqlite" // the embedded catalog's database/sql driver

	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// CatalogFile is the name of the embedded SQLite catalog inside a warehouse.
const CatalogFile = "catalog.db"

// Warehouse is a directory of Iceberg tables with an embedded SQL catalog.
// A Warehouse is safe for use by several goroutines; several processes may
// open the same warehouse and commit to it concurrently.
type Warehouse struct {
	dir     string           // the warehouse's directory; on object storage, its local state's
	root    string           // the s3:// URI of a warehouse on object storage; "" for a local one
	spool   string           // where DuckDB writes files bound for object storage
	cache   *filecache.Cache // object storage's read cache for DuckDB
	s3      *s3fs.FS         // the S3 filesystem under any wrapper (uploads.go); nil elsewhere
	fs      vfs.FS
	release func()             // unregisters fs from iceberg-go's file IO; nil over a remote catalog
	db      *sql.DB            // the embedded catalog's database; nil over a remote or object catalog
	obj     *objcat.Catalog    // the catalog on the warehouse's storage (WithObjectCatalog); else nil
	locks   string             // the directory of commit locks; "" for dir/.locks
	cat     catalog.Catalog    // *sqlcat.Catalog, obj, or a remote one (OpenRemote)
	props   iceberg.Properties // the catalog's, for the tables' file IO
	meta    metaCache
	acc     accessLog    // reads recorded for Intelligent-Tiering (access.go)
	remote  *remoteState // over a remote catalog: the loaded tables' file IO (remote.go); else nil
}

// Option configures Open.
type Option func(*options)

type options struct {
	fs            vfs.FS
	home          string
	s3            s3fs.Options
	cacheBytes    int64
	objectCatalog bool
	lockDir       string
	wrap          func(vfs.FS) vfs.FS
}

// WithLockDir keeps the warehouse's commit locks (flock files of this
// machine) in dir instead of the warehouse's .locks. Two handles with
// different lock directories behave as two machines: nothing orders their
// commits but the catalog's swap.
func WithLockDir(dir string) Option { return func(o *options) { o.lockDir = dir } }

// WithFS makes the warehouse keep its files on fsys instead of the local
// filesystem (vfs.Local): every file the engine and iceberg-go open,
// create, list or remove goes through it. DuckDB's own reads and writes
// stay local (see package vfs).
func WithFS(fsys vfs.FS) Option { return func(o *options) { o.fs = fsys } }

// WithWrapFS makes the warehouse use wrap(fsys) for the filesystem fsys it
// would use otherwise (WithFS's, vfs.Local, or the S3 filesystem of an
// s3:// warehouse), as I/O accounting wraps it. What wrap returns must
// keep fsys's abilities (vfs.Swapper) the warehouse needs.
func WithWrapFS(wrap func(vfs.FS) vfs.FS) Option { return func(o *options) { o.wrap = wrap } }

// WithObjectCatalog makes the warehouse keep its catalog as objects on its
// own storage (package objcat) instead of the SQLite file: each table a
// pointer object swapped with a conditional write, so machines sharing
// the storage commit safely with nothing else shared. The FS must be a
// vfs.Swapper (vfs.Local is). A warehouse whose storage already holds such
// a catalog (objcat.Dir) and no catalog.db opens with it without the
// option.
func WithObjectCatalog() Option { return func(o *options) { o.objectCatalog = true } }

// ErrObjectCatalog reports an operation that needs the embedded SQLite
// catalog and is not available with an object-storage catalog yet.
var ErrObjectCatalog = errors.New("not available with an object-storage catalog yet")

// objectStores are the URL schemes of object storage warehouses.
var objectStores = map[string]bool{"s3": true, "s3a": true, "s3n": true, "gs": true, "gcs": true,
	"abfs": true, "abfss": true, "wasb": true, "wasbs": true, "oss": true, "r2": true}

// warehouseDir turns a warehouse argument into a local directory: a path,
// or a file:// URL. Any other URL is refused rather than taken for a
// relative directory named after its scheme.
func warehouseDir(dir string) (string, error) {
	scheme, _, isURL := strings.Cut(dir, "://")
	if !isURL || strings.ContainsAny(scheme, "/\\") {
		return dir, nil
	}
	u, err := url.Parse(dir)
	switch {
	case err != nil:
		return "", fmt.Errorf("warehouse %s: %w", dir, err)
	case strings.EqualFold(u.Scheme, "file"):
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("warehouse %s: %w: a file:// URL names a local directory, not host %s", dir, ErrUnsupportedWarehouse, u.Host)
		}
		if u.Path == "" {
			return "", fmt.Errorf("warehouse %s: %w: the file:// URL has no path", dir, ErrUnsupportedWarehouse)
		}
		return u.Path, nil
	case objectStores[strings.ToLower(u.Scheme)]:
		return "", fmt.Errorf("warehouse %s: %w: of object stores, only S3 and S3-compatible storage (s3://) are supported", u.Redacted(), ErrUnsupportedWarehouse)
	}
	return "", fmt.Errorf("warehouse %s: %w: the URL scheme %s is not supported; a warehouse is a local directory or a file:// URL", u.Redacted(), ErrUnsupportedWarehouse, u.Scheme)
}

// Open opens the warehouse in dir, a local directory or a file:// URL,
// creating the directory and its catalog when they do not exist; or the
// warehouse at an s3://bucket/prefix URI on S3-compatible storage (see
// WithS3, WithHome).
func Open(ctx context.Context, dir string, opts ...Option) (*Warehouse, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if root, ok, err := objectStoreURI(dir); err != nil {
		return nil, err
	} else if ok {
		return openObjectStore(ctx, root, o)
	}
	if o.fs == nil {
		o.fs = vfs.Local{}
	}
	if o.wrap != nil {
		o.fs = o.wrap(o.fs)
	}
	local, err := warehouseDir(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(local)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", dir, err)
	}
	if err := o.fs.MkdirAll(abs); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", abs, err)
	}
	_, dbErr := o.fs.Stat(filepath.Join(abs, CatalogFile))
	_, objErr := o.fs.Stat(filepath.Join(abs, objcat.Dir))
	hasDB, hasObj := dbErr == nil, objErr == nil
	switch {
	case hasDB && hasObj:
		return nil, fmt.Errorf("open warehouse %s: it holds two catalogs, %s and %s/; move one away", abs, CatalogFile, objcat.Dir)
	case o.objectCatalog && hasDB:
		return nil, fmt.Errorf("open warehouse %s: its catalog is the SQLite file %s, not a catalog on its storage", abs, CatalogFile)
	case o.objectCatalog || hasObj:
		return openObject(abs, abs, (&url.URL{Scheme: "file", Path: abs}).String(), o)
	}
	// The catalog is a SQLite file of this machine, outside the seam.
	dsn := "file:" + filepath.Join(abs, CatalogFile) +
		"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open warehouse catalog %s: %w", dsn, err)
	}
	db.SetMaxOpenConns(1)
	id, release := useFS(o.fs)
	props := iceberg.Properties{
		"warehouse":           (&url.URL{Scheme: "file", Path: abs}).String(),
		"init_catalog_tables": "true",
		fsProp:                id,
	}
	cat, err := sqlcat.NewCatalog("floe", db, sqlcat.SQLite, props)
	if err != nil {
		release()
		db.Close()
		return nil, fmt.Errorf("open warehouse catalog %s: %w", filepath.Join(abs, CatalogFile), err)
	}
	return &Warehouse{dir: abs, fs: o.fs, release: release, db: db, cat: cat, props: props, locks: o.lockDir}, nil
}

// openObject opens the warehouse in dir with its catalog kept on o.fs
// under root (the name fs takes for the warehouse's top: dir itself
// locally, the bucket's URI on object storage), whose tables are created
// under the URI warehouse.
func openObject(dir, root, warehouse string, o options) (*Warehouse, error) {
	sw, ok := o.fs.(vfs.Swapper)
	if !ok {
		return nil, fmt.Errorf("open warehouse %s: its storage (%T) cannot swap objects conditionally, which a catalog on it needs", root, o.fs)
	}
	id, release := useFS(o.fs)
	props := iceberg.Properties{"warehouse": warehouse, fsProp: id}
	cat := objcat.New(o.fs, sw, root, props)
	return &Warehouse{dir: dir, fs: o.fs, release: release, obj: cat, cat: cat, props: props, locks: o.lockDir}, nil
}

// Dir returns the warehouse's absolute directory.
func (w *Warehouse) Dir() string { return w.dir }

// Catalog returns the underlying Iceberg catalog.
func (w *Warehouse) Catalog() catalog.Catalog { return w.cat }

// FS returns the filesystem the warehouse's files are on.
func (w *Warehouse) FS() vfs.FS { return w.fs }

// Close releases the catalog database (or a remote catalog's connections).
// Tables loaded from the warehouse cannot read files after it.
func (w *Warehouse) Close() error {
	if err := w.FlushAccess(context.Background()); err != nil {
		slog.Warn("reads not recorded for tiering", "err", err)
	}
	if w.release != nil {
		w.release()
	}
	if w.obj != nil {
		return nil
	}
	if w.db == nil {
		if c, ok := w.cat.(catalog.Closer); ok {
			return c.Close()
		}
		return nil
	}
	return w.db.Close()
}

// Namespaces lists the warehouse's namespaces, sorted.
func (w *Warehouse) Namespaces(ctx context.Context) ([]string, error) {
	idents, err := w.cat.ListNamespaces(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	out := make([]string, 0, len(idents))
	for _, id := range idents {
		out = append(out, strings.Join(id, "."))
	}
	slices.Sort(out)
	return out, nil
}

// CreateNamespace creates a namespace. With ifNotExists an existing one is
// not an error.
func (w *Warehouse) CreateNamespace(ctx context.Context, ns string, ifNotExists bool) error {
	if err := ValidateName("schema", ns); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	err := w.cat.CreateNamespace(ctx, table.Identifier{ns}, nil)
	if err != nil {
		if ifNotExists && errors.Is(err, catalog.ErrNamespaceAlreadyExists) {
			return nil
		}
		return fmt.Errorf("create schema lake.%s: %w", ns, err)
	}
	return nil
}

// DropNamespace drops an empty namespace; with cascade its tables first.
func (w *Warehouse) DropNamespace(ctx context.Context, ns string, ifExists, cascade bool) error {
	exists, err := w.cat.CheckNamespaceExists(ctx, table.Identifier{ns})
	if err != nil {
		return fmt.Errorf("drop schema lake.%s: %w", ns, err)
	}
	if !exists {
		if ifExists {
			return nil
		}
		return fmt.Errorf("drop schema lake.%s: %w", ns, ErrNoSuchNamespace)
	}
	tables, err := w.Tables(ctx, ns)
	if err != nil {
		return err
	}
	if len(tables) > 0 && !cascade {
		return fmt.Errorf("drop schema lake.%s: %w: it holds %d tables (%s); use DROP SCHEMA ... CASCADE",
			ns, ErrNamespaceNotEmpty, len(tables), strings.Join(tables, ", "))
	}
	for _, t := range tables {
		if err := w.DropTable(ctx, ns, t, false, false); err != nil {
			return err
		}
	}
	if err := w.cat.DropNamespace(ctx, table.Identifier{ns}); err != nil {
		return fmt.Errorf("drop schema lake.%s: %w", ns, err)
	}
	if !w.Remote() {
		// The namespace's default directory goes with it when nothing is
		// left in it; a table dropped without PURGE keeps its files there,
		// and then so does the directory.
		_ = w.fs.Remove(filepath.Join(w.dir, ns+".db"))
	}
	return nil
}

// Tables lists the tables of a namespace, sorted.
func (w *Warehouse) Tables(ctx context.Context, ns string) ([]string, error) {
	var out []string
	for id, err := range w.cat.ListTables(ctx, table.Identifier{ns}) {
		if err != nil {
			return nil, fmt.Errorf("list tables in lake.%s: %w", ns, err)
		}
		out = append(out, id[len(id)-1])
	}
	slices.Sort(out)
	return out, nil
}

// MetadataLocation returns the current metadata file of a table straight
// from the catalog, without reading the metadata itself. It is the cheap
// check callers use to see whether a table changed.
func (w *Warehouse) MetadataLocation(ctx context.Context, ns, name string) (string, error) {
	if loc, ok := pinned(ctx, ns, name); ok {
		return loc, nil
	}
	loc, err := w.metadataLocation(ctx, ns, name)
	if err == nil {
		pin(ctx, ns, name, loc)
	}
	return loc, err
}

func (w *Warehouse) metadataLocation(ctx context.Context, ns, name string) (string, error) {
	if w.obj != nil {
		loc, err := w.obj.MetadataLocation(table.Identifier{ns, name})
		if err != nil && errors.Is(err, ErrNoSuchTable) {
			return "", fmt.Errorf("lake.%s.%s: %w", ns, name, ErrNoSuchTable)
		}
		return loc, err
	}
	if w.db == nil {
		return w.remoteMetadataLocation(ctx, ns, name)
	}
	var loc sql.NullString
	err := w.db.QueryRowContext(ctx,
		`SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?`,
		"floe", ns, name).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("lake.%s.%s: %w", ns, name, ErrNoSuchTable)
	}
	if err != nil {
		return "", fmt.Errorf("lake.%s.%s: read catalog: %w", ns, name, err)
	}
	return loc.String, nil
}

// Table loads a table's current metadata: the catalog's pointer, then the
// metadata file it names, parsed once per process (metaCache).
func (w *Warehouse) Table(ctx context.Context, ns, name string) (*Table, error) {
	ident := table.Identifier{ns, name}
	if loc, err := w.MetadataLocation(ctx, ns, name); err == nil && loc != "" {
		if md := w.meta.get(loc); md != nil {
			fsF := icebergio.LoadFSFunc(w.props, loc)
			if w.remote != nil {
				// As the remote catalog configured the table's IO.
				if f := w.remote.fsFunc(loc); f != nil {
					fsF = f
				}
			}
			t := table.New(ident, md, loc, fsF, w.cat)
			return &Table{wh: w, NS: ns, Name: name, tbl: t}, nil
		}
	}
	t, err := w.cat.LoadTable(ctx, ident)
	if err != nil {
		if !errors.Is(err, ErrNoSuchTable) {
			// A table whose metadata cannot be read: say which file.
			if loc, lerr := w.MetadataLocation(ctx, ns, name); lerr == nil {
				return nil, fmt.Errorf("lake.%s.%s: read metadata file %s: %w", ns, name, loc, err)
			}
		}
		return nil, fmt.Errorf("lake.%s.%s: %w", ns, name, err)
	}
	w.meta.put(t.MetadataLocation(), t.Metadata())
	return &Table{wh: w, NS: ns, Name: name, tbl: t}, nil
}

// DropTable removes a table from the catalog; with purge its files are
// deleted too, as PurgeTable says.
func (w *Warehouse) DropTable(ctx context.Context, ns, name string, ifExists, purge bool) error {
	if purge {
		_, err := w.PurgeTable(ctx, ns, name, ifExists)
		return err
	}
	t, _, err := w.dropTarget(ctx, ns, name)
	if errors.Is(err, ErrNoSuchTable) && ifExists {
		return nil
	}
	if err != nil {
		return fmt.Errorf("drop table: %w", err)
	}
	if err := t.checkDropReplica(); err != nil {
		return fmt.Errorf("drop table: %w", err)
	}
	if err := w.cat.DropTable(ctx, table.Identifier{ns, name}); err != nil {
		return fmt.Errorf("drop table lake.%s.%s: %w", ns, name, err)
	}
	return nil
}

// LocalPath turns a file:// location into a local path. Plain absolute
// paths are returned as they are.
func LocalPath(loc string) (string, bool) {
	if strings.HasPrefix(loc, "/") {
		return loc, true
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	return u.Path, true
}

// RegisterTable adopts an existing Iceberg table written by another engine
// by recording its metadata file in the catalog. The metadata is read and
// validated first.
func (w *Warehouse) RegisterTable(ctx context.Context, ns, name, metadataPath string) (*Table, error) {
	ident := "lake." + ns + "." + name
	for _, err := range []error{ValidateName("schema", ns), ValidateName("table", name)} {
		if err != nil {
			return nil, fmt.Errorf("register table: %w", err)
		}
	}
	loc := metadataPath
	if strings.HasPrefix(loc, "/") {
		loc = FileURI(loc)
	}
	if w.db == nil {
		return w.remoteRegister(ctx, ns, name, loc)
	}
	if p, ok := LocalPath(loc); ok {
		if _, err := w.fs.Stat(p); err != nil {
			return nil, fmt.Errorf("register table %s: %w", ident, err)
		}
	}
	if _, err := table.NewFromLocation(ctx, table.Identifier{ns, name}, loc, icebergio.LoadFSFunc(w.props, loc), w.cat); err != nil {
		return nil, fmt.Errorf("register table %s: read %s: %w", ident, metadataPath, err)
	}
	newNS := false
	if exists, err := w.cat.CheckNamespaceExists(ctx, table.Identifier{ns}); err != nil {
		return nil, err
	} else if !exists {
		switch err := w.CreateNamespace(ctx, ns, false); {
		case err == nil:
			newNS = true
		case !errors.Is(err, ErrNamespaceExists): // made meanwhile: fine
			return nil, err
		}
	}
	// A failed registration leaves no schema it made behind.
	undoNS := func() {
		if newNS {
			w.cat.DropNamespace(context.WithoutCancel(ctx), table.Identifier{ns})
		}
	}
	if exists, _ := w.cat.CheckTableExists(ctx, table.Identifier{ns, name}); exists {
		undoNS()
		return nil, fmt.Errorf("register table %s: %w", ident, ErrTableExists)
	}
	_, err := w.db.ExecContext(ctx,
		`INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
		 VALUES (?, ?, ?, ?, NULL, 'TABLE')`, "floe", ns, name, loc)
	if err != nil {
		undoNS()
		return nil, fmt.Errorf("register table %s: %w", ident, err)
	}
	return w.Table(ctx, ns, name)
}
