package sqlvalue

import (
	"strings"
	"unicode/utf8"
)

// Box draws a result as a Unicode box table, the one table floe sql and
// notebook outputs print: a header of column names, a row of lower-case
// type names, the rows (numbers right-aligned by their column's type), then
// the footer line. Cells are already text (Format); types may be shorter
// than columns.
func Box(columns, types []string, rows [][]string, footer string) string {
	width := make([]int, len(columns))
	lower := make([]string, len(columns))
	numeric := make([]bool, len(columns))
	for i, c := range columns {
		if i < len(types) {
			lower[i] = strings.ToLower(types[i])
			numeric[i] = NumericType(types[i])
		}
		width[i] = max(utf8.RuneCountInString(c), utf8.RuneCountInString(lower[i]))
	}
	for _, r := range rows {
		for i, v := range r {
			width[i] = max(width[i], utf8.RuneCountInString(v))
		}
	}
	var b strings.Builder
	rule := func(l, m, r string) {
		b.WriteString(l)
		for i, w := range width {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", w+2))
		}
		b.WriteString(r + "\n")
	}
	row := func(cells []string, align []bool) {
		b.WriteString("│")
		for i, s := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
			if align != nil && align[i] {
				b.WriteString(" " + pad + s + " │")
			} else {
				b.WriteString(" " + s + pad + " │")
			}
		}
		b.WriteString("\n")
	}
	rule("┌", "┬", "┐")
	row(columns, nil)
	row(lower, nil)
	rule("├", "┼", "┤")
	for _, r := range rows {
		row(r, numeric)
	}
	rule("└", "┴", "┘")
	b.WriteString(footer + "\n")
	return b.String()
}

// NumericType reports whether a DuckDB type name is a number type, whose
// values tables align right.
func NumericType(t string) bool {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i] // DECIMAL(18,3)
	}
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
		"UBIGINT", "UHUGEINT", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC":
		return true
	}
	return false
}
