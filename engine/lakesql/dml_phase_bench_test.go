package lakesql

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkDeleteVsCount is the DELETE/count(*) half of
// BenchmarkScanWithDVs alone, with the DELETE's phases: a DELETE of 1% of
// the rows of a v3 table by a predicate on a clustered column against
// SELECT count(*) with that predicate (issue #5 target: ratio <= 3).
func BenchmarkDeleteVsCount(b *testing.B) {
	n := benchRows()
	s := benchWarehouse(b)
	benchExec(b, s, "CREATE SCHEMA lake.s; CREATE TABLE lake.s.work (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	benchExec(b, s, "INSERT INTO lake.s.work "+peopleSQL(n))
	phases := map[string][]time.Duration{}
	var order []string
	dmlTrace = func(p string, d time.Duration) {
		if _, ok := phases[p]; !ok {
			order = append(order, p)
		}
		phases[p] = append(phases[p], d)
	}
	defer func() { dmlTrace = nil }()
	var dels, counts []time.Duration
	var ratios []float64
	b.ResetTimer()
	for i := range b.N {
		lo := int64(i) * int64(n) / 100 % int64(n)
		pred := fmt.Sprintf("id >= %d AND id < %d", lo, lo+int64(n)/100)
		c := benchExec(b, s, "SELECT count(*) FROM lake.s.work WHERE "+pred)
		d := benchExec(b, s, "DELETE FROM lake.s.work WHERE "+pred)
		counts, dels = append(counts, c), append(dels, d)
		ratios = append(ratios, float64(d)/float64(c))
	}
	var del, count time.Duration
	for i := range dels {
		del, count = del+dels[i], count+counts[i]
	}
	b.ReportMetric(float64(del)/float64(count), "delete-vs-count-ratio")
	b.ReportMetric(medianRatio(ratios), "median-ratio")
	if os.Getenv("FLOE_BENCH_VERBOSE") != "" {
		var parts []string
		for _, p := range order {
			parts = append(parts, fmt.Sprintf("%s %v", p, medianDur(phases[p])))
		}
		b.Logf("delete %v, count %v (medians); phases: %s", medianDur(dels), medianDur(counts), strings.Join(parts, ", "))
	}
}

func medianRatio(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func medianDur(xs []time.Duration) time.Duration {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2].Round(100 * time.Microsecond)
}
