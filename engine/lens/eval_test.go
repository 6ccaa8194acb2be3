package lens

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	_ "github.com/duckdb/duckdb-go/v2"
)

// The agent's evaluation holds the storage-metrics questions (issue 19)
// over a fixture that simulates lake.floe_lens: its tables must have the
// columns a real collect writes, and the gold SQL must run on a real
// collect's tables, or the planner is tuned to tables floe never makes.
const (
	evalFixture   = "../../agent/offline/testdata/eval/floe_lens.sql"
	evalQuestions = "../../agent/offline/testdata/eval/tuned.txt"
)

// typeFamily folds DuckDB type names into what a question can tell apart:
// a fixture's literal 0.2 is a DECIMAL where the lens writes a DOUBLE.
func typeFamily(typ string) string {
	typ = strings.ToUpper(typ)
	switch {
	case typ == "VARCHAR":
		return "text"
	case typ == "DATE":
		return "date"
	case strings.HasPrefix(typ, "TIMESTAMP"):
		return "timestamp"
	case typ == "BOOLEAN":
		return "bool"
	case strings.HasSuffix(typ, "INT") || typ == "BIGINT" || typ == "INTEGER" || typ == "SMALLINT" || typ == "TINYINT" || typ == "HUGEINT":
		return "integer"
	case typ == "DOUBLE" || typ == "FLOAT" || strings.HasPrefix(typ, "DECIMAL"):
		return "fraction"
	}
	return typ
}

// TestEvalFixtureMatchesLensTables runs the evaluation's fixture in DuckDB
// and checks that each of its floe_lens tables has the lens table's
// columns, in order, of the same kind.
func TestEvalFixtureMatchesLensTables(t *testing.T) {
	src, err := os.ReadFile(evalFixture)
	if err != nil {
		t.Fatalf("the agent's lens fixture: %v", err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH ':memory:' AS lake"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, string(src)); err != nil {
		t.Fatalf("%s: %v", evalFixture, err)
	}
	for _, lt := range definitions(Namespace) {
		t.Run(lt.name, func(t *testing.T) {
			rows, err := conn.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
				WHERE table_catalog = 'lake' AND table_schema = ? AND table_name = ? ORDER BY ordinal_position`, Namespace, lt.name)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got, want []string
			for rows.Next() {
				var name, typ string
				if err := rows.Scan(&name, &typ); err != nil {
					t.Fatal(err)
				}
				got = append(got, name+" "+typeFamily(typ))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, c := range lt.cols {
				want = append(want, c.name+" "+typeFamily(c.typ))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s's %s differs from the lens table (-lens +fixture):\n%s", evalFixture, lt.name, d)
			}
		})
	}
}

// evalQuestion is a question of the evaluation and its gold SQL.
type evalQuestion struct {
	line   int
	q, sql string
}

// lensQuestions reads the questions whose gold SQL reads lake.floe_lens.
func lensQuestions(t *testing.T) []evalQuestion {
	t.Helper()
	f, err := os.Open(evalQuestions)
	if err != nil {
		t.Fatalf("the agent's evaluation: %v", err)
	}
	defer f.Close()
	var out []evalQuestion
	var cur *evalQuestion
	inSQL := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "q:"):
			out = append(out, evalQuestion{line: n, q: strings.TrimSpace(line[2:])})
			cur, inSQL = &out[len(out)-1], false
		case strings.HasPrefix(line, "sql:") && cur != nil:
			cur.sql, inSQL = strings.TrimSpace(line[4:]), true
		case inSQL && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			cur.sql += " " + strings.TrimSpace(line)
		default:
			inSQL = false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	lensOnly := out[:0]
	for _, q := range out {
		if strings.Contains(q.sql, "lake."+Namespace+".") {
			lensOnly = append(lensOnly, q)
		}
	}
	return lensOnly
}

// TestEvalGoldSQLRunsOnCollectedLens runs the gold SQL of every
// storage-metrics question of the agent's evaluation (the issue's four
// among them) on the tables a real collect wrote over two days: each runs,
// and the four the issue names return rows.
func TestEvalGoldSQLRunsOnCollectedLens(t *testing.T) {
	qs := lensQuestions(t)
	issue := map[string]bool{
		"Which tables grew the most last month?": false,
		"storage cost by storage class":          false,
		"tables with the most small files":       false,
		"Which table has the most deleted rows?": false,
	}
	l := openLake(t, t.TempDir())
	l.exec(`CREATE SCHEMA lake.sales;
		CREATE TABLE lake.sales.orders (id BIGINT, v VARCHAR) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.sales.orders SELECT i, 'x' || i FROM range(1000) r(i);
		DELETE FROM lake.sales.orders WHERE id % 5 = 0;
		CREATE TABLE lake.sales.customers (id BIGINT);
		INSERT INTO lake.sales.customers SELECT i FROM range(10) r(i)`)
	// The gold SQL of "last month" asks for October 2026.
	l.collect("2026-10-02T06:00:00Z")
	l.exec("INSERT INTO lake.sales.orders SELECT i, 'y' || i FROM range(5000) r(i)")
	l.collect("2026-10-30T06:00:00Z")
	for _, q := range qs {
		t.Run(fmt.Sprintf("line %d", q.line), func(t *testing.T) {
			rows, err := l.s.Query(l.ctx, q.sql)
			if err != nil {
				t.Fatalf("%s:%d %q: gold SQL fails on the collected lens tables: %v\n%s", filepath.Base(evalQuestions), q.line, q.q, err, q.sql)
			}
			all, err := rows.All()
			if err != nil {
				t.Fatalf("%q: %v", q.q, err)
			}
			if _, ok := issue[q.q]; ok {
				issue[q.q] = true
				if len(all) == 0 {
					t.Errorf("%q: the gold SQL returns no rows over two collected days", q.q)
				}
			}
		})
	}
	for q, seen := range issue {
		if !seen {
			t.Errorf("the agent's evaluation has no gold SQL for issue 19's question %q", q)
		}
	}
}
