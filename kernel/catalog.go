package kernel

import (
	"context"
	"strconv"
	"time"

	"github.com/floehq/floe/engine"
)

// LakeColumn is a column of a lake table as the catalog tree shows it.
type LakeColumn struct {
	Name    string
	Type    string // the DuckDB type name
	Comment string // the Iceberg field doc, "" when none
	NotNull bool
}

// LakeTableInfo describes a lake table for the workbench's catalog: its
// columns and what its current snapshot holds. The counts come from the
// snapshot summary Iceberg writers keep, so describing a table reads its
// metadata file only, never its manifests.
type LakeTableInfo struct {
	Namespace, Name string
	Columns         []LakeColumn
	FormatVersion   int
	// Partitioning is the current partition spec, such as
	// "day(sale_date), bucket(16, store_id)"; "" for an unpartitioned table.
	Partitioning string
	// Snapshots is the number of snapshots in the table's history.
	Snapshots int
	// SnapshotID, SnapshotAt and Operation describe the current snapshot;
	// SnapshotID is 0 for a table with no snapshot yet.
	SnapshotID int64
	SnapshotAt time.Time
	Operation  string
	// Rows, DataFiles, DeleteFiles and Bytes are the current snapshot's
	// totals; -1 when the writer left them out of the summary.
	Rows, DataFiles, DeleteFiles, Bytes int64
}

// LakeNamespaces lists the warehouse's namespaces.
func (s *Session) LakeNamespaces(ctx context.Context) ([]string, error) {
	return s.sql.Warehouse().Namespaces(ctx)
}

// LakeTables lists the tables of namespace ns.
func (s *Session) LakeTables(ctx context.Context, ns string) ([]string, error) {
	return s.sql.Warehouse().Tables(ctx, ns)
}

// DescribeLakeTable returns the columns and the current-snapshot figures
// of lake table ns.name.
func (s *Session) DescribeLakeTable(ctx context.Context, ns, name string) (*LakeTableInfo, error) {
	t, err := s.sql.Warehouse().Table(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	info := &LakeTableInfo{Namespace: ns, Name: name, FormatVersion: t.FormatVersion(),
		Snapshots: len(t.Snapshots()), Rows: -1, DataFiles: -1, DeleteFiles: -1, Bytes: -1}
	for _, f := range t.Schema().Fields() {
		info.Columns = append(info.Columns, LakeColumn{Name: f.Name, Type: engine.TypeName(f.Type), Comment: f.Doc, NotNull: f.Required})
	}
	info.Partitioning = t.PartitionText()
	snap := t.Iceberg().CurrentSnapshot()
	if snap == nil {
		info.Rows, info.DataFiles, info.DeleteFiles, info.Bytes = 0, 0, 0, 0
		return info, nil
	}
	info.SnapshotID = snap.SnapshotID
	info.SnapshotAt = time.UnixMilli(snap.TimestampMs)
	if snap.Summary != nil {
		info.Operation = string(snap.Summary.Operation)
		if op := snap.Summary.Properties["floe.operation"]; op != "" {
			info.Operation = op
		}
		total := func(k string) int64 {
			n, err := strconv.ParseInt(snap.Summary.Properties[k], 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
		info.Rows = total("total-records")
		info.DataFiles = total("total-data-files")
		info.DeleteFiles = total("total-delete-files")
		info.Bytes = total("total-files-size")
		if pd, ed := total("total-position-deletes"), total("total-equality-deletes"); info.Rows >= 0 && pd >= 0 && ed == 0 {
			// total-records counts rows of data files; rows removed by
			// position deletes and deletion vectors are still in them.
			info.Rows -= pd
		}
	}
	return info, nil
}
