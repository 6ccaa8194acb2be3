package engine

import (
	"context"
	"fmt"
	"maps"

	"github.com/apache/iceberg-go"
)

// EqualityDelta is an upsert as streaming writers (Flink, change-data
// capture) commit it to a format v2 table: an equality-delete file of the
// changed keys and the keys' new rows, in one snapshot. The delete applies
// to data files of earlier snapshots only (Iceberg spec, "Scan Planning":
// an equality delete applies to data files with a lower data sequence
// number), so the rows added with it stay.
type EqualityDelta struct {
	// DeletePath is the equality-delete Parquet file (local path) holding
	// the key columns, with Rows rows, written with the Iceberg field ids
	// FieldIDs.
	DeletePath string
	Rows       int64
	FieldIDs   []int
	// DeletePartition holds the delete file's partition values in the
	// spec's field order (as WrittenFile.Partition) on a partitioned
	// table: the delete then applies within that partition only. On an
	// unpartitioned table it is empty and the delete applies to every
	// older data file.
	DeletePartition []any
	// AddedData are the new rows' data files.
	AddedData []WrittenFile
}

// CommitEqualityDelta commits d as one snapshot with summary. The delete
// file is described with its key columns' bounds and null counts (read
// from its footer), so a scan skips it for data files whose key ranges it
// cannot touch. It must run under the table's lock (Warehouse.Modify).
func (t *Table) CommitEqualityDelta(ctx context.Context, d EqualityDelta, summary map[string]string) (*Table, error) {
	if t.FormatVersion() < 2 {
		return nil, fmt.Errorf("%w: %s is a format-version %d table; equality deletes need v2", ErrReadOnly, t.Ident(), t.FormatVersion())
	}
	tx := t.tbl.NewTransaction()
	added, err := t.dataFiles(ctx, d.AddedData, nil)
	if err != nil {
		return nil, err
	}
	props := iceberg.Properties{}
	maps.Copy(props, summary)
	rd := tx.NewRowDelta(props)
	rd.AddRows(added...)
	if d.DeletePath != "" {
		if len(d.FieldIDs) == 0 {
			return nil, fmt.Errorf("%s: equality delete file %s names no equality fields", t.Ident(), d.DeletePath)
		}
		for _, id := range d.FieldIDs {
			if _, ok := t.Schema().FindFieldByID(id); !ok {
				return nil, fmt.Errorf("%s: equality delete file %s uses field %d, which the schema does not have", t.Ident(), d.DeletePath, id)
			}
		}
		prepared, err := t.prepareFiles(ctx, []WrittenFile{{Path: d.DeletePath, Partition: d.DeletePartition}})
		if err != nil {
			return nil, fmt.Errorf("%s: equality delete file: %w", t.Ident(), err)
		}
		p := prepared[0]
		if p.stats.Count() != d.Rows {
			return nil, fmt.Errorf("%s: equality delete file %s holds %d rows, not the %d written", t.Ident(), d.DeletePath, p.stats.Count(), d.Rows)
		}
		b, err := iceberg.NewDataFileBuilder(t.Spec(), iceberg.EntryContentEqDeletes, p.uri, iceberg.ParquetFile,
			p.values, p.logical, nil, p.stats.Count(), p.stats.FileSizeBytes())
		if err != nil {
			return nil, err
		}
		b.EqualityFieldIDs(d.FieldIDs)
		b.ColumnSizes(p.stats.ColumnSizes()).ValueCounts(p.stats.ValueCounts()).
			NullValueCounts(p.stats.NullValueCounts()).NaNValueCounts(p.stats.NaNValueCounts()).
			LowerBoundValues(p.stats.LowerBoundValues()).UpperBoundValues(p.stats.UpperBoundValues())
		rd.AddDeletes(b.Build())
	}
	if err := rd.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit to %s: %w", t.Ident(), err)
	}
	nt, err := tx.Commit(ctx)
	if err != nil {
		if isConflict(err) {
			return nil, fmt.Errorf("commit to %s: %w: another engine changed the table meanwhile: %v", t.Ident(), ErrCommitConflict, err)
		}
		return nil, fmt.Errorf("commit to %s: %w", t.Ident(), err)
	}
	return t.committed(nt), nil
}

// EqualityDeleteFiles returns the live equality-delete files of the
// current snapshot.
func (t *Table) EqualityDeleteFiles(ctx context.Context) ([]iceberg.DataFile, error) {
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return nil, err
	}
	var out []iceberg.DataFile
	for _, e := range entries {
		if e.DataFile().ContentType() == iceberg.EntryContentEqDeletes {
			out = append(out, e.DataFile())
		}
	}
	return out, nil
}
