package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestClickCells clicks cells where the screen shows them: one click
// selects, a double click edits, a click in the editor moves its cursor.
func TestClickCells(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.clickOn("GROUP BY segment", 0)
	if h.m.notebook.Cursor() != 2 || h.m.notebook.Editing() {
		t.Fatalf("click on the third cell: cursor %d, editing %v", h.m.notebook.Cursor(), h.m.notebook.Editing())
	}
	// The header line belongs to the cell too.
	h.clock.Add(time.Second)
	h.clickOn("[ ] sql name=customers", 4)
	if h.m.notebook.Cursor() != 1 {
		t.Fatalf("click on a header: cursor %d, want 1", h.m.notebook.Cursor())
	}
	// The blank line between cells selects nothing.
	h.clock.Add(time.Second)
	_, y := h.at("FROM lake.crm.customers")
	h.click(10, y+1)
	if h.m.notebook.Cursor() != 1 {
		t.Errorf("a click between cells moved the cursor to %d", h.m.notebook.Cursor())
	}
	// Two clicks in quick succession edit.
	h.clock.Add(time.Second)
	h.clickOn("FROM customers", 2)
	h.clock.Add(100 * time.Millisecond)
	h.clickOn("FROM customers", 2)
	if h.m.notebook.Cursor() != 2 || !h.m.notebook.Editing() {
		t.Fatalf("double click: cursor %d, editing %v", h.m.notebook.Cursor(), h.m.notebook.Editing())
	}
	// A click on the edited cell's text puts the editor's cursor there:
	// typing lands after "FROM".
	h.clock.Add(time.Second)
	x, y := h.at("FROM customers")
	h.click(x+4, y)
	h.typeText("!")
	if src := h.m.notebook.Notebook().Cells[2].Source; !strings.Contains(src, "FROM! customers") {
		t.Errorf("typed after clicking in the editor: %q", src)
	}
	// A click on another cell leaves the editor and keeps the text.
	h.clock.Add(time.Second)
	h.clickOn("SELECT * FROM nope", 0)
	if h.m.notebook.Editing() || h.m.notebook.Cursor() != 3 {
		t.Errorf("click on another cell: editing %v, cursor %d", h.m.notebook.Editing(), h.m.notebook.Cursor())
	}
	// Slow clicks are two single clicks.
	h.clock.Add(time.Second)
	h.clickOn("SELECT * FROM nope", 0)
	h.clock.Add(time.Second)
	h.clickOn("SELECT * FROM nope", 0)
	if h.m.notebook.Editing() {
		t.Error("two clicks a second apart edit the cell")
	}
	// Other buttons do nothing.
	x, y = h.at("FROM lake.crm.customers")
	h.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseRight})
	if h.m.notebook.Cursor() != 3 {
		t.Error("a right click moved the cursor")
	}
}

// TestClickPanes clicks between the catalog, the notebook and the results.
func TestClickPanes(t *testing.T) {
	h := newHarness(t, 120, 30, Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
	if !h.m.catalogShown() {
		t.Fatal("no catalog at 120 columns")
	}
	// A click on a namespace's arrow expands it and focuses the catalog.
	h.clickOn("▸ crm", 0)
	h.waitFor("the tables", func() bool {
		return strings.Contains(h.screen(), "customers") && strings.Contains(h.screen(), "▾ crm")
	})
	if h.m.focus != focusCatalog {
		t.Fatalf("focus %d after a click in the catalog", h.m.focus)
	}
	// A click on a table's name selects it without expanding; enter then
	// inserts its name, which shows the selection is where the click was.
	h.clock.Add(time.Second)
	h.clickOn("segments", 2)
	if s := h.screen(); !strings.Contains(s, "▸ segments") {
		t.Fatalf("a click on the name expanded the table:\n%s", s)
	}
	h.clock.Add(time.Second)
	h.clickOn("▸ customers", 0)
	h.waitFor("the columns", func() bool { return strings.Contains(h.screen(), "customer_id") })
	h.clock.Add(time.Second)
	h.clickOn("[ ] sql name=customers", 0)
	if h.m.focus != focusNotebook || h.m.notebook.Cursor() != 1 {
		t.Fatalf("click on a cell: focus %d, cursor %d", h.m.focus, h.m.notebook.Cursor())
	}
	// The rule between the panes and the status bar take no clicks.
	x, _ := h.at("[ ] sql name=customers")
	if x != h.m.catalogWidth()+1+2 {
		t.Fatalf("the notebook starts at column %d; the layout changed", x-2)
	}
	h.clock.Add(time.Second)
	h.click(x-3, 3)
	h.click(5, 29)
	if h.m.focus != focusNotebook || h.m.notebook.Cursor() != 1 {
		t.Errorf("a click on the rule or the status bar changed focus %d or cursor %d", h.m.focus, h.m.notebook.Cursor())
	}
	// The pager: a click on a value selects its row and column.
	h.keys("ctrl+j", "o")
	if h.m.focus != focusResults {
		t.Fatal("o did not open the pager")
	}
	h.clickOn("Edsger Dijkstra", 3)
	if r, c := h.m.pager.Selected(); r != 2 || c != 1 {
		t.Errorf("click on Edsger Dijkstra selected row %d col %d, want 2 1", r, c)
	}
	h.clock.Add(time.Second)
	h.clickOn("signup_date", 0)
	if r, c := h.m.pager.Selected(); r != 2 || c != 5 {
		t.Errorf("click on a column name selected row %d col %d, want 2 5", r, c)
	}
	h.clock.Add(time.Second)
	h.clickOn("Results of customers", 0)
	if h.m.focus != focusNotebook {
		t.Errorf("click on the pager's title: focus %d, want the notebook", h.m.focus)
	}
}

// TestClicksOverDialogsAndPopups: clicks outside a dialog or popup change
// nothing; a click on a palette item runs it; a click on a history line
// selects it and a second click inserts it.
func TestClicksOverDialogsAndPopups(t *testing.T) {
	h := newHarness(t, 80, 24, historyOpts(t))
	h.keys("down", "b")
	h.typeText("SELECT 1")
	h.keys("ctrl+q")
	before := stateOf(h)
	for _, p := range [][2]int{{0, 0}, {2, 10}, {79, 23}, {40, 12}} {
		h.clock.Add(time.Second)
		h.click(p[0], p[1])
	}
	if h.m.dialog != dialogQuit || h.quit {
		t.Fatal("a click closed the quit dialog")
	}
	if diff := stateOf(h); diff.Cursor != before.Cursor || diff.Focus != before.Focus {
		t.Errorf("a click behind the dialog changed the notebook: %+v, was %+v", diff, before)
	}
	h.keys("esc", "esc")
	// The palette: a click outside does nothing, a click on an item runs it.
	h.keys("ctrl+x")
	h.typeText("cell")
	h.clock.Add(time.Second)
	h.click(0, 0)
	if h.m.popups.kind != popupPalette {
		t.Fatal("a click outside the palette closed it")
	}
	n := len(h.m.notebook.Notebook().Cells)
	h.clickOn("Add cell above", 2)
	if h.m.popups.kind != popupNone || len(h.m.notebook.Notebook().Cells) != n+1 {
		t.Fatalf("click on Add cell above: popup %d, %d cells (was %d)", h.m.popups.kind, len(h.m.notebook.Notebook().Cells), n)
	}
	// The history: runs first, then click.
	h.keys("esc", "up")
	runAllAndWait(h, 3)
	h.keys("ctrl+y")
	h.clock.Add(time.Second)
	h.clickOn("count(*) AS n", 0)
	if got := h.m.popups.history.Selected(); !strings.Contains(got, "GROUP BY segment") || h.m.popups.kind != popupHistory {
		t.Fatalf("one click on a history line: selected %q, popup %d", got, h.m.popups.kind)
	}
	h.clock.Add(time.Second)
	h.clickOn("count(*) AS n", 0)
	if h.m.popups.kind != popupNone || !strings.Contains(h.m.notebook.Notebook().Cells[h.m.notebook.Cursor()].Source, "GROUP BY segment") {
		t.Errorf("a second click did not insert the statement")
	}
	// The help takes no clicks.
	h.keys("esc", "?")
	h.click(10, 10)
	if !h.m.showHelp {
		t.Error("a click closed the help")
	}
}

// TestPopupsOnSmallTerminals opens the palette and the history at sizes
// down to one cell and clicks around: no panic, never more than the
// terminal holds.
func TestPopupsOnSmallTerminals(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {12, 3}, {30, 8}, {50, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			opts := historyOpts(t)
			writePastRuns(t, opts, time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
			h := newHarness(t, size[0], size[1], opts)
			for _, keys := range [][]string{{"ctrl+x"}, {"down", "down"}, {"esc", "ctrl+y"}, {"down"}, {"esc"}} {
				h.keys(keys...)
				h.screen()
				for _, p := range [][2]int{{0, 0}, {size[0] / 2, size[1] / 2}, {size[0] - 1, size[1] - 1}} {
					h.clock.Add(time.Second)
					h.click(p[0], p[1])
					h.screen()
				}
			}
		})
	}
}
