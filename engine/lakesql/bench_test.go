package lakesql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
)

// benchRows is the table size the figures name; FLOE_BENCH_ROWS
// scales it down for quick runs.
func benchRows() int {
	if v, err := strconv.Atoi(os.Getenv("FLOE_BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return 10_000_000
}

type benchEnv struct {
	s     *Session
	files []string // data files of lake.b.t, for the read_parquet baseline
	err   error
}

var (
	benchOnce sync.Once
	bench     benchEnv
)

// benchSession builds, once per process, a warehouse with
//   - lake.b.t: benchRows() rows, unpartitioned, written by one INSERT;
//   - lake.b.p: the same rows partitioned by day(ts) over 100 days.
func benchSession(b *testing.B) *benchEnv {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "floe-bench-")
		if err != nil {
			bench.err = err
			return
		}
		wh, err := engine.Open(ctx, dir)
		if err != nil {
			bench.err = err
			return
		}
		s, err := Open(ctx, wh)
		if err != nil {
			bench.err = err
			return
		}
		n := benchRows()
		gen := fmt.Sprintf(`SELECT i AS id, i %% 1000 AS x, (i * 7) %% 10007 / 10.0 AS amount,
			TIMESTAMP '2025-01-01' + to_microseconds(CAST(i AS BIGINT) * (8640000000000 // %d)) AS ts
			FROM range(%d) r(i)`, n, n)
		err = s.Exec(ctx, `CREATE SCHEMA lake.b;
			CREATE TABLE lake.b.t (id BIGINT, x INTEGER, amount DOUBLE, ts TIMESTAMP);
			INSERT INTO lake.b.t `+gen+`;
			CREATE TABLE lake.b.p (id BIGINT, x INTEGER, amount DOUBLE, ts TIMESTAMP) PARTITIONED BY (day(ts));
			INSERT INTO lake.b.p `+gen)
		if err != nil {
			bench.err = err
			return
		}
		t, err := wh.Table(ctx, "b", "t")
		if err != nil {
			bench.err = err
			return
		}
		dfs, err := t.DataFiles(ctx)
		if err != nil {
			bench.err = err
			return
		}
		for _, df := range dfs {
			p, _ := engine.LocalPath(df.FilePath())
			bench.files = append(bench.files, engine.QuoteString(p))
		}
		bench.s = s
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return &bench
}

func timeQuery(b *testing.B, s *Session, q string) time.Duration {
	b.Helper()
	start := time.Now()
	rows, err := s.Query(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := rows.All(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkScan compares an aggregate over a lake table with DuckDB's
// read_parquet over the very same files (target ratio <= 1.10).
func BenchmarkScan(b *testing.B) {
	env := benchSession(b)
	base := "SELECT sum(x), count(*) FROM read_parquet([" + strings.Join(env.files, ", ") + "])"
	var lake, raw time.Duration
	b.ResetTimer()
	for range b.N {
		lake += timeQuery(b, env.s, "SELECT sum(x), count(*) FROM lake.b.t")
		raw += timeQuery(b, env.s, base)
	}
	b.ReportMetric(float64(lake.Milliseconds())/float64(b.N), "lake-ms/op")
	b.ReportMetric(float64(raw.Milliseconds())/float64(b.N), "parquet-ms/op")
	b.ReportMetric(float64(lake)/float64(raw), "ratio")
}

// BenchmarkPrunedScan runs a query that selects one day of a table
// partitioned by day(ts) and reports files opened / files total and the
// time ratio against a full scan.
func BenchmarkPrunedScan(b *testing.B) {
	env := benchSession(b)
	ctx := context.Background()
	total, err := env.s.Query(ctx, `SELECT count(*) FROM lake.b."p$files"`)
	if err != nil {
		b.Fatal(err)
	}
	all, _ := total.All()
	nfiles := all[0][0].(int64)
	var sel, full time.Duration
	var kept int
	b.ResetTimer()
	for range b.N {
		sel += timeQuery(b, env.s, "SELECT sum(amount), count(*) FROM lake.b.p WHERE ts >= '2025-02-01' AND ts < '2025-02-02'")
		for _, p := range env.s.LastPlans() {
			kept = p.Files
		}
		full += timeQuery(b, env.s, "SELECT sum(amount), count(*) FROM lake.b.p")
	}
	b.ReportMetric(float64(kept), "files-opened")
	b.ReportMetric(float64(nfiles), "files-total")
	b.ReportMetric(float64(sel)/float64(full), "time-ratio")
}

// BenchmarkIngest compares INSERT INTO a lake table with DuckDB writing the
// same query to Parquet with COPY (target ratio <= 1.25).
func BenchmarkIngest(b *testing.B) {
	env := benchSession(b)
	ctx := context.Background()
	n := benchRows()
	gen := fmt.Sprintf("SELECT i AS id, i %% 1000 AS x, (i * 7) %% 10007 / 10.0 AS amount, TIMESTAMP '2025-01-01' + to_microseconds(CAST(i AS BIGINT)) AS ts FROM range(%d) r(i)", n)
	dir := b.TempDir()
	var lake, raw time.Duration
	b.ResetTimer()
	for i := range b.N {
		if err := env.s.Exec(ctx, "CREATE OR REPLACE TABLE lake.b.ingest (id BIGINT, x INTEGER, amount DOUBLE, ts TIMESTAMP)"); err != nil {
			b.Fatal(err)
		}
		lake += timeQuery(b, env.s, "INSERT INTO lake.b.ingest "+gen)
		out := filepath.Join(dir, fmt.Sprintf("copy%d.parquet", i))
		raw += timeQuery(b, env.s, fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd)", gen, out))
	}
	b.ReportMetric(float64(lake.Milliseconds())/float64(b.N), "lake-ms/op")
	b.ReportMetric(float64(raw.Milliseconds())/float64(b.N), "copy-ms/op")
	b.ReportMetric(float64(lake)/float64(raw), "ratio")
}

// BenchmarkCommit measures single-row INSERTs in a row: the per-commit
// cost of writing a small file and the metadata.
func BenchmarkCommit(b *testing.B) {
	env := benchSession(b)
	ctx := context.Background()
	if err := env.s.Exec(ctx, "CREATE OR REPLACE TABLE lake.b.small (id BIGINT, note VARCHAR)"); err != nil {
		b.Fatal(err)
	}
	const commits = 100
	durs := make([]time.Duration, 0, commits*b.N)
	b.ResetTimer()
	for i := range b.N {
		for j := range commits {
			durs = append(durs, timeQuery(b, env.s, fmt.Sprintf("INSERT INTO lake.b.small VALUES (%d, 'row')", i*commits+j)))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(median(durs).Microseconds())/1000, "median-ms/commit")
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}
