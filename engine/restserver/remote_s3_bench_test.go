package restserver

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/iceberg-go/catalog/rest"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/s3test"
)

// BenchmarkRemoteS3Scan measures a scan (sum over 1M rows, a few files)
// of a table in an S3 bucket (versitygw on loopback) by a floe session
// over the REST catalog, served in process with the warehouse's vended
// S3 config. warm: the client's read cache holds the files, and
// x-warehouse is the ratio to the same warm scan by a session on the
// s3:// warehouse itself (what the REST round trip and the per-load S3
// client cost). cold: the client's cache is emptied before each scan.
func BenchmarkRemoteS3Scan(b *testing.B) {
	srv := s3test.Start(b)
	for k, v := range srv.Env() {
		b.Setenv(k, v)
	}
	ctx := context.Background()
	wh, err := engine.Open(ctx, "s3://"+srv.Bucket+"/wh", engine.WithHome(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer wh.Close()
	local, err := lakesql.Open(ctx, wh)
	if err != nil {
		b.Fatal(err)
	}
	defer local.Close()
	for _, q := range []string{"CREATE SCHEMA lake.b", "CREATE TABLE lake.b.t (id BIGINT, v DOUBLE)"} {
		if err := local.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 4 {
		if err := local.Exec(ctx, "INSERT INTO lake.b.t SELECT i, i * 0.5 FROM range("+itoa(i*250_000)+", "+itoa((i+1)*250_000)+") r(i)"); err != nil {
			b.Fatal(err)
		}
	}
	sc, err := wh.StorageConfig(ctx, false)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(New(wh, Options{StorageConfig: sc}))
	defer hs.Close()
	cat, err := rest.NewCatalog(ctx, "floe", hs.URL)
	if err != nil {
		b.Fatal(err)
	}
	home := b.TempDir()
	rwh, err := engine.OpenRemote(ctx, b.TempDir(), cat, engine.WithHome(home))
	if err != nil {
		b.Fatal(err)
	}
	defer rwh.Close()
	remote, err := lakesql.Open(ctx, rwh)
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	const q = "SELECT sum(v) FROM lake.b.t"
	scan := func(s *lakesql.Session) time.Duration {
		start := time.Now()
		rows, err := s.Query(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		all, err := rows.All()
		if err != nil || len(all) != 1 {
			b.Fatalf("%s: %v, %v", q, all, err)
		}
		return time.Since(start)
	}
	scan(local)
	scan(remote)
	b.Run("warm", func(b *testing.B) {
		var rt, lt time.Duration
		for range b.N {
			rt += scan(remote)
			b.StopTimer()
			lt += scan(local)
			b.StartTimer()
		}
		b.ReportMetric(float64(rt)/float64(lt), "x-warehouse")
	})
	b.Run("cold", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if _, err := filecache.ClearDir(filepath.Join(home, "cache")); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			scan(remote)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
