package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/lens"
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

// openWarehouse opens the chosen warehouse. The default warehouse is
// created with the sample datasets on first use.
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
	var opts []engine.Option
	if c := g.activityCounter(dir); c != nil {
		opts = append(opts, engine.WithFS(c.FS()))
	}
	wh, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		return nil, err
	}
	if fresh && isDefault {
		fmt.Fprintf(g.stderr, "floe: creating the default warehouse in %s with sample data\n", dir)
		if err := seed(ctx, wh, marker); err != nil {
			wh.Close()
			return nil, err
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
