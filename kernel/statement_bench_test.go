package kernel_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// BenchmarkStatementOutcomes runs a cell of 20 statements (DDL, inserts
// and queries) as a SQL cell, which reports each statement's outcome and
// reads the first rows of each query, against running the same script on
// the session's SQL session and discarding the results, in the same run.
// It reports cell time over script time (cell/script).
func BenchmarkStatementOutcomes(b *testing.B) {
	s := openSession(b, emptyWarehouse(b), kernel.Options{})
	ctx := context.Background()
	var stmts []string
	stmts = append(stmts, "CREATE OR REPLACE TEMP TABLE bench_t (i BIGINT, s VARCHAR)")
	for i := range 15 {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO bench_t SELECT range + %d, 'v' || range FROM range(1000)", i*1000))
	}
	stmts = append(stmts, "SELECT count(*) FROM bench_t", "SELECT i, s FROM bench_t WHERE i % 7 = 0",
		"UPDATE bench_t SET s = 'x' WHERE i < 100", "SELECT sum(i) AS total FROM bench_t")
	script := strings.Join(stmts, ";\n")
	cell := &notebooks.Cell{ID: "bench", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: script}
	var cellTime, scriptTime time.Duration
	for b.Loop() {
		start := time.Now()
		if err := s.SQL().Exec(ctx, script); err != nil {
			b.Fatal(err)
		}
		scriptTime += time.Since(start)
		start = time.Now()
		if r := s.Run(ctx, cell); r.Err != nil {
			b.Fatal(r.Err)
		}
		cellTime += time.Since(start)
	}
	b.ReportMetric(float64(cellTime)/float64(scriptTime), "cell/script")
	b.ReportMetric(float64(cellTime.Microseconds())/float64(b.N), "cell-µs/op")
	b.ReportMetric(float64(scriptTime.Microseconds())/float64(b.N), "script-µs/op")
}
