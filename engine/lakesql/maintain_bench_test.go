package lakesql

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// BenchmarkMaintenance measures what floe maintain buys and costs on a
// delete-heavy table: benchRows() rows written as 20 inserts, 10% of them
// deleted by deletion vectors. It reports the median full-scan time of
// that table over the median of a compacted table with the same rows,
// before (before-ratio) and after (after-ratio; target <= 1.2) one
// policy-driven maintenance run, and the run's compaction time per GiB of
// Parquet rewritten (s/GiB-rewritten), per million rows, and over the time
// an INSERT of the same rows into an empty table takes. Each iteration
// builds its own table; use a small -benchtime such as 3x.
func BenchmarkMaintenance(b *testing.B) {
	n := benchRows()
	const batches, reps = 20, 5
	ctx := context.Background()
	var before, after, perGiB, perMRows, vsInsert []float64
	for i := range b.N {
		b.StopTimer()
		s := benchWarehouse(b)
		benchExec(b, s, "CREATE SCHEMA lake.m; CREATE TABLE lake.m.dv (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
		for j := range batches {
			benchExec(b, s, fmt.Sprintf("INSERT INTO lake.m.dv SELECT * FROM (%s) WHERE id >= %d AND id < %d", peopleSQL(n), j*n/batches, (j+1)*n/batches))
		}
		benchExec(b, s, "DELETE FROM lake.m.dv WHERE hash(id, 1) % 10 = 0")
		benchExec(b, s, "CREATE TABLE lake.m.compact (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
		insert := benchExec(b, s, "INSERT INTO lake.m.compact SELECT * FROM lake.m.dv")
		ratio := func() float64 {
			var dv, compact []time.Duration
			for range reps {
				dv = append(dv, benchExec(b, s, "SELECT sum(age), count(*) FROM lake.m.dv"))
				compact = append(compact, benchExec(b, s, "SELECT sum(age), count(*) FROM lake.m.compact"))
			}
			slices.Sort(dv)
			slices.Sort(compact)
			return float64(dv[reps/2]) / float64(compact[reps/2])
		}
		before = append(before, ratio())
		b.StartTimer()
		runs, err := s.Maintain(ctx, "m.dv")
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		var compaction time.Duration
		var bytes int64
		for _, r := range runs {
			if r.Job == JobCompaction {
				compaction, bytes = r.Finished.Sub(r.Started), r.BytesIn
			}
		}
		if bytes == 0 {
			b.Fatalf("iteration %d: maintenance compacted nothing: %+v", i, runs)
		}
		perGiB = append(perGiB, compaction.Seconds()*float64(1<<30)/float64(bytes))
		perMRows = append(perMRows, compaction.Seconds()*1e6/float64(n))
		vsInsert = append(vsInsert, float64(compaction)/float64(insert))
		after = append(after, ratio())
		if os.Getenv("FLOE_BENCH_VERBOSE") != "" {
			for _, tbl := range []string{"dv", "compact"} {
				rows, err := s.Query(ctx, `SELECT content, count(*), sum(record_count), sum(file_size_in_bytes) FROM lake.m."`+tbl+`$files" GROUP BY ALL ORDER BY ALL`)
				if err != nil {
					b.Fatal(err)
				}
				all, err := rows.All()
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("lake.m.%s files by content (count, rows, bytes): %v", tbl, all)
			}
			b.Logf("rows %d: compaction %v for %d bytes (an INSERT of the rows: %v); ratio before %.2f, after %.2f", n, compaction, bytes, insert, before[i], after[i])
		}
	}
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(median(before), "before-ratio")
	b.ReportMetric(median(after), "after-ratio")
	b.ReportMetric(median(perGiB), "s/GiB-rewritten")
	b.ReportMetric(median(perMRows), "s/Mrows-rewritten")
	b.ReportMetric(median(vsInsert), "compaction/insert")
}
