package lakesql

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// liveFiles counts the current snapshot's data files per partition value
// of p, and the data files that have a deletion vector.
func liveFiles(t *testing.T, f *lakeFixture, ns, name string) (map[string]int, int) {
	t.Helper()
	tbl := f.table(ns, name)
	plan, err := tbl.PlanScan(f.ctx, engine.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	withDV := 0
	for _, task := range plan.Tasks {
		out[fmt.Sprint(task.File.Partition()[1000])]++
		if len(task.DeletionVectorFiles)+len(task.DeleteFiles) > 0 {
			withDV++
		}
	}
	return out, withDV
}

// TestMergeCoalesce: MERGEs that each write a small file into a partition
// leave, once coalesceMinFiles files are there, one file holding the
// partition's live rows (their updates and deletes applied), in the same
// commit: the rows equal a DuckDB table's after every MERGE, iceberg-go
// reads the same rows, the snapshot before still reads as it was, and
// partitions the MERGE does not write into are left alone.
func TestMergeCoalesce(t *testing.T) {
	for _, tc := range []struct {
		name string
		// merges: MERGE statements (lake.m.t AS t USING ... AS s) run in
		// turn, each over the source rows for its number.
		source func(i int) string
		then   string
	}{
		{"inserts", func(i int) string {
			return fmt.Sprintf("SELECT %d * 10 + range AS id, 1 AS p, 'v%d' AS v FROM range(5)", i, i)
		}, "WHEN NOT MATCHED THEN INSERT *"},
		{"upserts of whole rows", func(i int) string {
			// A third of the rows update the previous MERGE's, the rest are new.
			return fmt.Sprintf("SELECT (%d * 10 + range) - 5 AS id, 1 AS p, 'u%d' AS v FROM range(15)", i, i)
		}, "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"},
		{"updates, deletes and inserts", func(i int) string {
			return fmt.Sprintf("SELECT (%d * 10 + range) - 5 AS id, 1 AS p, 'w%d' AS v FROM range(15)", i, i)
		}, "WHEN MATCHED AND t.id % 3 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET v = t.v || s.v WHEN NOT MATCHED THEN INSERT *"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec(`CREATE SCHEMA lake.m;
				CREATE TABLE lake.m.t (id BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3');
				INSERT INTO lake.m.t SELECT range, 2, 'other' FROM range(100);
				CREATE TABLE ref (id BIGINT, p INTEGER, v VARCHAR);
				INSERT INTO ref SELECT range, 2, 'other' FROM range(100)`)
			for i := 1; i <= coalesceMinFiles+1; i++ {
				src := tc.source(i)
				before := f.table("m", "t")
				f.exec("MERGE INTO lake.m.t AS t USING (" + src + ") AS s ON t.id = s.id AND t.p = s.p " + tc.then)
				f.exec("MERGE INTO ref AS t USING (" + src + ") AS s ON t.id = s.id AND t.p = s.p " + tc.then)
				diffRows(t, fmt.Sprintf("rows after MERGE %d", i), f.strings("SELECT * FROM ref ORDER BY ALL"), f.strings("SELECT * FROM lake.m.t ORDER BY ALL"))
				files, _ := liveFiles(t, f, "m", "t")
				after := f.table("m", "t")
				snaps := len(after.Snapshots()) - len(before.Snapshots())
				switch {
				case i < coalesceMinFiles:
					if files["1"] != i || snaps != 1 {
						t.Errorf("after MERGE %d: %d files in the partition and %d new snapshots, want %d and 1", i, files["1"], snaps, i)
					}
				case i == coalesceMinFiles:
					if files["1"] != 1 || snaps != 2 {
						t.Errorf("after MERGE %d: %d files in the partition and %d new snapshots, want 1 (coalesced) and 2", i, files["1"], snaps)
					}
					cur := after.Iceberg().CurrentSnapshot()
					if got := cur.Summary.Properties["floe.operation"]; got != "coalesce" || cur.Summary.Operation != table.OpOverwrite {
						t.Errorf("the coalescing snapshot is %s (floe.operation %q), want overwrite (coalesce)", cur.Summary.Operation, got)
					}
					// The row delta before it reads as the MERGE's result too.
					diffRows(t, "the MERGE's own snapshot", f.strings("SELECT * FROM ref ORDER BY ALL"),
						f.strings(fmt.Sprintf("SELECT * FROM lake.m.t AT (VERSION => %d) ORDER BY ALL", *cur.ParentSnapshotID)))
					// The snapshot before the MERGE is untouched.
					prev := before.Iceberg().CurrentSnapshot().SnapshotID
					if n := f.one(fmt.Sprintf("SELECT count(*) FROM lake.m.t AT (VERSION => %d)", prev)); n == f.one("SELECT count(*) FROM lake.m.t") && tc.name == "inserts" {
						t.Errorf("the snapshot before the MERGE reads %s rows, as many as after an insert", n)
					}
				default:
					if files["1"] != 2 {
						t.Errorf("after MERGE %d: %d files in the partition, want 2 (the coalesced one and the new one)", i, files["1"])
					}
				}
				if files["2"] != 1 {
					t.Errorf("after MERGE %d: the untouched partition has %d files, want 1", i, files["2"])
				}
				diffRows(t, fmt.Sprintf("iceberg-go's rows after MERGE %d", i), f.strings("SELECT id::VARCHAR, p::VARCHAR, v FROM ref ORDER BY ALL"), icebergRows(t, f, f.table("m", "t"), nil))
			}
			if _, withDV := liveFiles(t, f, "m", "t"); tc.name != "inserts" && withDV > 1 {
				t.Errorf("%d files with deletion vectors left, want at most 1 (the new file's deletes go with the coalesced files)", withDV)
			}
		})
	}
}

// TestMergeCoalesceBudget: a partition whose earlier files are larger than
// the MERGE's budget allows is not coalesced; the MERGE still commits.
func TestMergeCoalesceBudget(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.m;
		CREATE TABLE lake.m.t (id BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')`)
	for i := range coalesceMinFiles - 1 {
		f.exec(fmt.Sprintf("INSERT INTO lake.m.t SELECT %d * 1000 + range, 1, md5(range::VARCHAR) FROM range(500)", i))
	}
	saved := coalesceMinBudget
	coalesceMinBudget = 1
	t.Cleanup(func() { coalesceMinBudget = saved })
	f.exec("MERGE INTO lake.m.t AS t USING (SELECT 999999 AS id, 1 AS p, 'x' AS v) AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *")
	if files, _ := liveFiles(t, f, "m", "t"); files["1"] != coalesceMinFiles {
		t.Errorf("%d files, want %d: the earlier files exceed the budget", files["1"], coalesceMinFiles)
	}
	if n := f.one("SELECT count(*) FROM lake.m.t"); n != fmt.Sprint(500*(coalesceMinFiles-1)+1) {
		t.Errorf("%s rows", n)
	}
}

// TestMergeCoalesceConflict: a DELETE on another machine that lands while
// a coalescing MERGE commits, deleting a row of a file the MERGE drops,
// makes the MERGE's commit a conflict; planned again on the DELETE's
// snapshot, the MERGE keeps the row deleted.
func TestMergeCoalesceConflict(t *testing.T) {
	dir := t.TempDir()
	winner := openObjectLakeAt(t, dir)
	winner.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER, p INTEGER, v INTEGER) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')`)
	// Two rows a file: the DELETE and the MERGE's update leave deletion
	// vectors, not files dropped whole.
	for i := range coalesceMinFiles - 1 {
		winner.exec(fmt.Sprintf("INSERT INTO lake.s.t VALUES (%d, 1, %d), (%d, 1, %d)", 2*i, 20*i, 2*i+1, 20*i+10))
	}
	ptr := pointerFile(dir, "s", "t")
	var raced, swaps atomic.Int32
	inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if op == errorfs.OpSwap && name == ptr {
			swaps.Add(1)
			if raced.CompareAndSwap(0, 1) {
				winner.exec(`DELETE FROM lake.s.t WHERE id = 0`)
			}
		}
		return nil
	})
	loser := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
	loser.exec(`MERGE INTO lake.s.t AS t USING (SELECT 2 AS id, 1 AS p, 100 AS v UNION ALL SELECT 99, 1, 70) AS s ON t.id = s.id
		WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`)
	if n := swaps.Load(); n != 2 {
		t.Errorf("the MERGE swapped the pointer %d times, want 2 (a conflict, then the retry)", n)
	}
	var want [][]string
	for i := 1; i < 2*(coalesceMinFiles-1); i++ {
		v := fmt.Sprint(i * 10)
		if i == 2 {
			v = "100"
		}
		want = append(want, []string{fmt.Sprint(i), "1", v})
	}
	want = append(want, []string{"99", "1", "70"})
	diffRows(t, "rows", want, winner.strings(`SELECT * FROM lake.s.t ORDER BY id`))
	diffRows(t, "iceberg-go's rows", want, icebergRows(t, winner, winner.table("s", "t"), nil))
	if files, _ := liveFiles(t, winner, "s", "t"); files["1"] != 1 {
		t.Errorf("%d files after the retried MERGE, want 1 (coalesced)", files["1"])
	}
}

// TestMergeCoalesceCrash: a process that dies while committing a
// coalescing MERGE (before its manifests, its manifest list or its
// metadata file) leaves the last committed snapshot, read as it was by a
// new process; the MERGE then runs.
func TestMergeCoalesceCrash(t *testing.T) {
	for _, match := range []string{".avro", "/snap-", ".metadata.json"} {
		t.Run(strings.Trim(match, "/."), func(t *testing.T) {
			f, sw := openFaultyLake(t)
			f.exec(`CREATE SCHEMA lake.f;
				CREATE TABLE lake.f.t (id INTEGER, p INTEGER, s VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version' = '3')`)
			for i := range coalesceMinFiles - 1 {
				// Two rows a file: the MERGE's update leaves the first
				// file with a deletion vector, not dropped whole.
				f.exec(fmt.Sprintf("INSERT INTO lake.f.t VALUES (%d, 1, 'a'), (%d, 1, 'b')", 2*i, 2*i+1))
			}
			before := f.committed("f", "t")
			stmt := `MERGE INTO lake.f.t AS t USING (SELECT 0 AS id, 1 AS p, 'z' AS s UNION ALL SELECT 9, 1, 'n') AS s ON t.id = s.id
				WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`
			c := &errorfs.Counter{Op: errorfs.OpCreate, Match: match, N: 1, Crash: true}
			sw.set(c)
			err := f.fails(stmt)
			sw.set(nil)
			if !c.Fired() {
				t.Fatalf("the fault never fired; created %v", c.Seen())
			}
			if !errors.Is(err, errorfs.ErrInjected) && !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
				t.Errorf("err = %v, want the injected fault", err)
			}
			g := openLakeAt(t, f.dir)
			if diff := cmp.Diff(before, g.committed("f", "t")); diff != "" {
				t.Errorf("after the crash (-last commit +now):\n%s", diff)
			}
			f.exec(stmt)
			want := [][]string{{"0", "1", "z"}}
			for i := 1; i < 2*(coalesceMinFiles-1); i++ {
				want = append(want, []string{fmt.Sprint(i), "1", string("ab"[i%2])})
			}
			want = append(want, []string{"9", "1", "n"})
			diffRows(t, "rows after the MERGE", want, g.strings("SELECT * FROM lake.f.t ORDER BY id"))
			if files, _ := liveFiles(t, g, "f", "t"); files["1"] != 1 {
				t.Errorf("%d files after the MERGE, want 1 (coalesced)", files["1"])
			}
		})
	}
}

// TestUpdateCoalesce: an UPDATE that writes its new rows into a partition
// of small files coalesces them too.
func TestUpdateCoalesce(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.m;
		CREATE TABLE lake.m.t (id BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')`)
	for i := range coalesceMinFiles {
		f.exec(fmt.Sprintf("INSERT INTO lake.m.t VALUES (%d, 1, 'a'), (%d, 1, 'b')", 2*i, 2*i+1))
	}
	f.exec("UPDATE lake.m.t SET v = 'z' WHERE id % 3 = 0")
	if files, withDV := liveFiles(t, f, "m", "t"); files["1"] != 1 || withDV != 0 {
		t.Errorf("%d files (%d with deletion vectors) after the UPDATE, want 1 (coalesced, none)", files["1"], withDV)
	}
	var want [][]string
	for i := range 2 * coalesceMinFiles {
		v := string("ab"[i%2])
		if i%3 == 0 {
			v = "z"
		}
		want = append(want, []string{fmt.Sprint(i), "1", v})
	}
	diffRows(t, "rows", want, f.strings("SELECT * FROM lake.m.t ORDER BY id"))
	diffRows(t, "iceberg-go's rows", want, icebergRows(t, f, f.table("m", "t"), nil))
}

// TestMergeCoalesceLargeNewFile: a MERGE whose new file is much larger than
// the partition's small files coalesces those among themselves and leaves
// its own file as written.
func TestMergeCoalesceLargeNewFile(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.m;
		CREATE TABLE lake.m.t (id BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')`)
	for i := range coalesceMinFiles {
		f.exec(fmt.Sprintf("INSERT INTO lake.m.t VALUES (%d, 1, 'a')", i))
	}
	f.exec(`MERGE INTO lake.m.t AS t USING (SELECT 1000 + range AS id, 1 AS p, md5(range::VARCHAR) AS v FROM range(20000)) AS s
		ON t.id = s.id WHEN NOT MATCHED THEN INSERT *`)
	if files, _ := liveFiles(t, f, "m", "t"); files["1"] != 2 {
		t.Errorf("%d files, want 2: the small ones coalesced, the MERGE's own", files["1"])
	}
	cur := f.table("m", "t").Iceberg().CurrentSnapshot()
	if got := cur.Summary.Properties["floe.coalesced-files"]; got != fmt.Sprint(coalesceMinFiles) {
		t.Errorf("the coalescing replaced %s files, want %d", got, coalesceMinFiles)
	}
	diffRows(t, "rows", [][]string{{fmt.Sprint(coalesceMinFiles + 20000), fmt.Sprint(coalesceMinFiles)}},
		f.strings("SELECT count(*), count(*) FILTER (WHERE v = 'a') FROM lake.m.t"))
}

// TestMergeCoalesceSchemaChange: files written before a column was added
// and another renamed, with no snapshot since, are coalesced under the
// current schema: the new column is NULL in their rows.
func TestMergeCoalesceSchemaChange(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.m;
		CREATE TABLE lake.m.t (id BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.m.t VALUES (0, 1, 'a'), (1, 1, 'b');
		INSERT INTO lake.m.t VALUES (2, 1, 'c');
		INSERT INTO lake.m.t VALUES (3, 1, 'd');
		ALTER TABLE lake.m.t ADD COLUMN n INTEGER;
		ALTER TABLE lake.m.t RENAME COLUMN v TO w`)
	f.exec(`MERGE INTO lake.m.t AS t USING (SELECT 1 AS id, 1 AS p, 'B' AS w, 10 AS n UNION ALL SELECT 4, 1, 'e', 40) AS s ON t.id = s.id
		WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`)
	if files, _ := liveFiles(t, f, "m", "t"); files["1"] != 1 {
		t.Errorf("%d files, want 1 (coalesced)", files["1"])
	}
	want := [][]string{{"0", "1", "a", "NULL"}, {"1", "1", "B", "10"}, {"2", "1", "c", "NULL"}, {"3", "1", "d", "NULL"}, {"4", "1", "e", "40"}}
	diffRows(t, "rows", want, f.strings("SELECT id, p, w, coalesce(n::VARCHAR, 'NULL') FROM lake.m.t ORDER BY id"))
}
