package lens

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// genWarehouse makes a warehouse of tables × files generated data files:
// small real files on disk, committed to each table as two appends (so
// every table has two snapshots and two manifests), with no DuckDB
// involved, so that thousands of tables build in seconds.
func genWarehouse(b *testing.B, dir string, tables, files int) {
	b.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer wh.Close()
	if err := wh.CreateNamespace(ctx, "gen", false); err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 4096)
	for i := range tables {
		t, err := wh.CreateTable(ctx, "gen", fmt.Sprintf("t%04d", i), engine.CreateOptions{
			Columns: []engine.Column{{Name: "id", Type: "BIGINT"}},
		})
		if err != nil {
			b.Fatal(err)
		}
		dataDir, err := t.DataDir()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			b.Fatal(err)
		}
		for half := range 2 {
			var dfs []iceberg.DataFile
			for j := half * files / 2; j < (half+1)*files/2; j++ {
				p := filepath.Join(dataDir, fmt.Sprintf("f%05d.parquet", j))
				n := len(payload) / (1 + j%4)
				if err := os.WriteFile(p, payload[:n], 0o644); err != nil {
					b.Fatal(err)
				}
				df, err := iceberg.NewDataFileBuilder(t.Spec(), iceberg.EntryContentData, engine.FileURI(p), iceberg.ParquetFile,
					nil, nil, nil, 100, int64(n))
				if err != nil {
					b.Fatal(err)
				}
				dfs = append(dfs, df.Build())
			}
			tx := t.Iceberg().NewTransaction()
			if err := tx.AddDataFiles(ctx, dfs, nil, table.WithoutDuplicateCheck()); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Commit(ctx); err != nil {
				b.Fatal(err)
			}
			if t, err = wh.Table(ctx, "gen", t.Name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCollect measures a whole collect (walk, every manifest read,
// the five lens commits) over generated warehouses of growing size, and
// reports the time per file; the sizes give the slope, per table at a
// fixed number of files a table and per file at a fixed number of tables.
// The largest is issue 19's 1,000 tables of 100 files (100,000 files).
func BenchmarkCollect(b *testing.B) {
	// Growing tables at 100 files each, then growing files at 100 tables.
	sizes := []struct{ tables, files int }{{10, 100}, {100, 100}, {1000, 100}, {100, 1000}}
	for _, sz := range sizes {
		b.Run(fmt.Sprintf("tables=%d,files=%d", sz.tables, sz.tables*sz.files), func(b *testing.B) {
			dir := b.TempDir()
			start := time.Now()
			genWarehouse(b, dir, sz.tables, sz.files)
			b.Logf("generated %d tables, %d files in %s", sz.tables, sz.tables*sz.files, time.Since(start).Round(time.Millisecond))
			ctx := context.Background()
			wh, err := engine.Open(ctx, dir)
			if err != nil {
				b.Fatal(err)
			}
			defer wh.Close()
			day := mustTimeB(b, "2026-07-01T00:00:00Z")
			b.ResetTimer()
			var rep Report
			for i := 0; b.Loop(); i++ {
				if rep, err = Collect(ctx, wh, Options{Now: day.Add(time.Duration(i) * time.Minute)}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if rep.Tables != sz.tables {
				b.Fatalf("collect measured %d tables, want %d", rep.Tables, sz.tables)
			}
			files := float64(sz.tables * sz.files)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/files, "ns/file")
			b.ReportMetric(float64(rep.Objects), "objects")
		})
	}
}

func mustTimeB(b *testing.B, s string) time.Time {
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		b.Fatal(err)
	}
	return ts
}
