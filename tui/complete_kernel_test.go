package tui

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/tui/notebook"
)

// TestRealKernelCompletion lists names from a real kernel session: after
// "lake." the popup offers the warehouse's table, and after an alias the
// lake table's columns; a table a cell creates is offered after the run.
func TestRealKernelCompletion(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	sess := openKernel(t)
	var _ notebook.Completer = sess // the session lists names
	h := newHarness(t, 80, 24, Options{Kernel: sess, Path: "x.md"})
	h.waitFor("the names", h.m.notebook.HasNames)

	h.typeText("SELECT * FROM lake.")
	if d := cmp.Diff([]string{"demo.people", "demo"}, h.completions(0)); d != "" {
		t.Errorf("after lake. (-want +got):\n%s", d)
	}
	h.keys("tab")
	h.typeText(" AS p WHERE p.")
	if d := cmp.Diff([]string{"id", "name"}, h.completions(0)); d != "" {
		t.Errorf("columns of lake.demo.people (-want +got):\n%s", d)
	}
	if got := h.source(); got != "SELECT * FROM lake.demo.people AS p WHERE p." {
		t.Errorf("cell = %q", got)
	}

	// A table created by a cell is offered once the cell ran.
	h.keys("esc", "esc", "b")
	h.typeText("CREATE TABLE scores AS SELECT 1 AS points")
	h.keys("ctrl+j")
	h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
	h.keys("esc", "b")
	h.typeText("SELECT * FROM scores s WHERE s.")
	h.waitFor("the new table's columns", func() bool {
		h.keys("ctrl+space")
		return cmp.Equal([]string{"points"}, h.completions(0))
	})
}
