package kernel_test

import (
	"context"
	"testing"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/kernel"
)

// BenchmarkOpenQuery measures what floe sql costs before its query: open a
// session on the warehouse, run SELECT 42 and read it, close. It compares a
// kernel Session (the front ends' one way in) with a bare lakesql session,
// alternating which goes first, and reports kernel/lakesql.
func BenchmarkOpenQuery(b *testing.B) {
	wh := emptyWarehouse(b)
	ctx := context.Background()
	const q = "SELECT 42 AS answer"
	bare := func() {
		s, err := lakesql.Open(ctx, wh)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := s.Query(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rows.All(); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	viaKernel := func() {
		s, err := kernel.Open(ctx, wh, kernel.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := s.Rows(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	tBare, tKernel := alternate(b, bare, viaKernel)
	b.ReportMetric(float64(tKernel)/float64(tBare), "kernel/lakesql")
	b.ReportMetric(float64(tKernel)/float64(b.N)/1e6, "kernel-ms/op")
	b.ReportMetric(float64(tBare)/float64(b.N)/1e6, "lakesql-ms/op")
}
