package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/tui/history"
)

// TestRunsGoToTheHistoryFile runs the sample notebook and checks what the
// history file holds: each SQL cell that ran, how it ended, nothing else.
func TestRunsGoToTheHistoryFile(t *testing.T) {
	opts := historyOpts(t)
	h := newHarness(t, 80, 24, opts)
	runAllAndWait(h, 3) // stops at the failing third SQL cell
	// A table preview from the catalog is not a cell: not recorded.
	h.send(previewMsg("crm", "customers"))
	h.waitFor("the preview", func() bool { return len(h.k.ran) == 4 })
	h.settle(quiet)
	h.m.history.wait()
	es, skipped, err := (&history.Store{Path: opts.History}).Load()
	if err != nil || skipped != 0 {
		t.Fatalf("Load: %d skipped, %v", skipped, err)
	}
	type row struct {
		Source, Error, Notebook, Warehouse string
		OK                                 bool
		Rows                               int64
		Duration                           time.Duration
	}
	var got []row
	for _, e := range es {
		got = append(got, row{e.Source, e.Error, e.Notebook, e.Warehouse, e.OK, e.Rows, e.Duration})
	}
	nb := parseSample(t)
	want := []row{
		{nb.Cells[1].Source, "", "churn.md", "/data/warehouse", true, 40, fakeDuration},
		{nb.Cells[2].Source, "", "churn.md", "/data/warehouse", true, 5, fakeDuration},
		{nb.Cells[3].Source, "Catalog Error: Table with name nope does not exist!", "churn.md", "/data/warehouse", false, 0, fakeDuration},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history file (-want +got):\n%s", diff)
	}
}

// TestHistoryAcrossSessions runs SQL in one session and finds it in the
// next: newest first, filtered, inserted into the notebook.
func TestHistoryAcrossSessions(t *testing.T) {
	opts := historyOpts(t)
	h1 := newHarness(t, 80, 24, opts)
	runAllAndWait(h1, 3)
	h1.keys("down", "down", "down", "enter", "ctrl+a", "ctrl+k")
	h1.typeText("SELECT 1 AS again")
	h1.keys("ctrl+j")
	h1.waitFor("the run", func() bool { return len(h1.k.ran) == 4 })
	h1.settle(quiet)
	h1.m.history.wait()

	h2 := newHarness(t, 80, 24, historyOptsAt(t, opts.History))
	h2.waitFor("the history", func() bool { return h2.m.history.loaded })
	h2.keys("ctrl+y")
	if h2.m.popups.kind != popupHistory {
		t.Fatal("ctrl+y did not open the history")
	}
	nb := parseSample(t)
	shown := h2.m.popups.history.Shown()
	want := []string{"SELECT 1 AS again", nb.Cells[3].Source, nb.Cells[2].Source, nb.Cells[1].Source}
	if diff := cmp.Diff(want, shown); diff != "" {
		t.Fatalf("history, newest first (-want +got):\n%s", diff)
	}
	// The filter is fuzzy: "grp seg" ranks the GROUP BY segment statement
	// first, and drops those without the letters.
	h2.typeText("grp seg")
	if got := h2.m.popups.history.Shown(); len(got) != 2 || got[0] != nb.Cells[2].Source {
		t.Fatalf("filtered history: %q", got)
	}
	// The first cell is markdown, not empty SQL: a new cell below gets it.
	h2.keys("enter")
	cells := h2.m.notebook.Notebook().Cells
	if len(cells) != 7 || cells[1].Source != nb.Cells[2].Source || h2.m.notebook.Cursor() != 1 || !h2.m.notebook.Editing() {
		t.Fatalf("after enter: %d cells, cell 1 %q, cursor %d, editing %v", len(cells), cells[1].Source, h2.m.notebook.Cursor(), h2.m.notebook.Editing())
	}
	if h2.m.popups.kind != popupNone {
		t.Error("the history stays open after inserting")
	}
	// An empty SQL cell takes the statement itself.
	h2.keys("esc", "b", "esc", "ctrl+y", "enter")
	cells = h2.m.notebook.Notebook().Cells
	if len(cells) != 8 || cells[2].Source != "SELECT 1 AS again" {
		t.Errorf("inserting into an empty cell: %d cells, cell 2 %q", len(cells), cells[2].Source)
	}
	// esc closes without inserting.
	h2.keys("esc", "ctrl+y", "esc")
	if h2.m.popups.kind != popupNone || len(h2.m.notebook.Notebook().Cells) != 8 {
		t.Error("esc inserted or did not close")
	}
}

func historyOptsAt(t testing.TB, path string) Options {
	o := sampleOpts(t)
	o.History = path
	return o
}

// TestHistoryFileWithCorruptLines loads a history with a torn line: the
// rest is listed and the status bar says once what was skipped.
func TestHistoryFileWithCorruptLines(t *testing.T) {
	opts := historyOpts(t)
	s := &history.Store{Path: opts.History}
	if err := s.Append(history.Entry{Time: time.Date(2025, 6, 1, 11, 0, 0, 0, time.UTC), Source: "SELECT 'kept'", OK: true}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(opts.History, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2025-06-01T11:30:00Z","sour` + "\n")
	f.Close()
	h := newHarness(t, 160, 48, opts)
	h.waitFor("the history", func() bool { return h.m.history.loaded })
	if !strings.Contains(h.m.message, "skipped 1 unreadable line in") {
		t.Errorf("status %q does not say a line was skipped", h.m.message)
	}
	h.keys("ctrl+y")
	if got := h.m.popups.history.Shown(); len(got) != 1 || got[0] != "SELECT 'kept'" {
		t.Errorf("history lists %q", got)
	}
	if s := h.screen(); !strings.Contains(s, "1h ago") {
		t.Errorf("the entry's age is not shown:\n%s", s)
	}
	// Runs still append after the bad line.
	h.keys("esc", "down", "ctrl+j")
	h.waitFor("the run", func() bool { return len(h.k.ran) == 1 })
	h.settle(quiet)
	h.m.history.wait()
	es, skipped, _ := s.Load()
	if len(es) != 2 || skipped != 1 {
		t.Errorf("after a run: %d entries, %d skipped; want 2 and 1", len(es), skipped)
	}
}

// TestHistoryWithoutFile keeps the session's runs in memory.
func TestHistoryWithoutFile(t *testing.T) {
	h := newHarness(t, 80, 24, sampleOpts(t))
	h.keys("ctrl+y")
	if s := h.screen(); !strings.Contains(s, "no SQL run yet") {
		t.Errorf("empty history does not say so:\n%s", s)
	}
	h.keys("esc", "down", "ctrl+j")
	h.waitFor("the run", func() bool { return len(h.k.ran) == 1 })
	h.settle(quiet)
	h.keys("esc", "ctrl+y")
	if got := h.m.popups.history.Shown(); len(got) != 1 {
		t.Errorf("history without a file lists %q, want the run", got)
	}
}

// TestHistoryListsAStatementOnce: runs of the same statement are one line,
// with their count.
func TestHistoryListsAStatementOnce(t *testing.T) {
	h := newHarness(t, 120, 30, historyOpts(t))
	h.keys("down")
	for i := range 3 {
		h.keys("ctrl+j")
		h.waitFor("the run", func() bool { return len(h.k.ran) == i+1 })
		h.settle(quiet)
	}
	h.keys("ctrl+y")
	if got := h.m.popups.history.Shown(); len(got) != 1 {
		t.Errorf("three runs of one statement list %d lines", len(got))
	}
	if s := h.screen(); !strings.Contains(s, "churn.md ×3") {
		t.Errorf("the count of runs is not shown:\n%s", s)
	}
}
