package lakesql

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/floehq/floe/engine"
)

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func tableDir(t *testing.T, tbl *engine.Table) string {
	t.Helper()
	dir, ok := engine.LocalPath(tbl.Location())
	if !ok {
		t.Fatalf("%s is not local", tbl.Location())
	}
	return dir
}

func TestDropTable(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.keep (id INTEGER) PARTITIONED BY (id); INSERT INTO lake.ns.keep VALUES (1), (2);
		CREATE TABLE lake.ns.gone (id INTEGER); INSERT INTO lake.ns.gone VALUES (1)`)
	keep, gone := f.table("ns", "keep"), f.table("ns", "gone")
	keepFiles, goneDir := f.parquetFiles(keep), tableDir(t, gone)
	keepMeta, _ := engine.LocalPath(keep.MetadataLocation())

	t.Run("purge deletes the files", func(t *testing.T) {
		f.exec(`DROP TABLE lake.ns.gone PURGE`)
		if exists(goneDir) {
			t.Errorf("%s still exists after DROP TABLE ... PURGE", goneDir)
		}
		wantErr(t, f.fails(`SELECT * FROM lake.ns.gone`), nil, "lake.ns.gone", "does not exist")
		if n := len(f.rows(`SELECT * FROM (SHOW TABLES FROM lake.ns) WHERE name = 'gone'`)); n != 0 {
			t.Errorf("SHOW TABLES still lists the dropped table")
		}
	})

	t.Run("without purge the files stay", func(t *testing.T) {
		f.exec(`DROP TABLE lake.ns.keep`)
		wantErr(t, f.fails(`SELECT * FROM lake.ns.keep`), nil, "lake.ns.keep", "does not exist")
		for _, p := range append(keepFiles, keepMeta) {
			if !exists(p) {
				t.Errorf("DROP TABLE without PURGE deleted %s", p)
			}
		}
	})

	t.Run("a new table of the same name starts empty", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.keep (id INTEGER, s VARCHAR)`)
		if got := f.one(`SELECT count(*) FROM lake.ns.keep`); got != "0" {
			t.Errorf("recreated table has %s rows, want 0", got)
		}
		if tableDir(t, f.table("ns", "keep")) == tableDir(t, keep) {
			t.Errorf("recreated table shares the old table's directory %s", tableDir(t, keep))
		}
		f.exec(`INSERT INTO lake.ns.keep VALUES (5, 'x')`)
		for _, p := range keepFiles {
			if !exists(p) {
				t.Errorf("the new table's writes removed %s", p)
			}
		}
	})

	t.Run("the kept files can be registered again", func(t *testing.T) {
		f.exec(`CALL register_table('ns.back', '` + keepMeta + `')`)
		diffRows(t, "lake.ns.back", [][]string{{"1"}, {"2"}}, f.strings(`SELECT * FROM lake.ns.back ORDER BY id`))
	})

	t.Run("if exists", func(t *testing.T) {
		f.exec(`DROP TABLE IF EXISTS lake.ns.never; DROP TABLE IF EXISTS lake.ns.never PURGE`)
	})
}

func TestCreateTableAs(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)

	t.Run("partitioned", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.c PARTITIONED BY (k) AS SELECT r AS id, r % 3 AS k, 'v' || r AS v FROM range(9) t(r)`)
		diffRows(t, "rows", [][]string{{"0", "3"}, {"1", "3"}, {"2", "3"}},
			f.strings(`SELECT k, count(*) FROM lake.ns.c GROUP BY k ORDER BY k`))
		if got := f.one(`SELECT count(*) FROM lake.ns."c$files"`); got != "3" {
			t.Errorf("%s files, want one per partition (3)", got)
		}
		diffRows(t, "types", [][]string{{"id", "BIGINT"}, {"k", "BIGINT"}, {"v", "VARCHAR"}},
			f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns.c)`))
	})

	t.Run("from a lake table", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.c2 AS SELECT id * 10 AS id10 FROM lake.ns.c WHERE k = 1`)
		diffRows(t, "rows", [][]string{{"10"}, {"40"}, {"70"}}, f.strings(`SELECT * FROM lake.ns.c2 ORDER BY 1`))
	})

	t.Run("or replace", func(t *testing.T) {
		f.exec(`CREATE OR REPLACE TABLE lake.ns.c2 AS SELECT 'new' AS s`)
		diffRows(t, "rows", [][]string{{"new"}}, f.strings(`SELECT * FROM lake.ns.c2`))
	})

	t.Run("if not exists keeps the table", func(t *testing.T) {
		f.exec(`CREATE TABLE IF NOT EXISTS lake.ns.c2 AS SELECT 'other' AS s`)
		diffRows(t, "rows", [][]string{{"new"}}, f.strings(`SELECT * FROM lake.ns.c2`))
	})

	for _, tc := range []struct{ name, sql, frag string }{
		{"query fails while writing", `CREATE TABLE lake.ns.bad AS SELECT r, CASE WHEN r = 700 THEN error('boom') ELSE r END FROM range(1000) t(r)`, "boom"},
		{"conversion fails", `CREATE TABLE lake.ns.bad AS SELECT 'a'::INTEGER AS x`, "'a'"},
		{"query does not parse", `CREATE TABLE lake.ns.bad AS SELEC 1`, "SELEC"},
		{"unknown source", `CREATE TABLE lake.ns.bad AS SELECT * FROM lake.ns.nope`, "lake.ns.nope"},
	} {
		t.Run("failing: "+tc.name, func(t *testing.T) {
			wantErr(t, f.fails(tc.sql), nil, tc.frag)
			if _, err := f.wh.Table(f.ctx, "ns", "bad"); err == nil {
				t.Errorf("a failed CREATE TABLE AS left lake.ns.bad in the catalog")
			}
			if matches, _ := filepath.Glob(filepath.Join(f.dir, "ns.db", "bad*")); len(matches) > 0 {
				t.Errorf("a failed CREATE TABLE AS left files: %v", matches)
			}
			if n := len(f.rows(`SELECT * FROM (SHOW TABLES FROM lake.ns) WHERE name = 'bad'`)); n != 0 {
				t.Errorf("SHOW TABLES lists the failed table")
			}
		})
	}
}

func TestDropSchema(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns; CREATE SCHEMA lake.other;
		CREATE TABLE lake.ns.a (id INTEGER); CREATE TABLE lake.ns.b (id INTEGER); INSERT INTO lake.ns.a VALUES (1);
		CREATE TABLE lake.other.c (id INTEGER)`)

	wantErr(t, f.fails(`DROP SCHEMA lake.ns`), engine.ErrNamespaceNotEmpty, "lake.ns", "a, b", "CASCADE")
	diffRows(t, "still there", [][]string{{"1"}}, f.strings(`SELECT * FROM lake.ns.a`))

	f.exec(`DROP SCHEMA lake.ns CASCADE`)
	nss, err := f.wh.Namespaces(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nss) != 1 || nss[0] != "other" {
		t.Errorf("schemas after DROP SCHEMA ... CASCADE: %v, want [other]", nss)
	}
	wantErr(t, f.fails(`SELECT * FROM lake.ns.a`), nil, "lake.ns.a", "does not exist")
	diffRows(t, "DuckDB's view of lake", [][]string{{"other", "c"}},
		f.strings(`SELECT schema, name FROM (SHOW ALL TABLES) WHERE database = 'lake' ORDER BY ALL`))

	// CASCADE drops the tables without PURGE: their files, and so the
	// namespace's directory, stay. A namespace whose tables were purged
	// leaves no empty directory behind.
	if _, err := os.Stat(filepath.Join(f.dir, "ns.db", "a")); err != nil {
		t.Errorf("DROP SCHEMA ... CASCADE removed a table's files: %v", err)
	}
	f.exec(`CREATE SCHEMA lake.gone; CREATE TABLE lake.gone.t (id INTEGER); INSERT INTO lake.gone.t VALUES (1);
		DROP TABLE lake.gone.t PURGE; DROP SCHEMA lake.gone`)
	if _, err := os.Stat(filepath.Join(f.dir, "gone.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("DROP SCHEMA of an emptied namespace left its directory: %v", err)
	}

	f.exec(`DROP SCHEMA IF EXISTS lake.ns; DROP SCHEMA lake.other CASCADE`)
	f.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.a (id INTEGER)`)
	if got := f.one(`SELECT count(*) FROM lake.ns.a`); got != "0" {
		t.Errorf("recreated lake.ns.a has %s rows", got)
	}
}

// TestSessionsShareWarehouse checks that a session sees tables and data
// another session (or process) committed after it opened.
func TestSessionsShareWarehouse(t *testing.T) {
	dir := t.TempDir()
	a := openLakeAt(t, dir)
	b := openLakeAt(t, dir)
	a.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER); INSERT INTO lake.ns.t VALUES (1)`)
	diffRows(t, "b reads a's table", [][]string{{"1"}}, b.strings(`SELECT * FROM lake.ns.t`))
	b.exec(`INSERT INTO lake.ns.t VALUES (2); ALTER TABLE lake.ns.t ADD COLUMN s VARCHAR; INSERT INTO lake.ns.t VALUES (3, 'c')`)
	diffRows(t, "a reads b's writes", [][]string{{"1", "NULL"}, {"2", "NULL"}, {"3", "c"}}, a.strings(`SELECT * FROM lake.ns.t ORDER BY id`))
	diffRows(t, "a prunes with b's schema", [][]string{{"3", "c"}}, a.strings(`SELECT * FROM lake.ns.t WHERE s = 'c'`))
}
