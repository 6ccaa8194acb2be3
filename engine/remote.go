package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// ErrRemoteCatalog reports an operation that needs the embedded SQLite
// catalog and is not supported over a remote (REST) catalog yet.
var ErrRemoteCatalog = errors.New("not supported over a REST catalog yet")

// OpenRemote opens a warehouse whose catalog is cat, a remote catalog such
// as iceberg-go's REST client, instead of the embedded SQLite one. A
// table's files are where its location says: a path this machine sees
// (the catalog server's warehouse on the same machine or a shared mount),
// read and written in place; or objects on S3-compatible storage (s3://),
// reached with the S3 configuration the catalog vends in the table's
// LoadTable response (s3.endpoint, s3.region, s3.path-style-access, keys
// when it vends them) over the client's standard AWS configuration, and
// handled as in an s3:// warehouse: DuckDB reads copies in the read cache
// (home/cache) and writes to a spool (dir/spool) uploaded before the
// commit. dir is a local directory of the client's own (its commit locks,
// spool); it holds no catalog; home is floe's home (FloeHome when "").
// Operations that need the embedded catalog's database (relocation,
// copies, PURGE's cross-table reachability check, which the server does
// instead) fail with ErrRemoteCatalog.
func OpenRemote(ctx context.Context, dir string, cat catalog.Catalog, opts ...Option) (*Warehouse, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", dir, err)
	}
	spool := filepath.Join(abs, "spool")
	if err := os.MkdirAll(spool, 0o755); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", abs, err)
	}
	if err := sweepSpool(spool); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", abs, err)
	}
	// The tables' file IO (iceberg-go's registry, by URL scheme) is floe's:
	// its s3 FS takes the s3.* properties of the LoadTable response.
	registerFileIO()
	rs := &remoteState{home: o.home, cacheBytes: o.cacheBytes, s3: o.s3, wrap: o.wrap,
		tables: map[string]remoteTable{}}
	rs.fs = &remoteFS{st: rs}
	w := &Warehouse{dir: abs, spool: spool, cat: cat, props: iceberg.Properties{}, remote: rs}
	w.fs = rs.fs
	if o.wrap != nil {
		w.fs = o.wrap(w.fs)
	}
	return w, nil
}

// remoteState is what a warehouse over a remote catalog keeps of the
// tables it loaded: the file IO each came with, the S3 filesystem of each
// table location on object storage, and the read cache, opened when the
// first table on object storage is scanned.
type remoteState struct {
	home       string
	cacheBytes int64
	s3         s3fs.Options        // the client's own S3 settings (WithS3), under the vended ones
	wrap       func(vfs.FS) vfs.FS // WithWrapFS, for the per-table S3 filesystems too
	fs         *remoteFS

	mu     sync.Mutex
	tables map[string]remoteTable // by metadata location
	locs   []remoteLoc            // table locations on object storage, longest first
	def    vfs.FS                 // the client's own S3 configuration, for objects of no loaded table
	cache  *filecache.Cache
}

// remoteTable is a table as the remote catalog loaded it: its file IO is
// configured by the LoadTable response's config (vended credentials
// included), which a table made again from cached metadata must keep.
type remoteTable struct {
	fsF func(context.Context) (icebergio.IO, error)
}

// remoteLoc is a table location on object storage and the filesystem of
// its objects.
type remoteLoc struct {
	prefix string // the location without a trailing slash
	fs     vfs.FS
}

// loaded records a table the remote catalog returned: its file IO, and for
// a table on object storage the S3 filesystem of its location.
func (rs *remoteState) loaded(ctx context.Context, t *table.Table) error {
	rs.mu.Lock()
	rs.tables[t.MetadataLocation()] = remoteTable{fsF: t.FS}
	rs.mu.Unlock()
	loc := strings.TrimSuffix(t.Location(), "/")
	if !objectLocation(loc) {
		return nil
	}
	// The filesystem is taken anew at each load (s3IO keeps one per
	// configuration), so credentials the catalog vends anew are used.
	tio, err := t.FS(ctx)
	if err != nil {
		return fmt.Errorf("file io for %s: %w", loc, err)
	}
	iio, ok := tio.(icebergIO)
	if !ok {
		return fmt.Errorf("file io for %s: %T is not floe's S3 filesystem: %w", loc, tio, ErrRemoteCatalog)
	}
	fsys := iio.fs
	if rs.wrap != nil {
		fsys = rs.wrap(fsys)
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, l := range rs.locs {
		if l.prefix == loc {
			rs.locs[i].fs = fsys
			return nil
		}
	}
	rs.locs = append(rs.locs, remoteLoc{prefix: loc, fs: fsys})
	slices.SortFunc(rs.locs, func(a, b remoteLoc) int { return len(b.prefix) - len(a.prefix) })
	return nil
}

// fsFunc returns the file IO of the table whose metadata is at loc, as
// the remote catalog configured it; nil when that table was not loaded.
func (rs *remoteState) fsFunc(loc string) func(context.Context) (icebergio.IO, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.tables[loc].fsF
}

// openCache opens the read cache, once.
func (rs *remoteState) openCache() (*filecache.Cache, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.cache != nil {
		return rs.cache, nil
	}
	home := rs.home
	if home == "" {
		h, err := FloeHome()
		if err != nil {
			return nil, err
		}
		home = h
	}
	c, err := filecache.Open(filepath.Join(home, "cache"), rs.cacheBytes)
	if err != nil {
		return nil, err
	}
	rs.cache = c
	return c, nil
}

// objectLocation reports whether loc is an object on S3 (s3://), which
// floe fetches for DuckDB and spools writes for over a remote catalog.
// (Other schemes, s3a:// included, get notLocal's error.)
func objectLocation(loc string) bool { return strings.HasPrefix(loc, "s3://") }

// remoteFS is the filesystem of a warehouse over a remote catalog: the
// local one for paths, and for an object the S3 filesystem of the loaded
// table whose location holds it (else one from the client's own AWS
// configuration).
type remoteFS struct{ st *remoteState }

func (r *remoteFS) route(name string) (vfs.FS, error) {
	if !objectLocation(name) {
		return vfs.Local{}, nil
	}
	rs := r.st
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, l := range rs.locs {
		if name == l.prefix || strings.HasPrefix(name, l.prefix+"/") {
			return l.fs, nil
		}
	}
	if rs.def == nil {
		f, err := s3fs.New(context.Background(), rs.s3)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rs.def = f
		if rs.wrap != nil {
			rs.def = rs.wrap(f)
		}
	}
	return rs.def, nil
}

func (r *remoteFS) Open(name string) (vfs.File, error) {
	f, err := r.route(name)
	if err != nil {
		return nil, err
	}
	return f.Open(name)
}

func (r *remoteFS) Create(name string) (vfs.Writer, error) {
	f, err := r.route(name)
	if err != nil {
		return nil, err
	}
	return f.Create(name)
}

func (r *remoteFS) Stat(name string) (fs.FileInfo, error) {
	f, err := r.route(name)
	if err != nil {
		return nil, err
	}
	return f.Stat(name)
}

func (r *remoteFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := r.route(name)
	if err != nil {
		return nil, err
	}
	return f.ReadDir(name)
}

func (r *remoteFS) Walk(root string, fn fs.WalkDirFunc) error {
	f, err := r.route(root)
	if err != nil {
		return err
	}
	return f.Walk(root, fn)
}

func (r *remoteFS) Remove(name string) error {
	f, err := r.route(name)
	if err != nil {
		return err
	}
	return f.Remove(name)
}

func (r *remoteFS) RemoveAll(name string) error {
	f, err := r.route(name)
	if err != nil {
		return err
	}
	return f.RemoveAll(name)
}

func (r *remoteFS) MkdirAll(name string) error {
	f, err := r.route(name)
	if err != nil {
		return err
	}
	return f.MkdirAll(name)
}

// Remote reports whether the warehouse's catalog is a remote one.
func (w *Warehouse) Remote() bool { return w.db == nil && w.obj == nil }

// remoteCache returns the read cache for a table over a remote catalog
// whose files are on object storage; nil for one on local paths.
func (w *Warehouse) remoteCache(t *Table) (*filecache.Cache, error) {
	if w.remote == nil || !objectLocation(t.Location()) {
		return nil, nil
	}
	c, err := w.remote.openCache()
	if err != nil {
		return nil, fmt.Errorf("%s: read cache: %w", t.Ident(), err)
	}
	return c, nil
}

// ObjectCatalog reports whether the warehouse's catalog is kept on its
// storage (WithObjectCatalog).
func (w *Warehouse) ObjectCatalog() bool { return w.obj != nil }

// remoteMetadataLocation loads the table from the remote catalog (there is
// no cheaper question to ask it) and keeps its metadata, so the Table call
// that usually follows needs no second round trip.
func (w *Warehouse) remoteMetadataLocation(ctx context.Context, ns, name string) (string, error) {
	t, err := w.cat.LoadTable(ctx, table.Identifier{ns, name})
	if err != nil {
		return "", fmt.Errorf("lake.%s.%s: %w", ns, name, err)
	}
	if err := w.remote.loaded(ctx, t); err != nil {
		return "", fmt.Errorf("lake.%s.%s: %w", ns, name, err)
	}
	w.meta.put(t.MetadataLocation(), t.Metadata())
	return t.MetadataLocation(), nil
}

// registrar is a catalog that adopts existing metadata files (the REST
// catalog's register endpoint).
type registrar interface {
	RegisterTable(ctx context.Context, ident table.Identifier, metadataLoc string) (*table.Table, error)
}

// remoteRegister registers a table through the remote catalog, making its
// schema first as the embedded catalog does.
func (w *Warehouse) remoteRegister(ctx context.Context, ns, name, loc string) (*Table, error) {
	ident := "lake." + ns + "." + name
	newNS := false
	switch err := w.CreateNamespace(ctx, ns, false); {
	case err == nil:
		newNS = true
	case !errors.Is(err, ErrNamespaceExists):
		return nil, fmt.Errorf("register table %s: %w", ident, err)
	}
	// A failed registration leaves no schema it made behind.
	undoNS := func() {
		if newNS {
			w.cat.DropNamespace(context.WithoutCancel(ctx), table.Identifier{ns})
		}
	}
	rc, ok := w.cat.(registrar)
	if !ok {
		undoNS()
		return nil, fmt.Errorf("register table %s: %w: the catalog cannot register tables", ident, ErrRemoteCatalog)
	}
	if _, err := rc.RegisterTable(ctx, table.Identifier{ns, name}, loc); err != nil {
		undoNS()
		return nil, fmt.Errorf("register table %s: %w", ident, err)
	}
	return w.Table(ctx, ns, name)
}

// remotePurge asks the remote catalog to drop the table and purge its
// files; which files go is the server's decision (floe serve keeps every
// file another table reaches, as PurgeTable does locally).
func (w *Warehouse) remotePurge(ctx context.Context, ns, name string, ifExists bool) (PurgeReport, error) {
	rep := PurgeReport{Table: "lake." + ns + "." + name, Remote: true}
	pc, ok := w.cat.(catalog.PurgeableTable)
	if !ok {
		return rep, fmt.Errorf("purge %s: %w: the catalog cannot purge", rep.Table, ErrRemoteCatalog)
	}
	err := pc.PurgeTable(ctx, table.Identifier{ns, name})
	if errors.Is(err, ErrNoSuchTable) && ifExists {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("purge %s: %w", rep.Table, err)
	}
	rep.Dropped = true
	return rep, nil
}
