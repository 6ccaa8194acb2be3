package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/catalog"
)

// openKernel opens a kernel session on a new warehouse with one table,
// lake.demo.people.
func openKernel(t *testing.T) *kernel.Session {
	t.Helper()
	return openKernelWith(t, kernel.Options{},
		"CREATE SCHEMA lake.demo",
		"CREATE TABLE lake.demo.people (id INTEGER, name VARCHAR)",
		"INSERT INTO lake.demo.people VALUES (1, 'ada'), (2, NULL), (3, '')")
}

// openKernelWith opens a kernel session with opts on a new warehouse and
// runs the setup statements on it.
func openKernelWith(t *testing.T, opts kernel.Options, setup ...string) *kernel.Session {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	sess, err := kernel.Open(ctx, wh, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	for _, q := range setup {
		if err := sess.SQL().Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return sess
}

// TestRealKernel runs cells on a real kernel session: a query over a lake
// table, then a long one cancelled with ctrl+c; and lists its catalog.
func TestRealKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	sess := openKernel(t)

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prices.csv"), []byte("sku,price\na,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := SessionCatalog(sess, dir)
	ctx := context.Background()
	if err := sess.SQL().Exec(ctx, "CREATE TEMP TABLE scratchpad AS SELECT 1 AS x"); err != nil {
		t.Fatal(err)
	}
	groups, err := src.(catalog.LocalSource).Local(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, g := range groups {
		for _, it := range g.Items {
			listed = append(listed, g.Name+": "+it.Name+" "+it.Kind+" -> "+it.Insert)
		}
	}
	if d := cmp.Diff([]string{"session: scratchpad table -> scratchpad", "files: prices.csv csv -> 'prices.csv'"}, listed); d != "" {
		t.Errorf("local groups (-want +got):\n%s", d)
	}
	nss, err := src.Namespaces(ctx)
	if err != nil || !cmp.Equal(nss, []string{"demo"}) {
		t.Errorf("namespaces = %q, %v; want [demo]", nss, err)
	}
	cols, details, err := src.(catalog.Describer).Describe(ctx, "demo", "people")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]catalog.Column{{Name: "id", Type: "INTEGER"}, {Name: "name", Type: "VARCHAR"}}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	var lines []string
	for _, d := range details {
		lines = append(lines, d.Text)
	}
	for _, want := range []string{"≡ 3 rows · format v2\n▤ 1 file · ", " B\n⟲ 1 snapshot · append just now"} {
		if !strings.Contains(strings.Join(lines, "\n"), want) {
			t.Errorf("table details lack %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}

	h := newHarness(t, 80, 24, Options{Kernel: sess, Catalog: src, Path: "x.md"})
	h.typeText("SELECT id, name FROM lake.demo.people ORDER BY id")
	h.keys("ctrl+j")
	h.waitFor("the query", func() bool { return h.m.notebook.LastRun() != nil })
	s := h.screen()
	for _, want := range []string{"[1] sql", "✓", "3 rows", " 1 │ ada", " 2 │ ∅"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	h.keys("esc", "b")
	h.typeText("SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b")
	h.keys("ctrl+j")
	time.Sleep(200 * time.Millisecond)
	if r, _ := h.m.notebook.Running(); !r {
		t.Fatal("the long query is not running")
	}
	start := time.Now()
	h.keys("ctrl+c")
	waitIdle(h)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelling took %s", d)
	}
	r := h.m.notebook.LastRun()
	if r.Err == nil || r.Err.Kind != kernel.KindInterrupt {
		t.Errorf("cancelled query ended with %+v, want an interrupt", r.Err)
	}
	if h.quit {
		t.Error("ctrl+c quit")
	}
	// The session still works.
	h.keys("esc", "b")
	h.typeText("SELECT count(*) AS n FROM lake.demo.people")
	h.keys("ctrl+j")
	h.waitFor("the query", func() bool { r := h.m.notebook.LastRun(); return r != nil && r.Err == nil })
}
