package engine_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
)

// BenchmarkCommitObjectCatalog measures one metadata-only commit (a table
// property set: load the pointer, write the next metadata file, move the
// pointer) through the object catalog against the same commit through the
// SQLite catalog, both on a local directory, alternated in the same run;
// ratio is object / SQLite.
func BenchmarkCommitObjectCatalog(b *testing.B) {
	ctx := context.Background()
	open := func(opts ...engine.Option) *engine.Table {
		wh, err := engine.Open(ctx, b.TempDir(), opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { wh.Close() })
		if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
			b.Fatal(err)
		}
		t, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "BIGINT"}}})
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	sqlite, object := open(), open(engine.WithObjectCatalog())
	var sqliteTime, objectTime time.Duration
	commit := func(t *engine.Table, i int, total *time.Duration) {
		start := time.Now()
		if _, err := t.SetProperties(ctx, map[string]string{"n": strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
		*total += time.Since(start)
	}
	b.ResetTimer()
	for i := range b.N {
		commit(sqlite, i, &sqliteTime)
		commit(object, i, &objectTime)
	}
	b.ReportMetric(float64(sqliteTime.Microseconds())/float64(b.N), "sqlite-us/commit")
	b.ReportMetric(float64(objectTime.Microseconds())/float64(b.N), "object-us/commit")
	b.ReportMetric(float64(objectTime)/float64(sqliteTime), "ratio")
}
