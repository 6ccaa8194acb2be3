package synth

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// Class says how a column is modelled: as categories, or as numbers that are
// binned for the model and sampled back within their bin.
type Class int

// Column classes.
const (
	Categorical Class = iota + 1
	Numerical
)

func (c Class) String() string {
	switch c {
	case Categorical:
		return "categorical"
	case Numerical:
		return "numerical"
	}
	return "unknown"
}

// valueKind says how a column's values are read into Go and written back.
type valueKind int

const (
	kindText valueKind = iota // categorical values, read as their text
	kindInt
	kindFloat
	kindDecimal
	kindDate        // days since 1970-01-01
	kindTimestamp   // seconds since 1970-01-01 00:00:00
	kindTimestampTZ // seconds since the epoch, UTC
)

// column is one column of a frame: its schema and, column-wise, its values.
type column struct {
	name   string
	typ    string // DuckDB type of the source column
	class  Class
	kind   valueKind
	scale  int  // decimal digits, for kindDecimal
	isBool bool // BOOLEAN: categories are public (false, true, NULL)

	str  []string  // Categorical values as text
	num  []float64 // Numerical values
	null []bool
}

// frame is a table in memory, column-wise.
type frame struct {
	cols []*column
	n    int
}

// emptyLike returns a frame with f's columns and n rows of zero values.
func (f *frame) emptyLike(n int) *frame {
	out := &frame{n: n}
	for _, c := range f.cols {
		nc := &column{name: c.name, typ: c.typ, class: c.class, kind: c.kind, scale: c.scale, isBool: c.isBool, null: make([]bool, n)}
		if c.class == Categorical {
			nc.str = make([]string, n)
		} else {
			nc.num = make([]float64, n)
		}
		out.cols = append(out.cols, nc)
	}
	return out
}

// subset returns the rows idx of f.
func (f *frame) subset(idx []int) *frame {
	out := f.emptyLike(len(idx))
	for j, c := range f.cols {
		o := out.cols[j]
		for i, r := range idx {
			o.null[i] = c.null[r]
			if c.class == Categorical {
				o.str[i] = c.str[r]
			} else {
				o.num[i] = c.num[r]
			}
		}
	}
	return out
}

// typeFamily maps a DuckDB type name to how synth reads it; ok is false for
// types synth cannot model.
func typeFamily(typ string) (kind valueKind, scale int, isBool, ok bool) {
	t := strings.ToUpper(typ)
	switch {
	case t == "BOOLEAN":
		return kindText, 0, true, true
	case t == "VARCHAR" || t == "UUID":
		return kindText, 0, false, true
	case t == "TINYINT" || t == "SMALLINT" || t == "INTEGER" || t == "BIGINT" || t == "HUGEINT" ||
		t == "UTINYINT" || t == "USMALLINT" || t == "UINTEGER" || t == "UBIGINT":
		return kindInt, 0, false, true
	case t == "FLOAT" || t == "DOUBLE" || t == "REAL":
		return kindFloat, 0, false, true
	case strings.HasPrefix(t, "DECIMAL"):
		s := 0
		if i, j := strings.Index(t, ","), strings.Index(t, ")"); i > 0 && j > i {
			s, _ = strconv.Atoi(strings.TrimSpace(t[i+1 : j]))
		}
		return kindDecimal, s, false, true
	case t == "DATE":
		return kindDate, 0, false, true
	case t == "TIMESTAMP" || t == "TIMESTAMP_NS" || t == "TIMESTAMP_MS" || t == "TIMESTAMP_S":
		return kindTimestamp, 0, false, true
	case t == "TIMESTAMP WITH TIME ZONE" || t == "TIMESTAMPTZ":
		return kindTimestampTZ, 0, false, true
	}
	return 0, 0, false, false
}

// typeLimit is the range of values a column's type can hold, public
// without reading a row: DECIMAL(p,s) and the small integer types. ok is
// false for types whose range no DP range estimate can overshoot in
// practice (BIGINT, floats, dates). A noisy range clamped into it costs no
// budget, and no sampled value is then too large to write back.
func typeLimit(typ string) (lo, hi float64, ok bool) {
	t := strings.ToUpper(strings.TrimSpace(typ))
	switch t {
	case "TINYINT":
		return math.MinInt8, math.MaxInt8, true
	case "SMALLINT":
		return math.MinInt16, math.MaxInt16, true
	case "INTEGER":
		return math.MinInt32, math.MaxInt32, true
	case "UTINYINT":
		return 0, math.MaxUint8, true
	case "USMALLINT":
		return 0, math.MaxUint16, true
	case "UINTEGER":
		return 0, math.MaxUint32, true
	}
	if !strings.HasPrefix(t, "DECIMAL") {
		return 0, 0, false
	}
	// DuckDB's DECIMAL without arguments is DECIMAL(18,3).
	p, s := 18, 3
	if i, j := strings.Index(t, "("), strings.Index(t, ")"); i > 0 && j > i {
		parts := strings.Split(t[i+1:j], ",")
		var err error
		if p, err = strconv.Atoi(strings.TrimSpace(parts[0])); err != nil {
			return 0, 0, false
		}
		s = 0
		if len(parts) > 1 {
			if s, err = strconv.Atoi(strings.TrimSpace(parts[1])); err != nil {
				return 0, 0, false
			}
		}
	}
	if p <= s {
		return 0, 0, false
	}
	hi = math.Pow(10, float64(p-s)) - math.Pow(10, -float64(s))
	return -hi, hi, true
}

// numericExpr is the SQL that reads a column as a DOUBLE for Numerical use.
func numericExpr(c *column) string {
	q := engine.QuoteIdent(c.name)
	switch c.kind {
	case kindDate:
		return "CAST(date_diff('day', DATE '1970-01-01', " + q + ") AS DOUBLE)"
	case kindTimestamp, kindTimestampTZ:
		return "CAST(epoch_us(" + q + ") AS DOUBLE) / 1e6"
	}
	return "CAST(" + q + " AS DOUBLE)"
}

// Column-class defaults.
const (
	// maxAutoCategories: a numeric or temporal column with at most this many
	// distinct values is Categorical by default.
	maxAutoCategories = 20
	// A text column with more distinct values than this and at least
	// half as many distinct values as rows is identifier-like or free text.
	minIdentifierDistinct = 20
)

// idName matches column names that suggest an identifier: id, customer_id,
// customerID, userId, uuid, email, phone, ssn.
var idName = regexp.MustCompile(`(?i:^id$|_id$|^uuid$|_uuid$|guid|e_?mail|phone|^ssn$)|[a-z](ID|Id)$`)

// columnStats are the exact counts synth looks at to choose column classes.
// They are treated as schema-level metadata, not covered by epsilon; pass
// every class explicitly to avoid them (see the package documentation).
type columnStats struct {
	nonNull, distinct int64
}

// identifierReason says why a column looks like an identifier, or "".
func identifierReason(name string, kind valueKind, isBool bool, st columnStats, n int64) string {
	if isBool || st.nonNull == 0 {
		return ""
	}
	unique := st.distinct == st.nonNull && st.nonNull > 1
	switch kind {
	case kindText:
		if st.distinct > minIdentifierDistinct && 2*st.distinct >= st.nonNull {
			if unique {
				return fmt.Sprintf("identifier-like: a distinct value in each of its %d non-null rows", st.nonNull)
			}
			return fmt.Sprintf("identifier-like or free text: %d distinct values in %d non-null rows (cast it to a number if it holds numbers)", st.distinct, st.nonNull)
		}
	case kindInt:
		if unique && st.nonNull > minIdentifierDistinct && idName.MatchString(name) {
			return fmt.Sprintf("identifier-like: named like an identifier and unique in each of its %d non-null rows", st.nonNull)
		}
	}
	return ""
}

// plannedColumn is a source column and what synth does with it.
type plannedColumn struct {
	col     *column
	dropped string // reason, when the column is left out
}

// planColumns chooses each column's class from its type and counts, with the
// caller's overrides. Columns with a public domain (listed in o.Public, or
// in declared, the fields whose domain a table property gives) are
// categorical. It refuses overrides that cannot work.
func planColumns(fields []sourceField, stats []columnStats, n int64, o *Options, declared map[int][]catValue) ([]plannedColumn, error) {
	byName := map[string]int{}
	for i, f := range fields {
		byName[strings.ToLower(f.name)] = i
	}
	want := map[int]Class{}
	drop := map[int]bool{}
	check := func(list []string, what string) ([]int, error) {
		var idx []int
		for _, name := range list {
			i, ok := byName[strings.ToLower(name)]
			if !ok {
				return nil, fmt.Errorf("%w: %s column %q is not in the table (columns: %s)", ErrInvalidOptions, what, name, fieldNames(fields))
			}
			idx = append(idx, i)
		}
		return idx, nil
	}
	for _, l := range []struct {
		names []string
		what  string
		class Class
	}{{o.Categorical, "categorical", Categorical}, {o.Numerical, "numerical", Numerical}} {
		idx, err := check(l.names, l.what)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			if c, dup := want[i]; dup && c != l.class {
				return nil, fmt.Errorf("%w: column %s is listed as both categorical and numerical", ErrInvalidOptions, fields[i].name)
			}
			want[i] = l.class
		}
	}
	idx, err := check(o.Drop, "drop")
	if err != nil {
		return nil, err
	}
	for _, i := range idx {
		if _, listed := want[i]; listed {
			return nil, fmt.Errorf("%w: column %s is both dropped and listed as %s", ErrInvalidOptions, fields[i].name, want[i])
		}
		drop[i] = true
	}
	target := -1
	if o.Target != "" {
		i, ok := byName[strings.ToLower(o.Target)]
		if !ok {
			return nil, fmt.Errorf("%w: target column %q is not in the table (columns: %s)", ErrInvalidOptions, o.Target, fieldNames(fields))
		}
		if drop[i] {
			return nil, fmt.Errorf("%w: target column %s is also dropped", ErrInvalidOptions, fields[i].name)
		}
		target = i
	}
	public := map[int]bool{}
	for i := range declared {
		public[i] = true
	}
	idx, err = check(o.Public, "public")
	if err != nil {
		return nil, err
	}
	for _, i := range idx {
		public[i] = true
	}
	for i := range public {
		switch {
		case drop[i] && slices.Contains(idx, i):
			return nil, fmt.Errorf("%w: column %s is both dropped and public", ErrInvalidOptions, fields[i].name)
		case want[i] == Numerical:
			return nil, fmt.Errorf("%w: column %s has a public domain, so it is categorical, but is listed as numerical", ErrInvalidOptions, fields[i].name)
		case hasBounds(o, fields[i].name):
			return nil, fmt.Errorf("%w: column %s has a public domain, so it is categorical, but has bounds", ErrInvalidOptions, fields[i].name)
		}
		if !drop[i] {
			want[i] = Categorical
		}
	}
	for name := range o.Bounds {
		i, ok := byName[strings.ToLower(name)]
		if !ok {
			return nil, fmt.Errorf("%w: bounds given for column %q, which is not in the table", ErrInvalidOptions, name)
		}
		if c, listed := want[i]; listed && c == Categorical {
			return nil, fmt.Errorf("%w: bounds given for categorical column %s", ErrInvalidOptions, fields[i].name)
		}
	}

	out := make([]plannedColumn, len(fields))
	for i, f := range fields {
		kind, scale, isBool, ok := typeFamily(f.typ)
		c := &column{name: f.name, typ: f.typ, kind: kind, scale: scale, isBool: isBool}
		out[i].col = c
		st := stats[i]
		explicit, listed := want[i]
		switch {
		case drop[i]:
			out[i].dropped = "dropped as asked"
			continue
		case !ok:
			if listed || i == target {
				return nil, fmt.Errorf("%w: column %s has type %s, which synth cannot model", ErrInvalidOptions, f.name, f.typ)
			}
			out[i].dropped = "type " + f.typ + " is not supported"
			continue
		}
		if reason := identifierReason(f.name, kind, isBool, st, n); reason != "" {
			if listed || i == target {
				return nil, fmt.Errorf("%w: column %s is %s; a synthetic table cannot keep it: drop it", ErrIdentifier, f.name, reason)
			}
			out[i].dropped = reason
			continue
		}
		switch {
		case listed && explicit == Numerical && (kind == kindText):
			return nil, fmt.Errorf("%w: column %s has type %s and cannot be numerical", ErrInvalidOptions, f.name, f.typ)
		case listed:
			c.class = explicit
		case kind == kindText:
			c.class = Categorical
		case hasBounds(o, f.name):
			c.class = Numerical
		case st.distinct <= maxAutoCategories:
			c.class = Categorical
		default:
			c.class = Numerical
		}
		if c.class == Categorical {
			if hasBounds(o, f.name) {
				return nil, fmt.Errorf("%w: bounds given for categorical column %s (list it as numerical to bin it)", ErrInvalidOptions, f.name)
			}
			c.kind = kindText
		}
	}
	var kept int
	for _, p := range out {
		if p.dropped == "" {
			kept++
		}
	}
	if kept == 0 {
		return nil, fmt.Errorf("%w: no column left to synthesize", ErrInvalidOptions)
	}
	return out, nil
}

func hasBounds(o *Options, name string) bool {
	for k := range o.Bounds {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func fieldNames(fields []sourceField) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// sourceField is a column of the source table.
type sourceField struct{ name, typ string }

// readStats counts rows, non-null and distinct values of every modelable
// column of the relation rel.
func readStats(ctx context.Context, sess *lakesql.Session, rel string, fields []sourceField) (int64, []columnStats, error) {
	sel := []string{"count(*)"}
	var idx []int
	for i, f := range fields {
		if _, _, _, ok := typeFamily(f.typ); ok {
			q := engine.QuoteIdent(f.name)
			sel = append(sel, "count("+q+")", "count(DISTINCT "+q+")")
			idx = append(idx, i)
		}
	}
	rows, err := sess.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+rel)
	if err != nil {
		return 0, nil, err
	}
	all, err := rows.All()
	if err != nil {
		return 0, nil, err
	}
	if len(all) != 1 {
		return 0, nil, fmt.Errorf("read the statistics of %s: no result", rel)
	}
	vals := all[0]
	stats := make([]columnStats, len(fields))
	n := toInt64(vals[0])
	for k, i := range idx {
		stats[i] = columnStats{nonNull: toInt64(vals[1+2*k]), distinct: toInt64(vals[2+2*k])}
	}
	return n, stats, nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

// readFrame reads the kept columns of rel into memory.
func readFrame(ctx context.Context, sess *lakesql.Session, rel string, cols []*column, n int64) (*frame, error) {
	sel := make([]string, len(cols))
	for i, c := range cols {
		if c.class == Categorical {
			sel[i] = "CAST(" + engine.QuoteIdent(c.name) + " AS VARCHAR)"
		} else {
			sel[i] = numericExpr(c)
		}
	}
	rows, err := sess.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+rel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := &frame{cols: cols}
	for _, c := range cols {
		c.str, c.num, c.null = nil, nil, nil
		if c.class == Categorical {
			c.str = make([]string, 0, n)
		} else {
			c.num = make([]float64, 0, n)
		}
		c.null = make([]bool, 0, n)
	}
	for rows.Next() {
		vals := rows.Values()
		for i, c := range cols {
			v := vals[i]
			if c.class == Categorical {
				s, ok := v.(string)
				c.str = append(c.str, s)
				c.null = append(c.null, !ok)
				continue
			}
			x, ok := v.(float64)
			if ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
				ok = false
			}
			c.num = append(c.num, x)
			c.null = append(c.null, !ok)
		}
		f.n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// format renders row i of a column as text DuckDB casts back to the
// column's type; ok is false for NULL.
func (c *column) format(i int) (string, bool) {
	if c.null[i] {
		return "", false
	}
	if c.class == Categorical {
		return c.str[i], true
	}
	v := c.num[i]
	switch c.kind {
	case kindInt:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64), true
	case kindDecimal:
		return strconv.FormatFloat(v, 'f', c.scale, 64), true
	case kindDate:
		return time.Unix(int64(math.Round(v))*86400, 0).UTC().Format("2006-01-02"), true
	case kindTimestamp:
		return time.UnixMicro(int64(math.Round(v * 1e6))).UTC().Format("2006-01-02 15:04:05.999999"), true
	case kindTimestampTZ:
		return time.UnixMicro(int64(math.Round(v*1e6))).UTC().Format("2006-01-02 15:04:05.999999") + "+00", true
	}
	return strconv.FormatFloat(v, 'g', -1, 64), true
}
