package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/notebooks"
)

// step is one thing done in an editing test: keys pressed, text typed, a
// paste, or the clock moved on.
type step struct {
	keys  []string
	typed string
	paste string
	wait  time.Duration
}

func (h *harness) do(steps []step) {
	h.t.Helper()
	for _, s := range steps {
		h.keys(s.keys...)
		h.typeText(s.typed)
		if s.paste != "" {
			h.send(tea.PasteMsg{Content: s.paste})
		}
		h.clock.Add(s.wait)
	}
}

func keys(k ...string) step { return step{keys: k} }
func typed(s string) step   { return step{typed: s} }
func pause() step           { return step{wait: 2 * time.Second} }
func pasted(s string) step  { return step{paste: s} }
func repeat(k string, n int) step {
	var ks []string
	for range n {
		ks = append(ks, k)
	}
	return step{keys: ks}
}

// TestUndo checks undo and redo in the edited cell: typing is grouped by
// word and by pause, a paste, ctrl+u and a completion are one step each,
// the cursor goes back where the change was, and the history outlives
// leaving the editor.
func TestUndo(t *testing.T) {
	tests := []struct {
		name     string
		vim      bool
		steps    []step
		src      string
		row, col int
	}{
		{name: "a word a step", steps: []step{typed("SELECT 1 FROM t"), keys("ctrl+z")}, src: "SELECT 1 FROM ", col: 14},
		{name: "two undos", steps: []step{typed("SELECT 1 FROM t"), keys("ctrl+z", "ctrl+z")}, src: "SELECT 1 ", col: 9},
		{name: "undo all", steps: []step{typed("SELECT 1"), repeat("ctrl+z", 5)}, src: ""},
		{name: "a pause ends a step", steps: []step{typed("ab"), pause(), typed("cd"), keys("ctrl+z")}, src: "ab", col: 2},
		{name: "ctrl+u then undo gives the text back", steps: []step{typed("SELECT 1\nFROM t"), pause(), keys("ctrl+u"), keys("ctrl+z")},
			src: "SELECT 1\nFROM t", row: 1, col: 6},
		{name: "a paste is one step", steps: []step{typed("x "), pasted("SELECT 1, 2"), keys("ctrl+z")}, src: "x ", col: 2},
		{name: "erasing is one step", steps: []step{typed("abc"), pause(), keys("backspace", "backspace"), keys("ctrl+z")}, src: "abc", col: 3},
		{name: "a completion is one step", steps: []step{typed("sel"), keys("tab"), keys("ctrl+z")}, src: "sel", col: 3},
		{name: "redo", steps: []step{typed("SELECT 1 FROM t"), keys("ctrl+z", "ctrl+z", "alt+z")}, src: "SELECT 1 FROM ", col: 14},
		{name: "ctrl+shift+z redoes", steps: []step{typed("a b"), keys("ctrl+z", "ctrl+shift+z")}, src: "a b", col: 3},
		{name: "an edit drops the redo", steps: []step{typed("a b"), keys("ctrl+z"), typed("c"), keys("alt+z")}, src: "a c", col: 3},
		{name: "the cursor goes back to the change", steps: []step{typed("SELECT 1\nFROM t"), keys("esc", "ctrl+home"), pasted("-- x\n"), keys("down", "end"), keys("ctrl+z")},
			src: "SELECT 1\nFROM t", row: 0, col: 0},
		{name: "across leaving the editor", steps: []step{typed("SELECT 1"), keys("esc", "enter", "ctrl+z")}, src: "SELECT ", col: 7},
		{name: "nothing to undo", steps: []step{keys("ctrl+z")}, src: ""},
		{name: "vim u and ctrl+r", vim: true, steps: []step{keys("i"), typed("SELECT 1 FROM t"), keys("esc", "u", "u", "ctrl+r")}, src: "SELECT 1 FROM ", col: 14},
		{name: "vim u undoes dd", vim: true, steps: []step{keys("i"), typed("a\nb"), keys("esc"), pause(), keys("d", "d", "u")}, src: "a\nb", row: 1, col: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSQLHarness(t)
			if tt.vim {
				h.m.notebook.SetVim(true)
			}
			h.do(tt.steps)
			if got := h.source(); got != tt.src {
				t.Errorf("cell = %q, want %q (status %q)", got, tt.src, h.m.message)
			}
			if row, col := h.m.notebook.EditorCursor(); row != tt.row || col != tt.col {
				t.Errorf("cursor at %d:%d, want %d:%d", row, col, tt.row, tt.col)
			}
		})
	}
}

// TestVimStartsInNormalMode checks that vim mode starts in normal mode,
// also in a new notebook's empty cell: i inserts, and is not typed.
func TestVimStartsInNormalMode(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Vim: true})
	if got := h.m.notebook.VimMode(); got != "NORMAL" {
		t.Fatalf("mode = %q, want NORMAL", got)
	}
	h.keys("i")
	h.typeText("x")
	if got := h.source(); got != "x" {
		t.Errorf("cell = %q, want %q", got, "x")
	}
	h.keys("esc", "v")
	if got := h.m.notebook.VimMode(); got != "VISUAL" {
		t.Errorf("after v: mode %q, want VISUAL", got)
	}
}

// TestRunStatement checks that the run key runs the statement under the
// cursor, cut as the kernel cuts the cell, or the selection, and says so.
func TestRunStatement(t *testing.T) {
	src := "SELECT 1;\n-- two; not a statement\nSELECT 'a;b' AS s;\nSELECT $$x;y$$"
	tests := []struct {
		name   string
		keys   []string // from the start of the cell
		ran    string
		status string
	}{
		{"first", []string{"ctrl+enter"}, "SELECT 1", "ran statement 1 of 3 (line 1): SELECT 1"},
		{"after the semicolon", []string{"end", "ctrl+enter"}, "SELECT 1", "statement 1 of 3"},
		{"a comment belongs to the next", []string{"down", "alt+enter"}, "SELECT 'a;b' AS s", "statement 2 of 3 (line 3)"},
		{"a semicolon in a string", []string{"down", "down", "right", "right", "right", "right", "right", "right", "right", "right", "right", "f6"}, "SELECT 'a;b' AS s", "statement 2 of 3"},
		{"dollar quotes", []string{"down", "down", "down", "end", "ctrl+enter"}, "SELECT $$x;y$$", "statement 3 of 3 (line 4)"},
		{"a selection", []string{"shift+right", "shift+right", "shift+right", "shift+right", "shift+right", "shift+right", "shift+right", "shift+right", "ctrl+enter"},
			"SELECT 1", "ran the selection (line 1)"},
		{"the whole cell", []string{"shift+enter"}, src, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := parseText(t, "```sql\n"+src+"\n```\n")
			h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "s.md"})
			h.keys("enter", "ctrl+home")
			h.keys(tt.keys...)
			h.waitFor("the run", func() bool { h.k.mu.Lock(); defer h.k.mu.Unlock(); return len(h.k.ran) == 1 })
			h.settle(quiet)
			if got := h.k.ran[0]; got != tt.ran {
				t.Errorf("ran %q, want %q", got, tt.ran)
			}
			if !strings.Contains(h.m.message, tt.status) {
				t.Errorf("status %q, want it to say %q", h.m.message, tt.status)
			}
			if got := h.source(); got != src {
				t.Errorf("the run changed the cell to %q", got)
			}
			if !h.m.notebook.Editing() {
				t.Error("the run stopped editing")
			}
		})
	}
}

// TestVimVisualRunsTheSelection checks v selects what the run key runs.
func TestVimVisualRunsTheSelection(t *testing.T) {
	nb := parseText(t, "```sql\nSELECT 1; SELECT 22\n```\n")
	h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "v.md", Vim: true})
	// From the end back one: "22", part of the statement there.
	h.keys("enter", "$", "v", "h", "alt+enter")
	h.waitFor("the run", func() bool { h.k.mu.Lock(); defer h.k.mu.Unlock(); return len(h.k.ran) == 1 })
	if got := h.k.ran[0]; got != "22" {
		t.Errorf("ran %q, want the selection %q", got, "22")
	}
}

// TestFindReplace checks the find bar: it finds (smartcase), goes from
// match to match, replaces one and all, and undo takes a replace back.
func TestFindReplace(t *testing.T) {
	src := "SELECT foo, Foo FROM t\nWHERE foo > 1"
	tests := []struct {
		name     string
		keys     []string
		typed    []string // typed after each key of keys, by index; "" for none
		src      string
		row, col int
		status   string
	}{
		{name: "first match", keys: []string{"ctrl+f"}, typed: []string{"foo"}, src: src, col: 7},
		{name: "next", keys: []string{"ctrl+f", "enter"}, typed: []string{"foo", ""}, src: src, col: 12, status: "match 2 of 3"},
		{name: "next wraps", keys: []string{"ctrl+f", "enter", "enter", "enter"}, typed: []string{"foo"}, src: src, col: 7, status: "match 1 of 3"},
		{name: "previous", keys: []string{"ctrl+f", "up"}, typed: []string{"foo"}, src: src, row: 1, col: 6, status: "match 3 of 3"},
		{name: "a capital matches case", keys: []string{"ctrl+f", "enter"}, typed: []string{"Foo"}, src: src, col: 12, status: "match 1 of 1"},
		{name: "no match", keys: []string{"ctrl+f", "enter"}, typed: []string{"nope"}, src: src, status: `no match for "nope"`},
		{name: "replace one", keys: []string{"ctrl+f", "tab", "enter"}, typed: []string{"foo", "bar"},
			src: "SELECT bar, Foo FROM t\nWHERE foo > 1", col: 12, status: "match 1 of 2"},
		{name: "replace all", keys: []string{"ctrl+f", "tab", "ctrl+a"}, typed: []string{"Foo", "x"},
			src: "SELECT foo, x FROM t\nWHERE foo > 1", status: `replaced 1 match of "Foo"`},
		{name: "replace all, smartcase", keys: []string{"ctrl+f", "tab", "ctrl+a", "esc"}, typed: []string{"foo", "n"},
			src: "SELECT n, n FROM t\nWHERE n > 1"},
		{name: "undo a replace all", keys: []string{"ctrl+f", "tab", "ctrl+a", "esc", "ctrl+z"}, typed: []string{"foo", "n"}, src: src},
		{name: "esc closes the bar, keys type again", keys: []string{"ctrl+f", "esc"}, typed: []string{"foo", "X"},
			src: "SELECT Xfoo, Foo FROM t\nWHERE foo > 1", col: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := parseText(t, "```sql\n"+src+"\n```\n")
			h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "f.md"})
			h.keys("enter", "ctrl+home")
			for i, k := range tt.keys {
				h.keys(k)
				if i < len(tt.typed) {
					h.typeText(tt.typed[i])
				}
			}
			if got := h.source(); got != tt.src {
				t.Errorf("cell = %q, want %q", got, tt.src)
			}
			if tt.row != 0 || tt.col != 0 {
				if row, col := h.m.notebook.EditorCursor(); row != tt.row || col != tt.col {
					t.Errorf("cursor at %d:%d, want %d:%d", row, col, tt.row, tt.col)
				}
			}
			if !strings.Contains(h.m.message, tt.status) {
				t.Errorf("status %q, want it to say %q", h.m.message, tt.status)
			}
		})
	}
}

// TestVimFind checks / n N in vim's normal mode.
func TestVimFind(t *testing.T) {
	nb := parseText(t, "```sql\nSELECT a, a FROM a\n```\n")
	h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "v.md", Vim: true})
	h.keys("enter", "/")
	h.typeText("a")
	h.keys("esc", "n", "n")
	if _, col := h.m.notebook.EditorCursor(); col != 17 {
		t.Errorf("after / a esc n n: column %d, want 17", col)
	}
	h.keys("N")
	if _, col := h.m.notebook.EditorCursor(); col != 10 {
		t.Errorf("after N: column %d, want 10", col)
	}
}

// TestFormatKey checks f4: it formats a SQL cell as one step of undo, and
// leaves SQL it cannot tokenize, or a Go cell, as it is.
func TestFormatKey(t *testing.T) {
	tests := []struct {
		name, lang, src, want, status string
		undo                          bool
	}{
		{name: "formats", lang: "sql", src: "select a from t where x and y",
			want: "SELECT a\nFROM t\nWHERE x\n  AND y", status: "formatted"},
		{name: "undo", lang: "sql", src: "select a from t", want: "select a from t", undo: true},
		{name: "already", lang: "sql", src: "SELECT 1", want: "SELECT 1", status: "already formatted"},
		{name: "broken", lang: "sql", src: "select 'oops from t", want: "select 'oops from t", status: "not formatted: line 1: unterminated string"},
		{name: "go", lang: "go", src: "x := 1", want: "x := 1", status: "format works on SQL cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := parseText(t, "```"+tt.lang+"\n"+tt.src+"\n```\n")
			h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "f.md"})
			h.keys("enter", "f4")
			if tt.undo {
				h.keys("ctrl+z")
			}
			if got := h.source(); got != tt.want {
				t.Errorf("cell = %q, want %q", got, tt.want)
			}
			if !strings.Contains(h.m.message, tt.status) {
				t.Errorf("status %q, want it to say %q", h.m.message, tt.status)
			}
		})
	}
}

// TestCellTypes checks that a new cell is SQL, that 1..4 choose a type,
// and that an empty cell's placeholder fits its type.
func TestCellTypes(t *testing.T) {
	nb := parseText(t, "```go\nx := 1\n```\n")
	h := newHarness(t, 100, 24, Options{Notebook: nb, Path: "t.md"})
	h.keys("b")
	c := h.m.notebook.Notebook().Cells[1]
	if c.Kind != notebooks.Code || c.Lang != notebooks.LangSQL {
		t.Errorf("a new cell after a Go cell is %v %q, want SQL", c.Kind, c.Lang)
	}
	for _, tc := range []struct {
		key         string
		kind        notebooks.Kind
		lang        string
		placeholder string
	}{
		{"2", notebooks.Code, notebooks.LangGo, "fmt.Println"},
		{"3", notebooks.Code, notebooks.LangAsk, "a question in plain words"},
		{"4", notebooks.Markdown, "", "# A heading"},
		{"1", notebooks.Code, notebooks.LangSQL, "SELECT … FROM lake"},
	} {
		h.keys("esc", tc.key)
		c := h.m.notebook.Notebook().Cells[1]
		if c.Kind != tc.kind || c.Lang != tc.lang {
			t.Errorf("%s: cell is %v %q, want %v %q", tc.key, c.Kind, c.Lang, tc.kind, tc.lang)
		}
		h.keys("enter")
		if s := h.screen(); !strings.Contains(s, tc.placeholder) {
			t.Errorf("%s: the empty cell does not show %q:\n%s", tc.key, tc.placeholder, s)
		}
	}
}

// TestCellOptions checks the options bar: it sets the options the
// notebook's parser accepts, and a bad line changes nothing and shows the
// parser's error.
func TestCellOptions(t *testing.T) {
	tests := []struct {
		name, line string
		want       string // the options after
		status     string
	}{
		{"sets", "assert rows=5 name=top", "name=top rows=5 assert", "options set: name=top rows=5 assert"},
		{"clears", "", "", "options cleared"},
		{"a bad value", "rows=many", "name=old", "options not set: "},
		{"an unknown option", "colour=red", "name=old", "options not set: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := parseText(t, "```sql name=old\nSELECT 1\n```\n")
			h := newHarness(t, 80, 24, Options{Notebook: nb, Path: "o.md"})
			h.keys("O")
			if !strings.Contains(h.screen(), "options: name=old") {
				t.Fatalf("the options bar does not show the cell's options:\n%s", h.screen())
			}
			h.keys("ctrl+u")
			h.typeText(tt.line)
			h.keys("enter")
			if got := h.m.notebook.Notebook().Cells[0].Options.String(); got != tt.want {
				t.Errorf("options = %q, want %q", got, tt.want)
			}
			if !strings.Contains(h.m.message, tt.status) {
				t.Errorf("status %q, want it to say %q", h.m.message, tt.status)
			}
			if _, err := notebooks.ParseOptions(tt.line); (err != nil) != strings.HasPrefix(tt.status, "options not set") {
				t.Errorf("the bar and the parser disagree on %q: %v", tt.line, err)
			} else if err != nil && !strings.Contains(h.m.message, err.Error()) {
				t.Errorf("status %q does not give the parser's error %q", h.m.message, err)
			}
		})
	}
}

// TestPaletteSetsOptions checks the palette's option commands.
func TestPaletteSetsOptions(t *testing.T) {
	nb := parseText(t, "```sql\nSELECT 1\n```\n")
	h := newHarness(t, 100, 30, Options{Notebook: nb, Path: "o.md"})
	h.keys("ctrl+x")
	h.typeText("assert the cell")
	h.keys("enter")
	if got := h.m.notebook.Notebook().Cells[0].Options.String(); got != "assert" {
		t.Errorf("options = %q, want assert", got)
	}
	h.keys("ctrl+x")
	h.typeText("name the cell")
	h.keys("enter")
	h.typeText("top")
	h.keys("enter")
	if got := h.m.notebook.Notebook().Cells[0].Options.String(); got != "name=top assert" {
		t.Errorf("options = %q, want name=top assert", got)
	}
}

// TestEditingScreens compares screens of the find bar, the options bar
// and a Go cell's placeholder with golden files.
func TestEditingScreens(t *testing.T) {
	screens := []struct {
		name string
		do   func(h *harness)
	}{
		{"find", func(h *harness) {
			h.keys("down", "enter", "ctrl+f")
			h.typeText("seg")
			h.keys("enter", "tab")
			h.typeText("segment_name")
		}},
		{"options", func(h *harness) { h.keys("down", "O") }},
		{"go_placeholder", func(h *harness) { h.keys("down", "b", "esc", "2", "enter") }},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				h := newHarness(t, size[0], size[1], sampleOpts(t))
				s.do(h)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}
