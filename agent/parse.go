package agent

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	_ "github.com/duckdb/duckdb-go/v2" // the parser's database/sql driver
)

// errNotSelect is what parseSelect returns for a statement DuckDB parses
// but cannot serialize: anything other than a SELECT (json_serialize_sql
// serializes SELECT statements only).
var errNotSelect = errors.New("not a SELECT statement")

// parser is a DuckDB database of the guard's own, used only to parse: it
// has no tables, may touch no file and cannot be reconfigured. Parsing
// there keeps the guard off every session's connection.
var parser struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func parserDB() (*sql.DB, error) {
	parser.once.Do(func() {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			parser.err = fmt.Errorf("start the SQL parser: %w", err)
			return
		}
		for _, q := range []string{"SET enable_external_access = false", "SET lock_configuration = true"} {
			if _, err := db.Exec(q); err != nil {
				db.Close()
				parser.err = fmt.Errorf("start the SQL parser: %s: %w", q, err)
				return
			}
		}
		parser.db = db
	})
	return parser.db, parser.err
}

// parseSelect returns DuckDB's parse tree of sql, which must be exactly
// one SELECT statement, as json_serialize_sql renders it: the statement is
// parsed, not bound or run. It returns errNotSelect (wrapped) for other
// statements and DuckDB's message for SQL that does not parse.
func parseSelect(ctx context.Context, sqlText string) (any, error) {
	db, err := parserDB()
	if err != nil {
		return nil, err
	}
	var out string
	if err := db.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(CAST(? AS VARCHAR)) AS VARCHAR)", sqlText).Scan(&out); err != nil {
		return nil, fmt.Errorf("parse SQL: %w", err)
	}
	var r struct {
		Error      bool   `json:"error"`
		Type       string `json:"error_type"`
		Message    string `json:"error_message"`
		Statements []any  `json:"statements"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("parse SQL: %w", err)
	}
	switch {
	case r.Error && r.Type == "not implemented":
		// "Only SELECT statements can be serialized to json!"
		return nil, fmt.Errorf("%w: %s", errNotSelect, r.Message)
	case r.Error:
		return nil, errors.New(r.Message)
	case len(r.Statements) != 1:
		return nil, fmt.Errorf("%d statements; a query is exactly one", len(r.Statements))
	}
	return r.Statements[0], nil
}
