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
		p.Schema = t.SnapshotSchema(s)
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

// SnapshotSchema returns the schema a snapshot was written with, which is
// the schema a time-travel read of it uses (Iceberg spec, "Snapshots":
// schema-id). Snapshots that do not record one use the current schema.
func (t *Table) SnapshotSchema(s *table.Snapshot) *iceberg.Schema {
	if s != nil && s.SchemaID != nil {
		for _, sc := range t.tbl.Metadata().Schemas() {
			if sc.ID == *s.SchemaID {
				return sc
			}
		}
	}
	return t.Schema()
}

// ReadOptions tune the SQL a plan renders.
type ReadOptions struct {
	// DVRelation names a DuckDB relation (f VARCHAR, pos BIGINT) that holds
	// the positions deleted by the plan's deletion vectors (see DVs); it is
	// required when the plan has any.
	DVRelation string
	// RowPositions adds the columns __floe_file (local path of the data
	// file) and __floe_pos (row position in it), which row-level DML uses
	// to address the rows it changes.
	RowPositions bool
}

// SQL renders the plan as a DuckDB query; see ReadSQL.
func (p *Plan) SQL() (string, error) { return p.ReadSQL(ReadOptions{}) }

// HasDVs reports whether any planned data file has a deletion vector.
func (p *Plan) HasDVs() bool {
	for _, t := range p.Tasks {
		if len(t.DeletionVectorFiles) > 0 {
			return true
		}
	}
	return false
}

// ReadSQL renders the plan as a DuckDB query over read_parquet that returns
// the table's live rows with its current column names and types, mapping
// file columns by Iceberg field id (so renamed, added and re-added columns
// read correctly from old files). Rows deleted by position-delete files
// and deletion vectors are removed with an anti-join on (file, position).
func (p *Plan) ReadSQL(opts ReadOptions) (string, error) {
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
	hidden := ""
	if opts.RowPositions {
		hidden = ", __floe_file, __floe_pos"
	}
	if len(p.Tasks) == 0 {
		sel := make([]string, len(fields))
		for i := range fields {
			sel[i] = "CAST(NULL AS " + types[i] + ") AS " + cols[i]
		}
		if opts.RowPositions {
			sel = append(sel, "CAST(NULL AS VARCHAR) AS __floe_file", "CAST(NULL AS BIGINT) AS __floe_pos")
		}
		return "SELECT " + strings.Join(sel, ", ") + " WHERE false", nil
	}
	var files strings.Builder
	var posDeletes []string
	seenDel := map[string]bool{}
	hasDV := false
	for i, task := range p.Tasks {
		if len(task.EqualityDeleteFiles) > 0 {
			return "", fmt.Errorf("%s: data file %s has equality deletes, which floe cannot read yet", p.Table.Ident(), task.File.FilePath())
		}
		path, ok := LocalPath(task.File.FilePath())
		if !ok {
			return "", fmt.Errorf("%s: data file %s is not on the local filesystem", p.Table.Ident(), task.File.FilePath())
		}
		if i > 0 {
			files.WriteString(", ")
		}
		files.WriteString(QuoteString(path))
		for _, d := range task.DeleteFiles {
			if d.FileFormat() == iceberg.PuffinFile {
				hasDV = true
				continue
			}
			dp, ok := LocalPath(d.FilePath())
			if !ok {
				return "", fmt.Errorf("%s: delete file %s is not on the local filesystem", p.Table.Ident(), d.FilePath())
			}
			if !seenDel[dp] {
				seenDel[dp] = true
				posDeletes = append(posDeletes, QuoteString(dp))
			}
		}
		if len(task.DeletionVectorFiles) > 0 {
			hasDV = true
		}
	}
	var schema strings.Builder
	for i, f := range fields {
		if i > 0 {
			schema.WriteString(", ")
		}
		fmt.Fprintf(&schema, "%d: {name: %s, type: %s, default_value: NULL}", f.ID, QuoteString(f.Name), QuoteString(types[i]))
	}
	if !hasDV && len(posDeletes) == 0 && !opts.RowPositions {
		return fmt.Sprintf("SELECT %s FROM read_parquet([%s], schema=MAP{%s})",
			strings.Join(cols, ", "), files.String(), schema.String()), nil
	}
	scan := fmt.Sprintf("SELECT %s, filename AS __floe_file, file_row_number AS __floe_pos FROM read_parquet([%s], schema=MAP{%s}, filename=true, file_row_number=true)",
		strings.Join(cols, ", "), files.String(), schema.String())
	var dels []string
	if len(posDeletes) > 0 {
		// Position-delete files (v2) store file URIs; data paths here are local.
		dels = append(dels, fmt.Sprintf("SELECT regexp_replace(file_path, '^file://', '') AS f, pos FROM read_parquet([%s])", strings.Join(posDeletes, ", ")))
	}
	if hasDV {
		if opts.DVRelation == "" {
			return "", fmt.Errorf("%s: the plan has deletion vectors but no relation holds their positions", p.Table.Ident())
		}
		dels = append(dels, "SELECT f, pos FROM "+opts.DVRelation)
	}
	if len(dels) == 0 {
		return fmt.Sprintf("SELECT %s%s FROM (%s)", strings.Join(cols, ", "), hidden, scan), nil
	}
	return fmt.Sprintf("SELECT %s%s FROM (%s) AS d ANTI JOIN (%s) AS del ON del.f = d.__floe_file AND del.pos = d.__floe_pos",
		strings.Join(cols, ", "), hidden, scan, strings.Join(dels, " UNION ALL ")), nil
}
