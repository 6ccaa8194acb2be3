package lakesql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/engine/filecache"
)

// TestS3TruncatedObjects: an object in the bucket cut short after it was
// written (a data file, a manifest, a metadata file), or a manifest
// overwritten with bad bytes of the same size, makes a read of its
// table fail with an error naming the object, in the process that wrote it
// and in a fresh one (empty cache), and the other tables of the warehouse
// read as before.
func TestS3TruncatedObjects(t *testing.T) {
	srv := s3Server(t)
	f := openS3Lake(t, t.TempDir())
	f.exec(`CREATE SCHEMA lake.z`)
	for _, name := range []string{"ok", "data", "manifest", "garbled", "metadata"} {
		f.exec(`CREATE TABLE lake.z.` + name + ` (id BIGINT, s VARCHAR);
			INSERT INTO lake.z.` + name + ` SELECT i, repeat('s', 20) || i FROM range(3000) r(i)`)
	}
	want := [][]string{{"3000", "4498500"}}
	const q = `SELECT count(*), sum(id) FROM lake.z.`
	diffRows(t, "before", want, f.strings(q+"ok"))
	// object returns the s3:// URI of the table's one object whose key
	// matches, and its file in the directory the server serves.
	object := func(name string, match func(string) bool) (string, string) {
		t.Helper()
		var found []string
		for _, o := range bucketObjects(t, srv, f.table("z", name).Location()) {
			if match(o) {
				found = append(found, o)
			}
		}
		if len(found) != 1 {
			t.Fatalf("lake.z.%s: %d matching objects %q, want 1", name, len(found), found)
		}
		return found[0], filepath.Join(srv.Dir, srv.Bucket, filepath.FromSlash(strings.TrimPrefix(found[0], "s3://"+srv.Bucket+"/")))
	}
	cut := func(p string) {
		t.Helper()
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, info.Size()/2); err != nil {
			t.Fatal(err)
		}
	}
	// garble overwrites the second half of the file: same size, bad bytes.
	garble := func(p string) {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(b) / 2; i < len(b); i++ {
			b[i] = 0xff
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := func(o string) bool { return strings.HasSuffix(o, ".avro") && !strings.Contains(o, "/snap-") }
	for _, tc := range []struct {
		table  string
		match  func(string) bool
		damage func(string)
		msg    []string
	}{
		{"data", func(o string) bool { return strings.HasSuffix(o, ".parquet") }, cut, []string{"lake.z.data", "the table's metadata says"}},
		{"manifest", manifest, cut, []string{"lake.z.manifest", "the manifest list says"}},
		{"garbled", manifest, garble, []string{"lake.z.garbled", "manifest"}},
		{"metadata", func(o string) bool { return o == f.table("z", "metadata").MetadataLocation() }, cut, []string{"lake.z.metadata"}},
	} {
		t.Run(tc.table, func(t *testing.T) {
			uri, p := object(tc.table, tc.match)
			tc.damage(p)
			// The writer's process (plans and metadata in memory, cache
			// emptied) and a fresh one (nothing cached).
			if _, err := filecache.ClearDir(f.wh.Cache().Dir()); err != nil {
				t.Fatal(err)
			}
			fresh := openS3LakeAt(t, t.TempDir(), f.dir)
			for i, s := range []*lakeFixture{f, fresh} {
				if i == 0 && tc.table != "data" {
					continue // manifests and metadata the writer keeps in memory read fine
				}
				err := s.fails(q + tc.table)
				t.Logf("process %d: %v", i, err)
				for _, m := range append(tc.msg, uri) {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("process %d: err %q does not name %q", i, err, m)
					}
				}
				diffRows(t, "another table", want, s.strings(q+"ok"))
			}
		})
	}
}
