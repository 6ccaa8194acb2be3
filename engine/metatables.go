package engine

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// MetaTable is a metadata table (lake.ns."t$snapshots" and friends) with
// its rows rendered as DuckDB SQL literals.
type MetaTable struct {
	Columns []Column
	Rows    [][]string
}

// MetadataTables lists the metadata tables floe serves, Trino style.
var MetadataTables = []string{"snapshots", "history", "files", "delete_files", "manifests", "partitions", "refs", "tiers", "tier_costs"}

// Metadata builds one of the table's metadata tables.
func (t *Table) Metadata(ctx context.Context, kind string) (*MetaTable, error) {
	switch kind {
	case "snapshots":
		return t.snapshotsTable(), nil
	case "history":
		return t.historyTable(), nil
	case "refs":
		return t.refsTable(), nil
	case "files", "delete_files":
		return t.filesTable(ctx, kind == "delete_files")
	case "manifests":
		return t.manifestsTable(ctx)
	case "partitions":
		return t.partitionsTable(ctx)
	case "tiers":
		return t.tiersTable(ctx)
	case "tier_costs":
		return t.tierCostsTable(ctx)
	}
	return nil, fmt.Errorf("%s has no metadata table $%s (known: %s)", t.Ident(), kind, strings.Join(MetadataTables, ", "))
}

func sqlTime(ms int64) string {
	return "TIMESTAMPTZ " + QuoteString(time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000+00"))
}

func sqlInt(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return strconv.FormatInt(*p, 10)
}

func sqlStrMap(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = QuoteString(k) + ": " + QuoteString(m[k])
	}
	return "MAP {" + strings.Join(parts, ", ") + "}::MAP(VARCHAR, VARCHAR)"
}

func (t *Table) snapshotsTable() *MetaTable {
	mt := &MetaTable{Columns: []Column{
		{Name: "committed_at", Type: "TIMESTAMP WITH TIME ZONE"}, {Name: "snapshot_id", Type: "BIGINT"},
		{Name: "parent_id", Type: "BIGINT"}, {Name: "operation", Type: "VARCHAR"},
		{Name: "manifest_list", Type: "VARCHAR"}, {Name: "summary", Type: "MAP(VARCHAR, VARCHAR)"},
	}}
	for _, s := range t.Snapshots() {
		op, summary := "", map[string]string{}
		if s.Summary != nil {
			op = string(s.Summary.Operation)
			maps.Copy(summary, s.Summary.Properties)
		}
		mt.Rows = append(mt.Rows, []string{sqlTime(s.TimestampMs), strconv.FormatInt(s.SnapshotID, 10),
			sqlInt(s.ParentSnapshotID), QuoteString(op), QuoteString(s.ManifestList), sqlStrMap(summary)})
	}
	return mt
}

func (t *Table) historyTable() *MetaTable {
	mt := &MetaTable{Columns: []Column{
		{Name: "made_current_at", Type: "TIMESTAMP WITH TIME ZONE"}, {Name: "snapshot_id", Type: "BIGINT"},
		{Name: "parent_id", Type: "BIGINT"}, {Name: "is_current_ancestor", Type: "BOOLEAN"},
	}}
	ancestors := map[int64]bool{}
	for s := t.tbl.CurrentSnapshot(); s != nil; {
		ancestors[s.SnapshotID] = true
		if s.ParentSnapshotID == nil {
			break
		}
		s = t.tbl.SnapshotByID(*s.ParentSnapshotID)
	}
	for e := range t.tbl.Metadata().SnapshotLogs() {
		var parent *int64
		if s := t.tbl.SnapshotByID(e.SnapshotID); s != nil {
			parent = s.ParentSnapshotID
		}
		mt.Rows = append(mt.Rows, []string{sqlTime(e.TimestampMs), strconv.FormatInt(e.SnapshotID, 10),
			sqlInt(parent), strconv.FormatBool(ancestors[e.SnapshotID])})
	}
	return mt
}

func (t *Table) refsTable() *MetaTable {
	mt := &MetaTable{Columns: []Column{
		{Name: "name", Type: "VARCHAR"}, {Name: "type", Type: "VARCHAR"}, {Name: "snapshot_id", Type: "BIGINT"},
		{Name: "max_reference_age_in_ms", Type: "BIGINT"}, {Name: "min_snapshots_to_keep", Type: "INTEGER"},
		{Name: "max_snapshot_age_in_ms", Type: "BIGINT"},
	}}
	for name, r := range t.tbl.Metadata().Refs() {
		minKeep := "NULL"
		if r.MinSnapshotsToKeep != nil {
			minKeep = strconv.Itoa(*r.MinSnapshotsToKeep)
		}
		mt.Rows = append(mt.Rows, []string{QuoteString(name), QuoteString(strings.ToUpper(string(r.SnapshotRefType))),
			strconv.FormatInt(r.SnapshotID, 10), sqlInt(r.MaxRefAgeMs), minKeep, sqlInt(r.MaxSnapshotAgeMs)})
	}
	sort.Slice(mt.Rows, func(i, j int) bool { return mt.Rows[i][0] < mt.Rows[j][0] })
	return mt
}

// partitionString renders a file's partition as {name=value, ...}, in
// spec order, with human-readable values.
func (t *Table) partitionMap(df iceberg.DataFile) string {
	spec := t.specByID(int(df.SpecID()))
	if spec == nil || spec.IsUnpartitioned() {
		return "MAP {}::MAP(VARCHAR, VARCHAR)"
	}
	vals := df.Partition()
	m := map[string]string{}
	for _, f := range spec.Fields() {
		v, ok := vals[f.FieldID]
		if !ok || v == nil {
			m[f.Name] = "null"
			continue
		}
		src, ok := t.sourceField(f.SourceID())
		if !ok {
			m[f.Name] = fmt.Sprint(v)
			continue
		}
		m[f.Name] = f.Transform.ToHumanStrType(f.Transform.ResultType(src.Type), v)
	}
	return sqlStrMap(m)
}

// sourceField finds a partition field's source column: in the current
// schema, else (for an older spec whose column was dropped since) in the
// newest schema that has it.
func (t *Table) sourceField(id int) (iceberg.NestedField, bool) {
	if f, ok := t.Schema().FindFieldByID(id); ok {
		return f, true
	}
	schemas := t.tbl.Metadata().Schemas()
	for i := len(schemas) - 1; i >= 0; i-- {
		if f, ok := schemas[i].FindFieldByID(id); ok {
			return f, true
		}
	}
	return iceberg.NestedField{}, false
}

func (t *Table) specByID(id int) *iceberg.PartitionSpec {
	for _, s := range t.tbl.Metadata().PartitionSpecs() {
		if s.ID() == id {
			return &s
		}
	}
	return nil
}

func sqlIntMap(m map[int]int64) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d: %d", k, m[k])
	}
	return "MAP {" + strings.Join(parts, ", ") + "}::MAP(INTEGER, BIGINT)"
}

func (t *Table) boundsMap(m map[int][]byte) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		f, ok := t.Schema().FindFieldByID(k)
		if !ok {
			continue
		}
		pt, ok := f.Type.(iceberg.PrimitiveType)
		if !ok {
			continue
		}
		lit, err := iceberg.LiteralFromBytes(pt, m[k])
		if err != nil {
			continue
		}
		s := lit.String()
		switch pt.(type) {
		case iceberg.BinaryType, iceberg.FixedType:
			// Raw bytes are not text: show them as hex, as Trino does.
			s = hex.EncodeToString(m[k])
		}
		parts = append(parts, fmt.Sprintf("%d: %s", k, QuoteString(strings.ToValidUTF8(s, "\uFFFD"))))
	}
	return "MAP {" + strings.Join(parts, ", ") + "}::MAP(INTEGER, VARCHAR)"
}

// liveEntries returns the live manifest entries of the current snapshot.
func (t *Table) liveEntries(ctx context.Context) ([]iceberg.ManifestEntry, []iceberg.ManifestFile, error) {
	snap := t.tbl.CurrentSnapshot()
	if snap == nil {
		return nil, nil, nil
	}
	fs, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, nil, err
	}
	mans, err := snap.Manifests(fs)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read manifest list %s: %w", t.Ident(), snap.ManifestList, err)
	}
	var out []iceberg.ManifestEntry
	for _, m := range mans {
		for e, err := range m.Entries(fs, true) {
			if err != nil {
				return nil, nil, fmt.Errorf("%s: read manifest %s: %w", t.Ident(), m.FilePath(), err)
			}
			out = append(out, e)
		}
	}
	return out, mans, nil
}

// DataFiles returns the live data files of the current snapshot.
func (t *Table) DataFiles(ctx context.Context) ([]iceberg.DataFile, error) {
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return nil, err
	}
	var out []iceberg.DataFile
	for _, e := range entries {
		if e.DataFile().ContentType() == iceberg.EntryContentData {
			out = append(out, e.DataFile())
		}
	}
	return out, nil
}

func (t *Table) filesTable(ctx context.Context, deletesOnly bool) (*MetaTable, error) {
	mt := &MetaTable{Columns: []Column{
		{Name: "content", Type: "INTEGER"}, {Name: "file_path", Type: "VARCHAR"}, {Name: "file_format", Type: "VARCHAR"},
		{Name: "spec_id", Type: "INTEGER"}, {Name: "partition", Type: "MAP(VARCHAR, VARCHAR)"},
		{Name: "record_count", Type: "BIGINT"}, {Name: "file_size_in_bytes", Type: "BIGINT"},
		{Name: "column_sizes", Type: "MAP(INTEGER, BIGINT)"}, {Name: "value_counts", Type: "MAP(INTEGER, BIGINT)"},
		{Name: "null_value_counts", Type: "MAP(INTEGER, BIGINT)"}, {Name: "nan_value_counts", Type: "MAP(INTEGER, BIGINT)"},
		{Name: "lower_bounds", Type: "MAP(INTEGER, VARCHAR)"}, {Name: "upper_bounds", Type: "MAP(INTEGER, VARCHAR)"},
		{Name: "referenced_data_file", Type: "VARCHAR"}, {Name: "sort_order_id", Type: "INTEGER"},
	}}
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		df := e.DataFile()
		if deletesOnly == (df.ContentType() == iceberg.EntryContentData) {
			continue
		}
		ref := "NULL"
		if r := df.ReferencedDataFile(); r != nil {
			ref = QuoteString(*r)
		}
		sortID := "NULL"
		if s := df.SortOrderID(); s != nil {
			sortID = strconv.Itoa(*s)
		}
		mt.Rows = append(mt.Rows, []string{
			strconv.Itoa(int(df.ContentType())), QuoteString(df.FilePath()), QuoteString(strings.ToUpper(string(df.FileFormat()))),
			strconv.Itoa(int(df.SpecID())), t.partitionMap(df), strconv.FormatInt(df.Count(), 10),
			strconv.FormatInt(df.FileSizeBytes(), 10), sqlIntMap(df.ColumnSizes()), sqlIntMap(df.ValueCounts()),
			sqlIntMap(df.NullValueCounts()), sqlIntMap(df.NaNValueCounts()), t.boundsMap(df.LowerBoundValues()),
			t.boundsMap(df.UpperBoundValues()), ref, sortID,
		})
	}
	return mt, nil
}

func (t *Table) manifestsTable(ctx context.Context) (*MetaTable, error) {
	mt := &MetaTable{Columns: []Column{
		{Name: "content", Type: "INTEGER"}, {Name: "path", Type: "VARCHAR"}, {Name: "length", Type: "BIGINT"},
		{Name: "partition_spec_id", Type: "INTEGER"}, {Name: "added_snapshot_id", Type: "BIGINT"},
		{Name: "added_data_files_count", Type: "INTEGER"}, {Name: "existing_data_files_count", Type: "INTEGER"},
		{Name: "deleted_data_files_count", Type: "INTEGER"}, {Name: "added_rows_count", Type: "BIGINT"},
		{Name: "existing_rows_count", Type: "BIGINT"}, {Name: "deleted_rows_count", Type: "BIGINT"},
	}}
	snap := t.tbl.CurrentSnapshot()
	if snap == nil {
		return mt, nil
	}
	fs, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	mans, err := snap.Manifests(fs)
	if err != nil {
		return nil, fmt.Errorf("%s: read manifest list %s: %w", t.Ident(), snap.ManifestList, err)
	}
	for _, m := range mans {
		mt.Rows = append(mt.Rows, []string{
			strconv.Itoa(int(m.ManifestContent())), QuoteString(m.FilePath()), strconv.FormatInt(m.Length(), 10),
			strconv.Itoa(int(m.PartitionSpecID())), strconv.FormatInt(m.SnapshotID(), 10),
			strconv.Itoa(int(m.AddedDataFiles())), strconv.Itoa(int(m.ExistingDataFiles())), strconv.Itoa(int(m.DeletedDataFiles())),
			strconv.FormatInt(m.AddedRows(), 10), strconv.FormatInt(m.ExistingRows(), 10), strconv.FormatInt(m.DeletedRows(), 10),
		})
	}
	return mt, nil
}

func (t *Table) partitionsTable(ctx context.Context) (*MetaTable, error) {
	mt := &MetaTable{Columns: []Column{
		{Name: "partition", Type: "MAP(VARCHAR, VARCHAR)"}, {Name: "spec_id", Type: "INTEGER"},
		{Name: "record_count", Type: "BIGINT"}, {Name: "file_count", Type: "INTEGER"},
		{Name: "total_size", Type: "BIGINT"},
	}}
	files, err := t.DataFiles(ctx)
	if err != nil {
		return nil, err
	}
	type agg struct {
		spec               int32
		rows, count, bytes int64
	}
	type key struct {
		partition string
		spec      int32
	}
	parts := map[key]*agg{}
	for _, df := range files {
		// Specs that evolved can render the same values under the same
		// names (bucket[16] replaced by bucket[8], both id_bucket): one row
		// per spec and partition, as Spark's partitions table.
		k := key{t.partitionMap(df), df.SpecID()}
		a := parts[k]
		if a == nil {
			a = &agg{spec: df.SpecID()}
			parts[k] = a
		}
		a.rows += df.Count()
		a.count++
		a.bytes += df.FileSizeBytes()
	}
	keys := slices.SortedFunc(maps.Keys(parts), func(a, b key) int {
		return cmp.Or(strings.Compare(a.partition, b.partition), cmp.Compare(a.spec, b.spec))
	})
	for _, k := range keys {
		a := parts[k]
		mt.Rows = append(mt.Rows, []string{k.partition, strconv.Itoa(int(a.spec)), strconv.FormatInt(a.rows, 10),
			strconv.FormatInt(a.count, 10), strconv.FormatInt(a.bytes, 10)})
	}
	return mt, nil
}

var _ = table.MainBranch
