package objcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/vfs"
)

// Type is the catalog type Catalog reports.
const Type catalog.Type = "floe-object"

// Dir is the catalog's directory under the warehouse root.
const Dir = "_catalog"

// ErrCorrupt reports a catalog object that cannot be decoded.
var ErrCorrupt = errors.New("catalog object is corrupt")

// maxSwapAttempts bounds the retries of catalog changes that are safe to
// redo on a newer version (namespace properties, drops, renames); table
// commits are not retried here but by their callers, who re-plan.
const maxSwapAttempts = 16

// Catalog is an Iceberg catalog kept as objects under a warehouse root
// (see the package comment). It is safe for concurrent use, by goroutines
// and by processes on any number of machines sharing the storage.
type Catalog struct {
	fs    vfs.FS
	sw    vfs.Swapper
	root  string             // the warehouse root, a path or URI fs takes
	props iceberg.Properties // catalog properties: "warehouse", file IO

	mu   sync.Mutex
	last map[string]cached // per table: the metadata last read or written
}

// cached is a parsed metadata file. Metadata files never change once
// written, so one parsed copy per location stays right.
type cached struct {
	loc string
	md  table.Metadata
}

var _ catalog.Catalog = (*Catalog)(nil)

// New returns the catalog kept under root on fsys, swapping pointers with
// sw (usually fsys itself). props are the catalog properties: "warehouse",
// the URI new tables are placed under (<warehouse>/<ns>.db/<table>), and
// whatever the tables' file IO needs.
func New(fsys vfs.FS, sw vfs.Swapper, root string, props iceberg.Properties) *Catalog {
	return &Catalog{fs: fsys, sw: sw, root: strings.TrimSuffix(root, "/"), props: maps.Clone(props), last: map[string]cached{}}
}

// CatalogType returns Type.
func (c *Catalog) CatalogType() catalog.Type { return Type }

// escape turns one name into an object name part: path-escaped, with dots
// escaped too so namespace levels and hidden files cannot be confused.
func escape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ".", "%2E")
}

func nsKey(ns table.Identifier) string {
	parts := make([]string, len(ns))
	for i, p := range ns {
		parts[i] = escape(p)
	}
	return strings.Join(parts, ".")
}

func parseNSKey(k string) (table.Identifier, error) {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil {
			return nil, err
		}
		parts[i] = s
	}
	return parts, nil
}

func (c *Catalog) join(parts ...string) string {
	return c.root + "/" + path.Join(append([]string{Dir}, parts...)...)
}

func (c *Catalog) nsObject(ns table.Identifier) string {
	return c.join("namespaces", nsKey(ns)+".json")
}

func (c *Catalog) tablesDir(ns table.Identifier) string { return c.join("tables", nsKey(ns)) }

// PointerName returns the name of a table's pointer object.
func (c *Catalog) PointerName(ident table.Identifier) string {
	return c.join("tables", nsKey(catalog.NamespaceFromIdent(ident)), escape(catalog.TableNameFromIdent(ident))+".json")
}

func identString(ident table.Identifier) string { return strings.Join(ident, ".") }

func validNamespace(ns table.Identifier) error {
	if len(ns) == 0 || slices.Contains(ns, "") {
		return fmt.Errorf("%w: namespace %q", catalog.ErrInvalidIdentifier, identString(ns))
	}
	return nil
}

func validTable(ident table.Identifier) error {
	if len(ident) < 2 {
		return fmt.Errorf("%w: table %q has no namespace", catalog.ErrNoSuchNamespace, identString(ident))
	}
	if err := validNamespace(catalog.NamespaceFromIdent(ident)); err != nil {
		return err
	}
	return catalog.ValidateTableIdentifier(ident)
}

// pointer is a table's pointer object.
type pointer struct {
	Namespace        []string `json:"namespace"`
	Name             string   `json:"name"`
	MetadataLocation string   `json:"metadata-location"`
	// PreviousMetadataLocation is the metadata file the last commit
	// replaced, as Iceberg catalogs keep it.
	PreviousMetadataLocation string `json:"previous-metadata-location,omitempty"`
	// Dropped marks a tombstone: the table is gone. RenamedTo says where
	// it went when a rename dropped it; MetadataLocation is kept.
	Dropped   bool     `json:"dropped,omitempty"`
	RenamedTo []string `json:"renamed-to,omitempty"`
	// Pending is a move to a new metadata file that a multi-table commit
	// staged: it happens when that commit's transaction object says so.
	Pending *pending `json:"pending,omitempty"`
}

// readRaw reads a table's pointer and its version as stored. A missing
// pointer is a nil pointer with version ""; a tombstone is returned as it
// is.
func (c *Catalog) readRaw(ident table.Identifier) (*pointer, string, error) {
	name := c.PointerName(ident)
	b, version, err := c.sw.ReadVersion(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("table %s: read catalog pointer %s: %w", identString(ident), name, err)
	}
	var p pointer
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, "", fmt.Errorf("table %s: catalog pointer %s: %w: %w", identString(ident), name, ErrCorrupt, err)
	}
	if !p.Dropped && p.MetadataLocation == "" {
		return nil, "", fmt.Errorf("table %s: catalog pointer %s: %w: it names no metadata file", identString(ident), name, ErrCorrupt)
	}
	return &p, version, nil
}

// readPointer reads a table's pointer for a writer: a pending move of a
// multi-table commit is settled first (see settle).
func (c *Catalog) readPointer(ident table.Identifier) (*pointer, string, error) {
	return c.pointerAt(ident, true)
}

// readView reads a table's pointer for a reader, as of the moment read: a
// pending move shows as done when its transaction committed, and not yet
// otherwise. Nothing is written; the version is the stored pointer's.
func (c *Catalog) readView(ident table.Identifier) (*pointer, string, error) {
	return c.pointerAt(ident, false)
}

// livePointer reads a table's pointer (settled for a writer, or the
// reader's view), failing with ErrNoSuchTable when there is none or it is
// a tombstone.
func (c *Catalog) livePointer(ident table.Identifier, write bool) (*pointer, string, error) {
	p, v, err := c.pointerAt(ident, write)
	switch {
	case err != nil:
		return nil, "", err
	case p == nil:
		return nil, "", fmt.Errorf("%w: %s", catalog.ErrNoSuchTable, identString(ident))
	case p.Dropped && len(p.RenamedTo) > 0:
		if to, _, terr := c.readView(p.RenamedTo); terr == nil && (to == nil || to.Dropped || to.MetadataLocation != p.MetadataLocation) {
			return nil, "", fmt.Errorf("%w: %s: an unfinished rename to %s left the table at metadata file %s; register that file under a name to recover it",
				catalog.ErrNoSuchTable, identString(ident), identString(p.RenamedTo), p.MetadataLocation)
		}
		return nil, "", fmt.Errorf("%w: %s (renamed to %s)", catalog.ErrNoSuchTable, identString(ident), identString(p.RenamedTo))
	case p.Dropped:
		return nil, "", fmt.Errorf("%w: %s", catalog.ErrNoSuchTable, identString(ident))
	}
	return p, v, nil
}

func (c *Catalog) swapPointer(ident table.Identifier, p pointer, version string) error {
	_, err := c.swapPointerVersion(ident, p, version)
	return err
}

// swapPointerVersion is swapPointer returning the new version.
func (c *Catalog) swapPointerVersion(ident table.Identifier, p pointer, version string) (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return c.sw.Swap(c.PointerName(ident), b, version)
}

// tableProps are the properties a table's file IO is looked up with.
func (c *Catalog) tableProps() iceberg.Properties {
	return maps.Clone(c.props)
}

// loadTable reads the metadata file a pointer names.
func (c *Catalog) loadTable(ctx context.Context, ident table.Identifier, loc string) (*table.Table, error) {
	return c.loadTableCached(ctx, ident, loc, false)
}

// loadTableCached is loadTable that, with cached, takes the metadata from
// the cache when it is the one last read or written for the table: a
// commit parses no metadata its process wrote or read just before.
// LoadTable always reads the file, as other catalogs do, so a damaged file
// is reported rather than hidden.
func (c *Catalog) loadTableCached(ctx context.Context, ident table.Identifier, loc string, useCache bool) (*table.Table, error) {
	key := identString(ident)
	c.mu.Lock()
	hit, ok := c.last[key]
	c.mu.Unlock()
	if useCache && ok && hit.loc == loc {
		return table.New(ident, hit.md, loc, icebergio.LoadFSFunc(c.tableProps(), loc), c), nil
	}
	t, err := table.NewFromLocation(ctx, ident, loc, icebergio.LoadFSFunc(c.tableProps(), loc), c)
	if err != nil {
		return nil, fmt.Errorf("table %s: read metadata file %s: %w", key, loc, err)
	}
	c.remember(ident, loc, t.Metadata())
	return t, nil
}

func (c *Catalog) remember(ident table.Identifier, loc string, md table.Metadata) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last[identString(ident)] = cached{loc: loc, md: md}
}

// LoadTable loads a table's current metadata.
func (c *Catalog) LoadTable(ctx context.Context, ident table.Identifier) (*table.Table, error) {
	if err := validTable(ident); err != nil {
		return nil, err
	}
	p, _, err := c.livePointer(ident, false)
	if err != nil {
		return nil, err
	}
	return c.loadTable(ctx, ident, p.MetadataLocation)
}

// MetadataLocation returns a table's current metadata file from its
// pointer alone.
func (c *Catalog) MetadataLocation(ident table.Identifier) (string, error) {
	if err := validTable(ident); err != nil {
		return "", err
	}
	p, _, err := c.livePointer(ident, false)
	if err != nil {
		return "", err
	}
	return p.MetadataLocation, nil
}

// CheckTableExists reports whether the table has a live pointer.
func (c *Catalog) CheckTableExists(ctx context.Context, ident table.Identifier) (bool, error) {
	if err := validTable(ident); err != nil {
		return false, err
	}
	_, _, err := c.livePointer(ident, false)
	if errors.Is(err, catalog.ErrNoSuchTable) {
		return false, nil
	}
	return err == nil, err
}

// CreateTable writes the new table's first metadata file (exclusively),
// then creates its pointer with a swap that succeeds only when no live
// pointer of that name exists.
func (c *Catalog) CreateTable(ctx context.Context, ident table.Identifier, sc *iceberg.Schema, opts ...catalog.CreateTableOpt) (*table.Table, error) {
	if err := validTable(ident); err != nil {
		return nil, err
	}
	ns := catalog.NamespaceFromIdent(ident)
	nsProps, err := c.LoadNamespaceProperties(ctx, ns)
	if err != nil {
		return nil, err
	}
	cur, version, err := c.readPointer(ident)
	if err != nil {
		return nil, err
	}
	if cur != nil && !cur.Dropped {
		return nil, fmt.Errorf("%w: %s", catalog.ErrTableAlreadyExists, identString(ident))
	}
	var cfg catalog.CreateTableCfg
	for _, opt := range opts {
		opt(&cfg)
	}
	loc := strings.TrimSuffix(cfg.Location, "/")
	if loc == "" {
		if loc, err = c.defaultLocation(ns, nsProps, catalog.TableNameFromIdent(ident)); err != nil {
			return nil, err
		}
	}
	md, err := table.NewMetadata(sc, cfg.PartitionSpec, cfg.SortOrder, loc, cfg.Properties)
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", identString(ident), err)
	}
	mdLoc, err := c.writeNewMetadata(md, 0)
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", identString(ident), err)
	}
	err = c.swapPointer(ident, pointer{Namespace: ns, Name: catalog.TableNameFromIdent(ident), MetadataLocation: mdLoc}, version)
	if err != nil {
		if errors.Is(err, vfs.ErrConflict) {
			c.fs.Remove(mdLoc)
			return nil, fmt.Errorf("%w: %s (created meanwhile)", catalog.ErrTableAlreadyExists, identString(ident))
		}
		return nil, fmt.Errorf("create table %s: %w", identString(ident), err)
	}
	return c.loadTable(ctx, ident, mdLoc)
}

func (c *Catalog) defaultLocation(ns table.Identifier, nsProps iceberg.Properties, name string) (string, error) {
	if l := nsProps.Get("location", ""); l != "" {
		return url.JoinPath(l, name)
	}
	wh := c.props.Get("warehouse", "")
	if wh == "" {
		return "", errors.New("no default location for new tables: the catalog has no warehouse property; give a location")
	}
	return strings.TrimSuffix(wh, "/") + "/" + strings.Join(ns, ".") + ".db/" + name, nil
}

// writeNewMetadata writes md as metadata version n, named as iceberg-go
// names metadata files (<n>-<uuid>[.codec].metadata.json under the
// table's metadata directory), with Create: never over another file.
func (c *Catalog) writeNewMetadata(md table.Metadata, n int) (string, error) {
	prov, err := table.LoadLocationProvider(md.Location(), md.Properties())
	if err != nil {
		return "", err
	}
	loc, err := prov.NewTableMetadataFileLocation(n)
	if err != nil {
		return "", err
	}
	codec := md.Properties().Get(table.MetadataCompressionKey, table.MetadataCompressionDefault)
	err = vfs.Put(c.fs, loc, func(w io.Writer) error { return encodeMetadata(w, md, codec) })
	if err != nil {
		return "", fmt.Errorf("write metadata file %s: %w", loc, err)
	}
	return loc, nil
}

var (
	metadataFileName       = regexp.MustCompile(`^(\d+)-[0-9a-fA-F-]{36}(?:\.\w+)?\.metadata\.json$`)
	legacyMetadataFileName = regexp.MustCompile(`^v(\d+)(?:\.gz)?\.metadata\.json$`)
)

// metadataVersion returns the version in a metadata file's name, or -1.
func metadataVersion(loc string) int {
	base := path.Base(loc)
	m := metadataFileName.FindStringSubmatch(base)
	if m == nil {
		m = legacyMetadataFileName.FindStringSubmatch(base)
	}
	if m == nil {
		return -1
	}
	v, err := strconv.Atoi(m[1])
	if err != nil {
		return -1
	}
	return v
}

// CommitTable commits updates to a table whose requirements hold: see the
// package comment. A table without a pointer is created when the commit
// asserts it does not exist (the staged create of iceberg-go's
// transactions and the REST protocol); without that it is ErrNoSuchTable. A
// commit that lost to another writer fails with table.ErrCommitFailed.
func (c *Catalog) CommitTable(ctx context.Context, ident table.Identifier, reqs []table.Requirement, updates []table.Update) (table.Metadata, string, error) {
	if err := validTable(ident); err != nil {
		return nil, "", err
	}
	p, version, err := c.readPointer(ident)
	if err != nil {
		return nil, "", err
	}
	var (
		current    table.Metadata
		currentLoc string
		next       = 0
	)
	if p != nil && !p.Dropped {
		t, err := c.loadTableCached(ctx, ident, p.MetadataLocation, true)
		if err != nil {
			return nil, "", err
		}
		current, currentLoc = t.Metadata(), p.MetadataLocation
		if next = metadataVersion(currentLoc) + 1; next == 0 {
			return nil, "", fmt.Errorf("commit %s: cannot tell the version of metadata file %s", identString(ident), currentLoc)
		}
	} else if !slices.ContainsFunc(reqs, func(r table.Requirement) bool { return r.GetType() == table.AssertCreate().GetType() }) {
		// Only a staged create may commit to a missing table: a stale
		// writer must not bring a dropped or renamed table back.
		return nil, "", fmt.Errorf("%w: %s", catalog.ErrNoSuchTable, identString(ident))
	} else if exists, err := c.CheckNamespaceExists(ctx, catalog.NamespaceFromIdent(ident)); err != nil {
		return nil, "", err
	} else if !exists {
		return nil, "", fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(catalog.NamespaceFromIdent(ident)))
	}
	for _, r := range reqs {
		if err := r.Validate(current); err != nil {
			return nil, "", fmt.Errorf("commit %s: %w: %w", identString(ident), table.ErrCommitFailed, err)
		}
	}
	base := current
	if base == nil {
		if base, err = table.NewMetadata(iceberg.NewSchema(0), nil, table.UnsortedSortOrder, "", nil); err != nil {
			return nil, "", err
		}
	}
	updated, err := table.UpdateTableMetadata(base, updates, currentLoc)
	if err != nil {
		return nil, "", fmt.Errorf("commit %s: %w", identString(ident), err)
	}
	if current != nil && updated.Equals(current) {
		return current, currentLoc, nil
	}
	newLoc, err := c.writeNewMetadata(updated, next)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, "", fmt.Errorf("commit %s: %w: %w", identString(ident), table.ErrCommitFailed, err)
		}
		return nil, "", fmt.Errorf("commit %s: %w", identString(ident), err)
	}
	np := pointer{Namespace: catalog.NamespaceFromIdent(ident), Name: catalog.TableNameFromIdent(ident),
		MetadataLocation: newLoc, PreviousMetadataLocation: currentLoc}
	if err := c.swapPointer(ident, np, version); err != nil {
		if errors.Is(err, vfs.ErrConflict) {
			// The swap certainly did not land: the new file is nobody's.
			c.fs.Remove(newLoc)
			// err names the pointer object and the server (a 412 on
			// If-Match from S3).
			return nil, "", fmt.Errorf("commit %s: %w: another writer moved the table's pointer first: %v",
				identString(ident), table.ErrCommitFailed, err)
		}
		// Whether the swap landed is unknown (a timeout): keep the file.
		return nil, "", fmt.Errorf("commit %s: swap pointer %s: %w", identString(ident), c.PointerName(ident), err)
	}
	c.remember(ident, newLoc, updated)
	return updated, newLoc, nil
}

// RegisterTable adopts an existing metadata file as a new table.
func (c *Catalog) RegisterTable(ctx context.Context, ident table.Identifier, metadataLoc string) (*table.Table, error) {
	if err := validTable(ident); err != nil {
		return nil, err
	}
	ns := catalog.NamespaceFromIdent(ident)
	if exists, err := c.CheckNamespaceExists(ctx, ns); err != nil {
		return nil, err
	} else if !exists {
		return nil, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
	}
	t, err := c.loadTable(ctx, ident, metadataLoc)
	if err != nil {
		return nil, err
	}
	cur, version, err := c.readPointer(ident)
	if err != nil {
		return nil, err
	}
	if cur != nil && !cur.Dropped {
		return nil, fmt.Errorf("%w: %s", catalog.ErrTableAlreadyExists, identString(ident))
	}
	err = c.swapPointer(ident, pointer{Namespace: ns, Name: catalog.TableNameFromIdent(ident), MetadataLocation: metadataLoc}, version)
	if errors.Is(err, vfs.ErrConflict) {
		return nil, fmt.Errorf("%w: %s (created meanwhile)", catalog.ErrTableAlreadyExists, identString(ident))
	}
	if err != nil {
		return nil, fmt.Errorf("register table %s: %w", identString(ident), err)
	}
	return t, nil
}

// DropTable swaps the table's pointer to a tombstone. Its files stay.
func (c *Catalog) DropTable(ctx context.Context, ident table.Identifier) error {
	if err := validTable(ident); err != nil {
		return err
	}
	for range maxSwapAttempts {
		p, version, err := c.livePointer(ident, true)
		if err != nil {
			return err
		}
		p.Dropped = true
		err = c.swapPointer(ident, *p, version)
		if !errors.Is(err, vfs.ErrConflict) {
			if err != nil {
				return fmt.Errorf("drop table %s: %w", identString(ident), err)
			}
			return nil
		}
	}
	return fmt.Errorf("drop table %s: %w: the table kept changing", identString(ident), table.ErrCommitFailed)
}

// RenameTable moves a table's pointer to a new name: two objects, see the
// package comment for the order and what a crash between them leaves.
func (c *Catalog) RenameTable(ctx context.Context, from, to table.Identifier) (*table.Table, error) {
	for _, id := range []table.Identifier{from, to} {
		if err := validTable(id); err != nil {
			return nil, err
		}
	}
	toNS := catalog.NamespaceFromIdent(to)
	if exists, err := c.CheckNamespaceExists(ctx, toNS); err != nil {
		return nil, err
	} else if !exists {
		return nil, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(toNS))
	}
	for range maxSwapAttempts {
		p, version, err := c.livePointer(from, true)
		if err != nil {
			return nil, err
		}
		target, tversion, err := c.readPointer(to)
		if err != nil {
			return nil, err
		}
		if target != nil && !target.Dropped {
			return nil, fmt.Errorf("%w: %s", catalog.ErrTableAlreadyExists, identString(to))
		}
		orig, _ := json.Marshal(p)
		tomb := *p
		tomb.Dropped, tomb.RenamedTo = true, to
		tb, _ := json.Marshal(tomb)
		tombVersion, err := c.sw.Swap(c.PointerName(from), tb, version)
		if errors.Is(err, vfs.ErrConflict) {
			continue // a commit landed meanwhile: rename that
		}
		if err != nil {
			return nil, fmt.Errorf("rename table %s: %w", identString(from), err)
		}
		np := pointer{Namespace: toNS, Name: catalog.TableNameFromIdent(to),
			MetadataLocation: p.MetadataLocation, PreviousMetadataLocation: p.PreviousMetadataLocation}
		if err := c.swapPointer(to, np, tversion); err != nil {
			// The source was frozen by our tombstone: put it back.
			if _, rerr := c.sw.Swap(c.PointerName(from), orig, tombVersion); rerr != nil {
				return nil, fmt.Errorf("rename table %s to %s: %w; restoring %s failed: %w (its metadata file is %s)",
					identString(from), identString(to), err, identString(from), rerr, p.MetadataLocation)
			}
			if errors.Is(err, vfs.ErrConflict) {
				return nil, fmt.Errorf("%w: %s (created meanwhile)", catalog.ErrTableAlreadyExists, identString(to))
			}
			return nil, fmt.Errorf("rename table %s to %s: %w", identString(from), identString(to), err)
		}
		return c.LoadTable(ctx, to)
	}
	return nil, fmt.Errorf("rename table %s: %w: the table kept changing", identString(from), table.ErrCommitFailed)
}

// ListTables lists the tables of a namespace that have live pointers.
func (c *Catalog) ListTables(ctx context.Context, ns table.Identifier) iter.Seq2[table.Identifier, error] {
	return func(yield func(table.Identifier, error) bool) {
		ptrs, err := c.Pointers(ctx, ns)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, p := range ptrs {
			if !yield(p.Ident, nil) {
				return
			}
		}
	}
}

// Pointer is a live table of the catalog and its current metadata file.
type Pointer struct {
	Ident            table.Identifier
	MetadataLocation string
	// Err is why a pointer that exists could not be decoded (ErrCorrupt);
	// it has no MetadataLocation then. It is listed all the same: it is
	// no tombstone, and loading the table reports the error.
	Err error
}

// Pointers reads the live pointers of a namespace, sorted by name.
func (c *Catalog) Pointers(ctx context.Context, ns table.Identifier) ([]Pointer, error) {
	if err := validNamespace(ns); err != nil {
		return nil, err
	}
	if exists, err := c.CheckNamespaceExists(ctx, ns); err != nil {
		return nil, err
	} else if !exists {
		return nil, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
	}
	names, err := c.list(c.tablesDir(ns))
	if err != nil {
		return nil, fmt.Errorf("list tables of %s: %w", identString(ns), err)
	}
	var out []Pointer
	for _, n := range names {
		name, err := url.PathUnescape(n)
		if err != nil {
			continue // not an object this catalog wrote
		}
		ident := append(slices.Clone(ns), name)
		p, _, err := c.readView(ident)
		if errors.Is(err, ErrCorrupt) {
			out = append(out, Pointer{Ident: ident, Err: err})
			continue
		}
		if err != nil {
			return nil, err
		}
		if p == nil || p.Dropped {
			continue
		}
		out = append(out, Pointer{Ident: ident, MetadataLocation: p.MetadataLocation})
	}
	return out, nil
}

// list returns the names, without .json, of the catalog objects in dir,
// sorted; a missing dir is empty.
func (c *Catalog) list(dir string) ([]string, error) {
	ents, err := c.fs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".json") {
			continue
		}
		out = append(out, strings.TrimSuffix(n, ".json"))
	}
	slices.Sort(out)
	return out, nil
}
