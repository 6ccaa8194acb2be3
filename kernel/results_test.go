package kernel_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
)

// runCell runs one SQL cell in s and returns its table output.
func runCell(t *testing.T, s *kernel.Session, id, src string) *kernel.Table {
	t.Helper()
	r := s.Run(context.Background(), cellOf(id, src))
	if r.Status != kernel.Passed {
		t.Fatalf("cell %s: %v\n%s", id, r.Err, text(r))
	}
	for i := len(r.Outputs) - 1; i >= 0; i-- {
		if r.Outputs[i].Table != nil {
			return r.Outputs[i].Table
		}
	}
	t.Fatalf("cell %s returned no table", id)
	return nil
}

func cellOf(id, src string) *notebooks.Cell {
	return &notebooks.Cell{ID: id, Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: src}
}

// column returns column i of a page's rows.
func column(tb *kernel.Table, i int) []any {
	out := make([]any, len(tb.Rows))
	for r, row := range tb.Rows {
		out[r] = row[i]
	}
	return out
}

func ints(from, to, step int64) []any {
	out := []any{}
	for v := from; (step > 0 && v < to) || (step < 0 && v > to); v += step {
		out = append(out, v)
	}
	return out
}

func TestPages(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 100, KeepResults: 2})
	ctx := context.Background()
	tb := runCell(t, s, "big", "SELECT i AS n, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 7 END AS m FROM range(100000) t(i)")
	if tb.Result == "" || tb.Total != 100000 || len(tb.Rows) != 100 {
		t.Fatalf("output: result %q, total %d, %d rows held; want a held result of 100000 rows showing 100", tb.Result, tb.Total, len(tb.Rows))
	}
	cases := []struct {
		name          string
		offset, limit int64
		order         []kernel.Order
		col           int
		want          []any
	}{
		{"first page", 0, 5, nil, 0, ints(0, 5, 1)},
		{"deep page", 99990, 20, nil, 0, ints(99990, 100000, 1)},
		{"past the end", 200000, 5, nil, 0, []any{}},
		{"whole result sorted desc", 0, 3, []kernel.Order{{Column: "n", Desc: true}}, 0, ints(99999, 99996, -1)},
		{"sorted deep", 50000, 3, []kernel.Order{{Column: "n", Desc: true}}, 0, ints(49999, 49996, -1)},
		// Ties keep the result's order, and NULLs come last.
		{"ties stable", 0, 4, []kernel.Order{{Column: "m"}}, 0, []any{int64(7), int64(14), int64(21), int64(28)}},
		{"nulls last desc", 99990, 3, []kernel.Order{{Column: "m", Desc: true}}, 1, []any{nil, nil, nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.Page(ctx, tb.Result, tc.offset, tc.limit, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 100000 {
				t.Errorf("total %d, want 100000", p.Total)
			}
			if diff := cmp.Diff(tc.want, column(p, tc.col)); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.Page(ctx, tb.Result, 0, 1, []kernel.Order{{Column: "nope"}}); err == nil {
		t.Error("sorting by a missing column succeeded")
	}
}

func TestEviction(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 10, KeepResults: 2})
	ctx := context.Background()
	a := runCell(t, s, "a", "SELECT 1 AS x")
	b := runCell(t, s, "b", "SELECT 2 AS x")
	again := runCell(t, s, "b", "SELECT 3 AS x") // replaces b's result
	c := runCell(t, s, "c", "SELECT 4 AS x")     // pushes a out
	for _, tc := range []struct {
		name    string
		handle  string
		evicted bool
	}{
		{"oldest pushed out", a.Result, true},
		{"replaced by a re-run", b.Result, true},
		{"re-run kept", again.Result, false},
		{"newest", c.Result, false},
		{"never held", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Page(ctx, tc.handle, 0, 10, nil)
			if got := errors.Is(err, kernel.ErrResultEvicted); got != tc.evicted {
				t.Errorf("evicted = %v (%v), want %v", got, err, tc.evicted)
			}
			if tc.evicted && err != nil && !strings.Contains(err.Error(), "result no longer held, re-run the cell") {
				t.Errorf("message %q does not say to re-run the cell", err)
			}
		})
	}
}

func TestNamedResultsArePaged(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 10, KeepResults: 4})
	nb := parse(t, "~~~sql name=nums\nSELECT i FROM range(1000) t(i)\n~~~\n")
	rep, err := runner.Run(context.Background(), s, nb, runner.Options{})
	if err != nil || rep.Failed > 0 {
		t.Fatalf("run: %v %v", err, summary(nb, rep))
	}
	tb := rep.Results[0].Outputs[0].Table
	p, err := s.Page(context.Background(), tb.Result, 990, 100, []kernel.Order{{Column: "i", Desc: true}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ints(9, -1, -1), column(p, 0)); diff != "" {
		t.Errorf("last page of the named result sorted desc (-want +got):\n%s", diff)
	}
}

func TestHeadlessHoldsNothing(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 10})
	tb := runCell(t, s, "a", "SELECT i FROM range(100) t(i)")
	if tb.Result != "" || tb.Total != 100 || len(tb.Rows) != 10 {
		t.Errorf("headless output: result %q, total %d, %d rows; want nothing held, 100 counted, 10 shown", tb.Result, tb.Total, len(tb.Rows))
	}
}

func TestExport(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 10, KeepResults: 4})
	ctx := context.Background()
	tb := runCell(t, s, "q", "SELECT i AS n, 'v' || i AS label, CASE WHEN i = 3 THEN NULL ELSE i * 1.5 END AS x FROM range(5000) t(i)")
	dir := t.TempDir()
	desc := []kernel.Order{{Column: "n", Desc: true}}
	for _, tc := range []struct {
		file, format, read string
	}{
		{"out.csv", "csv", "read_csv(%s)"},
		{"out.parquet", "parquet", "read_parquet(%s)"},
		{"out.json", "json", "read_json(%s, format = 'array')"},
		{"out.jsonl", "jsonl", "read_json(%s, format = 'newline_delimited')"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			os.WriteFile(path, []byte("old contents"), 0o644) // replaced whole
			got, err := s.Export(ctx, tb.Result, path, desc)
			if err != nil {
				t.Fatal(err)
			}
			if got.Rows != 5000 || got.Format != tc.format || got.Path != path {
				t.Errorf("exported %+v, want 5000 rows of %s to %s", got, tc.format, path)
			}
			src := fmt.Sprintf(tc.read, "'"+path+"'")
			back, err := s.Query(ctx, "SELECT count(*), count(x), first(n), first(label), sum(n) FROM "+src)
			if err != nil {
				t.Fatal(err)
			}
			want := []any{int64(5000), int64(4999), int64(4999), "v4999", "12497500"}
			row := back.Rows[0]
			gotRow := []any{row[0], row[1], toInt(row[2]), row[3], fmt.Sprint(row[4])}
			if diff := cmp.Diff(want, gotRow); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	t.Run("unknown extension", func(t *testing.T) {
		_, err := s.Export(ctx, tb.Result, filepath.Join(dir, "out.xlsx"), nil)
		if !errors.Is(err, kernel.ErrExportFormat) || !strings.Contains(err.Error(), "out.xlsx") {
			t.Errorf("error %v, want ErrExportFormat naming the file", err)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		p := filepath.Join(dir, "no", "such", "out.csv")
		_, err := s.Export(ctx, tb.Result, p, nil)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v, want one naming %s", err, p)
		}
	})
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	}
	return -1
}

// TestHeldQueryForms runs every statement form a query cell can end with
// through the held path.
func TestHeldQueryForms(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{MaxRows: 10, KeepResults: 8})
	for i, q := range []string{
		"VALUES (1), (2)",
		"FROM range(2)",
		"(SELECT 1 UNION ALL SELECT 2)",
		"WITH x AS (SELECT 1 AS a UNION ALL SELECT 2) SELECT * FROM x",
		"SELECT 1 UNION ALL SELECT 2 -- a trailing comment",
		"PIVOT (SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2) ON k USING sum(v)",
	} {
		t.Run(q, func(t *testing.T) {
			tb := runCell(t, s, fmt.Sprintf("c%d", i), q)
			if tb.Result == "" {
				t.Fatal("result not held")
			}
			p, err := s.Page(context.Background(), tb.Result, 0, 10, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != tb.Total || len(p.Rows) != len(tb.Rows) {
				t.Errorf("page of %d rows of %d, output %d of %d", len(p.Rows), p.Total, len(tb.Rows), tb.Total)
			}
		})
	}
}
