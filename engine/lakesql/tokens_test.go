package lakesql

import (
	"errors"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/internal/sqltext"
)

func TestFindLakeRefs(t *testing.T) {
	type ref struct{ NS, Name, Version, Time, Text string }
	for _, tc := range []struct {
		sql  string
		want []ref
	}{
		{`SELECT * FROM lake.ns.t`, []ref{{"ns", "t", "", "", "lake.ns.t"}}},
		{`SELECT * FROM LAKE.Sales.Orders o`, []ref{{"sales", "orders", "", "", "LAKE.Sales.Orders"}}},
		{`SELECT * FROM "lake"."Sales"."My Table"`, []ref{{"Sales", "My Table", "", "", `"lake"."Sales"."My Table"`}}},
		{`SELECT * FROM lake.ns."t$files"`, []ref{{"ns", "t$files", "", "", `lake.ns."t$files"`}}},
		{`SELECT * FROM lake.ns.t AT (VERSION => 42) x`, []ref{{"ns", "t", "42", "", "lake.ns.t AT (VERSION => 42)"}}},
		{`SELECT * FROM lake.ns.t AT (TIMESTAMP => now() - INTERVAL (1) HOUR)`, []ref{{"ns", "t", "", "now() - INTERVAL (1) HOUR", "lake.ns.t AT (TIMESTAMP => now() - INTERVAL (1) HOUR)"}}},
		{`SELECT * FROM lake.a.b JOIN lake.c.d ON true`, []ref{{"a", "b", "", "", "lake.a.b"}, {"c", "d", "", "", "lake.c.d"}}},
		{`SELECT 'lake.ns.t', "lake.ns.t" FROM x.lake.ns`, nil},
		{`SELECT * FROM lake.ns`, nil},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			var got []ref
			for _, r := range findLakeRefs(tc.sql, sqltext.Code(tc.sql)) {
				got = append(got, ref{r.ns, r.name, r.atVersion, r.atTime, tc.sql[r.start:r.end]})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsePruned(t *testing.T) {
	filter := map[string]iceberg.BooleanExpression{"ns\x00t": iceberg.AlwaysTrue{}}
	for _, tc := range []struct{ sql, want string }{
		{`SELECT * FROM lake.ns.t WHERE id = 1`, `SELECT * FROM memory.floe_scratch."lake.ns.t" AS "t" WHERE id = 1`},
		{`SELECT t.id FROM lake.ns.t, lake.ns.u`, `SELECT t.id FROM memory.floe_scratch."lake.ns.t" AS "t", lake.ns.u`},
		{`SELECT x.id FROM lake.ns.t x`, `SELECT x.id FROM memory.floe_scratch."lake.ns.t" x`},
		{`SELECT * FROM lake."ns"."t" AS y`, `SELECT * FROM memory.floe_scratch."lake.ns.t" AS y`},
	} {
		if got := usePruned(tc.sql, sqltext.Code(tc.sql), filter); got != tc.want {
			t.Errorf("usePruned(%s)\n = %s\nwant %s", tc.sql, got, tc.want)
		}
	}
	for sql, want := range map[string]bool{
		`SELECT lake.ns.t.id FROM lake.ns.t`: true,
		`SELECT ns.t.id FROM lake.ns.t`:      true,
		`SELECT "ns"."t".id FROM lake.ns.t`:  true,
		`SELECT t.id FROM lake.ns.t`:         false,
		`SELECT ns.u.id FROM lake.ns.u`:      false,
	} {
		if got := qualifiesColumn(sqltext.Code(sql), "ns\x00t"); got != want {
			t.Errorf("qualifiesColumn(%s) = %v, want %v", sql, got, want)
		}
	}
}

func TestParseProps(t *testing.T) {
	got, err := parseProps(`'format-version' = '3', "write.delete.mode"='merge-on-read', 'a'='it''s', 'b'=E'x\'y'`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"format-version": "3", "write.delete.mode": "merge-on-read", "a": "it's", "b": "x'y"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := parseProps(`'a'`); err == nil {
		t.Error("parseProps('a') succeeded")
	}
}

// TestScripts runs multi-statement scripts end to end: strings holding
// semicolons reach the table intact, and a failing statement is reported
// with its line.
func TestScripts(t *testing.T) {
	f := openLake(t)
	f.exec("CREATE SCHEMA lake.ns;\n-- a comment; with a semicolon\nCREATE TABLE lake.ns.t (s VARCHAR);\n" +
		"INSERT INTO lake.ns.t VALUES ('a;b'), ($$c;'d$$), (E'e\\'f;');")
	diffRows(t, "values", [][]string{{"a;b"}, {"c;'d"}, {"e'f;"}}, f.strings(`SELECT * FROM lake.ns.t ORDER BY s`))

	err := f.fails("SELECT 1;\n\nSELECT * FROM lake.ns.nope;\nSELECT 3")
	var se *StatementError
	if !errors.As(err, &se) {
		t.Fatalf("error %T is not a *StatementError: %v", err, err)
	}
	if se.Line != 3 || se.Statement != "SELECT * FROM lake.ns.nope" {
		t.Errorf("error at line %d in %q, want line 3 in the SELECT from lake.ns.nope", se.Line, se.Statement)
	}
	wantErr(t, err, nil, "line 3", "lake.ns.nope")
}

// TestUseLakeSchema runs statements after USE lake.ns, which changes
// where DuckDB looks up unqualified schemas.
func TestUseLakeSchema(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id INTEGER);
		INSERT INTO lake.ns.t VALUES (1), (2);
		INSERT INTO lake.ns.t VALUES (3);
		USE lake.ns;
		CREATE TABLE lake.ns.u (id INTEGER);
		INSERT INTO lake.ns.u SELECT id FROM lake.ns.t WHERE id >= 3`)
	diffRows(t, "pruned read after USE", [][]string{{"3"}}, f.strings(`SELECT * FROM lake.ns.t WHERE id >= 3`))
	if n := f.planFiles("lake.ns.t"); n != 1 {
		t.Errorf("kept %d files, want 1", n)
	}
	diffRows(t, "lake.ns.u", [][]string{{"3"}}, f.strings(`SELECT * FROM lake.ns.u`))
}
