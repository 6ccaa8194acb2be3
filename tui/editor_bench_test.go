package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/tui/styles"
)

// bigCell is a 200-line SQL cell.
func bigCell() string {
	var b strings.Builder
	for i := range 200 {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "SELECT id, 'row %d' AS label, sum(revenue) * %d AS total -- line %d", i, i, i)
	}
	return b.String()
}

// BenchmarkEditorView measures the highlighted editor on a 200-line cell
// at 160x48 in colour: each iteration is one key press handled and the
// frame drawn after it (fake kernel names: 4 tables, 5 functions). typing inserts and deletes a character (the
// source is highlighted again), moving goes up and down a line, and
// completing types a name and deletes it with the popup open. The
// baseline is the same cell drawn when not being edited (highlighting
// cached), measured in the same run. The target: median < 30 ms.
func BenchmarkEditorView(b *testing.B) {
	setup := func(b *testing.B, edit bool) *Model {
		h := newHarness(b, 160, 48, Options{})
		h.waitFor("the names", h.m.notebook.HasNames)
		*h.m.common.Styles = *styles.New(true)
		h.m.notebook.SetDark(true)
		m := h.m
		m.notebook.InsertText(bigCell())
		for range 100 {
			m.Update(keyMsg("up"))
		}
		if !edit {
			m.Update(keyMsg("esc"))
		}
		return m
	}
	frames := func(b *testing.B, m *Model, key func(i int) string) time.Duration {
		times := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if key != nil {
				m.Update(keyMsg(key(i)))
			}
			_ = m.render()
			times = append(times, time.Since(start))
		}
		b.StopTimer()
		slices.Sort(times)
		med := times[len(times)/2]
		b.ReportMetric(float64(med.Microseconds())/1000, "median-ms")
		return med
	}
	var base time.Duration
	b.Run("notEditing", func(b *testing.B) {
		base = frames(b, setup(b, false), nil)
	})
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"typing", []string{"x", "backspace"}},
		{"moving", []string{"up", "down"}},
		{"completing", []string{"s", "backspace"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := setup(b, true)
			if tc.name == "completing" {
				m.Update(keyMsg("end"))
				m.Update(keyMsg("enter"))
			}
			med := frames(b, m, func(i int) string { return tc.keys[i%len(tc.keys)] })
			if base > 0 {
				b.ReportMetric(float64(med)/float64(base), "x-notEditing")
			}
		})
	}
}
