package lakesql

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/floehq/floe/engine"
)

// TestBadInput checks that each mistake gives one error that names what is
// wrong, carries the sentinel callers branch on, and changes nothing.
func TestBadInput(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id INTEGER, s VARCHAR, n INTEGER NOT NULL);
		INSERT INTO lake.ns.t VALUES (1, 'a', 10)`)
	files := f.parquetFiles(f.table("ns", "t"))

	for _, tc := range []struct {
		name, sql string
		sentinel  error
		frag      []string
	}{
		{"select unknown table", `SELECT * FROM lake.ns.nope`, nil, []string{"lake.ns.nope", "does not exist", "tables in lake.ns: t"}},
		{"select unknown schema", `SELECT * FROM lake.zz.t`, nil, []string{"lake.zz.t", "no schema lake.zz"}},
		{"insert unknown table", `INSERT INTO lake.ns.nope VALUES (1)`, engine.ErrNoSuchTable, []string{"lake.ns.nope"}},
		{"insert from unknown table", `INSERT INTO lake.ns.t SELECT * FROM lake.ns.nope`, nil, []string{"lake.ns.nope"}},
		{"alter unknown table", `ALTER TABLE lake.ns.nope ADD COLUMN x INTEGER`, engine.ErrNoSuchTable, []string{"lake.ns.nope"}},
		{"drop unknown table", `DROP TABLE lake.ns.nope`, engine.ErrNoSuchTable, []string{"lake.ns.nope"}},
		{"create in unknown schema", `CREATE TABLE lake.zz.t (id INTEGER)`, engine.ErrNoSuchNamespace, []string{"lake.zz.t", "CREATE SCHEMA lake.zz"}},
		{"drop unknown schema", `DROP SCHEMA lake.zz`, engine.ErrNoSuchNamespace, []string{"lake.zz"}},
		{"create existing schema", `CREATE SCHEMA lake.ns`, engine.ErrNamespaceExists, []string{"lake.ns"}},
		{"create existing table", `CREATE TABLE lake.ns.t (id INTEGER)`, engine.ErrTableExists, []string{"lake.ns.t"}},
		{"string into int", `INSERT INTO lake.ns.t VALUES ('abc', 'x', 1)`, nil, []string{"lake.ns.t", "'abc'", "column id"}},
		{"string into named int", `INSERT INTO lake.ns.t (s, n) VALUES ('x', 'many')`, nil, []string{"lake.ns.t", "'many'", "column n"}},
		{"too few values", `INSERT INTO lake.ns.t VALUES (1, 'x')`, nil, []string{"lake.ns.t", "2 columns", "has 3 (id, s, n)"}},
		{"too many values", `INSERT INTO lake.ns.t VALUES (1, 'x', 2, 3)`, nil, []string{"lake.ns.t", "4 columns", "has 3"}},
		{"unknown named column", `INSERT INTO lake.ns.t (id, zz) VALUES (1, 2)`, nil, []string{"lake.ns.t", `"zz"`}},
		{"column named twice", `INSERT INTO lake.ns.t (id, ID) VALUES (1, 2)`, nil, []string{"lake.ns.t", "twice"}},
		{"null into not null", `INSERT INTO lake.ns.t VALUES (2, 'b', NULL)`, nil, []string{"lake.ns.t", "NULL", "NOT NULL column n"}},
		{"missing not null column", `INSERT INTO lake.ns.t (id, s) VALUES (2, 'b')`, nil, []string{"lake.ns.t", "NOT NULL column n"}},
		{"null among rows", `INSERT INTO lake.ns.t SELECT r, 'x', CASE WHEN r = 500 THEN NULL ELSE r END FROM range(1000) t(r)`, nil, []string{"lake.ns.t", "NOT NULL column n"}},
		{"unsupported type", `CREATE TABLE lake.ns.h (id HUGEINT)`, engine.ErrUnsupportedType, []string{"lake.ns.h", `"id"`, "HUGEINT"}},
		{"unsupported ctas type", `CREATE TABLE lake.ns.h AS SELECT INTERVAL 1 DAY AS span`, engine.ErrUnsupportedType, []string{"lake.ns.h", `"span"`, "INTERVAL"}},
		{"bucket of zero", `CREATE TABLE lake.ns.p (id INTEGER) PARTITIONED BY (bucket(0, id))`, engine.ErrInvalidPartition, []string{"lake.ns.p", "bucket(0, id)"}},
		{"bucket without width", `CREATE TABLE lake.ns.p (id INTEGER) PARTITIONED BY (bucket(id))`, engine.ErrInvalidPartition, []string{"lake.ns.p", "bucket(16, id)"}},
		{"day of a string", `CREATE TABLE lake.ns.p (id INTEGER, s VARCHAR) PARTITIONED BY (day(s))`, engine.ErrInvalidPartition, []string{"lake.ns.p", "day", `"s"`, "string"}},
		{"truncate of a date", `CREATE TABLE lake.ns.p (d DATE) PARTITIONED BY (truncate(3, d))`, engine.ErrInvalidPartition, []string{"lake.ns.p", "truncate", `"d"`}},
		{"unknown transform", `CREATE TABLE lake.ns.p (x INTEGER) PARTITIONED BY (foo(x))`, engine.ErrInvalidPartition, []string{"lake.ns.p", `"foo"`, "bucket(N, col)"}},
		{"unknown column", `CREATE TABLE lake.ns.p (x INTEGER) PARTITIONED BY (y)`, engine.ErrInvalidPartition, []string{"lake.ns.p", `"y"`}},
		{"partition twice", `CREATE TABLE lake.ns.p (x INTEGER) PARTITIONED BY (x, x)`, engine.ErrInvalidPartition, []string{"lake.ns.p", "twice"}},
		{"no columns", `CREATE TABLE lake.ns.p`, nil, []string{"lake.ns.p", "column list or AS query"}},
		{"default", `CREATE TABLE lake.ns.p (id INTEGER DEFAULT 5)`, nil, []string{"lake.ns.p", "DEFAULT on column id"}},
		{"check", `CREATE TABLE lake.ns.p (id INTEGER CHECK (id > 0))`, nil, []string{"lake.ns.p", "CHECK"}},
		{"primary key", `CREATE TABLE lake.ns.p (id INTEGER PRIMARY KEY)`, nil, []string{"lake.ns.p", "PRIMARY KEY"}},
		{"unique", `CREATE TABLE lake.ns.p (id INTEGER, UNIQUE (id))`, nil, []string{"lake.ns.p", "UNIQUE"}},
		{"added column default", `ALTER TABLE lake.ns.t ADD COLUMN x INTEGER DEFAULT 1`, nil, []string{"lake.ns.t", "DEFAULT on column x"}},
		// Errors from DuckDB while floe runs a statement say which table
		// and step they belong to.
		{"added column of unknown type", `ALTER TABLE lake.ns.t ADD COLUMN x NOSUCHTYPE`, nil, []string{"alter table lake.ns.t: column x: ", "NOSUCHTYPE"}},
		{"column changed to unknown type", `ALTER TABLE lake.ns.t ALTER COLUMN n TYPE NOSUCHTYPE`, nil, []string{"alter table lake.ns.t: column n: ", "NOSUCHTYPE"}},
		{"create as from unknown table", `CREATE TABLE lake.ns.h AS SELECT * FROM lake.ns.nope`, nil, []string{"create table lake.ns.h: table lake.ns.nope does not exist"}},
		{"delete where unknown column", `DELETE FROM lake.ns.t WHERE nosuch = 1`, nil, []string{"delete lake.ns.t: ", "nosuch"}},
		{"update to unknown column", `UPDATE lake.ns.t SET s = nosuch`, nil, []string{"update lake.ns.t: ", "nosuch"}},
		{"merge from unknown table", `MERGE INTO lake.ns.t USING lake.ns.nope s ON t.id = s.id WHEN MATCHED THEN DELETE`, nil, []string{"merge into lake.ns.t: table lake.ns.nope does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.table("ns", "t").MetadataLocation()
			err := f.fails(tc.sql)
			wantErr(t, err, tc.sentinel, tc.frag...)
			if strings.Contains(err.Error(), "COPY (") || strings.Contains(err.Error(), "read_parquet(") {
				t.Errorf("error shows SQL floe generated: %v", err)
			}
			if after := f.table("ns", "t").MetadataLocation(); after != before {
				t.Errorf("the failed statement committed to lake.ns.t")
			}
		})
	}

	if n := f.snapshotCount("ns", "t"); n != 1 {
		t.Errorf("lake.ns.t has %d snapshots after failed writes, want 1", n)
	}
	if got := f.parquetFiles(f.table("ns", "t")); strings.Join(got, ",") != strings.Join(files, ",") {
		t.Errorf("failed writes left files behind:\nbefore %v\nafter  %v", files, got)
	}
	tables, err := f.wh.Tables(f.ctx, "ns")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tables, ",") != "t" {
		t.Errorf("failed statements left tables: %v", tables)
	}
	diffRows(t, "lake.ns.t", [][]string{{"1", "a", "10"}}, f.strings(`SELECT * FROM lake.ns.t`))
}

// TestCorruptMetadata overwrites a table's current metadata file with
// garbage: reading or writing the table fails naming the file, the rest of
// the warehouse stays usable, and the table can still be dropped.
func TestCorruptMetadata(t *testing.T) {
	dir := t.TempDir()
	f := openLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.bad (id INTEGER); INSERT INTO lake.ns.bad VALUES (1);
		CREATE TABLE lake.ns.good (id INTEGER); INSERT INTO lake.ns.good VALUES (2)`)
	loc := f.table("ns", "bad").MetadataLocation()
	path, _ := engine.LocalPath(loc)
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}

	// A new session, as the next floe process would open.
	g := openLakeAt(t, dir)
	for _, q := range []string{
		`SELECT * FROM lake.ns.bad`,
		`INSERT INTO lake.ns.bad VALUES (3)`,
		`SELECT * FROM lake.ns."bad$snapshots"`,
		`ALTER TABLE lake.ns.bad ADD COLUMN x INTEGER`,
	} {
		wantErr(t, g.fails(q), nil, "lake.ns.bad", path)
	}
	diffRows(t, "the other table", [][]string{{"2"}}, g.strings(`SELECT * FROM lake.ns.good`))
	g.exec(`DROP TABLE lake.ns.bad`)
	wantErr(t, g.fails(`SELECT * FROM lake.ns.bad`), nil, "lake.ns.bad", "does not exist")
}

// TestMissingDataFile deletes a data file: the query fails naming it.
func TestMissingDataFile(t *testing.T) {
	dir := t.TempDir()
	f := openLakeAt(t, dir)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.m (id INTEGER);
		INSERT INTO lake.ns.m VALUES (1); INSERT INTO lake.ns.m VALUES (2)`)
	files := f.parquetFiles(f.table("ns", "m"))
	if len(files) != 2 {
		t.Fatalf("%d data files, want 2", len(files))
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.fails(`SELECT * FROM lake.ns.m`), nil, files[0])
	g := openLakeAt(t, dir)
	err := g.fails(`SELECT count(*) FROM lake.ns.m`)
	wantErr(t, err, nil, files[0])
	if errors.Is(err, engine.ErrNoSuchTable) {
		t.Errorf("a missing data file reads as a missing table: %v", err)
	}
}
