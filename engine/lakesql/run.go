package lakesql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// StatementError is a statement that failed, with where it stands in the
// script.
type StatementError struct {
	Statement string
	Line      int
	Err       error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("line %d: %v\n  in: %s", e.Line, e.Err, truncate(oneLine(e.Statement), 200))
}

func (e *StatementError) Unwrap() error { return e.Err }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Query runs every statement of a script in order and returns the result
// of the last one. It stops at the first failing statement.
func (s *Session) Query(ctx context.Context, script string) (*Rows, error) {
	stmts := Split(script)
	if len(stmts) == 0 {
		return nil, errors.New("no SQL statement to run")
	}
	for i, st := range stmts {
		rows, err := s.QueryStatement(ctx, st)
		if err != nil {
			return nil, err
		}
		if i == len(stmts)-1 {
			return rows, nil
		}
		if _, err := rows.All(); err != nil {
			return nil, &StatementError{Statement: st.Text, Line: st.Line, Err: err}
		}
	}
	panic("unreachable")
}

// QueryStatement runs one statement as Split returns it, looking at the
// tokens Split found rather than scanning its text again, and returns its
// result. An error is a *StatementError naming st's text and line.
func (s *Session) QueryStatement(ctx context.Context, st Statement) (*Rows, error) {
	rows, err := s.run(ctx, st)
	if err != nil {
		return nil, &StatementError{Statement: st.Text, Line: st.Line, Err: err}
	}
	return rows, nil
}

// Exec runs a script and discards its results.
func (s *Session) Exec(ctx context.Context, script string) error {
	rows, err := s.Query(ctx, script)
	if err != nil {
		return err
	}
	_, err = rows.All()
	return err
}

// LastPlans reports the pruned scans of the last statement that had any.
func (s *Session) LastPlans() []PlanStats { return s.lastPlans }

// run runs one statement, looking at the tokens Split found.
func (s *Session) run(ctx context.Context, st Statement) (*Rows, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runLocked(ctx, st)
}

// runLocked is run for a caller that holds s.mu (a procedure running
// statements of its own).
func (s *Session) runLocked(ctx context.Context, st Statement) (*Rows, error) {
	stmt, toks := st.Text, st.Tokens
	if len(toks) == 0 {
		return okRows(), nil
	}
	if h := s.lakeCommand(toks, stmt); h != nil {
		rows, err := h(ctx)
		if err != nil {
			return nil, err
		}
		return rows, nil
	}
	if err := s.refuseLakeView(ctx, toks); err != nil {
		return nil, err
	}
	if err := s.refuseUnknownProcedure(ctx, toks); err != nil {
		return nil, err
	}
	if err := refuseLakeWrite(toks); err != nil {
		return nil, err
	}
	if changesDefinitions(toks) {
		// After the statement ran: the next one lists views and macros again.
		defer func() { s.defsStale = true }()
	}
	q, err := s.prepareTokens(ctx, stmt, toks)
	if err != nil {
		return nil, err
	}
	r, err := s.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.recordReads()
	return wrapRows(r)
}

// recordReads reports the data files of the scans the statement just run
// read (pruned plans only hold the files kept), for Intelligent-Tiering's
// access times and the storage lens's counters; maintenance's reads are
// not recorded.
func (s *Session) recordReads() {
	reads := s.reads
	s.reads = nil
	if s.noAccess {
		return
	}
	for _, p := range reads {
		s.wh.RecordScan(p)
	}
}

// prepareRead rewrites a statement's lake references and plans their scans,
// returning the SQL to hand to DuckDB.
func (s *Session) prepareRead(ctx context.Context, stmt string) (string, error) {
	return s.prepareTokens(ctx, stmt, sqltext.Code(stmt))
}

// prepareTokens is prepareRead of a statement already cut into tokens.
func (s *Session) prepareTokens(ctx context.Context, stmt string, toks []token) (string, error) {
	// Planning reads each table's catalog pointer once (one request on
	// object storage); nothing is committed before prepareTokens returns.
	ctx = engine.PinTables(ctx)
	s.lastPlans = nil
	s.reads = nil
	rs, err := s.rewriteReads(ctx, stmt, toks)
	if err != nil {
		return "", err
	}
	if err := s.planViewReads(ctx, toks); err != nil {
		return "", err
	}
	if len(rs.refs) == 0 {
		return rs.sql, nil
	}
	filters := s.pruneFilters(ctx, rs.sql, rs)
	if rs.sql != stmt {
		// Time travel was written as a view: the text changed.
		toks = sqltext.Code(rs.sql)
	}
	for key := range filters {
		if qualifiesColumn(toks, key) {
			// A column written lake.ns.t.col must keep its relation's
			// name, so that relation is read whole.
			delete(filters, key)
		}
	}
	if err := s.defineViews(ctx, rs, filters); err != nil {
		return "", err
	}
	return usePruned(rs.sql, toks, filters), nil
}

// qualifiesColumn reports whether the relation ns\x00name is used as the
// qualifier of a column (lake.ns.t.col or ns.t.col).
func qualifiesColumn(toks []token, key string) bool {
	ns, name, _ := strings.Cut(key, "\x00")
	for i := 2; i+1 < len(toks); i++ {
		if toks[i+1].IsPunct(".") && toks[i-1].IsPunct(".") && namesIdent(toks[i], name) && namesIdent(toks[i-2], ns) {
			return true
		}
	}
	return false
}

func namesIdent(t token, name string) bool {
	switch t.Kind {
	case sqltext.Word:
		return strings.EqualFold(t.Text, name)
	case sqltext.Quoted:
		return t.Ident() == name
	}
	return false
}

// usePruned points the statement's references to pruned relations at the
// pruned scans floe defined for this statement alone, keeping the names
// the statement qualifies columns with. lake.ns.t itself always holds the
// whole table, so DuckDB views defined over it never see a pruned scan.
func usePruned(sql string, toks []token, filters map[string]iceberg.BooleanExpression) string {
	if len(filters) == 0 {
		return sql
	}
	var b strings.Builder
	pos := 0
	for _, r := range findLakeRefs(sql, toks) {
		if _, ok := filters[r.ns+"\x00"+r.name]; !ok {
			continue
		}
		b.WriteString(sql[pos:r.start])
		b.WriteString(prunedName(r.ns, r.name))
		if !aliasFollows(toks, r.last) {
			b.WriteString(" AS " + engine.QuoteIdent(r.name))
		}
		pos = r.end
	}
	b.WriteString(sql[pos:])
	return b.String()
}

// refuseLakeWrite rejects statements that would write to the in-memory
// stand-ins of lake tables instead of the warehouse.
func refuseLakeWrite(toks []token) error {
	verb := strings.ToUpper(toks[0].Text)
	targetAt := -1
	switch verb {
	case "DELETE", "TRUNCATE":
		for i := 1; i < len(toks) && i < 4; i++ {
			if isLakeAt(toks, i) {
				targetAt = i
				break
			}
		}
	case "UPDATE", "COPY":
		if isLakeAt(toks, 1) {
			targetAt = 1
		}
	case "MERGE", "INSERT":
		for i := 1; i < len(toks) && i < 4; i++ {
			if isLakeAt(toks, i) {
				targetAt = i
				break
			}
		}
	case "CREATE", "ALTER", "DROP", "COMMENT":
		for i := 1; i < len(toks) && i < 8; i++ {
			if toks[i].IsPunct("(") || toks[i].Is("AS") {
				break
			}
			if isLakeAt(toks, i) {
				targetAt = i
				break
			}
		}
	}
	if targetAt < 0 {
		return nil
	}
	if verb == "DELETE" || verb == "UPDATE" || verb == "MERGE" {
		return fmt.Errorf("%s on lake tables is not supported yet: floe cannot write row-level changes to Iceberg tables in this version", verb)
	}
	return fmt.Errorf("this %s statement on a lake object is not supported; floe supports CREATE/DROP SCHEMA, CREATE/DROP TABLE, CREATE TABLE AS, INSERT INTO and ALTER TABLE on lake tables", verb)
}
