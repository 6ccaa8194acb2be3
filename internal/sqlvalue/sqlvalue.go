// Package sqlvalue formats the Go values DuckDB's driver returns as text,
// the way DuckDB's own CLI prints them, for every place floe shows a
// result (floe sql, notebook outputs, the workbench pager), and draws the
// one box table floe sql and notebook outputs print (Box).
package sqlvalue

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Format renders v: NULL for nil, dates without a time of day, decimals
// with all their scale digits (12.00), floats without an exponent in the
// usual range, lists as [a, b], structs as {'k': v} and maps as {k=v}.
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case []byte:
		return fmt.Sprintf("\\x%x", x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 && x.Location() == time.UTC {
			return x.Format("2006-01-02")
		}
		if x.Nanosecond() != 0 {
			return x.Format("2006-01-02 15:04:05.999999")
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case duckdb.Decimal:
		return Decimal(x)
	case *big.Int:
		return x.String()
	case duckdb.OrderedMap:
		return formatMap(&x)
	case *duckdb.OrderedMap:
		return formatMap(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Format(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = "'" + k + "': " + Format(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// formatFloat writes floats in their shortest form, without an exponent
// unless the number is very large or very small: 1234567.25, not
// 1.23456725e+06.
func formatFloat(f float64, bits int) string {
	if a := math.Abs(f); a == 0 || a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, bits)
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// Decimal prints a decimal with exactly its scale's digits, as DuckDB does.
func Decimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	v := new(big.Int).Abs(d.Value)
	digits := v.String()
	scale := int(d.Scale)
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if d.Value.Sign() < 0 {
		digits = "-" + digits
	}
	return digits
}

func formatMap(m *duckdb.OrderedMap) string {
	keys, vals := m.Keys(), m.Values()
	parts := make([]string, len(keys))
	for i := range keys {
		parts[i] = Format(keys[i]) + "=" + Format(vals[i])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
