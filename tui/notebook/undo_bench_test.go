package notebook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

// BenchmarkUndoRecord measures what undo adds to a key press in a
// 200-line cell: reading the text and cursor before and after the key and
// recording the change (record: only that time is counted), against the
// text area's insert of the character itself (insert), in the same run.
// Each iteration types a character (the line grows by one).
func BenchmarkUndoRecord(b *testing.B) {
	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf("SELECT id, 'row %d' AS label, sum(revenue) * %d AS total -- line %d", i, i, i))
	}
	setup := func() *Model {
		nb := &notebooks.Notebook{}
		_ = nb.Insert(0, notebooks.Cell{Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: strings.Join(lines, "\n")})
		m := New(context.Background(), component.Common{Styles: styles.Plain(), KeyMap: keymap.Default()}, nil, nb, false)
		m.SetSize(160, 48)
		m.StartEditing()
		m.moveTo(100, 20)
		return m
	}
	median := func(b *testing.B, times []time.Duration) time.Duration {
		slices.Sort(times)
		med := times[len(times)/2]
		b.ReportMetric(float64(med.Nanoseconds())/1000, "median-µs")
		return med
	}
	var base time.Duration
	b.Run("insert", func(b *testing.B) {
		m := setup()
		var times []time.Duration
		for b.Loop() {
			start := time.Now()
			m.editor.InsertString("x")
			times = append(times, time.Since(start))
			m.commit()
		}
		base = median(b, times)
	})
	b.Run("record", func(b *testing.B) {
		m := setup()
		var times []time.Duration
		for b.Loop() {
			start := time.Now()
			before := m.textState()
			took := time.Since(start)
			m.editor.InsertString("x")
			m.commit()
			start = time.Now()
			m.record(before, editTyping)
			times = append(times, took+time.Since(start))
		}
		med := median(b, times)
		if base > 0 {
			b.ReportMetric(float64(med)/float64(base), "x-insert")
		}
	})
}
