package lakesql

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
)

func benchWarehouse(b *testing.B) *Session {
	b.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s, err := Open(ctx, wh)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); wh.Close() })
	return s
}

func benchExec(b *testing.B, s *Session, q string) time.Duration {
	b.Helper()
	start := time.Now()
	if err := s.Exec(context.Background(), q); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// peopleSQL generates the published comparison's table: id, name, age,
// created_at, deterministic for seed 42.
func peopleSQL(n int) string {
	return fmt.Sprintf(`SELECT i AS id, 'name_' || i AS name, CAST(18 + hash(i, 42) %% 60 AS INTEGER) AS age,
		TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i, 7) %% 31536000 AS BIGINT)) AS created_at FROM range(%d) r(i)`, n)
}

// BenchmarkDeleteV3VsV2 reproduces the published Spark comparison at 10,000
// rows: delete ids 1000-1099 from a compacted table, v2 (position-delete
// Parquet) against v3 (deletion vector in Puffin), and report delete time,
// delete file bytes, and full and filtered read times per version.
func BenchmarkDeleteV3VsV2(b *testing.B) {
	s := benchWarehouse(b)
	ctx := context.Background()
	var del, full, filtered [2]time.Duration
	var bytes [2]int64
	for i := range b.N {
		for v, props := range []string{"'format-version'='2', 'write.delete.mode'='merge-on-read'", "'format-version'='3'"} {
			name := fmt.Sprintf("lake.d.t%d_%d", v+2, i)
			benchExec(b, s, "CREATE SCHEMA IF NOT EXISTS lake.d; CREATE TABLE "+name+" (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ("+props+")")
			benchExec(b, s, "INSERT INTO "+name+" "+peopleSQL(10_000))
			del[v] += benchExec(b, s, "DELETE FROM "+name+" WHERE id BETWEEN 1000 AND 1099")
			full[v] += benchExec(b, s, "SELECT * FROM "+name)
			filtered[v] += benchExec(b, s, "SELECT * FROM "+name+" WHERE age > 30")
			rows, err := s.Query(ctx, `SELECT sum(file_size_in_bytes) FROM lake.d."`+fmt.Sprintf("t%d_%d", v+2, i)+`$delete_files"`)
			if err != nil {
				b.Fatal(err)
			}
			data, _ := rows.All()
			bytes[v] = toInt64(data[0][0])
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(del[0].Microseconds())/n/1000, "v2-delete-ms")
	b.ReportMetric(float64(del[1].Microseconds())/n/1000, "v3-delete-ms")
	b.ReportMetric(float64(bytes[0]), "v2-delete-bytes")
	b.ReportMetric(float64(bytes[1]), "v3-delete-bytes")
	b.ReportMetric(100*(1-float64(del[1])/float64(del[0])), "v3-delete-faster-%")
	b.ReportMetric(100*(1-float64(full[1])/float64(full[0])), "v3-fullscan-faster-%")
	b.ReportMetric(100*(1-float64(filtered[1])/float64(filtered[0])), "v3-filtered-faster-%")
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	}
	var n int64
	fmt.Sscan(fmt.Sprint(v), &n)
	return n
}

// BenchmarkScanWithDVs compares a full scan of a table with 10% of its
// rows deleted by deletion vectors against a scan of the compacted table
// with the same surviving rows (target ratio <= 1.3), and a DELETE of 1%
// of rows by a selective predicate against SELECT count(*) with that
// predicate (target ratio <= 3).
func BenchmarkScanWithDVs(b *testing.B) {
	n := benchRows()
	s := benchWarehouse(b)
	benchExec(b, s, "CREATE SCHEMA lake.s; CREATE TABLE lake.s.dv (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	benchExec(b, s, "INSERT INTO lake.s.dv "+peopleSQL(n))
	benchExec(b, s, "DELETE FROM lake.s.dv WHERE hash(id, 1) % 10 = 0")
	benchExec(b, s, "CREATE TABLE lake.s.compact (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	benchExec(b, s, "INSERT INTO lake.s.compact SELECT * FROM lake.s.dv")
	benchExec(b, s, "CREATE TABLE lake.s.work (id BIGINT, name VARCHAR, age INTEGER, created_at TIMESTAMP) TBLPROPERTIES ('format-version'='3')")
	benchExec(b, s, "INSERT INTO lake.s.work "+peopleSQL(n))
	var withDV, compact, del, count time.Duration
	b.ResetTimer()
	for i := range b.N {
		withDV += benchExec(b, s, "SELECT sum(age), count(*) FROM lake.s.dv")
		compact += benchExec(b, s, "SELECT sum(age), count(*) FROM lake.s.compact")
		// 1% of rows, by a predicate on a clustered column.
		lo := int64(i) * int64(n) / 100 % int64(n)
		pred := fmt.Sprintf("id >= %d AND id < %d", lo, lo+int64(n)/100)
		count += benchExec(b, s, "SELECT count(*) FROM lake.s.work WHERE "+pred)
		del += benchExec(b, s, "DELETE FROM lake.s.work WHERE "+pred)
	}
	b.ReportMetric(float64(withDV)/float64(compact), "dv-scan-ratio")
	b.ReportMetric(float64(del)/float64(count), "delete-vs-count-ratio")
	if os.Getenv("FLOE_BENCH_VERBOSE") != "" {
		b.Logf("scan with DVs %v, compacted %v, delete %v, count %v", withDV/time.Duration(b.N), compact/time.Duration(b.N), del/time.Duration(b.N), count/time.Duration(b.N))
	}
}
