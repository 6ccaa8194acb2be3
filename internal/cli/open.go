package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/lens"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/samples"
	"github.com/floehq/floe/synth"
)

// seededMarker records that the default warehouse got its sample data, so
// samples a user drops are not installed again.
const seededMarker = ".samples-installed"

// openSession opens the chosen warehouse and a SQL session on it. The
// default warehouse is created with the sample datasets on first use.
func (g *globals) openSession(ctx context.Context) (*lakesql.Session, func(), error) {
	wh, err := g.openWarehouse(ctx)
	if err != nil {
		return nil, nil, err
	}
	sess, err := lakesql.Open(ctx, wh, synth.Procedure(), lens.Procedure()) // CALL synthesize(...), lens_collect(...) in floe sql
	if err != nil {
		wh.Close()
		return nil, nil, err
	}
	return sess, func() { sess.Close(); wh.Close() }, nil
}

// openKernel opens the chosen warehouse and a kernel session on it, the
// one way front ends reach the lake (floe sql, floe ask, floe run, the
// workbench). The default warehouse is created with the sample datasets on
// first use. Close closes the session, then the warehouse.
func (g *globals) openKernel(ctx context.Context, opts kernel.Options) (*kernel.Session, func(), error) {
	wh, err := g.openWarehouse(ctx)
	if err != nil {
		return nil, nil, err
	}
	sess, err := kernel.Open(ctx, wh, opts)
	if err != nil {
		wh.Close()
		return nil, nil, err
	}
	return sess, func() { sess.Close(); wh.Close() }, nil
}

// openWarehouse opens the chosen warehouse. The default warehouse is
// created with the sample datasets on first use.
//
// Name the warehouse to the user with warehouseName.
func (g *globals) openWarehouse(ctx context.Context) (*engine.Warehouse, error) {
	if spec := g.catalogSpec(); spec != "" {
		return g.openRemoteWarehouse(ctx, spec)
	}
	dir, isDefault, err := g.warehouseDir()
	if err != nil {
		return nil, err
	}
	marker := filepath.Join(dir, seededMarker)
	_, statErr := os.Stat(marker)
	fresh := os.IsNotExist(statErr)
	opts, err := g.storageOptions()
	if err != nil {
		return nil, err
	}
	opts = append(opts, g.activityOptions(dir)...)
	wh, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		return nil, err
	}
	if fresh && isDefault {
		fmt.Fprintf(g.stderr, "floe: creating the default warehouse in %s with sample data\n", dir)
		if err := seed(ctx, wh, marker); err != nil {
			wh.Close()
			return nil, fmt.Errorf("install the sample data in %s: %w", dir, err)
		}
	}
	return wh, nil
}

// seed installs the sample datasets and writes the marker.
func seed(ctx context.Context, wh *engine.Warehouse, marker string) error {
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := samples.Load(ctx, sess, samples.DefaultSeed); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte("samples installed\n"), 0o644)
}

// warehouseName is how floe names a warehouse to the user: its s3:// URI
// on object storage (not the local directory of its cache and spool),
// else its directory.
func warehouseName(wh *engine.Warehouse) string {
	if wh.ObjectStore() {
		return wh.Root()
	}
	return wh.Dir()
}
