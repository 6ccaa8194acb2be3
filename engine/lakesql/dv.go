package lakesql

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/apache/iceberg-go/table/dv"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine"
)

// planSQL renders a plan, first loading the positions its deletion vectors
// delete into a DuckDB table when it has any.
func (s *Session) planSQL(ctx context.Context, p *engine.Plan, opts engine.ReadOptions) (string, error) {
	if p.HasDVs() {
		dvs, err := p.DVs(ctx)
		if err != nil {
			return "", err
		}
		if ranges, ok := dvRanges(p.FileIndex(), dvs, maxInlineRuns); ok {
			opts.DVRanges = ranges
			return p.ReadSQL(opts)
		}
		rel, err := s.dvRelation(ctx, p, dvs)
		if err != nil {
			return "", err
		}
		opts.DVRelation = rel
	}
	return p.ReadSQL(opts)
}

// dvRelation materialises the deleted rows of a plan's deletion vectors as
// floe_scratch.dv_<hash>(k), k = (file index << 40) + position. Deletion vectors never change
// once written, so a table built for the same set is reused.
func (s *Session) dvRelation(ctx context.Context, p *engine.Plan, dvs map[string]*dv.RoaringPositionBitmap) (string, error) {
	index := p.FileIndex()
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(dvs)) {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", k, index[k], dvs[k].Cardinality())
	}
	fmt.Fprint(h, p.Snapshot.SnapshotID)
	name := "dv_" + hex.EncodeToString(h.Sum(nil))[:16]
	if s.dvTables[name] {
		return "memory.floe_scratch." + name, nil
	}
	if err := s.exec(ctx, "CREATE OR REPLACE TABLE memory.floe_scratch."+name+" (k BIGINT)"); err != nil {
		return "", err
	}
	err := s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "floe_scratch", name)
		if err != nil {
			return err
		}
		for f, bm := range dvs {
			idx, ok := index[f]
			if !ok {
				continue // a DV for a file this plan does not read
			}
			base := int64(idx) << 40
			for pos := range bm.Positions() {
				if err := app.AppendRow(base + int64(pos)); err != nil {
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

// maxInlineRuns is how many runs of deleted positions a scan tests as
// ranges before it loads them into a table and anti-joins.
var maxInlineRuns = 64

// dvRanges turns deletion vectors into inclusive ranges of row keys when
// they have at most max runs of consecutive positions.
func dvRanges(index map[string]int, dvs map[string]*dv.RoaringPositionBitmap, max int) ([][2]int64, bool) {
	var out [][2]int64
	for _, f := range slices.Sorted(maps.Keys(dvs)) {
		idx, ok := index[f]
		if !ok {
			continue
		}
		base := int64(idx) << 40
		start, prev := int64(-1), int64(-1)
		for pos := range dvs[f].Positions() {
			p := int64(pos)
			if start >= 0 && p == prev+1 {
				prev = p
				continue
			}
			if start >= 0 {
				out = append(out, [2]int64{base + start, base + prev})
				if len(out) > max {
					return nil, false
				}
			}
			start, prev = p, p
		}
		if start >= 0 {
			out = append(out, [2]int64{base + start, base + prev})
			if len(out) > max {
				return nil, false
			}
		}
	}
	return out, true
}
