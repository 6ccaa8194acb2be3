package lakesql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// openObjectLakeAt is a lakeFixture whose warehouse keeps its catalog on
// its storage (engine.WithObjectCatalog), with its own lock directory so
// two fixtures on one dir behave as two machines.
func openObjectLakeAt(t *testing.T, dir string, opts ...engine.Option) *lakeFixture {
	t.Helper()
	ctx := context.Background()
	opts = append([]engine.Option{engine.WithObjectCatalog(), engine.WithLockDir(t.TempDir())}, opts...)
	wh, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		t.Fatalf("open warehouse: %v", err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &lakeFixture{t: t, ctx: ctx, dir: dir, wh: wh, s: s}
}

// pointerFile is where the object catalog keeps a table's pointer.
func pointerFile(dir, ns, name string) string {
	return filepath.Join(dir, objcat.Dir, "tables", ns, name+".json")
}

// readPointer decodes a table's pointer object.
func readPointer(t *testing.T, dir, ns, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(pointerFile(dir, ns, name))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("pointer of %s.%s: %v", ns, name, err)
	}
	return p
}

// TestObjectCatalogSQL: DDL, DML and time travel through lakesql on a
// warehouse whose catalog is objects, read back by a second handle (a
// second machine) that shares nothing with the first but the directory.
func TestObjectCatalogSQL(t *testing.T) {
	dir := t.TempDir()
	f := openObjectLakeAt(t, dir)
	g := openObjectLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.s;
		CREATE TABLE lake.s.t (id INTEGER, v VARCHAR);
		INSERT INTO lake.s.t VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
	first := f.one(`SELECT snapshot_id FROM lake.s."t$snapshots" ORDER BY committed_at, snapshot_id LIMIT 1`)
	for _, step := range []struct {
		name, sql string
		query     string
		want      [][]string
	}{
		{"insert", `INSERT INTO lake.s.t VALUES (4, 'd')`, `SELECT id, v FROM lake.s.t ORDER BY id`,
			[][]string{{"1", "a"}, {"2", "b"}, {"3", "c"}, {"4", "d"}}},
		{"delete", `DELETE FROM lake.s.t WHERE id = 2`, `SELECT id, v FROM lake.s.t ORDER BY id`,
			[][]string{{"1", "a"}, {"3", "c"}, {"4", "d"}}},
		{"update", `UPDATE lake.s.t SET v = 'C' WHERE id = 3`, `SELECT id, v FROM lake.s.t ORDER BY id`,
			[][]string{{"1", "a"}, {"3", "C"}, {"4", "d"}}},
		{"merge", `MERGE INTO lake.s.t AS t USING (SELECT * FROM (VALUES (4, 'D'), (5, 'e')) s(id, v)) AS s ON t.id = s.id
			WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)`,
			`SELECT id, v FROM lake.s.t ORDER BY id`, [][]string{{"1", "a"}, {"3", "C"}, {"4", "D"}, {"5", "e"}}},
		{"alter", `ALTER TABLE lake.s.t ADD COLUMN n BIGINT; UPDATE lake.s.t SET n = id * 10 WHERE id = 1`,
			`SELECT id, v, n FROM lake.s.t ORDER BY id LIMIT 2`, [][]string{{"1", "a", "10"}, {"3", "C", "NULL"}}},
		{"time travel", ``, `SELECT id, v FROM lake.s.t AT (VERSION => ` + first + `) ORDER BY id`,
			[][]string{{"1", "a"}, {"2", "b"}, {"3", "c"}}},
		{"ctas and drop", `CREATE TABLE lake.s.c AS SELECT id FROM lake.s.t WHERE id > 3; CREATE TABLE lake.s.gone (x INTEGER); DROP TABLE lake.s.gone`,
			`SELECT count(*), min(id) FROM lake.s.c`, [][]string{{"2", "4"}}},
	} {
		t.Run(step.name, func(t *testing.T) {
			if step.sql != "" {
				f.exec(step.sql)
			}
			diffRows(t, "first handle", step.want, f.strings(step.query))
			diffRows(t, "second handle", step.want, g.strings(step.query))
		})
	}
	if tables, err := g.wh.Tables(g.ctx, "s"); err != nil || strings.Join(tables, ",") != "c,t" {
		t.Errorf("tables of lake.s: %v (%v), want c,t", tables, err)
	}
	if _, err := os.Stat(filepath.Join(dir, engine.CatalogFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the warehouse has a %s (%v); the object catalog needs none", engine.CatalogFile, err)
	}
	// The pointer names the current metadata file and the one before,
	// whose metadata log ends with that previous file, as other engines
	// expect of a commit.
	p := readPointer(t, dir, "s", "t")
	md := f.table("s", "t").Iceberg().Metadata()
	if p["metadata-location"] != f.table("s", "t").MetadataLocation() {
		t.Errorf("pointer names %v, the table loads %s", p["metadata-location"], f.table("s", "t").MetadataLocation())
	}
	var last string
	for e := range md.PreviousFiles() {
		last = e.MetadataFile
	}
	if prev, _ := p["previous-metadata-location"].(string); prev == "" || prev != last {
		t.Errorf("pointer's previous metadata %q, metadata log ends with %q", prev, last)
	}
	// A plain Open (no option) finds the catalog on the storage.
	wh, err := engine.Open(f.ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	if !wh.ObjectCatalog() {
		t.Fatal("Open without the option did not find the object catalog")
	}
	nss, ptrs, err := wh.Pointers(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%v %d %s", nss, len(ptrs), ptrs[len(ptrs)-1].Name); got != "[s] 2 t" {
		t.Errorf("Pointers = %s, want [s] 2 t", got)
	}
}

// TestObjectCatalogRefusals: an object catalog is not opened over a
// SQLite one, and LockStep, a lock object on the storage, orders two machines.
func TestObjectCatalogRefusals(t *testing.T) {
	f := openObjectLakeAt(t, t.TempDir())
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER)`)
	// LockStep is a lock object on the storage: another machine waits.
	release, err := f.wh.LockStep(f.ctx, "budget")
	if err != nil {
		t.Fatalf("LockStep: %v", err)
	}
	g := openObjectLakeAt(t, f.dir)
	wctx, cancel := context.WithTimeout(f.ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := g.wh.LockStep(wctx, "budget"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("LockStep on another machine while held: %v, want it to wait", err)
	}
	release()
	if release, err := g.wh.LockStep(f.ctx, "budget"); err != nil {
		t.Errorf("LockStep after the release: %v", err)
	} else {
		release()
	}
	sqlite := t.TempDir()
	os.WriteFile(filepath.Join(sqlite, engine.CatalogFile), nil, 0o644)
	if _, err := engine.Open(f.ctx, sqlite, engine.WithObjectCatalog()); err == nil || !strings.Contains(err.Error(), engine.CatalogFile) {
		t.Errorf("object catalog over a SQLite warehouse: %v", err)
	}
}

// TestObjectCatalogLoserRetries: two handles with separate locks (two
// machines) commit to one table; the one whose swap loses re-plans on the
// winner's commit and lands after it.
func TestObjectCatalogLoserRetries(t *testing.T) {
	dir := t.TempDir()
	winner := openObjectLakeAt(t, dir)
	winner.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER, who VARCHAR)`)
	ptr := pointerFile(dir, "s", "t")
	var swaps, raced atomic.Int32
	inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if op == errorfs.OpSwap && name == ptr {
			swaps.Add(1)
			if raced.CompareAndSwap(0, 1) {
				// Just before the loser's swap, the other machine commits.
				winner.exec(`INSERT INTO lake.s.t VALUES (1, 'winner')`)
			}
		}
		return nil
	})
	loser := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
	loser.exec(`INSERT INTO lake.s.t VALUES (2, 'loser')`)
	if n := swaps.Load(); n != 2 {
		t.Errorf("the loser swapped the pointer %d times, want 2 (lost once, then won)", n)
	}
	want := [][]string{{"1", "winner"}, {"2", "loser"}}
	diffRows(t, "rows", want, loser.strings(`SELECT id, who FROM lake.s.t ORDER BY id`))
	diffRows(t, "rows seen by the winner", want, winner.strings(`SELECT id, who FROM lake.s.t ORDER BY id`))
	if n := loser.snapshotCount("s", "t"); n != 2 {
		t.Errorf("%d snapshots, want 2", n)
	}
	// The lost attempt's metadata file was removed: every metadata file
	// is the current one or in its log.
	md := loser.table("s", "t")
	known := map[string]bool{strings.TrimPrefix(md.MetadataLocation(), "file://"): true}
	for e := range md.Iceberg().Metadata().PreviousFiles() {
		known[strings.TrimPrefix(e.MetadataFile, "file://")] = true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "s.db", "t", "metadata", "*.metadata.json"))
	for _, f := range files {
		if !known[f] {
			t.Errorf("metadata file %s is left over from the lost attempt", f)
		}
	}
}

// TestObjectCatalogCrashBeforeSwap: a commit that wrote its metadata file
// and died before swapping the pointer leaves the last commit intact and
// the new metadata file referenced by nothing.
func TestObjectCatalogCrashBeforeSwap(t *testing.T) {
	dir := t.TempDir()
	var dead atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if dead.Load() && op == errorfs.OpSwap {
			return errorfs.ErrInjected
		}
		return nil
	})
	f := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER); INSERT INTO lake.s.t VALUES (1), (2)`)
	before := readPointer(t, dir, "s", "t")["metadata-location"].(string)
	metaBefore, _ := filepath.Glob(filepath.Join(dir, "s.db", "t", "metadata", "*.metadata.json"))

	dead.Store(true)
	wantErr(t, f.fails(`INSERT INTO lake.s.t VALUES (3)`), errorfs.ErrInjected, "swap", pointerFile(dir, "s", "t"))
	metaAfter, _ := filepath.Glob(filepath.Join(dir, "s.db", "t", "metadata", "*.metadata.json"))
	if len(metaAfter) != len(metaBefore)+1 {
		t.Fatalf("%d metadata files before the crash, %d after; want the unswapped one left", len(metaBefore), len(metaAfter))
	}

	g := openObjectLakeAt(t, dir) // after the "restart"
	if now := readPointer(t, dir, "s", "t")["metadata-location"].(string); now != before {
		t.Errorf("pointer moved to %s", now)
	}
	diffRows(t, "rows after the crash", [][]string{{"2"}}, g.strings(`SELECT count(*) FROM lake.s.t`))
	md := g.table("s", "t").Iceberg().Metadata()
	refs := map[string]bool{strings.TrimPrefix(before, "file://"): true}
	for e := range md.PreviousFiles() {
		refs[strings.TrimPrefix(e.MetadataFile, "file://")] = true
	}
	orphans := 0
	for _, m := range metaAfter {
		if !refs[m] {
			orphans++
		}
	}
	if orphans != 1 {
		t.Errorf("%d metadata files referenced by nothing, want the crashed commit's 1", orphans)
	}
	g.exec(`INSERT INTO lake.s.t VALUES (3)`)
	diffRows(t, "rows after the next commit", [][]string{{"3"}}, g.strings(`SELECT count(*) FROM lake.s.t`))
}

// TestObjectCatalogCorruptPointer: a pointer that is not JSON is an error
// naming the table and the object, and other tables still read.
func TestObjectCatalogCorruptPointer(t *testing.T) {
	dir := t.TempDir()
	f := openObjectLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER); CREATE TABLE lake.s.ok (id INTEGER); INSERT INTO lake.s.ok VALUES (7)`)
	for _, tc := range []struct{ name, contents, frag string }{
		{"truncated", `{"namespace":["s"],"name":"t","metadata-loc`, "corrupt"},
		{"no metadata", `{"namespace":["s"],"name":"t"}`, "names no metadata file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(pointerFile(dir, "s", "t"), []byte(tc.contents), 0o644); err != nil {
				t.Fatal(err)
			}
			g := openObjectLakeAt(t, dir)
			wantErr(t, g.fails(`SELECT * FROM lake.s.t`), objcat.ErrCorrupt, pointerFile(dir, "s", "t"), "s.t", tc.frag)
			diffRows(t, "the other table", [][]string{{"7"}}, g.strings(`SELECT id FROM lake.s.ok`))
		})
	}
}

const objcatChildEnv = "FLOE_TEST_OBJCAT_CHILD"

// TestObjectCatalogProcesses: two processes, each its own machine (no
// shared lock), insert into one table at once; every insert lands exactly
// once and none is lost, though at least one swap lost (p0 holds its first
// swap until p1 has committed) and was retried.
func TestObjectCatalogProcesses(t *testing.T) {
	const perChild = 12
	if env := os.Getenv(objcatChildEnv); env != "" {
		dir, who, _ := strings.Cut(env, ",")
		var swaps atomic.Int32
		ptr := pointerFile(dir, "s", "t")
		inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
			if op != errorfs.OpSwap {
				return nil
			}
			if swaps.Add(1) == 1 && who == "p0" {
				// p0's first swap waits for p1 to move the pointer, so
				// at least one swap surely loses and is retried.
				b0, _ := os.ReadFile(ptr)
				os.WriteFile(filepath.Join(dir, "p0-swapping"), nil, 0o644)
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
					if b, _ := os.ReadFile(ptr); string(b) != string(b0) {
						break
					}
				}
			}
			return nil
		})
		f := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
				break
			}
		}
		if who == "p1" {
			// p1 starts once p0 holds its first swap, so p1 cannot
			// finish every insert before p0 has planned one.
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if _, err := os.Stat(filepath.Join(dir, "p0-swapping")); err == nil {
					break
				}
			}
		}
		for i := range perChild {
			f.exec(fmt.Sprintf(`INSERT INTO lake.s.t VALUES ('%s', %d)`, who, i))
		}
		fmt.Printf("swaps=%d\n", swaps.Load())
		return
	}
	dir := t.TempDir()
	f := openObjectLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (who VARCHAR, i INTEGER)`)
	var wg sync.WaitGroup
	swaps := make([]int, 2)
	errs := make([]error, 2)
	for c := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestObjectCatalogProcesses$", "-test.count=1")
			cmd.Env = append(os.Environ(), objcatChildEnv+"="+dir+",p"+strconv.Itoa(c))
			out, err := cmd.CombinedOutput()
			if err != nil {
				errs[c] = fmt.Errorf("child %d: %v\n%s", c, err, out)
				return
			}
			_, rest, _ := strings.Cut(string(out), "swaps=")
			swaps[c], _ = strconv.Atoi(strings.Fields(rest + " x")[0])
		}()
	}
	time.Sleep(200 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "go"), nil, 0o644)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	diffRows(t, "inserts", [][]string{{"p0", "12", "12", "0", "11"}, {"p1", "12", "12", "0", "11"}},
		f.strings(`SELECT who, count(*), count(DISTINCT i), min(i), max(i) FROM lake.s.t GROUP BY who ORDER BY who`))
	if n := f.snapshotCount("s", "t"); n != 2*perChild {
		t.Errorf("%d snapshots, want %d", n, 2*perChild)
	}
	if lost := swaps[0] + swaps[1] - 2*perChild; lost < 1 {
		t.Errorf("the children swapped %v times for %d commits; p0's first swap should have lost", swaps, 2*perChild)
	} else {
		t.Logf("%d swaps lost and were retried", lost)
	}
}

// TestObjectCatalogMaintenance: register_table, remove_orphan_files,
// expire_snapshots and DROP TABLE ... PURGE over the object catalog, whose
// reachability checks walk the pointer objects: the metadata file a
// crashed commit left is an orphan, and files a registered copy reaches
// stay.
func TestObjectCatalogMaintenance(t *testing.T) {
	dir := t.TempDir()
	var dead atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if dead.Load() && op == errorfs.OpSwap {
			return errorfs.ErrInjected
		}
		return nil
	})
	f := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER);
		INSERT INTO lake.s.t VALUES (1); INSERT INTO lake.s.t VALUES (2)`)
	second := f.table("s", "t").MetadataLocation()
	f.exec(`CALL register_table('s.copy', '` + second + `'); INSERT INTO lake.s.t VALUES (3)`)
	dead.Store(true)
	f.fails(`INSERT INTO lake.s.t VALUES (4)`)
	dead.Store(false)
	var orphan string
	refs := map[string]bool{f.table("s", "t").MetadataLocation(): true}
	for e := range f.table("s", "t").Iceberg().Metadata().PreviousFiles() {
		refs[e.MetadataFile] = true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "s.db", "t", "metadata", "*.metadata.json"))
	for _, p := range files {
		if !refs[engine.FileURI(p)] {
			orphan = filepath.Base(p)
		}
	}
	if orphan == "" {
		t.Fatalf("no metadata file left by the crashed commit among %v", files)
	}

	removed := fmt.Sprint(f.strings(`CALL remove_orphan_files('s.t', older_than => now()::TIMESTAMP + INTERVAL 1 MINUTE)`))
	if !strings.Contains(removed, orphan) {
		t.Errorf("remove_orphan_files removed %s, not the crashed commit's %s", removed, orphan)
	}
	f.exec(`CALL expire_snapshots('s.t', older_than => now()::TIMESTAMP + INTERVAL 1 MINUTE, retain_last => 1)`)
	if n := f.snapshotCount("s", "t"); n != 1 {
		t.Errorf("%d snapshots after expiry, want 1", n)
	}
	diffRows(t, "the table", [][]string{{"1"}, {"2"}, {"3"}}, f.strings(`SELECT id FROM lake.s.t ORDER BY id`))
	f.exec(`DROP TABLE lake.s.t PURGE`)
	diffRows(t, "the registered copy after the purge", [][]string{{"1"}, {"2"}}, f.strings(`SELECT id FROM lake.s.copy ORDER BY id`))
	if p := readPointer(t, dir, "s", "t"); p["dropped"] != true {
		t.Errorf("pointer of the purged table: %v, want a tombstone", p)
	}
}

// TestObjectCatalogRowLevelConflict: a DELETE, UPDATE or MERGE on one
// machine whose pointer swap loses to another machine's commit is planned
// again on the winner's snapshot and lands after it: the winner's rows are
// kept, the statement applies once (a row the winner deleted is not
// deleted again: the retry finds nothing to do and commits nothing; a row
// the winner updated is updated from its new value), and the lost
// attempt's deletion vectors are removed.
func TestObjectCatalogRowLevelConflict(t *testing.T) {
	for _, tc := range []struct {
		name, winner, loser string
		want                [][]string
		// nothing: the re-planned statement finds nothing left to change
		// and commits nothing (one swap, the lost one).
		nothing bool
	}{
		{name: "delete after an insert", winner: `INSERT INTO lake.s.t VALUES (3, 30)`,
			loser: `DELETE FROM lake.s.t WHERE id = 1`, want: [][]string{{"2", "20"}, {"3", "30"}}},
		{name: "delete after a delete of the same row", winner: `DELETE FROM lake.s.t WHERE id = 1`,
			loser: `DELETE FROM lake.s.t WHERE id <= 1`, want: [][]string{{"2", "20"}}, nothing: true},
		{name: "update after an update", winner: `UPDATE lake.s.t SET v = v + 1 WHERE id = 2`,
			loser: `UPDATE lake.s.t SET v = v + 100 WHERE id = 2`, want: [][]string{{"1", "10"}, {"2", "121"}}},
		{name: "merge after an insert", winner: `INSERT INTO lake.s.t VALUES (3, 30)`,
			loser: `MERGE INTO lake.s.t AS t USING (SELECT 3 AS id UNION ALL SELECT 4) AS s ON t.id = s.id
				WHEN MATCHED THEN UPDATE SET v = t.v + 1 WHEN NOT MATCHED THEN INSERT VALUES (s.id, 0)`,
			want: [][]string{{"1", "10"}, {"2", "20"}, {"3", "31"}, {"4", "0"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			winner := openObjectLakeAt(t, dir)
			winner.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER, v INTEGER) TBLPROPERTIES ('format-version'='3');
				INSERT INTO lake.s.t VALUES (1, 10), (2, 20)`)
			ptr := pointerFile(dir, "s", "t")
			var raced, swaps atomic.Int32
			inj := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
				if op == errorfs.OpSwap && name == ptr {
					swaps.Add(1)
					if raced.CompareAndSwap(0, 1) {
						winner.exec(tc.winner)
					}
				}
				return nil
			})
			loser := openObjectLakeAt(t, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, inj)))
			loser.exec(tc.loser)
			wantSwaps, wantSnaps := 2, 3
			if tc.nothing {
				wantSwaps, wantSnaps = 1, 2
			}
			if n := swaps.Load(); n != int32(wantSwaps) {
				t.Errorf("the loser swapped the pointer %d times, want %d", n, wantSwaps)
			}
			diffRows(t, "rows", tc.want, winner.strings(`SELECT id, v FROM lake.s.t ORDER BY id`))
			if n := winner.snapshotCount("s", "t"); n != wantSnaps {
				t.Errorf("%d snapshots, want %d", n, wantSnaps)
			}
			// Every deletion vector in the table directory is reached.
			reached := winner.reachable("s", "t")
			puffins, _ := filepath.Glob(filepath.Join(dir, "s.db", "t", "data", "*.puffin"))
			for _, p := range puffins {
				if !reached[filepath.Clean(p)] {
					t.Errorf("deletion vectors %s of the lost attempt are left", filepath.Base(p))
				}
			}
		})
	}
}

// TestObjectCatalogMultiTable: engine.CommitTables moves two tables of an
// object catalog together, seen so by another handle, and names a missing
// table.
func TestObjectCatalogMultiTable(t *testing.T) {
	dir := t.TempDir()
	f := openObjectLakeAt(t, dir)
	g := openObjectLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.a (id INTEGER); CREATE TABLE lake.s.b (id INTEGER)`)
	set := func(name string) table.TableCommit {
		return table.TableCommit{Identifier: table.Identifier{"s", name},
			Updates: []table.Update{table.NewSetPropertiesUpdate(iceberg.Properties{"owner": "both"})}}
	}
	if err := f.wh.CommitTables(f.ctx, []table.TableCommit{set("a"), set("b")}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if got := g.table("s", n).Properties()["owner"]; got != "both" {
			t.Errorf("lake.s.%s owner = %q, want both", n, got)
		}
	}
	wantErr(t, f.wh.CommitTables(f.ctx, []table.TableCommit{set("a"), set("nope")}), engine.ErrNoSuchTable, "lake.s.nope")
}
