package lakesql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// specString renders a table's current spec as "id: field-id name
// transform(column) ..." so tests see ids, names and transforms at once.
func specString(t *engine.Table) string {
	spec := t.Spec()
	parts := []string{fmt.Sprintf("spec %d:", spec.ID())}
	for _, f := range spec.Fields() {
		col, _ := t.Schema().FindColumnName(f.SourceID())
		parts = append(parts, fmt.Sprintf("%d %s %s(%s)", f.FieldID, f.Name, f.Transform, col))
	}
	return strings.Join(parts, " ")
}

// TestPartitionSpecEvolution evolves a v2 table's spec step by step,
// writing rows after each step: each step is one metadata commit with the
// expected fields and ids, earlier files keep their spec, new files get
// the new one, and floe and iceberg-go read the same rows throughout.
func TestPartitionSpecEvolution(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id BIGINT, ts TIMESTAMP, s VARCHAR, grp INTEGER) PARTITIONED BY (day(ts));
		INSERT INTO lake.ns.t SELECT i, TIMESTAMP '2024-05-01' + INTERVAL (i * 7) HOUR, 'k' || (i % 5), i % 3 FROM range(0, 20) r(i)`)
	next := 20
	for _, step := range []struct {
		name, sql string
		spec      string
	}{
		{"add bucket", `ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(4, id)`,
			"spec 1: 1000 ts_day day(ts) 1001 id_bucket_4 bucket[4](id)"},
		{"add truncate as name", `ALTER TABLE lake.ns.t ADD PARTITION FIELD truncate(1, s) AS s_prefix`,
			"spec 2: 1000 ts_day day(ts) 1001 id_bucket_4 bucket[4](id) 1002 s_prefix truncate[1](s)"},
		// The resulting spec equals spec 1, which becomes the default again.
		{"drop by name", `ALTER TABLE lake.ns.t DROP PARTITION FIELD s_prefix`,
			"spec 1: 1000 ts_day day(ts) 1001 id_bucket_4 bucket[4](id)"},
		{"replace day with hour", `ALTER TABLE lake.ns.t REPLACE PARTITION FIELD days(ts) WITH hours(ts)`,
			"spec 3: 1001 id_bucket_4 bucket[4](id) 1003 ts_hour hour(ts)"},
		{"drop by transform", `ALTER TABLE lake.ns.t DROP PARTITION FIELD bucket(4, id)`,
			"spec 4: 1003 ts_hour hour(ts)"},
		{"add identity", `ALTER TABLE lake.ns.t ADD PARTITION FIELD grp`,
			"spec 5: 1003 ts_hour hour(ts) 1004 grp identity(grp)"},
		// v2+: a field re-added with the same source and transform keeps
		// its id and name (Iceberg spec, "Partition Evolution").
		{"re-add keeps field id", `ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(4, id)`,
			"spec 6: 1003 ts_hour hour(ts) 1004 grp identity(grp) 1001 id_bucket_4 bucket[4](id)"},
		{"replace by name with new name", `ALTER TABLE lake.ns.t REPLACE PARTITION FIELD grp WITH bucket(2, grp) AS grp_b`,
			"spec 7: 1003 ts_hour hour(ts) 1001 id_bucket_4 bucket[4](id) 1005 grp_b bucket[2](grp)"},
		{"drop all", `ALTER TABLE lake.ns.t DROP PARTITION FIELD ts_hour; ALTER TABLE lake.ns.t DROP PARTITION FIELD id_bucket_4; ALTER TABLE lake.ns.t DROP PARTITION FIELD grp_b`,
			"spec 10:"},
	} {
		t.Run(step.name, func(t *testing.T) {
			before := f.table("ns", "t")
			f.exec(step.sql)
			tbl := f.table("ns", "t")
			if got := specString(tbl); got != step.spec {
				t.Errorf("after %s:\n got %s\nwant %s", step.sql, got, step.spec)
			}
			if n, m := len(tbl.Snapshots()), len(before.Snapshots()); n != m {
				t.Errorf("spec change added %d snapshots, want none", n-m)
			}
			f.exec(fmt.Sprintf(`INSERT INTO lake.ns.t SELECT i, TIMESTAMP '2024-05-01' + INTERVAL (i * 7) HOUR, 'k' || (i %% 5), i %% 3 FROM range(%d, %d) r(i)`, next, next+10))
			next += 10
			// Every file written by that insert has the current spec.
			got := f.strings(fmt.Sprintf(`SELECT DISTINCT spec_id FROM lake.ns."t$files" WHERE record_count > 0 AND file_path LIKE '%%' || %s || '%%'`,
				engine.QuoteString(newestWriteID(t, f))))
			spec := tbl.Spec()
			if diff := cmp.Diff([][]string{{fmt.Sprint(spec.ID())}}, got); diff != "" {
				t.Errorf("spec of the new files (-want +got):\n%s", diff)
			}
			if n := f.one(`SELECT count(*) FROM lake.ns.t`); n != fmt.Sprint(next) {
				t.Errorf("table has %s rows, want %d", n, next)
			}
			diffRows(t, "iceberg-go vs floe", floeRows(t, f, `SELECT * FROM lake.ns.t`), icebergRows(t, f, f.table("ns", "t"), nil))
		})
	}
	// Files of every spec are still there, each with its own spec.
	got := f.strings(`SELECT list(DISTINCT spec_id ORDER BY spec_id) FROM lake.ns."t$files"`)
	if diff := cmp.Diff([][]string{{"[0, 1, 2, 3, 4, 5, 6, 7, 10]"}}, got); diff != "" {
		t.Errorf("spec ids of the data files (-want +got):\n%s", diff)
	}
	// $partitions keeps partitions of different specs apart.
	got = f.strings(`SELECT spec_id, count(*) FROM lake.ns."t$partitions" WHERE spec_id IN (0, 10) GROUP BY ALL ORDER BY ALL`)
	if diff := cmp.Diff([][]string{{"0", "6"}, {"10", "1"}}, got); diff != "" {
		t.Errorf("$partitions of specs 0 and 10 (-want +got):\n%s", diff)
	}
}

// newestWriteID returns the write id (the data directory) of the table's
// last append, from its snapshot summary.
func newestWriteID(t *testing.T, f *lakeFixture) string {
	t.Helper()
	snap := f.table("ns", "t").Iceberg().CurrentSnapshot()
	if snap == nil || snap.Summary == nil {
		t.Fatal("no current snapshot")
	}
	id, ok := snap.Summary.Properties["floe.write-id"]
	if !ok {
		t.Fatalf("snapshot %d has no floe.write-id", snap.SnapshotID)
	}
	return id
}

// TestPartitionSpecEvolutionV1 checks the v1 rules: a dropped field stays
// in the spec as a void transform with its id, and a field added under
// the dropped field's name pushes the void one aside.
func TestPartitionSpecEvolutionV1(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id BIGINT, ts TIMESTAMP) PARTITIONED BY (day(ts)) TBLPROPERTIES ('format-version'='1')`)
	for _, step := range []struct{ sql, spec string }{
		{`ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(8, id)`,
			"spec 1: 1000 ts_day day(ts) 1001 id_bucket_8 bucket[8](id)"},
		{`ALTER TABLE lake.ns.t DROP PARTITION FIELD id_bucket_8`,
			"spec 2: 1000 ts_day day(ts) 1001 id_bucket_8 void(id)"},
		{`ALTER TABLE lake.ns.t REPLACE PARTITION FIELD ts_day WITH hours(ts) AS ts_day`,
			"spec 4: 1000 ts_day_1000 void(ts) 1001 id_bucket_8 void(id) 1002 ts_day hour(ts)"},
	} {
		f.exec(step.sql)
		if got := specString(f.table("ns", "t")); got != step.spec {
			t.Errorf("after %s:\n got %s\nwant %s", step.sql, got, step.spec)
		}
	}
}

// TestPartitionSpecEvolutionErrors checks that a change that cannot apply
// fails with an error naming the table and the field, and commits nothing.
func TestPartitionSpecEvolutionErrors(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id BIGINT, ts TIMESTAMP, s VARCHAR) PARTITIONED BY (day(ts), bucket(16, id));
		CREATE TABLE lake.ns.u (id BIGINT)`)
	for _, tc := range []struct {
		name, sql string
		sentinel  error
		frags     []string
	}{
		{"unknown column", `ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(4, nope)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", `no column "nope"`}},
		{"unknown transform", `ALTER TABLE lake.ns.t ADD PARTITION FIELD frob(id)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", "unknown transform", "frob(id)"}},
		{"transform does not fit type", `ALTER TABLE lake.ns.t ADD PARTITION FIELD days(s)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", "day", `"s"`}},
		{"bad bucket width", `ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(0, id)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", "bucket(0, id)"}},
		{"void", `ALTER TABLE lake.ns.t ADD PARTITION FIELD void(s)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", "void(s)", "DROP PARTITION FIELD"}},
		{"already partitioned", `ALTER TABLE lake.ns.t ADD PARTITION FIELD days(ts)`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", "already partitioned by day(ts)", "ts_day"}},
		{"duplicate name", `ALTER TABLE lake.ns.t ADD PARTITION FIELD truncate(2, s) AS ts_day`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", `"ts_day" already exists`}},
		{"name of another column", `ALTER TABLE lake.ns.t ADD PARTITION FIELD truncate(2, s) AS id`, engine.ErrInvalidPartition,
			[]string{"lake.ns.t", `"id"`, "column"}},
		{"redundant time field", `ALTER TABLE lake.ns.t ADD PARTITION FIELD hours(ts)`, nil,
			[]string{"lake.ns.t", "ts_hour", "ts_day"}},
		{"drop missing name", `ALTER TABLE lake.ns.t DROP PARTITION FIELD nope`, engine.ErrNoSuchPartitionField,
			[]string{"lake.ns.t", "nope", "ts_day = day(ts)", "id_bucket = bucket(16, id)"}},
		{"drop missing transform", `ALTER TABLE lake.ns.t DROP PARTITION FIELD bucket(8, id)`, engine.ErrNoSuchPartitionField,
			[]string{"lake.ns.t", "bucket(8, id)"}},
		{"drop column not partitioned by", `ALTER TABLE lake.ns.t DROP PARTITION FIELD s`, engine.ErrNoSuchPartitionField,
			[]string{"lake.ns.t", "s"}},
		{"drop on unpartitioned", `ALTER TABLE lake.ns.u DROP PARTITION FIELD id`, engine.ErrNoSuchPartitionField,
			[]string{"lake.ns.u", "id", "unpartitioned"}},
		{"replace missing", `ALTER TABLE lake.ns.t REPLACE PARTITION FIELD hours(ts) WITH months(ts)`, engine.ErrNoSuchPartitionField,
			[]string{"lake.ns.t", "hours(ts)"}},
		{"replace without with", `ALTER TABLE lake.ns.t REPLACE PARTITION FIELD ts_day months(ts)`, nil,
			[]string{"lake.ns.t", "WITH"}},
		{"add without term", `ALTER TABLE lake.ns.t ADD PARTITION FIELD`, nil,
			[]string{"lake.ns.t", "ADD PARTITION FIELD needs"}},
		{"trailing text", `ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(4, s) AS b extra`, nil,
			[]string{"lake.ns.t", `unexpected "extra"`}},
		{"missing table", `ALTER TABLE lake.ns.nope ADD PARTITION FIELD id`, engine.ErrNoSuchTable,
			[]string{"nope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before string
			if !strings.Contains(tc.sql, "ns.nope") {
				before = f.table("ns", strings.Fields(tc.sql)[2][len("lake.ns."):]).MetadataLocation()
			}
			err := f.fails(tc.sql)
			wantErr(t, err, tc.sentinel, tc.frags...)
			if before != "" {
				if after := f.table("ns", strings.Fields(tc.sql)[2][len("lake.ns."):]).MetadataLocation(); after != before {
					t.Errorf("a failed change committed %s", after)
				}
			}
		})
	}
}

// TestPruningAcrossSpecs prunes a table whose spec evolved from day(ts) to
// day(ts) + bucket(4, id): files of the old spec are pruned by their own
// spec's partition values and statistics, files of the new one by theirs,
// and the results match a plain DuckDB copy.
func TestPruningAcrossSpecs(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.ev (id INTEGER, ts TIMESTAMP, v VARCHAR) PARTITIONED BY (day(ts))`)
	insertDay := func(day int) {
		f.exec(fmt.Sprintf(`INSERT INTO lake.ns.ev SELECT %d * 100 + r, TIMESTAMP '2024-03-0%d 00:10:00' + INTERVAL (r * 97) MINUTE, 'v' || r FROM range(10) t(r)`, day, day))
	}
	for day := 1; day <= 3; day++ {
		insertDay(day)
	}
	f.exec(`ALTER TABLE lake.ns.ev ADD PARTITION FIELD bucket(4, id)`)
	for day := 4; day <= 6; day++ {
		insertDay(day)
	}
	f.exec(`CREATE TABLE memory.main.ev AS SELECT * FROM lake.ns.ev`)
	count := func(where string) int {
		var n int
		fmt.Sscan(f.one(`SELECT count(*) FROM lake.ns."ev$files" WHERE `+where), &n)
		return n
	}
	if n := count("spec_id = 0"); n != 3 {
		t.Fatalf("%d files of spec 0, want 3 (one per day)", n)
	}
	newPerDay4 := count(`spec_id = 1 AND partition['ts_day'] = '2024-03-04'`)
	if newPerDay4 < 2 {
		t.Fatalf("day 4 has %d files under the bucketed spec; the test needs several", newPerDay4)
	}
	// Statistics alone keep every file whose id range spans 405; only
	// the bucket transform narrows them to one.
	if n := count(`CAST(lower_bounds[1] AS INTEGER) <= 405 AND CAST(upper_bounds[1] AS INTEGER) >= 405`); n < 2 {
		t.Fatalf("%d files span id 405; the bucket case needs several", n)
	}
	for _, tc := range []struct {
		name  string
		where string
		files int
	}{
		{"old spec only", `ts < '2024-03-02'`, 1},
		{"new spec only", `ts >= '2024-03-04'`, count("spec_id = 1")},
		{"both specs", `ts >= '2024-03-03' AND ts < '2024-03-05'`, 1 + newPerDay4},
		// Old files are pruned by their id statistics, new ones by bucket.
		{"bucket", `id = 405`, 1},
		{"old id", `id = 205`, 1},
		{"none", `ts > '2030-01-01'`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sortedRows(f.strings(`SELECT * FROM lake.ns.ev WHERE ` + tc.where))
			files := f.planFiles("lake.ns.ev")
			diffRows(t, tc.where, sortedRows(f.strings(`SELECT * FROM memory.main.ev WHERE `+tc.where)), got)
			if files != tc.files {
				t.Errorf("WHERE %s kept %d files, want %d", tc.where, files, tc.files)
			}
		})
	}
}

// TestRewriteDataFilesAcrossSpecs compacts a table with deletes on files
// of two specs: the rewritten files all have the current spec and correct
// partition values (iceberg-go prunes by them and reads the same rows),
// no delete file is left, and a lone small file of the current spec with
// nothing to pack it with stays as it was.
func TestRewriteDataFilesAcrossSpecs(t *testing.T) {
	for _, props := range []string{
		"'format-version'='3'",
		"'format-version'='2', 'write.delete.mode'='merge-on-read'",
	} {
		t.Run(props, func(t *testing.T) {
			f := openLake(t)
			f.exec(`CREATE SCHEMA lake.ns;
				CREATE TABLE lake.ns.t (id INTEGER, grp INTEGER) PARTITIONED BY (grp) TBLPROPERTIES (` + props + `);
				INSERT INTO lake.ns.t SELECT i, i % 2 FROM range(0, 40) r(i);
				INSERT INTO lake.ns.t SELECT i, i % 2 FROM range(40, 80) r(i);
				ALTER TABLE lake.ns.t ADD PARTITION FIELD bucket(2, id);
				INSERT INTO lake.ns.t SELECT i, i % 2 FROM range(80, 120) r(i);
				INSERT INTO lake.ns.t VALUES (1000, 5);
				DELETE FROM lake.ns.t WHERE id % 10 = 3`)
			lone := f.one(`SELECT file_path FROM lake.ns."t$files" WHERE partition['grp'] = '5'`)
			before := f.strings(`SELECT * FROM lake.ns.t ORDER BY ALL`)
			if n := f.one(`SELECT count(DISTINCT spec_id) FROM lake.ns."t$delete_files"`); n != "2" {
				t.Fatalf("deletes on files of %s specs, want 2", n)
			}
			f.exec(`CALL rewrite_data_files('ns.t', options => map(['min-input-files', 'delete-file-threshold'], ['2', '1']))`)
			diffRows(t, "rows after rewrite", before, f.strings(`SELECT * FROM lake.ns.t ORDER BY ALL`))
			if n := f.one(`SELECT count(*) FROM lake.ns."t$delete_files"`); n != "0" {
				t.Errorf("%s delete files left after rewrite_data_files", n)
			}
			if got := f.strings(`SELECT DISTINCT spec_id FROM lake.ns."t$files"`); !cmp.Equal(got, [][]string{{"1"}}) {
				t.Errorf("spec ids after rewrite: %v, want only the current spec 1", got)
			}
			if n := f.one(`SELECT count(*) FROM lake.ns."t$files" WHERE file_path = ` + engine.QuoteString(lone)); n != "1" {
				t.Errorf("the lone small file %s was rewritten; nothing could be packed with it", lone)
			}
			tbl := f.table("ns", "t")
			for _, grp := range []int32{0, 1, 5} {
				q := fmt.Sprintf(`SELECT * FROM lake.ns.t WHERE grp = %d`, grp)
				diffRows(t, q+" (floe vs iceberg-go)", floeRows(t, f, q),
					icebergRows(t, f, tbl, iceberg.EqualTo(iceberg.Reference("grp"), grp)))
			}
			diffRows(t, "iceberg-go vs floe", floeRows(t, f, `SELECT * FROM lake.ns.t`), icebergRows(t, f, tbl, nil))
		})
	}
}

// TestPartitionsTableAcrossSpecs checks $partitions and $files on a table
// whose specs name different fields alike and whose old partition source
// column was dropped: one $partitions row per spec and partition, and the
// old files still render and read.
func TestPartitionsTableAcrossSpecs(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id INTEGER, k INTEGER) PARTITIONED BY (bucket(2, k));
		INSERT INTO lake.ns.t SELECT i, i FROM range(0, 20) r(i);
		ALTER TABLE lake.ns.t REPLACE PARTITION FIELD bucket(2, k) WITH bucket(3, k) AS k_bucket;
		INSERT INTO lake.ns.t SELECT i, i FROM range(20, 40) r(i)`)
	// bucket[2] and bucket[3] are both named k_bucket.
	diffRows(t, "$partitions rows for k_bucket=0", [][]string{{"0", "1"}, {"1", "1"}},
		f.strings(`SELECT spec_id, count(*) FROM lake.ns."t$partitions" WHERE partition['k_bucket'] = '0' GROUP BY ALL ORDER BY ALL`))
	f.exec(`ALTER TABLE lake.ns.t DROP PARTITION FIELD k_bucket; ALTER TABLE lake.ns.t DROP COLUMN k`)
	if n := f.one(`SELECT count(*) FROM lake.ns."t$partitions"`); n != "5" {
		t.Errorf("$partitions has %s rows after dropping the source column, want 5", n)
	}
	diffRows(t, "after DROP COLUMN k", [][]string{{"40", "780"}}, f.strings(`SELECT count(*), sum(id) FROM lake.ns.t WHERE id >= 0`))
	diffRows(t, "iceberg-go vs floe", floeRows(t, f, `SELECT * FROM lake.ns.t`), icebergRows(t, f, f.table("ns", "t"), nil))
}
