package lakesql

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/floehq/floe/engine"
)

// TestRegisterTable adopts a table written in a second warehouse by its
// metadata file.
func TestRegisterTable(t *testing.T) {
	src := openLake(t)
	src.exec(`CREATE SCHEMA lake.other;
		CREATE TABLE lake.other.src (id INTEGER, s VARCHAR) PARTITIONED BY (s);
		INSERT INTO lake.other.src VALUES (7, 'x'), (8, 'y');
		INSERT INTO lake.other.src VALUES (9, 'y');
		ALTER TABLE lake.other.src RENAME COLUMN id TO num`)
	srcTable := src.table("other", "src")
	metaURI := srcTable.MetadataLocation()
	metaPath, _ := engine.LocalPath(metaURI)
	srcFiles := src.parquetFiles(srcTable)
	first := src.one(`SELECT snapshot_id FROM lake.other."src$snapshots" ORDER BY committed_at, snapshot_id LIMIT 1`)

	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)
	f.exec(`CALL register_table('ns.t2', '` + metaURI + `')`)

	t.Run("rows", func(t *testing.T) {
		diffRows(t, "lake.ns.t2", [][]string{{"7", "x"}, {"8", "y"}, {"9", "y"}}, f.strings(`SELECT * FROM lake.ns.t2 ORDER BY num`))
		diffRows(t, "DESCRIBE", [][]string{{"num", "INTEGER"}, {"s", "VARCHAR"}}, f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns.t2)`))
	})
	t.Run("pruning", func(t *testing.T) {
		diffRows(t, "s = 'y'", [][]string{{"8"}, {"9"}}, f.strings(`SELECT num FROM lake.ns.t2 WHERE s = 'y' ORDER BY 1`))
		if n := f.planFiles("lake.ns.t2"); n != 2 {
			t.Errorf("kept %d files, want 2", n)
		}
	})
	t.Run("history", func(t *testing.T) {
		diffRows(t, "first snapshot", [][]string{{"7", "x"}, {"8", "y"}},
			f.strings(`SELECT * FROM lake.ns.t2 AT (VERSION => `+first+`) ORDER BY id`))
		if got := f.one(`SELECT count(*) FROM lake.ns."t2$snapshots"`); got != "2" {
			t.Errorf("%s snapshots, want 2", got)
		}
	})
	t.Run("plain path and lake prefix", func(t *testing.T) {
		f.exec(`CALL register_table('lake.ns.t3', '` + metaPath + `')`)
		if got := f.one(`SELECT count(*) FROM lake.ns.t3`); got != "3" {
			t.Errorf("lake.ns.t3 has %s rows, want 3", got)
		}
	})
	t.Run("new schema", func(t *testing.T) {
		f.exec(`CALL system.register_table('fresh.t', '` + metaPath + `')`)
		if got := f.one(`SELECT count(*) FROM lake.fresh.t`); got != "3" {
			t.Errorf("lake.fresh.t has %s rows, want 3", got)
		}
	})
	t.Run("a session opened later sees it", func(t *testing.T) {
		g := openLakeAt(t, f.dir)
		if got := g.one(`SELECT count(*) FROM lake.ns.t2`); got != "3" {
			t.Errorf("%s rows, want 3", got)
		}
	})

	garbage := filepath.Join(t.TempDir(), "v1.metadata.json")
	if err := os.WriteFile(garbage, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "none.metadata.json")
	for _, tc := range []struct {
		name, sql string
		sentinel  error
		frag      []string
	}{
		{"taken name", `CALL register_table('ns.t2', '` + metaPath + `')`, engine.ErrTableExists, []string{"lake.ns.t2"}},
		{"missing file", `CALL register_table('ns.t4', '` + missing + `')`, nil, []string{"lake.ns.t4", missing}},
		{"not metadata", `CALL register_table('ns.t4', '` + garbage + `')`, nil, []string{"lake.ns.t4", garbage}},
		{"name without schema", `CALL register_table('t4', '` + metaPath + `')`, nil, []string{"t4", "schema.table"}},
		{"one argument", `CALL register_table('ns.t4')`, nil, []string{"two arguments"}},
		{"not a literal", `CALL register_table('ns.t4', 42)`, nil, []string{"argument 2", "string literal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, f.fails(tc.sql), tc.sentinel, tc.frag...)
			if _, err := f.wh.Table(f.ctx, "ns", "t4"); err == nil {
				t.Errorf("failed registration left lake.ns.t4")
			}
		})
	}

	t.Run("purge leaves the other warehouse alone", func(t *testing.T) {
		f.exec(`DROP TABLE lake.ns.t2 PURGE; DROP TABLE lake.ns.t3 PURGE`)
		for _, p := range append(srcFiles, metaPath) {
			if !exists(p) {
				t.Errorf("purging a registered table deleted %s of another warehouse", p)
			}
		}
		if got := src.one(`SELECT count(*) FROM lake.other.src`); got != "3" {
			t.Errorf("the source table has %s rows, want 3", got)
		}
	})
}
