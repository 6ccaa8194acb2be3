package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"
)

// seededMarker records that the default warehouse got its sample data, so
// samples a user drops are not installed again.
const seededMarker = ".samples-installed"

// openSession opens the chosen warehouse and a SQL session on it. The
// default warehouse is created with the sample datasets on first use.
func (g *globals) openSession(ctx context.Context) (*lakesql.Session, func(), error) {
	dir, isDefault, err := g.warehouseDir()
	if err != nil {
		return nil, nil, err
	}
	marker := filepath.Join(dir, seededMarker)
	_, statErr := os.Stat(marker)
	fresh := os.IsNotExist(statErr)
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		return nil, nil, err
	}
	closeAll := func() { sess.Close(); wh.Close() }
	if fresh && isDefault {
		fmt.Fprintf(g.stderr, "floe: creating the default warehouse in %s with sample data\n", dir)
		if err := samples.Load(ctx, sess, samples.DefaultSeed); err != nil {
			closeAll()
			return nil, nil, err
		}
		if err := os.WriteFile(marker, []byte("samples installed\n"), 0o644); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	return sess, closeAll, nil
}
