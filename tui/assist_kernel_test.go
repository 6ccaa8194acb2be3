package tui

import (
	"strings"
	"testing"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestAssistRealKernel fixes a misspelled table and asks a question on a
// real kernel session with the offline agent: F proposes the right table,
// y puts it in the cell, which then runs; the chat answers from the lake
// table and i inserts the answer's cells.
func TestAssistRealKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	t.Setenv("FLOE_LLM", "offline")
	sess := openKernel(t)
	h := newHarness(t, 160, 48, Options{Kernel: sess, Path: "x.md"})
	h.typeText("SELECT count(*) AS n FROM lake.demo.peeple")
	h.keys("ctrl+j")
	h.waitFor("the query", func() bool { return h.m.notebook.LastRun() != nil })
	if r := h.m.notebook.LastRun(); r.Status != kernel.Failed {
		t.Fatalf("the misspelled query %s", r.Status)
	}
	h.keys("esc", "F")
	h.waitFor("the fix", func() bool { return h.m.assist.diff.Fix() != nil || h.m.isError })
	if s := h.screen(); !strings.Contains(s, "+SELECT count(*) AS n FROM lake.demo.people") || !strings.Contains(s, "offline") {
		t.Fatalf("the overlay does not propose lake.demo.people (%s):\n%s", h.m.message, s)
	}
	h.keys("y", "ctrl+j")
	h.waitFor("the fixed query", func() bool { r := h.m.notebook.LastRun(); return r != nil && r.Status == kernel.Passed })

	h.keys("ctrl+l")
	h.typeText("how many people are there?")
	h.keys("enter")
	h.waitFor("the answer", func() bool { return h.m.assist.chat.Last() != nil || !h.m.assist.chat.Busy() })
	a := h.m.assist.chat.Last()
	if a == nil || !strings.Contains(a.SQL, "lake.demo.people") || a.Result == nil || a.Provider != "offline" {
		t.Fatalf("answer %+v:\n%s", a, h.screen())
	}
	h.keys("i")
	nb := h.m.notebook.Notebook()
	if len(nb.Cells) != 3 || nb.Cells[1].Kind != notebooks.Markdown || nb.Cells[2].Source != strings.TrimSpace(a.SQL) {
		t.Fatalf("cells after insert: %+v", sources(nb))
	}
	h.keys("ctrl+j")
	h.waitFor("the inserted query", func() bool {
		r := h.m.notebook.LastRun()
		return r != nil && r.Cell == nb.Cells[2].ID && r.Status == kernel.Passed
	})
}
