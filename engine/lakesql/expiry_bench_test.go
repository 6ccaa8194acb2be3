package lakesql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
)

// expiryBenchSnapshots is the history BenchmarkExpireSnapshots expires.
const expiryBenchSnapshots = 200

var (
	expiryBenchOnce sync.Once
	expiryBenchDir  string
	expiryBenchErr  error
)

// expiryBenchWarehouse builds, once per process, a warehouse whose
// lake.x.t has 200 snapshots: 199 appends of 100 rows and a
// rewrite_data_files that compacts them, so the appends' data files,
// manifests and manifest lists are reached only by the snapshots an
// expiry removes.
func expiryBenchWarehouse(b *testing.B) string {
	b.Helper()
	expiryBenchOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "floe-expiry-bench-")
		if err != nil {
			expiryBenchErr = err
			return
		}
		expiryBenchDir = dir
		wh, err := engine.Open(ctx, dir)
		if err != nil {
			expiryBenchErr = err
			return
		}
		defer wh.Close()
		s, err := Open(ctx, wh)
		if err != nil {
			expiryBenchErr = err
			return
		}
		defer s.Close()
		var script strings.Builder
		script.WriteString("CREATE SCHEMA lake.x; CREATE TABLE lake.x.t (id BIGINT, s VARCHAR);\n")
		for range expiryBenchSnapshots - 1 {
			script.WriteString("INSERT INTO lake.x.t SELECT range, 'row ' || range FROM range(100);\n")
		}
		script.WriteString("CALL rewrite_data_files('x.t');")
		expiryBenchErr = s.Exec(ctx, script.String())
	})
	if expiryBenchErr != nil {
		b.Fatal(expiryBenchErr)
	}
	return expiryBenchDir
}

// BenchmarkExpireSnapshots: CALL expire_snapshots on a table with 200
// snapshots, all but the current one expired (six days later by
// FLOE_NOW): one commit, then about 600 files deleted (199 manifest
// lists, 199 manifests, 199 data files). Each iteration works on a fresh
// copy of the warehouse. The baseline, measured on the same copy in the
// same iteration, is one INSERT of a row into the table: x_insert says
// how many such commits the expiry costs.
func BenchmarkExpireSnapshots(b *testing.B) {
	src := expiryBenchWarehouse(b)
	ctx := context.Background()
	b.Setenv(engine.EnvNow, time.Now().Add(6*24*time.Hour).UTC().Format(time.RFC3339))
	var expire, insert time.Duration
	var deleted int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dst := filepath.Join(b.TempDir(), "wh")
		if _, err := engine.Copy(ctx, src, dst); err != nil {
			b.Fatal(err)
		}
		wh, err := engine.Open(ctx, dst)
		if err != nil {
			b.Fatal(err)
		}
		s, err := Open(ctx, wh)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := s.Exec(ctx, "INSERT INTO lake.x.t VALUES (-1, 'baseline')"); err != nil {
			b.Fatal(err)
		}
		insert += time.Since(start)

		b.StartTimer()
		start = time.Now()
		rows, err := s.Query(ctx, "CALL expire_snapshots('x.t')")
		if err == nil {
			var data [][]any
			data, err = rows.All()
			if err == nil {
				for _, v := range data[0][:6] {
					deleted += v.(int64)
				}
			}
		}
		expire += time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		wh.Close()
		os.RemoveAll(dst)
	}
	b.ReportMetric(float64(expire.Milliseconds())/float64(b.N), "ms/expire")
	b.ReportMetric(float64(expire)/float64(insert), "x_insert")
	b.ReportMetric(float64(deleted)/float64(b.N), "files_deleted/op")
}

// TestMain removes the warehouse expiryBenchWarehouse built, once every
// benchmark run of the process is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if expiryBenchDir != "" {
		os.RemoveAll(expiryBenchDir)
	}
	if s3Srv != nil {
		s3Srv.Close() // the versitygw the S3 tests started
	}
	os.Exit(code)
}
