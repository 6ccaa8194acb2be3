package tui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/components/catalog"
)

// The helpers here drive the command palette, the query history and the
// mouse; fake_test.go has the harness they extend.

// at returns the column and line where text first appears on the screen,
// counting columns as the terminal does. The test fails if it is not there.
func (h *harness) at(text string) (x, y int) {
	h.t.Helper()
	x, y, ok := h.find(text)
	if !ok {
		h.t.Fatalf("%q is not on the screen:\n%s", text, h.screen())
	}
	return x, y
}

func (h *harness) find(text string) (x, y int, ok bool) {
	for y, line := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return ansi.StringWidth(line[:i]), y, true
		}
	}
	return 0, 0, false
}

// click clicks the left button at x, y.
func (h *harness) click(x, y int) {
	h.t.Helper()
	h.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
}

// clickOn clicks the first character of text where it is on the screen,
// moved by dx columns.
func (h *harness) clickOn(text string, dx int) {
	h.t.Helper()
	x, y := h.at(text)
	h.click(x+dx, y)
}

// historyOpts is the sample notebook with a query history file in a new
// directory.
func historyOpts(t testing.TB) Options {
	o := sampleOpts(t)
	o.History = filepath.Join(t.TempDir(), "home", "history.jsonl")
	return o
}

// runAllAndWait runs every cell and waits until the kernel is idle and the
// runs are recorded.
func runAllAndWait(h *harness, cells int) {
	h.t.Helper()
	h.keys("ctrl+r")
	h.waitFor("the run", func() bool {
		r, _ := h.m.notebook.Running()
		h.k.mu.Lock()
		n := len(h.k.ran)
		h.k.mu.Unlock()
		return !r && n >= cells
	})
	h.settle(quiet)
	h.m.history.wait()
	h.settle(quiet)
}

// previewMsg is what the catalog sends for p on a table.
func previewMsg(ns, table string) catalog.PreviewMsg { return catalog.PreviewMsg{NS: ns, Table: table} }
