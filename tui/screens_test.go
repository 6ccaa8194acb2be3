package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/notebooks"
)

// sampleNotebook is a notebook with every kind of cell.
const sampleNotebook = "# Churn by segment\n\nWhich **segments** lose the most customers? Uses `lake.crm.customers`.\n\n" +
	"```sql name=customers\nSELECT id, customer, segment, revenue, note, signup_date\nFROM lake.crm.customers -- rows 40\n```\n\n" +
	"```sql\nSELECT segment, count(*) AS n\nFROM customers\nGROUP BY segment\n```\n\n" +
	"```sql\nSELECT * FROM nope -- fail\n```\n\n" +
	"```go\nt := floe.Result(\"customers\")\nt.Len()\n```\n\n" +
	"```ask\nWhich five segments churn most?\n```\n"

func parseSample(t testing.TB) *notebooks.Notebook {
	t.Helper()
	nb, err := notebooks.Parse("churn.md", []byte(sampleNotebook))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// TestScreens compares the key screens with golden files at 80x24 and
// 160x48. Run with -update to rewrite them after a deliberate change.
func TestScreens(t *testing.T) {
	screens := []struct {
		name string
		opts func(t testing.TB) Options
		do   func(h *harness)
	}{
		{"new", func(testing.TB) Options { return Options{Warehouse: "/data/warehouse"} }, func(h *harness) {
			h.typeText("SELECT 42 AS answer")
		}},
		{"notebook", sampleOpts, func(h *harness) {
			h.keys("ctrl+r")
			h.keys("down", "down")
		}},
		{"stale", sampleOpts, func(h *harness) {
			h.keys("ctrl+r", "down", "enter")
			h.typeText(" WHERE revenue > 0")
			h.keys("esc")
		}},
		{"running", sampleOpts, func(h *harness) {
			h.keys("down", "enter", "ctrl+a")
			h.typeText("-- wait\n")
			h.send(keyMsg("ctrl+j")) // runs until cancelled
			h.clock.Add(1500 * time.Millisecond)
		}},
		{"cancelled", sampleOpts, func(h *harness) {
			h.keys("down", "enter", "ctrl+a")
			h.typeText("-- wait\n")
			h.keys("ctrl+j", "ctrl+c")
			waitIdle(h)
		}},
		{"pager", sampleOpts, func(h *harness) {
			h.keys("down", "ctrl+j", "o")
			h.keys("down", "down", "down", "right", "right", "right")
		}},
		{"help", sampleOpts, func(h *harness) { h.keys("?") }},
		{"quit", sampleOpts, func(h *harness) {
			h.keys("down", "b")
			h.typeText("SELECT 1")
			h.keys("ctrl+q")
		}},
		{"catalog", func(t testing.TB) Options {
			o := sampleOpts(t)
			o.Catalog = fakeCatalog{}
			return o
		}, func(h *harness) {
			if h.m.catalogShown() {
				h.keys("tab") // shown by default on wide terminals
			} else {
				h.keys("ctrl+o")
			}
			h.keys("space", "down", "space", "down", "down")
		}},
		// A table's description ends with its storage metrics' line.
		{"catalog_health", func(t testing.TB) Options {
			o := sampleOpts(t)
			o.Catalog = SessionCatalog(fakeLake{}, "")
			return o
		}, func(h *harness) {
			h.keys("ctrl+o", "space", "down", "space")
		}},
		// ctrl+o focuses the catalog, shown already on a wide terminal
		// (it hid it before), and shows it on a narrow one.
		{"catalog_focus", func(t testing.TB) Options {
			o := sampleOpts(t)
			o.Catalog = fakeCatalog{}
			return o
		}, func(h *harness) {
			h.keys("ctrl+o", "space", "down")
		}},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, size[0], size[1], s.opts(t))
				s.do(h)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}

func sampleOpts(t testing.TB) Options {
	return Options{Notebook: parseSample(t), Path: "churn.md", Warehouse: "/data/warehouse"}
}

// waitIdle waits until no cell runs: a cancelled run answers once the
// kernel has stopped.
func waitIdle(h *harness) {
	h.t.Helper()
	h.waitFor("the cancelled cell to stop", func() bool {
		running, _ := h.m.notebook.Running()
		return !running
	})
}
