package lakesql

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// switchable is an injector a test arms for one statement.
type switchable struct {
	mu  sync.Mutex
	inj errorfs.Injector
}

func (s *switchable) set(inj errorfs.Injector) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inj = inj
}

func (s *switchable) MaybeError(op errorfs.Op, name string) error {
	s.mu.Lock()
	inj := s.inj
	s.mu.Unlock()
	if inj == nil {
		return nil
	}
	return inj.MaybeError(op, name)
}

// openFaultyLake is a lakeFixture whose warehouse keeps its files on the
// local filesystem through errorfs, with faults armed by the returned
// switch.
func openFaultyLake(t *testing.T) (*lakeFixture, *switchable) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	sw := &switchable{}
	wh, err := engine.Open(ctx, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, sw)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &lakeFixture{t: t, ctx: ctx, dir: dir, wh: wh, s: s}, sw
}

// committed is what a table must still be after a failed statement.
type committed struct {
	Metadata  string
	Snapshots int
	Rows      [][]string
}

func (f *lakeFixture) committed(ns, name string) committed {
	f.t.Helper()
	tbl := f.table(ns, name)
	return committed{tbl.MetadataLocation(), len(tbl.Snapshots()),
		f.strings("SELECT * FROM lake." + ns + "." + name + " ORDER BY ALL")}
}

// TestFaultsLeaveLastCommit: a write that fails at any file of its commit
// (a failing write, a failing create, a process that dies between the
// data files and the metadata, or between the manifests and the metadata
// file) leaves the table at its last committed snapshot, readable by a new
// process on the plain local filesystem, with no half-written file in
// sight; the same session keeps working once the fault is gone.
func TestFaultsLeaveLastCommit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stmt  string
		fault errorfs.Injector
	}{
		{"crash before the first manifest", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".avro", N: 1, Crash: true}},
		{"crash before the manifest list", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: "/snap-", N: 1, Crash: true}},
		{"crash before the metadata file", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
		{"failing write of a manifest", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpWrite, Match: ".avro", N: 1}},
		{"failing write of the metadata file", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpWrite, Match: ".metadata.json", N: 1}},
		{"metadata file never lands", "INSERT INTO lake.f.t VALUES (4, 'd')",
			&errorfs.Counter{Op: errorfs.OpPublish, Match: ".metadata.json", N: 1}},
		{"crash before the deletion vector", "DELETE FROM lake.f.t WHERE id = 2",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".puffin", N: 1, Crash: true}},
		{"crash in a delete's commit", "DELETE FROM lake.f.t WHERE id = 2",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
		{"crash in an update's commit", "UPDATE lake.f.t SET s = 'z' WHERE id = 1",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: "/snap-", N: 1, Crash: true}},
		{"crash in a schema change", "ALTER TABLE lake.f.t ADD COLUMN n INTEGER",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
		{"crash in a compaction", "CALL rewrite_data_files('f.t', options => map(['min-input-files', 'delete-file-threshold'], ['2', '1']))",
			&errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, sw := openFaultyLake(t)
			f.exec(`CREATE SCHEMA lake.f;
				CREATE TABLE lake.f.t (id INTEGER, s VARCHAR) TBLPROPERTIES ('format-version' = '3');
				INSERT INTO lake.f.t VALUES (1, 'a'), (2, 'b');
				INSERT INTO lake.f.t VALUES (3, 'c')`)
			before := f.committed("f", "t")

			sw.set(tc.fault)
			err := f.fails(tc.stmt)
			sw.set(nil)
			if c, ok := tc.fault.(*errorfs.Counter); ok && !c.Fired() {
				t.Fatalf("the fault never fired; %s created %v", tc.stmt, c.Seen())
			}
			if !errors.Is(err, errorfs.ErrInjected) && !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
				t.Errorf("%s: err = %v, want the injected fault", tc.stmt, err)
			}

			// A new process, on the plain local filesystem.
			g := openLakeAt(t, f.dir)
			if diff := cmp.Diff(before, g.committed("f", "t")); diff != "" {
				t.Errorf("after the fault (-last commit +now):\n%s", diff)
			}
			if bad := halfWritten(t, f.dir); len(bad) > 0 {
				t.Errorf("half-written files left: %v", bad)
			}
			// Nothing is stuck: the statement runs once the fault is gone.
			f.exec(tc.stmt)
			if after := g.committed("f", "t"); after.Snapshots != before.Snapshots+1 && !strings.HasPrefix(tc.stmt, "ALTER") {
				t.Errorf("after the retry: %d snapshots, want %d", after.Snapshots, before.Snapshots+1)
			}
		})
	}
}

// TestFaultLeavesNoHalfTable: CREATE TABLE AS that dies after the table's
// first metadata file, while committing its rows, leaves no table behind,
// half-written or empty; a new process sees none.
func TestFaultLeavesNoHalfTable(t *testing.T) {
	for _, match := range []string{".avro", "/snap-", ".metadata.json"} {
		t.Run(match, func(t *testing.T) {
			f, sw := openFaultyLake(t)
			f.exec("CREATE SCHEMA lake.f")
			n := 1
			if match == ".metadata.json" {
				n = 2 // the first is the empty table's
			}
			c := &errorfs.Counter{Op: errorfs.OpCreate, Match: match, N: n, Crash: true}
			sw.set(c)
			f.fails("CREATE TABLE lake.f.ctas AS SELECT range AS id FROM range(10)")
			sw.set(nil)
			if !c.Fired() {
				t.Fatalf("the fault never fired; created %v", c.Seen())
			}
			g := openLakeAt(t, f.dir)
			tables, err := g.wh.Tables(g.ctx, "f")
			if err != nil || len(tables) > 0 {
				t.Errorf("tables after the failed CREATE TABLE AS: %v, %v", tables, err)
			}
			if err := g.fails("SELECT * FROM lake.f.ctas"); !strings.Contains(err.Error(), "ctas") {
				t.Errorf("reading the table: %v", err)
			}
		})
	}
}

// TestShortRead: a metadata or manifest file that reads short fails the
// query with the injected error, and nothing is lost: the next read,
// without the fault, returns every row.
func TestShortRead(t *testing.T) {
	for _, match := range []string{".metadata.json", ".avro"} {
		t.Run(match, func(t *testing.T) {
			f, sw := openFaultyLake(t)
			f.exec(`CREATE SCHEMA lake.f;
				CREATE TABLE lake.f.t (id INTEGER, s VARCHAR);
				INSERT INTO lake.f.t VALUES (1, 'a'), (2, 'b')`)
			before := f.committed("f", "t")
			reads := 0
			sw.set(errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
				if op == errorfs.OpRead && strings.HasSuffix(name, match) {
					reads++
					return errorfs.ErrInjected
				}
				return nil
			}))
			// A second process on the same FS: nothing of the table is
			// parsed or planned in it yet.
			err := func() error {
				wh2, err := engine.Open(f.ctx, f.dir, engine.WithFS(f.wh.FS()))
				if err != nil {
					return err
				}
				defer wh2.Close()
				s2, err := Open(f.ctx, wh2)
				if err != nil {
					return err
				}
				defer s2.Close()
				rows, err := s2.Query(f.ctx, "SELECT * FROM lake.f.t")
				if err != nil {
					return err
				}
				_, err = rows.All()
				return err
			}()
			sw.set(nil)
			if reads == 0 {
				t.Fatalf("no %s file was read", match)
			}
			if err == nil || !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
				t.Errorf("query over a short read: err = %v, want the injected fault", err)
			}
			g := openLakeAt(t, f.dir)
			if diff := cmp.Diff(before, g.committed("f", "t")); diff != "" {
				t.Errorf("after the short read (-last commit +now):\n%s", diff)
			}
		})
	}
}

// halfWritten lists the files under dir that a write left half-done:
// temporary files, and metadata files that do not parse.
func halfWritten(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
		case strings.HasPrefix(d.Name(), ".tmp-"):
			out = append(out, p)
		case strings.HasSuffix(p, ".metadata.json"):
			if b, err := os.ReadFile(p); err != nil || !json.Valid(b) {
				out = append(out, p)
			}
		}
		return nil
	})
	return out
}
