package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/tui/history"
)

// pastRuns are history entries of earlier sessions, relative to the
// harness's clock.
var pastRuns = []struct {
	ago              time.Duration
	source, notebook string
	ok               bool
	rows             int64
	err              string
}{
	{50 * 24 * time.Hour, "SELECT 1", "", true, 1, ""},
	{3 * 24 * time.Hour, "SELECT segment, count(*) AS n\nFROM lake.crm.customers\nGROUP BY segment\nORDER BY n DESC", "/home/ada/churn.md", true, 3, ""},
	{5 * time.Hour, "SELECT * FROM lake.sales.ordres", "/home/ada/orders.md", false, 0, "Catalog Error: Table with name ordres does not exist!\nDid you mean \"orders\"?"},
	{5 * time.Hour, "SELECT * FROM lake.sales.orders", "/home/ada/orders.md", true, 120000, ""},
	{2 * time.Hour, "SELECT segment, count(*) AS n\nFROM lake.crm.customers\nGROUP BY segment\nORDER BY n DESC", "/home/ada/churn.md", true, 3, ""},
	{12 * time.Minute, "WITH monthly AS (\n    SELECT date_trunc('month', ts) AS month, sum(amount) AS revenue\n    FROM lake.sales.orders\n    GROUP BY ALL\n)\nSELECT month, revenue, revenue - lag(revenue) OVER (ORDER BY month) AS change\nFROM monthly\nORDER BY month", "/home/ada/revenue.md", true, 18, ""},
}

// writePastRuns fills the history file of opts with pastRuns.
func writePastRuns(t testing.TB, opts Options, now time.Time) {
	t.Helper()
	s := &history.Store{Path: opts.History}
	for _, r := range pastRuns {
		e := history.Entry{Time: now.Add(-r.ago), Warehouse: "/data/warehouse", Notebook: r.notebook, Source: r.source,
			OK: r.ok, Rows: r.rows, Error: r.err, Duration: 340 * time.Millisecond}
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScreensPopups compares the command palette and the history browser
// with golden files at 80x24 and 160x48; -update rewrites them (as it does
// for TestScreens).
func TestScreensPopups(t *testing.T) {
	screens := []struct {
		name string
		opts func(t testing.TB) Options
		do   func(h *harness)
	}{
		{"palette", sampleOpts, func(h *harness) {
			h.keys("down", "ctrl+x")
		}},
		{"palette_filtered", sampleOpts, func(h *harness) {
			h.keys("down", "ctrl+x")
			h.typeText("cel")
		}},
		{"history", historyOpts, func(h *harness) {
			h.waitFor("the history", func() bool { return h.m.history.loaded })
			h.keys("ctrl+y", "down", "down")
		}},
		{"history_filtered", historyOpts, func(h *harness) {
			h.waitFor("the history", func() bool { return h.m.history.loaded })
			h.keys("ctrl+y")
			h.typeText("seg")
		}},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				opts := s.opts(t)
				if opts.History != "" {
					writePastRuns(t, opts, time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
				}
				h := newHarness(t, size[0], size[1], opts)
				s.do(h)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}
