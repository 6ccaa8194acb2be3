package lake

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine"
)

// SampleFiles is the most data files a profile's sample reads.
const SampleFiles = 4

var _ schema.StatsReader = (*Catalog)(nil)

// TableStats reads what the Iceberg metadata of t's current snapshot says
// about its rows without reading them: the row count, and the lower and
// upper bounds of its numeric and temporal columns from the manifests'
// data file entries (Iceberg spec, "Manifests": lower_bounds,
// upper_bounds, null_value_counts). Bounds and null counts of files with
// deletes may hold deleted values. The sample it names reads up to SampleFiles data files without deletes,
// spread over the table's files, so that values which only newer files
// hold still show.
func (c *Catalog) TableStats(ctx context.Context, t schema.Table) (*schema.TableStats, error) {
	parts := strings.SplitN(t.Name, ".", 3)
	if len(parts) != 3 || parts[0] != "lake" {
		return nil, fmt.Errorf("stats of %s: not a lake table", t.Name)
	}
	et, err := c.sess.Warehouse().Table(ctx, parts[1], parts[2])
	if err != nil {
		return nil, fmt.Errorf("stats of %s: %w", t.Name, err)
	}
	plan, err := et.PlanScan(ctx, engine.ScanOptions{})
	if err != nil {
		return nil, fmt.Errorf("stats of %s: %w", t.Name, err)
	}
	st := &schema.TableStats{Rows: t.Rows, Columns: map[string]schema.ColumnStats{}}
	fields := map[int]iceberg.NestedField{}
	for _, f := range plan.Schema.Fields() {
		if boundable(f.Type) {
			fields[f.ID] = f
		}
	}
	lo, hi := map[int]any{}, map[int]any{}
	unknown := map[int]bool{}
	// nulls sums the files' null_value_counts; a file without one makes
	// the column's count unknown (-1).
	nulls := map[int]int64{}
	var rows int64
	var clean []table.FileScanTask
	for _, task := range plan.Tasks {
		df := task.File
		rows += df.Count()
		if len(task.DeleteFiles) == 0 && len(task.EqualityDeleteFiles) == 0 && len(task.DeletionVectorFiles) == 0 {
			clean = append(clean, task)
		}
		lower, upper := df.LowerBoundValues(), df.UpperBoundValues()
		for id := range fields {
			if n, ok := df.NullValueCounts()[id]; ok && nulls[id] >= 0 {
				nulls[id] += n
			} else {
				nulls[id] = -1
			}
		}
		for id, f := range fields {
			if unknown[id] {
				continue
			}
			l, okl := lower[id]
			u, oku := upper[id]
			if !okl || !oku {
				if n, ok := df.NullValueCounts()[id]; ok && n == df.Count() {
					continue // all NULL in this file
				}
				unknown[id] = true
				continue
			}
			lv, err1 := boundValue(f.Type, l)
			uv, err2 := boundValue(f.Type, u)
			if err1 != nil || err2 != nil {
				unknown[id] = true
				continue
			}
			if lo[id] == nil || less(lv, lo[id]) {
				lo[id] = lv
			}
			if hi[id] == nil || less(hi[id], uv) {
				hi[id] = uv
			}
		}
	}
	if st.Rows < 0 {
		st.Rows = rows
	}
	for id, f := range fields {
		if !unknown[id] && lo[id] != nil {
			st.Columns[f.Name] = schema.ColumnStats{Min: lo[id], Max: hi[id], Nulls: nulls[id]}
		}
	}
	// The sample: every file when the table is small and has no deletes,
	// else a few files spread over it. A table whose files all have
	// deletes is sampled through the lake, which applies them.
	switch {
	case len(clean) == 0:
		st.SampleAll = rows <= schema.SampleRows
	default:
		pick := clean
		if len(clean) > SampleFiles && !(len(clean) == len(plan.Tasks) && rows <= schema.SampleRows) {
			pick = nil
			for k := 0; k < SampleFiles; k++ {
				pick = append(pick, clean[k*(len(clean)-1)/(SampleFiles-1)])
			}
		}
		sub := &engine.Plan{Table: plan.Table, Snapshot: plan.Snapshot, Schema: plan.Schema, Tasks: pick}
		sql, err := sub.SQL()
		if err != nil {
			return nil, fmt.Errorf("stats of %s: %w", t.Name, err)
		}
		st.Sample = sql
		st.SampleAll = len(pick) == len(plan.Tasks) && rows <= schema.SampleRows
	}
	return st, nil
}

// ProfileDir is where agents keep the profiles of this warehouse's tables:
// .floe-cache/profiles inside the warehouse directory.
func (c *Catalog) ProfileDir() string {
	return filepath.Join(c.sess.Warehouse().Dir(), ".floe-cache", "profiles")
}

// boundable reports whether a profile takes a column's range from bounds.
func boundable(t iceberg.Type) bool {
	switch t.(type) {
	case iceberg.Int32Type, iceberg.Int64Type, iceberg.Float32Type, iceberg.Float64Type, iceberg.DecimalType,
		iceberg.DateType, iceberg.TimestampType, iceberg.TimestampTzType:
		return true
	}
	return false
}

// boundValue decodes an Iceberg bound (Iceberg spec, "Binary single-value
// serialization") into the Go value a DuckDB query would give: int64,
// float64 (decimals too) or time.Time.
func boundValue(t iceberg.Type, b []byte) (any, error) {
	lit, err := iceberg.LiteralFromBytes(t, b)
	if err != nil {
		return nil, err
	}
	switch v := lit.(type) {
	case iceberg.Int32Literal:
		return int64(v), nil
	case iceberg.Int64Literal:
		return int64(v), nil
	case iceberg.Float32Literal:
		return float64(v), nil
	case iceberg.Float64Literal:
		return float64(v), nil
	case iceberg.DecimalLiteral:
		return strconv.ParseFloat(v.String(), 64)
	case iceberg.DateLiteral:
		return iceberg.Date(v).ToTime(), nil
	case iceberg.TimestampLiteral:
		return iceberg.Timestamp(v).ToTime(), nil
	}
	return nil, fmt.Errorf("no bound for %s", t)
}

func less(a, b any) bool {
	switch x := a.(type) {
	case int64:
		y, _ := b.(int64)
		return x < y
	case float64:
		y, _ := b.(float64)
		return x < y
	case time.Time:
		y, _ := b.(time.Time)
		return x.Before(y)
	}
	return false
}
