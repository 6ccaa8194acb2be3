package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestScreensAssist compares the screens of the assistant with golden
// files at 80x24 and 160x48: the diff of a proposed fix, the chat with an
// answer, and the chat while the model's text streams in. Run with -update
// to rewrite them after a deliberate change.
func TestScreensAssist(t *testing.T) {
	screens := []struct {
		name string
		do   func(t *testing.T, w, h int) *harness
	}{
		{"fix", func(t *testing.T, w, h int) *harness {
			hs := failedCell(t, w, h, newFakeAssistant())
			hs.keys("F")
			hs.waitFor("the fix", func() bool { return hs.m.assist.diff.Fix() != nil })
			return hs
		}},
		{"chat", func(t *testing.T, w, h int) *harness {
			hs := newHarness(t, w, h, Options{Kernel: newFakeAssistant(), Notebook: parseSample(t), Path: "churn.md", Warehouse: "/data/warehouse"})
			hs.keys("down", "ctrl+l")
			hs.typeText("customers by segment")
			hs.keys("enter")
			hs.waitFor("the answer", func() bool { return hs.m.assist.chat.Last() != nil })
			return hs
		}},
		{"chat_streaming", func(t *testing.T, w, h int) *harness {
			fa := newFakeAssistant()
			fa.release = make(chan struct{})
			t.Cleanup(func() { close(fa.release) })
			hs := newHarness(t, w, h, Options{Kernel: fa, Notebook: parseSample(t), Path: "churn.md", Warehouse: "/data/warehouse"})
			hs.keys("ctrl+l")
			hs.typeText("customers by segment")
			hs.keys("enter")
			fa.release <- struct{}{}
			fa.release <- struct{}{}
			hs.waitFor("two chunks", func() bool { return hs.m.assist.chat.Busy() && strings.Contains(hs.screen(), "2. Count the customers") })
			hs.clock.Add(1300e6)
			return hs
		}},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				h := s.do(t, size[0], size[1])
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}
