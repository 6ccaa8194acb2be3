package chart

import (
	"fmt"
	"strings"
	"testing"
)

// TestTextFit checks that a chart drawn in fewer lines keeps its title,
// axes, labels, legend and note, and never draws more lines than asked.
func TestTextFit(t *testing.T) {
	var many [][]any
	for i := range 60 {
		many = append(many, []any{fmt.Sprintf("c%02d", i), float64(i)})
	}
	line, err := FromRows(Line, cols, rows, "month", "revenue", "region")
	if err != nil {
		t.Fatal(err)
	}
	line.Title, line.Note = "Revenue", "first 6 of 9 rows"
	bar, err := FromRows(Bar, []string{"cat", "n"}, many, "cat", "n", "")
	if err != nil {
		t.Fatal(err)
	}
	bar.Title = "Counts"
	tests := []struct {
		name   string
		c      *Chart
		height int
		want   []string // lines that must show
	}{
		{"line chart, full size", line, 0, []string{"Revenue", "└", "2025-01", "2025-03", "● EU", "○ US", "revenue by month", "first 6 of 9 rows"}},
		{"line chart in 12 lines", line, 12, []string{"Revenue", "└", "2025-01", "2025-03", "● EU", "○ US", "revenue by month", "first 6 of 9 rows"}},
		{"line chart in 3 lines draws 8", line, 3, []string{"Revenue", "└", "● EU", "revenue by month", "first 6 of 9 rows"}},
		{"bars in 10 lines", bar, 10, []string{"Counts", "c00", "c07", "… 52 more bars"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.TextFit(60, tc.height)
			lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
			if limit := max(tc.height, minTextHeight); tc.height > 0 && len(lines) > limit {
				t.Errorf("%d lines, want at most %d:\n%s", len(lines), limit, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
