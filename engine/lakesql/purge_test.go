package lakesql

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// filesUnder lists the files under dir with their sizes.
func filesUnder(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			out[p] = info.Size()
		}
		return nil
	})
	return out
}

// readsInFull checks a table's rows, its first snapshot's rows, and that
// every file iceberg-go plans for its current snapshot is on disk.
func (f *lakeFixture) readsInFull(t *testing.T, ident string, want, wantFirst [][]string) {
	t.Helper()
	ns, name, _ := strings.Cut(strings.TrimPrefix(ident, "lake."), ".")
	diffRows(t, ident, want, f.strings(`SELECT * FROM `+ident+` ORDER BY ALL`))
	first := f.one(`SELECT snapshot_id FROM lake.` + ns + `."` + name + `$snapshots" ORDER BY committed_at, snapshot_id LIMIT 1`)
	diffRows(t, ident+" first snapshot", wantFirst, f.strings(`SELECT * FROM `+ident+` AT (VERSION => `+first+`) ORDER BY ALL`))
	tasks, err := f.table(ns, name).Iceberg().Scan().PlanFiles(f.ctx)
	if err != nil {
		t.Fatalf("plan %s with iceberg-go: %v", ident, err)
	}
	for _, task := range tasks {
		for _, df := range append(append(task.DeleteFiles, task.DeletionVectorFiles...), task.File) {
			if p, _ := engine.LocalPath(df.FilePath()); !exists(p) {
				t.Errorf("%s: iceberg-go plans %s, which is gone", ident, p)
			}
		}
	}
}

// TestPurgeSharedFiles: DROP TABLE ... PURGE never deletes a file another
// catalog entry can reach. A second name given with register_table shares
// the location, so dropping either name removes only its catalog entry and
// says so; a table registered elsewhere whose metadata reaches the files
// keeps exactly those.
func TestPurgeSharedFiles(t *testing.T) {
	all := [][]string{{"1", "a"}, {"3", "b"}, {"4", "b"}}
	firstRows := [][]string{{"1", "a"}, {"2", "a"}}
	setup := func(t *testing.T) (*lakeFixture, *engine.Table) {
		f := openLake(t)
		f.exec(`CREATE SCHEMA lake.ns;
			CREATE TABLE lake.ns.t (id INTEGER, s VARCHAR) PARTITIONED BY (s) TBLPROPERTIES ('format-version'='3');
			INSERT INTO lake.ns.t VALUES (1, 'a'), (2, 'a');
			INSERT INTO lake.ns.t VALUES (3, 'b'), (4, 'b');
			DELETE FROM lake.ns.t WHERE id = 2`)
		return f, f.table("ns", "t")
	}
	purge := func(t *testing.T, f *lakeFixture, ident string) (deleted, kept int64, msg string) {
		t.Helper()
		rows := f.rows(`DROP TABLE ` + ident + ` PURGE`)
		if len(rows) != 1 || len(rows[0]) != 4 {
			t.Fatalf("DROP TABLE %s PURGE returned %v, want one row of (Success, deleted_files, kept_files, message)", ident, rows)
		}
		if _, err := f.wh.Table(f.ctx, strings.Split(ident, ".")[1], strings.Split(ident, ".")[2]); err == nil {
			t.Errorf("%s is still in the catalog", ident)
		}
		return rows[0][1].(int64), rows[0][2].(int64), rows[0][3].(string)
	}

	t.Run("drop the registered name", func(t *testing.T) {
		f, orig := setup(t)
		dir := tableDir(t, orig)
		before := filesUnder(t, dir)
		f.exec(`CALL register_table('ns.alias', '` + orig.MetadataLocation() + `')`)
		deleted, kept, msg := purge(t, f, "lake.ns.alias")
		if deleted != 0 || kept != int64(len(before)) || !strings.Contains(msg, "shared with lake.ns.t") || !strings.Contains(msg, "no files were deleted") {
			t.Errorf("deleted %d, kept %d of %d, message %q; want nothing deleted and a message naming lake.ns.t", deleted, kept, len(before), msg)
		}
		if diff := cmp.Diff(before, filesUnder(t, dir)); diff != "" {
			t.Errorf("purging the second name changed the original's files (-before +after):\n%s", diff)
		}
		f.readsInFull(t, "lake.ns.t", all, firstRows)
		openLakeAt(t, f.dir).readsInFull(t, "lake.ns.t", all, firstRows)
		f.exec(`INSERT INTO lake.ns.t VALUES (5, 'c')`)
	})

	t.Run("drop the original while the registered name exists", func(t *testing.T) {
		f, orig := setup(t)
		dir := tableDir(t, orig)
		before := filesUnder(t, dir)
		f.exec(`CALL register_table('other.alias', '` + orig.MetadataLocation() + `')`)
		_, _, msg := purge(t, f, "lake.ns.t")
		if !strings.Contains(msg, "lake.other.alias") {
			t.Errorf("message %q does not name lake.other.alias", msg)
		}
		if diff := cmp.Diff(before, filesUnder(t, dir)); diff != "" {
			t.Errorf("purging the original deleted files the second name reads (-before +after):\n%s", diff)
		}
		f.readsInFull(t, "lake.other.alias", all, firstRows)
	})

	t.Run("the registered name is an older version", func(t *testing.T) {
		f, orig := setup(t)
		first := orig.Iceberg().Metadata().PreviousFiles()
		var oldest string
		for e := range first {
			oldest = e.MetadataFile
			break
		}
		f.exec(`CALL register_table('ns.old', '` + oldest + `')`)
		f.exec(`INSERT INTO lake.ns.t VALUES (9, 'z'); DELETE FROM lake.ns.t WHERE id = 1`)
		_, _, msg := purge(t, f, "lake.ns.t")
		if !strings.Contains(msg, "lake.ns.old") {
			t.Errorf("message %q does not name lake.ns.old", msg)
		}
		if got := f.one(`SELECT count(*) FROM lake.ns.old`); got != "0" {
			t.Errorf("lake.ns.old (registered before any insert) has %s rows, want 0", got)
		}
	})

	// fork registers lake.fork.x: the original's metadata with its
	// location at forkDir, so its manifests and data stay where they are.
	fork := func(t *testing.T, f *lakeFixture, orig *engine.Table, forkDir string) {
		t.Helper()
		src, _ := engine.LocalPath(orig.MetadataLocation())
		raw, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		var md map[string]any
		if err := json.Unmarshal(raw, &md); err != nil {
			t.Fatal(err)
		}
		md["location"] = forkDir
		md["table-uuid"] = "7c3d1a52-0f6e-4c63-a2e5-4a4f3b9d2e11"
		out, _ := json.Marshal(md)
		forkMeta := filepath.Join(forkDir, "metadata", "00000-fork.metadata.json")
		os.MkdirAll(filepath.Dir(forkMeta), 0o755)
		if err := os.WriteFile(forkMeta, out, 0o644); err != nil {
			t.Fatal(err)
		}
		f.exec(`CALL register_table('fork.x', '` + forkMeta + `')`)
	}

	t.Run("a table registered inside another's directory", func(t *testing.T) {
		for _, drop := range []string{"lake.ns.t", "lake.fork.x"} {
			t.Run("drop "+drop, func(t *testing.T) {
				f, orig := setup(t)
				dir := tableDir(t, orig)
				fork(t, f, orig, filepath.Join(dir, "fork"))
				before := filesUnder(t, dir)
				deleted, _, msg := purge(t, f, drop)
				if deleted != 0 || !strings.Contains(msg, "no files were deleted") {
					t.Errorf("deleted %d files (%s); want none: the locations overlap", deleted, msg)
				}
				if diff := cmp.Diff(before, filesUnder(t, dir)); diff != "" {
					t.Errorf("files changed (-before +after):\n%s", diff)
				}
				survivor := map[string]string{"lake.ns.t": "lake.fork.x", "lake.fork.x": "lake.ns.t"}[drop]
				f.readsInFull(t, survivor, all, firstRows)
			})
		}
	})

	t.Run("a table elsewhere reaches the files", func(t *testing.T) {
		f, orig := setup(t)
		src, _ := engine.LocalPath(orig.MetadataLocation())
		fork(t, f, orig, filepath.Join(f.dir, "fork.db", "x"))

		deleted, kept, msg := purge(t, f, "lake.ns.t")
		if deleted == 0 || kept == 0 {
			t.Errorf("deleted %d and kept %d files (%s); want the original's own metadata deleted and the shared files kept", deleted, kept, msg)
		}
		if exists(src) {
			t.Errorf("the original's current metadata file %s, which nothing else reaches, was kept", src)
		}
		for _, p := range f.parquetFiles(orig) {
			if !exists(p) {
				t.Errorf("purge deleted %s, which lake.fork.x reads", p)
			}
		}
		f.readsInFull(t, "lake.fork.x", all, firstRows)
	})

	t.Run("nothing shared", func(t *testing.T) {
		f, orig := setup(t)
		dir := tableDir(t, orig)
		n := len(filesUnder(t, dir))
		deleted, kept, msg := purge(t, f, "lake.ns.t")
		if deleted != int64(n) || kept != 0 || exists(dir) {
			t.Errorf("deleted %d of %d files, kept %d, directory left: %v (%s)", deleted, n, kept, exists(dir), msg)
		}
	})

	t.Run("another table cannot be read", func(t *testing.T) {
		f, _ := setup(t)
		f.exec(`CREATE TABLE lake.ns.broken (id INTEGER)`)
		p, _ := engine.LocalPath(f.table("ns", "broken").MetadataLocation())
		os.WriteFile(p, []byte("{not json"), 0o644)
		g := openLakeAt(t, f.dir)
		wantErr(t, g.fails(`DROP TABLE lake.ns.t PURGE`), nil, "lake.ns.t", "lake.ns.broken", "DROP TABLE without PURGE")
		g.readsInFull(t, "lake.ns.t", all, firstRows)
	})
}
