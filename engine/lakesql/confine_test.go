package lakesql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// openConfined opens a Confined session on the fixture's warehouse.
func openConfined(t *testing.T, f *lakeFixture) *lakeFixture {
	t.Helper()
	s, err := Open(f.ctx, f.wh, Confined())
	if err != nil {
		t.Fatalf("open confined session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &lakeFixture{t: t, ctx: f.ctx, dir: f.dir, wh: f.wh, s: s}
}

// TestConfinedReadsOnlyTheLake checks that a confined session reads lake
// tables (pruned, with deletes, at an older snapshot, registered from
// another warehouse) and that DuckDB itself refuses every file outside
// the warehouse, whatever SQL reaches it: no guard stands in front here.
func TestConfinedReadsOnlyTheLake(t *testing.T) {
	secretDir := t.TempDir()
	secret := filepath.Join(secretDir, "secret.csv")
	const content = "token\nfloe-secret-6d1c"
	if err := os.WriteFile(secret, []byte(content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	src := openLake(t)
	src.exec(`CREATE SCHEMA lake.ext;
		CREATE TABLE lake.ext.t AS SELECT 41 + range AS n FROM range(2)`)
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.s;
		CREATE TABLE lake.s.t (id INTEGER, part VARCHAR) PARTITIONED BY (part);
		INSERT INTO lake.s.t VALUES (1, 'a'), (2, 'a'), (3, 'b');
		DELETE FROM lake.s.t WHERE id = 2`)
	first := f.one(`SELECT snapshot_id FROM lake.s."t$snapshots" ORDER BY committed_at, snapshot_id LIMIT 1`)
	f.exec(`CALL register_table('s.ext', '` + src.table("ext", "t").MetadataLocation() + `')`)
	// The unconfined session reads the secret: what follows is refused by
	// the confinement, not by a missing file.
	if got := f.one(`SELECT content FROM read_text('` + secret + `')`); !strings.Contains(got, "floe-secret") {
		t.Fatalf("the unconfined session reads %q", got)
	}

	c := openConfined(t, f)
	for q, want := range map[string]string{
		`SELECT count(*) FROM lake.s.t`:                                  "2",
		`SELECT count(*) FROM lake.s.t WHERE part = 'b'`:                 "1",
		`SELECT count(*) FROM lake.s.t AT (VERSION => ` + first + `)`:    "3",
		`SELECT count(*) FROM lake.s."t$files"`:                          "2",
		`SELECT sum(n) FROM lake.s.ext`:                                  "83",
		`SELECT count(*) FROM (SELECT * FROM lake.s.t ORDER BY id DESC)`: "2",
	} {
		if got := c.one(q); got != want {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}

	for _, q := range []string{
		`SELECT * FROM read_text('` + secret + `')`,
		`SELECT * FROM read_csv('` + secret + `')`,
		`SELECT * FROM "READ_BLOB"('` + secret + `')`,
		`SELECT * FROM '` + secret + `'`,
		`SELECT * FROM glob('` + secretDir + `/*')`,
		`SELECT * FROM read_text('` + f.dir + `/../` + filepath.Base(secretDir) + `/secret.csv')`,
		`SELECT * FROM query('SELECT * FROM read_text(''` + secret + `'')')`,
		`SELECT * FROM sniff_csv('` + secret + `')`,
		`SELECT getenv('HOME')`,
		`COPY (SELECT 1) TO '` + filepath.Join(secretDir, "out.csv") + `'`,
		`ATTACH '` + filepath.Join(secretDir, "x.db") + `' AS x`,
		`INSTALL httpfs`,
		`LOAD httpfs`,
		`SET enable_external_access = true`,
		`SET allowed_directories = ['/']`,
		`RESET allowed_directories`,
		`SET lock_configuration = false`,
	} {
		err := c.fails(q)
		if strings.Contains(err.Error(), "floe-secret") {
			t.Errorf("%s: the error shows the secret: %v", q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(secretDir, "out.csv")); err == nil {
		t.Error("COPY wrote outside the warehouse")
	}
	got := c.strings(`SELECT current_setting('enable_external_access'), current_setting('lock_configuration')`)
	if diff := cmp.Diff([][]string{{"false", "true"}}, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}

	// A table registered from elsewhere after Open is outside the
	// confinement.
	late := openLake(t)
	late.exec(`CREATE SCHEMA lake.l; CREATE TABLE lake.l.t AS SELECT 1 AS one`)
	f.exec(`CALL register_table('s.late', '` + late.table("l", "t").MetadataLocation() + `')`)
	c.fails(`SELECT * FROM lake.s.late`)
}

// TestRefreshListsNewTables checks that Refresh brings tables created,
// changed and dropped in another session into the session's DuckDB
// catalog.
func TestRefreshListsNewTables(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.old (a INTEGER); CREATE TABLE lake.s.gone (a INTEGER)`)
	c := openConfined(t, f)
	f.exec(`CREATE TABLE lake.s.fresh (b VARCHAR); ALTER TABLE lake.s.old ADD COLUMN c DOUBLE; DROP TABLE lake.s.gone`)
	list := `SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE database_name = 'lake' ORDER BY ALL`
	if err := c.s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"fresh.b"}, {"old.a"}, {"old.c"}}
	if diff := cmp.Diff(want, c.strings(list)); diff != "" {
		t.Errorf("columns after Refresh (-want +got):\n%s", diff)
	}
}
