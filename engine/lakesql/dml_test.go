package lakesql

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// TestRowChangesMatchDuckDB applies random sequences of INSERT, DELETE,
// UPDATE and MERGE to a lake table and to a plain DuckDB table, and checks
// after every statement that both hold the same rows, in every write mode
// and both format versions, partitioned and not, and with a partition spec
// that evolves part-way through (so deletes and rewrites meet data files of
// three specs).
func TestRowChangesMatchDuckDB(t *testing.T) {
	modes := []struct {
		name  string
		props string
	}{
		{"v3-merge-on-read", "'format-version'='3'"},
		{"v2-merge-on-read", "'format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read'"},
		{"v2-copy-on-write", "'format-version'='2', 'write.delete.mode'='copy-on-write', 'write.update.mode'='copy-on-write', 'write.merge.mode'='copy-on-write'"},
		{"v3-copy-on-write", "'format-version'='3', 'write.delete.mode'='copy-on-write', 'write.update.mode'='copy-on-write', 'write.merge.mode'='copy-on-write'"},
		// Deletion vectors applied through the position table, not ranges.
		{"v3-merge-on-read-dv-table", "'format-version'='3'"},
		// Deletion vectors applied as an anti-join on deleted positions.
		{"v3-merge-on-read-dv-keys", "'format-version'='3'"},
	}
	for _, mode := range modes {
		for _, part := range []string{"", "PARTITIONED BY (grp)", "evolving"} {
			name := mode.name
			// The evolving table starts partitioned by grp, adds
			// bucket(3, id) after step 4 and drops grp after step 9.
			evolve := map[int]string{}
			switch part {
			case "PARTITIONED BY (grp)":
				name += "-partitioned"
			case "evolving":
				if strings.HasSuffix(mode.name, "dv-table") {
					continue // a read-path variant; the spec changes nothing in it
				}
				name += "-evolving-spec"
				part = "PARTITIONED BY (grp)"
				evolve[5] = "ALTER TABLE lake.p.t ADD PARTITION FIELD bucket(3, id)"
				evolve[10] = "ALTER TABLE lake.p.t DROP PARTITION FIELD grp"
			}
			t.Run(name, func(t *testing.T) {
				if strings.HasSuffix(mode.name, "dv-table") || strings.HasSuffix(mode.name, "dv-keys") {
					defer func(n int) { maxInlineRuns = n }(maxInlineRuns)
					maxInlineRuns = 0
				}
				if strings.HasSuffix(mode.name, "dv-keys") {
					defer func(d float64) { dvWordsMinDensity = d }(dvWordsMinDensity)
					dvWordsMinDensity = math.Inf(1)
				} else if strings.HasSuffix(mode.name, "dv-table") {
					defer func(d float64) { dvWordsMinDensity = d }(dvWordsMinDensity)
					dvWordsMinDensity = 0
				}
				ctx := context.Background()
				f := openLake(t)
				s, wh := f.s, f.wh
				mustExec(t, s, "CREATE SCHEMA lake.p; CREATE TABLE lake.p.t (id INTEGER, val VARCHAR, grp INTEGER) "+part+" TBLPROPERTIES ("+mode.props+"); CREATE TABLE ref (id INTEGER, val VARCHAR, grp INTEGER)")
				rng := rand.New(rand.NewPCG(42, uint64(len(name))))
				next := 0
				for step := range 15 {
					if ddl, ok := evolve[step]; ok {
						mustExec(t, s, ddl)
					}
					stmt := randomChange(rng, &next)
					for _, target := range []string{"lake.p.t", "ref"} {
						if err := s.Exec(ctx, strings.ReplaceAll(stmt, "TARGET", target)); err != nil {
							t.Fatalf("step %d on %s: %v", step, target, err)
						}
					}
					got := mustRows(t, s, "SELECT * FROM lake.p.t ORDER BY ALL")
					want := mustRows(t, s, "SELECT * FROM ref ORDER BY ALL")
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("step %d: %s\nlake table differs from DuckDB (-want +got):\n%s", step, stmt, diff)
					}
				}
				// iceberg-go's own reader applies floe's deletion vectors and
				// position deletes identically.
				tbl, err := wh.Table(ctx, "p", "t")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(floeRows(t, f, "SELECT * FROM lake.p.t"), icebergRows(t, f, tbl, nil)); diff != "" {
					t.Errorf("iceberg-go reads the table differently (-floe +iceberg-go):\n%s", diff)
				}
				if len(evolve) > 0 {
					// Files of all three specs remain, and every delete file
					// carries the spec and partition of the file it references.
					if got := mustRows(t, s, `SELECT count(DISTINCT spec_id) FROM lake.p."t$files"`)[0][0].(int64); got < 2 {
						t.Errorf("data files of %d specs, want files of the old specs too", got)
					}
					bad := mustRows(t, s, `SELECT d.file_path, d.spec_id, f.spec_id FROM lake.p."t$delete_files" d JOIN lake.p."t$files" f
						ON f.file_path = d.referenced_data_file WHERE d.spec_id <> f.spec_id OR d.partition <> f.partition`)
					if len(bad) > 0 {
						t.Errorf("delete files whose spec or partition differs from their data file's: %v", bad)
					}
				}
				if mode.props[17] == '3' && strings.Contains(mode.name, "merge-on-read") {
					// Exactly one deletion vector per data file.
					rows := mustRows(t, s, `SELECT referenced_data_file, count(*) FROM lake.p."t$delete_files" GROUP BY 1 HAVING count(*) > 1`)
					if len(rows) > 0 {
						t.Errorf("data files with more than one DV: %v", rows)
					}
				}
			})
		}
	}
}

// randomChange returns a statement on TARGET.
func randomChange(rng *rand.Rand, next *int) string {
	switch rng.IntN(5) {
	case 0, 1:
		n := 1 + rng.IntN(40)
		stmt := fmt.Sprintf("INSERT INTO TARGET SELECT i, 'v' || i, i %% 4 FROM range(%d, %d) r(i)", *next, *next+n)
		*next += n
		return stmt
	case 2:
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf("DELETE FROM TARGET WHERE id %% %d = %d", 2+rng.IntN(5), rng.IntN(2))
		case 1:
			return fmt.Sprintf("DELETE FROM TARGET WHERE grp = %d", rng.IntN(4))
		default:
			a := rng.IntN(*next + 1)
			return fmt.Sprintf("DELETE FROM TARGET WHERE id BETWEEN %d AND %d", a, a+rng.IntN(20))
		}
	case 3:
		return fmt.Sprintf("UPDATE TARGET SET val = val || 'u', grp = (grp + 1) %% 4 WHERE id %% %d = %d", 2+rng.IntN(4), rng.IntN(2))
	default:
		a := rng.IntN(*next + 1)
		b := a + 1 + rng.IntN(30)
		if b > *next {
			*next = b
		}
		bySource := ""
		if rng.IntN(2) == 0 {
			bySource = fmt.Sprintf("\n\t\t\tWHEN NOT MATCHED BY SOURCE AND t.id %% 5 = %d THEN DELETE", rng.IntN(5))
		}
		return fmt.Sprintf(`MERGE INTO TARGET AS t USING (SELECT i AS id, 'm' || i AS val, i %% 3 AS grp FROM range(%d, %d) r(i)) AS s ON t.id = s.id
			WHEN MATCHED AND s.id %% 3 = 0 THEN DELETE
			WHEN MATCHED THEN UPDATE SET val = s.val, grp = s.grp
			WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.val, s.grp)`, a, b) + bySource
	}
}

func mustExec(t *testing.T, s *Session, q string) {
	t.Helper()
	if err := s.Exec(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

func mustRows(t *testing.T, s *Session, q string) [][]any {
	t.Helper()
	rows, err := s.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	data, err := rows.All()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRewriteDataFiles compacts tables with deletes in every mode: the
// contents stay, no delete file is left and small files are packed. The
// UPDATE's coalescing (merge-on-read v3) is off here: it would pack the
// small files itself, leaving rewrite_data_files nothing to do.
func TestRewriteDataFiles(t *testing.T) {
	defer func(n int) { coalesceMinFiles = n }(coalesceMinFiles)
	coalesceMinFiles = 0
	for _, props := range []string{
		"'format-version'='3'",
		"'format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read'",
		"'format-version'='2'",
	} {
		t.Run(props, func(t *testing.T) {
			s := openLake(t).s
			mustExec(t, s, `CREATE SCHEMA lake.m; CREATE TABLE lake.m.t (id INTEGER, g INTEGER) TBLPROPERTIES (`+props+`);
				INSERT INTO lake.m.t SELECT i, i % 3 FROM range(0, 100) r(i);
				INSERT INTO lake.m.t SELECT i, i % 3 FROM range(100, 200) r(i);
				INSERT INTO lake.m.t SELECT i, i % 3 FROM range(200, 300) r(i);
				DELETE FROM lake.m.t WHERE id % 7 = 0;
				UPDATE lake.m.t SET g = g + 10 WHERE id % 11 = 0`)
			before := mustRows(t, s, "SELECT * FROM lake.m.t ORDER BY ALL")
			res := mustRows(t, s, "CALL rewrite_data_files('m.t', options => map(['min-input-files', 'delete-file-threshold'], ['2', '1']))")
			if res[0][0].(int32) < 2 {
				t.Errorf("rewrote %v files, want the small files packed", res[0][0])
			}
			after := mustRows(t, s, "SELECT * FROM lake.m.t ORDER BY ALL")
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("rewrite changed the rows (-before +after):\n%s", diff)
			}
			if n := mustRows(t, s, `SELECT count(*) FROM lake.m."t$delete_files"`)[0][0].(int64); n != 0 {
				t.Errorf("%d delete files left after rewrite_data_files", n)
			}
			if n := mustRows(t, s, `SELECT count(*) FROM lake.m."t$files"`)[0][0].(int64); n != 1 {
				t.Errorf("%d data files after packing, want 1", n)
			}
		})
	}
}

// TestEqualityDeletes reads a table with an equality-delete file as a
// streaming writer leaves it: matching rows of older files are gone, rows
// written after the delete stay.
func TestEqualityDeletes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustExec(t, s, "CREATE SCHEMA lake.e; CREATE TABLE lake.e.t (id INTEGER, name VARCHAR) TBLPROPERTIES ('format-version'='2'); INSERT INTO lake.e.t SELECT i, 'old' FROM range(10) r(i)")
	tbl, err := wh.Table(ctx, "e", "t")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := tbl.Schema().FindFieldByName("id")
	path := dir + "/eq-deletes.parquet"
	mustExec(t, s, fmt.Sprintf("COPY (SELECT * FROM (VALUES (1), (2), (3)) v(id)) TO '%s' (FORMAT parquet, FIELD_IDS {id: %d})", path, id.ID))
	if _, err := tbl.AddEqualityDeletes(ctx, path, 3, []int{id.ID}, nil); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "INSERT INTO lake.e.t VALUES (1, 'new')")
	got := mustRows(t, s, "SELECT id, name FROM lake.e.t ORDER BY id, name")
	want := [][]any{{int32(0), "old"}, {int32(1), "new"}}
	for i := int32(4); i < 10; i++ {
		want = append(want, []any{i, "old"})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("equality deletes applied wrongly (-want +got):\n%s", diff)
	}
	// DML on top of equality deletes addresses the surviving rows.
	mustExec(t, s, "DELETE FROM lake.e.t WHERE id = 4")
	if n := mustRows(t, s, "SELECT count(*) FROM lake.e.t")[0][0].(int64); n != 7 {
		t.Errorf("after delete: %d rows, want 7", n)
	}
}

// TestDeleteRunsAfterUpgrade deletes from one data file of a v2 table with
// a position-delete file, then, after the upgrade to v3, by contiguous and
// scattered predicates (deletion vectors built from runs and from lists),
// over rows deleted before, and finally every remaining row of a file.
func TestDeleteRunsAfterUpgrade(t *testing.T) {
	f := openLake(t)
	s, wh, ctx := f.s, f.wh, f.ctx
	mustExec(t, s, `CREATE SCHEMA lake.u; CREATE TABLE lake.u.t (id INTEGER, g INTEGER)
		TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read');
		CREATE TABLE ref (id INTEGER, g INTEGER);
		INSERT INTO lake.u.t SELECT i, i % 5 FROM range(0, 1000) r(i);
		INSERT INTO lake.u.t SELECT i, i % 5 FROM range(1000, 1100) r(i);
		INSERT INTO ref SELECT i, i % 5 FROM range(0, 1100) r(i)`)
	for i, stmt := range []string{
		"DELETE FROM TARGET WHERE id BETWEEN 100 AND 199",
		"ALTER TABLE lake.u.t SET TBLPROPERTIES ('format-version'='3')",
		"DELETE FROM TARGET WHERE id >= 150 AND id < 300",
		"DELETE FROM TARGET WHERE g = 3 AND id < 600",
		"DELETE FROM TARGET WHERE id >= 250 AND id < 700",
		"DELETE FROM TARGET WHERE id = 999 OR id = 0 -- a trailing comment",
		"DELETE FROM TARGET WHERE id >= 1000",
	} {
		for _, target := range []string{"lake.u.t", "ref"} {
			if target == "ref" && !strings.Contains(stmt, "TARGET") {
				continue
			}
			rows, err := s.Query(ctx, strings.ReplaceAll(stmt, "TARGET", target))
			if err != nil {
				t.Fatalf("step %d on %s: %v", i, target, err)
			}
			if _, err := rows.All(); err != nil {
				t.Fatal(err)
			}
		}
		got := mustRows(t, s, "SELECT * FROM lake.u.t ORDER BY ALL")
		want := mustRows(t, s, "SELECT * FROM ref ORDER BY ALL")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("step %d: %s\nlake table differs from DuckDB (-want +got):\n%s", i, stmt, diff)
		}
		tbl, err := wh.Table(ctx, "u", "t")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(floeRows(t, f, "SELECT * FROM lake.u.t"), icebergRows(t, f, tbl, nil)); diff != "" {
			t.Fatalf("step %d: iceberg-go reads the table differently (-floe +iceberg-go):\n%s", i, diff)
		}
	}
	// The DELETE's count is of rows it deleted, not of rows deleted before.
	n := mustRows(t, s, "DELETE FROM lake.u.t WHERE id >= 500 AND id < 800")
	if got := fmt.Sprint(n[0][0]); got != "100" {
		t.Errorf("DELETE over rows deleted before reported %s rows, want 100", got)
	}
	if n := mustRows(t, s, `SELECT count(*) FROM lake.u."t$files"`)[0][0].(int64); n != 1 {
		t.Errorf("%d data files, want the file all of whose rows were deleted dropped", n)
	}
	if rows := mustRows(t, s, `SELECT referenced_data_file, count(*) FROM lake.u."t$delete_files" WHERE file_format = 'PUFFIN' GROUP BY 1 HAVING count(*) > 1`); len(rows) > 0 {
		t.Errorf("data files with more than one DV: %v", rows)
	}
}
