package kernel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
)

// cellCheck is what a test expects of one code cell's run.
type cellCheck struct {
	status   kernel.Status
	kind     string   // error kind, when failed
	line     int      // error line in the cell, when not 0
	contains []string // substrings of the rendered outputs
}

// runCase runs a notebook in a fresh session and checks each code cell.
type runCase struct {
	name  string
	md    string
	opts  runner.Options
	cells []cellCheck
	after func(t *testing.T, s *kernel.Session, nb *notebooks.Notebook, rep *runner.Report)
}

func (tc runCase) run(t *testing.T, s *kernel.Session) {
	t.Helper()
	nb := parse(t, tc.md)
	rep, err := runner.Run(context.Background(), s, nb, tc.opts)
	if err != nil {
		t.Fatalf("runner.Run: %v", err)
	}
	var results []*kernel.Result
	for i, c := range nb.Cells {
		if c.Kind == notebooks.Code {
			results = append(results, rep.Results[i])
		}
	}
	if len(results) != len(tc.cells) {
		t.Fatalf("%d code cells, test checks %d", len(results), len(tc.cells))
	}
	for i, want := range tc.cells {
		r := results[i]
		out := text(r)
		if r.Status != want.status {
			t.Errorf("cell %d (%s): status %v, want %v\n%s", i, r.Cell, r.Status, want.status, out)
			continue
		}
		if want.kind != "" {
			if r.Err == nil {
				t.Errorf("cell %d: no error, want %s", i, want.kind)
			} else if r.Err.Kind != want.kind {
				t.Errorf("cell %d: error kind %s, want %s: %v", i, r.Err.Kind, want.kind, r.Err)
			}
		}
		if want.line != 0 && (r.Err == nil || r.Err.Line != want.line) {
			t.Errorf("cell %d: error %v, want it at line %d", i, r.Err, want.line)
		}
		for _, s := range want.contains {
			if !strings.Contains(out, s) {
				t.Errorf("cell %d (%s): output lacks %q:\n%s", i, r.Cell, s, out)
			}
		}
	}
	if tc.after != nil {
		tc.after(t, s, nb, rep)
	}
}

func TestSQLCells(t *testing.T) {
	wh := sampleWarehouse(t)
	tests := []runCase{{
		name: "statements, last result is the output",
		md: `~~~sql
CREATE TEMP TABLE t AS SELECT range AS i FROM range(5);
INSERT INTO t VALUES (10);
SELECT sum(i) AS total, count(*) AS n FROM t
~~~`,
		cells: []cellCheck{{status: kernel.Passed, contains: []string{"total", "hugeint", "20", "1 row"}}},
	}, {
		name: "named result read by later cells",
		md: `~~~sql name=by_contract
SELECT contract, count(*) AS n FROM lake.samples.customers GROUP BY contract ORDER BY contract
~~~

~~~sql
SELECT sum(n) AS customers FROM by_contract
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"Month-to-month", "3 rows"}},
			{status: kernel.Passed, contains: []string{"7000"}},
		},
	}, {
		name: "error at its line",
		md: `# errors

~~~sql
SELECT 1;
SELECT 2;
SELECT no_such_column
FROM range(3)
~~~`,
		cells: []cellCheck{{status: kernel.Failed, kind: kernel.KindSQL, line: 3, contains: []string{"test.md:6: cell 2, line 3", "no_such_column"}}},
	}, {
		name: "assert passes",
		md: `~~~sql assert
SELECT i, i >= 0 AS non_negative, i < 100 AS small FROM range(50) t(i)
~~~`,
		cells: []cellCheck{{status: kernel.Passed}},
	}, {
		name: "assert lists failing rows",
		md: `~~~sql assert
SELECT i, i % 2 = 0 AS even, CASE WHEN i = 3 THEN NULL ELSE true END AS known FROM range(30) t(i)
~~~`,
		cells: []cellCheck{{status: kernel.Failed, kind: kernel.KindAssertion, contains: []string{
			"15 of 30 rows have even, known false or NULL",
			"row 2: i=1, even=false, known=true",
			"row 4: i=3, even=false, known=NULL",
			"row 20: i=19",
			"… and 5 more failing rows",
		}}},
	}, {
		name: "assert needs a boolean column",
		md: `~~~sql assert
SELECT 1 AS one
~~~`,
		cells: []cellCheck{{status: kernel.Failed, kind: kernel.KindAssertion, contains: []string{"needs a boolean column"}}},
	}, {
		name: "row count",
		md: `~~~sql rows=3
SELECT * FROM range(3)
~~~

~~~sql rows=4
SELECT * FROM range(3)
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed},
			{status: kernel.Failed, kind: kernel.KindRowCount, contains: []string{"want 4 rows (rows=4), got 3"}},
		},
	}, {
		name: "expect error",
		md: `~~~sql expect=error
SELECT * FROM lake.samples.no_such_table
~~~

~~~sql expect=error
SELECT 1
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"no_such_table"}},
			{status: kernel.Failed, kind: kernel.KindExpected},
		},
	}, {
		name: "large results are cut for display and counted",
		md: `~~~sql
SELECT range AS i FROM range(2500)
~~~

~~~sql name=big
SELECT range AS i FROM range(2500)
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"first 40 of 2500 rows"}},
			{status: kernel.Passed, contains: []string{"first 40 of 2500 rows"}},
		},
		after: func(t *testing.T, s *kernel.Session, nb *notebooks.Notebook, rep *runner.Report) {
			for _, r := range rep.Results[:2] {
				tbl := r.Outputs[0].Table
				if tbl.Len() != 1000 || tbl.Total != 2500 || !tbl.Truncated() {
					t.Errorf("%s: table holds %d of %d rows, want 1000 of 2500", r.Cell, tbl.Len(), tbl.Total)
				}
			}
			html := nb.Cells[0].Outputs[0].Data[notebooks.MIMEHTML]
			if !strings.Contains(html, "first 1000 of 2500 rows") {
				t.Errorf("HTML table does not say it is cut: %.200s", html)
			}
			// The named result keeps every row.
			all, err := s.Query(context.Background(), "SELECT count(*) FROM big")
			if err != nil || all.Rows[0][0] != int64(2500) {
				t.Errorf("count(*) FROM big = %v, %v; want 2500", all, err)
			}
		},
	}, {
		name: "charts",
		md: `~~~sql chart=bar x=contract y=n title="By contract"
SELECT contract, count(*) AS n FROM lake.samples.customers GROUP BY ALL ORDER BY ALL
~~~

~~~sql chart=histogram x=monthly_charges
SELECT monthly_charges FROM lake.samples.customers
~~~

~~~sql chart=line x=i y=sq series=parity
SELECT i, i*i AS sq, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END AS parity FROM range(10) t(i)
~~~

~~~sql chart=scatter x=tenure_months y=total_charges
SELECT tenure_months, total_charges FROM lake.samples.customers
~~~

~~~sql chart=bar x=nope y=n
SELECT 1 AS n
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"By contract", "Month-to-month │", "█"}},
			{status: kernel.Passed, contains: []string{"18.25 – ", "first 40 of 7000 rows"}},
			{status: kernel.Passed, contains: []string{"● even  ○ odd"}},
			{status: kernel.Passed, contains: []string{"first 1000 of 7000 rows"}},
			{status: kernel.Failed, kind: kernel.KindChart, contains: []string{"x=nope: no such column"}},
		},
		after: func(t *testing.T, s *kernel.Session, nb *notebooks.Notebook, rep *runner.Report) {
			hist := rep.Results[1].Outputs[0].Chart
			total := 0.0
			for _, p := range hist.Series[0].Points {
				total += p.Y
			}
			if total != 7000 {
				t.Errorf("histogram counts %v values, want all 7000", total)
			}
			svg := nb.Cells[0].Outputs[0].Data[notebooks.MIMESVG]
			if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "By contract") {
				t.Errorf("bar chart output has no SVG: %.100s", svg)
			}
			// The hidden tables of unnamed chart cells are dropped.
			left, err := s.Query(context.Background(), "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'floe_cell_%'")
			if err != nil || left.Rows[0][0] != int64(0) {
				t.Errorf("hidden chart tables left: %v, %v", left, err)
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, openSession(t, wh, kernel.Options{}))
		})
	}
}

func TestGoCells(t *testing.T) {
	wh := sampleWarehouse(t)
	tests := []runCase{{
		name: "output streams",
		md: `~~~go
fmt.Println("to stdout")
fmt.Fprintln(os.Stderr, "to stderr")
log.SetFlags(0)
log.Println("logged")
~~~`,
		cells: []cellCheck{{status: kernel.Passed, contains: []string{"to stdout\n", "to stderr\n", "logged\n"}}},
		after: func(t *testing.T, s *kernel.Session, nb *notebooks.Notebook, rep *runner.Report) {
			var streams []string
			for _, o := range rep.Results[0].Outputs {
				streams = append(streams, o.Stream+":"+o.Text)
			}
			want := []string{"stdout:to stdout\n", "stderr:to stderr\nlogged\n"}
			if diff := cmp.Diff(want, streams); diff != "" {
				t.Errorf("streams (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "state is shared between cells and with SQL",
		md: `~~~sql name=contracts
SELECT contract, count(*) AS n, avg(monthly_charges) AS avg_charges
FROM lake.samples.customers GROUP BY contract ORDER BY contract
~~~

~~~go
type Row struct {
	Contract string
	Doubled  float64 ` + "`floe:\"doubled\"`" + `
}
t := floe.Result("contracts")
var rows []Row
for i := 0; i < t.Len(); i++ {
	rows = append(rows, Row{t.Text(i, "contract"), 2 * t.Float(i, "avg_charges")})
}
if err := floe.Register("doubled", rows); err != nil {
	panic(err)
}
~~~

~~~go
fmt.Println(len(rows), rows[0].Contract)
q, err := floe.SQL("SELECT count(*) AS n, sum(doubled) > 0 AS positive FROM doubled")
if err != nil {
	panic(err)
}
fmt.Println(q.Types, q.Get(0, "n"), q.Get(0, "positive"))
~~~

~~~sql
SELECT Contract, doubled FROM doubled ORDER BY Contract
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed},
			{status: kernel.Passed},
			{status: kernel.Passed, contains: []string{"3 Month-to-month\n", "[BIGINT BOOLEAN] 3 true\n"}},
			{status: kernel.Passed, contains: []string{"Two year", "3 rows"}},
		},
	}, {
		name: "the last expression is shown",
		md: `~~~go
x := 6 * 7
x
~~~

~~~go
floe.SQL("SELECT 1 AS one")
~~~

~~~go
type P struct{ Name string; Age int }
[]P{{"ann", 41}, {"bob", 37}}
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"42"}},
			{status: kernel.Passed, contains: []string{"one", "1 row"}},
			{status: kernel.Passed, contains: []string{"Name", "bigint", "ann", "2 rows"}},
		},
	}, {
		name: "imports",
		md: `~~~go
import "strings"
import str "strings"

fmt.Println(strings.ToUpper("a"), str.Repeat("b", 2), math.Sqrt(16), sort.IntsAreSorted([]int{1, 2}))
~~~

~~~go
import (
	"fmt"
	"strings"
)
fmt.Println(strings.ToLower("C"))
~~~`,
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"A bb 4 true\n"}},
			{status: kernel.Passed, contains: []string{"c\n"}},
		},
	}, {
		name: "compile error at its line",
		md: `~~~go
x := 1

y := x + undefinedName
~~~`,
		cells: []cellCheck{{status: kernel.Failed, kind: kernel.KindGo, line: 3}},
	}, {
		name: "syntax error at its line",
		md: `~~~go
x := 1
y := (x +
~~~`,
		cells: []cellCheck{{status: kernel.Failed, kind: kernel.KindGo, line: 3}},
	}, {
		name: "panics are recovered at the cell boundary",
		md: `~~~go
var a []int
fmt.Println("before")
_ = a[3]
~~~

~~~go
floe.Result("nothing_named_this")
~~~

~~~go
os.Exit(3)
~~~

~~~go
fmt.Println("still here")
~~~`,
		cells: []cellCheck{
			{status: kernel.Failed, kind: kernel.KindPanic, line: 3, contains: []string{"before\n", "index out of range"}},
			{status: kernel.Failed, kind: kernel.KindPanic, line: 1, contains: []string{`no result named "nothing_named_this"`}},
			{status: kernel.Failed, kind: kernel.KindPanic, contains: []string{"os.Exit(3)"}},
			{status: kernel.Passed, contains: []string{"still here"}},
		},
	}, {
		name: "display helpers",
		md: `~~~go
floe.Markdown("**bold**")
t, _ := floe.SQL("SELECT range AS x, range * 2 AS y FROM range(5)")
floe.Display(t)
if err := floe.Chart(t, "line", "x", "y"); err != nil {
	panic(err)
}
if err := floe.Chart(t, "pie", "x", "y"); err == nil {
	panic("pie charts are not supported")
}
~~~`,
		cells: []cellCheck{{status: kernel.Passed, contains: []string{"**bold**", "5 rows", "y by x"}}},
		after: func(t *testing.T, s *kernel.Session, nb *notebooks.Notebook, rep *runner.Report) {
			var kinds []kernel.OutputKind
			for _, o := range rep.Results[0].Outputs {
				kinds = append(kinds, o.Kind)
			}
			if diff := cmp.Diff([]kernel.OutputKind{kernel.OutputMarkdown, kernel.OutputTable, kernel.OutputChart}, kinds); diff != "" {
				t.Errorf("output kinds (-want +got):\n%s", diff)
			}
			if md := nb.Cells[0].Outputs[0].Data[notebooks.MIMEMarkdown]; md != "**bold**" {
				t.Errorf("markdown output %q", md)
			}
		},
	}, {
		name: "engine API",
		md: `~~~go
tbl, err := floe.LakeTable("samples", "customers")
if err != nil {
	panic(err)
}
fmt.Println(tbl.Ident(), len(tbl.Schema().Fields()))
nss, _ := floe.Warehouse().Namespaces(floe.Context())
fmt.Println(nss)
~~~`,
		cells: []cellCheck{{status: kernel.Passed, contains: []string{"lake.samples.customers 15\n", "[samples]\n"}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, openSession(t, wh, kernel.Options{}))
		})
	}
}

func TestParameters(t *testing.T) {
	wh := emptyWarehouse(t)
	const md = `# params

~~~sql
CREATE TEMP TABLE ran AS SELECT 1 AS x
~~~

~~~sql parameters
SET VARIABLE region = 'US';
SET VARIABLE since = DATE '2025-01-01';
SET VARIABLE top_n = 5;
SET VARIABLE threshold = 0.5;
SET VARIABLE strict = true;
~~~

~~~sql
SELECT getvariable('region') AS region, getvariable('since') AS since, getvariable('top_n') + 1 AS next, getvariable('threshold') AS threshold
~~~

~~~go
fmt.Printf("%T %v|", floe.Param("region"), floe.Param("region"))
fmt.Printf("%T %v|", floe.Param("since"), floe.Param("since").(time.Time).Format("2006-01-02"))
fmt.Printf("%T %v|", floe.Param("top_n"), floe.Param("top_n"))
fmt.Printf("%T %v|", floe.Param("threshold"), floe.Param("threshold"))
fmt.Printf("%T %v\n", floe.Param("strict"), floe.Param("strict"))
~~~
`
	ok := []struct {
		name   string
		params map[string]string
		sql    []string
		gos    string
	}{
		{"defaults", nil, []string{"US", "2025-01-01", "6", "0.5"},
			"string US|time.Time 2025-01-01|int64 5|float64 0.5|bool true\n"},
		{"overrides", map[string]string{"region": "EU", "since": "2024-06-30", "top_n": "10", "threshold": "0.75", "strict": "false"},
			[]string{"EU", "2024-06-30", "11", "0.75"},
			"string EU|time.Time 2024-06-30|int64 10|float64 0.75|bool false\n"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			s := openSession(t, wh, kernel.Options{})
			nb := parse(t, md)
			rep, err := runner.Run(context.Background(), s, nb, runner.Options{Params: tc.params})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Failed != 0 {
				t.Fatalf("%d cells failed: %s", rep.Failed, summary(nb, rep))
			}
			out := text(rep.Results[3])
			for _, s := range tc.sql {
				if !strings.Contains(out, s) {
					t.Errorf("SQL output lacks %q:\n%s", s, out)
				}
			}
			if got := text(rep.Results[4]); got != tc.gos {
				t.Errorf("Go reads %q, want %q", got, tc.gos)
			}
		})
	}

	bad := []struct {
		name   string
		md     string
		params map[string]string
		want   error
		msg    string
	}{
		{"unknown name", md, map[string]string{"regoin": "EU"}, kernel.ErrUnknownParameter, `unknown parameter "regoin" (the parameters cell declares: region, since, top_n, threshold, strict)`},
		{"not a date", md, map[string]string{"since": "yesterday"}, kernel.ErrParameterType, `parameter since is DATE, and "yesterday" is not a DATE`},
		{"not an integer", md, map[string]string{"top_n": "2.5"}, kernel.ErrParameterType, `parameter top_n is BIGINT`},
		{"no parameters cell", "~~~sql\nSELECT 1\n~~~\n", map[string]string{"x": "1"}, kernel.ErrUnknownParameter, "the notebook has no parameters cell"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			s := openSession(t, wh, kernel.Options{})
			nb := parse(t, tc.md)
			_, err := runner.Run(context.Background(), s, nb, runner.Options{Params: tc.params})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("runner.Run = %v, want %v with %q", err, tc.want, tc.msg)
			}
			for _, c := range nb.Cells {
				if c.Execution.Count != 0 || len(c.Outputs) != 0 {
					t.Errorf("cell %s ran before the parameter error", c.ID)
				}
			}
			if _, err := s.Query(context.Background(), "SELECT * FROM ran"); err == nil {
				t.Errorf("the first cell ran before the parameter error")
			}
		})
	}
}

func TestRunSelection(t *testing.T) {
	wh := emptyWarehouse(t)
	const md = `~~~sql name=a
SELECT 1 AS x
~~~

~~~sql name=b
SELECT x + 1 AS y FROM a
~~~

~~~sql name=c
SELECT 10 AS z
~~~

~~~sql name=d
SELECT y * 2 AS w FROM b
~~~

~~~sql name=broken
SELECT * FROM no_such_table
~~~

~~~sql name=after_broken
SELECT * FROM broken
~~~

~~~go name=reader
t := floe.Result("after_broken")
~~~

~~~sql name=independent
SELECT z FROM c
~~~
`
	tests := []struct {
		name  string
		opts  runner.Options
		want  string
		count [3]int
	}{
		{"all", runner.Options{},
			"a=passed b=passed c=passed d=passed broken=failed after_broken=skipped reader=skipped independent=passed",
			[3]int{5, 1, 2}},
		{"cells d", runner.Options{Cells: []string{"d"}},
			"a=passed b=passed c=not run d=passed broken=not run after_broken=not run reader=not run independent=not run",
			[3]int{3, 0, 0}},
		{"cells c,b", runner.Options{Cells: []string{"independent", "b"}},
			"a=passed b=passed c=passed d=not run broken=not run after_broken=not run reader=not run independent=passed",
			[3]int{4, 0, 0}},
		{"fail fast", runner.Options{FailFast: true},
			"a=passed b=passed c=passed d=passed broken=failed after_broken=skipped reader=skipped independent=skipped",
			[3]int{4, 1, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openSession(t, wh, kernel.Options{})
			nb := parse(t, md)
			rep, err := runner.Run(context.Background(), s, nb, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(nb, rep); got != tc.want {
				t.Errorf("statuses:\n got %s\nwant %s", got, tc.want)
			}
			if got := [3]int{rep.Passed, rep.Failed, rep.Skipped}; got != tc.count {
				t.Errorf("passed, failed, skipped = %v, want %v", got, tc.count)
			}
		})
	}
}

func TestCancellation(t *testing.T) {
	wh := emptyWarehouse(t)
	// A query DuckDB needs many seconds for.
	const slow = "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3"

	t.Run("timeout interrupts DuckDB", func(t *testing.T) {
		s := openSession(t, wh, kernel.Options{})
		nb := parse(t, "~~~sql timeout=200ms\n"+slow+"\n~~~\n\n~~~sql\nSELECT 42 AS answer\n~~~\n")
		start := time.Now()
		rep, err := runner.Run(context.Background(), s, nb, runner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the run took %s; the timeout did not interrupt the query", d)
		}
		r := rep.Results[0]
		if r.Status != kernel.Failed || r.Err.Kind != kernel.KindTimeout || !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Fatalf("slow cell: %v %v, want a timeout", r.Status, r.Err)
		}
		if !strings.Contains(r.Err.Error(), "timeout of 200ms") {
			t.Errorf("timeout error %q does not name the timeout", r.Err)
		}
		if r := rep.Results[1]; r.Status != kernel.Passed || !strings.Contains(text(r), "42") {
			t.Errorf("the session is not usable after the timeout: %v\n%s", r.Status, text(r))
		}
	})

	t.Run("interrupt (Ctrl-C)", func(t *testing.T) {
		s := openSession(t, wh, kernel.Options{})
		nb := parse(t, "~~~sql\n"+slow+"\n~~~\n\n~~~sql\nSELECT 1\n~~~\n")
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		rep, err := runner.Run(ctx, s, nb, runner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Results[0]; r.Status != kernel.Failed || r.Err.Kind != kernel.KindInterrupt {
			t.Fatalf("interrupted cell: %v %v", r.Status, r.Err)
		}
		if r := rep.Results[1]; r.Status != kernel.Skipped {
			t.Errorf("cell after the interrupt: %v, want skipped", r.Status)
		}
		// The session still works.
		tbl, err := s.Query(context.Background(), "SELECT 7 AS x")
		if err != nil || tbl.Rows[0][0] != int32(7) {
			t.Errorf("query after interrupt: %v, %v", tbl, err)
		}
	})

	t.Run("go loop stops", func(t *testing.T) {
		if raceEnabled {
			t.Skip("the race detector does not see the kernel learn from the goroutine list that the cell ended")
		}
		s := openSession(t, wh, kernel.Options{Timeout: 200 * time.Millisecond})
		nb := parse(t, "~~~go\nn := 0\nfor {\n\tn++\n}\n~~~\n\n~~~go\nfmt.Println(\"after\", 1 > 0)\n~~~\n")
		rep, err := runner.Run(context.Background(), s, nb, runner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Results[0]; r.Status != kernel.Failed || r.Err.Kind != kernel.KindTimeout || errors.Is(r.Err, kernel.ErrIgnoredCancel) {
			t.Fatalf("loop cell: %v %v, want a plain timeout", r.Status, r.Err)
		}
		if r := rep.Results[1]; r.Status != kernel.Passed || text(r) != "after true\n" {
			t.Errorf("cell after the loop: %v %q", r.Status, text(r))
		}
	})

	t.Run("go cell ignoring cancellation is reported", func(t *testing.T) {
		if raceEnabled {
			t.Skip("the race detector does not see the kernel learn from the goroutine list that the cell ended")
		}
		s := openSession(t, wh, kernel.Options{Timeout: 100 * time.Millisecond, Grace: 100 * time.Millisecond})
		nb := parse(t, "~~~go\ntime.Sleep(time.Second)\n~~~\n\n~~~go\nfmt.Println(1)\n~~~\n\n~~~sql\nSELECT 2 AS two\n~~~\n")
		rep, err := runner.Run(context.Background(), s, nb, runner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Results[0]; r.Status != kernel.Failed || !errors.Is(r.Err, kernel.ErrIgnoredCancel) {
			t.Fatalf("sleeping cell: %v %v, want ErrIgnoredCancel", r.Status, r.Err)
		}
		if r := rep.Results[1]; r.Status != kernel.Failed || !errors.Is(r.Err, kernel.ErrBusy) {
			t.Errorf("go cell while the stuck one runs: %v %v, want ErrBusy", r.Status, r.Err)
		}
		if r := rep.Results[2]; r.Status != kernel.Passed {
			t.Errorf("SQL while the Go cell is stuck: %v %v", r.Status, r.Err)
		}
		// Once the sleep ends, Go cells run again.
		time.Sleep(time.Second)
		c := &notebooks.Cell{ID: "again", Kind: notebooks.Code, Lang: notebooks.LangGo, Source: `fmt.Println("again")`}
		if r := s.Run(context.Background(), c); r.Status != kernel.Passed || text(r) != "again\n" {
			t.Errorf("go cell after the stuck one ended: %v %v", r.Status, r.Err)
		}
	})
}

func TestIPYNBOutputs(t *testing.T) {
	wh := sampleWarehouse(t)
	s := openSession(t, wh, kernel.Options{})
	nb := parse(t, `# out

~~~sql name=n chart=bar x=contract y=n
SELECT contract, count(*) AS n FROM lake.samples.customers GROUP BY ALL ORDER BY ALL
~~~

~~~go
fmt.Println("hi")
panic("boom")
~~~
`)
	if _, err := runner.Run(context.Background(), s, nb, runner.Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	back, err := notebooks.ParseIPYNB("out.ipynb", data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range back.Cells {
		for _, o := range c.Outputs {
			d := string(o.Type)
			switch o.Type {
			case notebooks.OutputStream:
				d += ":" + o.Name + ":" + o.Text
			case notebooks.OutputError:
				d += ":" + o.EName + ":" + o.EValue
			default:
				for _, m := range []string{notebooks.MIMEText, notebooks.MIMEHTML, notebooks.MIMESVG} {
					if o.Data[m] != "" {
						d += ":" + m
					}
				}
			}
			got = append(got, d)
		}
		if c.Kind == notebooks.Code && c.Execution.Count == 0 {
			t.Errorf("cell %s has no execution count", c.ID)
		}
	}
	want := []string{
		"display_data:text/plain:image/svg+xml",
		"execute_result:text/plain:text/html",
		"stream:stdout:hi\n",
		"error:panic:boom",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
}
