package restserver

import (
	"strconv"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// benchTable makes a served table with a few snapshots, so LoadTable
// carries realistic metadata.
func benchTable(b *testing.B) (*fixture, table.Identifier) {
	b.Helper()
	f := serve(b, Options{})
	cat := f.client()
	ident := table.Identifier{"bench", "t"}
	cat.CreateNamespace(f.ctx, table.Identifier{"bench"}, nil)
	tbl, err := cat.CreateTable(f.ctx, ident, testSchema)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5 {
		tbl = appendRows(b, f, tbl, 10*i, 10)
	}
	return f, ident
}

// BenchmarkLoadTable measures a LoadTable round trip through iceberg-go's
// REST client to the server on loopback, and reports its ratio to loading
// the same table from the embedded catalog in process (x-embedded).
func BenchmarkLoadTable(b *testing.B) {
	f, ident := benchTable(b)
	cat := f.client()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if _, err := cat.LoadTable(f.ctx, ident); err != nil {
			b.Fatal(err)
		}
	}
	restNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.StopTimer()
	start = time.Now()
	for range b.N {
		if _, err := f.wh.Catalog().LoadTable(f.ctx, ident); err != nil {
			b.Fatal(err)
		}
	}
	embNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.ReportMetric(embNs, "embedded-ns/op")
	b.ReportMetric(restNs/embNs, "x-embedded")
}

// BenchmarkCommit measures a commit round trip (one set-properties update
// guarded by assert-table-uuid, writing a new metadata file) through the
// REST client, against the same commit on the embedded catalog.
func BenchmarkCommit(b *testing.B) {
	f, ident := benchTable(b)
	cat := f.client()
	t0, err := cat.LoadTable(f.ctx, ident)
	if err != nil {
		b.Fatal(err)
	}
	reqs := []table.Requirement{table.AssertTableUUID(t0.Metadata().TableUUID())}
	upd := func(i int) []table.Update {
		return []table.Update{table.NewSetPropertiesUpdate(iceberg.Properties{"n": strconv.Itoa(i)})}
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if _, _, err := cat.CommitTable(f.ctx, ident, reqs, upd(i)); err != nil {
			b.Fatal(err)
		}
	}
	restNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.StopTimer()
	start = time.Now()
	for i := range b.N {
		if _, _, err := f.wh.Catalog().CommitTable(f.ctx, ident, reqs, upd(b.N+i)); err != nil {
			b.Fatal(err)
		}
	}
	embNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.ReportMetric(embNs, "embedded-ns/op")
	b.ReportMetric(restNs/embNs, "x-embedded")
}
