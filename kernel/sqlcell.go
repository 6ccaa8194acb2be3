package kernel

import (
	"context"
	"fmt"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqltext"
	"github.com/floehq/floe/kernel/chart"
	"github.com/floehq/floe/notebooks"
)

// maxFailingRows bounds the failing rows an assertion lists.
const maxFailingRows = 10

// runSQL runs a SQL cell's statements in order; the last one's result is
// the cell's output. A named cell's result, and a charted cell's, is kept
// in the session's results database (named.go; under the name, or a hidden
// one) so that later cells can query it and charts can aggregate all of it.
// The output holds the first MaxRows rows and the exact count; assert
// checks see every row.
func (s *Session) runSQL(ctx context.Context, c *notebooks.Cell) error {
	stmts := lakesql.Split(c.Source)
	if len(stmts) == 0 {
		return nil
	}
	many := len(stmts) > 1
	for _, st := range stmts[:len(stmts)-1] {
		out, err := s.runStatement(ctx, st)
		if err != nil {
			return sqlError(err, st.Line, st.Text)
		}
		s.emit(Output{Kind: OutputStatement, Statement: out})
	}
	last := stmts[len(stmts)-1]
	o := c.Options
	if !isQuery(last) && o.Name == "" && o.Chart.Kind == "" && !o.Assert && o.Rows == nil {
		// DDL, DML, SET, SHOW ...: say what it did; a result set of
		// its own (SHOW, DESCRIBE, CALL) is the cell's table.
		out, err := s.runStatement(ctx, last)
		if err != nil {
			return sqlError(err, last.Line, last.Text)
		}
		switch {
		case out.Result != nil && !many:
			s.emit(Output{Kind: OutputTable, Table: out.Result})
		default:
			s.emit(Output{Kind: OutputStatement, Statement: out})
		}
		return nil
	}
	keep := o.Name
	hidden := keep == "" && o.Chart.Kind != ""
	if hidden {
		keep = fmt.Sprintf("floe_cell_%d", s.count)
	}
	var source string // where the full result can be read again
	var t *Table
	var check *assertion
	if o.Assert {
		check = &assertion{}
	}
	switch {
	case keep != "" && isQuery(last):
		if err := s.createNamed(ctx, keep, last.Text); err != nil {
			return sqlError(err, last.Line, last.Text)
		}
		source = engine.QuoteIdent(keep)
		var err error
		if check != nil {
			// An assertion looks at every row.
			t, err = s.stream(ctx, "SELECT * FROM "+source, s.opts.MaxRows, check)
		} else {
			t, err = s.head(ctx, source)
		}
		if err != nil {
			return sqlError(err, last.Line, last.Text)
		}
		if !hidden {
			s.addResult(keep)
			if s.holds() {
				s.keepNamed(c.ID, keep, last.Text, t)
			}
		}
	case keep != "":
		// Not a query (SHOW, DESCRIBE, CALL ...): its result is small.
		all, err := s.streamStatement(ctx, last, -1, check)
		if err != nil {
			return sqlError(err, last.Line, last.Text)
		}
		if err := s.register(ctx, keep, all); err != nil {
			return &CellError{Kind: KindSQL, Line: last.Line, Err: err}
		}
		source = engine.QuoteIdent(keep)
		t = s.displayTable(all)
	case check == nil && s.holds() && isQuery(last):
		var err error
		if t, err = s.keepQuery(ctx, c.ID, last.Text); err != nil {
			return sqlError(err, last.Line, last.Text)
		}
	case check == nil && s.opts.MaxRows > 0 && isQuery(last):
		// Only what is shown is read (shown).
		var err error
		if t, err = s.shown(ctx, last); err != nil {
			return sqlError(err, last.Line, last.Text)
		}
	default:
		var err error
		if t, err = s.streamStatement(ctx, last, s.opts.MaxRows, check); err != nil {
			return sqlError(err, last.Line, last.Text)
		}
	}
	if hidden {
		defer s.dropNamed(context.WithoutCancel(ctx), keep)
	}

	if o.Chart.Kind != "" {
		ch, err := s.chartOf(ctx, o.Chart, t, source)
		if err != nil {
			s.emit(Output{Kind: OutputTable, Table: t})
			return &CellError{Kind: KindChart, Line: last.Line, Err: err}
		}
		s.emit(Output{Kind: OutputChart, Chart: ch})
	}
	s.emit(Output{Kind: OutputTable, Table: t})

	if check != nil {
		if err := check.err(t); err != nil {
			return err
		}
	}
	if o.Rows != nil && t.Total != int64(*o.Rows) {
		return &CellError{Kind: KindRowCount, Err: fmt.Errorf("%w: want %d rows (rows=%d), got %d", ErrRowCount, *o.Rows, *o.Rows, t.Total)}
	}
	return nil
}

// stream runs one statement floe wrote and reads its result: the first
// limit rows (all if limit < 0) are kept, the rest only counted and
// checked.
func (s *Session) stream(ctx context.Context, stmt string, limit int, check *assertion) (*Table, error) {
	return s.streamStatement(ctx, statementOf(stmt), limit, check)
}

// statementOf is the one statement text, as Split would return it.
func statementOf(text string) lakesql.Statement {
	return lakesql.Statement{Text: text, Line: 1, Tokens: sqltext.Code(text)}
}

// streamStatement is stream for a statement Split returned: lakesql runs
// it on the tokens Split found, without scanning it again. Lines in its
// error count from the statement's first line (sqlError adds the cell's).
func (s *Session) streamStatement(ctx context.Context, st lakesql.Statement, limit int, check *assertion) (*Table, error) {
	st.Line = 1
	rows, err := s.sql.QueryStatement(ctx, st)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &Table{Columns: rows.Columns, Types: rows.Types}
	if check != nil {
		check.start(t)
	}
	for rows.Next() {
		v := rows.Values()
		if limit < 0 || len(t.Rows) < limit {
			t.Rows = append(t.Rows, v)
		}
		if check != nil {
			check.row(t.Total, v)
		}
		t.Total++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// assertion checks the boolean columns of every row of a result.
type assertion struct {
	cols    []int // the boolean columns
	failed  int64
	failing []string // the first maxFailingRows failing rows, described
	columns map[int]bool
	names   []string
}

func (a *assertion) start(t *Table) {
	a.columns = map[int]bool{}
	a.names = t.Columns
	for i, typ := range t.Types {
		if strings.EqualFold(typ, "BOOLEAN") {
			a.cols = append(a.cols, i)
		}
	}
}

func (a *assertion) row(n int64, v []any) {
	var bad []int
	for _, i := range a.cols {
		if b, ok := v[i].(bool); !ok || !b {
			bad = append(bad, i)
		}
	}
	if len(bad) == 0 {
		return
	}
	a.failed++
	for _, i := range bad {
		a.columns[i] = true
	}
	if len(a.failing) < maxFailingRows {
		a.failing = append(a.failing, fmt.Sprintf("row %d: %s", n+1, a.describe(v)))
	}
}

// describe lists a row's values as column=value.
func (a *assertion) describe(v []any) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = a.names[i] + "=" + shorten(FormatValue(x), 40)
	}
	return shorten(strings.Join(parts, ", "), 300)
}

func (a *assertion) err(t *Table) error {
	if len(a.cols) == 0 {
		return &CellError{Kind: KindAssertion, Err: fmt.Errorf("%w: assert needs a boolean column to check, and the result has none (columns: %s); select each condition as a boolean, such as SELECT count(*) > 0 AS has_rows", ErrAssertion, strings.Join(t.Columns, ", "))}
	}
	if a.failed == 0 {
		return nil
	}
	var names []string
	for _, i := range a.cols {
		if a.columns[i] {
			names = append(names, t.Columns[i])
		}
	}
	trace := a.failing
	if a.failed > int64(len(a.failing)) {
		trace = append(trace, fmt.Sprintf("… and %d more failing rows", a.failed-int64(len(a.failing))))
	}
	return &CellError{Kind: KindAssertion, Trace: trace,
		Err: fmt.Errorf("%w: %d of %d rows have %s false or NULL; first failing: %s", ErrAssertion, a.failed, t.Total, strings.Join(names, ", "), a.failing[0])}
}

// chartOf draws a SQL cell's chart. Histograms bin the whole result in
// DuckDB; the other kinds plot the rows of the output table.
func (s *Session) chartOf(ctx context.Context, o notebooks.Chart, t *Table, source string) (*chart.Chart, error) {
	var c *chart.Chart
	var err error
	if o.Kind == notebooks.ChartHistogram && source != "" {
		c, err = s.histogram(ctx, t, source, o.X)
	} else {
		c, err = chart.FromRows(chart.Kind(o.Kind), t.Columns, t.Rows, o.X, o.Y, o.Series)
		if err == nil && t.Truncated() {
			c.Note = fmt.Sprintf("first %d of %d rows", len(t.Rows), t.Total)
		}
	}
	if err != nil {
		return nil, err
	}
	c.Title = o.Title
	return c, nil
}

// histogram bins column x of the table source in DuckDB.
func (s *Session) histogram(ctx context.Context, t *Table, source, x string) (*chart.Chart, error) {
	i := t.Index(x)
	if i < 0 {
		return nil, fmt.Errorf("chart x=%s: no such column (columns: %s)", x, strings.Join(t.Columns, ", "))
	}
	if !isNumeric(t.Types[i]) {
		return nil, fmt.Errorf("chart=histogram needs a numeric x column, and %s is %s", x, t.Types[i])
	}
	col := engine.QuoteIdent(x)
	st, err := s.Query(ctx, fmt.Sprintf("SELECT min(%s)::DOUBLE, max(%s)::DOUBLE, count(%s) FROM %s", col, col, col, source))
	if err != nil {
		return nil, err
	}
	n, _ := st.Rows[0][2].(int64)
	if n == 0 {
		return nil, chart.ErrNoData
	}
	lo, _ := st.Rows[0][0].(float64)
	hi, _ := st.Rows[0][1].(float64)
	bins := chart.BinCount(n)
	w := chart.BinWidth(lo, hi, bins)
	counts, err := s.Query(ctx, fmt.Sprintf("SELECT least(%d, greatest(0, floor((%s::DOUBLE - %v) / %v)))::BIGINT AS b, count(*) FROM %s WHERE %s IS NOT NULL GROUP BY b",
		bins-1, col, lo, w, source, col))
	if err != nil {
		return nil, err
	}
	pts := make([]chart.Point, bins)
	for k := range pts {
		pts[k] = chart.Point{X: lo + float64(k)*w, X2: lo + float64(k+1)*w}
	}
	for _, r := range counts.Rows {
		b, _ := r[0].(int64)
		c, _ := r[1].(int64)
		pts[b].Y = float64(c)
	}
	return &chart.Chart{Kind: chart.Histogram, X: x, Y: "count", Series: []chart.Series{{Points: pts}}}, nil
}
