// Package agenttest builds sample warehouses for the agent's tests and
// compares query results the way execution-accuracy benchmarks do.
package agenttest

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"
)

// Open opens (creating it if needed) a warehouse in dir with the sample
// datasets, and a SQL session on it. close closes both.
func Open(ctx context.Context, dir string) (s *lakesql.Session, close func(), err error) {
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	s, err = lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		return nil, nil, err
	}
	if err := samples.Load(ctx, s, samples.DefaultSeed); err != nil {
		s.Close()
		wh.Close()
		return nil, nil, err
	}
	return s, func() { s.Close(); wh.Close() }, nil
}

// Run runs one query on a session and reads all of its rows.
func Run(ctx context.Context, s *lakesql.Session, sql string) (*schema.Result, error) {
	rows, err := s.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := &schema.Result{Columns: rows.Columns, Types: rows.Types}
	all, err := rows.All()
	if err != nil {
		return nil, err
	}
	res.Rows = all
	return res, nil
}

// canon renders a value so that equal answers compare equal: numbers of
// any type to six significant digits, dates as YYYY-MM-DD.
func canon(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return fmt.Sprint(x)
	case string:
		return "s:" + x
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return "d:" + x.Format("2006-01-02")
		}
		return "t:" + x.UTC().Format(time.RFC3339Nano)
	case duckdb.Decimal:
		return num(x.Float64())
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return num(f)
	case float32:
		return num(float64(x))
	case float64:
		return num(x)
	}
	if n, ok := schema.ToInt(v); ok {
		return num(float64(n))
	}
	return "?:" + fmt.Sprint(v)
}

func num(f float64) string {
	if f == 0 {
		return "n:0"
	}
	return "n:" + strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.6g", f), "0"), ".")
}

// Same reports whether got answers the same as want: the same number of
// rows, and for every column of want a distinct column of got such that the
// rows, cut to those columns, are the same multiset. Extra columns in got
// (the measure of a ranking, say) and row and column order do not matter.
// When they differ, the string says how.
func Same(want, got *schema.Result) (bool, string) { return same(want, got, false) }

// SameOrdered is Same for answers whose row order matters (a ranking, a
// sorted list): the rows, cut to want's columns, must also come in the
// same order.
func SameOrdered(want, got *schema.Result) (bool, string) { return same(want, got, true) }

func same(want, got *schema.Result, ordered bool) (bool, string) {
	if len(want.Rows) != len(got.Rows) {
		return false, fmt.Sprintf("%d rows, want %d", len(got.Rows), len(want.Rows))
	}
	nw, ng := len(want.Columns), len(got.Columns)
	if ng < nw {
		return false, fmt.Sprintf("%d columns, want at least %d", ng, nw)
	}
	col := func(r *schema.Result, j int) []string {
		out := make([]string, len(r.Rows))
		for i, row := range r.Rows {
			out[i] = canon(row[j])
		}
		sort.Strings(out)
		return out
	}
	// Candidate columns of got for each column of want.
	cands := make([][]int, nw)
	for j := 0; j < nw; j++ {
		wc := strings.Join(col(want, j), "\x00")
		for k := 0; k < ng; k++ {
			if strings.Join(col(got, k), "\x00") == wc {
				cands[j] = append(cands[j], k)
			}
		}
		if len(cands[j]) == 0 {
			return false, fmt.Sprintf("no column holds the values of %s (want %v, got %v)",
				want.Columns[j], preview(want, j), previewAll(got))
		}
	}
	rows := func(r *schema.Result, cols []int) string {
		out := make([]string, len(r.Rows))
		for i, row := range r.Rows {
			parts := make([]string, len(cols))
			for k, c := range cols {
				parts[k] = canon(row[c])
			}
			out[i] = strings.Join(parts, "|")
		}
		if !ordered {
			sort.Strings(out)
		}
		return strings.Join(out, "\n")
	}
	all := make([]int, nw)
	for j := range all {
		all[j] = j
	}
	wantRows := rows(want, all)
	used := make([]bool, ng)
	pick := make([]int, nw)
	var try func(j int) bool
	try = func(j int) bool {
		if j == nw {
			return rows(got, pick) == wantRows
		}
		for _, k := range cands[j] {
			if used[k] {
				continue
			}
			used[k], pick[j] = true, k
			if try(j + 1) {
				return true
			}
			used[k] = false
		}
		return false
	}
	if try(0) {
		return true, ""
	}
	if ordered {
		return false, "the rows differ in order or pair up values differently"
	}
	return false, "the columns hold the same values but pair them up differently"
}

func preview(r *schema.Result, j int) []string {
	var out []string
	for i, row := range r.Rows {
		if i == 5 {
			out = append(out, "...")
			break
		}
		out = append(out, schema.Render(row[j]))
	}
	return out
}

func previewAll(r *schema.Result) string {
	var b strings.Builder
	b.WriteString(strings.Join(r.Columns, ","))
	for i, row := range r.Rows {
		if i == 3 {
			b.WriteString("; ...")
			break
		}
		b.WriteString("; ")
		for k, v := range row {
			if k > 0 {
				b.WriteString(",")
			}
			b.WriteString(schema.Render(v))
		}
	}
	return b.String()
}

// Question is one question of a question set with its reference SQL.
type Question struct {
	Q, SQL string
	Line   int
}

// ParseQuestions reads a question set: blocks of "q: QUESTION" and
// "sql: QUERY" lines, the query continued on indented lines; "#" starts a
// comment line.
func ParseQuestions(text string) ([]Question, error) {
	var out []Question
	var cur *Question
	for n, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "q:"):
			out = append(out, Question{Q: strings.TrimSpace(line[2:]), Line: n + 1})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "sql:"):
			if cur == nil || cur.SQL != "" {
				return nil, fmt.Errorf("line %d: sql: without a q: before it", n+1)
			}
			cur.SQL = strings.TrimSpace(line[4:])
		case strings.TrimSpace(line) == "":
			cur = nil
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil || cur.SQL == "" {
				return nil, fmt.Errorf("line %d: continuation outside a query", n+1)
			}
			cur.SQL += "\n" + strings.TrimSpace(line)
		default:
			return nil, fmt.Errorf("line %d: want q:, sql: or an indented continuation", n+1)
		}
	}
	for _, q := range out {
		if q.SQL == "" {
			return nil, fmt.Errorf("line %d: question without sql", q.Line)
		}
	}
	return out, nil
}
