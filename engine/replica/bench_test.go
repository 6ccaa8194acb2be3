package replica_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// BenchmarkWatchLag measures the lag from a source commit of 100k rows to
// the replica's commit of it, with a replicator watching the source's
// pointers every 20 ms (floe replicate --watch --interval 20ms): the
// median over the iterations is lag-ms; run with -benchtime=10x or more.
func BenchmarkWatchLag(b *testing.B) {
	src := openLake(b, b.TempDir())
	dest := filepath.Join(b.TempDir(), "replica")
	if err := src.s.Exec(src.ctx, `CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id BIGINT, s VARCHAR, x DOUBLE) TBLPROPERTIES ('format-version'='3')`); err != nil {
		b.Fatal(err)
	}
	if err := replica.Put(src.ctx, src.wh, replica.Scope{}, []string{dest}); err != nil {
		b.Fatal(err)
	}
	results := make(chan replica.Result, 64)
	ctx, cancel := context.WithCancel(src.ctx)
	r := replica.New(src.wh)
	done := make(chan error, 1)
	go func() {
		done <- r.Watch(ctx, 20*time.Millisecond, time.Hour, func(x replica.Result) { results <- x })
	}()
	defer func() { cancel(); <-done; r.Close() }()
	var lags []time.Duration
	b.ResetTimer()
	for i := range b.N {
		q := fmt.Sprintf(`INSERT INTO lake.ns.t SELECT r, 'row ' || r, r * 1.5 FROM range(%d, %d) t(r)`, i*100000, (i+1)*100000)
		if err := src.s.Exec(src.ctx, q); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		want, err := src.wh.MetadataLocation(src.ctx, "ns", "t")
		if err != nil {
			b.Fatal(err)
		}
		for x := range results {
			if x.Err != nil {
				b.Fatal(x.Err)
			}
			if x.Source == want {
				break
			}
		}
		lags = append(lags, time.Since(committed))
	}
	b.StopTimer()
	slices.Sort(lags)
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "lag-ms")
	b.ReportMetric(float64(lags[len(lags)-1].Microseconds())/1000, "max-lag-ms")
}

// BenchmarkBackfill measures a backfill of a table of about 40 MB (20
// commits of 100k rows, with deletion vectors) into an empty destination,
// against a plain copy (io.Copy between os.Files, which may use
// copy_file_range) of the table's directory in the same run: MB/s of each
// and their ratio (backfill/plain; 1 is as fast as a plain copy).
func BenchmarkBackfill(b *testing.B) {
	src := openLake(b, b.TempDir())
	if err := src.s.Exec(src.ctx, `CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id BIGINT, s VARCHAR, x DOUBLE) TBLPROPERTIES ('format-version'='3')`); err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		q := fmt.Sprintf(`INSERT INTO lake.ns.t SELECT r, md5(r::VARCHAR), random() FROM range(%d, %d) t(r)`, i*100000, (i+1)*100000)
		if err := src.s.Exec(src.ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if err := src.s.Exec(src.ctx, `DELETE FROM lake.ns.t WHERE id % 10 = 0`); err != nil {
		b.Fatal(err)
	}
	tableDir := filepath.Join(src.wh.Dir(), "ns.db", "t")
	var backfill, plain time.Duration
	var bytes, plainBytes int64
	b.ResetTimer()
	for range b.N {
		dest := filepath.Join(b.TempDir(), "replica")
		if err := replica.Put(src.ctx, src.wh, replica.Scope{}, []string{dest}); err != nil {
			b.Fatal(err)
		}
		r := replica.New(src.wh)
		start := time.Now()
		res, err := r.Table(src.ctx, "ns", "t")
		backfill += time.Since(start)
		r.Close()
		if err != nil || len(res) != 1 || res[0].Err != nil {
			b.Fatalf("backfill: %+v, %v", res, err)
		}
		bytes = res[0].Bytes

		start = time.Now()
		plainBytes = copyDir(b, tableDir, filepath.Join(b.TempDir(), "plain"))
		plain += time.Since(start)
	}
	b.StopTimer()
	mbps := func(n int64, d time.Duration) float64 { return float64(n) * float64(b.N) / 1e6 / d.Seconds() }
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(mbps(bytes, backfill), "backfill-MB/s")
	b.ReportMetric(mbps(plainBytes, plain), "plain-copy-MB/s")
	b.ReportMetric(mbps(bytes, backfill)/mbps(plainBytes, plain), "ratio")
}

// copyDir copies the files under src to dst with io.Copy: the baseline.
func copyDir(b *testing.B, src, dst string) int64 {
	var n int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		c, err := io.Copy(out, in)
		n += c
		if err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkBackfillS3 measures a backfill of a table of about 16 MB (8
// commits of 100k rows, with deletion vectors) from a local warehouse into
// an empty S3 destination (versitygw on loopback), against a plain upload
// of the table's directory through the same S3 filesystem (s3fs, one PUT
// or multipart upload per file) in the same run: MB/s of each and their
// ratio (backfill/plain; 1 is as fast as a plain upload).
func BenchmarkBackfillS3(b *testing.B) {
	srv := s3Server(b)
	src := openLake(b, b.TempDir())
	if err := src.s.Exec(src.ctx, `CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id BIGINT, s VARCHAR, x DOUBLE) TBLPROPERTIES ('format-version'='3')`); err != nil {
		b.Fatal(err)
	}
	for i := range 8 {
		q := fmt.Sprintf(`INSERT INTO lake.ns.t SELECT r, md5(r::VARCHAR), random() FROM range(%d, %d) t(r)`, i*100000, (i+1)*100000)
		if err := src.s.Exec(src.ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if err := src.s.Exec(src.ctx, `DELETE FROM lake.ns.t WHERE id % 10 = 0`); err != nil {
		b.Fatal(err)
	}
	tableDir := filepath.Join(src.wh.Dir(), "ns.db", "t")
	opts := s3Options(b, srv)
	up, err := s3fs.New(src.ctx, s3fs.Options{Endpoint: srv.Endpoint, Region: s3test.Region, AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey})
	if err != nil {
		b.Fatal(err)
	}
	var backfill, plain time.Duration
	var bytes, plainBytes int64
	run := time.Now().UnixNano() // the benchmark runs several times over one server
	b.ResetTimer()
	for i := range b.N {
		base := fmt.Sprintf("s3://%s/%s-%d-%d", srv.Bucket, strings.ReplaceAll(b.Name(), "/", "-"), run, i)
		if err := replica.Put(src.ctx, src.wh, replica.Scope{}, []string{base + "/replica"}); err != nil {
			b.Fatal(err)
		}
		r := replica.New(src.wh)
		r.Options = opts
		start := time.Now()
		res, err := r.Table(src.ctx, "ns", "t")
		backfill += time.Since(start)
		r.Close()
		if err != nil || len(res) != 1 || res[0].Err != nil {
			b.Fatalf("backfill: %+v, %v", res, err)
		}
		bytes = res[0].Bytes

		start = time.Now()
		plainBytes = uploadDir(b, up, tableDir, base+"/plain")
		plain += time.Since(start)
	}
	b.StopTimer()
	mbps := func(n int64, d time.Duration) float64 { return float64(n) * float64(b.N) / 1e6 / d.Seconds() }
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(mbps(bytes, backfill), "backfill-MB/s")
	b.ReportMetric(mbps(plainBytes, plain), "plain-upload-MB/s")
	b.ReportMetric(mbps(bytes, backfill)/mbps(plainBytes, plain), "ratio")
}

// uploadDir uploads the files under src to the prefix dst, one after the
// other, through fsys: the baseline of BenchmarkBackfillS3.
func uploadDir(b *testing.B, fsys vfs.FS, src, dst string) int64 {
	var n int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		return vfs.Put(fsys, dst+"/"+filepath.ToSlash(rel), func(w io.Writer) error {
			c, err := io.Copy(w, in)
			n += c
			return err
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
