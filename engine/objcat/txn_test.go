package objcat_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// twoTables returns a catalog over a fresh directory with tables ns.a and
// ns.b, and the directory.
func twoTables(t *testing.T) (*objcat.Catalog, string) {
	t.Helper()
	c, dir := newCatalog(t)
	ctx := context.Background()
	if err := c.CreateNamespace(ctx, table.Identifier{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := c.CreateTable(ctx, table.Identifier{"ns", n}, schema); err != nil {
			t.Fatal(err)
		}
	}
	return c, dir
}

func both(v string) []table.TableCommit {
	return []table.TableCommit{
		{Identifier: table.Identifier{"ns", "a"}, Updates: setProp("v", v)},
		{Identifier: table.Identifier{"ns", "b"}, Updates: setProp("v", v)},
	}
}

// props reads property v of ns.a and ns.b through c.
func props(t *testing.T, c *objcat.Catalog) string {
	t.Helper()
	var out []string
	for _, n := range []string{"a", "b"} {
		tbl, err := c.LoadTable(context.Background(), table.Identifier{"ns", n})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n+"="+tbl.Properties()["v"])
	}
	return strings.Join(out, " ")
}

// swapFaults fails swaps whose names contain one of the fragments, after
// the first skip swaps of each.
func swapFaults(dir string, fail func(name string) bool) *objcat.Catalog {
	return catalogOn(dir, errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
		if op == errorfs.OpSwap && fail(name) {
			return errorfs.ErrInjected
		}
		return nil
	})))
}

// TestCommitTables: several tables move as one, or not at all, however
// the commit ends: a lost race, a crash before the transaction is decided,
// a crash after.
func TestCommitTables(t *testing.T) {
	ctx := context.Background()
	a, b := table.Identifier{"ns", "a"}, table.Identifier{"ns", "b"}
	t.Run("both move", func(t *testing.T) {
		c, dir := twoTables(t)
		if err := c.CommitTables(ctx, both("1")); err != nil {
			t.Fatal(err)
		}
		if got := props(t, c); got != "a=1 b=1" {
			t.Errorf("after the commit: %s", got)
		}
		for _, id := range []table.Identifier{a, b} {
			raw, _ := os.ReadFile(c.PointerName(id))
			if strings.Contains(string(raw), "pending") {
				t.Errorf("pointer of %v still pending: %s", id, raw)
			}
		}
		if txns, _ := filepath.Glob(filepath.Join(dir, objcat.Dir, "txn", "*.json")); len(txns) != 1 {
			t.Errorf("transaction objects: %v", txns)
		}
		stale := []table.TableCommit{{Identifier: a, Requirements: []table.Requirement{table.AssertCurrentSchemaID(7)}, Updates: setProp("v", "2")}, both("2")[1]}
		if err := c.CommitTables(ctx, stale); !errors.Is(err, table.ErrCommitFailed) {
			t.Errorf("a failed requirement: %v, want ErrCommitFailed", err)
		}
		if err := c.CommitTables(ctx, []table.TableCommit{{Identifier: table.Identifier{"ns", "nope"}}}); !errors.Is(err, catalog.ErrNoSuchTable) {
			t.Errorf("a missing table: %v", err)
		}
		if got := props(t, c); got != "a=1 b=1" {
			t.Errorf("after the refused commits: %s", got)
		}
	})
	t.Run("lost race moves neither", func(t *testing.T) {
		c, dir := twoTables(t)
		before := len(allMetadata(t, dir))
		var raced atomic.Bool
		loser := catalogOn(dir, errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
			if op == errorfs.OpSwap && strings.HasSuffix(name, "/b.json") && raced.CompareAndSwap(false, true) {
				if _, _, err := c.CommitTable(ctx, b, nil, setProp("v", "other")); err != nil {
					t.Error(err)
				}
			}
			return nil
		})))
		if err := loser.CommitTables(ctx, both("1")); !errors.Is(err, table.ErrCommitFailed) {
			t.Fatalf("loser: %v, want ErrCommitFailed", err)
		}
		if got := props(t, c); got != "a= b=other" {
			t.Errorf("after the lost commit: %s", got)
		}
		raw, _ := os.ReadFile(c.PointerName(a))
		if strings.Contains(string(raw), "pending") {
			t.Errorf("a's pointer still pending: %s", raw)
		}
		if n := len(allMetadata(t, dir)); n != before+1 {
			t.Errorf("%d metadata files, want %d (the other commit's alone)", n, before+1)
		}
	})
	t.Run("crash before the decision", func(t *testing.T) {
		c, dir := twoTables(t)
		crashed := swapFaults(dir, func(name string) bool { return strings.Contains(name, "/txn/") })
		if err := crashed.CommitTables(ctx, both("1")); !errors.Is(err, errorfs.ErrInjected) {
			t.Fatalf("crashed commit: %v", err)
		}
		if got := props(t, c); got != "a= b=" {
			t.Errorf("readers after the crash see %s, want nothing moved", got)
		}
		if _, _, err := c.CommitTable(ctx, a, nil, setProp("v", "2")); !errors.Is(err, table.ErrCommitFailed) {
			t.Errorf("a commit while the move is young: %v, want ErrCommitFailed", err)
		}
		defer objcat.SetAbortAfter(0)()
		if _, _, err := c.CommitTable(ctx, a, nil, setProp("v", "2")); err != nil {
			t.Fatalf("a commit after the move is stale: %v", err)
		}
		if got := props(t, c); got != "a=2 b=" {
			t.Errorf("after aborting the stale move: %s", got)
		}
		if err := c.CommitTables(ctx, both("3")); err != nil {
			t.Fatalf("the next multi-table commit: %v", err)
		}
		if got := props(t, c); got != "a=3 b=3" {
			t.Errorf("after the next commit: %s", got)
		}
	})
	t.Run("crash after the decision", func(t *testing.T) {
		c, dir := twoTables(t)
		var marks atomic.Int32
		crashed := swapFaults(dir, func(name string) bool {
			// The two marks and the decision land; the moves do not.
			return !strings.Contains(name, "/txn/") && marks.Add(1) > 2
		})
		if err := crashed.CommitTables(ctx, both("1")); err != nil {
			t.Fatalf("commit whose finishing failed: %v", err)
		}
		raw, _ := os.ReadFile(c.PointerName(b))
		if !strings.Contains(string(raw), "pending") {
			t.Fatalf("b's pointer is not pending: %s", raw)
		}
		if got := props(t, c); got != "a=1 b=1" {
			t.Errorf("readers after the decision see %s, want both moved", got)
		}
		if _, _, err := c.CommitTable(ctx, b, nil, setProp("w", "x")); err != nil {
			t.Fatalf("a commit on a committed move: %v", err)
		}
		tbl, _ := c.LoadTable(ctx, b)
		if tbl.Properties()["v"] != "1" || tbl.Properties()["w"] != "x" {
			t.Errorf("b after the next commit: %v", tbl.Properties())
		}
	})
}

func allMetadata(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "ns.db", "*", "metadata", "*.metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}
