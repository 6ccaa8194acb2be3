package engine_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// eqRow is a row of the equality-delete scan tests' tables (id BIGINT,
// k VARCHAR, part INTEGER); k nil is NULL.
type eqRow struct {
	id   int64
	k    *string
	part int32
}

func (r eqRow) String() string {
	k := "NULL"
	if r.k != nil {
		k = *r.k
	}
	return fmt.Sprintf("%d|%s|%d", r.id, k, r.part)
}

func str(s string) *string { return &s }

// eqStep is one commit: rows appended (one data file per partition) and,
// with on set, an equality delete of keys on those columns, in partition
// part when the table is partitioned.
type eqStep struct {
	add  []eqRow
	on   []string
	keys [][]any // values of on's columns; nil is NULL
	part int32
	// pruned: the delete's key bounds miss every data file's, so the
	// plan must not attach it to any.
	pruned bool
}

// eqModel evaluates the steps by brute force: a row added by commit i is
// deleted by an equality delete of commit j when j > i, the delete's
// partition is the row's (or the table is unpartitioned) and every
// column of the delete equals the row's, NULL equal to NULL.
func eqModel(steps []eqStep, partitioned bool) []string {
	type live struct {
		row    eqRow
		commit int
	}
	var rows []live
	for i, s := range steps {
		for _, r := range s.add {
			rows = append(rows, live{r, i})
		}
	}
	var out []string
	for _, r := range rows {
		deleted := false
		for j := r.commit + 1; j < len(steps) && !deleted; j++ {
			s := steps[j]
			if len(s.on) == 0 || partitioned && s.part != r.row.part {
				continue
			}
			for _, key := range s.keys {
				match := true
				for c, col := range s.on {
					var v any
					switch col {
					case "id":
						v = r.row.id
					case "k":
						if r.row.k != nil {
							v = *r.row.k
						}
					case "part":
						v = r.row.part
					}
					if fmt.Sprint(v) != fmt.Sprint(key[c]) {
						match = false
						break
					}
				}
				if match {
					deleted = true
					break
				}
			}
		}
		if !deleted {
			out = append(out, r.row.String())
		}
	}
	slices.Sort(out)
	return out
}

// sqlLiteral renders v for the equality-delete tests' VALUES lists.
func sqlLiteral(v any, typ string) string {
	switch v := v.(type) {
	case nil:
		return "NULL::" + typ
	case string:
		return engine.QuoteString(v) + "::" + typ
	default:
		return fmt.Sprintf("%v::%s", v, typ)
	}
}

// TestEqualityDeleteScan checks scans of format v2 tables with equality
// deletes against a brute-force evaluation of the spec after every
// commit: deletes apply only to data files of strictly older commits, in
// their own partition unless the spec is unpartitioned, with several
// delete schemas at once, NULL keys matching NULL, rows re-inserted after
// their delete (and in the delete's own commit) kept, and deletes whose
// keys no data file's bounds can hold.
func TestEqualityDeleteScan(t *testing.T) {
	base := func(part int32, ids ...int64) []eqRow {
		var out []eqRow
		for _, id := range ids {
			out = append(out, eqRow{id, str(fmt.Sprintf("k%d", id%3)), part})
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		partitioned bool
		steps       []eqStep
	}{
		{
			name: "upsert stream, re-inserted after delete",
			steps: []eqStep{
				{add: base(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)},
				// An upsert: the delete and the new rows in one commit; the
				// new rows stay.
				{add: []eqRow{{1, str("new"), 0}, {2, str("new"), 0}}, on: []string{"id"}, keys: [][]any{{1}, {2}}},
				// Deletes both older versions of 2.
				{on: []string{"id"}, keys: [][]any{{2}, {5}}},
				// Re-inserted after its delete: stays.
				{add: []eqRow{{2, str("again"), 0}, {5, nil, 0}}},
				{add: []eqRow{{3, str("up"), 0}}, on: []string{"id"}, keys: [][]any{{3}}},
				// Keys beyond every data file's bounds delete nothing.
				{on: []string{"id"}, keys: [][]any{{100}, {200}}, pruned: true},
				{add: base(0, 10, 11)},
				{on: []string{"id"}, keys: [][]any{{10}, {2}}},
			},
		},
		{
			name: "several delete schemas and NULL keys",
			steps: []eqStep{
				{add: append(base(0, 0, 1, 2, 3, 4, 5), eqRow{6, nil, 0}, eqRow{7, nil, 0})},
				{on: []string{"k"}, keys: [][]any{{"k1"}}},
				{add: []eqRow{{1, str("k1"), 0}, {8, nil, 0}}, on: []string{"id", "k"}, keys: [][]any{{2, "k2"}, {3, "k2"}, {6, nil}}},
				// NULL matches NULL: 7 and 8 go (6 went already), not the rest.
				{on: []string{"k"}, keys: [][]any{{nil}}},
				{add: []eqRow{{9, nil, 0}}, on: []string{"id"}, keys: [][]any{{0}, {9}}},
				{on: []string{"k", "id"}, keys: [][]any{{"k1", 1}}},
			},
		},
		{
			name:        "partitioned: deletes stay in their partition",
			partitioned: true,
			steps: []eqStep{
				{add: append(base(1, 0, 1, 2, 3), base(2, 0, 1, 2, 3)...)},
				{add: []eqRow{{1, str("p1"), 1}}, on: []string{"id"}, keys: [][]any{{1}, {2}}, part: 1},
				{on: []string{"id"}, keys: [][]any{{3}}, part: 2},
				// A partition with no data.
				{on: []string{"id"}, keys: [][]any{{0}}, part: 9},
				{add: base(2, 3), on: []string{"k"}, keys: [][]any{{"k0"}}, part: 2},
				{on: []string{"id", "k"}, keys: [][]any{{1, "p1"}, {3, "k0"}}, part: 1},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			wh := openWarehouse(t, t.TempDir())
			if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
				t.Fatal(err)
			}
			opts := engine.CreateOptions{
				Columns:    []engine.Column{{Name: "id", Type: "BIGINT"}, {Name: "k", Type: "VARCHAR"}, {Name: "part", Type: "INTEGER"}},
				Properties: map[string]string{engine.PropFormatVersion: "2"},
			}
			if tc.partitioned {
				opts.Partition = []engine.PartitionTerm{{Column: "part", Transform: "identity"}}
			}
			tbl, err := wh.CreateTable(ctx, "ns", "t", opts)
			if err != nil {
				t.Fatal(err)
			}
			dir, err := tbl.DataDir()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("duckdb", "")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			types := map[string]string{"id": "BIGINT", "k": "VARCHAR", "part": "INTEGER"}
			for i, step := range tc.steps {
				var delta engine.EqualityDelta
				parts := map[int32][]eqRow{}
				for _, r := range step.add {
					parts[r.part] = append(parts[r.part], r)
				}
				for part, rows := range parts {
					var vals []string
					for _, r := range rows {
						var k any
						if r.k != nil {
							k = *r.k
						}
						vals = append(vals, fmt.Sprintf("(%s, %s, %s)", sqlLiteral(r.id, "BIGINT"), sqlLiteral(k, "VARCHAR"), sqlLiteral(r.part, "INTEGER")))
					}
					f := writeParquet(t, tbl, dir, fmt.Sprintf("d%d-%d.parquet", i, part),
						"SELECT * FROM (VALUES "+strings.Join(vals, ", ")+") v(id, k, part)")
					w := engine.WrittenFile{Path: f}
					if tc.partitioned {
						w.Partition = []any{part}
					}
					delta.AddedData = append(delta.AddedData, w)
				}
				if len(step.on) > 0 {
					var fields []iceberg.NestedField
					for _, c := range step.on {
						f, ok := tbl.Schema().FindFieldByName(c)
						if !ok {
							t.Fatalf("no column %s", c)
						}
						fields = append(fields, f)
						delta.FieldIDs = append(delta.FieldIDs, f.ID)
					}
					var vals []string
					for _, key := range step.keys {
						lits := make([]string, len(key))
						for c, v := range key {
							lits[c] = sqlLiteral(v, types[step.on[c]])
						}
						vals = append(vals, "("+strings.Join(lits, ", ")+")")
					}
					delta.DeletePath = filepath.Join(dir, fmt.Sprintf("eq%d.parquet", i))
					q := fmt.Sprintf("COPY (SELECT * FROM (VALUES %s) v(%s)) TO %s (FORMAT parquet, FIELD_IDS %s)",
						strings.Join(vals, ", "), strings.Join(step.on, ", "), engine.QuoteString(delta.DeletePath),
						engine.FieldIDsClause(iceberg.NewSchema(0, fields...)))
					if _, err := db.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
					delta.Rows = int64(len(step.keys))
					if tc.partitioned {
						delta.DeletePartition = []any{step.part}
					}
				}
				if tbl, err = tbl.CommitEqualityDelta(ctx, delta, nil); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				plan, err := tbl.PlanScan(ctx, engine.ScanOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for j, s := range tc.steps[:i+1] {
					if !s.pruned {
						continue
					}
					name := fmt.Sprintf("eq%d.parquet", j)
					for _, task := range plan.Tasks {
						for _, e := range task.EqualityDeleteFiles {
							if strings.HasSuffix(e.FilePath(), "/"+name) {
								t.Errorf("after step %d: the plan applies %s, whose keys no data file's bounds hold, to %s", i, name, task.File.FilePath())
							}
						}
					}
				}
				q, err := plan.SQL()
				if err != nil {
					t.Fatal(err)
				}
				rs, err := db.Query("SELECT id, k, part FROM (" + q + ")")
				if err != nil {
					t.Fatalf("step %d: %v\n%s", i, err, q)
				}
				var got []string
				for rs.Next() {
					var r eqRow
					var k sql.NullString
					if err := rs.Scan(&r.id, &k, &r.part); err != nil {
						t.Fatal(err)
					}
					if k.Valid {
						r.k = &k.String
					}
					got = append(got, r.String())
				}
				if err := rs.Err(); err != nil {
					t.Fatal(err)
				}
				rs.Close()
				slices.Sort(got)
				if diff := cmp.Diff(eqModel(tc.steps[:i+1], tc.partitioned), got); diff != "" {
					t.Errorf("after step %d (-want +got):\n%s\n%s", i, diff, q)
				}
			}
		})
	}
}
