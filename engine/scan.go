package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// ScanOptions select what a scan reads.
type ScanOptions struct {
	// SnapshotID pins the scan to a snapshot; zero means the current one.
	SnapshotID int64
	// Filter prunes partitions and files by their statistics. Rows are not
	// filtered by it: the SQL that reads the files applies the predicate.
	Filter iceberg.BooleanExpression
}

// Plan is the result of planning a scan: the files to read for a snapshot.
type Plan struct {
	Table    *Table
	Snapshot *table.Snapshot // nil for a table with no snapshot yet
	Schema   *iceberg.Schema
	Tasks    []table.FileScanTask
}

// PlanScan resolves a snapshot to the data files (and their delete files)
// that may hold rows matching opts.Filter, pruning manifests, partitions
// and files by their statistics.
func (t *Table) PlanScan(ctx context.Context, opts ScanOptions) (*Plan, error) {
	p := &Plan{Table: t, Schema: t.Schema()}
	snap := t.tbl.CurrentSnapshot()
	if opts.SnapshotID != 0 {
		s, err := t.SnapshotByID(opts.SnapshotID)
		if err != nil {
			return nil, err
		}
		snap = s
		if s.SchemaID != nil {
			for _, sc := range t.tbl.Metadata().Schemas() {
				if sc.ID == *s.SchemaID {
					p.Schema = sc
				}
			}
		}
	}
	p.Snapshot = snap
	if snap == nil {
		return p, nil
	}
	scanOpts := []table.ScanOption{table.WithSnapshotID(snap.SnapshotID), table.WithCaseSensitive(false)}
	if opts.Filter != nil {
		scanOpts = append(scanOpts, table.WithRowFilter(opts.Filter))
	}
	tasks, err := t.tbl.Scan(scanOpts...).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan scan of %s: %w", t.Ident(), err)
	}
	p.Tasks = tasks
	return p, nil
}

// SQL renders the plan as a DuckDB query over read_parquet that returns the
// table's rows with its current column names and types, mapping file
// columns by Iceberg field id (so renamed, added and re-added columns read
// correctly from old files).
func (p *Plan) SQL() (string, error) {
	fields := p.Schema.Fields()
	cols := make([]string, len(fields))
	types := make([]string, len(fields))
	for i, f := range fields {
		t, err := DuckDBType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%s column %s: %w", p.Table.Ident(), f.Name, err)
		}
		cols[i], types[i] = QuoteIdent(f.Name), t
	}
	if len(p.Tasks) == 0 {
		sel := make([]string, len(fields))
		for i := range fields {
			sel[i] = "CAST(NULL AS " + types[i] + ") AS " + cols[i]
		}
		return "SELECT " + strings.Join(sel, ", ") + " WHERE false", nil
	}
	var files strings.Builder
	for i, task := range p.Tasks {
		if len(task.DeleteFiles) > 0 || len(task.EqualityDeleteFiles) > 0 || len(task.DeletionVectorFiles) > 0 {
			return "", fmt.Errorf("%s: data file %s has row-level deletes, which floe cannot read yet", p.Table.Ident(), task.File.FilePath())
		}
		path, ok := LocalPath(task.File.FilePath())
		if !ok {
			return "", fmt.Errorf("%s: data file %s is not on the local filesystem", p.Table.Ident(), task.File.FilePath())
		}
		if i > 0 {
			files.WriteString(", ")
		}
		files.WriteString(QuoteString(path))
	}
	var schema strings.Builder
	for i, f := range fields {
		if i > 0 {
			schema.WriteString(", ")
		}
		fmt.Fprintf(&schema, "%d: {name: %s, type: %s, default_value: NULL}", f.ID, QuoteString(f.Name), QuoteString(types[i]))
	}
	return fmt.Sprintf("SELECT %s FROM read_parquet([%s], schema=MAP{%s})",
		strings.Join(cols, ", "), files.String(), schema.String()), nil
}
