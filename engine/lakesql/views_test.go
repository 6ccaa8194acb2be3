package lakesql

import (
	"fmt"
	"testing"
)

// TestViewsOverLakeTables checks that DuckDB views and macros defined over
// lake tables read the tables' current snapshots at each query, whoever
// committed them, and that views pinned by AT (VERSION => ...) stay
// pinned.
func TestViewsOverLakeTables(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER, s VARCHAR); INSERT INTO lake.ns.t VALUES (1, 'a')`)
	first := f.table("ns", "t").Iceberg().CurrentSnapshot().SnapshotID
	f.exec(`CREATE SCHEMA memory.rep;
		CREATE VIEW v AS SELECT * FROM lake.ns.t;
		CREATE TEMP VIEW tv AS SELECT count(*) AS n FROM lake.ns.t;
		CREATE VIEW memory.rep.top AS SELECT max(id) AS top FROM lake.ns.t;
		CREATE VIEW nested AS SELECT id FROM v WHERE id > 1;
		CREATE VIEW nested2 AS SELECT count(*) AS n FROM nested;
		CREATE MACRO rows_of_t() AS TABLE SELECT id FROM lake.ns.t;
		CREATE MACRO count_t() AS (SELECT count(*) FROM lake.ns.t);`)
	f.exec(fmt.Sprintf(`CREATE VIEW pinned AS SELECT * FROM lake.ns.t AT (VERSION => %d)`, first))

	check := func(t *testing.T, ids ...string) {
		t.Helper()
		var want, wantNested [][]string
		for _, id := range ids {
			want = append(want, []string{id})
			if id != "1" {
				wantNested = append(wantNested, []string{id})
			}
		}
		n := fmt.Sprint(len(ids))
		diffRows(t, "view", want, f.strings(`SELECT id FROM v ORDER BY id`))
		diffRows(t, "temp view", [][]string{{n}}, f.strings(`SELECT n FROM tv`))
		diffRows(t, "view in another schema", [][]string{{ids[len(ids)-1]}}, f.strings(`SELECT top FROM memory.rep.top`))
		diffRows(t, "nested view", wantNested, f.strings(`SELECT id FROM nested ORDER BY id`))
		diffRows(t, "view over a nested view", [][]string{{fmt.Sprint(len(wantNested))}}, f.strings(`SELECT n FROM nested2`))
		diffRows(t, "table macro", want, f.strings(`SELECT * FROM rows_of_t() ORDER BY id`))
		diffRows(t, "scalar macro", [][]string{{n}}, f.strings(`SELECT count_t()`))
		diffRows(t, "pinned view", [][]string{{"1", "a"}}, f.strings(`SELECT * FROM pinned`))
	}

	t.Run("this session inserts", func(t *testing.T) {
		check(t, "1")
		f.exec(`INSERT INTO lake.ns.t VALUES (2, 'b')`)
		check(t, "1", "2")
	})

	t.Run("another process commits", func(t *testing.T) {
		other := openLakeAt(t, f.dir)
		other.exec(`INSERT INTO lake.ns.t VALUES (3, 'c')`)
		check(t, "1", "2", "3")
		other.exec(`DELETE FROM lake.ns.t WHERE id = 2`)
		check(t, "1", "3")
	})

	t.Run("a statement reads the table directly and through a view", func(t *testing.T) {
		f.exec(`INSERT INTO lake.ns.t VALUES (4, 'd')`)
		// The direct read is pruned to a relation of its own; the view
		// must still see the whole current table.
		diffRows(t, "both", [][]string{{"1", "3"}},
			f.strings(`SELECT (SELECT count(*) FROM lake.ns.t WHERE id = 4), (SELECT count(*) FROM v)`))
	})

	t.Run("writes read views", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.copy AS SELECT id FROM v; INSERT INTO lake.ns.copy SELECT * FROM rows_of_t()`)
		diffRows(t, "copy", [][]string{{"1"}, {"1"}, {"3"}, {"3"}, {"4"}, {"4"}}, f.strings(`SELECT id FROM lake.ns.copy ORDER BY id`))
	})

	t.Run("a replaced table", func(t *testing.T) {
		f.exec(`CREATE OR REPLACE TABLE lake.ns.t AS SELECT 9 AS id, 'z' AS s`)
		diffRows(t, "view", [][]string{{"9", "z"}}, f.strings(`SELECT * FROM v`))
		diffRows(t, "pinned view", [][]string{{"1", "a"}}, f.strings(`SELECT * FROM pinned`))
	})

	t.Run("a dropped table is not read from memory", func(t *testing.T) {
		other := openLakeAt(t, f.dir)
		other.exec(`DROP TABLE lake.ns.t`)
		wantErr(t, f.fails(`SELECT * FROM v`), nil, "t does not exist")
		wantErr(t, f.fails(`SELECT * FROM nested2`), nil, "t does not exist")
	})
}

// TestViewsInLakeCatalog checks that views and macros cannot be created in
// the lake catalog, with a message that says what to do instead.
func TestViewsInLakeCatalog(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER)`)
	for _, stmt := range []string{
		`CREATE VIEW lake.ns.v AS SELECT * FROM lake.ns.t`,
		`CREATE OR REPLACE VIEW "lake"."ns"."v" AS SELECT 1`,
		`CREATE MACRO lake.ns.m() AS 1`,
		`USE lake.ns; CREATE VIEW v AS SELECT 1`,
		`USE lake.ns; CREATE VIEW IF NOT EXISTS ns.v AS SELECT 1`,
	} {
		t.Run(stmt, func(t *testing.T) {
			wantErr(t, f.fails(stmt), nil, "not supported yet", "Iceberg views", "memory.main.")
			f.exec(`USE memory`)
			if got := f.one(`SELECT count(*) FROM duckdb_views() WHERE database_name = 'lake' AND view_name = 'v'`); got != "0" {
				t.Errorf("a view was created in lake")
			}
		})
	}
	f.exec(`USE lake.ns; CREATE TEMP VIEW tv AS SELECT * FROM lake.ns.t; USE memory; CREATE VIEW memory.main.v AS SELECT * FROM lake.ns.t`)
	f.exec(`INSERT INTO lake.ns.t VALUES (1)`)
	diffRows(t, "views outside lake", [][]string{{"1", "1"}}, f.strings(`SELECT (SELECT count(*) FROM tv), (SELECT count(*) FROM v)`))
}
