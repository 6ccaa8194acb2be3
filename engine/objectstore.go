package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"golang.org/x/sync/errgroup"

	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// A warehouse on object storage (s3://bucket/prefix) keeps its tables'
// files in the bucket, through s3fs. What DuckDB reads and writes stays
// local (package vfs): scans read a read-through cache of the plan's files
// ($FLOE_HOME/cache), and writes go to a spool under the warehouse's local
// directory ($FLOE_HOME/objectstores/<bucket+prefix>/spool) whose files
// are uploaded before the commit that references them. The commit locks
// live in that local directory too.

// WithHome sets floe's home directory, where an object-storage warehouse
// keeps its local state (cache, spool, locks, catalog); the default is
// $FLOE_HOME, else ~/.floe.
func WithHome(dir string) Option { return func(o *options) { o.home = dir } }

// WithS3 configures the S3 client of an s3:// warehouse (endpoint, region,
// keys); the standard AWS configuration fills in the rest.
func WithS3(so s3fs.Options) Option {
	return func(o *options) {
		client := o.s3.HTTPClient
		o.s3 = so
		if so.HTTPClient == nil {
			o.s3.HTTPClient = client
		}
	}
}

// WithS3HTTPClient sets only the HTTP client of object storage's
// requests (storage lens times them through it), keeping the rest of the
// S3 options however they were given.
func WithS3HTTPClient(c *http.Client) Option { return func(o *options) { o.s3.HTTPClient = c } }

// WithCacheBytes bounds the read cache of an object-storage warehouse
// (filecache.DefaultMaxBytes when 0).
func WithCacheBytes(n int64) Option { return func(o *options) { o.cacheBytes = n } }

// objectStoreURI reports whether dir names a warehouse on object storage
// floe supports, and returns its root URI without a trailing slash.
func objectStoreURI(dir string) (string, bool, error) {
	scheme, _, ok := strings.Cut(dir, "://")
	if !ok || !(strings.EqualFold(scheme, "s3") || strings.EqualFold(scheme, "s3a")) {
		return "", false, nil
	}
	if u, err := url.Parse(dir); err == nil && u.User != nil {
		return "", true, fmt.Errorf("warehouse %s: %w: keys in the URI are not supported; give them through the AWS configuration (AWS_ACCESS_KEY_ID, a profile)", u.Redacted(), ErrUnsupportedWarehouse)
	}
	bucket, prefix, err := s3fs.Split("s3" + dir[len(scheme):])
	if err != nil {
		return "", true, fmt.Errorf("warehouse %s: %w", dir, err)
	}
	root := "s3://" + bucket
	if prefix != "" {
		root += "/" + prefix
	}
	return root, true, nil
}

// FloeHome returns floe's home directory: $FLOE_HOME, else ~/.floe.
func FloeHome() (string, error) {
	if d := os.Getenv("FLOE_HOME"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find floe's home: %w (set FLOE_HOME)", err)
	}
	return filepath.Join(home, ".floe"), nil
}

// openObjectStore opens the warehouse at root, an s3:// URI.
func openObjectStore(ctx context.Context, root string, o options) (*Warehouse, error) {
	home := o.home
	if home == "" {
		h, err := FloeHome()
		if err != nil {
			return nil, fmt.Errorf("open warehouse %s: %w", root, err)
		}
		home = h
	}
	local := filepath.Join(home, "objectstores", url.PathEscape(strings.TrimPrefix(root, "s3://")))
	spool := filepath.Join(local, "spool")
	if err := os.MkdirAll(spool, 0o755); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", root, err)
	}
	if err := sweepSpool(spool); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", root, err)
	}
	fsys := o.fs
	var s3 *s3fs.FS
	if fsys == nil {
		so := o.s3
		if so.SpoolDir == "" {
			so.SpoolDir = spool
		}
		if so.Immutable == nil {
			so.Immutable = icebergManifest
		}
		f, err := s3fs.New(ctx, so)
		if err != nil {
			return nil, fmt.Errorf("open warehouse %s: %w", root, err)
		}
		fsys, s3 = f, f
	}
	if o.wrap != nil {
		fsys = o.wrap(fsys)
	}
	// Ask the server once now, so wrong keys, an unreachable endpoint or a
	// missing bucket fail here, named, rather than in the first query.
	if _, err := fsys.Stat(root); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open warehouse %s: %w", root, err)
	}
	cache, err := filecache.Open(filepath.Join(home, "cache"), o.cacheBytes)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", root, err)
	}
	// The catalog is on the bucket too (package objcat): a pointer object per
	// table swapped with If-Match, so machines sharing the bucket commit
	// safely; the commit locks in local only order this machine's processes.
	o.fs = fsys
	w, err := openObject(local, root, root, o)
	if err != nil {
		return nil, err
	}
	w.root, w.spool, w.cache, w.s3 = root, spool, cache, s3
	return w, nil
}

// icebergManifest reports whether an object is an Iceberg manifest or
// manifest list: an Avro file in a table's metadata directory. floe
// creates every object exclusively (If-None-Match: *) under a unique name
// and never rewrites one, so the S3 FS keeps these in memory by name once
// read: planning a scan, or a commit reading its parent's manifest list,
// asks the server only for those it has not read yet.
func icebergManifest(name string) bool {
	return strings.HasSuffix(name, ".avro") && strings.Contains(name, "/metadata/")
}

// notLocal is the error for a file location DuckDB cannot read or write
// here. Over a remote (REST) catalog floe fetches objects for DuckDB from
// S3 (s3://) only; other object stores are not supported yet.
func (w *Warehouse) notLocal(ident, what, loc string) error {
	if scheme, _, ok := strings.Cut(loc, "://"); w.Remote() && ok && scheme != "file" {
		return fmt.Errorf("%s: %s %s is on object storage floe reaches only through S3 (s3://); %s:// tables are %w",
			ident, what, loc, scheme, ErrRemoteCatalog)
	}
	return fmt.Errorf("%s: %s %s is not on the local filesystem", ident, what, loc)
}

// Root returns the warehouse's location: its s3:// URI on object storage,
// else the file:// URI of its directory.
func (w *Warehouse) Root() string {
	if w.root != "" {
		return w.root
	}
	return FileURI(w.dir)
}

// StorageConfig returns the Iceberg FileIO properties a client of the
// warehouse's catalog (floe serve) needs to read and write its tables'
// files: for an object-storage warehouse s3.endpoint, s3.region,
// client.region and s3.path-style-access, and with secrets the keys floe
// signs with; nil for a local warehouse.
func (w *Warehouse) StorageConfig(ctx context.Context, secrets bool) (iceberg.Properties, error) {
	p, ok := w.fs.(interface {
		IcebergProperties(context.Context, bool) (map[string]string, error)
	})
	if w.root == "" || !ok {
		return nil, nil
	}
	props, err := p.IcebergProperties(ctx, secrets)
	if err != nil {
		return nil, fmt.Errorf("warehouse %s: %w", w.root, err)
	}
	return props, nil
}

// ObjectStore reports whether the warehouse's files are on object storage.
func (w *Warehouse) ObjectStore() bool { return w.root != "" }

// Cache returns the read cache of an object-storage warehouse; nil for a
// local one.
func (w *Warehouse) Cache() *filecache.Cache { return w.cache }

// spoolPath is the local spool path of an object location: the spool
// mirrors the bucket's keys.
func (w *Warehouse) spoolPath(loc string) (string, bool) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok || w.spool == "" {
		return "", false
	}
	return filepath.Join(w.spool, filepath.FromSlash(rest)), true
}

// spoolLocation is the object location of a local spool path.
func (w *Warehouse) spoolLocation(p string) (string, bool) {
	if w.spool == "" {
		return "", false
	}
	rel, err := filepath.Rel(w.spool, p)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return "s3://" + filepath.ToSlash(rel), true
}

// RemoveWritten removes files or a directory DuckDB wrote for a statement
// that then failed: on object storage the spooled copies and whatever of
// them was uploaded already (nothing references those objects), else the
// files themselves through the warehouse's FS.
func (w *Warehouse) RemoveWritten(p string) error {
	loc, ok := w.spoolLocation(p)
	if !ok {
		return w.fs.RemoveAll(p)
	}
	lerr := os.RemoveAll(p)
	if err := w.fs.RemoveAll(loc); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return lerr
}

// upload puts spooled files at their object locations, a few at once, and
// removes each local copy after its upload. It returns the locations. The
// caller commits only after it returns: a process killed before leaves
// unreferenced objects (orphans), never a reference to a missing one.
func (w *Warehouse) upload(ctx context.Context, paths []string) ([]string, error) {
	locs := make([]string, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, p := range paths {
		loc, ok := w.spoolLocation(p)
		if !ok {
			return nil, fmt.Errorf("upload %s: not in the warehouse's spool %s", p, w.spool)
		}
		locs[i] = loc
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("upload %s: %w", loc, err)
			}
			defer f.Close()
			if w.s3 != nil {
				// Ctrl-C stops the upload, aborting a multipart one.
				defer w.s3.UploadContext(gctx, loc)()
			}
			if err := vfs.Put(w.fs, loc, func(wr io.Writer) error { _, err := io.Copy(wr, f); return err }); err != nil {
				return fmt.Errorf("upload %s: %w", p, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, p := range paths {
		os.Remove(p)
		os.Remove(filepath.Dir(p)) // the write's directory, once empty
	}
	return locs, nil
}

// Fetch makes sure the local copies of the plan's files are there: on
// object storage it fetches into the read cache those missing (evicted
// since the plan was made), at the same local paths; elsewhere it does
// nothing.
func (p *Plan) Fetch(ctx context.Context) error {
	if p == nil || p.local == nil {
		return nil
	}
	return p.fetch(ctx)
}

// fetch puts the files of a plan into the read cache, in parallel, and
// records their local paths in the plan.
func (p *Plan) fetch(ctx context.Context) error {
	w := p.Table.wh
	cache := w.cache
	if cache == nil {
		c, err := w.remoteCache(p.Table)
		if err != nil {
			return err
		}
		cache = c
	}
	if cache == nil {
		return nil
	}
	var files []filecache.File
	for _, t := range p.Tasks {
		files = append(files, filecache.File{Location: t.File.FilePath(), Size: t.File.FileSizeBytes()})
		for _, d := range t.DeleteFiles {
			if d.FileFormat() != iceberg.PuffinFile {
				files = append(files, filecache.File{Location: d.FilePath(), Size: d.FileSizeBytes()})
			}
		}
		for _, d := range t.EqualityDeleteFiles {
			files = append(files, filecache.File{Location: d.FilePath(), Size: d.FileSizeBytes()})
		}
	}
	local, err := cache.Get(ctx, w.fs, files, 8)
	if err != nil {
		return fmt.Errorf("read %s: %w", p.Table.Ident(), err)
	}
	p.local = local
	p.remote = make(map[string]string, len(local))
	for loc, lp := range local {
		p.remote[lp] = loc
	}
	return nil
}

// Fetched reports whether DuckDB reads the plan's files as copies in the
// read cache (objects on S3), not in place.
func (p *Plan) Fetched() bool { return p != nil && p.local != nil }

// Local returns the local path DuckDB reads for one of the plan's file
// locations: the file itself on a local warehouse, its cached copy on
// object storage.
func (p *Plan) Local(loc string) (string, bool) {
	if p.local != nil {
		lp, ok := p.local[loc]
		return lp, ok
	}
	return LocalPath(loc)
}

// Location returns the file location of a local path DuckDB read (the
// inverse of Local): a file:// URI, or the object's URI for a cached copy.
func (p *Plan) Location(local string) string {
	if loc, ok := p.remote[local]; ok {
		return loc
	}
	return FileURI(local)
}

// spoolMaxAge is the age past which a file in the spool is one a killed
// process left: a statement still writing it would have to run that long.
const spoolMaxAge = 24 * time.Hour

// sweepSpool removes the files a killed process left in the spool (those
// older than spoolMaxAge, by Now) and the directories left empty. Other
// processes of the machine share the spool, so younger files stay.
func sweepSpool(spool string) error {
	now, err := Now()
	if err != nil {
		return err
	}
	var dirs []string
	filepath.WalkDir(spool, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != spool {
				dirs = append(dirs, p)
			}
			return nil
		}
		if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > spoolMaxAge {
			os.Remove(p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // only if empty
	}
	return nil
}
