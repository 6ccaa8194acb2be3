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
	var posDeletes []string
	seenDel := map[string]bool{}
	hasDV := false
	// Data files are read in groups that share the same equality-delete
	// files (Iceberg applies an equality delete only to data files with an
	// older sequence number; the planner attached the ones that apply).
	type group struct {
		files  []string
		eqDels []iceberg.DataFile
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, task := range p.Tasks {
		path, ok := LocalPath(task.File.FilePath())
		if !ok {
			return "", fmt.Errorf("%s: data file %s is not on the local filesystem", p.Table.Ident(), task.File.FilePath())
		}
		var key strings.Builder
		for _, e := range task.EqualityDeleteFiles {
			key.WriteString(e.FilePath() + "\x00")
		}
		g := byKey[key.String()]
		if g == nil {
			g = &group{eqDels: task.EqualityDeleteFiles}
			byKey[key.String()] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, QuoteString(path))
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
	schemaMap := func(fs []iceberg.NestedField) (string, error) {
		var b strings.Builder
		for i, f := range fs {
			t, err := DuckDBType(f.Type)
			if err != nil {
				return "", err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d: {name: %s, type: %s, default_value: NULL}", f.ID, QuoteString(f.Name), QuoteString(t))
		}
		return "MAP{" + b.String() + "}", nil
	}
	schema, err := schemaMap(fields)
	if err != nil {
		return "", err
	}
	if len(groups) == 1 && len(groups[0].eqDels) == 0 && !hasDV && len(posDeletes) == 0 && !opts.RowPositions {
		return fmt.Sprintf("SELECT %s FROM read_parquet([%s], schema=%s)",
			strings.Join(cols, ", "), strings.Join(groups[0].files, ", "), schema), nil
	}
	var branches []string
	for _, g := range groups {
		b := fmt.Sprintf("SELECT %s, filename AS __floe_file, file_row_number AS __floe_pos FROM read_parquet([%s], schema=%s, filename=true, file_row_number=true) AS d",
			strings.Join(cols, ", "), strings.Join(g.files, ", "), schema)
		var conds []string
		for _, e := range g.eqDels {
			ep, ok := LocalPath(e.FilePath())
			if !ok {
				return "", fmt.Errorf("%s: delete file %s is not on the local filesystem", p.Table.Ident(), e.FilePath())
			}
			var efields []iceberg.NestedField
			var match []string
			for _, id := range e.EqualityFieldIDs() {
				f, ok := p.Schema.FindFieldByID(id)
				if !ok {
					return "", fmt.Errorf("%s: equality delete file %s uses field %d, which the schema does not have", p.Table.Ident(), e.FilePath(), id)
				}
				efields = append(efields, f)
				match = append(match, fmt.Sprintf("e.%s IS NOT DISTINCT FROM d.%s", QuoteIdent(f.Name), QuoteIdent(f.Name)))
			}
			if len(match) == 0 {
				return "", fmt.Errorf("%s: equality delete file %s names no equality fields", p.Table.Ident(), e.FilePath())
			}
			esch, err := schemaMap(efields)
			if err != nil {
				return "", err
			}
			conds = append(conds, fmt.Sprintf("NOT EXISTS (SELECT 1 FROM read_parquet([%s], schema=%s) AS e WHERE %s)",
				QuoteString(ep), esch, strings.Join(match, " AND ")))
		}
		if len(conds) > 0 {
			b += " WHERE " + strings.Join(conds, " AND ")
		}
		branches = append(branches, b)
	}
	scan := strings.Join(branches, " UNION ALL ")
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
