package lakesql

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// fieldIDs lists a schema's top-level columns as name=id.
func fieldIDs(t *engine.Table) []string {
	var out []string
	for _, f := range t.Schema().Fields() {
		out = append(out, fmt.Sprintf("%s=%d", f.Name, f.ID))
	}
	return out
}

// independentRows reads a table at a snapshot (0: the current one)
// through iceberg-go alone: its catalog, metadata, scan planning and
// Arrow Parquet reader, none of floe's read path.
func independentRows(t *testing.T, f *lakeFixture, ns, name string, snapshot int64) (cols []string, rows [][]string) {
	t.Helper()
	tbl, err := f.wh.Catalog().LoadTable(f.ctx, table.Identifier{ns, name})
	if err != nil {
		t.Fatal(err)
	}
	var opts []table.ScanOption
	if snapshot != 0 {
		opts = append(opts, table.WithSnapshotID(snapshot))
	}
	at, err := tbl.Scan(opts...).ToArrowTable(f.ctx)
	if err != nil {
		t.Fatalf("iceberg-go scan of %s.%s at %d: %v", ns, name, snapshot, err)
	}
	defer at.Release()
	for _, fl := range at.Schema().Fields() {
		cols = append(cols, fl.Name)
	}
	tr := array.NewTableReader(at, 1024)
	defer tr.Release()
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = arrowCell(rec.Column(c), i)
			}
			rows = append(rows, row)
		}
	}
	return cols, sortedRows(rows)
}

// TestReplaceTable checks that CREATE OR REPLACE TABLE on a lake table is
// one Iceberg replace commit, as in Spark: the table keeps its identity
// and history, and its old snapshots stay readable with their schema.
func TestReplaceTable(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id INTEGER, s VARCHAR) TBLPROPERTIES ('p1'='a', 'p2'='b');
		INSERT INTO lake.ns.t VALUES (1, 'one'), (2, 'two')`)
	before := f.table("ns", "t")
	first := before.Iceberg().CurrentSnapshot().SnapshotID
	uuid, location := before.Iceberg().Metadata().TableUUID(), before.Location()

	t.Run("replace as select keeps the history", func(t *testing.T) {
		// The query reads the table it replaces: it sees the old rows.
		rows := f.strings(`CREATE OR REPLACE TABLE lake.ns.t PARTITIONED BY (k) TBLPROPERTIES ('p1'='new', 'p3'='c')
			AS SELECT CAST(id * 10 AS BIGINT) AS id, 'x' || id AS k, 1.5 AS d FROM lake.ns.t`)
		diffRows(t, "row count", [][]string{{"2"}}, rows)
		diffRows(t, "rows", [][]string{{"10", "x1", "1.5"}, {"20", "x2", "1.5"}}, f.strings(`SELECT * FROM lake.ns.t ORDER BY id`))

		tbl := f.table("ns", "t")
		md := tbl.Iceberg().Metadata()
		if md.TableUUID() != uuid || tbl.Location() != location {
			t.Errorf("the replaced table is a new table: uuid %s -> %s, location %s -> %s", uuid, md.TableUUID(), location, tbl.Location())
		}
		// id keeps its field id (Iceberg's buildReplacement matches by
		// name); k and d are new columns after the last assigned id.
		if diff := cmp.Diff([]string{"id=1", "k=3", "d=4"}, fieldIDs(tbl)); diff != "" {
			t.Errorf("field ids (-want +got):\n%s", diff)
		}
		if got := len(md.Schemas()); got != 2 {
			t.Errorf("%d schemas, want the old and the new one", got)
		}
		if spec := tbl.Spec(); spec.ID() != 1 || spec.NumFields() != 1 || spec.Field(0).Name != "k" || spec.Field(0).FieldID != 1000 {
			t.Errorf("spec %v, want spec 1 partitioned by k (field 1000)", spec)
		}
		props := tbl.Properties()
		for k, want := range map[string]string{"p1": "new", "p2": "b", "p3": "c"} {
			if props[k] != want {
				t.Errorf("property %s = %q, want %q (merged as Spark does)", k, props[k], want)
			}
		}
		snaps := tbl.Snapshots()
		if len(snaps) != 2 || snaps[0].SnapshotID != first {
			t.Fatalf("snapshots %v, want the old one and the replacement's", snaps)
		}
		cur := md.CurrentSnapshot()
		if cur == nil || cur.SnapshotID == first || cur.ParentSnapshotID != nil || cur.Summary.Operation != table.OpAppend {
			t.Errorf("current snapshot %+v, want a new append with no parent", cur)
		}
		if cur != nil && (cur.Summary.Properties["total-records"] != "2" || cur.Summary.Properties["added-data-files"] != "2") {
			t.Errorf("summary %v, want 2 records in 2 files (one per partition), counted from an empty table", cur.Summary.Properties)
		}
		if n := len(slices.Collect(md.SnapshotLogs())); n != 2 {
			t.Errorf("snapshot log has %d entries, want 2", n)
		}
		prev := slices.Collect(md.PreviousFiles())
		if len(prev) == 0 || prev[len(prev)-1].MetadataFile != before.MetadataLocation() {
			t.Errorf("metadata log %v does not end with the replaced metadata file %s", prev, before.MetadataLocation())
		}

		diffRows(t, "time travel reads the old rows with the old schema",
			[][]string{{"1", "one"}, {"2", "two"}}, f.strings(fmt.Sprintf(`SELECT * FROM lake.ns.t AT (VERSION => %d) ORDER BY id`, first)))
		diffRows(t, "old columns", [][]string{{"id"}, {"s"}},
			f.strings(fmt.Sprintf(`SELECT column_name FROM (DESCRIBE SELECT * FROM lake.ns.t AT (VERSION => %d))`, first)))
		diffRows(t, "$snapshots", [][]string{{fmt.Sprint(first), "NULL", "append"}, {fmt.Sprint(cur.SnapshotID), "NULL", "append"}},
			f.strings(`SELECT snapshot_id, parent_id, operation FROM lake.ns."t$snapshots" ORDER BY committed_at, snapshot_id`))
		diffRows(t, "$history", [][]string{{fmt.Sprint(first), "false"}, {fmt.Sprint(cur.SnapshotID), "true"}},
			f.strings(`SELECT snapshot_id, is_current_ancestor FROM lake.ns."t$history" ORDER BY made_current_at, snapshot_id`))

		// Another reader, iceberg-go alone, sees the same.
		cols, rows2 := independentRows(t, f, "ns", "t", 0)
		if diff := cmp.Diff([]string{"id", "k", "d"}, cols); diff != "" {
			t.Errorf("iceberg-go columns (-want +got):\n%s", diff)
		}
		diffRows(t, "iceberg-go rows", [][]string{{"10", "x1", "1.5"}, {"20", "x2", "1.5"}}, rows2)
		cols, rows2 = independentRows(t, f, "ns", "t", first)
		if diff := cmp.Diff([]string{"id", "s"}, cols); diff != "" {
			t.Errorf("iceberg-go columns of the old snapshot (-want +got):\n%s", diff)
		}
		diffRows(t, "iceberg-go rows of the old snapshot", [][]string{{"1", "one"}, {"2", "two"}}, rows2)
	})

	t.Run("replace with columns empties the table and keeps the history", func(t *testing.T) {
		rtas := f.table("ns", "t").Iceberg().CurrentSnapshot().SnapshotID
		f.exec(`CREATE OR REPLACE TABLE lake.ns.t (id BIGINT, day DATE NOT NULL)`)
		tbl := f.table("ns", "t")
		if tbl.Iceberg().CurrentSnapshot() != nil {
			t.Errorf("the replaced table has a current snapshot, want none (main reset)")
		}
		if got := f.one(`SELECT count(*) FROM lake.ns.t`); got != "0" {
			t.Errorf("the replaced table has %s rows, want 0", got)
		}
		if diff := cmp.Diff([]string{"id=1", "day=5"}, fieldIDs(tbl)); diff != "" {
			t.Errorf("field ids (-want +got):\n%s", diff)
		}
		if spec := tbl.Spec(); !spec.IsUnpartitioned() || spec.ID() != 0 {
			t.Errorf("spec %v, want the unpartitioned spec 0 back", spec)
		}
		if n := len(tbl.Snapshots()); n != 2 {
			t.Errorf("%d snapshots, want 2 kept", n)
		}
		diffRows(t, "time travel to the replace as select", [][]string{{"10", "x1", "1.5"}, {"20", "x2", "1.5"}},
			f.strings(fmt.Sprintf(`SELECT * FROM lake.ns.t AT (VERSION => %d) ORDER BY id`, rtas)))
		wantErr(t, f.fails(`INSERT INTO lake.ns.t VALUES (1, NULL)`), nil, "NOT NULL", "day")

		f.exec(`INSERT INTO lake.ns.t VALUES (7, DATE '2024-01-02')`)
		diffRows(t, "rows after an insert", [][]string{{"7", "2024-01-02 00:00:00"}}, f.strings(`SELECT * FROM lake.ns.t`))
		if s := f.table("ns", "t").Iceberg().CurrentSnapshot(); s == nil || s.ParentSnapshotID != nil {
			t.Errorf("the first snapshot after a replace has parent %v, want none", s.ParentSnapshotID)
		}
	})

	t.Run("format version", func(t *testing.T) {
		f.exec(`CREATE OR REPLACE TABLE lake.ns.t (id BIGINT) TBLPROPERTIES ('format-version'='3')`)
		tbl := f.table("ns", "t")
		if tbl.FormatVersion() != 3 || tbl.Properties()[engine.PropDeleteMode] != "merge-on-read" {
			t.Errorf("format %d, delete mode %q; want v3 with merge-on-read as CREATE TABLE gives", tbl.FormatVersion(), tbl.Properties()[engine.PropDeleteMode])
		}
		f.exec(`INSERT INTO lake.ns.t VALUES (1), (2); DELETE FROM lake.ns.t WHERE id = 1`)
		diffRows(t, "rows", [][]string{{"2"}}, f.strings(`SELECT * FROM lake.ns.t`))
		n := f.snapshotCount("ns", "t")
		wantErr(t, f.fails(`CREATE OR REPLACE TABLE lake.ns.t (id BIGINT) TBLPROPERTIES ('format-version'='2')`), nil, "downgrade")
		if f.snapshotCount("ns", "t") != n || f.table("ns", "t").FormatVersion() != 3 {
			t.Errorf("a refused replace changed the table")
		}
	})

	t.Run("a failing query leaves the table as it was", func(t *testing.T) {
		tbl := f.table("ns", "t")
		files := f.parquetFiles(tbl)
		wantErr(t, f.fails(`CREATE OR REPLACE TABLE lake.ns.t AS SELECT r, CASE WHEN r = 700 THEN error('boom') ELSE r END AS v FROM range(1000) t(r)`), nil, "boom")
		after := f.table("ns", "t")
		if after.MetadataLocation() != tbl.MetadataLocation() {
			t.Errorf("a failed replace committed %s", after.MetadataLocation())
		}
		if diff := cmp.Diff(files, f.parquetFiles(after)); diff != "" {
			t.Errorf("a failed replace left files (-before +after):\n%s", diff)
		}
		diffRows(t, "rows", [][]string{{"2"}}, f.strings(`SELECT * FROM lake.ns.t`))
	})

	t.Run("other sessions read the replacement", func(t *testing.T) {
		b := openLakeAt(t, f.dir)
		diffRows(t, "before", [][]string{{"2"}}, b.strings(`SELECT * FROM lake.ns.t`))
		f.exec(`CREATE OR REPLACE TABLE lake.ns.t AS SELECT 'a' AS name, 5 AS n`)
		diffRows(t, "after", [][]string{{"a", "5"}}, b.strings(`SELECT * FROM lake.ns.t`))
	})

	t.Run("REPLACE TABLE and CREATE OR REPLACE of a new table", func(t *testing.T) {
		f.exec(`REPLACE TABLE lake.ns.t AS SELECT 1 AS one`)
		diffRows(t, "REPLACE TABLE", [][]string{{"1"}}, f.strings(`SELECT * FROM lake.ns.t`))
		if uuid != f.table("ns", "t").Iceberg().Metadata().TableUUID() {
			t.Errorf("REPLACE TABLE made a new table")
		}
		err := f.fails(`REPLACE TABLE lake.ns.fresh (id INTEGER)`)
		if !errors.Is(err, engine.ErrNoSuchTable) {
			t.Errorf("REPLACE TABLE of a missing table: %v, want ErrNoSuchTable", err)
		}
		f.exec(`CREATE OR REPLACE TABLE lake.ns.fresh PARTITIONED BY (id) AS SELECT 3 AS id`)
		diffRows(t, "created", [][]string{{"3"}}, f.strings(`SELECT * FROM lake.ns.fresh`))
		wantErr(t, f.fails(`CREATE OR REPLACE TABLE IF NOT EXISTS lake.ns.fresh (id INTEGER)`), nil, "IF NOT EXISTS")
	})
}

// TestReplaceTableConflicts checks what a replacement does when another
// writer commits between the write of its rows and its commit.
func TestReplaceTableConflicts(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER); INSERT INTO lake.ns.t VALUES (1)`)
	prepare := func(query string) (*engine.Replacement, []engine.WrittenFile) {
		t.Helper()
		q, err := f.s.prepareRead(f.ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := f.s.describeQuery(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.wh.PrepareReplace(f.ctx, "ns", "t", engine.CreateOptions{Columns: cols})
		if err != nil {
			t.Fatal(err)
		}
		body, err := insertSelect(r.Table(), q, cols, nil)
		if err != nil {
			t.Fatal(err)
		}
		files, _, _, _, err := f.s.writeQuery(f.ctx, r.Table(), body)
		if err != nil {
			t.Fatal(err)
		}
		return r, files
	}

	t.Run("an append meanwhile: the replacement is rebuilt and wins", func(t *testing.T) {
		r, files := prepare(`SELECT 10 AS id`)
		other := openLakeAt(t, f.dir)
		other.exec(`INSERT INTO lake.ns.t VALUES (2)`)
		if _, err := r.Commit(f.ctx, files, nil); err != nil {
			t.Fatal(err)
		}
		diffRows(t, "rows", [][]string{{"10"}}, f.strings(`SELECT * FROM lake.ns.t`))
		if n := f.snapshotCount("ns", "t"); n != 3 {
			t.Errorf("%d snapshots, want both inserts and the replacement", n)
		}
	})

	t.Run("a schema change meanwhile: the commit fails", func(t *testing.T) {
		r, files := prepare(`SELECT 10 AS id, 'new' AS s`)
		other := openLakeAt(t, f.dir)
		other.exec(`ALTER TABLE lake.ns.t ADD COLUMN x INTEGER`)
		before := f.table("ns", "t").MetadataLocation()
		_, err := r.Commit(f.ctx, files, nil)
		if !errors.Is(err, engine.ErrCommitConflict) {
			t.Fatalf("commit: %v, want ErrCommitConflict", err)
		}
		if f.table("ns", "t").MetadataLocation() != before {
			t.Errorf("a conflicting replacement committed")
		}
	})

	t.Run("preparing commits nothing", func(t *testing.T) {
		before := f.table("ns", "t").MetadataLocation()
		r, _ := prepare(`SELECT 'only staged' AS s`)
		if got := r.Table().Schema().Fields()[0].Name; got != "s" {
			t.Errorf("the staged table's first column is %q, want s", got)
		}
		if f.table("ns", "t").MetadataLocation() != before {
			t.Errorf("PrepareReplace committed")
		}
	})
}

// TestReplaceTableNestedIDs checks that nested fields keep their ids by
// full name through a replacement, as Iceberg's assignFreshIds does, and
// that old and new rows read back.
func TestReplaceTableNestedIDs(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.n (id INTEGER, address STRUCT(city VARCHAR, zip VARCHAR), tags VARCHAR[]);
		INSERT INTO lake.ns.n VALUES (1, {'city': 'Oslo', 'zip': '0150'}, ['a'])`)
	before := f.table("ns", "n")
	old := before.Iceberg().CurrentSnapshot().SnapshotID
	oldIDs, err := iceberg.IndexByName(before.Schema())
	if err != nil {
		t.Fatal(err)
	}
	last := before.Iceberg().Metadata().LastColumnID()
	f.exec(`CREATE OR REPLACE TABLE lake.ns.n (address STRUCT(city VARCHAR, country VARCHAR), tags VARCHAR[], m MAP(VARCHAR, INTEGER));
		INSERT INTO lake.ns.n VALUES ({'city': 'Bergen', 'country': 'NO'}, ['b'], MAP {'k': 1})`)
	ids, err := iceberg.IndexByName(f.table("ns", "n").Schema())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"address", "address.city", "tags", "tags.element"} {
		if ids[name] != oldIDs[name] {
			t.Errorf("field %s has id %d, want its old id %d", name, ids[name], oldIDs[name])
		}
	}
	seen := map[int]bool{}
	for _, name := range []string{"m", "address.country", "m.key", "m.value"} {
		if ids[name] <= last || seen[ids[name]] {
			t.Errorf("new field %s has id %d, want a fresh id after %d", name, ids[name], last)
		}
		seen[ids[name]] = true
	}
	diffRows(t, "new rows", [][]string{{"{city: Bergen, country: NO}", "[b]", "MAP{k=1}"}}, f.strings(`SELECT * FROM lake.ns.n`))
	diffRows(t, "old rows", [][]string{{"1", "{city: Oslo, zip: 0150}", "[a]"}},
		f.strings(fmt.Sprintf(`SELECT * FROM lake.ns.n AT (VERSION => %d)`, old)))
}
