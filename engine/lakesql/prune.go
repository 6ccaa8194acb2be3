package lakesql

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
)

// pruneFilters derives, for each lake relation a SELECT reads, a predicate
// that every row the query can use from it satisfies. floe hands it to scan
// planning, which skips partitions and files that cannot match. Only
// null-rejecting comparisons of a column with a constant in a WHERE clause
// are used, so pruning never changes a result; a relation read anywhere
// without such a predicate is not pruned.
func (s *Session) pruneFilters(ctx context.Context, query string, rs *readSet) map[string]iceberg.BooleanExpression {
	if len(rs.refs) == 0 {
		return nil
	}
	var raw any
	if err := s.conn.QueryRowContext(ctx, "SELECT json_serialize_sql("+engine.QuoteString(query)+")").Scan(&raw); err != nil {
		return nil
	}
	// The driver hands JSON back already decoded.
	root, ok := raw.(map[string]any)
	if !ok {
		str, isStr := raw.(string)
		if !isStr || json.Unmarshal([]byte(str), &root) != nil {
			return nil
		}
	}
	if root["error"] == true {
		return nil
	}
	schemas := map[string]*iceberg.Schema{}
	for _, r := range rs.refs {
		if r.meta != "" {
			continue
		}
		if st, ok := s.tables[tableKey{r.ns, r.name}]; ok && st.tbl != nil {
			schemas[r.ns+"\x00"+r.view] = st.tbl.Schema()
		}
	}
	w := &pruneWalk{schemas: schemas, occ: map[string]int{}, seen: map[string]int{}, filters: map[string][]iceberg.BooleanExpression{}}
	w.walk(root)
	out := map[string]iceberg.BooleanExpression{}
	for key, fs := range w.filters {
		if w.occ[key] != w.seen[key] || len(fs) != w.occ[key] {
			continue // read somewhere floe could not analyse
		}
		var expr iceberg.BooleanExpression
		for _, f := range fs {
			if f == nil {
				expr = nil
				break
			}
			if expr == nil {
				expr = f
			} else {
				expr = iceberg.NewOr(expr, f)
			}
		}
		if expr != nil {
			out[key] = expr
		}
	}
	return out
}

type pruneWalk struct {
	schemas map[string]*iceberg.Schema
	occ     map[string]int // lake base-table occurrences anywhere in the tree
	seen    map[string]int // occurrences analysed in a FROM clause
	filters map[string][]iceberg.BooleanExpression
}

type fromRef struct {
	key, alias, table string
}

func (w *pruneWalk) walk(v any) {
	switch n := v.(type) {
	case map[string]any:
		if n["type"] == "BASE_TABLE" {
			if key, ok := w.lakeKey(n); ok {
				w.occ[key]++
			}
		}
		if n["type"] == "SELECT_NODE" {
			w.selectNode(n)
		}
		for _, c := range n {
			w.walk(c)
		}
	case []any:
		for _, c := range n {
			w.walk(c)
		}
	}
}

func (w *pruneWalk) lakeKey(n map[string]any) (string, bool) {
	cat, _ := n["catalog_name"].(string)
	if !strings.EqualFold(cat, "lake") {
		return "", false
	}
	schema, _ := n["schema_name"].(string)
	table, _ := n["table_name"].(string)
	key := schema + "\x00" + table
	if _, ok := w.schemas[key]; !ok {
		return "", false
	}
	return key, true
}

func (w *pruneWalk) selectNode(n map[string]any) {
	var refs []fromRef
	var collect func(v any)
	collect = func(v any) {
		t, ok := v.(map[string]any)
		if !ok {
			return
		}
		switch t["type"] {
		case "BASE_TABLE":
			if key, ok := w.lakeKey(t); ok {
				alias, _ := t["alias"].(string)
				table, _ := t["table_name"].(string)
				refs = append(refs, fromRef{key: key, alias: alias, table: table})
			}
		case "JOIN":
			// Only inner and cross joins keep WHERE conjuncts applicable to
			// every side in the way floe reasons about; outer joins are
			// still safe for null-rejecting predicates on the side they name.
			collect(t["left"])
			collect(t["right"])
		}
	}
	collect(n["from_table"])
	if len(refs) == 0 {
		return
	}
	var conj []map[string]any
	flattenAnd(n["where_clause"], &conj)
	for _, r := range refs {
		w.seen[r.key]++
		var parts []iceberg.BooleanExpression
		for _, c := range conj {
			if e, ok := w.predicate(c, r, len(refs)); ok {
				parts = append(parts, e)
			}
		}
		var expr iceberg.BooleanExpression
		for _, p := range parts {
			if expr == nil {
				expr = p
			} else {
				expr = iceberg.NewAnd(expr, p)
			}
		}
		w.filters[r.key] = append(w.filters[r.key], expr)
	}
}

func flattenAnd(v any, out *[]map[string]any) {
	n, ok := v.(map[string]any)
	if !ok {
		return
	}
	if n["type"] == "CONJUNCTION_AND" {
		for _, c := range asList(n["children"]) {
			flattenAnd(c, out)
		}
		return
	}
	*out = append(*out, n)
}

func asList(v any) []any { l, _ := v.([]any); return l }

// column resolves a COLUMN_REF to a field of ref's table.
func (w *pruneWalk) column(v any, r fromRef, nrefs int) (iceberg.NestedField, bool) {
	n, ok := v.(map[string]any)
	if !ok || n["class"] != "COLUMN_REF" {
		return iceberg.NestedField{}, false
	}
	names := asList(n["column_names"])
	var col string
	switch len(names) {
	case 1:
		if nrefs != 1 {
			return iceberg.NestedField{}, false
		}
		col, _ = names[0].(string)
	case 2:
		q, _ := names[0].(string)
		want := r.alias
		if want == "" {
			want = r.table
		}
		if !strings.EqualFold(q, want) {
			return iceberg.NestedField{}, false
		}
		col, _ = names[1].(string)
	default:
		return iceberg.NestedField{}, false
	}
	f, ok := w.schemas[r.key].FindFieldByNameCaseInsensitive(col)
	if !ok {
		return iceberg.NestedField{}, false
	}
	if _, prim := f.Type.(iceberg.PrimitiveType); !prim {
		return iceberg.NestedField{}, false
	}
	return f, true
}

// constant converts a CONSTANT (or a CAST of one) to a literal of the
// column's type, refusing conversions that could round.
func constant(v any, t iceberg.Type) (iceberg.Literal, bool) {
	n, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if n["class"] == "CAST" {
		return constant(n["child"], t)
	}
	if n["class"] != "CONSTANT" {
		return nil, false
	}
	val, _ := n["value"].(map[string]any)
	if val == nil || val["is_null"] == true {
		return nil, false
	}
	typ, _ := val["type"].(map[string]any)
	id, _ := typ["id"].(string)
	raw := val["value"]
	switch t.(type) {
	case iceberg.Int32Type, iceberg.Int64Type:
		switch id {
		case "INTEGER", "BIGINT", "SMALLINT", "TINYINT":
			f, ok := raw.(float64)
			if !ok || f != float64(int64(f)) {
				return nil, false
			}
			l, err := iceberg.NewLiteral(int64(f)).To(t)
			return l, err == nil
		}
	case iceberg.Float32Type, iceberg.Float64Type:
		if f, ok := raw.(float64); ok && (id == "INTEGER" || id == "BIGINT" || id == "DOUBLE") {
			l, err := iceberg.NewLiteral(f).To(t)
			return l, err == nil
		}
	case iceberg.StringType:
		if s, ok := raw.(string); ok && id == "VARCHAR" {
			return iceberg.NewLiteral(s), true
		}
	case iceberg.DateType:
		if s, ok := raw.(string); ok && id == "VARCHAR" && len(s) == 10 {
			l, err := iceberg.NewLiteral(s).To(t)
			return l, err == nil
		}
	case iceberg.TimestampType:
		if s, ok := raw.(string); ok && id == "VARCHAR" && !strings.ContainsAny(s[min(len(s), 10):], "+Z") {
			if len(s) == 10 {
				s += "T00:00:00"
			}
			l, err := iceberg.NewLiteral(strings.Replace(s, " ", "T", 1)).To(t)
			return l, err == nil
		}
	case iceberg.BooleanType:
		if b, ok := raw.(bool); ok {
			return iceberg.NewLiteral(b), true
		}
	case iceberg.DecimalType:
		if f, ok := raw.(float64); ok && id != "DOUBLE" && f == float64(int64(f)) {
			l, err := iceberg.NewLiteral(strconv.FormatInt(int64(f), 10)).To(t)
			return l, err == nil
		}
	}
	return nil, false
}

func (w *pruneWalk) predicate(c map[string]any, r fromRef, nrefs int) (iceberg.BooleanExpression, bool) {
	typ, _ := c["type"].(string)
	switch typ {
	case "COMPARE_EQUAL", "COMPARE_LESSTHAN", "COMPARE_GREATERTHAN", "COMPARE_LESSTHANOREQUALTO", "COMPARE_GREATERTHANOREQUALTO":
		left, right := c["left"], c["right"]
		f, ok := w.column(left, r, nrefs)
		if !ok {
			f, ok = w.column(right, r, nrefs)
			if !ok {
				return nil, false
			}
			left, right = right, left
			typ = flip(typ)
		}
		lit, ok := constant(right, f.Type)
		if !ok {
			return nil, false
		}
		ref := iceberg.Reference(f.Name)
		switch typ {
		case "COMPARE_EQUAL":
			return iceberg.LiteralPredicate(iceberg.OpEQ, ref, lit), true
		case "COMPARE_LESSTHAN":
			return iceberg.LiteralPredicate(iceberg.OpLT, ref, lit), true
		case "COMPARE_GREATERTHAN":
			return iceberg.LiteralPredicate(iceberg.OpGT, ref, lit), true
		case "COMPARE_LESSTHANOREQUALTO":
			return iceberg.LiteralPredicate(iceberg.OpLTEQ, ref, lit), true
		case "COMPARE_GREATERTHANOREQUALTO":
			return iceberg.LiteralPredicate(iceberg.OpGTEQ, ref, lit), true
		}
	case "COMPARE_IN":
		kids := asList(c["children"])
		if len(kids) < 2 {
			return nil, false
		}
		f, ok := w.column(kids[0], r, nrefs)
		if !ok {
			return nil, false
		}
		lits := make([]iceberg.Literal, 0, len(kids)-1)
		for _, k := range kids[1:] {
			l, ok := constant(k, f.Type)
			if !ok {
				return nil, false
			}
			lits = append(lits, l)
		}
		return iceberg.SetPredicate(iceberg.OpIn, iceberg.Reference(f.Name), lits), true
	case "COMPARE_BETWEEN":
		f, ok := w.column(c["input"], r, nrefs)
		if !ok {
			return nil, false
		}
		lo, ok1 := constant(c["lower"], f.Type)
		hi, ok2 := constant(c["upper"], f.Type)
		if !ok1 || !ok2 {
			return nil, false
		}
		ref := iceberg.Reference(f.Name)
		return iceberg.NewAnd(iceberg.LiteralPredicate(iceberg.OpGTEQ, ref, lo), iceberg.LiteralPredicate(iceberg.OpLTEQ, ref, hi)), true
	case "CONJUNCTION_OR":
		var expr iceberg.BooleanExpression
		for _, k := range asList(c["children"]) {
			km, _ := k.(map[string]any)
			var sub []map[string]any
			flattenAnd(km, &sub)
			var part iceberg.BooleanExpression
			for _, sc := range sub {
				if e, ok := w.predicate(sc, r, nrefs); ok {
					if part == nil {
						part = e
					} else {
						part = iceberg.NewAnd(part, e)
					}
				}
			}
			if part == nil {
				return nil, false
			}
			if expr == nil {
				expr = part
			} else {
				expr = iceberg.NewOr(expr, part)
			}
		}
		return expr, expr != nil
	}
	return nil, false
}

func flip(op string) string {
	switch op {
	case "COMPARE_LESSTHAN":
		return "COMPARE_GREATERTHAN"
	case "COMPARE_GREATERTHAN":
		return "COMPARE_LESSTHAN"
	case "COMPARE_LESSTHANOREQUALTO":
		return "COMPARE_GREATERTHANOREQUALTO"
	case "COMPARE_GREATERTHANOREQUALTO":
		return "COMPARE_LESSTHANOREQUALTO"
	}
	return op
}
