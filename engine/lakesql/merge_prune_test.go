package lakesql

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/floehq/floe/engine"
)

func TestMergeKeys(t *testing.T) {
	f := openLake(t)
	f.exec("CREATE SCHEMA lake.mk; CREATE TABLE lake.mk.t (id BIGINT, p INTEGER, name VARCHAR)")
	tbl, err := f.wh.Table(f.ctx, "mk", "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, on string
		want     []string // "col=src"
	}{
		{"one key", "t.id = s.id", []string{`id="s"."id"`}},
		{"reversed, other source column", "s.k = t.id", []string{`id="s"."k"`}},
		{"two keys and a residual", "t.id = s.id AND t.p = s.p AND s.flag", []string{`id="s"."id"`, `p="s"."p"`}},
		{"quoted and mixed case", `T."Name" = S.name`, []string{`name="s"."name"`}},
		{"top-level OR", "t.id = s.id OR t.p = s.p", nil},
		{"parenthesised OR is one conjunct", "t.id = s.id AND (t.p = s.p OR s.p IS NULL)", []string{`id="s"."id"`}},
		{"BETWEEN is one conjunct", "t.p BETWEEN s.lo AND s.hi AND t.id = s.id", []string{`id="s"."id"`}},
		{"expression is no key", "t.id = s.id + 1", nil},
		{"target to target", "t.id = t.p", nil},
		{"unknown column", "t.nope = s.id", nil},
		{"unqualified", "id = s.id", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &mergeStmt{ns: "mk", name: "t", alias: "t", source: "src", salias: "s", on: tc.on}
			var got []string
			for _, k := range mergeKeys(m, tbl.Schema()) {
				got = append(got, k.field.Name+"="+k.src)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("mergeKeys(%q) = %q, want %q", tc.on, got, tc.want)
			}
		})
	}
}

// TestMergeKeyFilterPrunes plans a partitioned target with the filter the
// source's keys give and checks which files are left.
func TestMergeKeyFilterPrunes(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.mp;
CREATE TABLE lake.mp.t (id BIGINT, p INTEGER, name VARCHAR, d DATE) PARTITIONED BY (p)`)
	// One file per partition p = 0..3, ids 100p .. 100p+99.
	for p := range 4 {
		f.exec(fmt.Sprintf("INSERT INTO lake.mp.t SELECT 100*%d + i, %d, 'n' || (100*%d + i), DATE '2020-01-01' + %d FROM range(100) r(i)", p, p, p, p))
	}
	tbl, err := f.wh.Table(f.ctx, "mp", "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, source, on string
		want             int // files planned
	}{
		{"partition key", "SELECT 2 AS p, 5 AS id", "t.p = s.p", 1},
		{"two partitions", "SELECT * FROM (VALUES (1), (3)) v(p)", "t.p = s.p", 2},
		{"id range", "SELECT 150 AS id UNION ALL SELECT 260", "t.id = s.id", 2},
		{"new ids only", "SELECT 1000 + i AS id FROM range(10) r(i)", "t.id = s.id", 0},
		{"no non-NULL key", "SELECT NULL::BIGINT AS id", "t.id = s.id", 0},
		{"empty source", "SELECT 1::BIGINT AS id WHERE false", "t.id = s.id", 0},
		{"string key", "SELECT 'n301' AS name", "t.name = s.name", 2}, // n0..n99 and n300..n399 hold it by bounds
		{"date key", "SELECT DATE '2020-01-02' AS d", "t.d = s.d", 1},
		{"key out of the column's range", "SELECT 5000000000 AS p", "t.p = s.p", 4},
		{"double key does not prune", "SELECT 2.0::DOUBLE AS p", "t.p = s.p", 4},
		{"OR does not prune", "SELECT 2 AS p, 5 AS id", "t.p = s.p OR t.id = s.id", 4},
		{"keys combine", "SELECT 2 AS p, 5 AS id", "t.p = s.p AND t.id = s.id", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &mergeStmt{ns: "mp", name: "t", alias: "t", source: "(" + tc.source + ")", salias: "s", on: tc.on}
			filter, err := f.s.mergeKeyFilter(f.ctx, tbl, m)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := tbl.PlanScan(f.ctx, engine.ScanOptions{Filter: filter})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(plan.Tasks); got != tc.want {
				t.Errorf("filter %v plans %d files, want %d", filter, got, tc.want)
			}
		})
	}
}

// TestMergePrunedMatchesDuckDB runs MERGEs whose targets are pruned by the
// source's keys on lake tables in both write modes and on a DuckDB table
// with the same rows: the tables stay equal after every statement.
func TestMergePrunedMatchesDuckDB(t *testing.T) {
	f := openLake(t)
	f.exec("CREATE SCHEMA lake.mx")
	const cols = "id BIGINT, p INTEGER, name VARCHAR, d DATE, v INTEGER"
	f.exec("CREATE TABLE ref (" + cols + ")")
	f.exec("INSERT INTO ref SELECT i, (i % 5)::INTEGER, 'n' || i, DATE '2020-01-01' + (i % 7)::INTEGER, i FROM range(1000) r(i)")
	tables := []string{"ref"}
	for _, tc := range []struct{ name, props string }{
		{"mor", "'format-version'='3', 'write.merge.mode'='merge-on-read'"},
		{"cow", "'format-version'='3', 'write.merge.mode'='copy-on-write'"},
		{"v2mor", "'format-version'='2', 'write.merge.mode'='merge-on-read'"},
	} {
		name := "lake.mx." + tc.name
		f.exec("CREATE TABLE " + name + " (" + cols + ") PARTITIONED BY (p) TBLPROPERTIES (" + tc.props + ")")
		f.exec("INSERT INTO " + name + " SELECT * FROM ref")
		tables = append(tables, name)
	}
	checksum := func(table string) string {
		return fmt.Sprint(f.rows("SELECT count(*), coalesce(sum(hash(id, p, name, d, v)), 0)::VARCHAR FROM " + table)[0]...)
	}
	for _, tc := range []struct{ name, source, on, then string }{
		{"upsert one partition", "SELECT id, p, name || '!' AS name, d, v + 1 AS v FROM ref WHERE p = 2 AND id < 300 UNION ALL SELECT 5000, 2, 'new', DATE '2021-01-01', 0",
			"t.id = s.id AND t.p = s.p", "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"},
		{"insert new keys", "SELECT 6000 + i AS id, (i % 5)::INTEGER AS p, 'x' AS name, DATE '2022-01-01' AS d, i::INTEGER AS v FROM range(20) r(i)",
			"t.id = s.id AND t.p = s.p", "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"},
		{"NULL keys insert", "SELECT NULL::BIGINT AS id, 1 AS p, 'null' AS name, NULL::DATE AS d, 7 AS v",
			"t.id = s.id AND t.p = s.p", "WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT *"},
		{"delete by string key", "SELECT name FROM ref WHERE id BETWEEN 400 AND 420",
			"t.name = s.name", "WHEN MATCHED THEN DELETE"},
		{"update by date key and condition", "SELECT DATE '2020-01-03' AS d",
			"t.d = s.d AND t.v > 500", "WHEN MATCHED THEN UPDATE SET v = t.v * 2"},
		{"delete a whole partition", "SELECT id, p FROM ref WHERE p = 4",
			"t.id = s.id AND t.p = s.p", "WHEN MATCHED THEN DELETE"},
		{"not matched by source", "SELECT id FROM ref WHERE id < 100",
			"t.id = s.id", "WHEN MATCHED THEN UPDATE SET v = 0 WHEN NOT MATCHED BY SOURCE AND t.id > 900 THEN DELETE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.exec("CREATE OR REPLACE TABLE merge_src AS " + tc.source)
			for _, table := range tables {
				f.exec(fmt.Sprintf("MERGE INTO %s AS t USING merge_src AS s ON %s %s", table, tc.on, tc.then))
			}
			want := checksum("ref")
			for _, table := range tables[1:] {
				if got := checksum(table); got != want {
					t.Errorf("%s holds %s (rows, checksum), DuckDB %s", strings.TrimPrefix(table, "lake.mx."), got, want)
				}
			}
		})
	}
}
