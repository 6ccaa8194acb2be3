package pager

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

func plain(lines []string) string { return ansi.Strip(strings.Join(lines, "\n")) }

func TestRenderNullEmptyAndNumbers(t *testing.T) {
	tb := &kernel.Table{
		Columns: []string{"name", "amount", "interval"},
		Types:   []string{"VARCHAR", "DECIMAL(12,2)", "INTERVAL"},
		Rows: [][]any{
			{"alice", 12.5, "1 day"},
			{nil, nil, nil},
			{"", 1234567.25, "2 days"},
			{"NULL", -3.0, "x"},
		},
		Total: 4,
	}
	got := plain(Render(tb, NewLayout(tb), Window{Rows: 10, Width: 80, SelRow: -1, SelCol: -1}, styles.Plain()))
	lines := strings.Split(got, "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines, want 3 header lines and 4 rows:\n%s", len(lines), got)
	}
	for i, w := range []string{
		"alice   │          12.5 │ 1 day   ",
		"∅       │             ∅ │ ∅       ",
		"        │    1234567.25 │ 2 days  ",
		"NULL    │            -3 │ x       ",
	} {
		if lines[3+i] != w {
			t.Errorf("row %d = %q, want %q", i, lines[3+i], w)
		}
	}
}

// TestRenderTouchesOnlyTheWindow fills every row outside the window with a
// value that fails the test when formatted.
func TestRenderTouchesOnlyTheWindow(t *testing.T) {
	const n = 100000
	tb := &kernel.Table{Columns: []string{"a", "b"}, Types: []string{"BIGINT", "VARCHAR"}, Total: n}
	tb.Rows = make([][]any, n)
	bomb := trap{t}
	for i := range tb.Rows {
		tb.Rows[i] = []any{bomb, bomb}
	}
	for i := 50000; i < 50010; i++ {
		tb.Rows[i] = []any{int64(i), "ok"}
	}
	l := &Layout{Widths: []int{6, 4}, Numeric: []bool{true, false}, types: []string{"bigint", "varchar"}}
	got := plain(Render(tb, l, Window{Top: 50000, Rows: 10, Width: 40, SelRow: 50003, SelCol: 1}, styles.Plain()))
	if !strings.Contains(got, " 50009 │ ok") {
		t.Errorf("window rows missing:\n%s", got)
	}
}

type trap struct{ t *testing.T }

func (tr trap) String() string {
	tr.t.Helper()
	tr.t.Error("a row outside the window was formatted")
	return "?"
}

func TestVisibleColumnsScrollsHorizontally(t *testing.T) {
	l := &Layout{Widths: []int{10, 10, 10, 10, 10}}
	cols := visibleColumns(l, 0, 30)
	if len(cols) != 3 || cols[2].width != 4 {
		t.Errorf("columns at width 30 = %v, want two whole and a cut third", cols)
	}
	if got := lastFullColumn(l, 0, 30); got != 1 {
		t.Errorf("last full column = %d, want 1", got)
	}
	if got := visibleColumns(l, 3, 30); got[0].index != 3 || len(got) != 2 {
		t.Errorf("scrolled to column 3: %v", got)
	}
}

func TestPagerKeys(t *testing.T) {
	c := component.Common{Styles: styles.Plain(), KeyMap: keymap.Default()}
	m := New(c)
	tb := &kernel.Table{Total: 5_000_000}
	for i := range 20 {
		tb.Columns = append(tb.Columns, fmt.Sprintf("column_%02d", i))
		tb.Types = append(tb.Types, "INTEGER")
	}
	for r := range 1000 {
		row := make([]any, 20)
		for i := range row {
			row[i] = int32(r*100 + i)
		}
		tb.Rows = append(tb.Rows, row)
	}
	m.SetTable(tb, "t")
	m.SetSize(80, 24)
	press := func(keys ...string) {
		for _, k := range keys {
			m.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		}
	}
	press("G", "$")
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "row 1,000 of 5,000,000 (first 1,000 held) · col 20 of 20 · column_19 = 99919") {
		t.Errorf("footer after G $:\n%s", view)
	}
	if !strings.Contains(view, "column_19") || strings.Contains(view, "column_00") {
		t.Errorf("last column not scrolled into view:\n%s", view)
	}
	press("g", "0")
	view = ansi.Strip(m.View())
	if !strings.Contains(view, "column_00") || !strings.Contains(view, "row 1 of") {
		t.Errorf("g 0 did not return to the first cell:\n%s", view)
	}
	if n := len(strings.Split(view, "\n")); n != 24 {
		t.Errorf("view has %d lines, want 24", n)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestQuoteTellsNullFromEmpty(t *testing.T) {
	if Quote(nil) == Quote("") || Quote(nil) == Quote("NULL") {
		t.Errorf("Quote(nil)=%s Quote(\"\")=%s Quote(\"NULL\")=%s", Quote(nil), Quote(""), Quote("NULL"))
	}
}

func TestSortCyclesAscendingDescendingOff(t *testing.T) {
	c := component.Common{Styles: styles.Plain(), KeyMap: keymap.Default()}
	m := New(c)
	tb := &kernel.Table{
		Columns: []string{"name", "n"},
		Types:   []string{"VARCHAR", "BIGINT"},
		Rows:    [][]any{{"b", int64(10)}, {"a", nil}, {"c", int64(9)}, {"d", int64(-1)}},
		Total:   4,
	}
	m.SetTable(tb, "t")
	m.SetSize(60, 12)
	column := func() string {
		var out []string
		for r := range tb.Rows {
			out = append(out, Cell(m.heldRow(r)[1]))
		}
		return strings.Join(out, " ")
	}
	sortKey := func() {
		if cmd := m.Update(tea.KeyPressMsg{Code: 's', Text: "s"}); cmd != nil {
			m.Update(cmd())
		}
	}
	m.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	for _, want := range []string{"-1 9 10 ∅", "10 9 -1 ∅", "10 ∅ 9 -1"} {
		sortKey()
		if got := column(); got != want {
			t.Errorf("after s: %q, want %q", got, want)
		}
	}
	sortKey()
	if !strings.Contains(ansi.Strip(m.View()), "sorted by n ↑") {
		t.Errorf("footer does not say how rows are sorted:\n%s", ansi.Strip(m.View()))
	}
	if v, _ := m.value(); v != int64(-1) {
		t.Errorf("selected value after sorting = %v, want -1 (the first sorted row)", v)
	}
}
