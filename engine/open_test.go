package engine_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// TestOpenLocation: a warehouse is a directory or a file:// URL (or an
// s3:// URI: engine/lakesql's TestS3Warehouse); other URLs are refused with a clear error and leave nothing behind (before,
// s3://bkt/wh made a local directory named "s3:").
func TestOpenLocation(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, loc string
		wantDir   string // under the test's directory; "wh" when ""
		wantErr   string // "" when Open succeeds
	}{
		{name: "path", loc: "wh"},
		{name: "file url", loc: "file://{dir}/wh"},
		{name: "file url localhost", loc: "file://localhost{dir}/wh"},
		{name: "colon in a path", loc: "a:b/wh", wantDir: "a:b/wh"},
		{name: "gcs", loc: "gs://bkt/wh", wantErr: "warehouse gs://bkt/wh: unsupported warehouse location: of object stores, only S3 and S3-compatible storage (s3://) are supported"},
		{name: "secret not echoed", loc: "s3://key:secret@bkt/wh", wantErr: "warehouse s3://key:xxxxx@bkt/wh: unsupported warehouse location: keys in the URI are not supported"},
		{name: "http", loc: "http://example.com/wh", wantErr: "the URL scheme http is not supported; a warehouse is a local directory or a file:// URL"},
		{name: "file url with a host", loc: "file://otherhost/wh", wantErr: "a file:// URL names a local directory, not host otherhost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			loc := strings.ReplaceAll(tc.loc, "{dir}", dir)
			wh, err := engine.Open(ctx, loc)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Open(%s): %v", loc, err)
				}
				defer wh.Close()
				want := filepath.Join(dir, "wh")
				if tc.wantDir != "" {
					want = filepath.Join(dir, tc.wantDir)
				}
				if wh.Dir() != want {
					t.Errorf("Dir() = %s, want %s", wh.Dir(), want)
				}
				if _, err := os.Stat(filepath.Join(want, engine.CatalogFile)); err != nil {
					t.Errorf("no catalog: %v", err)
				}
				return
			}
			if err == nil {
				wh.Close()
				t.Fatalf("Open(%s) succeeded, want an error", loc)
			}
			if !errors.Is(err, engine.ErrUnsupportedWarehouse) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Open(%s): err = %v, want ErrUnsupportedWarehouse saying %q", loc, err, tc.wantErr)
			}
			if ents, _ := os.ReadDir(dir); len(ents) > 0 {
				t.Errorf("Open(%s) left %s behind", loc, ents[0].Name())
			}
		})
	}
}

// recorder is an injector that records what the engine and iceberg-go
// create, and fails nothing.
type recorder struct {
	mu      sync.Mutex
	created []string
}

func (r *recorder) MaybeError(op errorfs.Op, name string) error {
	if op == errorfs.OpCreate {
		r.mu.Lock()
		r.created = append(r.created, name)
		r.mu.Unlock()
	}
	return nil
}

// TestWarehouseFS: the files iceberg-go writes for a warehouse (table
// metadata, manifests, manifest lists) go through the warehouse's FS, and
// the tables read back after the warehouse is opened again on the plain
// local filesystem.
func TestWarehouseFS(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rec := &recorder{}
	wh, err := engine.Open(ctx, dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, rec)))
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	tbl, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}})
	if err != nil {
		t.Fatal(err)
	}
	file := writeParquet(t, tbl, t.TempDir(), "a.parquet", `SELECT 1::INTEGER AS id`)
	if _, err := tbl.AppendFiles(ctx, []engine.WrittenFile{{Path: file}}, nil); err != nil {
		t.Fatal(err)
	}
	wh.Close()

	var kinds []string
	for _, name := range rec.created {
		p, err := vfs.Path(name)
		if err != nil || !strings.HasPrefix(p, dir+"/ns.db/t/metadata/") {
			t.Errorf("created %s outside the table's metadata directory", name)
		}
		switch base := path.Base(p); {
		case strings.HasSuffix(base, ".metadata.json"):
			kinds = append(kinds, "metadata")
		case strings.HasPrefix(base, "snap-"):
			kinds = append(kinds, "manifest list")
		case strings.HasSuffix(base, ".avro"):
			kinds = append(kinds, "manifest")
		default:
			kinds = append(kinds, base)
		}
	}
	slices.Sort(kinds)
	want := []string{"manifest", "manifest list", "metadata", "metadata"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("files created through the FS (-want +got):\n%s", diff)
	}

	wh2 := openWarehouse(t, (&url.URL{Scheme: "file", Path: dir}).String())
	tbl, err = wh2.Table(ctx, "ns", "t")
	if err != nil {
		t.Fatal(err)
	}
	dfs, err := tbl.DataFiles(ctx)
	if err != nil || len(dfs) != 1 {
		t.Errorf("data files after reopening: %v, %v", dfs, err)
	}
	// A table cannot take over the property that picks the FS.
	if _, err := tbl.SetProperties(ctx, map[string]string{"floe.vfs": "1"}); err == nil || !strings.Contains(err.Error(), "floe.vfs") {
		t.Errorf("setting floe.vfs on a table: err = %v, want a refusal naming it", err)
	}
}
