package kernel_test

import (
	"testing"

	"github.com/floehq/floe/kernel"
)

// TestTableNumeric checks which columns the kernel's tables (and the
// workbench's pager, which asks the table) treat as numbers.
func TestTableNumeric(t *testing.T) {
	tbl := &kernel.Table{
		Columns: []string{"a", "b", "c", "d", "e", "f", "g"},
		Types:   []string{"INTEGER", "DECIMAL(10,2)", "DOUBLE", "VARCHAR", "INTERVAL", "INTEGER[]"},
	}
	want := []bool{true, true, true, false, false, false, false} // g has no type
	for i, w := range want {
		if got := tbl.Numeric(i); got != w {
			t.Errorf("Numeric(%d) for %s = %v, want %v", i, tbl.Columns[i], got, w)
		}
	}
}
