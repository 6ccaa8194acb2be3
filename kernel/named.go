package kernel

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/floehq/floe/engine"
)

// resultsCatalog is the session's DuckDB database for named results: a
// file in the session's own directory, attached on first use. DuckDB
// compresses what it writes there and reads it back through its buffer
// pool, so a named result of tens of millions of rows costs disk, not
// memory. A temporary view of the same name makes the result readable by
// its bare name, as a temporary table would be, whatever the cell's
// USE or search_path.
const resultsCatalog = "floe_results"

// resultTable is the qualified name of a named result's table.
func resultTable(name string) string {
	return resultsCatalog + ".main." + engine.QuoteIdent(name)
}

// resultsDB attaches the results database, once.
func (s *Session) resultsDB(ctx context.Context) error {
	if err := s.spillDir(ctx); err != nil {
		return err
	}
	if s.held.attached {
		return nil
	}
	path := filepath.Join(s.held.dir, "results.duckdb")
	if _, err := s.sql.Conn().ExecContext(ctx, "ATTACH "+engine.QuoteString(path)+" AS "+resultsCatalog); err != nil {
		return fmt.Errorf("named results: attach %s: %w", path, err)
	}
	s.held.attached = true
	return nil
}

// createNamed runs query into the named result name, replacing an earlier
// result, table or view of that name in the session's temporary schema.
func (s *Session) createNamed(ctx context.Context, name, query string) error {
	if err := s.resultsDB(ctx); err != nil {
		return err
	}
	if err := s.sql.Exec(ctx, wrapped("CREATE OR REPLACE TABLE "+resultTable(name)+" AS", query, "")); err != nil {
		return unwrapped(err)
	}
	if err := s.dropTemp(ctx, name, "TABLE"); err != nil {
		return err
	}
	q := engine.QuoteIdent(name)
	if _, err := s.sql.Conn().ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW "+q+" AS SELECT * FROM "+resultTable(name)); err != nil {
		return fmt.Errorf("named result %s: %w", name, err)
	}
	return nil
}

// dropNamed removes a named result's view and table.
func (s *Session) dropNamed(ctx context.Context, name string) {
	s.dropTemp(ctx, name, "VIEW")
	if s.held.attached {
		s.sql.Conn().ExecContext(ctx, "DROP TABLE IF EXISTS "+resultTable(name))
	}
}

// dropTemp drops the temporary table or view (kind) called name, if there
// is one: DuckDB's CREATE OR REPLACE does not replace one kind with the
// other.
func (s *Session) dropTemp(ctx context.Context, name, kind string) error {
	list := "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND table_name = ?"
	if kind == "VIEW" {
		list = "SELECT count(*) FROM duckdb_views() WHERE database_name = 'temp' AND view_name = ?"
	}
	var n int
	conn := s.sql.Conn()
	if err := conn.QueryRowContext(ctx, list, name).Scan(&n); err != nil {
		return fmt.Errorf("named result %s: %w", name, err)
	}
	if n == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "DROP "+kind+" temp.main."+engine.QuoteIdent(name)); err != nil {
		return fmt.Errorf("named result %s: replace the temporary %s: %w", name, kind, err)
	}
	return nil
}
