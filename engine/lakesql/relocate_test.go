package lakesql

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// relocTables are the tables of the warehouse the copy tests copy: every
// kind of file that names another file by its path.
var relocTables = []struct{ name, ddl, more string }{
	// Deletion vectors in Puffin files (their footers name the data file).
	{"dv", `CREATE TABLE lake.ns.dv (id INTEGER, s VARCHAR) PARTITIONED BY (s) TBLPROPERTIES ('format-version'='3')`,
		`INSERT INTO lake.ns.dv SELECT r, 'k' || (r % 3) FROM range(30) t(r); DELETE FROM lake.ns.dv WHERE id % 4 = 0`},
	// Position-delete Parquet files (their rows name the data file).
	{"pos", `CREATE TABLE lake.ns.pos (id INTEGER, v VARCHAR) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read')`,
		`INSERT INTO lake.ns.pos SELECT r, 'v' || r FROM range(20) t(r); DELETE FROM lake.ns.pos WHERE id % 5 = 1; UPDATE lake.ns.pos SET v = 'u' WHERE id = 2`},
	// Partition values of logical types (date, decimal, timestamp) in the
	// manifests, and a schema change.
	{"typed", `CREATE TABLE lake.ns.typed (d DATE, price DECIMAL(9,2), ts TIMESTAMP, n BIGINT) PARTITIONED BY (d, price, hour(ts))`,
		`INSERT INTO lake.ns.typed VALUES (DATE '2024-02-29', 12.34, TIMESTAMP '2024-02-29 10:11:12', 1), (DATE '1969-12-31', -0.01, TIMESTAMP '1969-12-31 23:59:59', 2);
		 ALTER TABLE lake.ns.typed ADD COLUMN note VARCHAR; INSERT INTO lake.ns.typed VALUES (DATE '2024-03-01', 1.00, TIMESTAMP '2024-03-01 00:00:00', 3, 'x')`},
}

// relocView is what a table reads as: its rows now and at its first
// snapshot.
func relocView(f *lakeFixture, name string) [][][]string {
	ident := "lake.ns." + name
	first := f.one(`SELECT snapshot_id FROM lake.ns."` + name + `$snapshots" ORDER BY committed_at, snapshot_id LIMIT 1`)
	return [][][]string{
		f.strings(`SELECT * FROM ` + ident + ` ORDER BY ALL`),
		f.strings(`SELECT * FROM ` + ident + ` AT (VERSION => ` + first + `) ORDER BY ALL`),
		// Partition values and statistics as the manifests hold them.
		f.strings(`SELECT partition::VARCHAR, record_count FROM lake.ns."` + name + `$partitions" ORDER BY ALL`),
		f.strings(`SELECT partition::VARCHAR, record_count, file_size_in_bytes, lower_bounds::VARCHAR, upper_bounds::VARCHAR
			FROM lake.ns."` + name + `$files" WHERE content = 0 ORDER BY ALL`),
	}
}

// hashTree maps each file under dir (but the catalog database, which
// SQLite may checkpoint) to a hash of its bytes.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), engine.CatalogFile) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	return out
}

// pointsInside checks that every location a table's metadata names, and
// every path inside its delete files, lies under dir.
func (f *lakeFixture) pointsInside(t *testing.T, name, dir string) {
	t.Helper()
	tbl := f.table("ns", name)
	check := func(what, loc string) {
		p, ok := engine.LocalPath(loc)
		if !ok || !strings.HasPrefix(p, dir+"/") {
			t.Errorf("lake.ns.%s: %s %s is outside %s", name, what, loc, dir)
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
				df := e.DataFile()
				check("file", df.FilePath())
				if r := df.ReferencedDataFile(); r != nil {
					check("referenced data file", *r)
				}
				p, _ := engine.LocalPath(df.FilePath())
				switch {
				case strings.HasSuffix(p, ".puffin"):
					fh, err := os.Open(p)
					if err != nil {
						t.Fatal(err)
					}
					pf, err := engine.ReadPuffin(p, fh, df.FileSizeBytes(), 0)
					fh.Close()
					if err != nil {
						t.Fatalf("lake.ns.%s: %v", name, err)
					}
					for _, b := range pf.Blobs {
						check("Puffin blob's referenced-data-file", b.Properties["referenced-data-file"])
					}
				case df.ContentType() == 1:
					for _, row := range f.strings(`SELECT DISTINCT file_path FROM read_parquet(` + engine.QuoteString(p) + `)`) {
						check("position delete's file_path", row[0])
					}
				}
			}
		}
	}
}

// TestWarehouseCopy copies a warehouse with engine.Copy, and another with
// cp -a then engine.Relocate: each copy reads as the original did, points
// only into itself, takes writes and maintenance with the original moved
// away, and the original's bytes never change. Before relocating, the cp
// -a copy refuses writes.
func TestWarehouseCopy(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "src")
	f := openLakeAt(t, src)
	f.exec(`CREATE SCHEMA lake.ns`)
	want := map[string][][][]string{}
	for _, tc := range relocTables {
		f.exec(tc.ddl + `; ` + tc.more)
		want[tc.name] = relocView(f, tc.name)
	}
	// A table registered from a third warehouse stays where it is.
	other := openLakeAt(t, filepath.Join(root, "other"))
	other.exec(`CREATE SCHEMA lake.o; CREATE TABLE lake.o.ext (x INTEGER); INSERT INTO lake.o.ext VALUES (7)`)
	f.exec(`CALL register_table('ns.ext', '` + other.table("o", "ext").MetadataLocation() + `')`)
	before := hashTree(t, src)

	pasted := filepath.Join(root, "pasted")
	if out, err := exec.Command("cp", "-a", src, pasted).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v: %s", err, out)
	}
	copied := filepath.Join(root, "copied")
	rep, err := engine.Copy(f.ctx, src, copied)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != len(relocTables) || len(rep.Left) != 1 || !strings.Contains(rep.Left[0], "lake.ns.ext") || rep.Removed == 0 {
		t.Errorf("Copy relocated %v, left %v and removed %d replaced files; want the %d tables relocated, lake.ns.ext left, and the replaced files removed",
			rep.Tables, rep.Left, rep.Removed, len(relocTables))
	}

	t.Run("a cp -a copy refuses writes until relocated", func(t *testing.T) {
		g := openLakeAt(t, pasted)
		diffRows(t, "reads", want["dv"][0], g.strings(`SELECT * FROM lake.ns.dv ORDER BY ALL`))
		for _, q := range []string{
			`INSERT INTO lake.ns.dv VALUES (100, 'k0')`,
			`DELETE FROM lake.ns.pos WHERE id = 3`,
			`ALTER TABLE lake.ns.typed ADD COLUMN y INTEGER`,
			`CALL rewrite_data_files('ns.pos', options => map(['min-input-files', 'delete-file-threshold'], ['2', '1']))`,
		} {
			wantErr(t, g.fails(q), engine.ErrCopiedWarehouse, "floe warehouse relocate "+pasted, src)
		}
	})

	// From here on the original is gone: the copies must not need it.
	moved := src + ".moved"
	if err := os.Rename(src, moved); err != nil {
		t.Fatal(err)
	}
	rep, err = engine.Relocate(f.ctx, pasted, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != src || len(rep.Tables) != len(relocTables) {
		t.Errorf("Relocate found %s and relocated %v; want %s and %d tables", rep.From, rep.Tables, src, len(relocTables))
	}

	for _, dir := range []string{copied, pasted} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			g := openLakeAt(t, dir)
			for _, tc := range relocTables {
				if diff := cmp.Diff(want[tc.name], relocView(g, tc.name)); diff != "" {
					t.Errorf("lake.ns.%s reads differently in the copy (-original +copy):\n%s", tc.name, diff)
				}
				g.pointsInside(t, tc.name, dir)
			}
			diffRows(t, "the registered table", [][]string{{"7"}}, g.strings(`SELECT * FROM lake.ns.ext`))
			// The copies of replaced files are gone: no metadata or Puffin
			// file left in the copy names the original.
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && (strings.HasSuffix(p, ".metadata.json") || strings.HasSuffix(p, ".puffin")) {
					if b, _ := os.ReadFile(p); strings.Contains(string(b), src+"/") {
						t.Errorf("%s names the original %s", p, src)
					}
				}
				return nil
			})

			g.exec(`INSERT INTO lake.ns.dv VALUES (100, 'k0');
				DELETE FROM lake.ns.dv WHERE id IN (1, 2);
				DELETE FROM lake.ns.pos WHERE id = 3;
				UPDATE lake.ns.typed SET note = 'y' WHERE n = 1;
				CALL rewrite_data_files('ns.pos');
				CALL rewrite_data_files('ns.dv')`)
			diffRows(t, "dv after writes", [][]string{{"21"}}, g.strings(`SELECT count(*) FROM lake.ns.dv`))
			diffRows(t, "pos after writes", [][]string{{"0", "v0"}, {"2", "u"}, {"4", "v4"}},
				g.strings(`SELECT * FROM lake.ns.pos WHERE id < 5 ORDER BY id`))
			diffRows(t, "typed after writes", [][]string{{"1", "y"}, {"2", "NULL"}, {"3", "x"}},
				g.strings(`SELECT n, note FROM lake.ns.typed ORDER BY n`))
			for _, tc := range relocTables {
				g.pointsInside(t, tc.name, dir)
			}
			// A fresh process sees the same.
			h := openLakeAt(t, dir)
			diffRows(t, "dv in a new session", [][]string{{"21"}}, h.strings(`SELECT count(*) FROM lake.ns.dv`))
		})
	}

	if diff := cmp.Diff(before, hashTree(t, moved)); diff != "" {
		t.Errorf("the original warehouse's files changed (-before +after):\n%s", diff)
	}
}
