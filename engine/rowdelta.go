package engine

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/uuid"
)

// Write modes of row-level changes (Iceberg's write.delete.mode and friends).
const (
	MergeOnRead = "merge-on-read"
	CopyOnWrite = "copy-on-write"
)

// WriteMode returns the mode a DELETE ("delete"), UPDATE ("update") or
// MERGE ("merge") uses on this table: the table's property, else
// merge-on-read for format v3 and copy-on-write before (as Spark).
func (t *Table) WriteMode(op string) string {
	if v := t.Properties().Get("write."+op+".mode", ""); v != "" {
		return v
	}
	if t.FormatVersion() >= 3 {
		return MergeOnRead
	}
	return CopyOnWrite
}

// RowDelta is what a row-level statement changes, as one snapshot.
type RowDelta struct {
	// Deleted holds the positions deleted from each data file (local path),
	// as runs of consecutive positions (in any order; they may overlap).
	// With merge-on-read on format v3 they become deletion vectors, merged
	// with the file's existing one.
	Deleted map[string][]PosRun
	// PosDeleteFiles are position-delete Parquet files (v2 merge-on-read)
	// already written, one per partition; Partition is the partition of the
	// data files they reference.
	PosDeleteFiles []WrittenDeleteFile
	// RemovedData are data files (local paths) dropped whole: files all of
	// whose rows are deleted, and files copy-on-write rewrote.
	RemovedData []string
	// AddedData are new data files: updated and inserted rows, and
	// copy-on-write rewrites.
	AddedData []WrittenFile
	// Coalesce, when set, rewrites small data files of the partitions the
	// change writes into, together with its own new files there, in the
	// same commit (see Coalesce).
	Coalesce *Coalesce
}

// Coalesce is a rewrite of small data files committed with a row-level
// change: Old (files of Plan, which must be the change's snapshot) and New
// (some of the change's AddedData) are dropped, with their deletion
// vectors, and Added, which holds their live rows after the change, takes
// their place.
//
// iceberg-go can stage a snapshot that adds data files and deletion
// vectors (a row delta) and one that drops and adds data files (an
// overwrite), but not one that also adds fresh deletion vectors. The
// change therefore commits as two snapshots in one atomic metadata
// commit: the row delta (the statement as it would be without coalescing)
// and then the overwrite, which changes no row. Readers never see the
// first as current, and time travel to either shows consistent rows. The
// commit is pinned to the planned snapshot: a concurrent commit (one that
// deleted rows of a file dropped here, say) makes it a conflict, which the
// statement's retry plans again, so no deleted row comes back.
type Coalesce struct {
	Plan  *Plan
	Old   []string
	New   []string
	Added []WrittenFile
}

// PosRun is the row positions Start, Start+1, ..., End-1 of a data file.
type PosRun struct{ Start, End int64 }

// PosRuns turns sorted positions into runs of consecutive ones (duplicates
// are allowed).
func PosRuns(sorted []int64) []PosRun {
	var out []PosRun
	for _, p := range sorted {
		if n := len(out); n > 0 && p <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, p+1)
			continue
		}
		out = append(out, PosRun{p, p + 1})
	}
	return out
}

// WrittenDeleteFile is a position-delete file DuckDB wrote.
type WrittenDeleteFile struct {
	Path      string
	Rows      int64
	SpecID    int
	Partition map[int]any
	// Referenced is the one data file the deletes apply to, if only one.
	Referenced string
}

// PlanFile returns the planned data file at a local path.
func (p *Plan) PlanFile(path string) (table.FileScanTask, bool) {
	if !p.caches() || p.byLocal == nil {
		p.byLocal = make(map[string]int, len(p.Tasks))
		for i, t := range p.Tasks {
			if lp, ok := p.Local(t.File.FilePath()); ok {
				if _, dup := p.byLocal[lp]; !dup {
					p.byLocal[lp] = i
				}
			}
		}
	}
	if i, ok := p.byLocal[path]; ok {
		return p.Tasks[i], true
	}
	return table.FileScanTask{}, false
}

// CommitRowDelta commits a row-level change planned against p as one
// snapshot. It must run under the table's lock (see Warehouse.Modify), so
// the plan is still the current snapshot.
func (t *Table) CommitRowDelta(ctx context.Context, p *Plan, d RowDelta, op string, summary map[string]string) (*Table, error) {
	tx := t.tbl.NewTransaction()
	c := d.Coalesce
	if c != nil {
		if c.Plan == nil || c.Plan.Snapshot == nil || p.Snapshot == nil || c.Plan.Snapshot.SnapshotID != p.Snapshot.SnapshotID {
			return nil, fmt.Errorf("%s: the files to coalesce were planned on another snapshot than the change", t.Ident())
		}
		if err := tx.AssertRefSnapshotID(""); err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, t.Ident(), err)
		}
	}
	byPath := map[string]table.FileScanTask{}
	for _, task := range p.Tasks {
		if lp, ok := p.Local(task.File.FilePath()); ok {
			byPath[lp] = task
		}
	}
	lookup := func(path string) (table.FileScanTask, error) {
		task, ok := byPath[path]
		if !ok {
			return task, fmt.Errorf("%s: data file %s is not in the planned snapshot", t.Ident(), path)
		}
		return task, nil
	}
	var firstRowID *int64
	if md := t.tbl.Metadata(); md.Version() >= 3 {
		next := md.NextRowID()
		firstRowID = &next
	}
	added, err := t.dataFiles(ctx, d.AddedData, firstRowID)
	if err != nil {
		return nil, err
	}
	fs, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	wfs, ok := fs.(icebergio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("%s: the table's storage is read-only", t.Ident())
	}

	var newDeletes, oldDVs []iceberg.DataFile
	if len(d.Deleted) > 0 {
		existing, err := p.DVs(ctx)
		if err != nil {
			return nil, err
		}
		w := dv.NewDVWriter(wfs, func(id int32) *iceberg.PartitionSpec {
			return t.tbl.Metadata().PartitionSpecByID(int(id))
		})
		for _, path := range slices.Sorted(maps.Keys(d.Deleted)) {
			task, err := lookup(path)
			if err != nil {
				return nil, err
			}
			bm := dv.NewRoaringPositionBitmap()
			if old, ok := existing[path]; ok {
				bm.Or(old)
			}
			for _, r := range d.Deleted[path] {
				if r.End == r.Start+1 {
					bm.Set(uint64(r.Start))
				} else {
					bm.SetRange(uint64(r.Start), uint64(r.End))
				}
			}
			w.Load(task.File.FilePath(), bm, task.File.SpecID(), task.File.Partition())
			oldDVs = append(oldDVs, task.DeletionVectorFiles...)
			for _, df := range task.DeleteFiles {
				if df.FileFormat() == iceberg.PuffinFile {
					oldDVs = append(oldDVs, df)
				}
			}
		}
		loc := strings.TrimSuffix(t.tbl.Location(), "/") + "/data/" + uuid.New().String() + "-deletes.puffin"
		files, err := w.Flush(ctx, loc)
		if err != nil {
			return nil, fmt.Errorf("%s: write deletion vectors: %w", t.Ident(), err)
		}
		newDeletes = append(newDeletes, files...)
	}
	for _, f := range d.PosDeleteFiles {
		df, err := t.posDeleteFile(ctx, p, f)
		if err != nil {
			return nil, err
		}
		newDeletes = append(newDeletes, df)
	}

	props := iceberg.Properties{}
	maps.Copy(props, summary)
	switch {
	case len(d.RemovedData) > 0:
		if len(newDeletes) > 0 {
			return nil, fmt.Errorf("%s: a row-level change cannot both drop data files and add delete files", t.Ident())
		}
		var removed, removedDeletes []iceberg.DataFile
		for _, path := range d.RemovedData {
			task, err := lookup(path)
			if err != nil {
				return nil, err
			}
			removed = append(removed, task.File)
			// A DV only ever applies to its one data file: it goes too.
			// Position-delete files may cover other files and stay; they
			// reference a path that no longer exists, which is harmless.
			removedDeletes = append(removedDeletes, task.DeletionVectorFiles...)
			for _, df := range task.DeleteFiles {
				if df.FileFormat() == iceberg.PuffinFile {
					removedDeletes = append(removedDeletes, df)
				}
			}
		}
		if err := tx.ReplaceFiles(ctx, removed, added, removedDeletes, props); err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, t.Ident(), err)
		}
	case len(newDeletes) > 0 || len(added) > 0:
		rd := tx.NewRowDelta(props)
		rd.AddRows(added...)
		rd.AddDeletes(newDeletes...)
		if len(oldDVs) > 0 {
			rd.RemoveDeletes(oldDVs...)
		}
		if err := rd.Commit(ctx); err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, t.Ident(), err)
		}
	default:
		return t, nil
	}
	if c != nil && (len(c.Old) > 0 || len(c.New) > 0) {
		if err := t.stageCoalesce(ctx, tx, c, d.AddedData, added, newDeletes, summary); err != nil {
			return nil, fmt.Errorf("%s %s: coalesce small files: %w", op, t.Ident(), err)
		}
	}
	nt, err := tx.Commit(ctx)
	if err != nil {
		if isConflict(err) {
			// The commit surely did not land: the deletion vectors written
			// for it are referenced by nothing, and a retry writes its own.
			for _, df := range newDeletes {
				if df.FileFormat() == iceberg.PuffinFile {
					wfs.Remove(df.FilePath())
				}
			}
			return nil, fmt.Errorf("%s %s: %w: another engine changed the table meanwhile: %v", op, t.Ident(), ErrCommitConflict, err)
		}
		return nil, fmt.Errorf("%s %s: %w", op, t.Ident(), err)
	}
	return t.committed(nt), nil
}

// stageCoalesce stages c as an overwrite snapshot after the row delta
// already staged in tx, which added the data files added (written as
// written) and the deletion vectors newDVs.
func (t *Table) stageCoalesce(ctx context.Context, tx *table.Transaction, c *Coalesce, written []WrittenFile, added, newDVs []iceberg.DataFile, summary map[string]string) error {
	addedByPath := make(map[string]iceberg.DataFile, len(written))
	for i, f := range written {
		if i < len(added) {
			addedByPath[f.Path] = added[i]
		}
	}
	dvByRef := map[string]iceberg.DataFile{}
	for _, df := range newDVs {
		if ref := df.ReferencedDataFile(); df.FileFormat() == iceberg.PuffinFile && ref != nil {
			dvByRef[*ref] = df
		}
	}
	var removed, removedDVs []iceberg.DataFile
	var rows int64
	for _, path := range c.Old {
		task, ok := c.Plan.PlanFile(path)
		if !ok {
			return fmt.Errorf("data file %s is not in the planned snapshot", path)
		}
		removed = append(removed, task.File)
		rows += task.File.Count()
		// The deletion vector live after the row delta: its new one, or
		// the one the file had.
		if df, ok := dvByRef[task.File.FilePath()]; ok {
			removedDVs = append(removedDVs, df)
			continue
		}
		removedDVs = append(removedDVs, task.DeletionVectorFiles...)
		for _, df := range task.DeleteFiles {
			if df.FileFormat() != iceberg.PuffinFile {
				return fmt.Errorf("data file %s has position or equality deletes: it is not coalesced", path)
			}
			removedDVs = append(removedDVs, df)
		}
	}
	for _, path := range c.New {
		df, ok := addedByPath[path]
		if !ok {
			return fmt.Errorf("%s is not among the change's new files", path)
		}
		removed = append(removed, df)
	}
	staged, err := tx.StagedTable()
	if err != nil {
		return err
	}
	var firstRowID *int64
	if md := staged.Metadata(); md.Version() >= 3 {
		next := md.NextRowID()
		firstRowID = &next
	}
	files, err := t.dataFiles(ctx, c.Added, firstRowID)
	if err != nil {
		return err
	}
	props := iceberg.Properties{}
	maps.Copy(props, summary)
	props["floe.operation"] = "coalesce"
	if op, ok := summary["floe.operation"]; ok {
		props["floe.coalesce-after"] = op
	}
	props["floe.coalesced-files"] = fmt.Sprint(len(removed))
	return tx.ReplaceFiles(ctx, removed, files, removedDVs, props)
}

// WrittenPartition returns the partition values of a written file in the
// table's current spec, keyed by partition field id, as a manifest holds
// them.
func (t *Table) WrittenPartition(f WrittenFile) (map[int]any, error) {
	schema, spec := t.Schema(), t.Spec()
	out := map[int]any{}
	for j, field := range spec.Fields() {
		src, ok := schema.FindFieldByID(field.SourceID())
		if !ok {
			return nil, fmt.Errorf("partition field %s: source column %d is not in the schema", field.Name, field.SourceID())
		}
		if j >= len(f.Partition) {
			return nil, fmt.Errorf("%s: no value for partition field %s", f.Path, field.Name)
		}
		v, err := partitionValue(field.Transform.ResultType(src.Type), f.Partition[j])
		if err != nil {
			return nil, fmt.Errorf("%s: partition field %s: %w", f.Path, field.Name, err)
		}
		out[field.FieldID] = v
	}
	return out, nil
}

// PartitionKey renders partition values (as WrittenPartition returns them
// or a manifest holds them) as a string equal for equal partitions.
func PartitionKey(values map[int]any) string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "%d=%v;", id, values[id])
	}
	return b.String()
}

// PartitionsFilter returns a filter that keeps the given partitions of the
// current spec (values as WrittenPartition returns them), or nil (keep
// everything) when a partition field is not an identity of an int, long,
// string or date column.
func (t *Table) PartitionsFilter(parts []map[int]any) iceberg.BooleanExpression {
	spec, schema := t.Spec(), t.Schema()
	if spec.IsUnpartitioned() || len(parts) == 0 {
		return nil
	}
	var preds []iceberg.BooleanExpression
	for _, field := range spec.Fields() {
		if _, ok := field.Transform.(iceberg.IdentityTransform); !ok {
			return nil
		}
		src, ok := schema.FindFieldByID(field.SourceID())
		if !ok {
			return nil
		}
		seen := map[any]bool{}
		var lits []iceberg.Literal
		for _, p := range parts {
			v := p[field.FieldID]
			if seen[v] {
				continue
			}
			seen[v] = true
			var lit iceberg.Literal
			switch x := v.(type) {
			case int32:
				lit = iceberg.NewLiteral(x)
			case int64:
				lit = iceberg.NewLiteral(x)
			case string:
				lit = iceberg.NewLiteral(x)
			case iceberg.Date:
				lit = iceberg.NewLiteral(x)
			default:
				return nil // NULL or another type: no pruning
			}
			lits = append(lits, lit)
		}
		preds = append(preds, iceberg.SetPredicate(iceberg.OpIn, iceberg.Reference(src.Name), lits))
	}
	switch len(preds) {
	case 0:
		return nil
	case 1:
		return preds[0]
	}
	return iceberg.NewAnd(preds[0], preds[1], preds[2:]...)
}

// PosDeleteFieldIDs is the FIELD_IDS clause for a position-delete file:
// the field ids the spec reserves for file_path and pos.
const PosDeleteFieldIDs = "{file_path: 2147483546, pos: 2147483545}"

func (t *Table) posDeleteFile(ctx context.Context, p *Plan, f WrittenDeleteFile) (iceberg.DataFile, error) {
	spec := t.tbl.Metadata().PartitionSpecByID(f.SpecID)
	if spec == nil {
		return nil, fmt.Errorf("%s: no partition spec %d", t.Ident(), f.SpecID)
	}
	loc := FileURI(f.Path)
	var size int64
	if _, spooled := t.wh.spoolLocation(f.Path); spooled {
		// On object storage: uploaded now, before the commit.
		st, err := os.Stat(f.Path)
		if err != nil {
			return nil, err
		}
		size = st.Size()
		locs, err := t.wh.upload(ctx, []string{f.Path})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Ident(), err)
		}
		loc = locs[0]
	} else {
		st, err := t.wh.fs.Stat(f.Path)
		if err != nil {
			return nil, err
		}
		size = st.Size()
	}
	b, err := iceberg.NewDataFileBuilder(*spec, iceberg.EntryContentPosDeletes, loc, iceberg.ParquetFile,
		f.Partition, nil, nil, f.Rows, size)
	if err != nil {
		return nil, err
	}
	if f.Referenced != "" {
		b.ReferencedDataFile(p.Location(f.Referenced))
	}
	return b.Build(), nil
}

// AddEqualityDeletes commits an equality-delete file (unpartitioned tables
// or a file whose rows all fall in one partition, given by partition): rows
// of older data files whose equality columns (fieldIDs) match a row of the
// file are deleted. Streaming writers such as Flink and change-data capture
// write these.
func (t *Table) AddEqualityDeletes(ctx context.Context, path string, rows int64, fieldIDs []int, partition map[int]any) (*Table, error) {
	st, err := t.wh.fs.Stat(path)
	if err != nil {
		return nil, err
	}
	spec := t.Spec()
	return t.commit(ctx, "add equality deletes to", func(tx *table.Transaction) error {
		b, err := iceberg.NewDataFileBuilder(spec, iceberg.EntryContentEqDeletes, FileURI(path), iceberg.ParquetFile,
			partition, nil, nil, rows, st.Size())
		if err != nil {
			return err
		}
		b.EqualityFieldIDs(fieldIDs)
		return tx.NewRowDelta(nil).AddDeletes(b.Build()).Commit(ctx)
	})
}

// RawSQL renders the plan's data files as one read_parquet with no delete
// applied: the table's columns (by their current names) plus __floe_fi,
// the row's file as an index into files, and __floe_pos, its position in
// the file. A MERGE joins the source's keys with it so that DuckDB's join
// filters reach every file, and drops the rows deletion vectors delete
// from the few rows that matched (see DVs), rather than removing deleted
// rows from the whole target first. ok is false when position-delete
// files or equality deletes apply to a planned file: those are removed in
// SQL only (ReadSQL).
func (p *Plan) RawSQL() (sql string, files []string, ok bool, err error) {
	if len(p.Tasks) == 0 {
		return "", nil, false, nil
	}
	for _, task := range p.Tasks {
		if len(task.EqualityDeleteFiles) > 0 {
			return "", nil, false, nil
		}
		for _, d := range task.DeleteFiles {
			if d.FileFormat() != iceberg.PuffinFile {
				return "", nil, false, nil
			}
		}
		path, ok := p.Local(task.File.FilePath())
		if !ok {
			return "", nil, false, fmt.Errorf("%s: data file %s is not on the local filesystem", p.Table.Ident(), task.File.FilePath())
		}
		files = append(files, path)
	}
	fields := p.Schema.Fields()
	cols := make([]string, len(fields))
	var schema strings.Builder
	for i, f := range fields {
		typ, err := DuckDBType(f.Type)
		if err != nil {
			return "", nil, false, fmt.Errorf("%s column %s: %w", p.Table.Ident(), f.Name, err)
		}
		cols[i] = "d." + QuoteIdent(f.Name)
		if i > 0 {
			schema.WriteString(", ")
		}
		fmt.Fprintf(&schema, "%d: {name: %s, type: %s, default_value: NULL}", f.ID, QuoteString(f.Name), QuoteString(typ))
	}
	// As ReadSQL: a table whose schema never changed is read by name.
	schemaOpt := ", schema=MAP{" + schema.String() + "}"
	if len(p.Table.tbl.Metadata().Schemas()) == 1 {
		schemaOpt = ""
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = QuoteString(f)
	}
	sql = fmt.Sprintf("SELECT %s, CAST(d.file_index AS BIGINT) AS __floe_fi, d.file_row_number AS __floe_pos FROM read_parquet([%s]%s, file_row_number=true) AS d",
		strings.Join(cols, ", "), strings.Join(quoted, ", "), schemaOpt)
	return sql, files, true, nil
}
