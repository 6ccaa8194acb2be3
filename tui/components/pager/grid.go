package pager

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/styles"
)

// sampleRows is how many rows, from the top, decide the column widths: a
// result of millions of rows is never scanned to draw one screen.
const sampleRows = 200

// maxColumnWidth caps a column; longer values are cut with an ellipsis and
// shown whole in the footer when selected.
const maxColumnWidth = 40

// nullMark is how NULL is drawn, so it can never be mistaken for the text
// 'NULL' or for an empty string, which is drawn as nothing.
const nullMark = "∅"

// Layout is what drawing a table needs besides its rows: each column's
// width and alignment. It is computed once per table.
type Layout struct {
	Widths  []int
	Numeric []bool
	types   []string
}

// NewLayout measures the header and the first rows of t.
func NewLayout(t *kernel.Table) *Layout {
	l := &Layout{Widths: make([]int, len(t.Columns)), Numeric: make([]bool, len(t.Columns)), types: make([]string, len(t.Columns))}
	for i, c := range t.Columns {
		if i < len(t.Types) {
			l.types[i] = strings.ToLower(t.Types[i])
			l.Numeric[i] = t.Numeric(i)
		}
		l.Widths[i] = max(ansi.StringWidth(c), ansi.StringWidth(l.types[i]), 1)
	}
	for r := 0; r < min(len(t.Rows), sampleRows); r++ {
		for i, v := range t.Rows[r] {
			if i >= len(l.Widths) {
				break
			}
			if i >= len(t.Types) && isNumberValue(v) {
				l.Numeric[i] = true
			}
			l.Widths[i] = max(l.Widths[i], ansi.StringWidth(Cell(v)))
		}
	}
	for i := range l.Widths {
		l.Widths[i] = min(l.Widths[i], maxColumnWidth)
	}
	return l
}

// Window says which part of a table to draw and what is selected.
type Window struct {
	Top, Left int // first row and first column drawn
	Rows      int // how many rows at most
	Width     int // columns of screen
	// SelRow and SelCol are the selected cell; -1 selects nothing.
	SelRow, SelCol int
	// Order, if set, maps row positions to held rows: a sorted view.
	Order []int
	// Row, if set, returns the row at a position in place of t.Rows, nil
	// for a row still loading, and Count is how many rows there are: a
	// result paged in from the kernel.
	Row   func(r int) []any
	Count int
}

// loadingMark is drawn in each cell of a row that is still being fetched.
const loadingMark = "·"

// Render draws the rows of w: a header of column names and types, a rule,
// then the rows, each line at most w.Width wide. It touches only the rows
// and columns in the window.
func Render(t *kernel.Table, l *Layout, w Window, st *styles.Styles) []string {
	cols := visibleColumns(l, w.Left, w.Width)
	sep := st.GridRule.Render(" │ ")
	lines := make([]string, 0, w.Rows+3)
	var names, types, rule strings.Builder
	for k, c := range cols {
		if k > 0 {
			names.WriteString(sep)
			types.WriteString(sep)
			rule.WriteString("─┼─")
		}
		names.WriteString(st.GridHeader.Render(pad(t.Columns[c.index], c.width, false)))
		types.WriteString(st.GridType.Render(pad(l.types[c.index], c.width, false)))
		rule.WriteString(strings.Repeat("─", c.width))
	}
	lines = append(lines, names.String(), types.String(), st.GridRule.Render(rule.String()))
	n := len(t.Rows)
	if w.Row != nil {
		n = w.Count
	}
	end := min(n, w.Top+w.Rows)
	for r := w.Top; r < end; r++ {
		var row []any
		switch {
		case w.Row != nil:
			row = w.Row(r)
		case w.Order != nil:
			row = t.Rows[w.Order[r]]
		default:
			row = t.Rows[r]
		}
		var b strings.Builder
		selected := r == w.SelRow
		for k, c := range cols {
			if k > 0 {
				b.WriteString(sep)
			}
			var v any
			if c.index < len(row) {
				v = row[c.index]
			}
			text := pad(Cell(v), c.width, l.Numeric[c.index])
			if row == nil {
				text = pad(loadingMark, c.width, l.Numeric[c.index])
			}
			switch {
			case row == nil && !selected:
				b.WriteString(st.GridType.Render(text))
			case selected && c.index == w.SelCol:
				b.WriteString(st.GridSelected.Render(text))
			case selected:
				b.WriteString(st.GridRow.Render(text))
			case v == nil:
				b.WriteString(st.GridNull.Render(text))
			default:
				b.WriteString(text)
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}

type column struct{ index, width int }

// visibleColumns returns the columns from left that fit in width, the last
// one cut if at least a few characters of it fit.
func visibleColumns(l *Layout, left, width int) []column {
	var cols []column
	used := 0
	for i := left; i < len(l.Widths); i++ {
		need := l.Widths[i]
		if len(cols) > 0 {
			need += 3
		}
		if used+need > width {
			rest := width - used
			if len(cols) > 0 {
				rest -= 3
			}
			if rest >= 3 || len(cols) == 0 {
				cols = append(cols, column{i, max(rest, 1)})
			}
			break
		}
		cols = append(cols, column{i, l.Widths[i]})
		used += need
	}
	return cols
}

// lastFullColumn returns the last column that is drawn whole when the
// window starts at left.
func lastFullColumn(l *Layout, left, width int) int {
	cols := visibleColumns(l, left, width)
	if len(cols) == 0 {
		return left
	}
	last := cols[len(cols)-1]
	if last.width < l.Widths[last.index] && len(cols) > 1 {
		return cols[len(cols)-2].index
	}
	return last.index
}

// pad fits s to exactly w columns: cut with an ellipsis, or padded on the
// right (left-aligned) or the left (right-aligned).
func pad(s string, w int, right bool) string {
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

// Cell formats a value for one line of the grid: NULL as ∅, line breaks
// as ␤, tabs as spaces.
func Cell(v any) string {
	if v == nil {
		return nullMark
	}
	s := kernel.FormatValue(v)
	if strings.ContainsAny(s, "\n\r\t") {
		s = strings.NewReplacer("\r\n", "␤", "\n", "␤", "\r", "␤", "\t", " ").Replace(s)
	}
	return s
}

// Quote formats a value for the footer, where NULL and the empty string
// must read differently: NULL bare, text quoted.
func Quote(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(x)
	}
	return kernel.FormatValue(v)
}

func isNumberValue(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, *big.Int:
		return true
	}
	return false
}
