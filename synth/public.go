package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// Public domains. The data owner may declare that a categorical column's
// set of values is public knowledge (education levels, countries, enums):
// the model then uses those values without spending budget discovering
// them, so none is lost for being rare. The declaration is the owner's
// assertion; synth does not check it against the data, which would leak.

// PublicDomainProperty prefixes the table properties that declare a
// column's domain: floe.synth.public-domain.COLUMN holds a JSON array of
// the column's values, as in
//
//	ALTER TABLE lake.crm.adult SET TBLPROPERTIES (
//	    'floe.synth.public-domain.education' = '["Bachelors", "HS-grad", "Doctorate"]')
//
// Values are strings, numbers or booleans, read as the column's type and
// compared in its text form (CAST(column AS VARCHAR)); null declares NULL a
// value of the domain.
const PublicDomainProperty = "floe.synth.public-domain."

// maxPublicValues is the most values a public domain may hold.
const maxPublicValues = 1000

// declaredDomains reads the public-domain properties of a table whose
// columns are fields. It returns each declared column's values by field
// index, in the order given, without duplicates. A property that names no
// column, or does not hold a non-empty JSON array of values, is an error:
// properties are metadata, so saying so reveals nothing of the rows.
func declaredDomains(props map[string]string, fields []sourceField, source string) (map[int][]catValue, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		if strings.HasPrefix(k, PublicDomainProperty) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := map[int][]catValue{}
	for _, k := range keys {
		name := strings.TrimPrefix(k, PublicDomainProperty)
		i := fieldIndex(fields, name)
		if i < 0 {
			return nil, fmt.Errorf("%w: %s: table property %s names no column (columns: %s)", ErrInvalidOptions, source, k, fieldNames(fields))
		}
		vals, err := parseDomain(props[k])
		if err != nil {
			return nil, fmt.Errorf("%w: %s: table property %s: %v", ErrInvalidOptions, source, k, err)
		}
		out[i] = vals
	}
	return out, nil
}

// parseDomain reads a JSON array of values.
func parseDomain(s string) ([]catValue, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("want a JSON array of values, as in [\"a\", \"b\"]: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("want one JSON array of values, as in [\"a\", \"b\"]")
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("the domain is empty: list the column's values")
	}
	var out []catValue
	seen := map[catValue]bool{}
	for _, v := range raw {
		var cv catValue
		switch x := v.(type) {
		case nil:
			cv = catValue{null: true}
		case string:
			cv = catValue{s: x}
		case json.Number:
			cv = catValue{s: x.String()}
		case bool:
			cv = catValue{s: fmt.Sprint(x)}
		default:
			var b bytes.Buffer
			json.NewEncoder(&b).Encode(v)
			return nil, fmt.Errorf("%s is not a value: use strings, numbers, booleans or null", strings.TrimSpace(b.String()))
		}
		if !seen[cv] {
			seen[cv] = true
			out = append(out, cv)
		}
	}
	if len(out) > maxPublicValues {
		return nil, fmt.Errorf("%d values; a public domain holds at most %d", len(out), maxPublicValues)
	}
	return out, nil
}

// fieldIndex finds a column by name, exactly or else ignoring case; -1
// when there is none.
func fieldIndex(fields []sourceField, name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	for i, f := range fields {
		if strings.EqualFold(f.name, name) {
			return i
		}
	}
	return -1
}

// normalizeDomain reads declared values as the column's type and returns
// them in its text form, the form the model compares (so 1.50 declared for
// a DOUBLE column matches the 1.5 the column holds). A value that is not
// of the type is an error naming it.
func normalizeDomain(ctx context.Context, sess *lakesql.Session, col, typ string, vals []catValue) ([]catValue, error) {
	if kind, _, _, _ := typeFamily(typ); kind == kindText && !strings.EqualFold(typ, "BOOLEAN") {
		return vals, nil
	}
	var rows []string
	for i, v := range vals {
		if !v.null {
			rows = append(rows, fmt.Sprintf("(%d, %s)", i, engine.QuoteString(v.s)))
		}
	}
	if len(rows) == 0 {
		return vals, nil
	}
	q := "SELECT i, v, CAST(TRY_CAST(v AS " + typ + ") AS VARCHAR) FROM (VALUES " + strings.Join(rows, ", ") + ") t(i, v) ORDER BY i"
	res, err := sess.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read the public domain of %s as %s: %w", col, typ, err)
	}
	all, err := res.All()
	if err != nil {
		return nil, fmt.Errorf("read the public domain of %s as %s: %w", col, typ, err)
	}
	out := make([]catValue, 0, len(vals))
	seen := map[catValue]bool{}
	for _, v := range vals {
		if v.null && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, r := range all {
		s, ok := r[2].(string)
		if !ok {
			return nil, fmt.Errorf("%w: public domain of %s: %q is not of type %s", ErrInvalidOptions, col, str(r[1]), typ)
		}
		if cv := (catValue{s: s}); !seen[cv] {
			seen[cv] = true
			out = append(out, cv)
		}
	}
	return out, nil
}
