package lakesql

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// warehouseState is what a failed DDL statement must leave as it was: the
// catalog's schemas and tables, and every file and directory in and next
// to the warehouse directory.
type warehouseState struct {
	Catalog []string
	Files   []string
}

func (f *lakeFixture) state() warehouseState {
	f.t.Helper()
	var st warehouseState
	nss, err := f.wh.Namespaces(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, ns := range nss {
		st.Catalog = append(st.Catalog, ns)
		tables, err := f.wh.Tables(f.ctx, ns)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, tb := range tables {
			st.Catalog = append(st.Catalog, ns+"."+tb)
		}
	}
	// The parent too: a name like "../x" would write beside the warehouse.
	root := filepath.Dir(f.dir)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		base := filepath.Base(p)
		if strings.HasPrefix(base, engine.CatalogFile) || base == ".locks" && d.IsDir() {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		st.Files = append(st.Files, rel)
		return nil
	})
	slices.Sort(st.Files)
	return st
}

// TestFailedDDLLeavesNoTrace: a CREATE TABLE, CREATE TABLE AS, CREATE
// SCHEMA or register_table that fails leaves the catalog and the
// warehouse's files exactly as they were, whether the name is refused up
// front or a later step fails.
func TestFailedDDLLeavesNoTrace(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.t; CREATE TABLE lake.t.keep (a INT); INSERT INTO lake.t.keep VALUES (1)`)
	meta, _ := engine.LocalPath(f.table("t", "keep").MetadataLocation())
	// A DuckDB object in the way makes defining the table's view fail after
	// the Iceberg table exists: the failure the rollback must undo.
	if _, err := f.s.Conn().ExecContext(f.ctx, `CREATE TABLE lake.t.clash (x INT)`); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 300)

	for _, tc := range []struct {
		name, sql string
		sentinel  error
		frag      []string
	}{
		{"table name not UTF-8", "CREATE TABLE lake.t.\"bad\xc3\x28\" (a INT)", engine.ErrInvalidName, []string{"not valid UTF-8"}},
		{"ctas name not UTF-8", "CREATE TABLE lake.t.\"bad\xc3\x28\" AS SELECT 1 AS a", engine.ErrInvalidName, []string{"not valid UTF-8"}},
		{"table name with a slash", `CREATE TABLE lake.t."a/b" (a INT)`, engine.ErrInvalidName, []string{`"a/b"`}},
		{"table name with a backslash", `CREATE TABLE lake.t."a\b" (a INT)`, engine.ErrInvalidName, []string{`"a\\b"`}},
		{"table name dot dot", `CREATE TABLE lake.t.".." (a INT)`, engine.ErrInvalidName, []string{`".."`}},
		{"table name escapes", `CREATE TABLE lake.t."../../escape" (a INT)`, engine.ErrInvalidName, []string{`"../../escape"`}},
		{"table name with a control character", "CREATE TABLE lake.t.\"a\x01\" (a INT)", engine.ErrInvalidName, []string{"control"}},
		{"table name too long", `CREATE TABLE lake.t.` + long + ` (a INT)`, engine.ErrInvalidName, []string{"300 bytes"}},
		{"schema escapes", `CREATE SCHEMA lake."../../escape"`, engine.ErrInvalidName, []string{`"../../escape"`}},
		{"schema absolute", `CREATE SCHEMA lake."/abs"`, engine.ErrInvalidName, []string{`"/abs"`}},
		{"schema if not exists escapes", `CREATE SCHEMA IF NOT EXISTS lake."../up"`, engine.ErrInvalidName, []string{`"../up"`}},
		{"schema not UTF-8", "CREATE SCHEMA lake.\"bad\xc3\x28\"", engine.ErrInvalidName, []string{"not valid UTF-8"}},
		{"schema dot", `CREATE SCHEMA lake."."`, engine.ErrInvalidName, []string{`"."`}},
		{"schema too long", `CREATE SCHEMA lake.` + long, engine.ErrInvalidName, []string{"300 bytes"}},
		{"register into a bad schema", `CALL register_table('/abs.t', '` + meta + `')`, engine.ErrInvalidName, []string{`"/abs"`}},
		{"register a bad name", "CALL register_table('t.bad\xc3\x28', '" + meta + "')", engine.ErrInvalidName, []string{"not valid UTF-8"}},
		{"view cannot be defined", `CREATE TABLE lake.t.clash (a INT)`, nil, []string{"lake.t.clash", "Existing object clash"}},
		{"ctas view cannot be defined", `CREATE TABLE lake.t.clash AS SELECT 1 AS a`, nil, []string{"lake.t.clash", "Existing object clash"}},
		{"ctas query fails while writing", `CREATE TABLE lake.t.mid AS SELECT r, CASE WHEN r = 700 THEN error('boom') ELSE r END AS v FROM range(1000) t(r)`, nil, []string{"boom"}},
		{"ctas partitioned query fails", `CREATE TABLE lake.t.mid PARTITIONED BY (k) AS SELECT CASE WHEN r = 900 THEN error('late') ELSE r % 7 END AS k FROM range(1000) t(r)`, nil, []string{"late"}},
		{"register fails to define its view", `CALL register_table('t.clash', '` + meta + `')`, nil, []string{"lake.t.clash", "Existing object clash"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.state()
			wantErr(t, f.fails(tc.sql), tc.sentinel, tc.frag...)
			if diff := cmp.Diff(before, f.state()); diff != "" {
				t.Errorf("the failed statement left a trace (-before +after):\n%s", diff)
			}
		})
	}
	diffRows(t, "the other table", [][]string{{"1"}}, f.strings(`SELECT * FROM lake.t.keep`))
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(f.dir)), "escape.db")); err == nil {
		t.Errorf("a table was written outside the warehouse")
	}
}
