package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/s3test"
)

// TestWarehouseCopyS3Command: floe warehouse copy moves a local warehouse
// into a bucket and back (versitygw on loopback, configured through the
// AWS environment), saying what it copied; each copy answers floe sql as
// the original does, and a copy into the finished one is refused.
func TestWarehouseCopyS3Command(t *testing.T) {
	srv := s3test.Start(t)
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("FLOE_HOME", t.TempDir())
	local := filepath.Join(t.TempDir(), "wh")
	if out, err := runFloe(t, local, `CREATE SCHEMA lake.c; CREATE TABLE lake.c.t (id INTEGER, s VARCHAR);
		INSERT INTO lake.c.t SELECT i, 's' || i FROM range(10) r(i); DELETE FROM lake.c.t WHERE id % 3 = 0`); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	const query = `SELECT count(*), sum(id) FROM lake.c.t`
	want, err := runFloe(t, local, query)
	if err != nil {
		t.Fatal(err)
	}
	bucket := "s3://" + srv.Bucket + "/copied"
	back := filepath.Join(t.TempDir(), "back")
	for _, tc := range []struct{ src, dst string }{{local, bucket}, {bucket, back}} {
		out, err := floeCmd(t, "warehouse", "copy", tc.src, tc.dst).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "copied "+tc.src+" to "+tc.dst) || !strings.Contains(string(out), "lake.c.t") {
			t.Fatalf("floe warehouse copy %s %s: %v\n%s", tc.src, tc.dst, err, out)
		}
		got, err := runFloe(t, tc.dst, query)
		if err != nil || got != want {
			t.Errorf("%s reads %q (%v), the original %q", tc.dst, got, err, want)
		}
		out, err = floeCmd(t, "warehouse", "copy", tc.src, tc.dst).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "not empty") {
			t.Errorf("a second copy into %s: %v\n%s", tc.dst, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(back, "c.db", "t", "metadata")); err != nil {
		t.Errorf("the copy back holds no table files: %v", err)
	}
}
