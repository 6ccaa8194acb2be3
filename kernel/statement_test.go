package kernel_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
)

// TestStatementOutcomes checks that a cell of several statements reports
// what each did, in order: compact outcomes for DDL and DML, result sets
// for queries, and the last query as the cell's table.
func TestStatementOutcomes(t *testing.T) {
	tests := []struct {
		name string
		src  string
		keep int // Options.KeepResults
		// want is one line per output: "statement: CAPTION [rows]" or
		// "table: N rows".
		want []string
	}{{
		name: "schema, table, insert, query",
		src: `CREATE SCHEMA lake.outcomes;
CREATE TABLE lake.outcomes.t AS SELECT range AS i FROM range(4);
INSERT INTO lake.outcomes.t VALUES (7), (8);
SELECT count(*) AS n FROM lake.outcomes.t`,
		want: []string{
			"statement: line 1 · CREATE SCHEMA · created schema lake.outcomes",
			"statement: line 2 · CREATE TABLE · created table lake.outcomes.t (4 rows)",
			"statement: line 3 · INSERT · inserted 2 rows into lake.outcomes.t",
			"table: 1 rows",
		},
	}, {
		name: "queries in the middle keep their results",
		keep: 4,
		src: `CREATE TEMP TABLE x (a INT);
INSERT INTO x VALUES (1), (2), (3);
SELECT a FROM x ORDER BY a;
UPDATE x SET a = a * 10 WHERE a > 1;
DELETE FROM x WHERE a = 1;
SELECT sum(a) AS s FROM x`,
		want: []string{
			"statement: line 1 · CREATE TABLE · created table x",
			"statement: line 2 · INSERT · inserted 3 rows into x",
			"statement: line 3 · SELECT · 3 rows [3 rows]",
			"statement: line 4 · UPDATE · updated 2 rows of x",
			"statement: line 5 · DELETE · deleted 1 row from x",
			"table: 1 rows",
		},
	}, {
		name: "a last statement that is not a query says what it did",
		src: `CREATE TEMP TABLE y AS SELECT 1 AS a;
DROP TABLE y`,
		want: []string{
			"statement: line 1 · CREATE TABLE · created table y (1 row)",
			"statement: line 2 · DROP TABLE · dropped table y",
		},
	}, {
		name: "one DDL statement is one outcome",
		src:  `CREATE TEMP VIEW v AS SELECT 1 AS a`,
		want: []string{"statement: line 1 · CREATE VIEW · created view v"},
	}, {
		name: "SHOW among others is a result set",
		src: `CREATE TEMP TABLE z (a INT);
SHOW TABLES;
SET VARIABLE k = 1`,
		want: []string{
			"statement: line 1 · CREATE TABLE · created table z",
			"statement: line 2 · SHOW · 1 row [1 rows]",
			"statement: line 3 · SET · ok",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openSession(t, emptyWarehouse(t), kernel.Options{KeepResults: tc.keep})
			c := &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: tc.src}
			r := s.Run(context.Background(), c)
			if r.Status != kernel.Passed {
				t.Fatalf("status %v: %v", r.Status, r.Err)
			}
			var got []string
			for _, o := range r.Outputs {
				switch o.Kind {
				case kernel.OutputStatement:
					line := "statement: " + o.Statement.Caption()
					if o.Statement.Result != nil {
						line += " [" + itoa(o.Statement.Result.Total) + " rows]"
					}
					got = append(got, line)
				case kernel.OutputTable:
					got = append(got, "table: "+itoa(o.Table.Total)+" rows")
				default:
					got = append(got, "other: "+o.Terminal(80))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
			// Each outcome reaches the .ipynb as display data with text
			// and HTML.
			if len(c.Outputs) != len(r.Outputs) {
				t.Fatalf("%d notebook outputs for %d outputs", len(c.Outputs), len(r.Outputs))
			}
			for i, o := range r.Outputs {
				if o.Kind != kernel.OutputStatement {
					continue
				}
				nb := c.Outputs[i]
				if nb.Type != notebooks.OutputDisplay || !strings.Contains(nb.Data[notebooks.MIMEText], o.Statement.Caption()) ||
					!strings.Contains(nb.Data[notebooks.MIMEHTML], "floe-statement") {
					b, _ := json.Marshal(nb)
					t.Errorf("output %d in the notebook: %s", i, b)
				}
			}
		})
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestSQLErrorExcerpt checks that DuckDB's "LINE n:" excerpt and caret show
// the user's statement at its line in the cell, with the caret under the
// user's text, whatever statement floe wrapped it in.
func TestSQLErrorExcerpt(t *testing.T) {
	tests := []struct {
		name    string
		keep    int
		opts    string // the cell's options
		src     string
		line    int    // the error's line in the cell
		excerpt string // the excerpt and caret lines
	}{{
		name:    "held result, one line",
		keep:    4,
		src:     `SELECT contrct FROM range(3) t(contract)`,
		line:    1,
		excerpt: "LINE 1: SELECT contrct FROM range(3) t(contract)\n               ^",
	}, {
		name:    "held result, third statement, second line",
		keep:    4,
		src:     "SELECT 1;\nSELECT 2;\nSELECT 1 AS a,\n  contrct FROM range(3) t(contract)",
		line:    4,
		excerpt: "LINE 4:   contrct FROM range(3) t(contract)\n          ^",
	}, {
		name:    "named result",
		opts:    "name=n",
		src:     "SELECT\n  1 AS a, nope\nFROM range(2)",
		line:    2,
		excerpt: "LINE 2:   1 AS a, nope\n                  ^",
	}, {
		name:    "not held: the shown rows only",
		src:     "SELECT *\nFROM range(2) WHERE xyz > 1",
		line:    2,
		excerpt: "LINE 2: FROM range(2) WHERE xyz > 1\n                            ^",
	}, {
		name:    "a statement before the last",
		src:     "SELECT 1;\n\nSELECT zz FROM range(1);\nSELECT 2",
		line:    3,
		excerpt: "LINE 3: SELECT zz FROM range(1)\n               ^",
	}, {
		name:    "parser error",
		keep:    4,
		src:     "SELECT 1 +\nFROM range(2)",
		line:    2,
		excerpt: "LINE 2: FROM range(2)\n        ^",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openSession(t, emptyWarehouse(t), kernel.Options{KeepResults: tc.keep})
			md := "~~~sql " + tc.opts + "\n" + tc.src + "\n~~~\n"
			nb := parse(t, md)
			r := s.Run(context.Background(), &nb.Cells[0])
			if r.Err == nil {
				t.Fatalf("no error; outputs:\n%s", text(r))
			}
			msg := r.Err.Message()
			if strings.Contains(msg, "floe_") || strings.Contains(msg, "CREATE OR REPLACE") {
				t.Errorf("message shows floe's wrapper:\n%s", msg)
			}
			if r.Err.Line != tc.line {
				t.Errorf("line %d, want %d", r.Err.Line, tc.line)
			}
			if _, ex, ok := strings.Cut(msg, "\n\nLINE "); !ok || "LINE "+ex != tc.excerpt {
				t.Errorf("excerpt:\n%s\nwant:\n%s\n(message: %q)", "LINE "+ex, tc.excerpt, msg)
			}
		})
	}
}

// TestGoUndefined checks that a Go cell using an undefined name says so at
// the name's line, rather than yaegi's "constant definition loop".
func TestGoUndefined(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"short declaration", "x := undefinedThing + 1", 1, "undefined: undefinedThing"},
		{"second operand", "x := 1 + missing", 1, "undefined: missing"},
		{"var declaration", "var q = 1\nvar w = q + zzz", 2, "undefined: zzz"},
		{"after statements", "a := 1\nfmt.Println(a)\n\nb := a * nope", 4, "undefined: nope"},
		{"call argument", "fmt.Println(nothere)", 1, "undefined: nothere"},
		{"field of an undefined name", "y := 2\nb := foo.Bar + y", 2, "undefined: foo"},
	}
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &notebooks.Cell{ID: "g", Kind: notebooks.Code, Lang: notebooks.LangGo, Source: tc.src}
			r := s.Run(context.Background(), c)
			if r.Err == nil {
				t.Fatalf("no error:\n%s", text(r))
			}
			if r.Err.Kind != kernel.KindGo || r.Err.Message() != tc.msg || r.Err.Line != tc.line {
				t.Errorf("got %s at line %d: %q; want line %d: %q", r.Err.Kind, r.Err.Line, r.Err.Message(), tc.line, tc.msg)
			}
		})
	}
	// A panic of the cell's own code stays a panic.
	c := &notebooks.Cell{ID: "p", Kind: notebooks.Code, Lang: notebooks.LangGo, Source: "var m map[string]int\nm[\"a\"] = 1"}
	if r := s.Run(context.Background(), c); r.Err == nil || r.Err.Kind != kernel.KindPanic || r.Err.Line != 2 {
		t.Errorf("a nil map write: %v", r.Err)
	}
	// The session still runs Go after them.
	c = &notebooks.Cell{ID: "ok", Kind: notebooks.Code, Lang: notebooks.LangGo, Source: "x := 41\nfmt.Println(x + 1)"}
	if r := s.Run(context.Background(), c); r.Status != kernel.Passed || !strings.Contains(text(r), "42") {
		t.Errorf("after the errors: %v %v\n%s", r.Status, r.Err, text(r))
	}
}

// TestExecutionCount checks that previews run without taking an execution
// count, and that errors name cells by name or place, not by id.
func TestExecutionCount(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	ctx := context.Background()
	cell := func(src string) *notebooks.Cell {
		return &notebooks.Cell{ID: "sql-1234abcd", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: src}
	}
	var counts []int
	p := cell("SELECT 1")
	s.Preview(ctx, p)
	counts = append(counts, p.Execution.Count)
	for range 2 {
		c := cell("SELECT 2")
		s.Run(ctx, c)
		counts = append(counts, c.Execution.Count)
		s.Preview(ctx, p)
		counts = append(counts, p.Execution.Count)
	}
	if diff := cmp.Diff([]int{0, 1, 0, 2, 0}, counts); diff != "" {
		t.Errorf("execution counts (-want +got):\n%s", diff)
	}

	nb := parse(t, "# t\n\n~~~sql\nSELECT 1\n~~~\n\n~~~sql\nSELECT nope\n~~~\n\n~~~sql name=named\nSELECT nope2\n~~~\n")
	rep, err := runner.Run(ctx, s, nb, runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		if r.Err != nil {
			msg, _, _ := strings.Cut(r.Err.Error(), ":  ")
			got = append(got, strings.SplitN(msg, ": Binder", 2)[0])
		}
	}
	want := []string{"test.md:8: cell 3, line 1", "test.md:12: cell named, line 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error locations (-want +got):\n%s", diff)
	}
}
