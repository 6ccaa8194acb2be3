package lens

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/ingest"
	"github.com/floehq/floe/engine/lakesql"
)

// lake is a test warehouse with a SQL session.
type lake struct {
	t   *testing.T
	ctx context.Context
	dir string
	wh  *engine.Warehouse
	s   *lakesql.Session
}

func openLake(t *testing.T, dir string, opts ...engine.Option) *lake {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := lakesql.Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &lake{t: t, ctx: ctx, dir: dir, wh: wh, s: s}
}

func (l *lake) exec(q string) {
	l.t.Helper()
	if err := l.s.Exec(l.ctx, q); err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
}

func (l *lake) rows(q string) [][]any {
	l.t.Helper()
	r, err := l.s.Query(l.ctx, q)
	if err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
	out, err := r.All()
	if err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
	return out
}

func (l *lake) collect(now string) Report {
	l.t.Helper()
	ts, err := time.Parse(time.RFC3339, now)
	if err != nil {
		l.t.Fatal(err)
	}
	rep, err := Collect(l.ctx, l.wh, Options{Now: ts})
	if err != nil {
		l.t.Fatalf("collect at %s: %v", now, err)
	}
	return rep
}

// storage is a table's storage_daily figures.
type storage struct {
	Bytes, Objects, Data, Deletes, Metadata, Current, Noncurrent, Orphan int64
}

// health is the part of table_health_daily the test recomputes.
type healthRow struct {
	Snapshots, Manifests, DataFiles, DeleteFiles, Rows, DeletedRows, Partitions int64
	Compacted                                                                   bool
}

// expected computes a table's figures independently of the collector:
// its files from a walk of the local directory, what reaches them from
// iceberg-go's scan planning of each snapshot.
func expected(t *testing.T, l *lake, ns, name string) (storage, healthRow) {
	t.Helper()
	tb, err := l.wh.Table(l.ctx, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	it := tb.Iceberg()
	md := it.Metadata()
	fsys, err := it.FS(l.ctx)
	if err != nil {
		t.Fatal(err)
	}
	local := func(loc string) string {
		p, _ := engine.LocalPath(loc)
		return filepath.Clean(p)
	}
	type role struct {
		kind    string
		current bool
	}
	roles := map[string]role{}
	mark := func(loc, kind string, current bool) {
		p := local(loc)
		if r, ok := roles[p]; ok && r.current {
			return
		}
		roles[p] = role{kind, current}
	}
	mark(it.MetadataLocation(), "metadata", true)
	for e := range md.PreviousFiles() {
		mark(e.MetadataFile, "metadata", false)
	}
	var h healthRow
	h.Snapshots = int64(len(md.Snapshots()))
	cur := md.CurrentSnapshot()
	for _, s := range md.Snapshots() {
		if s.Summary != nil && (s.Summary.Operation == table.OpReplace || s.Summary.Properties["floe.operation"] == "rewrite_data_files") {
			h.Compacted = true
		}
		isCur := cur != nil && s.SnapshotID == cur.SnapshotID
		mark(s.ManifestList, "metadata", isCur)
		mfs, err := s.Manifests(fsys)
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			mark(mf.FilePath(), "metadata", isCur)
		}
		if isCur {
			h.Manifests = int64(len(mfs))
		}
		scan := it.Scan(table.WithSnapshotID(s.SnapshotID))
		tasks, err := scan.PlanFiles(l.ctx)
		if err != nil {
			t.Fatal(err)
		}
		parts := map[string]bool{}
		dels := map[string]bool{}
		for _, task := range tasks {
			mark(task.File.FilePath(), "data", isCur)
			for _, d := range slices.Concat(task.DeleteFiles, task.EqualityDeleteFiles, task.DeletionVectorFiles) {
				mark(d.FilePath(), "delete", isCur)
				key := d.FilePath() + "#" + task.File.FilePath()
				if ref := d.ReferencedDataFile(); ref != nil {
					key = d.FilePath() + "#" + *ref
				} else if d.ContentType() != iceberg.EntryContentData {
					key = d.FilePath() // a position- or equality-delete file may cover several data files
				}
				if isCur && !dels[key] {
					dels[key] = true
					h.DeleteFiles++
					// An equality-delete file counts keys, not the rows
					// they delete.
					if d.ContentType() != iceberg.EntryContentEqDeletes {
						h.DeletedRows += d.Count()
					}
				}
			}
			if isCur {
				h.DataFiles++
				h.Rows += task.File.Count()
				parts[partitionKey(task.File)] = true
			}
		}
		if isCur {
			h.Partitions = int64(len(parts))
		}
	}
	var st storage
	err = filepath.WalkDir(local(tb.Location()), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n := info.Size()
		st.Bytes += n
		st.Objects++
		r, ok := roles[p]
		switch {
		case !ok:
			st.Orphan += n
			if strings.Contains(p, "/metadata/") {
				st.Metadata += n
			} else {
				st.Data += n
			}
			return nil
		case r.current:
			st.Current += n
		default:
			st.Noncurrent += n
		}
		switch r.kind {
		case "data":
			st.Data += n
		case "delete":
			st.Deletes += n
		default:
			st.Metadata += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, h
}

// derived is what the lens derives from the counts: size buckets, small
// files, averages, shares, days since compaction, scan amplification.
type derived struct {
	Buckets                                     [6]int64
	SmallFiles                                  int64
	SmallRatio, AvgDataFile, Deleted, DVDeleted float64
	DaysSince                                   int64
	ScanAmp                                     float64
}

// expectedDerived computes them from iceberg-go's planning of the current
// snapshot and a walk of the table's directory, as of now. A Puffin file
// holding the deletion vectors of several data files is read once by a
// scan: its bytes count once.
func expectedDerived(t *testing.T, l *lake, ns, name string, now time.Time) derived {
	t.Helper()
	tb, err := l.wh.Table(l.ctx, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	it := tb.Iceberg()
	var d derived
	var dataFiles, dataBytes, rows, deleted, dvDeleted int64
	deleteBytes := map[string]int64{}
	counted := map[string]bool{}
	tasks, err := it.Scan().PlanFiles(l.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		dataFiles++
		dataBytes += task.File.FileSizeBytes()
		rows += task.File.Count()
		if task.File.FileSizeBytes() < SmallFileBytes {
			d.SmallFiles++
		}
		for _, df := range slices.Concat(task.DeleteFiles, task.EqualityDeleteFiles, task.DeletionVectorFiles) {
			deleteBytes[df.FilePath()] = df.FileSizeBytes()
			key := df.FilePath() + "#" + task.File.FilePath()
			if df.ContentType() != iceberg.EntryContentData && df.ReferencedDataFile() == nil {
				key = df.FilePath()
			}
			if counted[key] || df.ContentType() == iceberg.EntryContentEqDeletes {
				continue
			}
			counted[key] = true
			deleted += df.Count()
			if df.FileFormat() == iceberg.PuffinFile {
				dvDeleted += df.Count()
			}
		}
	}
	var delBytes int64
	for _, n := range deleteBytes {
		delBytes += n
	}
	if dataFiles > 0 {
		d.SmallRatio = float64(d.SmallFiles) / float64(dataFiles)
		d.AvgDataFile = float64(dataBytes) / float64(dataFiles)
	}
	if rows > 0 {
		d.Deleted = float64(deleted) / float64(rows)
		d.DVDeleted = float64(dvDeleted) / float64(rows)
		d.ScanAmp = float64(dataBytes+delBytes) / (float64(dataBytes) * (1 - d.Deleted))
	}
	var last time.Time
	for _, s := range it.Metadata().Snapshots() {
		if s.Summary != nil && (s.Summary.Operation == table.OpReplace || s.Summary.Properties["floe.operation"] == "rewrite_data_files") {
			if ts := time.UnixMilli(s.TimestampMs); ts.After(last) {
				last = ts
			}
		}
	}
	if !last.IsZero() {
		d.DaysSince = int64(now.Sub(last) / (24 * time.Hour))
	}
	dir, _ := engine.LocalPath(tb.Location())
	err = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		n, i := info.Size(), 0
		for _, bound := range []int64{128 << 10, 1 << 20, 8 << 20, 64 << 20, 512 << 20} {
			if n >= bound {
				i++
			}
		}
		d.Buckets[i]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func f64(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case nil:
		return 0
	}
	panic(fmt.Sprintf("not a float: %T", v))
}

func i64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case nil:
		return 0
	}
	panic(fmt.Sprintf("not an integer: %T", v))
}

// TestCollectMatchesIndependentCounts builds warehouses with appends,
// deletes (position files and deletion vectors), overwrites, compaction
// and orphan files, collects, and checks the lens against figures
// computed without it.
func TestCollectMatchesIndependentCounts(t *testing.T) {
	cases := []struct {
		name   string
		setup  []string
		orphan bool
		stream []string // Debezium events floe ingest applies by id after setup
		// compacts says the setup compacts the table.
		compacts bool
	}{
		{name: "appends", setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT, v VARCHAR)",
			"INSERT INTO lake.s.t SELECT i, 'x' || i FROM range(100) r(i)",
			"INSERT INTO lake.s.t SELECT i, 'y' || i FROM range(100, 150) r(i)",
		}},
		{name: "v3 deletion vectors and an orphan", orphan: true, setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('format-version'='3')",
			"INSERT INTO lake.s.t SELECT i, 'x' || i FROM range(1000) r(i)",
			"DELETE FROM lake.s.t WHERE id % 4 = 0",
		}},
		{name: "v3 deletion vectors of several files in one Puffin file", setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('format-version'='3')",
			"INSERT INTO lake.s.t SELECT i, 'x' || i FROM range(1000) r(i)",
			"INSERT INTO lake.s.t SELECT i, 'y' || i FROM range(1000, 3000) r(i)",
			"INSERT INTO lake.s.t SELECT i, 'z' || i FROM range(3000, 3500) r(i)",
			"DELETE FROM lake.s.t WHERE id % 3 = 0",
		}},
		{name: "v2 equality deletes from a change stream", setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('write.merge.mode'='merge-on-read')",
			"INSERT INTO lake.s.t SELECT i, 'x' || i FROM range(200) r(i)",
		}, stream: []string{
			`{"op":"u","after":{"id":3,"v":"new"}}`,
			`{"op":"d","before":{"id":4}}`,
			`{"op":"c","after":{"id":500,"v":"new"}}`,
			`{"op":"u","after":{"id":7,"v":"new"}}`,
		}},
		{name: "v2 position deletes, partitions", setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT, g VARCHAR) PARTITIONED BY (g)",
			"INSERT INTO lake.s.t SELECT i, 'g' || (i % 3) FROM range(300) r(i)",
			"DELETE FROM lake.s.t WHERE id < 30",
		}},
		{name: "compaction leaves non-current files", compacts: true, setup: []string{
			"CREATE SCHEMA lake.s",
			"CREATE TABLE lake.s.t (id BIGINT) TBLPROPERTIES ('format-version'='3')",
			"INSERT INTO lake.s.t SELECT i FROM range(100) r(i)",
			"INSERT INTO lake.s.t SELECT i FROM range(100, 200) r(i)",
			"DELETE FROM lake.s.t WHERE id < 10",
			"CALL rewrite_data_files('s.t', options => map(['min-input-files'], ['2']))",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t, t.TempDir())
			for _, q := range tc.setup {
				l.exec(q)
			}
			if tc.stream != nil {
				g, err := ingest.New(l.ctx, l.s, "s", "t", ingest.Options{Keys: []string{"id"}, MaxRows: 2})
				if err != nil {
					t.Fatal(err)
				}
				if err := g.Run(l.ctx, ingest.NewReaderSource(strings.NewReader(strings.Join(tc.stream, "\n")), "stream", "-")); err != nil {
					t.Fatal(err)
				}
				if n := l.rows(`SELECT count(*) FROM lake.s."t$delete_files" WHERE content = 2`); i64(n[0][0]) == 0 {
					t.Fatal("the stream wrote no equality-delete file")
				}
			}
			if tc.orphan {
				tb, _ := l.wh.Table(l.ctx, "s", "t")
				dir, _ := engine.LocalPath(tb.Location())
				if err := os.WriteFile(filepath.Join(dir, "data", "stray.parquet"), make([]byte, 300<<10), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantSt, wantH := expected(t, l, "s", "t")
			if wantH.Compacted != tc.compacts {
				t.Fatalf("the table was compacted: %v, want %v (did rewrite_data_files rewrite anything?)", wantH.Compacted, tc.compacts)
			}
			// A day and a half after the table's commits: days since
			// compaction is 1.
			now := time.Now().UTC().Add(36 * time.Hour).Truncate(time.Second)
			wantD := expectedDerived(t, l, "s", "t", now)
			l.collect(now.Format(time.RFC3339))

			got := l.rows(`SELECT bytes, objects, data_bytes, delete_bytes, metadata_bytes, current_bytes, noncurrent_bytes, orphan_bytes
				FROM lake.floe_lens.storage_daily WHERE level = 'table' AND namespace = 's' AND table_name = 't'`)
			if len(got) != 1 {
				t.Fatalf("storage_daily has %d table rows for s.t, want 1", len(got))
			}
			r := got[0]
			gotSt := storage{i64(r[0]), i64(r[1]), i64(r[2]), i64(r[3]), i64(r[4]), i64(r[5]), i64(r[6]), i64(r[7])}
			if d := cmp.Diff(wantSt, gotSt); d != "" {
				t.Errorf("storage_daily (-independent +lens):\n%s", d)
			}
			if gotSt.Current+gotSt.Noncurrent+gotSt.Orphan != gotSt.Bytes || gotSt.Data+gotSt.Deletes+gotSt.Metadata != gotSt.Bytes {
				t.Errorf("storage_daily splits do not add up: %+v", gotSt)
			}
			hr := l.rows(`SELECT snapshots, manifests, data_files, delete_files, rows, deleted_rows, partitions, last_compaction IS NOT NULL
				FROM lake.floe_lens.table_health_daily WHERE namespace = 's' AND table_name = 't'`)
			if len(hr) != 1 {
				t.Fatalf("table_health_daily has %d rows for s.t, want 1", len(hr))
			}
			h := hr[0]
			gotH := healthRow{i64(h[0]), i64(h[1]), i64(h[2]), i64(h[3]), i64(h[4]), i64(h[5]), i64(h[6]), h[7].(bool)}
			if d := cmp.Diff(wantH, gotH); d != "" {
				t.Errorf("table_health_daily (-independent +lens):\n%s", d)
			}
			// The delete files by kind, as the table's $delete_files lists them.
			kinds := l.rows(`SELECT (SELECT position_delete_files + dv_count FROM lake.floe_lens.table_health_daily WHERE namespace = 's' AND table_name = 't'),
				(SELECT equality_delete_files FROM lake.floe_lens.table_health_daily WHERE namespace = 's' AND table_name = 't'),
				count(*) FILTER (WHERE content = 1), count(*) FILTER (WHERE content = 2) FROM lake.s."t$delete_files"`)
			if k := kinds[0]; i64(k[0]) != i64(k[2]) || i64(k[1]) != i64(k[3]) {
				t.Errorf("table_health_daily: %d position/DV and %d equality delete files; t$delete_files lists %d and %d", i64(k[0]), i64(k[1]), i64(k[2]), i64(k[3]))
			}
			sz := l.rows(`SELECT objects, objects_lt_128kb + objects_128kb_1mb + objects_1mb_8mb + objects_8mb_64mb + objects_64mb_512mb + objects_gt_512mb,
				objects_128kb_1mb FROM lake.floe_lens.object_sizes_daily WHERE namespace = 's' AND table_name = 't'`)
			if len(sz) != 1 || i64(sz[0][0]) != wantSt.Objects || i64(sz[0][1]) != wantSt.Objects {
				t.Errorf("object_sizes_daily = %v, want %d objects in the buckets", sz, wantSt.Objects)
			}
			dr := l.rows(`SELECT o.objects_lt_128kb, o.objects_128kb_1mb, o.objects_1mb_8mb, o.objects_8mb_64mb, o.objects_64mb_512mb, o.objects_gt_512mb,
				o.small_data_files, o.small_file_ratio, h.avg_data_file_bytes, h.deleted_share, h.dv_deleted_share, h.days_since_compaction, h.scan_amplification
				FROM lake.floe_lens.object_sizes_daily o JOIN lake.floe_lens.table_health_daily h USING (namespace, table_name)
				WHERE namespace = 's' AND table_name = 't'`)
			if len(dr) != 1 {
				t.Fatalf("object_sizes_daily joined with table_health_daily: %d rows for s.t, want 1", len(dr))
			}
			d := dr[0]
			gotD := derived{
				Buckets:     [6]int64{i64(d[0]), i64(d[1]), i64(d[2]), i64(d[3]), i64(d[4]), i64(d[5])},
				SmallFiles:  i64(d[6]),
				SmallRatio:  f64(d[7]),
				AvgDataFile: f64(d[8]),
				Deleted:     f64(d[9]),
				DVDeleted:   f64(d[10]),
				DaysSince:   i64(d[11]),
				ScanAmp:     f64(d[12]),
			}
			if d := cmp.Diff(wantD, gotD, cmpopts.EquateApprox(0, 1e-9)); d != "" {
				t.Errorf("derived metrics (-independent +lens):\n%s", d)
			}
			if wantH.Compacted {
				// Collected as of a day before the compaction (simulated
				// history): 0 days since, not a negative number.
				before := now.Add(-30 * 24 * time.Hour)
				l.collect(before.Format(time.RFC3339))
				got := l.rows(fmt.Sprintf(`SELECT days_since_compaction FROM lake.floe_lens.table_health_daily
					WHERE namespace = 's' AND table_name = 't' AND day = DATE '%s'`, before.Format(time.DateOnly)))
				if len(got) != 1 || got[0][0] == nil || i64(got[0][0]) != 0 {
					t.Errorf("days since compaction collected before the compaction: %v, want 0", got)
				}
			}
			if tc.orphan && i64(sz[0][2]) != 1 {
				t.Errorf("object_sizes_daily: %d objects of 128 KB-1 MB, want the 300 KB orphan", i64(sz[0][2]))
			}
			// The warehouse row counts every object the table rows do, and
			// the catalog besides; never the lens's own tables.
			wr := l.rows(`SELECT (sum(bytes) FILTER (WHERE level = 'warehouse'))::BIGINT, (sum(bytes) FILTER (WHERE level = 'table'))::BIGINT
				FROM lake.floe_lens.storage_daily`)
			var catalog int64
			for _, f := range []string{engine.CatalogFile, engine.CatalogFile + "-wal", engine.CatalogFile + "-shm"} {
				if st, err := os.Stat(filepath.Join(l.dir, f)); err == nil {
					catalog += st.Size()
				}
			}
			if w, tb := i64(wr[0][0]), i64(wr[0][1]); w < tb || w-tb > catalog+1<<20 {
				t.Errorf("warehouse bytes %d, table bytes %d, catalog %d: the warehouse row counts something else", w, tb, catalog)
			}
		})
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
