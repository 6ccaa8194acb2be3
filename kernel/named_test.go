package kernel_test

import (
	"context"
	"testing"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestNamedResultOnDisk checks that a named result is a table of the
// session's results database, not rows in memory: DuckDB reports no
// in-memory table data for it, the output holds only the shown rows with
// the exact count, and later cells read it by its bare name whatever the
// USE in force.
func TestNamedResultOnDisk(t *testing.T) {
	ctx := context.Background()
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 50})
	run := func(id, src string, opts notebooks.Options) *kernel.Result {
		t.Helper()
		c := &notebooks.Cell{ID: id, Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: src, Options: opts}
		r := s.Run(ctx, c)
		if r.Status != kernel.Passed {
			t.Fatalf("cell %s: %v", id, r.Err)
		}
		return r
	}
	table := func(r *kernel.Result) *kernel.Table {
		t.Helper()
		for _, o := range r.Outputs {
			if o.Table != nil {
				return o.Table
			}
		}
		t.Fatalf("cell %s has no table", r.Cell)
		return nil
	}
	const rows = 2_000_000
	big := table(run("big", "SELECT i AS id, i % 1000 AS k, hash(i) % 100000 AS x FROM range(2000000) t(i)", notebooks.Options{Name: "r"}))
	if big.Total != rows || len(big.Rows) != 50 {
		t.Errorf("output: %d rows shown of %d, want 50 of %d", len(big.Rows), big.Total, rows)
	}
	mem := table(run("mem", "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) AS bytes FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'", notebooks.Options{}))
	if b := mem.Rows[0][0].(int64); b > 4<<20 {
		t.Errorf("%d bytes of in-memory table data after a %d-row named result; want it on disk", b, rows)
	}
	where := table(run("where", "SELECT database_name FROM duckdb_tables() WHERE table_name = 'r'", notebooks.Options{}))
	if len(where.Rows) != 1 || where.Rows[0][0] != "floe_results" {
		t.Errorf("the named result r is in %v, want the floe_results database", where.Rows)
	}

	// Its bare name survives USE, and a re-run that reads itself.
	if err := s.SQL().Exec(ctx, "CREATE SCHEMA lake.ns; USE lake.ns"); err != nil {
		t.Fatal(err)
	}
	n := table(run("count", "SELECT count(*) AS n, sum(x) > 0 AS some FROM r", notebooks.Options{}))
	if n.Rows[0][0] != int64(rows) {
		t.Errorf("count(*) FROM r after USE: %v, want %d", n.Rows[0][0], rows)
	}
	again := table(run("big", "SELECT * FROM r WHERE id < 10", notebooks.Options{Name: "r"}))
	if again.Total != 10 {
		t.Errorf("re-running a cell named r that reads r: %d rows, want 10", again.Total)
	}

	// A Go cell's floe.Register of the same name replaces it, and a SQL
	// cell of that name replaces the registered one.
	goCell := &notebooks.Cell{ID: "go", Kind: notebooks.Code, Lang: notebooks.LangGo,
		Source: "t, err := floe.SQL(\"SELECT 7 AS seven\")\nif err != nil {\n\tpanic(err)\n}\nif err := floe.Register(\"r\", t); err != nil {\n\tpanic(err)\n}\n"}
	if res := s.Run(ctx, goCell); res.Status != kernel.Passed {
		t.Fatalf("Go cell: %v", res.Err)
	}
	if v := table(run("read", "SELECT * FROM r", notebooks.Options{})).Rows; len(v) != 1 || v[0][0] != int32(7) {
		t.Errorf("after floe.Register(\"r\"): %v, want the registered row", v)
	}
	run("back", "SELECT 8 AS eight", notebooks.Options{Name: "r"})
	if v := table(run("read2", "SELECT * FROM r", notebooks.Options{})).Rows; len(v) != 1 || v[0][0] != int32(8) {
		t.Errorf("after the SQL cell named r: %v, want its row", v)
	}
}
