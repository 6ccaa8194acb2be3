package objcat_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

var schema = iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64})

// catalogOn returns a catalog over dir through fsys.
func catalogOn(dir string, fsys vfs.FS) *objcat.Catalog {
	props := iceberg.Properties{"warehouse": (&url.URL{Scheme: "file", Path: dir}).String()}
	return objcat.New(fsys, fsys.(vfs.Swapper), dir, props)
}

// withTable returns a catalog with namespace ns and table ns.t.
func withTable(t *testing.T) (*objcat.Catalog, string) {
	t.Helper()
	c, dir := newCatalog(t)
	ctx := context.Background()
	if err := c.CreateNamespace(ctx, table.Identifier{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTable(ctx, table.Identifier{"ns", "t"}, schema); err != nil {
		t.Fatal(err)
	}
	return c, dir
}

func setProp(k, v string) []table.Update {
	return []table.Update{table.NewSetPropertiesUpdate(iceberg.Properties{k: v})}
}

// metadataFiles lists the metadata files of ns.t on disk.
func metadataFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "ns.db", "t", "metadata", "*.metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCommitLog: each commit writes the next numbered metadata file, the
// pointer keeps the previous one, and the metadata log lists the earlier
// files, trimmed to write.metadata.previous-versions-max.
func TestCommitLog(t *testing.T) {
	c, dir := withTable(t)
	ctx := context.Background()
	id := table.Identifier{"ns", "t"}
	var locs []string
	t0, _ := c.LoadTable(ctx, id)
	locs = append(locs, t0.MetadataLocation())
	for i, u := range [][]table.Update{
		setProp(table.MetadataPreviousVersionsMaxKey, "2"),
		setProp("a", "1"), setProp("a", "2"), setProp("a", "3"),
	} {
		_, loc, err := c.CommitTable(ctx, id, nil, u)
		if err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		if !strings.Contains(filepath.Base(loc), "0000"+string(rune('1'+i))+"-") {
			t.Errorf("commit %d wrote %s, want version %d", i, loc, i+1)
		}
		locs = append(locs, loc)
	}
	tbl, err := c.LoadTable(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for e := range tbl.Metadata().PreviousFiles() {
		log = append(log, e.MetadataFile)
	}
	if diff := cmp.Diff(locs[2:4], log); diff != "" {
		t.Errorf("metadata log (-want +got):\n%s", diff)
	}
	b, _ := os.ReadFile(c.PointerName(id))
	if !strings.Contains(string(b), `"previous-metadata-location":"`+locs[3]+`"`) {
		t.Errorf("pointer %s does not keep the previous metadata %s", b, locs[3])
	}
	if n := len(metadataFiles(t, dir)); n != 5 {
		t.Errorf("%d metadata files, want 5", n)
	}
}

// TestCommitConflict: a commit whose pointer moved between its read and
// its swap fails with table.ErrCommitFailed, removes its metadata file and
// leaves the winner's commit; a failed requirement is ErrCommitFailed too.
func TestCommitConflict(t *testing.T) {
	_, dir := withTable(t)
	ctx := context.Background()
	id := table.Identifier{"ns", "t"}
	winner := catalogOn(dir, vfs.Local{})
	var once atomic.Bool
	loser := catalogOn(dir, errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if op == errorfs.OpSwap && once.CompareAndSwap(false, true) {
			if _, _, err := winner.CommitTable(ctx, id, nil, setProp("who", "winner")); err != nil {
				t.Errorf("winner: %v", err)
			}
		}
		return nil
	})))
	before := len(metadataFiles(t, dir))
	_, _, err := loser.CommitTable(ctx, id, nil, setProp("who", "loser"))
	if !errors.Is(err, table.ErrCommitFailed) {
		t.Fatalf("loser: %v, want ErrCommitFailed", err)
	}
	tbl, _ := winner.LoadTable(ctx, id)
	if got := tbl.Properties()["who"]; got != "winner" {
		t.Errorf("who = %q, want winner", got)
	}
	if n := len(metadataFiles(t, dir)); n != before+1 {
		t.Errorf("%d metadata files, want %d: the loser's must go", n, before+1)
	}
	stale := table.AssertTableUUID(uuid.New())
	if _, _, err := winner.CommitTable(ctx, id, []table.Requirement{stale}, setProp("x", "y")); !errors.Is(err, table.ErrCommitFailed) {
		t.Errorf("failed requirement: %v, want ErrCommitFailed", err)
	}
}

// TestStagedCreate: CommitTable of a table without a pointer creates it
// (iceberg-go's staged create), once.
func TestStagedCreate(t *testing.T) {
	c, _ := withTable(t)
	ctx := context.Background()
	id := table.Identifier{"ns", "staged"}
	loc := "file://" + t.TempDir()
	updates := []table.Update{
		table.NewAssignUUIDUpdate(uuid.New()), table.NewUpgradeFormatVersionUpdate(2),
		table.NewAddSchemaUpdate(schema), table.NewSetCurrentSchemaUpdate(-1),
		table.NewAddPartitionSpecUpdate(iceberg.UnpartitionedSpec, true), table.NewSetDefaultSpecUpdate(-1),
		table.NewAddSortOrderUpdate(&table.UnsortedSortOrder), table.NewSetDefaultSortOrderUpdate(-1),
		table.NewSetLocationUpdate(loc),
	}
	if _, _, err := c.CommitTable(ctx, id, []table.Requirement{table.AssertCreate()}, updates); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.CheckTableExists(ctx, id); !ok || err != nil {
		t.Fatalf("staged table exists: %v, %v", ok, err)
	}
	if _, _, err := c.CommitTable(ctx, id, []table.Requirement{table.AssertCreate()}, updates); !errors.Is(err, table.ErrCommitFailed) {
		t.Errorf("second staged create: %v, want ErrCommitFailed", err)
	}
	if _, _, err := c.CommitTable(ctx, table.Identifier{"nope", "x"}, []table.Requirement{table.AssertCreate()}, updates); !errors.Is(err, catalog.ErrNoSuchNamespace) {
		t.Errorf("staged create in a missing namespace: %v", err)
	}
}

// TestDropAndRename: drops leave tombstones that listings skip and
// creates replace; renames move the pointer, freeze the old name, refuse
// an existing target (restoring the source), and a crash between their
// two swaps leaves an error naming the metadata file.
func TestDropAndRename(t *testing.T) {
	ctx := context.Background()
	id := func(s string) table.Identifier { return table.Identifier{"ns", s} }
	names := func(c *objcat.Catalog) []string {
		var out []string
		for i, err := range c.ListTables(ctx, table.Identifier{"ns"}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, i[1])
		}
		return out
	}
	t.Run("drop and recreate", func(t *testing.T) {
		c, _ := withTable(t)
		if err := c.DropTable(ctx, id("t")); err != nil {
			t.Fatal(err)
		}
		if got := names(c); len(got) != 0 {
			t.Errorf("tables after drop: %v", got)
		}
		if _, err := c.LoadTable(ctx, id("t")); !errors.Is(err, catalog.ErrNoSuchTable) {
			t.Errorf("load dropped: %v", err)
		}
		if err := c.DropTable(ctx, id("t")); !errors.Is(err, catalog.ErrNoSuchTable) {
			t.Errorf("drop again: %v", err)
		}
		if _, err := c.CreateTable(ctx, id("t"), schema); err != nil {
			t.Fatalf("recreate over the tombstone: %v", err)
		}
		if _, err := c.CreateTable(ctx, id("t"), schema); !errors.Is(err, catalog.ErrTableAlreadyExists) {
			t.Errorf("create existing: %v", err)
		}
	})
	t.Run("rename", func(t *testing.T) {
		c, _ := withTable(t)
		before, _ := c.LoadTable(ctx, id("t"))
		moved, err := c.RenameTable(ctx, id("t"), id("u"))
		if err != nil {
			t.Fatal(err)
		}
		if moved.MetadataLocation() != before.MetadataLocation() {
			t.Errorf("renamed table at %s, was %s", moved.MetadataLocation(), before.MetadataLocation())
		}
		if diff := cmp.Diff([]string{"u"}, names(c)); diff != "" {
			t.Errorf("tables (-want +got):\n%s", diff)
		}
		if _, _, err := c.CommitTable(ctx, id("t"), nil, setProp("a", "b")); !errors.Is(err, catalog.ErrNoSuchTable) {
			t.Errorf("a commit to the old name: %v, want ErrNoSuchTable", err)
		}
		if _, err := c.CreateTable(ctx, id("v"), schema); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RenameTable(ctx, id("u"), id("v")); !errors.Is(err, catalog.ErrTableAlreadyExists) {
			t.Errorf("rename onto v: %v", err)
		}
		if _, err := c.LoadTable(ctx, id("u")); err != nil {
			t.Errorf("u after a refused rename: %v", err)
		}
	})
	t.Run("crash between the swaps", func(t *testing.T) {
		_, dir := withTable(t)
		c := catalogOn(dir, vfs.Local{})
		before, _ := c.LoadTable(ctx, id("t"))
		c2 := catalogOn(dir, errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func() func(errorfs.Op, string) error {
			n := 0
			return func(op errorfs.Op, name string) error {
				if op != errorfs.OpSwap {
					return nil
				}
				n++
				if n > 1 { // the tombstone lands; the target and the restore fail
					return errorfs.ErrInjected
				}
				return nil
			}
		}())))
		if _, err := c2.RenameTable(ctx, id("t"), id("u")); !errors.Is(err, errorfs.ErrInjected) {
			t.Fatalf("rename: %v", err)
		}
		_, err := c.LoadTable(ctx, id("t"))
		if !errors.Is(err, catalog.ErrNoSuchTable) || !strings.Contains(err.Error(), before.MetadataLocation()) || !strings.Contains(err.Error(), "unfinished rename") {
			t.Errorf("load after a crashed rename: %v; want it to name %s", err, before.MetadataLocation())
		}
		if _, err := c.RegisterTable(ctx, id("t2"), before.MetadataLocation()); err != nil {
			t.Errorf("recover by registering: %v", err)
		}
	})
	t.Run("drop namespace with tombstones", func(t *testing.T) {
		c, _ := withTable(t)
		if err := c.DropNamespace(ctx, table.Identifier{"ns"}); !errors.Is(err, catalog.ErrNamespaceNotEmpty) {
			t.Errorf("drop non-empty namespace: %v", err)
		}
		c.DropTable(ctx, id("t"))
		if err := c.DropNamespace(ctx, table.Identifier{"ns"}); err != nil {
			t.Errorf("drop namespace holding a tombstone: %v", err)
		}
	})
}

// TestNames: names with dots, slashes and leading dots stay distinct
// objects and list back as they were.
func TestNames(t *testing.T) {
	c, _ := newCatalog(t)
	ctx := context.Background()
	for _, ns := range []table.Identifier{{"a.b"}, {"a", "b"}, {".hidden"}, {"s/l"}} {
		if err := c.CreateNamespace(ctx, ns, nil); err != nil {
			t.Fatalf("%v: %v", ns, err)
		}
	}
	got, err := c.ListNamespaces(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []table.Identifier{{".hidden"}, {"a", "b"}, {"a.b"}, {"s/l"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
	if _, err := c.CreateTable(ctx, table.Identifier{"a.b", "t.x"}, schema); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.CheckTableExists(ctx, table.Identifier{"a", "b", "t.x"}); ok {
		t.Error("a.b's table is a table of namespace a, b")
	}
}

// TestRaces: catalogs sharing a directory (machines sharing a bucket)
// create one table at once, and then commit to it at once, retrying lost
// commits: one create wins and leaves the only metadata file, and every
// commit lands exactly once.
func TestRaces(t *testing.T) {
	ctx := context.Background()
	first, dir := newCatalog(t)
	if err := first.CreateNamespace(ctx, table.Identifier{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	const n = 6
	id := table.Identifier{"ns", "t"}
	var wg sync.WaitGroup
	var won, lost atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := catalogOn(dir, vfs.Local{}).CreateTable(ctx, id, schema)
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, catalog.ErrTableAlreadyExists):
				lost.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || lost.Load() != n-1 {
		t.Fatalf("%d creates won, %d lost; want 1 and %d", won.Load(), lost.Load(), n-1)
	}
	if files := metadataFiles(t, dir); len(files) != 1 {
		t.Errorf("metadata files after the race: %v, want the winner's alone", files)
	}

	const per = 5
	var retries atomic.Int32
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := catalogOn(dir, vfs.Local{})
			for i := range per {
				for {
					_, _, err := c.CommitTable(ctx, id, nil, setProp(fmt.Sprintf("w%d-%d", w, i), "x"))
					if err == nil {
						break
					}
					if !errors.Is(err, table.ErrCommitFailed) {
						t.Error(err)
						return
					}
					retries.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	tbl, err := first.LoadTable(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for k := range tbl.Properties() {
		if strings.HasPrefix(k, "w") {
			got++
		}
	}
	if got != n*per {
		t.Errorf("%d commits landed, want %d", got, n*per)
	}
	if v := filepath.Base(tbl.MetadataLocation()); !strings.HasPrefix(v, fmt.Sprintf("%05d-", n*per)) {
		t.Errorf("current metadata %s, want version %d", v, n*per)
	}
	if files := metadataFiles(t, dir); len(files) != n*per+1 {
		t.Errorf("%d metadata files, want %d: lost commits must leave none", len(files), n*per+1)
	}
	t.Logf("%d commits lost and were retried", retries.Load())
}
