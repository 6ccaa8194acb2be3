package pager

import (
	"strings"
	"testing"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/styles"
)

// TestRenderPagedRows draws rows from a Row function: fetched rows as
// values, rows still loading as the loading mark, and no row past Count.
func TestRenderPagedRows(t *testing.T) {
	tb := &kernel.Table{Columns: []string{"n", "s"}, Types: []string{"BIGINT", "VARCHAR"}, Total: 1_000_000, Result: "q@1"}
	l := &Layout{Widths: []int{7, 5}, Numeric: []bool{true, false}, types: []string{"bigint", "varchar"}}
	row := func(r int) []any {
		if r%2 == 0 {
			return nil // loading
		}
		return []any{int64(r), "x"}
	}
	got := plain(Render(tb, l, Window{Top: 999_996, Rows: 10, Width: 40, SelRow: -1, SelCol: -1, Row: row, Count: 1_000_000}, styles.Plain()))
	want := []string{
		"      · │ ·    ",
		" 999997 │ x    ",
		"      · │ ·    ",
		" 999999 │ x    ",
	}
	lines := strings.Split(got, "\n")[3:]
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
