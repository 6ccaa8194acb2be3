package pager

import (
	"cmp"
	"math/big"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
)

// sortedMsg carries an order of a table's held rows, computed off the
// screen's goroutine: sorting a million rows takes longer than a frame.
type sortedMsg struct {
	t     *kernel.Table
	col   int
	desc  bool
	order []int
}

// sortCmd sorts the held rows of t by column col, NULLs last.
func sortCmd(t *kernel.Table, col int, desc bool) tea.Cmd {
	return func() tea.Msg {
		order := make([]int, len(t.Rows))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			va, vb := t.Rows[a][col], t.Rows[b][col]
			switch {
			case va == nil && vb == nil:
				return 0
			case va == nil:
				return 1
			case vb == nil:
				return -1
			}
			c := compareValues(va, vb)
			if desc {
				c = -c
			}
			return c
		})
		return sortedMsg{t: t, col: col, desc: desc, order: order}
	}
}

// compareValues orders two non-NULL values of one column: numbers by
// value, times by time, the rest by their text.
func compareValues(a, b any) int {
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok {
			return cmp.Compare(fa, fb)
		}
	}
	if ta, ok := a.(time.Time); ok {
		if tb, ok := b.(time.Time); ok {
			return ta.Compare(tb)
		}
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			switch {
			case ba == bb:
				return 0
			case !ba:
				return -1
			}
			return 1
		}
	}
	return strings.Compare(kernel.FormatValue(a), kernel.FormatValue(b))
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case int:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case interface{ Float64() float64 }: // duckdb.Decimal
		return x.Float64(), true
	}
	return 0, false
}
