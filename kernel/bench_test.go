package kernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// BenchmarkKernelOverhead compares running a query as a SQL cell (split,
// planned, streamed into a table output with exact row count, rendered for
// the notebook) with running it on the session's DuckDB connection and
// scanning every row. It reports cell time over direct time (cell/direct)
// and the added time per query.
func BenchmarkKernelOverhead(b *testing.B) {
	wh := emptyWarehouse(b)
	s := openSession(b, wh, kernel.Options{})
	ctx := context.Background()
	for _, q := range []struct{ name, sql string }{
		{"tiny", "SELECT 42 AS answer"},
		{"aggregate", "SELECT i % 10 AS k, count(*) AS n, sum(i) AS total FROM range(1000000) t(i) GROUP BY k ORDER BY k"},
		{"rows_5000", "SELECT i, i * 2 AS twice, 'row ' || i AS label FROM range(5000) t(i)"},
	} {
		b.Run(q.name, func(b *testing.B) {
			cell := &notebooks.Cell{ID: "bench", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: q.sql}
			direct := func() {
				rows, err := s.SQL().Conn().QueryContext(ctx, q.sql)
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				for rows.Next() {
					if err := rows.Scan(ptrs...); err != nil {
						b.Fatal(err)
					}
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
			run := func() {
				if r := s.Run(ctx, cell); r.Status != kernel.Passed {
					b.Fatal(r.Err)
				}
			}
			tDirect, tCell := alternate(b, direct, run)
			b.ReportMetric(float64(tCell)/float64(tDirect), "cell/direct")
			b.ReportMetric(float64(tCell-tDirect)/float64(b.N)/1e3, "added-µs/op")
		})
	}
}

// alternate runs a and c once per iteration of b's loop, alternating which
// goes first so that neither always runs on the caches the other warmed,
// and returns the time each took in all.
func alternate(b *testing.B, a, c func()) (ta, tc time.Duration) {
	i := 0
	for b.Loop() {
		first, second := a, c
		if i%2 == 1 {
			first, second = c, a
		}
		t0 := time.Now()
		first()
		t1 := time.Now()
		second()
		t2 := time.Now()
		if i%2 == 0 {
			ta, tc = ta+t1.Sub(t0), tc+t2.Sub(t1)
		} else {
			tc, ta = tc+t1.Sub(t0), ta+t2.Sub(t1)
		}
		i++
	}
	return ta, tc
}
