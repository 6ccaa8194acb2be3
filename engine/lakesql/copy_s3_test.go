package lakesql

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// openS3LakeAt opens the warehouse at uri on the package's versitygw.
func openS3LakeAt(t *testing.T, home, uri string, opts ...engine.Option) *lakeFixture {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, uri, append([]engine.Option{engine.WithHome(home), engine.WithS3(s3Options(s3Server(t)))}, opts...)...)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", uri, err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &lakeFixture{t: t, ctx: ctx, dir: uri, wh: wh, s: s}
}

// pointsUnder checks that every location a table's metadata reaches (its
// metadata file, location, manifest lists, manifests, data and delete
// files) lies under top, a directory or an s3:// prefix.
func (f *lakeFixture) pointsUnder(t *testing.T, name, top string) {
	t.Helper()
	tbl := f.table("ns", name)
	check := func(what, loc string) {
		p := loc
		if lp, ok := engine.LocalPath(loc); ok {
			p = lp
		}
		if !strings.HasPrefix(p, top+"/") {
			t.Errorf("lake.ns.%s: %s %s is outside %s", name, what, loc, top)
		}
	}
	check("metadata", tbl.MetadataLocation())
	check("location", tbl.Location())
	fsys, err := tbl.Iceberg().FS(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tbl.Snapshots() {
		check("manifest list", s.ManifestList)
		mfs, err := s.Manifests(fsys)
		if err != nil {
			t.Fatalf("lake.ns.%s: %v", name, err)
		}
		for _, mf := range mfs {
			check("manifest", mf.FilePath())
			for e, err := range mf.Entries(fsys, false) {
				if err != nil {
					t.Fatalf("lake.ns.%s: %v", name, err)
				}
				check("file", e.DataFile().FilePath())
			}
		}
	}
}

// TestWarehouseCopyObjectStorage copies warehouses whose catalog is on
// their storage or that are on S3 (versitygw on loopback): local to S3,
// S3 to S3, S3 to local, and a local object catalog to a local directory.
// Each copy reads as the source (rows now and at the first snapshot,
// partitions, file statistics), points only into itself, reads through
// iceberg-go's own scan, takes writes that leave the source as it was.
// A copy that crashes part way (every write after the crash fails, as
// after kill -9) leaves only complete tables in its catalog and is
// finished by running it again; a canceled one leaves nothing.
func TestWarehouseCopyObjectStorage(t *testing.T) {
	srv := s3Server(t)
	home := t.TempDir()
	opts := []engine.Option{engine.WithHome(home), engine.WithS3(s3Options(srv))}
	base := "s3://" + srv.Bucket + "/" + strings.ReplaceAll(t.Name(), "/", "-")

	build := func(f *lakeFixture) map[string][][][]string {
		f.exec(`CREATE SCHEMA lake.ns`)
		want := map[string][][][]string{}
		for _, tc := range relocTables {
			f.exec(tc.ddl + `; ` + tc.more)
			want[tc.name] = relocView(f, tc.name)
		}
		return want
	}
	localSrc := filepath.Join(t.TempDir(), "local")
	lf := openLakeAt(t, localSrc)
	localWant := build(lf)
	objSrc := filepath.Join(t.TempDir(), "objcat")
	of := openObjectLakeAt(t, objSrc)
	objWant := build(of)
	s3Src := base + "/src"
	sf := openS3LakeAt(t, home, s3Src)
	s3Want := build(sf)

	open := func(t *testing.T, loc string) *lakeFixture {
		if strings.HasPrefix(loc, "s3://") {
			return openS3LakeAt(t, home, loc)
		}
		return openLakeAt(t, loc)
	}
	for _, tc := range []struct {
		name     string
		src, dst string
		want     map[string][][][]string
		srcFix   *lakeFixture
	}{
		{"local to S3", localSrc, base + "/from-local", localWant, lf},
		{"S3 to S3", s3Src, base + "/from-s3", s3Want, sf},
		{"S3 to local", s3Src, filepath.Join(t.TempDir(), "from-s3"), s3Want, sf},
		{"local object catalog to local", objSrc, filepath.Join(t.TempDir(), "from-objcat"), objWant, of},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := engine.Copy(context.Background(), tc.src, tc.dst, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Tables) != len(relocTables) || len(rep.Left) != 0 {
				t.Errorf("Copy copied %v and left %v; want the %d tables", rep.Tables, rep.Left, len(relocTables))
			}
			g := open(t, tc.dst)
			for _, rt := range relocTables {
				if diff := cmp.Diff(tc.want[rt.name], relocView(g, rt.name)); diff != "" {
					t.Errorf("lake.ns.%s reads differently in the copy (-source +copy):\n%s", rt.name, diff)
				}
				g.pointsUnder(t, rt.name, rep.Dir)
			}
			// iceberg-go's own reader: the typed table has no deletes, pos
			// has position deletes it applies.
			for _, name := range []string{"typed", "pos"} {
				at, err := g.table("ns", name).Iceberg().Scan().ToArrowTable(g.ctx)
				if err != nil {
					t.Fatalf("iceberg-go scan of the copy's lake.ns.%s: %v", name, err)
				}
				n := at.NumRows()
				at.Release()
				if want := g.one(`SELECT count(*) FROM lake.ns.` + name); want != strconv.FormatInt(n, 10) {
					t.Errorf("iceberg-go reads %d rows of the copy's lake.ns.%s, floe %s", n, name, want)
				}
			}
			g.exec(`INSERT INTO lake.ns.dv VALUES (100, 'k0'); DELETE FROM lake.ns.pos WHERE id = 3; CALL rewrite_data_files('ns.pos')`)
			diffRows(t, "dv in the copy after an insert", [][]string{{"23"}}, g.strings(`SELECT count(*) FROM lake.ns.dv`))
			for _, rt := range relocTables {
				g.pointsUnder(t, rt.name, rep.Dir)
				if diff := cmp.Diff(tc.want[rt.name], relocView(tc.srcFix, rt.name)); diff != "" {
					t.Errorf("the source's lake.ns.%s changed (-before +after):\n%s", rt.name, diff)
				}
			}
			if _, err := engine.Copy(context.Background(), tc.src, tc.dst, opts...); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("a copy into the finished copy: %v, want it refused as not empty", err)
			}
		})
	}

	t.Run("a crashed copy is finished by running it again", func(t *testing.T) {
		dst := base + "/crashed"
		crash := &errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 2, Crash: true}
		wrap := engine.WithWrapFS(func(f vfs.FS) vfs.FS { return errorfs.Wrap(f, crash) })
		if _, err := engine.Copy(context.Background(), s3Src, dst, append(opts, wrap)...); !errors.Is(err, errorfs.ErrInjected) {
			t.Fatalf("the crashing copy: %v, want the injected crash", err)
		}
		// The first table is complete and registered; nothing names the
		// one whose metadata the crash stopped.
		g := open(t, dst)
		tables, err := g.wh.Tables(g.ctx, "ns")
		if err != nil || len(tables) != 1 {
			t.Fatalf("after the crash the copy lists %v (%v), want one complete table", tables, err)
		}
		if diff := cmp.Diff(s3Want[tables[0]], relocView(g, tables[0])); diff != "" {
			t.Errorf("lake.ns.%s after the crash (-source +copy):\n%s", tables[0], diff)
		}
		if _, err := engine.Copy(context.Background(), localSrc, dst, opts...); err == nil || !strings.Contains(err.Error(), "unfinished copy of "+s3Src) {
			t.Errorf("another source into the unfinished copy: %v, want it refused naming %s", err, s3Src)
		}
		rep, err := engine.Copy(context.Background(), s3Src, dst, opts...)
		if err != nil {
			t.Fatalf("the rerun: %v", err)
		}
		if len(rep.Tables) != len(relocTables) {
			t.Errorf("the rerun copied %v", rep.Tables)
		}
		h := open(t, dst)
		for _, rt := range relocTables {
			if diff := cmp.Diff(s3Want[rt.name], relocView(h, rt.name)); diff != "" {
				t.Errorf("lake.ns.%s after the rerun (-source +copy):\n%s", rt.name, diff)
			}
		}
		if _, err := h.wh.FS().Stat(dst + "/" + engine.CopyMarker); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the marker after the rerun: %v, want it gone", err)
		}
	})

	t.Run("a canceled copy leaves nothing", func(t *testing.T) {
		dst := base + "/canceled"
		ctx, cancel := context.WithCancel(context.Background())
		var n int
		stop := errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
			if op == errorfs.OpCreate && strings.HasSuffix(name, ".metadata.json") {
				if n++; n == 2 {
					cancel()
				}
			}
			return nil
		})
		wrap := engine.WithWrapFS(func(f vfs.FS) vfs.FS { return errorfs.Wrap(f, stop) })
		if _, err := engine.Copy(ctx, s3Src, dst, append(opts, wrap)...); !errors.Is(err, context.Canceled) {
			t.Fatalf("the canceled copy: %v, want context.Canceled", err)
		}
		g := open(t, dst)
		if ents, err := g.wh.FS().ReadDir(dst); err != nil && !errors.Is(err, fs.ErrNotExist) || len(ents) > 0 {
			t.Errorf("the canceled copy left %d entries (%v)", len(ents), err)
		}
	})
}

// TestWarehouseRelocateObjectStorage relocates copies made outside floe:
// a local warehouse with its catalog on its storage copied with cp -a,
// and an S3 warehouse whose objects were copied to another prefix (as a
// bucket sync does). Before relocating, the copy refuses writes naming
// the command; after, it reads as the source, points only into itself,
// takes writes, and a second relocate changes nothing.
func TestWarehouseRelocateObjectStorage(t *testing.T) {
	srv := s3Server(t)
	home := t.TempDir()
	opts := []engine.Option{engine.WithHome(home), engine.WithS3(s3Options(srv))}
	base := "s3://" + srv.Bucket + "/" + strings.ReplaceAll(t.Name(), "/", "-")
	build := func(f *lakeFixture) map[string][][][]string {
		f.exec(`CREATE SCHEMA lake.ns`)
		want := map[string][][][]string{}
		for _, tc := range relocTables {
			f.exec(tc.ddl + `; ` + tc.more)
			want[tc.name] = relocView(f, tc.name)
		}
		return want
	}
	// copyAll copies every file under from to the same name under to,
	// byte for byte, as cp -a or a bucket sync would.
	copyAll := func(t *testing.T, fsys vfs.FS, from, to string) {
		err := fsys.Walk(from, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := vfs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			return vfs.WriteFile(fsys, to+strings.TrimPrefix(p, from), b)
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name string
		s3   bool
	}{{"local object catalog", false}, {"S3", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var src, dst string
			var f *lakeFixture
			if tc.s3 {
				src, dst = base+"/src", base+"/synced"
				f = openS3LakeAt(t, home, src)
			} else {
				root := t.TempDir()
				src, dst = filepath.Join(root, "src"), filepath.Join(root, "pasted")
				f = openObjectLakeAt(t, src)
			}
			want := build(f)
			copyAll(t, f.wh.FS(), src, dst)
			var g *lakeFixture
			if tc.s3 {
				g = openS3LakeAt(t, home, dst)
			} else {
				g = openObjectLakeAt(t, dst)
			}
			wantErr(t, g.fails(`INSERT INTO lake.ns.dv VALUES (100, 'k0')`), engine.ErrCopiedWarehouse, "floe warehouse relocate", src)

			rep, err := engine.Relocate(context.Background(), dst, "", opts...)
			if err != nil {
				t.Fatal(err)
			}
			if rep.From != src || len(rep.Tables) != len(relocTables) || rep.Removed == 0 {
				t.Errorf("Relocate found %s, relocated %v, removed %d; want %s, the %d tables, the replaced files removed",
					rep.From, rep.Tables, rep.Removed, src, len(relocTables))
			}
			var h *lakeFixture
			if tc.s3 {
				h = openS3LakeAt(t, home, dst)
			} else {
				h = openObjectLakeAt(t, dst)
			}
			for _, rt := range relocTables {
				if diff := cmp.Diff(want[rt.name], relocView(h, rt.name)); diff != "" {
					t.Errorf("lake.ns.%s reads differently after relocating (-source +copy):\n%s", rt.name, diff)
				}
				h.pointsUnder(t, rt.name, rep.Dir)
			}
			h.exec(`INSERT INTO lake.ns.dv VALUES (100, 'k0'); DELETE FROM lake.ns.pos WHERE id = 3`)
			diffRows(t, "dv in the copy after an insert", [][]string{{"23"}}, h.strings(`SELECT count(*) FROM lake.ns.dv`))
			diffRows(t, "dv in the source", [][]string{{"22"}}, f.strings(`SELECT count(*) FROM lake.ns.dv`))
			again, err := engine.Relocate(context.Background(), dst, "", opts...)
			if err != nil || again.From != "" || len(again.Tables) != 0 {
				t.Errorf("a second relocate: %+v, %v; want nothing to do", again, err)
			}
		})
	}
}
