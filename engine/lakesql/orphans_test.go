package lakesql

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// orphanFixture makes lake.o.t, whose metadata log keeps one earlier
// metadata file, with four appends, a table lake.o.copy registered over
// its metadata file of the second, and the leftovers of killed writes: a Parquet
// file no commit took and a temporary file. It returns the table's
// location and the rows each snapshot reads.
func (f *lakeFixture) orphanFixture() (string, [][][]string) {
	f.t.Helper()
	f.exec(`CREATE SCHEMA lake.o;
		CREATE TABLE lake.o.t (id INTEGER) TBLPROPERTIES ('write.metadata.previous-versions-max' = '1');
		INSERT INTO lake.o.t VALUES (1);
		INSERT INTO lake.o.t VALUES (2)`)
	second := f.table("o", "t").MetadataLocation()
	f.exec(`INSERT INTO lake.o.t VALUES (3);
		INSERT INTO lake.o.t VALUES (4)`)
	f.exec(`CALL register_table('o.copy', '` + second + `')`)
	loc, _ := engine.LocalPath(f.table("o", "t").Location())
	f.exec(`COPY (SELECT 9 AS id) TO '` + filepath.Join(loc, "data", "killed-insert.parquet") + `' (FORMAT parquet)`)
	if err := os.WriteFile(filepath.Join(loc, "metadata", ".tmp-123"), []byte("half"), 0o644); err != nil {
		f.t.Fatal(err)
	}
	var rows [][][]string
	for _, id := range f.snapshotIDs("o", "t") {
		rows = append(rows, f.strings(fmt.Sprintf("SELECT * FROM lake.o.t AT (VERSION => %d) ORDER BY id", id)))
	}
	return filepath.Clean(loc), rows
}

// TestRemoveOrphanFiles: remove_orphan_files deletes exactly the files
// under the table's location that neither the table's metadata nor any
// other table reaches and that are older than the margin; a dry run only
// lists them; the table reads as before at every snapshot.
func TestRemoveOrphanFiles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		later  time.Duration
		call   func(loc string) string
		dryRun bool
		young  bool   // nothing is old enough
		under  string // only orphans under this subdirectory
	}{
		{name: "young files stay (older_than defaults to 3 days ago)", young: true,
			call: func(string) string { return "CALL remove_orphan_files('o.t')" }},
		{name: "dry run lists and deletes nothing", later: 4 * 24 * time.Hour, dryRun: true,
			call: func(string) string { return "CALL remove_orphan_files('o.t', dry_run => true)" }},
		{name: "four days later the orphans go", later: 4 * 24 * time.Hour,
			call: func(string) string {
				return "CALL system.remove_orphan_files(table => 'lake.o.t', max_concurrent_deletes => 3)"
			}},
		{name: "older_than in the future takes every orphan",
			call: func(string) string {
				return "CALL remove_orphan_files('o.t', older_than => now()::TIMESTAMP + INTERVAL 1 MINUTE, dry_run => false)"
			}},
		{name: "location limits the search", later: 4 * 24 * time.Hour, under: "data",
			call: func(loc string) string {
				return "CALL remove_orphan_files('o.t', location => '" + filepath.Join(loc, "data") + "')"
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			loc, rows := f.orphanFixture()
			copyRows := f.strings("SELECT * FROM lake.o.copy ORDER BY id")
			// A file written a moment ago by a write still in flight:
			// inside the margin whatever the clock says.
			inflight := filepath.Join(loc, "data", "in-flight.parquet")
			f.exec(`COPY (SELECT 10 AS id) TO '` + inflight + `' (FORMAT parquet)`)
			if tc.later != 0 {
				laterBy(t, tc.later)
				future := time.Now().Add(tc.later)
				if err := os.Chtimes(inflight, future, future); err != nil {
					t.Fatal(err)
				}
			}

			reached := f.reachable("o", "t")
			for p := range f.reachable("o", "copy") {
				reached[p] = true
			}
			before := dirFiles(t, f.dir)
			var want []string
			for _, p := range dirFiles(t, filepath.Join(loc, tc.under)) {
				if !reached[p] && !tc.young && (p != inflight || tc.later == 0) {
					want = append(want, engine.FileURI(p))
				}
			}
			// The leftovers are among them, and so is the metadata file
			// no log lists (the empty table's), but not the one lake.o.copy
			// uses (the second append's) nor the one its log lists.
			if !tc.young && tc.under == "" {
				has := func(frag string) bool {
					return slices.ContainsFunc(want, func(p string) bool { return strings.Contains(p, frag) })
				}
				for _, frag := range []string{"killed-insert.parquet", ".tmp-123", "/00000-"} {
					if !has(frag) {
						t.Fatalf("no orphan %s among %v", frag, want)
					}
				}
				if has("/00001-") || has("/00002-") {
					t.Fatalf("lake.o.copy's metadata file is among the orphans %v", want)
				}
			}

			var got []string
			for _, r := range f.strings(tc.call(loc)) {
				got = append(got, r[0])
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("orphan_file_location (-want +got):\n%s", diff)
			}

			after := dirFiles(t, f.dir)
			var gone []string
			for _, p := range before {
				if !slices.Contains(after, p) {
					gone = append(gone, engine.FileURI(p))
				}
			}
			wantGone := want
			if tc.dryRun {
				wantGone = nil
			}
			if diff := cmp.Diff(wantGone, gone, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("files deleted (-want +got):\n%s", diff)
			}
			for i, id := range f.snapshotIDs("o", "t") {
				diffRows(t, fmt.Sprintf("snapshot %d", i+1), rows[i], f.strings(fmt.Sprintf("SELECT * FROM lake.o.t AT (VERSION => %d) ORDER BY id", id)))
			}
			diffRows(t, "lake.o.copy", copyRows, f.strings("SELECT * FROM lake.o.copy ORDER BY id"))
			// A new process reads the table from its catalog.
			g := openLakeAt(t, f.dir)
			diffRows(t, "lake.o.t in a new session", rows[len(rows)-1], g.strings("SELECT * FROM lake.o.t ORDER BY id"))
			// And iceberg-go's reader: nothing referenced was removed.
			diffRows(t, "lake.o.t read by iceberg-go", sortedRows(rows[len(rows)-1]), icebergRows(t, g, g.table("o", "t"), nil))
			diffRows(t, "lake.o.copy read by iceberg-go", sortedRows(copyRows), icebergRows(t, g, g.table("o", "copy"), nil))
		})
	}
}

// TestRewriteManifests: rewrite_manifests merges the current snapshot's
// data manifests into one in one commit; the rows, the delete files and
// the older snapshots read as before; a second call has nothing to do and
// commits nothing.
func TestRewriteManifests(t *testing.T) {
	for _, tc := range []struct {
		name      string
		script    string
		call      string
		data      int // data manifests before
		deletes   int // delete manifests, before and after
		rewritten int
	}{
		{name: "four appends", script: `CREATE TABLE lake.m.t (id INTEGER, s VARCHAR);
			INSERT INTO lake.m.t VALUES (1, 'a'); INSERT INTO lake.m.t VALUES (2, 'b');
			INSERT INTO lake.m.t VALUES (3, 'c'); INSERT INTO lake.m.t VALUES (4, 'd')`,
			call: "CALL rewrite_manifests('m.t')", data: 4, rewritten: 4},
		{name: "appends and a deletion vector", script: `CREATE TABLE lake.m.t (id INTEGER, s VARCHAR) TBLPROPERTIES ('format-version' = '3');
			INSERT INTO lake.m.t VALUES (1, 'a'), (2, 'b'); INSERT INTO lake.m.t VALUES (3, 'c');
			INSERT INTO lake.m.t VALUES (4, 'd'); DELETE FROM lake.m.t WHERE id = 2`,
			call: "CALL system.rewrite_manifests(table => 'lake.m.t', use_caching => false)", data: 3, deletes: 1, rewritten: 3},
		{name: "partitioned, by spec", script: `CREATE TABLE lake.m.t (id INTEGER, s VARCHAR) PARTITIONED BY (s);
			INSERT INTO lake.m.t VALUES (1, 'a'), (2, 'b'); INSERT INTO lake.m.t VALUES (3, 'a')`,
			call: "CALL rewrite_manifests('m.t', false, 0)", data: 2, rewritten: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec("CREATE SCHEMA lake.m; " + tc.script)
			manifests := func(content int) int {
				n := 0
				fmt.Sscan(f.one(fmt.Sprintf(`SELECT count(*) FROM lake.m."t$manifests" WHERE content = %d`, content)), &n)
				return n
			}
			if got := manifests(0); got != tc.data {
				t.Fatalf("%d data manifests before, want %d", got, tc.data)
			}
			ids := f.snapshotIDs("m", "t")
			var rows [][][]string
			for _, id := range ids {
				rows = append(rows, f.strings(fmt.Sprintf("SELECT * FROM lake.m.t AT (VERSION => %d) ORDER BY id", id)))
			}
			files := f.strings(`SELECT file_path FROM lake.m."t$files" ORDER BY 1`)
			deleteFiles := f.strings(`SELECT file_path FROM lake.m."t$delete_files" ORDER BY 1`)

			diffRows(t, "result", [][]string{{fmt.Sprint(tc.rewritten), "1"}}, f.strings(tc.call))

			if got := manifests(0); got != 1 {
				t.Errorf("%d data manifests after, want 1", got)
			}
			if got := manifests(1); got != tc.deletes {
				t.Errorf("%d delete manifests after, want %d", got, tc.deletes)
			}
			if n := len(f.snapshotIDs("m", "t")); n != len(ids)+1 {
				t.Errorf("%d snapshots, want %d (one commit)", n, len(ids)+1)
			}
			diffRows(t, "rows", rows[len(rows)-1], f.strings("SELECT * FROM lake.m.t ORDER BY id"))
			diffRows(t, "data files", files, f.strings(`SELECT file_path FROM lake.m."t$files" ORDER BY 1`))
			diffRows(t, "delete files", deleteFiles, f.strings(`SELECT file_path FROM lake.m."t$delete_files" ORDER BY 1`))
			for i, id := range ids {
				diffRows(t, fmt.Sprintf("snapshot %d", i+1), rows[i], f.strings(fmt.Sprintf("SELECT * FROM lake.m.t AT (VERSION => %d) ORDER BY id", id)))
			}

			// Nothing left to merge: no commit.
			diffRows(t, "second call", [][]string{{"0", "0"}}, f.strings(tc.call))
			if n := len(f.snapshotIDs("m", "t")); n != len(ids)+1 {
				t.Errorf("%d snapshots after the second call, want %d", n, len(ids)+1)
			}
		})
	}
}

// noncurrentFixture makes lake.n.t with maintenance's compaction and
// expiry off, three appends, a metadata log of one file, and the leftover
// of a killed write. It returns the table's directory, its rows, and its
// metadata files no log lists (the empty table's, the first append's).
func (f *lakeFixture) noncurrentFixture() (string, [][]string, []string) {
	f.t.Helper()
	f.exec(`CREATE SCHEMA lake.n;
		CREATE TABLE lake.n.t (id INTEGER) TBLPROPERTIES ('write.metadata.previous-versions-max' = '1',
			'floe.maintenance.compaction.enabled' = 'false', 'floe.maintenance.snapshot-management.enabled' = 'false');
		INSERT INTO lake.n.t VALUES (1);
		INSERT INTO lake.n.t VALUES (2);
		INSERT INTO lake.n.t VALUES (3)`)
	loc, _ := engine.LocalPath(f.table("n", "t").Location())
	loc = filepath.Clean(loc)
	f.exec(`COPY (SELECT 9 AS id) TO '` + filepath.Join(loc, "data", "killed-insert.parquet") + `' (FORMAT parquet)`)
	var old []string
	for _, p := range dirFiles(f.t, filepath.Join(loc, "metadata")) {
		if strings.HasSuffix(p, ".metadata.json") && !f.reachable("n", "t")[p] {
			old = append(old, p)
		}
	}
	if len(old) != 2 {
		f.t.Fatalf("metadata files no log lists: %v, want the first two", old)
	}
	return loc, f.strings("SELECT * FROM lake.n.t ORDER BY id"), old
}

// maintainAt runs run_maintenance('n.t') with the clock days after now
// and returns the unreferenced-file job's run, if it recorded one.
func (f *lakeFixture) maintainAt(t *testing.T, days int) (JobRun, bool) {
	t.Helper()
	laterBy(t, time.Duration(days)*24*time.Hour)
	runs, err := f.s.Maintain(f.ctx, "n.t")
	if err != nil {
		t.Fatalf("maintain at day %d: %v", days, err)
	}
	for _, r := range runs {
		if r.Job == JobUnreferencedFileRemoval {
			return r, true
		}
	}
	return JobRun{}, false
}

// TestNoncurrentFiles: maintenance's unreferenced-file removal marks a
// file no metadata references once it is unreferenced-days (3) old,
// deletes it once marked for non-current-days (10), and unmarks a file a
// table registered over it references again; maintenance_jobs and
// maintenance status report marked and deleted counts. remove_orphan_files
// still deletes directly.
func TestNoncurrentFiles(t *testing.T) {
	f := openLake(t)
	loc, rows, oldMeta := f.noncurrentFixture()
	killed := filepath.Join(loc, "data", "killed-insert.parquet")
	marks := filepath.Join(loc, "_floe_maintenance", "noncurrent.json")
	// Every step's wanted outcome; ran says whether the job records a run.
	type want struct {
		ran                 bool
		marked, deleted     int64
		gone, kept          []string
		noncurrent, unmarks int
	}
	steps := []struct {
		name   string
		day    int
		before func()
		want   want
	}{
		{name: "young files are not marked", day: 2, want: want{kept: append([]string{killed}, oldMeta...)}},
		{name: "unreferenced for 3 days: marked, not deleted", day: 4,
			want: want{ran: true, marked: int64(len(oldMeta)) + 1, kept: append([]string{killed}, oldMeta...), noncurrent: len(oldMeta) + 1}},
		// Its metadata log lists the empty table's: both are referenced.
		{name: "a table registered over a marked metadata file unmarks it", day: 5,
			before: func() { f.exec(`CALL register_table('n.back', '` + oldMeta[1] + `')`) },
			want:   want{ran: true, kept: append([]string{killed}, oldMeta...), noncurrent: 1, unmarks: 2}},
		{name: "marked 9 days: kept", day: 13, want: want{kept: append([]string{killed}, oldMeta...), noncurrent: 1}},
		{name: "marked 10 days: deleted", day: 14,
			want: want{ran: true, deleted: 1, gone: []string{killed}, kept: oldMeta}},
		{name: "nothing left to do", day: 30, want: want{kept: oldMeta}},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before()
		}
		run, ran := f.maintainAt(t, st.day)
		if ran != st.want.ran || run.FilesMarked != st.want.marked || run.FilesIn != st.want.deleted {
			t.Errorf("%s: run %v (recorded %v), want recorded %v with %d marked and %d deleted", st.name, run, ran, st.want.ran, st.want.marked, st.want.deleted)
		}
		if ran && !strings.Contains(run.Message, fmt.Sprintf("%d marked files referenced again", st.want.unmarks)) {
			t.Errorf("%s: message %q, want %d unmarked", st.name, run.Message, st.want.unmarks)
		}
		if ran && st.want.marked > 0 && run.BytesMarked <= 0 || st.want.deleted > 0 && run.BytesIn <= 0 {
			t.Errorf("%s: %d bytes marked, %d bytes deleted, want both counted", st.name, run.BytesMarked, run.BytesIn)
		}
		for _, p := range st.want.gone {
			if fileExists(p) {
				t.Errorf("%s: %s is still there", st.name, p)
			}
		}
		for _, p := range st.want.kept {
			if !fileExists(p) {
				t.Errorf("%s: %s is gone", st.name, p)
			}
		}
		for p := range f.reachable("n", "t") {
			if !fileExists(p) {
				t.Errorf("%s: %s, which the table reaches, is gone", st.name, p)
			}
		}
		if got := fileExists(marks); got != (st.want.noncurrent > 0) {
			t.Errorf("%s: marks file exists %v, want %v", st.name, got, st.want.noncurrent > 0)
		}
		sts, err := f.s.MaintenanceStatus(f.ctx, "n", "t")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sts {
			if s.Job == JobUnreferencedFileRemoval && s.Noncurrent != st.want.noncurrent {
				t.Errorf("%s: status shows %d files noncurrent, want %d", st.name, s.Noncurrent, st.want.noncurrent)
			}
		}
		diffRows(t, st.name+": lake.n.t", rows, f.strings("SELECT * FROM lake.n.t ORDER BY id"))
	}
	diffRows(t, "lake.n.back", [][]string{{"1"}}, f.strings("SELECT * FROM lake.n.back ORDER BY id"))
	got := f.strings(`SELECT files_marked, files_in FROM lake.floe_system.maintenance_jobs
		WHERE job_type = 'icebergUnreferencedFileRemoval' AND table_name = 'lake.n.t' ORDER BY started_at`)
	wantRows := [][]string{{fmt.Sprint(len(oldMeta) + 1), "0"}, {"0", "0"}, {"0", "1"}}
	diffRows(t, "maintenance_jobs", wantRows, got)

	// remove_orphan_files keeps Spark's meaning: no marks, deleted now.
	stray := filepath.Join(loc, "data", "stray.parquet")
	f.exec(`COPY (SELECT 7 AS id) TO '` + stray + `' (FORMAT parquet)`)
	laterBy(t, 34*24*time.Hour)
	f.exec(`CALL remove_orphan_files('n.t')`)
	if fileExists(stray) || fileExists(marks) {
		t.Errorf("remove_orphan_files: stray left %v, marks written %v; want it deleted without marks", fileExists(stray), fileExists(marks))
	}
}

// TestNoncurrentKill: the unreferenced-file removal dying while it
// deletes loses nothing the table references; the files it did not get to
// stay marked, and the next run deletes them.
func TestNoncurrentKill(t *testing.T) {
	f, sw := openFaultyLake(t)
	loc, rows, oldMeta := f.noncurrentFixture()
	f.maintainAt(t, 4)
	fault := &errorfs.Counter{Op: errorfs.OpRemove, Match: loc, N: 2, Crash: true}
	sw.set(fault)
	laterBy(t, 15*24*time.Hour)
	_, err := f.s.Maintain(f.ctx, "n.t")
	sw.set(nil)
	if !fault.Fired() || err == nil || !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
		t.Fatalf("maintain: %v (fault fired %v), want the injected fault", err, fault.Fired())
	}
	g := openLakeAt(t, f.dir)
	for p := range g.reachable("n", "t") {
		if !fileExists(p) {
			t.Errorf("%s: a file the table reaches is gone", p)
		}
	}
	diffRows(t, "rows after the kill", rows, g.strings("SELECT * FROM lake.n.t ORDER BY id"))
	left := 0
	for _, p := range append([]string{filepath.Join(loc, "data", "killed-insert.parquet")}, oldMeta...) {
		if fileExists(p) {
			left++
		}
	}
	if left == 0 {
		t.Fatal("the kill came after every deletion; the test kills nothing")
	}
	sts, err := g.s.MaintenanceStatus(g.ctx, "n", "t")
	if err != nil {
		t.Fatal(err)
	}
	if sts[2].Job != JobUnreferencedFileRemoval || sts[2].Noncurrent < left {
		t.Errorf("status %+v: want at least the %d files left marked", sts[2], left)
	}
	run, _ := g.maintainAt(t, 16)
	if run.FilesIn != int64(left) {
		t.Errorf("the next run deleted %d files, want the %d left", run.FilesIn, left)
	}
	for _, p := range dirFiles(t, loc) {
		if !g.reachable("n", "t")[p] {
			t.Errorf("%s is left, reached by nothing", p)
		}
	}
	diffRows(t, "rows at the end", rows, g.strings("SELECT * FROM lake.n.t ORDER BY id"))
}
