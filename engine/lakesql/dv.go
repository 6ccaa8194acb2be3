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
			return "", fmt.Errorf("read the deletion vectors of %s: %w", p.Table.Ident(), err)
		}
		if ranges, ok := dvRanges(p.FileIndex(), dvs, maxInlineRuns); ok {
			opts.DVRanges = ranges
			return p.ReadSQL(opts)
		}
		var deleted int64
		for _, bm := range dvs {
			deleted += bm.Cardinality()
		}
		if float64(deleted) >= dvWordsMinDensity*float64(p.DVWordCount()) {
			rel, err := s.dvWords(ctx, p, dvs)
			if err != nil {
				return "", fmt.Errorf("load the deleted rows of %s: %w", p.Table.Ident(), err)
			}
			opts.DVWords = rel
			return p.ReadSQL(opts)
		}
		rel, err := s.dvRelation(ctx, p, dvs)
		if err != nil {
			return "", fmt.Errorf("load the deleted rows of %s: %w", p.Table.Ident(), err)
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
	name := "dv_" + dvSetHash(p, dvs)
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

// dvWordsMinDensity is how many deleted positions per 64-row word the
// deletion vectors of a scan must have before it matches rows to words
// (engine.ReadOptions.DVWords) rather than anti-joining the deleted
// positions: below it the position table is the smaller of the two.
var dvWordsMinDensity = 1.0

// dvWords materialises a plan's deletion vectors as the dense word relation
// floe_scratch.dvw_<hash>(__floe_k, __floe_w) that engine.ReadOptions.DVWords
// names. Deletion vectors never change once written, so a relation built
// for the same set is reused.
func (s *Session) dvWords(ctx context.Context, p *engine.Plan, dvs map[string]*dv.RoaringPositionBitmap) (string, error) {
	name := "dvw_" + dvSetHash(p, dvs)
	if s.dvTables[name] {
		return "memory.floe_scratch." + name, nil
	}
	if err := s.exec(ctx, "CREATE OR REPLACE TABLE memory.floe_scratch."+name+" (__floe_k BIGINT, __floe_w UBIGINT)"); err != nil {
		return "", err
	}
	err := s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "floe_scratch", name)
		if err != nil {
			return err
		}
		err = p.DVWords(dvs, func(w engine.DVWord) error { return app.AppendRow(w.K, w.W) })
		if cerr := app.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS memory.floe_scratch."+name)
		return "", fmt.Errorf("load deletion vectors of %s: %w", p.Table.Ident(), err)
	}
	s.dvTables[name] = true
	return "memory.floe_scratch." + name, nil
}

// dvSetHash names the deletion vectors of a plan: the files they apply to,
// their index in the scan and their cardinality, and the snapshot.
func dvSetHash(p *engine.Plan, dvs map[string]*dv.RoaringPositionBitmap) string {
	index := p.FileIndex()
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(dvs)) {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", k, index[k], dvs[k].Cardinality())
	}
	fmt.Fprint(h, p.Snapshot.SnapshotID)
	return hex.EncodeToString(h.Sum(nil))[:16]
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
