package kernel_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestNames lists what SQL cells can name on a real session: lake tables
// with their columns, a named cell result, a table a cell created, and
// DuckDB's functions; and sees a new table after the next run.
func TestNames(t *testing.T) {
	ctx := context.Background()
	// The session keeps results for the pager, as the workbench's does;
	// they are floe's, not the user's, and are not listed.
	s := openSession(t, emptyWarehouse(t), kernel.Options{KeepResults: 4})
	for _, q := range []string{
		"CREATE SCHEMA lake.crm",
		"CREATE TABLE lake.crm.customers (id BIGINT, name VARCHAR, signup DATE)",
		"CREATE TABLE lake.crm.orders (order_id BIGINT, customer_id BIGINT)",
	} {
		if err := s.SQL().Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run := func(src string, opts notebooks.Options) {
		t.Helper()
		c := &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: src, Options: opts}
		if r := s.Run(ctx, c); r.Status != kernel.Passed {
			t.Fatalf("%s: %v", src, r.Err)
		}
	}
	run("SELECT id, name FROM lake.crm.customers", notebooks.Options{Name: "top"})
	run("SELECT 42 AS answer", notebooks.Options{})

	n, err := s.Names(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lake := map[string][]string{}
	for _, r := range n.Lake {
		for _, c := range r.Columns {
			lake[r.Schema+"."+r.Name] = append(lake[r.Schema+"."+r.Name], c.Name)
		}
	}
	want := map[string][]string{"crm.customers": {"id", "name", "signup"}, "crm.orders": {"order_id", "customer_id"}}
	if d := cmp.Diff(want, lake); d != "" {
		t.Errorf("lake tables (-want +got):\n%s", d)
	}
	found := 0
	for _, r := range n.Tables {
		if r.Name == "top" {
			found++
			if r.View {
				t.Errorf("the named result top is listed as a view: %+v", r)
			}
			if d := cmp.Diff([]kernel.Column{{Name: "id", Type: "BIGINT"}, {Name: "name", Type: "VARCHAR"}}, r.Columns); d != "" {
				t.Errorf("columns of the named result top (-want +got):\n%s", d)
			}
		}
		if r.Schema == "floe_scratch" || strings.HasPrefix(r.Name, "floe_") {
			t.Errorf("floe's own relation %s.%s is listed", r.Schema, r.Name)
		}
	}
	if found != 1 {
		t.Errorf("the named result top is listed %d times among the tables, want once: %+v", found, n.Tables)
	}
	for _, f := range []string{"count", "read_parquet", "strftime", "sum"} {
		if _, ok := slices.BinarySearch(n.Functions, f); !ok {
			t.Errorf("function %s is not listed (%d functions)", f, len(n.Functions))
		}
	}
	for _, f := range n.Functions {
		if f == "+" || f[0] == '_' {
			t.Errorf("operator or internal function %q is listed", f)
		}
	}

	// Cached until the next run; the run's new table shows then.
	again, _ := s.Names(ctx)
	if again != n {
		t.Error("Names listed again without a run in between")
	}
	run("CREATE TABLE scratchpad AS SELECT 1 AS x", notebooks.Options{})
	n, err = s.Names(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(n.Tables, func(r kernel.Relation) bool { return r.Name == "scratchpad" }) {
		t.Errorf("the table created by the last run is not listed: %+v", n.Tables)
	}
}

// BenchmarkNames measures listing the names after a run, which the
// workbench does after every run (in a command, off the UI thread).
func BenchmarkNames(b *testing.B) {
	ctx := context.Background()
	s := openSession(b, sampleWarehouse(b), kernel.Options{})
	c := &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: "SELECT 1"}
	if _, err := s.Names(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s.Run(ctx, c)
		b.StartTimer()
		if _, err := s.Names(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
