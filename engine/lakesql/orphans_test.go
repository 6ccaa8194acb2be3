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
