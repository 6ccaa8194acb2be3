package kernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestRunChanged runs cells that commit, and cells that do not, on one
// session and checks what each result says changed in the catalog.
func TestRunChanged(t *testing.T) {
	wh := emptyWarehouse(t)
	s := openSession(t, wh, kernel.Options{})
	other := openSession(t, wh, kernel.Options{}) // another writer of the warehouse
	ctx := context.Background()
	steps := []struct {
		name  string
		lang  string
		src   string
		other string // run first on the other session, not through a cell
		want  []string
	}{
		{"create schema and table", "sql", "CREATE SCHEMA lake.demo; CREATE TABLE lake.demo.t (id INTEGER) TBLPROPERTIES ('write.delete.mode'='merge-on-read')",
			"", []string{"created schema lake.demo", "created lake.demo.t"}},
		{"a read changes nothing", "sql", "SELECT count(*) FROM lake.demo.t", "", nil},
		{"insert", "sql", "INSERT INTO lake.demo.t VALUES (1), (2), (4)", "", []string{"committed lake.demo.t"}},
		{"update", "sql", "UPDATE lake.demo.t SET id = 3 WHERE id = 2", "", []string{"committed lake.demo.t"}},
		{"delete", "sql", "DELETE FROM lake.demo.t WHERE id = 1", "", []string{"committed lake.demo.t"}},
		{"call", "sql", "CALL rewrite_data_files('demo.t')", "", []string{"committed lake.demo.t"}},
		{"alter", "sql", "ALTER TABLE lake.demo.t ADD COLUMN name VARCHAR", "", []string{"committed lake.demo.t"}},
		{"go cell", "go", `floe.SQL("CREATE TABLE lake.demo.u AS SELECT 1 AS x")`, "", []string{"created lake.demo.u"}},
		{"failed statement after a commit", "sql", "DROP TABLE lake.demo.u PURGE; SELECT * FROM nope", "", []string{"dropped lake.demo.u"}},
		// A commit made before the cell ran is not the cell's change (the
		// workbench's poll finds it).
		{"another session's earlier commit", "sql", "SELECT count(*) FROM lake.demo.t",
			"INSERT INTO lake.demo.t VALUES (7, 'x')", nil},
		{"drop schema", "sql", "DROP SCHEMA lake.demo CASCADE", "", []string{"dropped schema lake.demo", "dropped lake.demo.t"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.other != "" {
				if err := other.SQL().Exec(ctx, st.other); err != nil {
					t.Fatal(err)
				}
			}
			c := &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: st.lang, Source: st.src}
			r := s.Run(ctx, c)
			if r.Status == kernel.Failed && !strings.Contains(st.name, "failed") {
				t.Fatalf("cell failed: %v", r.Err)
			}
			var got []string
			for _, ch := range r.Changed {
				got = append(got, ch.String())
			}
			if d := cmp.Diff(st.want, got); d != "" {
				t.Errorf("changed (-want +got):\n%s", d)
			}
		})
	}
}
