package lakesql

import (
	"testing"
)

// TestSchemaEvolution alters a table step by step. After each step floe
// and iceberg-go must read the same rows, which must be the expected ones:
// columns are matched by field id, never by name or position.
func TestSchemaEvolution(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.e (id INTEGER, f FLOAT, name VARCHAR);
		INSERT INTO lake.ns.e VALUES (1, 1.5, 'a'), (2, 2.5, 'b')`)

	for _, step := range []struct {
		name, sql string
		want      [][]string // SELECT * ORDER BY id
		describe  [][]string
	}{
		{"add column", `ALTER TABLE lake.ns.e ADD COLUMN extra VARCHAR; INSERT INTO lake.ns.e VALUES (3, 3.5, 'c', 'x')`,
			[][]string{{"1", "1.5", "a", "NULL"}, {"2", "2.5", "b", "NULL"}, {"3", "3.5", "c", "x"}},
			[][]string{{"id", "INTEGER"}, {"f", "FLOAT"}, {"name", "VARCHAR"}, {"extra", "VARCHAR"}}},
		{"rename column", `ALTER TABLE lake.ns.e RENAME COLUMN name TO label`,
			[][]string{{"1", "1.5", "a", "NULL"}, {"2", "2.5", "b", "NULL"}, {"3", "3.5", "c", "x"}},
			[][]string{{"id", "INTEGER"}, {"f", "FLOAT"}, {"label", "VARCHAR"}, {"extra", "VARCHAR"}}},
		{"drop column", `ALTER TABLE lake.ns.e DROP COLUMN extra`,
			[][]string{{"1", "1.5", "a"}, {"2", "2.5", "b"}, {"3", "3.5", "c"}},
			[][]string{{"id", "INTEGER"}, {"f", "FLOAT"}, {"label", "VARCHAR"}}},
		{"re-add dropped name", `ALTER TABLE lake.ns.e ADD COLUMN extra VARCHAR`,
			// The old 'x' belongs to the dropped column's id: not resurrected.
			[][]string{{"1", "1.5", "a", "NULL"}, {"2", "2.5", "b", "NULL"}, {"3", "3.5", "c", "NULL"}},
			[][]string{{"id", "INTEGER"}, {"f", "FLOAT"}, {"label", "VARCHAR"}, {"extra", "VARCHAR"}}},
		{"rename onto a dropped name", `ALTER TABLE lake.ns.e DROP COLUMN extra; ALTER TABLE lake.ns.e RENAME COLUMN label TO extra`,
			[][]string{{"1", "1.5", "a"}, {"2", "2.5", "b"}, {"3", "3.5", "c"}},
			[][]string{{"id", "INTEGER"}, {"f", "FLOAT"}, {"extra", "VARCHAR"}}},
		{"int to bigint", `ALTER TABLE lake.ns.e ALTER COLUMN id TYPE BIGINT; INSERT INTO lake.ns.e VALUES (5000000000, 0.25, 'big')`,
			[][]string{{"1", "1.5", "a"}, {"2", "2.5", "b"}, {"3", "3.5", "c"}, {"5000000000", "0.25", "big"}},
			[][]string{{"id", "BIGINT"}, {"f", "FLOAT"}, {"extra", "VARCHAR"}}},
		{"float to double", `ALTER TABLE lake.ns.e ALTER COLUMN f SET DATA TYPE DOUBLE; INSERT INTO lake.ns.e VALUES (6, 0.1, 'd')`,
			[][]string{{"1", "1.5", "a"}, {"2", "2.5", "b"}, {"3", "3.5", "c"}, {"6", "0.1", "d"}, {"5000000000", "0.25", "big"}},
			[][]string{{"id", "BIGINT"}, {"f", "DOUBLE"}, {"extra", "VARCHAR"}}},
	} {
		t.Run(step.name, func(t *testing.T) {
			f.exec(step.sql)
			diffRows(t, "SELECT * FROM lake.ns.e", step.want, f.strings(`SELECT * FROM lake.ns.e ORDER BY id`))
			diffRows(t, "DESCRIBE lake.ns.e", step.describe, f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns.e)`))
			it := f.table("ns", "e")
			diffRows(t, "iceberg-go vs floe", floeRows(t, f, `SELECT * FROM lake.ns.e`), icebergRows(t, f, it, nil))
		})
	}

	t.Run("disallowed changes", func(t *testing.T) {
		before := f.table("ns", "e").MetadataLocation()
		for _, tc := range []struct {
			sql  string
			frag []string
		}{
			{`ALTER TABLE lake.ns.e ALTER COLUMN id TYPE INTEGER`, []string{"lake.ns.e", "long", "int"}},
			{`ALTER TABLE lake.ns.e ALTER COLUMN f TYPE FLOAT`, []string{"lake.ns.e", "double", "float"}},
			{`ALTER TABLE lake.ns.e ALTER COLUMN extra TYPE INTEGER`, []string{"lake.ns.e", "string", "int"}},
			{`ALTER TABLE lake.ns.e ALTER COLUMN nope TYPE INTEGER`, []string{"lake.ns.e", "nope"}},
			{`ALTER TABLE lake.ns.e DROP COLUMN nope`, []string{"lake.ns.e", "nope"}},
			{`ALTER TABLE lake.ns.e ADD COLUMN extra INTEGER`, []string{"lake.ns.e", "extra"}},
			{`ALTER TABLE lake.ns.e ADD COLUMN h HUGEINT`, []string{"lake.ns.e", "HUGEINT"}},
		} {
			wantErr(t, f.fails(tc.sql), nil, tc.frag...)
		}
		if after := f.table("ns", "e").MetadataLocation(); after != before {
			t.Errorf("a failed ALTER committed: metadata %s -> %s", before, after)
		}
		diffRows(t, "DESCRIBE after failed changes", [][]string{{"id", "BIGINT"}, {"f", "DOUBLE"}, {"extra", "VARCHAR"}},
			f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns.e)`))
	})
}

// TestTimeTravelUsesSnapshotSchema reads an old snapshot whose column
// names mean other columns now; its filters and pruning must follow the
// old schema.
func TestTimeTravelUsesSnapshotSchema(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.tt (a INTEGER, b INTEGER);
		INSERT INTO lake.ns.tt VALUES (1, 100), (2, 200);
		INSERT INTO lake.ns.tt VALUES (3, 300)`)
	old := f.one(`SELECT snapshot_id FROM lake.ns."tt$snapshots" ORDER BY committed_at DESC, snapshot_id LIMIT 1`)
	f.exec(`ALTER TABLE lake.ns.tt DROP COLUMN b;
		ALTER TABLE lake.ns.tt RENAME COLUMN a TO b;
		INSERT INTO lake.ns.tt VALUES (100)`)

	diffRows(t, "current", [][]string{{"1"}, {"2"}, {"3"}, {"100"}}, f.strings(`SELECT * FROM lake.ns.tt ORDER BY b`))
	diffRows(t, "old snapshot", [][]string{{"1", "100"}, {"2", "200"}, {"3", "300"}},
		f.strings(`SELECT * FROM lake.ns.tt AT (VERSION => `+old+`) ORDER BY a`))
	// b = 100 means the old b (id 2) in the old snapshot: row (1, 100).
	diffRows(t, "old snapshot filtered", [][]string{{"1", "100"}},
		f.strings(`SELECT * FROM lake.ns.tt AT (VERSION => `+old+`) WHERE b = 100`))
	if n := f.planFiles("lake.ns.tt"); n != 1 {
		t.Errorf("time-travel scan kept %d files, want 1", n)
	}
	// a exists only in the old schema; its filter still prunes.
	diffRows(t, "old snapshot, dropped name", [][]string{{"3", "300"}},
		f.strings(`SELECT * FROM lake.ns.tt AT (VERSION => `+old+`) WHERE a = 3`))
	if n := f.planFiles("lake.ns.tt"); n != 1 {
		t.Errorf("time-travel scan on a = 3 kept %d files, want 1", n)
	}
	diffRows(t, "current filtered", [][]string{{"100"}}, f.strings(`SELECT * FROM lake.ns.tt WHERE b = 100`))
}
