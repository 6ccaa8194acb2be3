package kernel

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqltext"
)

// Statement is what one statement of a SQL cell did: a cell of several
// statements has one per statement before the last, and one for the last
// when that is not a query (DDL, DML, SET ...).
type Statement struct {
	Line int    // the 1-based line of the cell where the statement starts
	SQL  string // the statement's text
	// Verb is its leading keywords in upper case: "CREATE TABLE",
	// "INSERT", "SELECT".
	Verb string
	// Object is what it created, dropped, altered or wrote to, as written:
	// "lake.sales.orders"; "" when it names none.
	Object string
	// Rows is how many rows it inserted, updated, deleted or created;
	// -1 when it does not say.
	Rows int64
	// Result is its result set, when it has one that is not just a count:
	// a query, SHOW, DESCRIBE, CALL. It holds the first MaxRows rows and
	// the exact count; it is not held for paging (Result is "").
	Result   *Table
	Duration time.Duration
}

// Summary says what the statement did in a few words: "created table
// lake.s.t", "inserted 3 rows into lake.s.t", "12 rows", "ok".
func (st *Statement) Summary() string {
	rows := func(n int64) string {
		if n == 1 {
			return "1 row"
		}
		return fmt.Sprintf("%d rows", n)
	}
	obj := st.Object
	verb, kind, _ := strings.Cut(st.Verb, " ")
	kind = strings.ToLower(kind)
	switch verb {
	case "INSERT":
		return withObject("inserted "+rows(max(st.Rows, 0)), "into", obj)
	case "UPDATE":
		return withObject("updated "+rows(max(st.Rows, 0)), "of", obj)
	case "DELETE":
		return withObject("deleted "+rows(max(st.Rows, 0)), "from", obj)
	case "MERGE":
		return withObject("merged "+rows(max(st.Rows, 0)), "into", obj)
	case "TRUNCATE":
		return withObject("emptied", "", obj)
	case "CREATE", "DROP", "ALTER":
		done := map[string]string{"CREATE": "created", "DROP": "dropped", "ALTER": "altered"}[verb]
		s := strings.TrimSpace(done + " " + kind + " " + obj)
		if st.Rows >= 0 {
			s += " (" + rows(st.Rows) + ")"
		}
		return s
	}
	if st.Result != nil {
		return rows(st.Result.Total)
	}
	if st.Rows >= 0 {
		return rows(st.Rows) + " changed"
	}
	return "ok"
}

func withObject(s, prep, obj string) string {
	if obj == "" {
		return s
	}
	if prep == "" {
		return s + " " + obj
	}
	return s + " " + prep + " " + obj
}

// Caption is the statement's one-line description: "line 3 · CREATE
// TABLE · created table lake.s.t · 12ms".
func (st *Statement) Caption() string {
	return fmt.Sprintf("line %d · %s · %s", st.Line, st.Verb, st.Summary())
}

// text is the statement's plain-text rendering: its caption, and its
// result set below it when it has one.
func (st *Statement) text() string {
	s := "✓ " + st.Caption() + "\n"
	if st.Result != nil {
		s += st.Result.render(terminalRows)
	}
	return s
}

// html is the statement's HTML rendering for notebooks and reports.
func (st *Statement) html() string {
	s := `<p class="floe-statement"><code>` + html.EscapeString(st.Caption()) + "</code></p>\n"
	if st.Result != nil {
		s += st.Result.HTML()
	}
	return s
}

// runStatement runs one statement of a cell and reports what it did. A
// query's rows are read only as far as the output shows them.
func (s *Session) runStatement(ctx context.Context, st lakesql.Statement) (*Statement, error) {
	start := time.Now()
	out := &Statement{Line: st.Line, SQL: st.Text, Rows: -1}
	out.Verb, out.Object = describeStatement(st.Tokens)
	if isQuery(st) {
		t, err := s.shown(ctx, st)
		if err != nil {
			return nil, err
		}
		out.Result = t
		out.Duration = time.Since(start)
		return out, nil
	}
	t, err := s.streamStatement(ctx, st, s.opts.MaxRows, nil)
	if err != nil {
		return nil, err
	}
	out.Duration = time.Since(start)
	switch {
	case isCount(t):
		if len(t.Rows) == 1 {
			out.Rows = toInt64(t.Rows[0][0])
		}
	case isSuccess(t), len(t.Columns) == 0:
	default:
		out.Result = t
	}
	return out, nil
}

// shown runs a query and reads only the rows an output shows: DuckDB's
// driver materialises a whole result, so a 10M-row SELECT read to the end
// would hold it all. A result larger than that is counted by a second
// query.
func (s *Session) shown(ctx context.Context, query lakesql.Statement) (*Table, error) {
	limited := wrappedStatement("SELECT * FROM (", query, fmt.Sprintf(") AS floe_shown LIMIT %d", s.opts.MaxRows+1))
	t, err := s.streamStatement(ctx, limited, s.opts.MaxRows, nil)
	if err != nil {
		return nil, unwrapped(err)
	}
	if t.Total > int64(s.opts.MaxRows) {
		counted, err := s.streamStatement(ctx, wrappedStatement("SELECT count(*) FROM (", query, ") AS floe_counted"), 1, nil)
		if err != nil {
			return nil, unwrapped(err)
		}
		t.Total = counted.Rows[0][0].(int64)
	}
	return t, nil
}

// isCount reports whether a result is DuckDB's (or floe's) count of the
// rows a statement changed.
func isCount(t *Table) bool {
	return len(t.Columns) == 1 && t.Columns[0] == "Count" && len(t.Rows) <= 1
}

// isSuccess reports whether a result only says that the statement ran.
func isSuccess(t *Table) bool {
	return len(t.Columns) == 1 && t.Columns[0] == "Success"
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case uint64:
		return int64(n)
	case int:
		return int64(n)
	}
	return -1
}

// describeStatement finds a statement's verb ("CREATE TABLE") and the
// object it names ("lake.s.t").
func describeStatement(toks []sqltext.Token) (verb, object string) {
	if len(toks) == 0 {
		return "", ""
	}
	first := strings.ToUpper(toks[0].Text)
	i := 1
	skip := func(words ...string) {
		for i < len(toks) {
			found := false
			for _, w := range words {
				if toks[i].Is(w) {
					found = true
				}
			}
			if !found {
				return
			}
			i++
		}
	}
	switch first {
	case "CREATE", "DROP", "ALTER":
		skip("OR", "REPLACE", "TEMP", "TEMPORARY", "PERSISTENT", "UNIQUE", "MATERIALIZED")
		if i >= len(toks) || toks[i].Kind != sqltext.Word {
			return first, ""
		}
		kind := strings.ToUpper(toks[i].Text)
		i++
		if kind == "MACRO" || kind == "FUNCTION" {
			skip("TABLE")
		}
		skip("IF", "NOT", "EXISTS")
		return first + " " + kind, qualifiedName(toks, i)
	case "INSERT":
		skip("OR", "REPLACE", "IGNORE", "INTO")
		return first, qualifiedName(toks, i)
	case "DELETE":
		skip("FROM")
		return first, qualifiedName(toks, i)
	case "MERGE":
		skip("INTO")
		return first, qualifiedName(toks, i)
	case "UPDATE", "TRUNCATE":
		skip("TABLE")
		return first, qualifiedName(toks, i)
	}
	return first, ""
}

// qualifiedName reads a dotted name starting at toks[i].
func qualifiedName(toks []sqltext.Token, i int) string {
	var parts []string
	for i < len(toks) && toks[i].IsName() {
		parts = append(parts, toks[i].Text)
		if i+1 < len(toks) && toks[i+1].IsPunct(".") {
			i += 2
			continue
		}
		break
	}
	return strings.Join(parts, ".")
}
