package kernel_test

import (
	"context"
	"testing"

	"github.com/floehq/floe/kernel"
)

// BenchmarkPage fetches 500-row pages of a held result of a million rows:
// the first page, one near the end, and one near the end of the whole
// result sorted in DuckDB by a column, against the first page measured in
// the same run.
func BenchmarkPage(b *testing.B) {
	s := openSession(b, emptyWarehouse(b), kernel.Options{MaxRows: 10000, KeepResults: 2})
	ctx := context.Background()
	c := runCellB(b, s, "SELECT i AS id, hash(i) % 100000 AS k, 'row ' || i AS label FROM range(1000000) t(i)")
	var first float64
	for _, bc := range []struct {
		name   string
		offset int64
		order  []kernel.Order
	}{
		{"first", 0, nil},
		{"deep", 999000, nil},
		{"sorted-deep", 999000, []kernel.Order{{Column: "k", Desc: true}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Page(ctx, c.Result, bc.offset, 500, bc.order); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if bc.name == "first" {
				first = ns
			} else if first > 0 {
				b.ReportMetric(ns/first, "x-first")
			}
		})
	}
}

func runCellB(b *testing.B, s *kernel.Session, src string) *kernel.Table {
	b.Helper()
	r := s.Run(context.Background(), cellOf("q", src))
	if r.Status != kernel.Passed {
		b.Fatalf("%v", r.Err)
	}
	return r.Outputs[len(r.Outputs)-1].Table
}
