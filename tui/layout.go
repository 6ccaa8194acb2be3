package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// sideBySide draws left and right next to each other with rule between
// them: each left line is padded, or cut, to leftW columns. The result has
// rows lines, or as many as the longer side has when rows is 0.
func sideBySide(left, right string, leftW, rows int, rule string) string {
	l, r := strings.Split(left, "\n"), strings.Split(right, "\n")
	if rows == 0 {
		rows = max(len(l), len(r))
	}
	var b strings.Builder
	for i := range rows {
		a, c := "", ""
		if i < len(l) {
			a = l[i]
		}
		if i < len(r) {
			c = r[i]
		}
		if pad := leftW - ansi.StringWidth(a); pad > 0 {
			a += strings.Repeat(" ", pad)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ansi.Truncate(a, leftW, "") + rule + c)
	}
	return b.String()
}
