package lakesql

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkMergeCommit times the commit of MERGEs on a merge-on-read
// web_returns in the state the merge suite leaves it before its deletes:
// loaded, then the suite's inserts and upserts applied (a file per
// partition per MERGE, a snapshot each). Each iteration deletes another
// partition (a metadata-only commit dropping its files) or another 1% of
// the rows (deletion vectors in every partition), or inserts 1% new rows
// (a new file in every partition, and the coalescing of small files it
// brings). FLOE_MERGE_ROWS sets the size (200,000 rows unless set). It
// reports the whole MERGE and its commit phase per operation.
func BenchmarkMergeCommit(b *testing.B) {
	n := mergeBenchRows()
	s := benchWarehouse(b)
	r := loadMergeSuite(b, s, b.TempDir(), n, [3]bool{1: true})
	qs := mergeSuite(n)
	r.exec("CREATE OR REPLACE VIEW ref AS SELECT * FROM lake.merge_bench.mor")
	for _, q := range qs {
		if q.then != "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *" {
			continue
		}
		r.exec("CREATE OR REPLACE TABLE merge_src AS " + q.source)
		r.exec(fmt.Sprintf("MERGE INTO lake.merge_bench.mor AS t USING merge_src AS s ON %s %s", mergeOn, q.then))
	}
	days := webReturnsDays(n)
	var commit time.Duration
	dmlTrace = func(p string, d time.Duration) {
		if p == "merge commit" {
			commit += d
		}
	}
	b.Cleanup(func() { dmlTrace = nil })
	const keys = "SELECT wr_returned_date_sk, wr_item_sk, wr_order_number FROM ref WHERE "
	const del = "WHEN MATCHED THEN DELETE"
	// New rows continue the generator past every row the suite wrote.
	next := 10 * n
	for _, c := range []struct {
		name   string
		source func(i int) string
		then   string
	}{
		{"one partition", func(i int) string {
			return keys + fmt.Sprintf("wr_returned_date_sk = %d", 2450816+(days/2+int64(i)*7)%days)
		}, del},
		{"1 percent", func(i int) string {
			return keys + fmt.Sprintf("hash(wr_order_number, %d) %% 10000 < 100", 300+i)
		}, del},
		{"insert 1 percent", func(int) string {
			q := fmt.Sprintf("SELECT * FROM web_returns_gen(%d, %d, %d)", next, n/100, days)
			next += n / 100
			return q
		}, "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"},
	} {
		i := 0
		b.Run(c.name, func(b *testing.B) {
			commit = 0
			var total time.Duration
			for range b.N {
				b.StopTimer()
				r.exec("CREATE OR REPLACE TABLE merge_src AS " + c.source(i))
				i++
				b.StartTimer()
				total += r.exec(fmt.Sprintf("MERGE INTO lake.merge_bench.mor AS t USING merge_src AS s ON %s %s", mergeOn, c.then))
			}
			b.ReportMetric(ms(commit)/float64(b.N), "commit-ms/op")
			b.ReportMetric(ms(total)/float64(b.N), "merge-ms/op")
		})
	}
}
