package lakesql

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// deleteHeavyTables makes lake.m.dv, n rows written as 20 inserts with 10%
// of them deleted by deletion vectors, and lake.m.compact, the same rows
// written by one INSERT. It returns how long that INSERT took.
func deleteHeavyTables(tb testing.TB, s *Session, n int) time.Duration {
	tb.Helper()
	ctx := context.Background()
	exec := func(q string) time.Duration {
		tb.Helper()
		start := time.Now()
		if err := s.Exec(ctx, q); err != nil {
			tb.Fatal(err)
		}
		return time.Since(start)
	}
	const batches = 20
	exec("CREATE SCHEMA lake.m; CREATE TABLE lake.m.dv (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	for j := range batches {
		exec(fmt.Sprintf("INSERT INTO lake.m.dv SELECT * FROM (%s) WHERE id >= %d AND id < %d", peopleSQL(n), j*n/batches, (j+1)*n/batches))
	}
	exec("DELETE FROM lake.m.dv WHERE hash(id, 1) % 10 = 0")
	exec("CREATE TABLE lake.m.compact (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	return exec("INSERT INTO lake.m.compact SELECT * FROM lake.m.dv")
}

// scanRatios times full scans of lake.m.dv and lake.m.compact interleaved,
// pairs times (after one warm-up scan of each), alternating which of the
// two goes first, and returns the per-pair ratios dv / compact: both scans
// of a pair see the same machine load and cache.
func scanRatios(b *testing.B, s *Session, pairs int) []float64 {
	b.Helper()
	scan := func(tbl string) time.Duration {
		return benchExec(b, s, "SELECT sum(age), count(*) FROM lake.m."+tbl)
	}
	scan("dv")
	scan("compact")
	ratios := make([]float64, pairs)
	for i := range ratios {
		var dv, compact time.Duration
		if i%2 == 0 {
			dv = scan("dv")
			compact = scan("compact")
		} else {
			compact = scan("compact")
			dv = scan("dv")
		}
		ratios[i] = float64(dv) / float64(compact)
	}
	return ratios
}

// BenchmarkMaintenance measures what floe maintain buys and costs on a
// delete-heavy table: benchRows() rows written as 20 inserts, 10% of them
// deleted by deletion vectors. It reports the full-scan time of that
// table over that of a compacted table with the same rows (the median
// ratio of all the iterations' pairs of scans, 9 interleaved pairs each),
// before (before-ratio) and after (after-ratio; target <= 1.2) one
// policy-driven maintenance run, and the run's
// compaction time per GiB of Parquet rewritten (s/GiB-rewritten), per
// million rows, and over the time an INSERT of the same rows into an empty
// table takes. TestMaintainedLayoutMatchesCompacted checks that after the
// run both tables are laid out alike. Each iteration builds its own
// tables; use a small -benchtime such as 3x.
func BenchmarkMaintenance(b *testing.B) {
	n := benchRows()
	const pairs = 9
	ctx := context.Background()
	var before, after, perGiB, perMRows, vsInsert []float64
	for i := range b.N {
		b.StopTimer()
		s := benchWarehouse(b)
		insert := deleteHeavyTables(b, s, n)
		pre := scanRatios(b, s, pairs)
		before = append(before, pre...)
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
		post := scanRatios(b, s, pairs)
		after = append(after, post...)
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
			b.Logf("rows %d: compaction %v for %d bytes (an INSERT of the rows: %v); median ratio before %.2f, after %.2f (pairs after: %.2f)", n, compaction, bytes, insert,
				medianRatio(pre), medianRatio(post), post)
		}
	}
	b.ReportMetric(medianRatio(before), "before-ratio")
	b.ReportMetric(medianRatio(after), "after-ratio")
	b.ReportMetric(medianRatio(perGiB), "s/GiB-rewritten")
	b.ReportMetric(medianRatio(perMRows), "s/Mrows-rewritten")
	b.ReportMetric(medianRatio(vsInsert), "compaction/insert")
}
