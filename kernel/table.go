package kernel

import (
	"fmt"
	"html"
	"math"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/floehq/floe/internal/sqlvalue"
	"github.com/floehq/floe/kernel/chart"
)

// Table is a query result held in memory: a cell's output (its first rows,
// for display) or what floe.SQL and floe.Result return to Go cells (all
// rows). Values are what the DuckDB driver scans: int32, int64, float64,
// string, bool, time.Time, duckdb.Decimal, *big.Int, []any, nil for NULL.
type Table struct {
	Columns []string
	Types   []string // DuckDB type names, such as VARCHAR or DECIMAL(12,2)
	Rows    [][]any
	// Total is the number of rows in the whole result; it is more than
	// len(Rows) when the table holds only the first rows.
	Total int64
	// Result names the whole result the session holds for Page, Export
	// and edits (Options.KeepResults); "" when it is not held.
	Result string
}

// Len returns the number of rows held.
func (t *Table) Len() int { return len(t.Rows) }

// Truncated reports whether the table holds only the first rows of a
// larger result.
func (t *Table) Truncated() bool { return t.Total > int64(len(t.Rows)) }

// Index returns the position of the named column, or -1.
func (t *Table) Index(col string) int { return slices.Index(t.Columns, col) }

func (t *Table) mustIndex(col string) int {
	i := t.Index(col)
	if i < 0 {
		panic(fmt.Errorf("no column %q (columns: %s)", col, strings.Join(t.Columns, ", ")))
	}
	return i
}

// Get returns the value in row i of the named column. It panics if there is
// no such column or row, which a Go cell reports as an error at its line.
func (t *Table) Get(i int, col string) any { return t.Rows[i][t.mustIndex(col)] }

// Float returns the value in row i of the named column as a float64; NULL
// and non-numbers give NaN.
func (t *Table) Float(i int, col string) float64 {
	f, ok := chart.Float(t.Get(i, col))
	if !ok {
		return math.NaN()
	}
	return f
}

// Int returns the value in row i of the named column as an int64; NULL and
// non-numbers give 0.
func (t *Table) Int(i int, col string) int64 {
	switch x := t.Get(i, col).(type) {
	case int64:
		return x
	case *big.Int:
		return x.Int64()
	}
	f, _ := chart.Float(t.Get(i, col))
	return int64(f)
}

// Text returns the value in row i of the named column formatted as the
// table shows it.
func (t *Table) Text(i int, col string) string { return FormatValue(t.Get(i, col)) }

// Column returns every held value of the named column.
func (t *Table) Column(col string) []any {
	j := t.mustIndex(col)
	out := make([]any, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = r[j]
	}
	return out
}

// Floats returns the named column as float64s, NaN for NULL.
func (t *Table) Floats(col string) []float64 {
	out := make([]float64, len(t.Rows))
	for i := range t.Rows {
		out[i] = t.Float(i, col)
	}
	return out
}

// Strings returns the named column formatted as text.
func (t *Table) Strings(col string) []string {
	out := make([]string, len(t.Rows))
	for i := range t.Rows {
		out[i] = t.Text(i, col)
	}
	return out
}

// Maps returns the rows as maps from column name to value.
func (t *Table) Maps() []map[string]any {
	out := make([]map[string]any, len(t.Rows))
	for i, r := range t.Rows {
		m := make(map[string]any, len(r))
		for j, c := range t.Columns {
			m[c] = r[j]
		}
		out[i] = m
	}
	return out
}

// String draws the table as a Unicode box, like floe sql does.
func (t *Table) String() string { return t.render(0) }

// footer describes how many rows the table shows.
func (t *Table) footer() string {
	switch {
	case t.Truncated():
		return fmt.Sprintf("first %d of %d rows", len(t.Rows), t.Total)
	case t.Total == 1:
		return "1 row"
	}
	return fmt.Sprintf("%d rows", t.Total)
}

// render draws the table; maxRows > 0 shows at most that many rows. A
// value's newlines show as ␤ and a long value is cut to 60 characters.
func (t *Table) render(maxRows int) string {
	rows := t.Rows
	if maxRows > 0 && len(rows) > maxRows {
		rows = rows[:maxRows]
	}
	cells := make([][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([]string, len(row))
		for i, v := range row {
			cells[r][i] = shorten(strings.ReplaceAll(FormatValue(v), "\n", "␤"), 60)
		}
	}
	footer := t.footer()
	if len(rows) < len(t.Rows) {
		footer = fmt.Sprintf("first %d of %d rows", len(rows), t.Total)
	}
	return sqlvalue.Box(t.Columns, t.Types, cells, footer)
}

// HTML renders the table as an HTML table with a header row of column
// names and types and a caption with the row count.
func (t *Table) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="floe-table">` + "\n<thead><tr>")
	for i, c := range t.Columns {
		typ := ""
		if i < len(t.Types) {
			typ = strings.ToLower(t.Types[i])
		}
		fmt.Fprintf(&b, `<th>%s<br><small>%s</small></th>`, html.EscapeString(c), html.EscapeString(typ))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	open := make([]string, len(t.Columns))
	for i := range open {
		open[i] = "<td>"
		if i < len(t.Types) && isNumeric(t.Types[i]) {
			open[i] = `<td class="num">`
		}
	}
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i, v := range r {
			b.WriteString(open[i])
			if v == nil {
				b.WriteString("<i>NULL</i>")
			} else {
				b.WriteString(html.EscapeString(FormatValue(v)))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	fmt.Fprintf(&b, "</tbody>\n</table>\n<p><small>%s</small></p>\n", html.EscapeString(t.footer()))
	return b.String()
}

// FormatValue formats one value of a result the way DuckDB's CLI does, as
// the kernel's tables, floe sql and the workbench's pager show it.
func FormatValue(v any) string { return sqlvalue.Format(v) }

// Numeric says whether column i holds numbers by its type (tables
// right-align them); false for a column without a type.
func (t *Table) Numeric(i int) bool { return i < len(t.Types) && isNumeric(t.Types[i]) }

// isNumeric reports whether a DuckDB type is a number type.
func isNumeric(t string) bool { return sqlvalue.NumericType(t) }

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
