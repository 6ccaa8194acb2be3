package kernel

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Names are what a SQL cell can name, for completion in the workbench: the
// session's own tables and views (named cell results are temporary views
// of the results database, listed as tables), the warehouse's tables under
// the lake catalog, and DuckDB's functions.
type Names struct {
	// Tables are the session's tables and views outside the lake catalog,
	// by schema: temp.main for named results, main for tables a cell
	// created.
	Tables []Relation
	// Lake are the warehouse's tables; Schema is the namespace.
	Lake []Relation
	// Functions are the names of DuckDB's functions, macros and table
	// functions, sorted, without the internal ones.
	Functions []string
}

// Relation is a table or view and its columns.
type Relation struct {
	Catalog string // DuckDB's database: temp, memory or lake
	Schema  string
	Name    string
	View    bool
	Columns []Column
}

// Column is one column of a Relation.
type Column struct {
	Name string
	Type string
}

// namesCache keeps the last Names and the execution count it was taken
// after; functions rarely change and are listed once.
type namesCache struct {
	mu        sync.Mutex
	at        int
	names     *Names
	functions []string
}

// Names lists what SQL cells can name now. The answer is cached until the
// next cell runs, so calling it after every run costs one listing per run.
// It waits for a running cell: the session's DuckDB connection runs one
// statement at a time.
func (s *Session) Names(ctx context.Context) (*Names, error) {
	if err := s.busy.lock(ctx); err != nil {
		return nil, err
	}
	defer s.busy.unlock()
	c := &s.names
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names != nil && c.at == s.count {
		return c.names, nil
	}
	conn := s.sql.Conn()
	if c.functions == nil {
		fns, err := listFunctions(ctx, conn)
		if err != nil {
			return nil, err
		}
		c.functions = fns
	}
	rels, err := listRelations(ctx, conn)
	if err != nil {
		return nil, err
	}
	n := &Names{Functions: c.functions}
	lake, err := s.lakeTables(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		switch {
		case r.Catalog == "lake":
			// Placeholder views carry a lake table's columns; floe's own
			// planned views and metadata tables are left out.
			if lake[r.Schema+"."+r.Name] {
				n.Lake = append(n.Lake, r)
				delete(lake, r.Schema+"."+r.Name)
			}
		case r.Catalog == resultsCatalog:
			// Named results' tables: listed through their views below.
		case r.Schema == "floe_scratch" || strings.HasPrefix(r.Name, "floe_cell_") ||
			strings.HasPrefix(r.Name, "floe_result_") || strings.HasPrefix(r.Name, "floe_sorted_"):
			// floe's scratch relations, hidden chart results and the
			// results the session keeps for the pager (results.go).
		default:
			if named, _ := s.hasResult(r.Name); named && r.Catalog == "temp" {
				r.View = false // a named result reads as the table it is
			}
			n.Tables = append(n.Tables, r)
		}
	}
	// A table another process created after the session last synced its
	// catalog has no view yet: list it without columns.
	for key := range lake {
		ns, name, _ := strings.Cut(key, ".")
		n.Lake = append(n.Lake, Relation{Catalog: "lake", Schema: ns, Name: name})
	}
	slices.SortFunc(n.Lake, func(a, b Relation) int {
		return strings.Compare(a.Schema+"."+a.Name, b.Schema+"."+b.Name)
	})
	c.names, c.at = n, s.count
	return n, nil
}

// lakeTables returns "ns.table" for every table of the warehouse.
func (s *Session) lakeTables(ctx context.Context) (map[string]bool, error) {
	wh := s.sql.Warehouse()
	nss, err := wh.Namespaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the lake's namespaces: %w", err)
	}
	out := map[string]bool{}
	for _, ns := range nss {
		ts, err := wh.Tables(ctx, ns)
		if err != nil {
			return nil, fmt.Errorf("list the tables of lake.%s: %w", ns, err)
		}
		for _, t := range ts {
			out[ns+"."+t] = true
		}
	}
	return out, nil
}

// listRelations reads duckdb_tables(), duckdb_views() and duckdb_columns():
// every user relation of the session with its columns, in order.
func listRelations(ctx context.Context, conn *sql.Conn) ([]Relation, error) {
	const q = `SELECT r.database_name, r.schema_name, r.name, r.is_view, c.column_name, c.data_type
		FROM (
			SELECT database_name, schema_name, table_name AS name, false AS is_view
			FROM duckdb_tables() WHERE NOT internal
			UNION ALL
			SELECT database_name, schema_name, view_name, true
			FROM duckdb_views() WHERE NOT internal
		) r
		LEFT JOIN duckdb_columns() c
			ON c.database_name = r.database_name AND c.schema_name = r.schema_name AND c.table_name = r.name
		WHERE r.database_name NOT IN ('system')
		ORDER BY r.database_name, r.schema_name, r.name, c.column_index`
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list the session's tables: %w", err)
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var db, schema, name string
		var view bool
		var col, typ sql.NullString
		if err := rows.Scan(&db, &schema, &name, &view, &col, &typ); err != nil {
			return nil, fmt.Errorf("list the session's tables: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].Catalog != db || out[n-1].Schema != schema || out[n-1].Name != name {
			out = append(out, Relation{Catalog: db, Schema: schema, Name: name, View: view})
		}
		if col.Valid {
			r := &out[len(out)-1]
			r.Columns = append(r.Columns, Column{Name: col.String, Type: typ.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the session's tables: %w", err)
	}
	return out, nil
}

// listFunctions reads duckdb_functions(): the names a user calls, without
// operators and internal helpers.
func listFunctions(ctx context.Context, conn *sql.Conn) ([]string, error) {
	const q = `SELECT DISTINCT function_name FROM duckdb_functions()
		WHERE function_type IN ('scalar', 'aggregate', 'table', 'macro', 'table_macro')
		AND regexp_full_match(function_name, '[A-Za-z][A-Za-z0-9_]*')
		ORDER BY function_name`
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list duckdb's functions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("list duckdb's functions: %w", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list duckdb's functions: %w", err)
	}
	return out, nil
}
