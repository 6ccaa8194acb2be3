package tui

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/floehq/floe/kernel"
)

var (
	bigOnce  sync.Once
	bigTable *kernel.Table
)

// million is a result of a million rows held in memory, as the pager would
// hold one.
func million() *kernel.Table {
	bigOnce.Do(func() { bigTable = sampleTable(1_000_000) })
	return bigTable
}

// benchFrames renders b.N frames after prepare, reporting the median frame
// time; frame is called before each render to change what is drawn.
func benchFrames(b *testing.B, h *harness, frame func(i int)) time.Duration {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if frame != nil {
			frame(i)
		}
		_ = h.m.View()
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	med := times[len(times)/2]
	b.ReportMetric(float64(med.Microseconds())/1000, "median-ms")
	return med
}

// BenchmarkView renders the screen at 160x48 with a result of a million
// rows loaded, in the notebook (the preview under the cell) and in the
// pager at the end of the rows, against the same screens with a 1,000-row
// result (enough to fill them) measured in the same run. The issue's
// target: median < 16 ms.
func BenchmarkView(b *testing.B) {
	setup := func(b *testing.B, big bool, pager bool) *harness {
		k := &fakeKernel{big: sampleTable(1000)}
		if big {
			k.big = million()
		}
		h := newHarness(b, 160, 48, Options{Notebook: parseSample(b), Path: "x.md", Kernel: k, Catalog: fakeCatalog{}})
		h.keys("down", "enter")
		h.typeText(" -- big")
		h.keys("esc", "ctrl+j")
		h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
		if pager {
			h.keys("o")
			for range 3 {
				h.keys("right")
			}
			h.m.pager.Update(keyMsg("G"))
		}
		return h
	}
	var base, big [2]time.Duration
	for i, pager := range []bool{false, true} {
		name := "notebook"
		if pager {
			name = "pager"
		}
		b.Run(name+"/1krows", func(b *testing.B) {
			h := setup(b, false, pager)
			base[i] = benchFrames(b, h, func(n int) {
				if pager {
					h.m.pager.Update(keyMsg([]string{"down", "up"}[n%2]))
				}
			})
		})
		b.Run(name+"/1Mrows", func(b *testing.B) {
			h := setup(b, true, pager)
			big[i] = benchFrames(b, h, func(n int) {
				if pager {
					h.m.pager.Update(keyMsg([]string{"pgup", "down"}[n%2]))
				}
			})
			if base[i] > 0 {
				b.ReportMetric(float64(big[i])/float64(base[i]), "x-1krows")
			}
		})
	}
}

// BenchmarkKeystrokeWhileRunning types into the editor while a cell runs:
// each iteration is one key press handled and the frame drawn after it.
// The target: < 30 ms.
func BenchmarkKeystrokeWhileRunning(b *testing.B) {
	k := &fakeKernel{big: million()}
	h := newHarness(b, 160, 48, Options{Notebook: parseSample(b), Path: "x.md", Kernel: k})
	h.keys("down", "enter")
	h.typeText(" -- big")
	h.keys("esc", "ctrl+j")
	h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
	h.keys("down", "enter")
	h.typeText(" -- wait")
	h.keys("ctrl+j")
	if r, _ := h.m.notebook.Running(); !r {
		b.Fatal("nothing runs")
	}
	benchFrames(b, h, func(n int) {
		h.m.Update(keyMsg([]string{"x", "backspace"}[n%2]))
	})
	b.StopTimer()
	h.m.notebook.Cancel()
	waitIdle(h)
}
