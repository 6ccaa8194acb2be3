package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

// source returns the text of the cell under the cursor.
func (h *harness) source() string {
	nb := h.m.notebook.Notebook()
	return nb.Cells[h.m.notebook.Cursor()].Source
}

// completions returns the texts of the open popup's items, the first n.
func (h *harness) completions(n int) []string {
	var out []string
	for i, it := range h.m.notebook.Completions() {
		if n > 0 && i == n {
			break
		}
		out = append(out, it.Text)
	}
	return out
}

// newSQLHarness opens an empty notebook, editing its SQL cell, with the
// fake kernel's names listed.
func newSQLHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, 80, 24, Options{})
	h.waitFor("the names", h.m.notebook.HasNames)
	return h
}

func TestCompletion(t *testing.T) {
	tests := []struct {
		name  string
		typed string
		keys  []string // pressed after typing
		n     int      // items compared
		items []string // the popup's items at the end; nil when closed
		src   string   // the cell's text at the end
	}{
		{name: "keyword as you type", typed: "SEL", n: 2, items: []string{"SELECT"}, src: "SEL"},
		{name: "tab accepts", typed: "sel", keys: []string{"tab"}, src: "select"},
		{name: "lake namespaces and tables", typed: "SELECT * FROM lake.", n: 5,
			items: []string{"crm.customers", "crm.segments", "sales.orders", "crm", "sales"}, src: "SELECT * FROM lake."},
		{name: "down chooses", typed: "SELECT * FROM lake.", keys: []string{"down", "down", "tab"}, src: "SELECT * FROM lake.sales.orders"},
		{name: "up wraps", typed: "SELECT * FROM lake.cr", keys: []string{"up", "tab"}, src: "SELECT * FROM lake.crm"},
		{name: "full lake names", typed: "SELECT * FROM orde", keys: []string{"tab"}, src: "SELECT * FROM lake.sales.orders"},
		{name: "alias columns", typed: "SELECT * FROM lake.crm.customers AS x WHERE x.", n: 4,
			items: []string{"customer_id", "name", "signup_date", "revenue"}},
		{name: "alias column accepted", typed: "SELECT * FROM lake.crm.customers AS x WHERE x.si", keys: []string{"tab"},
			src: "SELECT * FROM lake.crm.customers AS x WHERE x.signup_date"},
		{name: "named result columns", typed: "SELECT * FROM customers WHERE seg", keys: []string{"tab"},
			src: "SELECT * FROM customers WHERE segment"},
		{name: "functions, fuzzy", typed: "SELECT dt", n: 1, items: []string{"date_trunc"}},
		{name: "space closes", typed: "SELECT * FROM lake. ", src: "SELECT * FROM lake. "},
		{name: "esc closes only the popup", typed: "SEL", keys: []string{"esc"}, src: "SEL"},
		{name: "ctrl+space opens with nothing typed", typed: "SELECT * FROM lake.crm.customers WHERE ", keys: []string{"ctrl+space"}, n: 2,
			items: []string{"customer_id", "name"}},
		{name: "backspace narrows", typed: "SELECT * FROM lake.sales.orde", keys: []string{"backspace"}, n: 1, items: []string{"orders"},
			src: "SELECT * FROM lake.sales.ord"},
		{name: "nothing in strings", typed: "SELECT 'lake."},
		{name: "nothing in comments", typed: "-- SEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSQLHarness(t)
			h.typeText(tt.typed)
			h.keys(tt.keys...)
			if !h.m.notebook.Editing() {
				t.Fatal("the cell is no longer being edited")
			}
			if d := cmp.Diff(tt.items, h.completions(tt.n)); d != "" {
				t.Errorf("items (-want +got):\n%s", d)
			}
			want := tt.src
			if want == "" {
				want = tt.typed
			}
			if got := h.source(); got != want {
				t.Errorf("cell = %q, want %q", got, want)
			}
		})
	}
}

// TestCompletionKeys checks that the popup's keys do not leak: esc closes
// the popup, a second esc stops editing; tab indents without a popup; up
// and down move through the text again once it is closed; running the
// cell closes it and lists the names again.
func TestCompletionKeys(t *testing.T) {
	h := newSQLHarness(t)
	before := h.k.listings()
	h.typeText("SEL")
	h.keys("esc")
	if !h.m.notebook.Editing() || h.m.notebook.Completions() != nil {
		t.Fatal("esc did not close just the popup")
	}
	h.keys("tab")
	if h.source() != "SEL    " {
		t.Errorf("tab without a popup: %q, want an indent", h.source())
	}
	h.typeText("\nSELECT 1 AS n")
	h.keys("ctrl+j")
	h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
	h.waitFor("the names listed again", func() bool { return h.k.listings() > before })
	if h.m.notebook.Completions() != nil {
		t.Error("the popup stayed open after the run")
	}
	h.keys("esc")
	if h.m.notebook.Editing() {
		t.Error("esc with no popup did not stop editing")
	}
	// The popup only opens in SQL cells.
	h.keys("t", "enter") // now a Go cell
	h.typeText("fmt.Pri")
	if h.m.notebook.Completions() != nil {
		t.Error("a Go cell opened the SQL popup")
	}
}

// TestEditorHighlight checks that the edited cell is drawn highlighted,
// with the cursor in reverse video, and that a long cell scrolls to keep
// the cursor on screen.
func TestEditorHighlight(t *testing.T) {
	st := styles.New(true)
	c := component.Common{Styles: st, KeyMap: keymap.Default(), Now: (&clock{}).Now}
	m := New(t.Context(), c, Options{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.notebook.InsertText("SELECT 42 FROM t")
	frame := m.render()
	if !strings.Contains(frame, st.Keyword.Render("SELECT")) {
		t.Errorf("the keyword is not highlighted while editing:\n%q", frame)
	}
	if !strings.Contains(frame, "\x1b[7m") {
		t.Errorf("no cursor in reverse video:\n%q", frame)
	}

	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf("SELECT %d AS line_%d", i+1, i+1))
	}
	h := newHarness(t, 80, 24, Options{})
	h.m.notebook.InsertText(strings.Join(lines, "\n"))
	s := h.screen()
	if !strings.Contains(s, "line_200") || strings.Contains(s, "AS line_1 ") {
		t.Errorf("the editor is not scrolled to the cursor on the last line:\n%s", s)
	}
	// Soft wrapping: a line longer than the screen takes two lines.
	h = newHarness(t, 40, 24, Options{})
	h.typeText("SELECT customer_id, name, revenue, signup_date FROM lake.crm.customers")
	h.keys("esc", "esc")
	h.keys("enter")
	s = h.screen()
	if !strings.Contains(s, "SELECT customer_id, name, revenue,") || !strings.Contains(s, "signup_date FROM lake.crm.customers") {
		t.Errorf("the long line is not wrapped:\n%s", s)
	}
}

// TestVim drives the editor in vim mode: key sequences from the notebook,
// the cell's text and the mode after them.
func TestVim(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		src  string
		mode string // "" when no cell is edited
	}{
		{"enter edits in normal mode", []string{"enter"}, "SELECT 1\nFROM t", "NORMAL"},
		{"x", []string{"enter", "x"}, "ELECT 1\nFROM t", "NORMAL"},
		{"dd", []string{"enter", "d", "d"}, "FROM t", "NORMAL"},
		{"j dd", []string{"enter", "j", "d", "d"}, "SELECT 1", "NORMAL"},
		{"dw", []string{"enter", "d", "w"}, "1\nFROM t", "NORMAL"},
		{"cw", []string{"enter", "c", "w", "W", "I", "T", "H", "esc"}, "WITH 1\nFROM t", "NORMAL"},
		{"A", []string{"enter", "A", " ", "A", "S", " ", "n", "esc"}, "SELECT 1 AS n\nFROM t", "NORMAL"},
		{"o", []string{"enter", "o", "W", "esc"}, "SELECT 1\nW\nFROM t", "NORMAL"},
		{"G D", []string{"enter", "G", "w", "D"}, "SELECT 1\nFROM ", "NORMAL"},
		{"yy p", []string{"enter", "y", "y", "p"}, "SELECT 1\nSELECT 1\nFROM t", "NORMAL"},
		{"u", []string{"enter", "d", "d", "u"}, "SELECT 1\nFROM t", "NORMAL"},
		{"$ x", []string{"enter", "$", "x"}, "SELECT \nFROM t", "NORMAL"},
		{"i then esc", []string{"enter", "i"}, "SELECT 1\nFROM t", "INSERT"},
		{"esc in normal mode stops editing", []string{"enter", "x", "esc"}, "ELECT 1\nFROM t", ""},
		{"notebook keys work when not editing", []string{"enter", "esc", "j"}, "SELECT 2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := "```sql\nSELECT 1\nFROM t\n```\n\n```sql\nSELECT 2\n```\n"
			h := newHarness(t, 80, 24, Options{Notebook: parseText(t, nb), Path: "v.md", Vim: true})
			h.keys(tt.keys...)
			if got := h.source(); got != tt.src {
				t.Errorf("cell = %q, want %q", got, tt.src)
			}
			if got := h.m.notebook.VimMode(); got != tt.mode {
				t.Errorf("mode = %q, want %q", got, tt.mode)
			}
			if tt.mode != "" && !strings.Contains(h.screen(), tt.mode) {
				t.Errorf("the screen does not show %s:\n%s", tt.mode, h.screen())
			}
		})
	}
}

// TestVimHelp checks that the help overlay lists vim mode only when on.
func TestVimHelp(t *testing.T) {
	for _, on := range []bool{false, true} {
		h := newHarness(t, 160, 80, Options{Vim: on})
		h.keys("f1")
		if got := strings.Contains(h.screen(), "Vim mode"); got != on {
			t.Errorf("vim %v: help lists vim mode: %v", on, got)
		}
	}
}

// TestEditorScreens compares screens of the editor with the completion
// popup open with golden files at 80x24 and 160x48.
func TestEditorScreens(t *testing.T) {
	screens := []struct {
		name string
		do   func(h *harness)
	}{
		{"complete_columns", func(h *harness) {
			h.keys("down", "b")
			h.typeText("SELECT c.")
		}},
		{"complete_lake", func(h *harness) {
			h.keys("down", "b")
			h.typeText("SELECT *\nFROM lake.")
		}},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				h := newHarness(t, size[0], size[1], sampleOpts(t))
				h.waitFor("the names", h.m.notebook.HasNames)
				s.do(h)
				if s.name == "complete_columns" {
					// The FROM comes after the cursor: type it, come back.
					h.typeText(" FROM lake.crm.customers AS c")
					for range len(" FROM lake.crm.customers AS c") {
						h.keys("left")
					}
					h.keys("ctrl+space")
				}
				if h.m.notebook.Completions() == nil {
					t.Fatal("the popup is not open")
				}
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}

func parseText(t testing.TB, md string) *notebooks.Notebook {
	t.Helper()
	nb, err := notebooks.Parse("v.md", []byte(md))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// TestTabsIndent draws a Go cell's tab indentation as four columns, when
// the cell is shown and while it is edited, with the cursor after a tab
// where the text goes on.
func TestTabsIndent(t *testing.T) {
	nb, err := notebooks.Parse("tabs.md", []byte("```go\nfor i := range 3 {\n\tfmt.Println(i)\n}\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "tabs.md"})
	if s := h.screen(); !strings.Contains(s, "┃     fmt.Println(i)") {
		t.Errorf("the tab is not drawn as four columns:\n%s", s)
	}
	h.keys("enter", "esc")
	if h.m.notebook.Dirty() {
		t.Errorf("editing without a change changed the cell: %q", h.source())
	}
	h.keys("enter", "up", "home", "right", "right", "right", "right")
	h.typeText("x")
	if got := h.source(); got != "for i := range 3 {\n\txfmt.Println(i)\n}" {
		t.Errorf("typed after the indentation: %q", got)
	}
	if s := h.screen(); !strings.Contains(s, "┃     xfmt.Println(i)") {
		t.Errorf("the edited line is not drawn with its tab:\n%s", s)
	}
}
