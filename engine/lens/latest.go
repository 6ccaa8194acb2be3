package lens

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// Health is a table's line of the latest lens metrics, for the
// workbench's catalog.
type Health struct {
	Day   time.Time // the day the figures were collected for
	Bytes int64     // every object of the table
	// SmallFileRatio is the share of current data files under the small
	// file size; DeletedShare the share of rows deletes remove. NaN when
	// unknown (no data files, no rows).
	SmallFileRatio, DeletedShare float64
	// Tiers splits Bytes by storage class and tier, largest first.
	Tiers []TierBytes
}

// TierBytes is a table's bytes in one storage class and tier.
type TierBytes struct {
	Class, Tier string
	Bytes       int64
}

// Latest returns the table's figures from the latest day lake.floe_lens
// holds for it; nil when the lens has never measured it (or was never
// collected). It reads the lens tables with iceberg-go, not SQL, so it
// can run beside a busy session: the day partitions prune every file but
// the latest day's.
func Latest(ctx context.Context, w *engine.Warehouse, ns, name string) (*Health, error) {
	who := iceberg.NewAnd(iceberg.EqualTo(iceberg.Reference("namespace"), ns), iceberg.EqualTo(iceberg.Reference("table_name"), name))
	storage, err := latestRows(ctx, w, StorageDaily, iceberg.NewAnd(who, iceberg.EqualTo(iceberg.Reference("level"), "table")),
		"storage_class", "tier", "bytes")
	if err != nil || storage == nil {
		return nil, err
	}
	h := &Health{Day: storage.day, SmallFileRatio: math.NaN(), DeletedShare: math.NaN()}
	for _, r := range storage.rows {
		b, _ := r[2].(int64)
		h.Bytes += b
		class, _ := r[0].(string)
		tier, _ := r[1].(string)
		h.Tiers = append(h.Tiers, TierBytes{class, tier, b})
	}
	sort.SliceStable(h.Tiers, func(i, j int) bool { return h.Tiers[i].Bytes > h.Tiers[j].Bytes })
	sizes, err := latestRows(ctx, w, ObjectSizesDaily, who, "small_file_ratio")
	if err != nil {
		return nil, err
	}
	if sizes != nil && sizes.day.Equal(h.Day) && len(sizes.rows) > 0 {
		if v, ok := sizes.rows[0][0].(float64); ok {
			h.SmallFileRatio = v
		}
	}
	health, err := latestRows(ctx, w, TableHealthDaily, who, "deleted_share")
	if err != nil {
		return nil, err
	}
	if health != nil && health.day.Equal(h.Day) && len(health.rows) > 0 {
		if v, ok := health.rows[0][0].(float64); ok {
			h.DeletedShare = v
		}
	}
	return h, nil
}

type dayRows struct {
	day  time.Time
	rows [][]any
}

// latestRows reads the columns of the rows of lens table name matching
// filter on the latest day any of them has; nil when there are none.
func latestRows(ctx context.Context, w *engine.Warehouse, name string, filter iceberg.BooleanExpression, cols ...string) (*dayRows, error) {
	t, err := w.Table(ctx, Namespace, name)
	if errors.Is(err, engine.ErrNoSuchTable) || errors.Is(err, engine.ErrNoSuchNamespace) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	it := t.Iceberg()
	if it.CurrentSnapshot() == nil {
		return nil, nil
	}
	// The latest day holding the table's rows: each day's file's bounds
	// say whether it may hold them, so only candidates are read.
	tasks, err := it.Scan(table.WithRowFilter(filter)).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("lake.%s.%s: %w", Namespace, name, err)
	}
	days := map[int32]bool{}
	for _, task := range tasks {
		for _, v := range task.File.Partition() {
			if d, ok := v.(iceberg.Date); ok {
				days[int32(d)] = true
			}
		}
	}
	order := make([]int32, 0, len(days))
	for d := range days {
		order = append(order, d)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] > order[j] })
	for _, d := range order {
		rows, err := readRows(ctx, it, iceberg.NewAnd(filter, iceberg.EqualTo(iceberg.Reference("day"), iceberg.Date(d))), cols)
		if err != nil {
			return nil, fmt.Errorf("lake.%s.%s: %w", Namespace, name, err)
		}
		if len(rows) > 0 {
			return &dayRows{day: time.Unix(int64(d)*86400, 0).UTC(), rows: rows}, nil
		}
	}
	return nil, nil
}

func readRows(ctx context.Context, it *table.Table, filter iceberg.BooleanExpression, cols []string) ([][]any, error) {
	_, recs, err := it.Scan(table.WithRowFilter(filter), table.WithSelectedFields(cols...)).ToArrowRecords(ctx)
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		idx := make([]int, len(cols))
		for i, c := range cols {
			f := rec.Schema().FieldIndices(c)
			if len(f) == 0 {
				rec.Release()
				return nil, fmt.Errorf("no column %s", c)
			}
			idx[i] = f[0]
		}
		for r := range int(rec.NumRows()) {
			row := make([]any, len(cols))
			for i, j := range idx {
				row[i] = value(rec.Column(j), r)
			}
			out = append(out, row)
		}
		rec.Release()
	}
	return out, nil
}

func value(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.StringView:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	}
	return nil
}
