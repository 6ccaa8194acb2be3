package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/catalog"
	"github.com/floehq/floe/tui/components/pager"
)

// A kernel session is everything the pager can use.
var (
	_ pager.Source   = (*kernel.Session)(nil)
	_ pager.Exporter = (*kernel.Session)(nil)
	_ pager.Editor   = (*kernel.Session)(nil)
)

// TestRealKernelPager pages, exports and edits a result on a real kernel
// session that holds results, as the workbench opens it: the output holds
// 100 of 1,000 rows, the pager fetches the last ones, exports all of them,
// and an edited value becomes an UPDATE of the lake table.
func TestRealKernelPager(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	ctx := context.Background()
	sess := openKernelWith(t, kernel.Options{MaxRows: 100, KeepResults: 4},
		"CREATE SCHEMA lake.demo",
		"CREATE TABLE lake.demo.people (id INTEGER, name VARCHAR)",
		"INSERT INTO lake.demo.people SELECT i, 'p' || i FROM range(1, 1001) t(i)")

	h := newHarness(t, 100, 24, Options{Kernel: sess, Path: "x.md"})
	h.typeText("SELECT id, name FROM lake.demo.people ORDER BY id")
	h.keys("ctrl+j")
	h.waitFor("the query", func() bool { return h.m.notebook.LastRun() != nil })
	h.keys("esc", "o", "G")
	h.waitFor("the last page", func() bool { return strings.Contains(h.screen(), "1000 │ p1000") })
	if s := h.screen(); !strings.Contains(s, "row 1,000 of 1,000") {
		t.Errorf("pager at the end:\n%s", s)
	}

	out := filepath.Join(t.TempDir(), "people.parquet")
	h.keys("e", "ctrl+a", "ctrl+k")
	h.typeText(out)
	h.keys("enter")
	h.waitFor("the export", func() bool { return strings.Contains(h.m.message, "exported 1,000 rows to "+out) })
	if _, err := os.Stat(out); err != nil {
		t.Errorf("exported file: %v", err)
	}

	h.keys("right", "enter", "ctrl+a", "ctrl+k")
	h.typeText("zed")
	h.keys("enter")
	h.waitFor("the confirm dialog", func() bool { return strings.Contains(h.screen(), "WHERE id = 1000") })
	before := h.m.notebook.LastRun()
	h.keys("y")
	h.waitFor("the update and the re-run", func() bool {
		running, _ := h.m.notebook.Running()
		return (h.m.notebook.LastRun() != before && !running) || h.m.isError
	})
	if h.m.isError {
		t.Fatalf("update failed: %s", h.m.message)
	}
	if !strings.Contains(h.m.message, "updated 1 row of lake.demo.people") {
		t.Errorf("status %q", h.m.message)
	}
	got, err := sess.Query(ctx, "SELECT name FROM lake.demo.people WHERE id = 1000")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 1 || got.Rows[0][0] != "zed" {
		t.Errorf("after the edit, id 1000 has name %v, want zed", got.Rows)
	}

	// An edit in a table preview runs the preview again.
	h.send(catalog.PreviewMsg{NS: "demo", Table: "people"})
	h.waitFor("the preview", func() bool { return strings.Contains(h.screen(), "Preview of lake.demo.people") })
	shown := h.m.pager.Table()
	h.keys("g", "0", "right", "enter", "ctrl+a", "ctrl+k")
	h.typeText("amy")
	h.keys("enter")
	h.waitFor("the confirm dialog", func() bool { return strings.Contains(h.screen(), "SET name = 'amy'") })
	h.keys("y")
	h.waitFor("the preview to run again", func() bool { return h.m.pager.Table() != shown || h.m.isError })
	if h.m.isError {
		t.Fatalf("update in the preview failed: %s", h.m.message)
	}
	if s := h.screen(); !strings.Contains(s, "Preview of lake.demo.people") || !strings.Contains(s, "amy") {
		t.Errorf("the preview after the edit:\n%s", s)
	}
}
