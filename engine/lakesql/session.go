package lakesql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine"
)

// Session is one DuckDB connection with the warehouse attached as `lake`.
// A Session runs one statement at a time; it is not safe for concurrent use
// except for Interrupt-style cancellation through the context.
type Session struct {
	wh   *engine.Warehouse
	db   *sql.DB
	conn *sql.Conn

	mu      sync.Mutex
	tables  map[tableKey]*tableState // lake tables whose views are defined
	schemas map[string]bool          // lake schemas that exist in DuckDB
	scratch int

	lastPlans []PlanStats
	reads     []*engine.Plan  // scans the statement being prepared reads (access.go's tiering records)
	noAccess  bool            // maintenance is running: its reads change no tier
	dvTables  map[string]bool // deletion-vector position tables already loaded

	defs      []definition // the views and macros users defined (views.go)
	defsStale bool         // defs must be listed again

	tempDir string // a Confined session's DuckDB temporary directory

	procs map[string]Procedure // what CALL runs: the built-in ones and WithProcedure's
}

type tableKey struct{ ns, name string }

// scratchSchema holds floe's own relations (column probes, pruned scans).
// It is named with its catalog so that USE lake.ns does not hide it.
const scratchSchema = "memory.floe_scratch"

// tableState remembers the view floe last defined for a lake table.
type tableState struct {
	metaLoc string
	tbl     *engine.Table
	fullSQL string       // unpruned scan of the current snapshot, cached per metaLoc
	full    *engine.Plan // the plan fullSQL renders
	pruned  bool         // the view does not hold fullSQL yet (placeholder or an older plan)
	extra   []string
}

// Open starts a DuckDB database in memory with the warehouse attached as
// the catalog `lake`.
func Open(ctx context.Context, wh *engine.Warehouse, opts ...Option) (*Session, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	procs, err := procedures(o.procs)
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	s := &Session{wh: wh, db: db, conn: conn, procs: procs, tables: map[tableKey]*tableState{}, schemas: map[string]bool{}, dvTables: map[string]bool{}}
	for _, q := range []string{
		"ATTACH ':memory:' AS lake",
		"CREATE SCHEMA " + scratchSchema,
		// Iceberg data files never change once written: DuckDB keeps
		// their Parquet footers between queries (it still checks each
		// file's modification time), which a row-level change over many
		// small files would otherwise parse again every time.
		"SET parquet_metadata_cache = true",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			s.Close()
			return nil, fmt.Errorf("start duckdb: %s: %w", q, err)
		}
	}
	if err := registerUDFs(conn); err != nil {
		s.Close()
		return nil, fmt.Errorf("register floe's SQL functions: %w", err)
	}
	if err := s.syncCatalog(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("list the lake's tables: %w", err)
	}
	if o.confined {
		if err := s.confine(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("confine the session: %w", err)
		}
	}
	return s, nil
}

// Warehouse returns the session's warehouse.
func (s *Session) Warehouse() *engine.Warehouse { return s.wh }

// Conn returns the session's DuckDB connection, for callers that need the
// driver's extras (appenders, UDFs). Queries on lake tables must go through
// Query or Exec so that their scans are planned.
func (s *Session) Conn() *sql.Conn { return s.conn }

// Close closes the DuckDB connection and database.
func (s *Session) Close() error {
	var errs []error
	if err := s.wh.FlushAccess(context.Background()); err != nil {
		errs = append(errs, fmt.Errorf("record reads for tiering: %w", err))
	}
	if s.conn != nil {
		errs = append(errs, s.conn.Close())
	}
	errs = append(errs, s.db.Close())
	if s.tempDir != "" {
		errs = append(errs, os.RemoveAll(s.tempDir))
	}
	return errors.Join(errs...)
}

// syncCatalog makes DuckDB's lake catalog list the warehouse's schemas and
// tables: each table gets a placeholder view with its columns that fails if
// it is ever scanned without floe planning it first.
func (s *Session) syncCatalog(ctx context.Context) error {
	nss, err := s.wh.Namespaces(ctx)
	if err != nil {
		return err
	}
	want := map[tableKey]bool{}
	for _, ns := range nss {
		if err := s.ensureSchema(ctx, ns); err != nil {
			return err
		}
		names, err := s.wh.Tables(ctx, ns)
		if err != nil {
			return err
		}
		for _, n := range names {
			want[tableKey{ns, n}] = true
			if _, ok := s.tables[tableKey{ns, n}]; ok {
				continue
			}
			if err := s.definePlaceholder(ctx, ns, n); err != nil {
				// One unreadable table must not make the whole warehouse
				// unusable: a statement that reads it reports the error
				// when floe plans its scan.
				slog.Debug("lake table unavailable", "table", "lake."+ns+"."+n, "err", err)
				continue
			}
		}
	}
	for k := range s.tables {
		if !want[k] {
			s.forget(ctx, k)
		}
	}
	for ns := range s.schemas {
		found := false
		for _, n := range nss {
			found = found || n == ns
		}
		if !found {
			s.exec(ctx, "DROP SCHEMA IF EXISTS lake."+engine.QuoteIdent(ns)+" CASCADE")
			delete(s.schemas, ns)
		}
	}
	return nil
}

func (s *Session) ensureSchema(ctx context.Context, ns string) error {
	if s.schemas[ns] {
		return nil
	}
	if err := s.exec(ctx, "CREATE SCHEMA IF NOT EXISTS lake."+engine.QuoteIdent(ns)); err != nil {
		return fmt.Errorf("show schema lake.%s to DuckDB: %w", ns, err)
	}
	s.schemas[ns] = true
	return nil
}

func (s *Session) forget(ctx context.Context, k tableKey) {
	if st, ok := s.tables[k]; ok {
		for _, e := range st.extra {
			s.exec(ctx, "DROP VIEW IF EXISTS "+e)
			s.exec(ctx, "DROP TABLE IF EXISTS "+e)
		}
	}
	s.exec(ctx, "DROP VIEW IF EXISTS "+viewName(k.ns, k.name))
	delete(s.tables, k)
}

func viewName(ns, name string) string {
	return "lake." + engine.QuoteIdent(ns) + "." + engine.QuoteIdent(name)
}

// definePlaceholder defines a table's view with its columns and a body that
// raises an error: DESCRIBE and catalog listings work, scans must be
// planned.
func (s *Session) definePlaceholder(ctx context.Context, ns, name string) error {
	t, err := s.wh.Table(ctx, ns, name)
	if err != nil {
		return err
	}
	if err := s.ensureSchema(ctx, ns); err != nil {
		return err
	}
	sel, err := placeholderSQL(t)
	if err != nil {
		return fmt.Errorf("show lake.%s.%s to DuckDB: %w", ns, name, err)
	}
	if err := s.exec(ctx, "CREATE OR REPLACE VIEW "+viewName(ns, name)+" AS "+sel); err != nil {
		return fmt.Errorf("show lake.%s.%s to DuckDB: %w", ns, name, err)
	}
	st := s.tables[tableKey{ns, name}]
	if st == nil {
		st = &tableState{}
		s.tables[tableKey{ns, name}] = st
	}
	st.tbl, st.metaLoc, st.pruned, st.fullSQL = t, t.MetadataLocation(), true, ""
	return nil
}

func placeholderSQL(t *engine.Table) (string, error) {
	fields := t.Schema().Fields()
	sel := make([]string, len(fields))
	msg := engine.QuoteString(fmt.Sprintf("%s was read without floe planning its scan; refer to it as %s", t.Ident(), t.Ident()))
	for i, f := range fields {
		typ, err := engine.DuckDBType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%s column %s: %w", t.Ident(), f.Name, err)
		}
		sel[i] = fmt.Sprintf("CAST(error(%s) AS %s) AS %s", msg, typ, engine.QuoteIdent(f.Name))
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM range(1)", nil
}

func (s *Session) exec(ctx context.Context, q string) error {
	slog.Debug("duckdb exec", "sql", truncate(q, 500))
	if _, err := s.conn.ExecContext(ctx, q); err != nil {
		return err
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
