package lakesql

import (
	"context"
	"encoding/json"
	"math"
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
		// The table as it is now, not as this session last saw it.
		st, err := s.state(ctx, r.ns, r.name)
		if err != nil {
			continue
		}
		schema := st.tbl.Schema()
		if r.snapshot != 0 {
			// A time-travel scan reads, and binds its filter, with the
			// snapshot's schema; names may mean other columns now.
			snap, err := st.tbl.SnapshotByID(r.snapshot)
			if err != nil {
				continue
			}
			schema = st.tbl.SnapshotSchema(snap)
		}
		schemas[r.ns+"\x00"+r.view] = schema
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
			// An ASOF or POSITIONAL join pairs a row with the nearest or the
			// same-numbered row of the other side, which depends on rows the
			// WHERE clause drops: relations under one are never pruned (left
			// unseen, they count as read where floe cannot analyse them).
			if ref, _ := t["ref_type"].(string); ref == "ASOF" || ref == "POSITIONAL" {
				return
			}
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

// constant converts a CONSTANT (or a CAST of one that keeps its value) to
// a literal of the column's type, refusing conversions that could round or
// change the value: a literal that differs from what DuckDB compares with
// would prune files holding matching rows.
func constant(v any, t iceberg.Type) (iceberg.Literal, bool) {
	n, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if n["class"] == "CAST" {
		if !castKeepsValue(n["cast_type"], t, n["child"]) {
			return nil, false
		}
		return constant(n["child"], t)
	}
	id, raw, ok := constantValue(n)
	if !ok {
		return nil, false
	}
	switch t := t.(type) {
	case iceberg.Int32Type, iceberg.Int64Type:
		if i, ok := exactInt(id, raw); ok {
			l, err := iceberg.NewLiteral(i).To(t)
			return l, err == nil
		}
	case iceberg.Float32Type:
		// Only values a float holds exactly: DuckDB may compare in float
		// or in double, and both must agree with the literal.
		if f, ok := exactFloat(id, raw); ok && float64(float32(f)) == f {
			return iceberg.NewLiteral(float32(f)), true
		}
	case iceberg.Float64Type:
		if f, ok := exactFloat(id, raw); ok {
			return iceberg.NewLiteral(f), true
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
		if b, ok := raw.(bool); ok && id == "BOOLEAN" {
			return iceberg.NewLiteral(b), true
		}
	case iceberg.DecimalType:
		if d, ok := exactDecimal(n, t.Scale()); ok {
			l, err := iceberg.NewLiteral(d).To(t)
			return l, err == nil
		}
	}
	return nil, false
}

// constantValue returns a non-NULL CONSTANT's DuckDB type id and value.
func constantValue(n map[string]any) (string, any, bool) {
	if n["class"] != "CONSTANT" {
		return "", nil, false
	}
	val, _ := n["value"].(map[string]any)
	if val == nil || val["is_null"] == true {
		return "", nil, false
	}
	typ, _ := val["type"].(map[string]any)
	id, _ := typ["id"].(string)
	return id, val["value"], true
}

// maxExact is the largest magnitude up to which every integer survives the
// float64 the JSON numbers are decoded into.
const maxExact = 1 << 53

func isIntType(id string) bool {
	switch id {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT":
		return true
	}
	return false
}

func exactInt(id string, raw any) (int64, bool) {
	f, ok := raw.(float64)
	if !ok || !isIntType(id) || f != math.Trunc(f) || math.Abs(f) > maxExact {
		return 0, false
	}
	return int64(f), true
}

func exactFloat(id string, raw any) (float64, bool) {
	if i, ok := exactInt(id, raw); ok {
		return float64(i), true
	}
	f, ok := raw.(float64)
	return f, ok && id == "DOUBLE" && !math.IsNaN(f)
}

// exactDecimal renders an integer or DECIMAL constant as a decimal string
// when the column's scale holds it without rounding. DuckDB serializes a
// DECIMAL constant as its unscaled value.
func exactDecimal(n map[string]any, colScale int) (string, bool) {
	id, raw, ok := constantValue(n)
	if !ok {
		return "", false
	}
	if i, ok := exactInt(id, raw); ok {
		return strconv.FormatInt(i, 10), true
	}
	if id != "DECIMAL" {
		return "", false
	}
	scale, ok := decimalScale(n["value"].(map[string]any)["type"])
	f, isNum := raw.(float64)
	if !ok || !isNum || scale > colScale || f != math.Trunc(f) || math.Abs(f) > maxExact {
		return "", false
	}
	return scaled(int64(f), scale), true
}

func decimalScale(typ any) (int, bool) {
	m, _ := typ.(map[string]any)
	info, _ := m["type_info"].(map[string]any)
	sc, ok := info["scale"].(float64)
	return int(sc), ok
}

// scaled renders unscaled / 10^scale.
func scaled(unscaled int64, scale int) string {
	neg := unscaled < 0
	digits := strconv.FormatInt(unscaled, 10)
	if neg {
		digits = digits[1:]
	}
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// castKeepsValue reports whether DuckDB's CAST(child AS castType),
// compared with a column of type t, means the same value as the child
// constant itself.
func castKeepsValue(castType any, t iceberg.Type, child any) bool {
	ct, _ := castType.(map[string]any)
	to, _ := ct["id"].(string)
	c, _ := child.(map[string]any)
	id, raw, isConst := constantValue(c)
	switch t.(type) {
	case iceberg.Int32Type, iceberg.Int64Type:
		return isIntType(to)
	case iceberg.Float32Type:
		return to == "FLOAT" || to == "DOUBLE"
	case iceberg.Float64Type:
		return to == "DOUBLE"
	case iceberg.StringType:
		return to == "VARCHAR"
	case iceberg.DateType:
		return to == "DATE"
	case iceberg.TimestampType:
		// A DATE is midnight only when the string holds nothing more.
		s, isStr := raw.(string)
		return to == "TIMESTAMP" || to == "DATE" && isConst && id == "VARCHAR" && isStr && len(s) == 10
	case iceberg.BooleanType:
		return to == "BOOLEAN"
	case iceberg.DecimalType:
		// CAST to DECIMAL rounds a constant with more fractional digits
		// than the target scale.
		if to != "DECIMAL" || !isConst {
			return false
		}
		if isIntType(id) {
			return true
		}
		from, ok1 := decimalScale(c["value"].(map[string]any)["type"])
		target, ok2 := decimalScale(ct)
		return id == "DECIMAL" && ok1 && ok2 && from <= target
	}
	return false
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
