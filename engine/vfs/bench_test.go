package vfs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/floehq/floe/engine/vfs"
)

// BenchmarkCreate measures what the seam adds to writing one commit file
// (a manifest or metadata file, 8 KiB): Local.Create's temporary file,
// hard link and removal against the os.Create iceberg-go's LocalFS did,
// timed alternately in the same run; ratio is seam / os.Create.
func BenchmarkCreate(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 8<<10)
	var seam, plain time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("os-%d.avro", i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(data); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		plain += time.Since(start)

		start = time.Now()
		if err := vfs.WriteFile(vfs.Local{}, filepath.Join(dir, fmt.Sprintf("vfs-%d.avro", i)), data); err != nil {
			b.Fatal(err)
		}
		seam += time.Since(start)
	}
	b.ReportMetric(float64(plain.Microseconds())/float64(b.N), "os-us/file")
	b.ReportMetric(float64(seam.Microseconds())/float64(b.N), "vfs-us/file")
	b.ReportMetric(float64(seam)/float64(plain), "ratio")
}
