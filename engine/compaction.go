package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// Compactable decides whether compaction may rewrite a data file of t (its
// location). It is the one place such a rule lives: as in S3 Tables,
// compaction processes only data in the FREQUENT tier, so a file of an
// INTELLIGENT_TIERING table that nobody read for the table's
// infrequent-days is left where it is, and compaction never warms a cold
// file. A file whose tier cannot be worked out (a bad tiering property,
// an unreadable access log) is not compacted: the error is logged.
func Compactable(t *Table, dataFile string) bool {
	tier, err := t.tierOf(context.Background(), dataFile)
	if err != nil {
		slog.Warn("compaction skips a file whose tier is unknown", "table", t.Ident(), "file", dataFile, "err", err)
		return false
	}
	return tier == TierFrequent
}

// SortOrderSQL renders the table's default sort order as an ORDER BY list
// for DuckDB ("" when the table is unsorted). Only identity transforms
// can be said in SQL here; others are an error naming the field.
func (t *Table) SortOrderSQL() (string, error) {
	order := t.tbl.SortOrder()
	if order.IsUnsorted() {
		return "", nil
	}
	schema := t.Schema()
	var parts []string
	for _, f := range order.Fields() {
		if len(f.SourceIDs) != 1 || f.Transform.String() != "identity" {
			return "", fmt.Errorf("%s: sort order field %s is not an identity transform of one column; floe can only sort by columns", t.Ident(), f.Transform)
		}
		col, ok := schema.FindColumnName(f.SourceIDs[0])
		if !ok {
			return "", fmt.Errorf("%s: sort order names column id %d, which the schema lacks", t.Ident(), f.SourceIDs[0])
		}
		dir := "ASC"
		if f.Direction == table.SortDESC {
			dir = "DESC"
		}
		nulls := "NULLS FIRST"
		if f.NullOrder == table.NullsLast {
			nulls = "NULLS LAST"
		}
		parts = append(parts, QuoteIdent(col)+" "+dir+" "+nulls)
	}
	return strings.Join(parts, ", "), nil
}

// SequenceNumber returns the sequence number of the table's current
// snapshot (0 for a table without one): a compaction planned here passes
// it to CompactFrom.
func (t *Table) SequenceNumber() int64 {
	if s := t.tbl.CurrentSnapshot(); s != nil {
		return s.SequenceNumber
	}
	return 0
}

// CompactFrom replaces data files (local paths) of the planned snapshot
// with rewritten ones that have their deletes applied, and drops the
// delete files that no longer apply to anything, in one replace snapshot,
// with Iceberg Java's use-starting-sequence-number: the rewritten files
// get startSeq, the sequence number of the snapshot
// the compaction planned and read at, not the new snapshot's. An equality
// delete committed after that snapshot (a higher sequence number) then
// still applies to the rewritten rows, so it need not stale the
// compaction; the equality deletes the compaction applied (sequence
// numbers up to startSeq) do not apply to them again. Delete files in
// dropDeletes with a sequence number above startSeq are kept: they are
// newer than what the compaction read. It must run under the table's
// lock (Warehouse.Modify).
func (t *Table) CompactFrom(ctx context.Context, p *Plan, removed []string, added []WrittenFile, dropDeletes []iceberg.DataFile, startSeq int64) (*Table, error) {
	var old []iceberg.DataFile
	for _, path := range removed {
		task, ok := p.PlanFile(path)
		if !ok {
			return nil, fmt.Errorf("%s: data file %s is not in the planned snapshot", t.Ident(), path)
		}
		old = append(old, task.File)
	}
	if len(old) == 0 {
		return t, nil
	}
	seqs, err := t.deleteSequenceNumbers(ctx)
	if err != nil {
		return nil, err
	}
	var firstRowID *int64
	if md := t.tbl.Metadata(); md.Version() >= 3 {
		next := md.NextRowID()
		firstRowID = &next
	}
	dfs, err := t.dataFiles(ctx, added, firstRowID)
	if err != nil {
		return nil, err
	}
	tx := t.tbl.NewTransaction()
	rw := tx.NewRewrite(iceberg.Properties{"floe.operation": "rewrite_data_files"}).DataSequenceNumber(startSeq)
	for _, df := range old {
		rw.DeleteFile(df)
	}
	for _, df := range dfs {
		rw.AddDataFile(df)
	}
	for _, d := range dropDeletes {
		if seq, ok := seqs[deleteKey(d)]; ok && seq > startSeq {
			continue
		}
		rw.DeleteFile(d)
	}
	if err := rw.Commit(ctx); err != nil {
		return nil, fmt.Errorf("rewrite %s: %w", t.Ident(), err)
	}
	nt, err := tx.Commit(ctx)
	if err != nil {
		if isConflict(err) {
			return nil, fmt.Errorf("rewrite %s: %w: another engine changed the table meanwhile: %v", t.Ident(), ErrCommitConflict, err)
		}
		return nil, fmt.Errorf("rewrite %s: %w", t.Ident(), err)
	}
	return t.committed(nt), nil
}

// deleteSequenceNumbers returns the data sequence number of each live
// delete file, keyed by deleteKey.
func (t *Table) deleteSequenceNumbers(ctx context.Context) (map[string]int64, error) {
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return nil, err
	}
	seqs := map[string]int64{}
	for _, e := range entries {
		if d := e.DataFile(); d.ContentType() != iceberg.EntryContentData {
			seqs[deleteKey(d)] = e.SequenceNum()
		}
	}
	return seqs, nil
}

// deleteKey names a delete file: its location, and for a deletion vector
// the data file it references (DVs of one Puffin file share a location).
func deleteKey(d iceberg.DataFile) string {
	if r := d.ReferencedDataFile(); r != nil {
		return d.FilePath() + "\x00" + *r
	}
	return d.FilePath()
}
