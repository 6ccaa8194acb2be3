package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

func sources(nb *notebooks.Notebook) []string {
	var out []string
	for _, c := range nb.Cells {
		out = append(out, c.Source)
	}
	return out
}

func TestSaveWritesTheFileAndQuitsWithoutAsking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "churn.md")
	nb := parseSample(t)
	h := newHarness(t, 80, 24, Options{Notebook: nb, Path: path})
	h.keys("down", "b")
	h.typeText("SELECT 42 AS answer")
	h.keys("esc")
	if !h.m.notebook.Dirty() {
		t.Fatal("editing did not mark the notebook dirty")
	}
	h.keys("ctrl+s")
	h.waitFor("the save", func() bool { return !h.m.notebook.Dirty() })
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "```sql\nSELECT 42 AS answer\n```"
	if !strings.Contains(string(data), want) {
		t.Errorf("saved notebook lacks the new cell %q:\n%s", want, data)
	}
	back, err := notebooks.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sources(h.m.notebook.Notebook()), sources(back)); diff != "" {
		t.Errorf("saved cells differ (-screen +file):\n%s", diff)
	}
	h.keys("ctrl+q")
	if !h.quit {
		t.Error("ctrl+q on a saved notebook did not quit")
	}
}

func TestQuitWithUnsavedChangesAsks(t *testing.T) {
	for _, tc := range []struct {
		answer    string
		quits     bool
		wantSaved bool
	}{
		{"esc", false, false},
		{"n", true, false},
		{"y", true, true},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "nb.md")
			h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: path})
			h.keys("down", "enter")
			h.typeText(" LIMIT 3")
			h.keys("ctrl+q")
			if h.quit {
				t.Fatal("quit without asking about unsaved changes")
			}
			if !strings.Contains(h.screen(), "unsaved changes") {
				t.Fatalf("no question on screen:\n%s", h.screen())
			}
			h.keys(tc.answer)
			h.waitFor("the answer to take effect", func() bool { return h.quit == tc.quits })
			_, err := os.Stat(path)
			if saved := err == nil; saved != tc.wantSaved {
				t.Errorf("file saved = %v, want %v", saved, tc.wantSaved)
			}
			if !tc.quits && strings.Contains(h.screen(), "unsaved changes") {
				t.Error("the question stays after esc")
			}
		})
	}
}

func TestSaveAsNamesANewNotebook(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	h := newHarness(t, 80, 24, Options{})
	h.typeText("SELECT 1")
	h.keys("ctrl+s")
	if !strings.Contains(h.screen(), "Save the notebook as") {
		t.Fatalf("no file name asked:\n%s", h.screen())
	}
	h.typeText("first")
	h.keys("enter")
	h.waitFor("the save", func() bool { return !h.m.notebook.Dirty() })
	data, err := os.ReadFile(filepath.Join(dir, "first.md"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "```sql\nSELECT 1\n```\n"; got != want {
		t.Errorf("first.md = %q, want %q", got, want)
	}
}

func TestCtrlCCancelsWithoutQuitting(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c with nothing running quit")
	}
	if !strings.Contains(h.screen(), "nothing is running") {
		t.Errorf("no hint when nothing runs:\n%s", h.screen())
	}
	h.keys("down", "enter")
	h.typeText(" -- wait")
	h.keys("ctrl+j")
	if running, _ := h.m.notebook.Running(); !running {
		t.Fatal("the cell is not running")
	}
	// The screen still answers keys while the cell runs.
	h.typeText(" ")
	h.keys("ctrl+c")
	waitIdle(h)
	if h.quit {
		t.Fatal("ctrl+c quit while cancelling a query")
	}
	if !h.m.notebook.Editing() {
		t.Error("running and cancelling lost the editor's focus")
	}
	if s := h.screen(); !strings.Contains(s, "cancelled") || !strings.Contains(s, "Interrupted") {
		t.Errorf("the cell does not show it was cancelled:\n%s", s)
	}
}

func TestRunAllRunsInOrderAndStopsAtAFailure(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("ctrl+r")
	h.waitFor("the run", func() bool { r, _ := h.m.notebook.Running(); return !r && h.m.notebook.LastRun() != nil })
	want := []string{"customers", "GROUP BY", "-- fail"}
	if len(h.k.ran) != len(want) {
		t.Fatalf("ran %d cells %q, want %d", len(h.k.ran), h.k.ran, len(want))
	}
	for i, w := range want {
		if !strings.Contains(h.k.ran[i], w) {
			t.Errorf("cell %d ran %q, want the one with %q", i, h.k.ran[i], w)
		}
	}
	nb := h.m.notebook.Notebook()
	if c := nb.Cells[1]; c.Execution.Count != 1 || len(c.Outputs) == 0 {
		t.Errorf("first cell: execution %+v, %d outputs; want count 1 and outputs", c.Execution, len(c.Outputs))
	}
	if c := nb.Cells[4]; c.Execution.Count != 0 {
		t.Errorf("the go cell after the failure ran (execution %+v)", c.Execution)
	}
	h.keys("down", "down", "down")
	if s := h.screen(); !strings.Contains(s, "[3] sql") || !strings.Contains(s, "✗ 12ms") {
		t.Errorf("the failed cell is not marked:\n%s", s)
	}
}

func TestEditingCells(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	nb := h.m.notebook.Notebook()
	n := len(nb.Cells)
	kinds := func() []string {
		var out []string
		for _, c := range h.m.notebook.Notebook().Cells {
			if c.Kind == notebooks.Markdown {
				out = append(out, "md")
			} else {
				out = append(out, c.Lang)
			}
		}
		return out
	}
	// a adds above and starts editing; esc leaves the editor.
	h.keys("down", "a")
	h.typeText("SELECT 'new'")
	h.keys("esc")
	if got := h.m.notebook.Notebook().Cells[1].Source; got != "SELECT 'new'" {
		t.Fatalf("new cell holds %q", got)
	}
	// t cycles sql → go → ask → markdown.
	h.keys("t", "t", "t")
	if got := kinds()[1]; got != "md" {
		t.Errorf("after three t the cell is %s, want md", got)
	}
	// K moves it up, J down.
	h.keys("K")
	if got := kinds()[0]; got != "md" || h.m.notebook.Cursor() != 0 {
		t.Errorf("K did not move the cell up: %v, cursor %d", kinds(), h.m.notebook.Cursor())
	}
	h.keys("J")
	if h.m.notebook.Cursor() != 1 {
		t.Errorf("J: cursor %d, want 1", h.m.notebook.Cursor())
	}
	// d once asks, d twice deletes.
	h.keys("d", "esc")
	if got := len(h.m.notebook.Notebook().Cells); got != n+1 {
		t.Fatalf("d then esc deleted a cell: %d cells", got)
	}
	h.keys("d", "d")
	if got := len(h.m.notebook.Notebook().Cells); got != n {
		t.Fatalf("d d left %d cells, want %d", got, n)
	}
	if err := h.m.notebook.Notebook().Validate(); err != nil {
		t.Errorf("edited notebook is invalid: %v", err)
	}
}

// TestAskAndFix: an ask cell shows what the kernel answers; fix with AI
// says that the kernel has no data agent.
func TestAskAndFix(t *testing.T) {
	h := newHarness(t, 160, 48, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("G", "ctrl+j")
	h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
	if s := h.screen(); !strings.Contains(s, "need the agent") {
		t.Errorf("the ask cell does not say there is no agent:\n%s", s)
	}
	h.keys("F")
	if s := h.screen(); !strings.Contains(s, "has no data agent") {
		t.Errorf("fix with AI does not say there is no agent:\n%s", s)
	}
}

func TestCatalogInsertsNames(t *testing.T) {
	h := newHarness(t, 120, 30, Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
	if !h.m.showCatalog {
		t.Fatal("the catalog is hidden at 120 columns")
	}
	h.keys("down", "enter", "ctrl+a") // edit the first SQL cell, at its last line's start
	h.keys("esc", "tab")              // catalog (the cell has no results to tab to)
	if h.m.focus != focusCatalog {
		t.Fatalf("focus %d, want the catalog", h.m.focus)
	}
	h.keys("space", "down", "enter")
	src := h.m.notebook.Notebook().Cells[1].Source
	if !strings.Contains(src, "lake.crm.customers") {
		t.Errorf("enter on a table did not insert its name: %q", src)
	}
	if h.m.focus != focusNotebook || !h.m.notebook.Editing() {
		t.Error("inserting did not return to the editor")
	}
	h.keys("esc", "tab", "space", "down", "enter")
	if src := h.m.notebook.Notebook().Cells[1].Source; !strings.Contains(src, "customer_id") {
		t.Errorf("enter on a column did not insert its name: %q", src)
	}
}

func TestPagerKeepsRowsAndColumnsOnScreen(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("down", "ctrl+j", "o")
	if h.m.focus != focusResults {
		t.Fatal("o did not open the pager")
	}
	h.keys("G", "$")
	s := h.screen()
	if !strings.Contains(s, "row 40 of 40") || !strings.Contains(s, "col 6 of 6") {
		t.Errorf("footer after G $:\n%s", s)
	}
	if !strings.Contains(s, "    40 │") || !strings.Contains(s, "2024-04-12") {
		t.Errorf("last row or column not on screen:\n%s", s)
	}
	h.keys("esc")
	if h.m.focus != focusNotebook {
		t.Error("esc did not return to the notebook")
	}
}

func TestStaleCells(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("ctrl+r")
	h.waitFor("the run", func() bool { r, _ := h.m.notebook.Running(); return !r && len(h.k.ran) == 3 })
	if strings.Contains(h.screen(), "stale") {
		t.Fatal("fresh results marked stale")
	}
	// Editing the named cell makes it and the cell reading it stale.
	h.keys("down", "enter")
	h.typeText(" ")
	h.keys("esc")
	if got := strings.Count(h.screen(), "stale"); got != 2 {
		t.Errorf("%d stale marks, want 2 (the edited cell and its reader):\n%s", got, h.screen())
	}
	h.keys("ctrl+j")
	h.waitFor("the run", func() bool { return len(h.k.ran) == 4 })
	h.settle(quiet)
	if got := strings.Count(h.screen(), "stale"); got != 1 {
		t.Errorf("after rerunning the edited cell: %d stale marks, want 1 (its reader):\n%s", got, h.screen())
	}
}

// TestHelpListsEveryBinding checks the overlay is generated from the whole
// key map: every binding is in a group, and the overlay shows it.
func TestHelpListsEveryBinding(t *testing.T) {
	km := keymap.Default()
	grouped := map[string]bool{}
	for _, g := range km.Groups() {
		for _, b := range g.Bindings {
			grouped[strings.Join(b.Keys(), ",")] = true
		}
	}
	dialogOnly := []string{"Yes", "No"}
	v := reflect.ValueOf(*km)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		b, ok := v.Field(i).Interface().(key.Binding)
		if !ok || slices.Contains(dialogOnly, f.Name) {
			continue
		}
		if !grouped[strings.Join(b.Keys(), ",")] {
			t.Errorf("binding %s (%s) is in no help group", f.Name, b.Help().Key)
		}
	}
	h := newHarness(t, 160, 48, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("?")
	// The overlay scrolls when it is taller than the screen: read it all.
	s := h.screen()
	for range 48 {
		h.keys("down")
		s += h.screen()
	}
	for _, g := range km.Groups() {
		for _, b := range g.Bindings {
			if !strings.Contains(s, b.Help().Key+" ") || !strings.Contains(s, b.Help().Desc) {
				t.Errorf("help overlay lacks %q %q", b.Help().Key, b.Help().Desc)
			}
		}
	}
	h.keys("esc")
	if h.m.showHelp {
		t.Error("esc did not close the help")
	}
}

func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	st := styles.Default()
	if !st.NoColor {
		t.Fatal("NO_COLOR set but the styles have colour")
	}
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	h.keys("down", "ctrl+j")
	frame := h.m.render()
	// Only attributes (bold, italic, underline, reverse), never a colour.
	for _, sgr := range regexp.MustCompile(`\x1b\[([0-9;:]*)m`).FindAllStringSubmatch(frame, -1) {
		for _, p := range strings.FieldsFunc(sgr[1], func(r rune) bool { return r == ';' || r == ':' }) {
			if n, _ := strconv.Atoi(p); n >= 30 && n <= 49 || n >= 90 && n <= 107 {
				t.Fatalf("colour in a NO_COLOR frame: %q", sgr[0])
			}
		}
	}
	if ansi.Strip(frame) == frame {
		t.Error("NO_COLOR frame has no emphasis at all")
	}
}

// TestSmallTerminals draws every screen at sizes down to one cell: no
// panic, and never more than the terminal holds.
func TestSmallTerminals(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {12, 3}, {30, 8}, {50, 12}, {79, 23}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, size[0], size[1], Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
			steps := [][]string{
				{"ctrl+r"}, {"down"}, {"ctrl+o"}, {"space", "down", "space"}, {"esc"},
				{"o"}, {"right", "G"}, {"esc", "?"}, {"esc", "enter"}, {"x"}, {"ctrl+q"},
			}
			for _, keys := range steps {
				h.keys(keys...)
				h.screen()
			}
		})
	}
}

func TestCatalogPreviewOpensThePager(t *testing.T) {
	h := newHarness(t, 120, 30, Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
	h.keys("tab", "space", "down", "p")
	h.waitFor("the preview", func() bool { return h.m.focus == focusResults })
	if s := h.screen(); !strings.Contains(s, "Preview of lake.crm.customers") {
		t.Errorf("preview not shown:\n%s", s)
	}
	if len(h.k.ran) != 1 || h.k.ran[0] != `SELECT * FROM lake."crm"."customers" LIMIT 1000` {
		t.Errorf("preview ran %q", h.k.ran)
	}
	if nb := h.m.notebook.Notebook(); len(nb.Cells) != 6 || h.m.notebook.Dirty() {
		t.Error("the preview changed the notebook")
	}
}

func TestSplitAndMerge(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	orig := h.m.notebook.Notebook().Cells[1].Source
	h.keys("down", "enter", "ctrl+\\") // the editor's cursor is on the last line
	got := sources(h.m.notebook.Notebook())[1:3]
	want := []string{"SELECT id, customer, segment, revenue, note, signup_date", "FROM lake.crm.customers -- rows 40"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("split (-want +got):\n%s", diff)
	}
	if h.m.notebook.Cursor() != 2 || !h.m.notebook.Editing() {
		t.Error("split did not move to the new cell's editor")
	}
	if name := h.m.notebook.Notebook().Cells[1].Options.Name; name != "customers" {
		t.Errorf("the first half lost its name: %q", name)
	}
	h.keys("esc", "up", "M")
	if got := h.m.notebook.Notebook().Cells[1].Source; got != orig {
		t.Errorf("merged source %q, want %q", got, orig)
	}
	if n := len(h.m.notebook.Notebook().Cells); n != 6 {
		t.Errorf("%d cells after split and merge, want 6", n)
	}
}

func TestAutosaveKeepsARecoveryCopyUntilSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "churn.md")
	rec := RecoveryPath(path)
	if want := filepath.Join(filepath.Dir(path), ".churn.recovery.md"); rec != want {
		t.Fatalf("RecoveryPath = %s, want %s", rec, want)
	}
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: path, AutosaveEvery: 50 * time.Millisecond})
	h.keys("down", "enter")
	h.typeText(" LIMIT 1")
	h.waitFor("the recovery copy", func() bool {
		data, err := os.ReadFile(rec)
		return err == nil && strings.Contains(string(data), "LIMIT 1")
	})
	back, err := notebooks.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Cells[1].Source; !strings.HasSuffix(got, " LIMIT 1") {
		t.Errorf("recovery copy holds %q", got)
	}
	// A new session on the same file says the copy is there.
	h2 := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: path})
	if s := h2.screen(); !strings.Contains(s, "unsaved changes from an") || !strings.Contains(s, "(! full)") {
		t.Errorf("no word of the recovery copy:\n%s", s)
	}
	// The message is cut to fit; ! shows it whole, with the copy's path.
	h2.keys("!")
	if s := h2.screen(); !strings.Contains(s, "unsaved changes from an earlier session are in") {
		t.Errorf("! does not show the whole message:\n%s", s)
	}
	h.keys("ctrl+s")
	h.waitFor("the save", func() bool { return !h.m.notebook.Dirty() })
	if _, err := os.Stat(rec); err == nil {
		t.Error("saving left the recovery copy")
	}
}
