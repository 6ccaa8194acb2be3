package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// ErrWrite is the error for SQL that would change data, the catalog, the
// session or files, or that reads outside the lake, when writes are not
// allowed. Errors from the read-only guard wrap it; test with errors.Is.
var ErrWrite = errors.New("not a read-only query")

// WriteError says why the read-only guard refused a statement.
type WriteError struct {
	SQL    string
	Reason string
	// Writes says that the statement was refused because it writes lake
	// data or the catalog, and for no other reason: a caller that allows
	// writes may run it. Statements that read or write files, read
	// settings or the environment, or change the session never have it.
	Writes bool
}

func (e *WriteError) Error() string {
	if e.Writes {
		return fmt.Sprintf("refused: %s (the agent only runs read-only queries unless writes are allowed)", e.Reason)
	}
	return fmt.Sprintf("refused: %s (the agent only runs read-only queries of lake tables)", e.Reason)
}

// Unwrap returns ErrWrite.
func (e *WriteError) Unwrap() error { return ErrWrite }

// lakeWrite reports whether err is the guard's refusal of a statement that
// only writes lake data (WriteError.Writes).
func lakeWrite(err error) bool {
	var we *WriteError
	return errors.As(err, &we) && we.Writes
}

// writeVerbs start statements that change lake data or the catalog. With
// writes allowed, such a statement is handed back to the caller unrun.
var writeVerbs = wordSet(`INSERT UPDATE DELETE MERGE UPSERT CREATE DROP ALTER TRUNCATE CALL COMMENT`)

// otherVerbs start statements the agent never runs, with why.
var otherVerbs = map[string]string{
	"COPY":       "COPY reads or writes files",
	"EXPORT":     "EXPORT writes files",
	"IMPORT":     "IMPORT reads files",
	"ATTACH":     "ATTACH opens another database",
	"DETACH":     "DETACH changes the session's databases",
	"INSTALL":    "INSTALL installs extensions",
	"LOAD":       "LOAD loads extensions",
	"FORCE":      "FORCE installs extensions",
	"PRAGMA":     "PRAGMA reads or changes settings",
	"SET":        "SET changes the session",
	"RESET":      "RESET changes the session",
	"USE":        "USE changes the session",
	"BEGIN":      "BEGIN changes the session",
	"START":      "START changes the session",
	"COMMIT":     "COMMIT changes the session",
	"END":        "END changes the session",
	"ROLLBACK":   "ROLLBACK changes the session",
	"ABORT":      "ABORT changes the session",
	"PREPARE":    "PREPARE changes the session",
	"EXECUTE":    "EXECUTE runs a prepared statement",
	"DEALLOCATE": "DEALLOCATE changes the session",
	"CHECKPOINT": "CHECKPOINT writes the database",
	"VACUUM":     "VACUUM writes the database",
	"GRANT":      "GRANT changes permissions",
	"REVOKE":     "REVOKE changes permissions",
	"EXPLAIN":    "EXPLAIN is not a query the agent runs",
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// CheckReadOnly returns nil when sql is one SELECT statement (WITH,
// VALUES, DESCRIBE, SUMMARIZE and FROM-first forms included) that reads
// only lake tables with plain computation, and a *WriteError saying why
// not otherwise.
//
// The decision is made on DuckDB's own parse tree (json_serialize_sql, in
// a DuckDB database of the guard's own): every table the statement names
// must be a lake table (lake.schema.table) or one of its own CTEs, every
// function it calls must be on the reviewed list in allowfuncs.txt (table
// functions: range, generate_series, unnest), and every construct must be
// one the guard knows. Anything else is refused: a function floe does not
// know, a file read however it is spelled (read_text, "READ_TEXT",
// main.read_csv, FROM 'x.csv', query('...')), settings, the environment,
// DuckDB's catalog outside the lake. A keyword check of the statement's
// tokens runs as well, and is what classifies statements DuckDB cannot
// serialize (everything but SELECT).
func CheckReadOnly(ctx context.Context, sql string) error {
	refuse := func(writes bool, format string, args ...any) error {
		return &WriteError{SQL: sql, Reason: fmt.Sprintf(format, args...), Writes: writes}
	}
	stmts := sqltext.Split(sql)
	switch {
	case len(stmts) == 0:
		return refuse(false, "no statement")
	case len(stmts) > 1:
		return refuse(false, "%d statements; a read-only query is exactly one", len(stmts))
	}
	toks := stmts[0].Tokens
	outside := reachesOutside(toks)
	tree, err := parseSelect(ctx, sql)
	switch {
	case errors.Is(err, errNotSelect):
		verb := statementVerb(toks)
		switch {
		case outside != "":
			return refuse(false, "%s", outside)
		case writeVerbs[verb]:
			return refuse(true, "%s writes", verb)
		case otherVerbs[verb] != "":
			return refuse(false, "%s", otherVerbs[verb])
		}
		return refuse(false, "%s is not a query", verb)
	case err != nil:
		return refuse(false, "not a single valid SELECT statement: %v", err)
	}
	if err := checkTree(tree); err != nil {
		if reason, ok := asRefused(err); ok {
			return refuse(false, "%s", reason)
		}
		return refuse(false, "%v", err)
	}
	if outside != "" {
		return refuse(false, "%s", outside)
	}
	return nil
}

// statementVerb returns the word that says what a statement does: its
// first word, or for WITH and parenthesized statements the first verb that
// is not SELECT.
func statementVerb(toks []sqltext.Token) string {
	first := strings.ToUpper(toks[0].Text)
	if toks[0].Kind == sqltext.Word && first != "WITH" {
		return first
	}
	for _, t := range toks {
		w := strings.ToUpper(t.Text)
		if t.Kind == sqltext.Word && (writeVerbs[w] || otherVerbs[w] != "") {
			return w
		}
	}
	return first
}

// reachesOutside is the keyword check: a function known to reach outside
// the lake called by a word or a quoted identifier, in any case, or a
// string or path after FROM or JOIN. It returns why, or "".
func reachesOutside(toks []sqltext.Token) string {
	for i, t := range toks {
		if !t.IsName() {
			continue
		}
		name := strings.ToLower(t.Ident())
		if i+1 < len(toks) && toks[i+1].IsPunct("(") && !allowedFuncs[name] && !allowedTableFuncs[name] {
			if r := outsideReason(name); r != "" {
				return name + " " + r
			}
		}
		if (t.Is("FROM") || t.Is("JOIN")) && i+1 < len(toks) {
			next := toks[i+1]
			pathLike := next.Kind == sqltext.Quoted && strings.ContainsAny(next.Ident(), "/\\.*?~:") &&
				!(i+2 < len(toks) && toks[i+2].IsPunct("."))
			if next.Kind == sqltext.String || pathLike {
				return fmt.Sprintf("FROM %s reads a file", next.Text)
			}
		}
	}
	return ""
}
