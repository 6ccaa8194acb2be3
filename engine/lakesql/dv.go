package lakesql

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine"
)

// planSQL renders a plan, first loading the positions its deletion vectors
// delete into a DuckDB table when it has any.
func (s *Session) planSQL(ctx context.Context, p *engine.Plan, opts engine.ReadOptions) (string, error) {
	if p.HasDVs() {
		rel, err := s.dvRelation(ctx, p)
		if err != nil {
			return "", err
		}
		opts.DVRelation = rel
	}
	return p.ReadSQL(opts)
}

// dvRelation materialises the deleted positions of a plan's deletion
// vectors as floe_scratch.dv_<hash>(f, pos). Deletion vectors never change
// once written, so a table built for the same set is reused.
func (s *Session) dvRelation(ctx context.Context, p *engine.Plan) (string, error) {
	dvs, err := p.DVs(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(dvs)) {
		fmt.Fprintf(h, "%s\x00%d\x00", k, dvs[k].Cardinality())
	}
	fmt.Fprint(h, p.Snapshot.SnapshotID)
	name := "dv_" + hex.EncodeToString(h.Sum(nil))[:16]
	if s.dvTables[name] {
		return "memory.floe_scratch." + name, nil
	}
	if err := s.exec(ctx, "CREATE OR REPLACE TABLE memory.floe_scratch."+name+" (f VARCHAR, pos BIGINT)"); err != nil {
		return "", err
	}
	err = s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "floe_scratch", name)
		if err != nil {
			return err
		}
		for f, bm := range dvs {
			for pos := range bm.Positions() {
				if err := app.AppendRow(f, int64(pos)); err != nil {
					app.Close()
					return err
				}
			}
		}
		return app.Close()
	})
	if err != nil {
		return "", fmt.Errorf("load deletion vectors of %s: %w", p.Table.Ident(), err)
	}
	s.dvTables[name] = true
	return "memory.floe_scratch." + name, nil
}
