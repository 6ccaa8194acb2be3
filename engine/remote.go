package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/vfs"
)

// ErrRemoteCatalog reports an operation that needs the embedded SQLite
// catalog and is not supported over a remote (REST) catalog yet.
var ErrRemoteCatalog = errors.New("not supported over a REST catalog yet")

// OpenRemote opens a warehouse whose catalog is cat, a remote catalog such
// as iceberg-go's REST client, instead of the embedded SQLite one. Data and
// metadata files are still read and written through the local filesystem:
// the tables' locations must be paths this machine sees (the catalog
// server's warehouse on the same machine or a shared mount). dir is a
// local directory of the client's own (its commit locks, caches); it holds
// no catalog. Operations that need the embedded catalog's database
// (relocation, copies, PURGE's cross-table reachability check, which the
// server does instead) fail with ErrRemoteCatalog.
func OpenRemote(ctx context.Context, dir string, cat catalog.Catalog) (*Warehouse, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", abs, err)
	}
	return &Warehouse{dir: abs, fs: vfs.Local{}, cat: cat, props: iceberg.Properties{}}, nil
}

// Remote reports whether the warehouse's catalog is a remote one.
func (w *Warehouse) Remote() bool { return w.db == nil && w.obj == nil }

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
