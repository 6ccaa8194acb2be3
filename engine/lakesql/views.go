package lakesql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// DuckDB views and macros bind the relations they read by name when a
// query uses them, so a view over lake.ns.t reads whatever DuckDB relation
// lake.ns.t holds at that moment: the scan floe last planned for it. floe
// plans only the lake tables a statement names, so for the lake tables a
// statement reads through views and macros it looks into their
// definitions (duckdb_views().sql, duckdb_functions().macro_definition),
// recursively, and plans those tables too: every query through a view
// sees the table's current snapshot, also after other sessions and
// processes committed.
//
// Listing the definitions costs DuckDB tens of milliseconds (it walks
// every built-in function), so the session keeps them and lists them
// again only after a statement that may have changed them
// (changesDefinitions). Views and macros created on Conn() directly are
// not seen until then.

// definition is a DuckDB view or macro outside the lake catalog.
type definition struct {
	name  string          // lower case
	refs  []lakeRef       // the lake relations its text names
	names map[string]bool // the other names its text uses
}

// userDefinitions lists the views and macros users defined.
func (s *Session) userDefinitions(ctx context.Context) ([]definition, error) {
	rows, err := s.conn.QueryContext(ctx, `
		SELECT lower(view_name), sql FROM duckdb_views()
		WHERE NOT internal AND database_name <> 'lake' AND NOT (database_name = 'memory' AND schema_name = 'floe_scratch')
		UNION ALL
		SELECT lower(function_name), macro_definition FROM duckdb_functions()
		WHERE NOT internal AND function_type IN ('macro', 'table_macro') AND macro_definition IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("list views and macros: %w", err)
	}
	defer rows.Close()
	var out []definition
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return nil, fmt.Errorf("list views and macros: %w", err)
		}
		toks := sqltext.Code(text)
		out = append(out, definition{name: name, refs: findLakeRefs(text, toks), names: identifiers(toks)})
	}
	return out, rows.Err()
}

// changesDefinitions reports whether a statement DuckDB runs may create,
// drop or bring back views or macros.
func changesDefinitions(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	switch strings.ToUpper(toks[0].Text) {
	case "ATTACH", "DETACH", "IMPORT", "ROLLBACK", "ABORT", "EXECUTE":
		return true
	case "CREATE", "DROP", "ALTER":
		for _, t := range toks {
			if t.Is("VIEW") || t.Is("MACRO") || t.Is("FUNCTION") || t.Is("SCHEMA") || t.Is("DATABASE") {
				return true
			}
		}
	}
	return false
}

// identifiers returns the names tokens may refer to, in lower case.
func identifiers(toks []token) map[string]bool {
	out := map[string]bool{}
	for _, t := range toks {
		if t.Kind == sqltext.Word || t.Kind == sqltext.Quoted {
			out[strings.ToLower(t.Ident())] = true
		}
	}
	return out
}

// planViewReads plans the lake tables that the views and macros a
// statement names read, directly or through other views and macros. A
// name that only looks like a view's (a column of the same name) costs a
// plan, never a wrong result.
func (s *Session) planViewReads(ctx context.Context, toks []token) error {
	if s.defsStale {
		defs, err := s.userDefinitions(ctx)
		if err != nil {
			return err
		}
		s.defs, s.defsStale = defs, false
	}
	if len(s.defs) == 0 {
		return nil
	}
	if len(toks) == 0 || toks[0].Is("DROP") {
		return nil
	}
	names := identifiers(toks)
	used := make([]bool, len(s.defs))
	var refs []lakeRef
	for grew := true; grew; {
		grew = false
		for i, d := range s.defs {
			if used[i] || !names[d.name] {
				continue
			}
			used[i], grew = true, true
			refs = append(refs, d.refs...)
			for n := range d.names {
				names[n] = true
			}
		}
	}
	rs := &readSet{}
	for _, r := range refs {
		vr, ok, err := s.viewBodyRef(ctx, r)
		if err != nil {
			return err
		}
		if ok {
			rs.refs = append(rs.refs, vr)
		}
	}
	return s.defineViews(ctx, rs, nil)
}

// viewBodyRef resolves a lake reference in a view or macro definition to
// the relation floe must define for it. DuckDB stores a definition as
// floe rewrote it, so a time-travel read appears as lake.ns."t@<id>".
// It reports false for relations that need nothing: a snapshot view that
// is defined already (a snapshot never changes), or a table that no longer
// exists (its relation is dropped, so DuckDB says so when the view is
// read, rather than returning what the table last held).
func (s *Session) viewBodyRef(ctx context.Context, r lakeRef) (viewRef, bool, error) {
	if r.atVersion != "" || r.atTime != "" {
		// A definition made without floe: DuckDB cannot time travel a
		// view, and reports it when the definition is used.
		return viewRef{}, false, nil
	}
	base, meta := splitMeta(r.name)
	_, err := s.wh.MetadataLocation(ctx, r.ns, base)
	if err == nil {
		return viewRef{ns: r.ns, name: base, meta: meta, view: r.name}, true, nil
	}
	if !errors.Is(err, engine.ErrNoSuchTable) {
		return viewRef{}, false, err
	}
	if at := strings.LastIndexByte(r.name, '@'); at > 0 {
		if id, perr := strconv.ParseInt(r.name[at+1:], 10, 64); perr == nil {
			table := r.name[:at]
			if _, err := s.wh.MetadataLocation(ctx, r.ns, table); err == nil {
				if st := s.tables[tableKey{r.ns, table}]; st != nil && slices.Contains(st.extra, viewName(r.ns, r.name)) {
					return viewRef{}, false, nil
				}
				return viewRef{ns: r.ns, name: table, snapshot: id, view: r.name}, true, nil
			}
			base = table
		}
	}
	if _, known := s.tables[tableKey{r.ns, base}]; known {
		s.forget(ctx, tableKey{r.ns, base})
	}
	return viewRef{}, false, nil
}

// refuseLakeView rejects views and macros created in the lake catalog:
// lake holds Iceberg tables only. Iceberg views are a separate spec that
// floe does not implement yet, and a DuckDB view there would live in this
// session only while looking like part of the warehouse.
func (s *Session) refuseLakeView(ctx context.Context, toks []token) error {
	c := &cursor{toks: toks}
	if !c.accept("CREATE") {
		return nil
	}
	c.accept("OR", "REPLACE")
	temp := c.accept("TEMP") || c.accept("TEMPORARY")
	var kind string
	switch {
	case c.accept("VIEW"):
		kind = "VIEW"
	case c.accept("MACRO"):
		kind = "MACRO"
	case c.accept("FUNCTION"):
		kind = "FUNCTION"
	default:
		return nil
	}
	if temp {
		return nil // DuckDB keeps temporary objects in the temp catalog
	}
	c.accept("IF", "NOT", "EXISTS")
	var parts []string
	for {
		t := c.peek()
		if t.Kind != sqltext.Word && t.Kind != sqltext.Quoted {
			break
		}
		parts = append(parts, t.Ident())
		c.i++
		if !c.acceptPunct(".") {
			break
		}
	}
	if len(parts) == 0 {
		return nil
	}
	inLake := len(parts) >= 2 && strings.EqualFold(parts[0], "lake")
	if !inLake && len(parts) < 3 {
		var db string
		if err := s.conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
			return err
		}
		inLake = db == "lake"
	}
	if !inLake {
		return nil
	}
	return fmt.Errorf("CREATE %s %s: views and macros in the lake catalog are not supported yet: lake holds Iceberg tables, and floe does not implement Iceberg views; "+
		"create it in DuckDB's own catalog, e.g. CREATE %s memory.main.%s ... (or USE memory first): floe plans the lake tables it reads at each query",
		kind, strings.Join(parts, "."), kind, parts[len(parts)-1])
}
