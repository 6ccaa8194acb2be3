package lens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// Namespace is the schema the lens tables live in.
const Namespace = "floe_lens"

// The lens tables.
const (
	StorageDaily     = "storage_daily"
	ObjectSizesDaily = "object_sizes_daily"
	TableHealthDaily = "table_health_daily"
	ActivityDaily    = "activity_daily"
	CostDaily        = "cost_daily"
)

// column is one column of a lens table, in DuckDB's type names.
type column struct{ name, typ string }

// lensTable is a lens table's definition and the rows one collect writes
// to it; every table starts with day DATE and is partitioned by it.
type lensTable struct {
	ns   string // Namespace, or Options.Namespace
	name string
	cols []column
	rows [][]any
}

func cols(spec ...string) []column {
	out := []column{{"day", "DATE"}}
	for i := 0; i+1 < len(spec); i += 2 {
		out = append(out, column{spec[i], spec[i+1]})
	}
	return append(out, column{"collected_at", "TIMESTAMP"})
}

// definitions returns the lens tables of namespace ns with no rows, in
// commit order.
func definitions(ns string) []*lensTable {
	defs := []*lensTable{
		{name: StorageDaily, cols: cols(
			"level", "VARCHAR", // warehouse, namespace, table or prefix
			"namespace", "VARCHAR",
			"table_name", "VARCHAR",
			"prefix", "VARCHAR", // relative to the warehouse; "" above prefix level
			"depth", "INTEGER",
			"storage_class", "VARCHAR",
			"tier", "VARCHAR",
			"bytes", "BIGINT",
			"objects", "BIGINT",
			"data_bytes", "BIGINT",
			"delete_bytes", "BIGINT",
			"metadata_bytes", "BIGINT",
			"current_bytes", "BIGINT",
			"noncurrent_bytes", "BIGINT",
			"orphan_bytes", "BIGINT",
		)},
		{name: ObjectSizesDaily, cols: cols(
			"namespace", "VARCHAR",
			"table_name", "VARCHAR",
			"storage_class", "VARCHAR",
			"objects", "BIGINT",
			"bytes", "BIGINT",
			"objects_lt_128kb", "BIGINT",
			"objects_128kb_1mb", "BIGINT",
			"objects_1mb_8mb", "BIGINT",
			"objects_8mb_64mb", "BIGINT",
			"objects_64mb_512mb", "BIGINT",
			"objects_gt_512mb", "BIGINT",
			"data_files", "BIGINT",
			"small_data_files", "BIGINT",
			"small_file_ratio", "DOUBLE",
		)},
		{name: TableHealthDaily, cols: cols(
			"namespace", "VARCHAR",
			"table_name", "VARCHAR",
			"format_version", "INTEGER",
			"snapshots", "BIGINT",
			"manifests", "BIGINT",
			"data_files", "BIGINT",
			"data_bytes", "BIGINT",
			"avg_data_file_bytes", "DOUBLE",
			"delete_files", "BIGINT",
			"position_delete_files", "BIGINT",
			"equality_delete_files", "BIGINT",
			"dv_count", "BIGINT",
			"rows", "BIGINT",
			"deleted_rows", "BIGINT",
			"dv_deleted_rows", "BIGINT",
			"deleted_share", "DOUBLE",
			"dv_deleted_share", "DOUBLE",
			"last_compaction", "TIMESTAMP",
			"days_since_compaction", "INTEGER",
			"partitions", "BIGINT",
			"scan_amplification", "DOUBLE",
		)},
		{name: ActivityDaily, cols: cols(
			"namespace", "VARCHAR",
			"table_name", "VARCHAR",
			"processes", "BIGINT",
			"read_requests", "BIGINT",
			"write_requests", "BIGINT",
			"bytes_read", "BIGINT",
			"bytes_written", "BIGINT",
			"avg_read_request_bytes", "DOUBLE",
			"avg_write_request_bytes", "DOUBLE",
			"files_accessed", "BIGINT",
			"files_accessed_pct", "DOUBLE",
			"commits", "BIGINT",
			"commit_conflicts", "BIGINT",
			"first_byte_p50_ms", "DOUBLE",
			"first_byte_p99_ms", "DOUBLE",
			"total_p50_ms", "DOUBLE",
			"total_p99_ms", "DOUBLE",
		)},
		{name: CostDaily, cols: cols(
			"namespace", "VARCHAR",
			"table_name", "VARCHAR",
			"storage_class", "VARCHAR",
			"tier", "VARCHAR",
			"bytes", "BIGINT",
			"gb_month", "DOUBLE",
			"monthly_storage_cost", "DOUBLE",
			"monthly_request_cost", "DOUBLE",
			"monthly_cost", "DOUBLE",
		)},
	}
	for _, d := range defs {
		d.ns = ns
	}
	return defs
}

// ensure returns the lens table lake.floe_lens.<name>, creating the schema
// and the table (partitioned by day) when they do not exist.
func (lt *lensTable) ensure(ctx context.Context, w *engine.Warehouse) (*engine.Table, error) {
	t, err := w.Table(ctx, lt.ns, lt.name)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, engine.ErrNoSuchTable) {
		return nil, err
	}
	if err := w.CreateNamespace(ctx, lt.ns, true); err != nil {
		return nil, err
	}
	cs := make([]engine.Column, len(lt.cols))
	for i, c := range lt.cols {
		cs[i] = engine.Column{Name: c.name, Type: c.typ, Position: i}
	}
	return w.CreateTable(ctx, lt.ns, lt.name, engine.CreateOptions{
		Columns:     cs,
		Partition:   []engine.PartitionTerm{{Column: "day", Transform: "identity"}},
		IfNotExists: true,
	})
}

// stageDay writes lt's rows as the day's partition of t and returns the
// overwrite's commit, not committed: the data files of that day go, the
// new ones come.
func (lt *lensTable) stageDay(ctx context.Context, t *engine.Table, day time.Time, props iceberg.Properties) (table.TableCommit, error) {
	sc, err := table.SchemaToArrowSchema(t.Schema(), nil, false, false)
	if err != nil {
		return table.TableCommit{}, err
	}
	rec, err := lt.record(sc)
	if err != nil {
		return table.TableCommit{}, fmt.Errorf("%s: %w", t.Ident(), err)
	}
	defer rec.Release()
	rdr, err := array.NewRecordReader(sc, []arrow.RecordBatch{rec})
	if err != nil {
		return table.TableCommit{}, err
	}
	defer rdr.Release()
	tx := t.Iceberg().NewTransaction()
	filter := iceberg.EqualTo(iceberg.Reference("day"), iceberg.Date(day.Unix()/86400))
	if err := tx.Overwrite(ctx, rdr, props, table.WithOverwriteFilter(filter)); err != nil {
		return table.TableCommit{}, fmt.Errorf("write %s for %s: %w", t.Ident(), day.Format(time.DateOnly), err)
	}
	tc, err := tx.TableCommit()
	if err != nil {
		return table.TableCommit{}, fmt.Errorf("stage %s for %s: %w", t.Ident(), day.Format(time.DateOnly), err)
	}
	tc.Identifier = table.Identifier{lt.ns, lt.name}
	return tc, nil
}

// replaceDay commits lt's rows as the day's partition of its table in one
// overwrite snapshot: the data files of that day go, the new ones come.
// The files are written through the table's file IO (the warehouse's
// vfs.FS); a failure before the commit leaves the table as it was.
func (lt *lensTable) replaceDay(ctx context.Context, w *engine.Warehouse, day time.Time, props iceberg.Properties) error {
	if _, err := lt.ensure(ctx, w); err != nil {
		return fmt.Errorf("lens table lake.%s.%s: %w", lt.ns, lt.name, err)
	}
	return w.Modify(ctx, lt.ns, lt.name, func(t *engine.Table) error {
		sc, err := table.SchemaToArrowSchema(t.Schema(), nil, false, false)
		if err != nil {
			return err
		}
		rec, err := lt.record(sc)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Ident(), err)
		}
		defer rec.Release()
		rdr, err := array.NewRecordReader(sc, []arrow.RecordBatch{rec})
		if err != nil {
			return err
		}
		defer rdr.Release()
		tx := t.Iceberg().NewTransaction()
		dayLit := iceberg.Date(day.Unix() / 86400)
		filter := iceberg.EqualTo(iceberg.Reference("day"), dayLit)
		if err := tx.Overwrite(ctx, rdr, props, table.WithOverwriteFilter(filter)); err != nil {
			return fmt.Errorf("write %s for %s: %w", t.Ident(), day.Format(time.DateOnly), err)
		}
		if _, err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit %s for %s: %w", t.Ident(), day.Format(time.DateOnly), err)
		}
		return nil
	})
}
