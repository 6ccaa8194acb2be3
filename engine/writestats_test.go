package engine

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/iceberg-go"
)

// TestUpperBoundText: a string bound longer than 16 code points is cut
// and its last code point that can be is incremented, as Iceberg's
// truncate(16) metrics mode does.
func TestUpperBoundText(t *testing.T) {
	max := string(rune(utf8.MaxRune))
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"short", "short", true},
		{"sixteen chars ok", "sixteen chars ok", true},
		{"seventeen chars!!", "seventeen chars\"", true},
		{"ünïcödé strings past sixteen", "ünïcödé strings!", true},
		{strings.Repeat("a", 15) + "\uD7FF" + "tail", strings.Repeat("a", 15) + "\uE000", true},
		{strings.Repeat("a", 15) + max + "tail", strings.Repeat("a", 14) + "b", true},
		{strings.Repeat(max, 17), "", false},
	} {
		got, ok := upperBoundText(c.in, stringBoundLength)
		if got != c.want || ok != c.ok {
			t.Errorf("upperBoundText(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && got < truncateString(c.in, stringBoundLength) {
			t.Errorf("upperBoundText(%q) = %q sorts before the string's prefix", c.in, got)
		}
	}
}

// TestWriterStatsUsable: only flat schemas of the types whose bounds the
// writer's text renders exactly, under the default metrics mode, skip the
// footer.
func TestWriterStatsUsable(t *testing.T) {
	field := func(typ iceberg.Type) *iceberg.Schema {
		return iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "a", Type: iceberg.PrimitiveTypes.Int32},
			iceberg.NestedField{ID: 2, Name: "b", Type: typ})
	}
	for _, c := range []struct {
		name   string
		schema *iceberg.Schema
		props  iceberg.Properties
		want   bool
	}{
		{"strings", field(iceberg.PrimitiveTypes.String), nil, true},
		{"decimal(18,2)", field(iceberg.DecimalTypeOf(18, 2)), nil, true},
		{"decimal(19,2)", field(iceberg.DecimalTypeOf(19, 2)), nil, false},
		{"dates and doubles", field(iceberg.PrimitiveTypes.Date), iceberg.Properties{"write.target-file-size-bytes": "1"}, true},
		{"timestamps", field(iceberg.PrimitiveTypes.Timestamp), nil, false},
		{"binary", field(iceberg.PrimitiveTypes.Binary), nil, false},
		{"a struct", field(&iceberg.StructType{FieldList: []iceberg.NestedField{{ID: 3, Name: "c", Type: iceberg.PrimitiveTypes.Int32}}}), nil, false},
		{"a metrics mode", field(iceberg.PrimitiveTypes.Int64), iceberg.Properties{"write.metadata.metrics.default": "full"}, false},
		{"a column's metrics mode", field(iceberg.PrimitiveTypes.Int64), iceberg.Properties{"write.metadata.metrics.column.b": "counts"}, false},
	} {
		if got := writerStatsUsable(c.schema, c.props); got != c.want {
			t.Errorf("%s: writerStatsUsable = %v, want %v", c.name, got, c.want)
		}
	}
}
