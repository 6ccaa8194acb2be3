package agent

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The read-only guard's main check walks DuckDB's parse tree of a SELECT
// (json_serialize_sql's output) and lets through only reads of lake tables
// with plain computation. The walk is generic: it visits every object of
// the tree, so a construct it has no case for cannot hide a call, and it
// refuses any expression, table reference or query node whose kind it does
// not know. The serialization it reads is DuckDB's
// (src/include/duckdb/parser/{parsed_expression,tableref,query_node}.hpp):
// expressions carry "class", table references "type", "alias" and
// "sample", query nodes "type", "modifiers" and "cte_map".

// errRefused carries a reason from the walk to CheckReadOnly.
type errRefused struct{ reason string }

func (e *errRefused) Error() string { return e.reason }

func refusef(format string, args ...any) error {
	return &errRefused{fmt.Sprintf(format, args...)}
}

// exprClasses are the expression kinds the guard knows; FUNCTION, WINDOW
// and COLUMN_REF get checks of their own, CONSTANT is a value.
var exprClasses = map[string]bool{
	"FUNCTION": true, "WINDOW": true, "COLUMN_REF": true, "CONSTANT": true,
	"COMPARISON": true, "CONJUNCTION": true, "OPERATOR": true, "CASE": true, "CAST": true,
	"BETWEEN": true, "SUBQUERY": true, "STAR": true, "LAMBDA": true, "POSITIONAL_REFERENCE": true,
	"COLLATE": true,
}

// treeGuard walks one statement's tree. scope holds the names of the CTEs
// visible where the walk is.
type treeGuard struct {
	scope []string
}

// checkTree returns nil when the parse tree of a SELECT statement only
// reads lake tables (and its own CTEs) with allowed functions, and an
// *errRefused saying why not otherwise.
func checkTree(stmt any) error {
	g := &treeGuard{}
	return g.walk(stmt)
}

func (g *treeGuard) walk(v any) error {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := g.walk(e); err != nil {
				return err
			}
		}
	case map[string]any:
		return g.object(x)
	}
	return nil
}

// fields walks an object's members in a fixed order, but for skip.
func (g *treeGuard) fields(o map[string]any, skip ...string) error {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(skip, k) {
			continue
		}
		if err := g.walk(o[k]); err != nil {
			return err
		}
	}
	return nil
}

func (g *treeGuard) object(o map[string]any) error {
	if class, ok := o["class"].(string); ok {
		return g.expression(class, o)
	}
	typ, _ := o["type"].(string)
	_, hasCTEs := o["cte_map"]
	_, hasMods := o["modifiers"]
	if typ != "" && hasCTEs && hasMods {
		return g.queryNode(typ, o)
	}
	_, hasAlias := o["alias"]
	_, hasSample := o["sample"]
	if typ != "" && (hasAlias && hasSample || tableRefTypes[typ]) {
		return g.tableRef(typ, o)
	}
	// What names a function or a table is checked above; met anywhere
	// else, it is a construct the guard does not know.
	for _, k := range []string{"function_name", "table_name", "catalog_name"} {
		if _, ok := o[k]; ok {
			return refusef("a construct the guard does not know (%s %v)", k, o[k])
		}
	}
	return g.fields(o)
}

// tableRefTypes are the table reference kinds the guard knows.
var tableRefTypes = map[string]bool{
	"BASE_TABLE": true, "TABLE_FUNCTION": true, "SHOW_REF": true, "JOIN": true, "SUBQUERY": true,
	"EMPTY": true, "EXPRESSION_LIST": true, "PIVOT": true,
}

func (g *treeGuard) expression(class string, o map[string]any) error {
	if !exprClasses[class] {
		return refusef("the expression kind %s is not one the guard knows", class)
	}
	switch class {
	case "CONSTANT":
		return nil // a value, whatever it spells
	case "FUNCTION", "WINDOW":
		if err := g.function(o, false); err != nil {
			return err
		}
	case "COLUMN_REF":
		// DuckDB binds a few bare words as function calls when no column
		// has the name: current_date, current_schema ...
		if names, _ := o["column_names"].([]any); len(names) == 1 {
			n, _ := names[0].(string)
			if f, ok := valueFuncs[strings.ToLower(n)]; ok && !allowedFuncs[f] {
				return refusef("%s reads DuckDB's catalog outside the lake", strings.ToLower(n))
			}
		}
	}
	return g.fields(o)
}

// function checks a call by its name: scalar, aggregate, window and macro
// names against allowfuncs.txt, table functions against allowedTableFuncs.
func (g *treeGuard) function(o map[string]any, table bool) error {
	name, _ := o["function_name"].(string)
	if name == "" {
		return refusef("a function call without a name")
	}
	name = strings.ToLower(name)
	catalog, _ := o["catalog"].(string)
	schema, _ := o["schema"].(string)
	if catalog != "" {
		return refusef("%s.%s.%s names a function by its catalog; call functions by their plain names", catalog, schema, name)
	}
	switch strings.ToLower(schema) {
	case "", "main":
	case "pg_catalog", "information_schema", "system", "temp":
		return refusef("%s.%s is outside the functions the agent may call", schema, name)
	}
	allowed := allowedFuncs[name]
	what := "function"
	if table {
		allowed, what = allowedTableFuncs[name], "table function"
	}
	if allowed {
		return nil
	}
	if r := outsideReason(name); r != "" {
		return refusef("%s %s", name, r)
	}
	return refusef("the %s %s is not one the agent may call (see agent/allowfuncs.txt)", what, name)
}

func (g *treeGuard) tableRef(typ string, o map[string]any) error {
	switch typ {
	case "BASE_TABLE":
		if err := g.baseTable(o); err != nil {
			return err
		}
		return g.fields(o)
	case "TABLE_FUNCTION":
		fn, _ := o["function"].(map[string]any)
		if class, _ := fn["class"].(string); class != "FUNCTION" {
			return refusef("a table function of the kind %q", class)
		}
		if err := g.function(fn, true); err != nil {
			return err
		}
		if err := g.fields(fn); err != nil { // the arguments
			return err
		}
		return g.fields(o, "function")
	case "SHOW_REF":
		if o["query"] == nil {
			name, _ := o["table_name"].(string)
			what := strings.ToUpper(strings.Trim(name, `"`))
			if name == "__show_tables_expanded" {
				what = "ALL TABLES"
			}
			return refusef("SHOW %s lists DuckDB's catalogs, not only the lake; list_tables and DESCRIBE lake.schema.table show lake tables", what)
		}
		return g.fields(o)
	case "JOIN", "SUBQUERY", "EMPTY", "EXPRESSION_LIST", "PIVOT":
		return g.fields(o)
	}
	// An unknown kind: tableRefTypes and this switch disagree, or DuckDB
	// has a kind the guard has not met.
	return refusef("the table reference kind %s is not one the guard knows", typ)
}

// baseTable lets through lake tables and the statement's own CTEs. Any
// other name is a table outside the lake or, unqualified, a file DuckDB
// would read by itself (a replacement scan: FROM 'x.csv').
func (g *treeGuard) baseTable(o map[string]any) error {
	catalog, _ := o["catalog_name"].(string)
	schema, _ := o["schema_name"].(string)
	name, _ := o["table_name"].(string)
	switch {
	case catalog == "" && schema == "":
		if g.inScope(name) {
			return nil
		}
		if strings.ContainsAny(name, "/\\.*?~:") {
			return refusef("FROM %q reads a file", name)
		}
		return refusef("%s is not a lake table; write lake tables as lake.schema.table", name)
	case strings.EqualFold(catalog, "lake"):
		switch strings.ToLower(schema) {
		case "information_schema", "pg_catalog":
			return refusef("lake.%s.%s reads DuckDB's catalog, not lake tables", schema, name)
		}
		return nil
	}
	q := strings.TrimPrefix(catalog+"."+schema+"."+name, ".")
	return refusef("%s is outside the lake; the agent reads only lake.schema.table", q)
}

func (g *treeGuard) inScope(name string) bool {
	for _, n := range g.scope {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// queryNode walks a SELECT, a set operation or a recursive CTE with the
// scoping of CTE names DuckDB's binder uses: a CTE sees the CTEs before
// it, not itself (a recursive CTE's recursive part excepted) and not those
// after it; the node's body sees all of them. A name a CTE cannot see is
// a table or a file to DuckDB, so the scoping decides what is a file read.
func (g *treeGuard) queryNode(typ string, o map[string]any) error {
	switch typ {
	case "SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE":
	default:
		return refusef("the query kind %s is not one the guard knows", typ)
	}
	saved := len(g.scope)
	defer func() { g.scope = g.scope[:saved] }()
	ctes, _ := o["cte_map"].(map[string]any)
	entries, _ := ctes["map"].([]any)
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		name, ok := entry["key"].(string)
		if !ok {
			return refusef("a CTE without a name")
		}
		if err := g.walk(entry["value"]); err != nil {
			return err
		}
		g.scope = append(g.scope, name)
	}
	if typ == "RECURSIVE_CTE_NODE" {
		// The anchor does not see the CTE; the recursive part does.
		if err := g.walk(o["left"]); err != nil {
			return err
		}
		name, _ := o["cte_name"].(string)
		g.scope = append(g.scope, name)
		return g.fields(o, "cte_map", "left")
	}
	return g.fields(o, "cte_map")
}

func asRefused(err error) (string, bool) {
	var r *errRefused
	if errors.As(err, &r) {
		return r.reason, true
	}
	return "", false
}
