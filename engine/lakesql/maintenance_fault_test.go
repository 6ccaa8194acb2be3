package lakesql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// TestMaintenanceFaults: a maintenance procedure that fails at any file
// (a process that dies before its metadata file, or while it deletes)
// leaves the table readable at its last commit with every file that
// commit reaches; what an expiry could not delete, remove_orphan_files
// takes later.
func TestMaintenanceFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		call      string
		fault     *errorfs.Counter
		committed bool // the procedure's commit landed before the fault
	}{
		{name: "expire_snapshots dies before its metadata file", call: "CALL expire_snapshots('e.t')",
			fault: &errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
		{name: "expire_snapshots dies while it deletes", call: "CALL expire_snapshots('e.t')",
			fault: &errorfs.Counter{Op: errorfs.OpRemove, N: 2, Crash: true}, committed: true},
		{name: "rewrite_manifests dies before its metadata file", call: "CALL rewrite_manifests('e.t')",
			fault: &errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
		{name: "remove_orphan_files dies while it deletes", call: "CALL remove_orphan_files('e.t')",
			fault: &errorfs.Counter{Op: errorfs.OpRemove, N: 2, Crash: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, sw := openFaultyLake(t)
			rows := f.history()
			// Leftovers for remove_orphan_files to find.
			f.exec(`COPY (SELECT 1 AS id) TO '` + f.dir + `/e.db/t/data/a.parquet' (FORMAT parquet);
				COPY (SELECT 2 AS id) TO '` + f.dir + `/e.db/t/data/b.parquet' (FORMAT parquet)`)
			laterBy(t, 6*24*time.Hour)
			before := f.committed("e", "t")

			sw.set(tc.fault)
			err := f.fails(tc.call)
			sw.set(nil)
			if !tc.fault.Fired() {
				t.Fatalf("the fault never fired; saw %v", tc.fault.Seen())
			}
			if !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
				t.Errorf("%s: err = %v, want the injected fault", tc.call, err)
			}

			// A new process, on the plain local filesystem.
			g := openLakeAt(t, f.dir)
			now := g.committed("e", "t")
			if tc.committed {
				wantErr(t, err, nil, "lake.e.t", "the snapshots are expired", "remove_orphan_files")
				if now.Snapshots != 1 {
					t.Errorf("%d snapshots after the expiry, want 1", now.Snapshots)
				}
				diffRows(t, "rows", rows[4], now.Rows)
			} else if diff := cmp.Diff(before, now); diff != "" {
				t.Errorf("after the fault (-last commit +now):\n%s", diff)
			}
			for p := range g.reachable("e", "t") {
				if !fileExists(p) {
					t.Errorf("%s: a file the table reaches is gone", p)
				}
			}

			// Whatever was left behind goes with remove_orphan_files, and
			// then every file under the table is one it reaches.
			g.exec("CALL remove_orphan_files('e.t')")
			reached := g.reachable("e", "t")
			for _, p := range dirFiles(t, f.dir+"/e.db/t") {
				if !reached[p] {
					t.Errorf("%s is left, reached by nothing", p)
				}
			}
			diffRows(t, "rows after remove_orphan_files", rows[4], g.strings("SELECT * FROM lake.e.t ORDER BY id"))
		})
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestMaintenanceBadArguments: a procedure given a table that does not
// exist or an argument it cannot use fails naming it, and changes
// nothing.
func TestMaintenanceBadArguments(t *testing.T) {
	f := openLake(t)
	f.history()
	f.exec(`CREATE TABLE lake.e.shared (id INTEGER) TBLPROPERTIES ('gc.enabled' = 'false');
		INSERT INTO lake.e.shared VALUES (1)`)
	for _, tc := range []struct {
		call     string
		sentinel error
		frags    []string
	}{
		{"CALL expire_snapshots('e.nope')", engine.ErrNoSuchTable, []string{"lake.e.nope"}},
		{"CALL expire_snapshots()", nil, []string{"expire_snapshots needs the table"}},
		{"CALL expire_snapshots('t')", nil, []string{`table "t" must be schema.table`}},
		{"CALL expire_snapshots('e.t', retain_last => -1)", nil, []string{"retain_last must be at least 1, not -1"}},
		{"CALL expire_snapshots('e.t', retain_last => 0)", nil, []string{"retain_last must be at least 1, not 0"}},
		{"CALL expire_snapshots('e.t', retain_last => 'two')", nil, []string{"retain_last must be an integer", `"two"`}},
		{"CALL expire_snapshots('e.t', older_than => 5)", nil, []string{"older_than must be a timestamp", "the integer 5"}},
		{"CALL expire_snapshots('e.t', older_than => 'last week')", nil, []string{"older_than must be a timestamp", `"last week"`}},
		{"CALL expire_snapshots('e.t', max_concurrent_deletes => 0)", nil, []string{"max_concurrent_deletes must be at least 1, not 0"}},
		{"CALL expire_snapshots('e.t', stream_results => 'yes')", nil, []string{"stream_results must be true or false"}},
		{"CALL expire_snapshots('e.t', retain => 3)", nil, []string{"expire_snapshots has no argument retain", "retain_last"}},
		{"CALL expire_snapshots('e.t', table => 'e.t')", nil, []string{"argument table given twice"}},
		{"CALL expire_snapshots('e.t', snapshot_ids => [1, 2])", nil, []string{"snapshot_ids is not supported yet"}},
		{"CALL expire_snapshots('e.shared')", engine.ErrGCDisabled, []string{"lake.e.shared", "gc.enabled=false"}},
		{"CALL remove_orphan_files('e.nope')", engine.ErrNoSuchTable, []string{"lake.e.nope"}},
		{"CALL remove_orphan_files('e.t', older_than => true)", nil, []string{"older_than must be a timestamp", "the boolean true"}},
		{"CALL remove_orphan_files('e.t', dry_run => 1)", nil, []string{"dry_run must be true or false", "the integer 1"}},
		{"CALL remove_orphan_files('e.t', location => '/tmp')", nil, []string{"location /tmp is not inside the table's location"}},
		{"CALL remove_orphan_files('e.shared')", engine.ErrGCDisabled, []string{"lake.e.shared"}},
		{"CALL rewrite_manifests('e.nope')", engine.ErrNoSuchTable, []string{"lake.e.nope"}},
		{"CALL rewrite_manifests('e.t', spec_id => 7)", nil, []string{"lake.e.t", "spec_id 7", "no such partition spec"}},
		{"CALL rewrite_manifests('e.t', use_caching => 'no')", nil, []string{"use_caching must be true or false"}},
	} {
		t.Run(tc.call, func(t *testing.T) {
			before := f.committed("e", "t")
			wantErr(t, f.fails(tc.call), tc.sentinel, tc.frags...)
			if diff := cmp.Diff(before, f.committed("e", "t")); diff != "" {
				t.Errorf("the table changed (-before +after):\n%s", diff)
			}
		})
	}
	t.Run("another table that cannot be read", func(t *testing.T) {
		// lake.e.broken's metadata file no longer parses: nothing can
		// tell whether it shares lake.e.t's files, so nothing changes.
		meta := filepath.Join(t.TempDir(), "broken.metadata.json")
		cur, _ := engine.LocalPath(f.table("e", "t").MetadataLocation())
		b, err := os.ReadFile(cur)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(meta, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f.exec(`CALL register_table('e.broken', '` + meta + `')`)
		defer f.exec(`DROP TABLE lake.e.broken`)
		if err := os.WriteFile(meta, []byte("{"), 0o644); err != nil {
			t.Fatal(err)
		}
		laterBy(t, 6*24*time.Hour)
		g := openLakeAt(t, f.dir) // a new process: nothing of lake.e.broken is cached
		before := g.committed("e", "t")
		files := dirFiles(t, f.dir)
		for _, call := range []string{"CALL expire_snapshots('e.t')", "CALL remove_orphan_files('e.t')"} {
			wantErr(t, g.fails(call), nil, "lake.e.t", "cannot tell whether lake.e.broken shares the files")
		}
		if diff := cmp.Diff(before, g.committed("e", "t")); diff != "" {
			t.Errorf("the table changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(files, dirFiles(t, f.dir)); diff != "" {
			t.Errorf("files changed (-before +after):\n%s", diff)
		}
	})
	t.Run("FLOE_NOW that is not a time", func(t *testing.T) {
		t.Setenv(engine.EnvNow, "next tuesday")
		for _, call := range []string{"CALL expire_snapshots('e.t')", "CALL remove_orphan_files('e.t')"} {
			wantErr(t, f.fails(call), nil, "FLOE_NOW", `"next tuesday"`, "RFC 3339")
		}
	})
}
