package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// inferType returns the DuckDB type a value without a declared schema
// suggests ("" for NULL).
func inferType(v any, csv bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return "BOOLEAN"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "BIGINT"
		}
		return "DOUBLE"
	case string:
		if !csv {
			return "VARCHAR"
		}
		if _, err := strconv.ParseInt(x, 10, 64); err == nil {
			return "BIGINT"
		}
		if _, err := strconv.ParseFloat(x, 64); err == nil {
			return "DOUBLE"
		}
		if x == "true" || x == "false" {
			return "BOOLEAN"
		}
		return "VARCHAR"
	}
	return "VARCHAR" // objects and arrays are kept as JSON text
}

// unify is the type two inferred values of one column share.
func unify(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	case a == "BIGINT" && b == "DOUBLE" || a == "DOUBLE" && b == "BIGINT":
		return "DOUBLE"
	}
	return "VARCHAR"
}

// baseType is a DuckDB type name without parameters, upper case.
func baseType(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	return t
}

func decimalParams(t string) (p, s int, ok bool) {
	if baseType(t) != "DECIMAL" {
		return 0, 0, false
	}
	_, err := fmt.Sscanf(strings.ToUpper(strings.ReplaceAll(t, " ", "")), "DECIMAL(%d,%d)", &p, &s)
	return p, s, err == nil
}

// typeChange classifies a declared source type against the table's:
// "same" (or the table's is wider and takes the values as they are),
// "promote" (Iceberg allows widening the table's column to it) or
// "refuse".
func typeChange(table, source string) string {
	tb, sb := baseType(table), baseType(source)
	if strings.EqualFold(table, source) || tb == sb && tb != "DECIMAL" {
		return "same"
	}
	switch {
	case tb == "BIGINT" && sb == "INTEGER", tb == "DOUBLE" && sb == "FLOAT":
		return "same"
	case tb == "INTEGER" && sb == "BIGINT", tb == "FLOAT" && sb == "DOUBLE":
		return "promote"
	}
	tp, ts, ok1 := decimalParams(table)
	sp, ss, ok2 := decimalParams(source)
	if ok1 && ok2 && ts == ss {
		if sp <= tp {
			return "same"
		}
		return "promote"
	}
	return "refuse"
}

// stageValue turns a value into what DuckDB's read_json casts to the
// column's type, or says why it cannot.
func stageValue(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch baseType(typ) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT":
		var n int64
		var err error
		switch x := v.(type) {
		case json.Number:
			n, err = x.Int64()
		case string:
			n, err = strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		default:
			err = fmt.Errorf("not a number")
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not an integer", show(v))
		}
		if baseType(typ) == "INTEGER" && (n < math.MinInt32 || n > math.MaxInt32) {
			return nil, fmt.Errorf("%d does not fit INTEGER", n)
		}
		return n, nil
	case "FLOAT", "REAL", "DOUBLE":
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
		default:
			return nil, fmt.Errorf("%s is not a number", show(v))
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not a number", show(v))
		}
		return f, nil
	case "DECIMAL":
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
		default:
			return nil, fmt.Errorf("%s is not a decimal", show(v))
		}
		if _, ok := new(big.Rat).SetString(s); !ok {
			return nil, fmt.Errorf("%s is not a decimal", show(v))
		}
		return s, nil
	case "BOOLEAN":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
				return b, nil
			}
		}
		return nil, fmt.Errorf("%s is not a boolean", show(v))
	case "VARCHAR":
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIME", "UUID", "BLOB":
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("%s is not a %s", show(v), strings.ToLower(baseType(typ)))
	}
	return v, nil // nested types: DuckDB casts the JSON itself
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}
