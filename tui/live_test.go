package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel"
)

// TestCatalogToggle checks ctrl+o: it focuses a catalog shown beside
// another focused pane, and hides the catalog only when it has the focus.
func TestCatalogToggle(t *testing.T) {
	type state struct {
		shown bool
		focus focus
	}
	cases := []struct {
		name  string
		width int
		keys  []string
		want  []state // after each key
	}{
		{"wide: shown at start, focus then hide then show", 160, []string{"ctrl+o", "ctrl+o", "ctrl+o"},
			[]state{{true, focusCatalog}, {false, focusNotebook}, {true, focusCatalog}}},
		{"narrow: hidden at start, show then hide", 80, []string{"ctrl+o", "ctrl+o"},
			[]state{{true, focusCatalog}, {false, focusNotebook}}},
		{"tab away, ctrl+o comes back", 160, []string{"ctrl+o", "tab", "ctrl+o", "ctrl+o"},
			[]state{{true, focusCatalog}, {true, focusNotebook}, {true, focusCatalog}, {false, focusNotebook}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := sampleOpts(t)
			o.Catalog = fakeCatalog{}
			h := newHarness(t, tc.width, 30, o)
			for i, k := range tc.keys {
				h.keys(k)
				got := state{h.m.catalogShown(), h.m.focus}
				if got != tc.want[i] {
					t.Fatalf("after key %d (%s): shown=%v focus=%d, want shown=%v focus=%d",
						i+1, k, got.shown, got.focus, tc.want[i].shown, tc.want[i].focus)
				}
			}
		})
	}
}

// twoSessions opens a warehouse twice, as two processes would: the
// workbench's kernel session and another writer with its own catalog
// connection. Both start with lake.demo.people.
func twoSessions(t *testing.T) (workbench, other *kernel.Session) {
	t.Helper()
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	dir := t.TempDir()
	open := func() *kernel.Session {
		ctx := context.Background()
		wh, err := engine.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { wh.Close() })
		s, err := kernel.Open(ctx, wh, kernel.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	workbench, other = open(), open()
	for _, q := range []string{"CREATE SCHEMA lake.demo", "CREATE TABLE lake.demo.people (id INTEGER, name VARCHAR)",
		"INSERT INTO lake.demo.people VALUES (1, 'ada'), (2, 'bo'), (3, 'cy')"} {
		if err := other.SQL().Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return workbench, other
}

// catalogText is the catalog pane's lines.
func catalogText(h *harness) string {
	var lines []string
	for _, l := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(l, "│"); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, strings.TrimRight(l, " "))
	}
	return strings.Join(lines, "\n")
}

// openDemo focuses the catalog, expands lake.demo and its first table, and
// gives the notebook the focus back.
func openDemo(h *harness) {
	h.t.Helper()
	h.keys("ctrl+o")
	h.waitFor("the namespaces", func() bool { return strings.Contains(catalogText(h), "▸ demo") })
	h.keys("space", "down", "space")
	h.waitFor("the table's figures", func() bool { return strings.Contains(catalogText(h), "≡ 3 rows") })
	h.keys("esc")
}

// TestLiveCatalogAfterCell runs cells that commit and checks that the
// catalog shows what they changed at once, from the cells' results: the
// poll is an hour away.
func TestLiveCatalogAfterCell(t *testing.T) {
	sess, _ := twoSessions(t)
	h := newHarness(t, 160, 40, Options{Kernel: sess, Catalog: SessionCatalog(sess, ""), Path: "x.md", CatalogPoll: time.Hour})
	openDemo(h)
	steps := []struct {
		sql     string
		want    []string
		gone    []string
		message string
	}{
		{"CREATE TABLE lake.demo.orders (id INTEGER)", []string{"▸ orders"}, nil, "catalog: created lake.demo.orders"},
		{"INSERT INTO lake.demo.people VALUES (4, 'di')", []string{"≡ 4 rows"}, []string{"≡ 3 rows"}, "catalog: committed lake.demo.people"},
		{"CREATE SCHEMA lake.crm", []string{"▸ crm", "▸ orders"}, nil, "catalog: created schema lake.crm"},
		{"DROP TABLE lake.demo.orders", nil, []string{"orders"}, "catalog: dropped lake.demo.orders"},
	}
	for i, st := range steps {
		if i > 0 {
			h.keys("esc", "b")
		}
		h.keys("enter", "ctrl+a")
		h.typeText(st.sql)
		h.keys("ctrl+j")
		h.waitFor(st.sql, func() bool {
			tree := catalogText(h)
			for _, w := range st.want {
				if !strings.Contains(tree, w) {
					return false
				}
			}
			for _, g := range st.gone {
				if strings.Contains(tree, g) {
					return false
				}
			}
			return true
		})
		if !strings.Contains(h.screen(), st.message) {
			t.Errorf("%s: the status line lacks %q:\n%s", st.sql, st.message, h.screen())
		}
	}
}

// TestLiveCatalogPoll commits from another session with its own catalog
// connection, as another process does, and checks that the workbench's
// catalog shows it after a poll, with nothing run in the workbench.
func TestLiveCatalogPoll(t *testing.T) {
	sess, other := twoSessions(t)
	h := newHarness(t, 160, 40, Options{Kernel: sess, Catalog: SessionCatalog(sess, ""), Path: "x.md", CatalogPoll: 50 * time.Millisecond})
	openDemo(h)
	ctx := context.Background()
	steps := []struct {
		sql  string
		want []string
		gone []string
	}{
		{"INSERT INTO lake.demo.people VALUES (4, 'di'), (5, 'ed')", []string{"≡ 5 rows"}, []string{"≡ 3 rows"}},
		{"CREATE TABLE lake.demo.events (id INTEGER)", []string{"▸ events", "≡ 5 rows"}, nil},
		{"CREATE SCHEMA lake.crm", []string{"▸ crm", "▸ events"}, nil},
		{"DROP SCHEMA lake.crm", nil, []string{"crm"}},
		{"DROP TABLE lake.demo.events PURGE", []string{"▾ people"}, []string{"events"}},
	}
	for _, st := range steps {
		if err := other.SQL().Exec(ctx, st.sql); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
		h.waitFor("the poll to show: "+st.sql, func() bool {
			tree := catalogText(h)
			for _, w := range st.want {
				if !strings.Contains(tree, w) {
					return false
				}
			}
			for _, g := range st.gone {
				if strings.Contains(tree, g) {
					return false
				}
			}
			return true
		})
	}
}
