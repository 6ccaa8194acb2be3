package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/kernel/chart"
	"github.com/floehq/floe/notebooks"
)

// scriptKernel answers cells with fixed outputs chosen by a marker in the
// cell's text, for golden screens of what the workbench shows:
//
//	-- statements  a cell of four statements: DDL, DML, a query, a query
//	-- longerror   an error too long for its line
//	-- json        a table with JSON, list and map values
//	-- chart       a line chart of two series over 30 points
type scriptKernel struct{ count int }

func (k *scriptKernel) Run(_ context.Context, c *notebooks.Cell) *kernel.Result {
	k.count++
	r := &kernel.Result{Cell: c.ID, Status: kernel.Passed, Duration: fakeDuration}
	switch {
	case strings.Contains(c.Source, "-- statements"):
		r.Outputs = []kernel.Output{
			{Kind: kernel.OutputStatement, Statement: &kernel.Statement{Line: 1, Verb: "CREATE SCHEMA", Object: "lake.demo", Rows: -1, Duration: 3 * time.Millisecond}},
			{Kind: kernel.OutputStatement, Statement: &kernel.Statement{Line: 2, Verb: "INSERT", Object: "lake.demo.people", Rows: 3, Duration: 8 * time.Millisecond}},
			{Kind: kernel.OutputStatement, Statement: &kernel.Statement{Line: 3, Verb: "SELECT", Rows: -1, Result: sampleTable(3), Duration: 2 * time.Millisecond}},
			{Kind: kernel.OutputTable, Table: sampleTable(5)},
		}
	case strings.Contains(c.Source, "-- longerror"):
		r.Status = kernel.Failed
		r.Err = &kernel.CellError{Kind: kernel.KindSQL, Cell: c.ID, Line: 2, Err: errors.New("Catalog Error: Table with name custmers does not exist! Did you mean \"lake.samples.customers\"? (tables in lake.samples: customers, daily_sales, events, orders, products, sessions, support_tickets)\n\nLINE 2: FROM custmers\n             ^")}
		r.Outputs = []kernel.Output{{Kind: kernel.OutputError, Err: r.Err}}
	case strings.Contains(c.Source, "-- json"):
		r.Outputs = []kernel.Output{{Kind: kernel.OutputTable, Table: &kernel.Table{
			Columns: []string{"id", "payload", "tags", "attrs"},
			Types:   []string{"BIGINT", "JSON", "VARCHAR[]", "MAP(VARCHAR, INTEGER)"},
			Rows: [][]any{{int64(1), `{"user":{"id":7,"name":"Ada Lovelace","roles":["admin","analyst"]},"events":[{"kind":"login","at":"2025-06-01T12:00:00Z"},{"kind":"query","rows":1200}],"note":"a note long enough that it has to wrap inside the value viewer's box at eighty columns"}`,
				[]any{"red", "green"}, map[any]any{"a": int32(1), "b": int32(2)}}},
			Total: 1,
		}}}
	case strings.Contains(c.Source, "-- chart"):
		var rows [][]any
		for i := range 30 {
			rows = append(rows, []any{fmt.Sprintf("2025-%02d", i%12+1) + fmt.Sprintf("-%02d", i/12+1), "EU", float64(i * i)}, []any{fmt.Sprintf("2025-%02d", i%12+1) + fmt.Sprintf("-%02d", i/12+1), "US", float64(900 - i*i)})
		}
		ch, err := chart.FromRows(chart.Line, []string{"day", "region", "revenue"}, rows, "day", "revenue", "region")
		if err != nil {
			panic(err)
		}
		ch.Title = "Revenue by day"
		r.Outputs = []kernel.Output{{Kind: kernel.OutputChart, Chart: ch}}
	default:
		r.Outputs = []kernel.Output{{Kind: kernel.OutputTable, Table: sampleTable(5)}}
	}
	c.Outputs = nil
	for _, o := range r.Outputs {
		c.Outputs = append(c.Outputs, o.Notebook())
	}
	c.Execution = notebooks.Execution{Count: k.count, Duration: r.Duration}
	return r
}

func scriptOpts(src string) func(t testing.TB) Options {
	return func(t testing.TB) Options {
		nb, err := notebooks.Parse("see.md", []byte("# See\n\n```sql\n"+src+"\n```\n"))
		if err != nil {
			t.Fatal(err)
		}
		return Options{Notebook: nb, Path: "see.md", Warehouse: "/data/warehouse", Kernel: &scriptKernel{}}
	}
}

// TestSeeingScreens compares, with golden files at 80x24 and 160x48, the
// screens that show things whole: each statement's outcome, a long error
// wrapped under its cell, the message box, the value viewer, switching
// result sets and a chart that fits. -update rewrites them.
func TestSeeingScreens(t *testing.T) {
	screens := []struct {
		name string
		opts func(t testing.TB) Options
		do   func(h *harness)
	}{
		{"statements", scriptOpts("CREATE SCHEMA lake.demo;\nINSERT INTO lake.demo.people VALUES (1), (2), (3);\nSELECT 1; -- statements\nSELECT 2"), func(h *harness) {
			h.keys("down", "ctrl+j")
		}},
		{"statements_sets", scriptOpts("SELECT 1; -- statements"), func(h *harness) {
			h.keys("down", "ctrl+j", "o", "[")
		}},
		{"error_wrapped", scriptOpts("SELECT *\nFROM custmers -- longerror"), func(h *harness) {
			h.keys("down", "ctrl+j")
		}},
		{"error_message", scriptOpts("SELECT *\nFROM custmers -- longerror"), func(h *harness) {
			h.keys("down", "ctrl+j", "!")
		}},
		{"value_viewer", scriptOpts("SELECT * FROM events -- json"), func(h *harness) {
			h.keys("down", "ctrl+j", "o", "right", "v")
		}},
		{"value_viewer_map", scriptOpts("SELECT * FROM events -- json"), func(h *harness) {
			h.keys("down", "ctrl+j", "o", "$", "v")
		}},
		{"chart", scriptOpts("SELECT * FROM daily -- chart"), func(h *harness) {
			h.keys("down", "ctrl+j")
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

// TestSeeingKeys checks the behaviour behind those screens that a golden
// file does not pin down: where ! finds its message, that [ and ] cycle,
// that y says what it copied, and that the viewer scrolls and closes.
func TestSeeingKeys(t *testing.T) {
	t.Run("cut status message opens whole", func(t *testing.T) {
		h := newHarness(t, 80, 24, scriptOpts("SELECT 1")(t))
		long := "fix with AI: the agent could not reach the model: " + strings.Repeat("a reason that goes on ", 8) + "END"
		h.m.message, h.m.isError = long, true
		if s := h.screen(); !strings.Contains(s, "(! full)") || strings.Contains(s, "END") {
			t.Fatalf("status bar does not say how to see the rest:\n%s", s)
		}
		h.keys("!")
		if s := strings.Join(strings.Fields(h.screen()), " "); !strings.Contains(s, "END") {
			t.Errorf("the message box lacks the message's end:\n%s", h.screen())
		}
		h.keys("esc")
		if h.m.popups.kind != popupNone {
			t.Error("esc left the message box open")
		}
	})
	t.Run("! types in the editor", func(t *testing.T) {
		h := newHarness(t, 80, 24, scriptOpts("SELECT 1")(t))
		h.keys("down", "enter", "!")
		if h.m.popups.kind == popupMessage {
			t.Error("! opened the message box while editing")
		}
	})
	t.Run("result sets cycle", func(t *testing.T) {
		h := newHarness(t, 80, 24, scriptOpts("SELECT 1; -- statements")(t))
		h.keys("down", "ctrl+j", "o")
		var titles []string
		for _, k := range []string{"]", "]", "[", "["} {
			titles = append(titles, strings.SplitN(h.screen(), "\n", 2)[0][:5])
			h.keys(k)
		}
		want := "[2/2] [1/2] [2/2] [1/2]"
		if got := strings.Join(titles, " "); got != want {
			t.Errorf("titles %q, want %q", got, want)
		}
	})
	t.Run("copy says what it copied", func(t *testing.T) {
		t.Setenv("DISPLAY", "")
		t.Setenv("WAYLAND_DISPLAY", "")
		t.Setenv("TMUX", "/tmp/tmux-1/default,1,0")
		h := newHarness(t, 100, 24, scriptOpts("SELECT 1")(t))
		h.keys("down", "ctrl+j", "o", "right", "y")
		if want := "copied customer of row 1 (12 bytes, OSC 52 via tmux)"; h.m.message != want {
			t.Errorf("after y: %q, want %q", h.m.message, want)
		}
		h.keys("Y")
		if !strings.HasPrefix(h.m.message, "copied row 1, 6 cells (") {
			t.Errorf("after Y: %q", h.m.message)
		}
	})
	t.Run("viewer scrolls and closes", func(t *testing.T) {
		h := newHarness(t, 80, 24, scriptOpts("SELECT * FROM events -- json")(t))
		h.keys("down", "ctrl+j", "o", "right", "v")
		first := h.screen()
		h.keys("G")
		if h.screen() == first || !strings.Contains(h.screen(), "}") {
			t.Errorf("G did not scroll to the end:\n%s", h.screen())
		}
		h.keys("esc")
		if h.m.pager.Capturing() {
			t.Error("esc left the viewer open")
		}
		if h.m.focus != focusResults {
			t.Error("esc in the viewer left the pager")
		}
	})
}

// TestSeeingRealKernel runs, on a real kernel session, a cell of several
// statements, a failing query and table previews: each statement's
// outcome shows under the cell and [ ] switch between its result sets in
// the pager; the error's excerpt shows the user's text, not floe's
// wrapper; previews take no execution count.
func TestSeeingRealKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	sess := openKernelWith(t, kernel.Options{KeepResults: 4})
	h := newHarness(t, 100, 40, Options{Kernel: sess, Path: "x.md"})

	// A preview first: the first cell run is still [1].
	h.spawn(h.m.notebook.Preview("floe_system", "nothing"))
	h.waitFor("the preview", func() bool { return h.m.notebook.LastRun() != nil })

	h.typeText("CREATE SCHEMA lake.see;\nCREATE TABLE lake.see.t AS SELECT range AS i FROM range(4);\nINSERT INTO lake.see.t VALUES (10), (11);\nSELECT i FROM lake.see.t WHERE i > 9 ORDER BY i;\nSELECT count(*) AS n FROM lake.see.t")
	h.keys("ctrl+j")
	h.waitFor("the cell", func() bool { r := h.m.notebook.LastRun(); return r != nil && r.Cell != "preview" })
	s := h.screen()
	for _, want := range []string{
		"[1] sql",
		"✓ line 1 · CREATE SCHEMA · created schema lake.see",
		"✓ line 2 · CREATE TABLE · created table lake.see.t (4 rows)",
		"✓ line 3 · INSERT · inserted 2 rows into lake.see.t",
		"✓ line 4 · SELECT · 2 rows",
		"2 rows × 1 column · o opens the pager, [ ] switch results",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	h.keys("esc", "o")
	if s := h.screen(); !strings.HasPrefix(s, "[2/2] Results of cell 1") || !strings.Contains(s, "n = 6") {
		t.Errorf("the pager does not open on the cell's table:\n%s", s)
	}
	h.keys("[")
	if s := h.screen(); !strings.HasPrefix(s, "[1/2] Results of cell 1, line 4 (SELECT)") || !strings.Contains(s, "i = 10") {
		t.Errorf("[ does not show the fourth statement's rows:\n%s", s)
	}

	h.keys("esc", "esc", "b")
	h.typeText("SELECT 1 AS a,\n  contrct FROM range(3) t(contract)")
	h.keys("ctrl+j")
	h.waitFor("the failing cell", func() bool { r := h.m.notebook.LastRun(); return r != nil && r.Err != nil })
	s = h.screen()
	if strings.Contains(s, "floe_result") || !strings.Contains(s, "LINE 2:   contrct FROM range(3) t(contract)\n┃           ^") {
		t.Errorf("the error does not point at the user's text:\n%s", s)
	}
	if !strings.Contains(s, "[2] sql") {
		t.Errorf("the second cell run is not [2]:\n%s", s)
	}
}

// brokenCatalog is a catalog whose sales namespace cannot be listed, with
// an error too long for the panel.
type brokenCatalog struct{ fakeCatalog }

const brokenReason = "list lake.sales: read metadata s3://bucket/warehouse/sales/orders/metadata/00042.metadata.json: access denied by the bucket policy; ask the owner for s3:GetObject"

func (brokenCatalog) Tables(_ context.Context, ns string) ([]string, error) {
	if ns == "sales" {
		return nil, errors.New(brokenReason)
	}
	return []string{"customers"}, nil
}

// TestCatalogNoteWhole checks that a catalog note cut to the panel says
// how to see it whole, and that ! shows all of it.
func TestCatalogNoteWhole(t *testing.T) {
	o := scriptOpts("SELECT 1")(t)
	o.Catalog = brokenCatalog{}
	h := newHarness(t, 120, 30, o)
	if !h.m.catalogShown() {
		h.keys("ctrl+o")
	} else {
		h.keys("tab")
	}
	if h.m.focus != focusCatalog {
		t.Fatalf("the catalog has no focus:\n%s", h.screen())
	}
	h.keys("down", "space")
	h.waitFor("the note", func() bool { return strings.Contains(h.screen(), "error: list lake.s") })
	if s := h.screen(); !strings.Contains(s, "(! full)") {
		t.Errorf("the cut note does not say how to see it whole:\n%s", s)
	}
	h.keys("down", "!")
	if s := strings.Join(strings.Fields(h.screen()), " "); !strings.Contains(s, "ask the owner for s3:GetObject") {
		t.Errorf("! does not show the whole note:\n%s", h.screen())
	}
}
