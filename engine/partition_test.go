package engine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	_ "github.com/duckdb/duckdb-go/v2" // DuckDB evaluates the partition expressions
	"github.com/google/go-cmp/cmp"
)

func TestParsePartitionTerm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want PartitionTerm
	}{
		{"id", PartitionTerm{"id", "identity"}},
		{` "My Col" `, PartitionTerm{"My Col", "identity"}},
		{"identity(id)", PartitionTerm{"id", "identity"}},
		{"year(ts)", PartitionTerm{"ts", "year"}},
		{"years(ts)", PartitionTerm{"ts", "year"}},
		{"MONTH(ts)", PartitionTerm{"ts", "month"}},
		{"months(ts)", PartitionTerm{"ts", "month"}},
		{"day(ts)", PartitionTerm{"ts", "day"}},
		{"days(ts)", PartitionTerm{"ts", "day"}},
		{"date(ts)", PartitionTerm{"ts", "day"}},
		{"hour(ts)", PartitionTerm{"ts", "hour"}},
		{"date_hour(ts)", PartitionTerm{"ts", "hour"}},
		{"bucket(16, id)", PartitionTerm{"id", "bucket[16]"}},
		{"bucket(id, 16)", PartitionTerm{"id", "bucket[16]"}},
		{"truncate(4, s)", PartitionTerm{"s", "truncate[4]"}},
		{`truncate("s", 4)`, PartitionTerm{"s", "truncate[4]"}},
		{"void(x)", PartitionTerm{"x", "void"}},
	} {
		got, err := ParsePartitionTerm(tc.in)
		if err != nil {
			t.Errorf("ParsePartitionTerm(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParsePartitionTerm(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"bucket(0, id)", "bucket(-1, id)", "bucket(id)", "bucket(x, id)", "truncate(4)",
		"foo(x)", "day()", "day(a, b)", "day(ts", "hour(ts) + 1"} {
		if _, err := ParsePartitionTerm(in); !errors.Is(err, ErrInvalidPartition) {
			t.Errorf("ParsePartitionTerm(%q) = %v, want ErrInvalidPartition", in, err)
		}
	}
}

func TestBuildPartitionSpec(t *testing.T) {
	schema, err := SchemaFromColumns([]Column{
		{Name: "id", Type: "BIGINT"}, {Name: "ts", Type: "TIMESTAMP"}, {Name: "s", Type: "VARCHAR"},
		{Name: "b", Type: "BOOLEAN"}, {Name: "l", Type: "INTEGER[]"}, {Name: "d", Type: "DATE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := BuildPartitionSpec(schema, []PartitionTerm{
		{"TS", "day"}, {"id", "bucket[8]"}, {"s", "truncate[2]"}, {"s", "identity"}, {"d", "month"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range spec.Fields() {
		got = append(got, fmt.Sprintf("%d %s %s(%d)", f.FieldID, f.Name, f.Transform, f.SourceID()))
	}
	want := []string{"1000 ts_day day(2)", "1001 id_bucket bucket[8](1)", "1002 s_trunc truncate[2](3)", "1003 s identity(3)", "1004 d_month month(6)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if spec, err := BuildPartitionSpec(schema, nil); err != nil || !spec.IsUnpartitioned() {
		t.Errorf("no terms: %v, %v; want the unpartitioned spec", spec, err)
	}

	for _, terms := range [][]PartitionTerm{
		{{"nope", "identity"}},
		{{"s", "day"}},
		{{"b", "bucket[4]"}},
		{{"d", "hour"}},
		{{"d", "truncate[3]"}},
		{{"l", "identity"}},
		{{"id", "frobnicate"}},
		{{"ts", "day"}, {"ts", "day"}},
	} {
		if _, err := BuildPartitionSpec(schema, terms); !errors.Is(err, ErrInvalidPartition) {
			t.Errorf("BuildPartitionSpec(%v) = %v, want ErrInvalidPartition", terms, err)
		}
	}
}

// TestPartitionExprMatchesIceberg evaluates the SQL floe writes partition
// values with in DuckDB and compares the result with iceberg-go applying
// the same transform, around the epoch, time zones and sign changes where
// such code goes wrong. Bucket needs floe's UDF; engine/lakesql tests it.
func TestPartitionExprMatchesIceberg(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`SET TimeZone = 'America/Los_Angeles'`); err != nil {
		t.Fatal(err)
	}
	micros := func(s string) iceberg.Timestamp {
		tm, err := time.Parse("2006-01-02 15:04:05.999999Z07:00", s)
		if err != nil {
			t.Fatal(err)
		}
		return iceberg.Timestamp(tm.UnixMicro())
	}
	days := func(s string) iceberg.Date {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return iceberg.Date(tm.Unix() / 86400)
	}
	dec := func(s string, scale int) iceberg.Literal {
		l, err := iceberg.NewLiteral(s).To(iceberg.DecimalTypeOf(9, scale))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, tc := range []struct {
		duckType, value, transform string
		lit                        iceberg.Literal
	}{
		{"TIMESTAMP", "TIMESTAMP '2017-11-16 22:31:08'", "year", iceberg.NewLiteral(micros("2017-11-16 22:31:08Z"))},
		{"TIMESTAMP", "TIMESTAMP '1969-12-31 23:59:59.999999'", "year", iceberg.NewLiteral(micros("1969-12-31 23:59:59.999999Z"))},
		{"TIMESTAMP", "TIMESTAMP '1969-12-31 23:59:59.999999'", "month", iceberg.NewLiteral(micros("1969-12-31 23:59:59.999999Z"))},
		{"TIMESTAMP", "TIMESTAMP '1969-01-01 00:00:00'", "month", iceberg.NewLiteral(micros("1969-01-01 00:00:00Z"))},
		{"TIMESTAMP", "TIMESTAMP '2017-11-16 22:31:08'", "month", iceberg.NewLiteral(micros("2017-11-16 22:31:08Z"))},
		{"TIMESTAMP", "TIMESTAMP '1969-12-31 23:59:59.999999'", "day", iceberg.NewLiteral(micros("1969-12-31 23:59:59.999999Z"))},
		{"TIMESTAMP", "TIMESTAMP '2017-11-16 22:31:08'", "day", iceberg.NewLiteral(micros("2017-11-16 22:31:08Z"))},
		{"TIMESTAMP", "TIMESTAMP '1969-12-31 23:30:00'", "hour", iceberg.NewLiteral(micros("1969-12-31 23:30:00Z"))},
		{"TIMESTAMP", "TIMESTAMP '1900-03-01 00:00:00'", "hour", iceberg.NewLiteral(micros("1900-03-01 00:00:00Z"))},
		{"TIMESTAMP", "TIMESTAMP '2017-11-16 22:31:08'", "hour", iceberg.NewLiteral(micros("2017-11-16 22:31:08Z"))},
		{"TIMESTAMPTZ", "TIMESTAMPTZ '2017-11-16 14:31:08-08:00'", "hour", iceberg.NewLiteral(micros("2017-11-16 14:31:08-08:00"))},
		{"TIMESTAMPTZ", "TIMESTAMPTZ '2017-11-16 23:30:00-08:00'", "day", iceberg.NewLiteral(micros("2017-11-16 23:30:00-08:00"))},
		{"TIMESTAMPTZ", "TIMESTAMPTZ '2017-12-31 20:00:00-08:00'", "year", iceberg.NewLiteral(micros("2017-12-31 20:00:00-08:00"))},
		{"TIMESTAMPTZ", "TIMESTAMPTZ '2017-11-30 20:00:00-08:00'", "month", iceberg.NewLiteral(micros("2017-11-30 20:00:00-08:00"))},
		{"DATE", "DATE '1969-12-31'", "year", iceberg.NewLiteral(days("1969-12-31"))},
		{"DATE", "DATE '1969-12-31'", "month", iceberg.NewLiteral(days("1969-12-31"))},
		{"DATE", "DATE '2017-11-16'", "day", iceberg.NewLiteral(days("2017-11-16"))},
		{"INTEGER", "-5", "truncate[10]", iceberg.NewLiteral(int32(-5))},
		{"INTEGER", "5", "truncate[10]", iceberg.NewLiteral(int32(5))},
		{"INTEGER", "-10", "truncate[10]", iceberg.NewLiteral(int32(-10))},
		{"BIGINT", "-9223372036854775000", "truncate[1000]", iceberg.NewLiteral(int64(-9223372036854775000))},
		{"BIGINT", "123456789012", "truncate[1000]", iceberg.NewLiteral(int64(123456789012))},
		{"VARCHAR", "'iceberg'", "truncate[3]", iceberg.NewLiteral("iceberg")},
		{"VARCHAR", "'éàü€'", "truncate[2]", iceberg.NewLiteral("éàü€")},
		{"VARCHAR", "'ab'", "truncate[5]", iceberg.NewLiteral("ab")},
		{"DECIMAL(9,2)", "12.34", "truncate[10]", dec("12.34", 2)},
		{"DECIMAL(9,2)", "-0.05", "truncate[10]", dec("-0.05", 2)},
		{"DECIMAL(9,0)", "-7", "truncate[5]", dec("-7", 0)},
		{"BLOB", `'\x01\x02\x03'::BLOB`, "truncate[2]", iceberg.NewLiteral([]byte{1, 2, 3})},
		{"BLOB", `'\x01'::BLOB`, "truncate[2]", iceberg.NewLiteral([]byte{1})},
		{"VARCHAR", "'x'", "identity", iceberg.NewLiteral("x")},
	} {
		t.Run(tc.transform+" "+tc.value, func(t *testing.T) {
			typ, err := ParseDuckDBType(tc.duckType, &idAllocator{})
			if err != nil {
				t.Fatal(err)
			}
			tr, err := iceberg.ParseTransform(tc.transform)
			if err != nil {
				t.Fatal(err)
			}
			src := iceberg.NestedField{ID: 1, Name: "v", Type: typ}
			expr, err := PartitionExpr(iceberg.PartitionField{SourceIDs: []int{1}, FieldID: 1000, Name: "p", Transform: tr}, src, "v")
			if err != nil {
				t.Fatal(err)
			}
			lit := tc.lit
			if tc.duckType != "DECIMAL(9,2)" && tc.duckType != "DECIMAL(9,0)" {
				if lit, err = lit.To(typ); err != nil {
					t.Fatal(err)
				}
			}
			res := tr.Apply(iceberg.Optional[iceberg.Literal]{Val: lit, Valid: true})
			if !res.Valid {
				t.Fatalf("iceberg-go cannot apply %s to %s", tr, lit)
			}
			want := res.Val.String()
			render := "CAST((%s) AS VARCHAR)"
			if tc.duckType == "BLOB" {
				render = "lower(hex(%s))"
				want = hex.EncodeToString(res.Val.Any().([]byte))
			}
			var got string
			q := fmt.Sprintf("SELECT "+render+" FROM (SELECT CAST(%s AS %s) AS v)", expr, tc.value, tc.duckType)
			if err := db.QueryRowContext(context.Background(), q).Scan(&got); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if got != want {
				t.Errorf("%s(%s) = %s in DuckDB (%s), iceberg-go says %s", tr, tc.value, got, expr, want)
			}
			// NULL goes to the NULL partition.
			var null sql.NullString
			if err := db.QueryRow(fmt.Sprintf("SELECT CAST((%s) AS VARCHAR) FROM (SELECT CAST(NULL AS %s) AS v)", expr, tc.duckType)).Scan(&null); err != nil || null.Valid {
				t.Errorf("%s(NULL) = %v, %v; want NULL", tr, null, err)
			}
		})
	}
}

func TestPartitionValue(t *testing.T) {
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		typ  iceberg.Type
		in   any
		want any
	}{
		{iceberg.PrimitiveTypes.Int32, int32(-3), int32(-3)},
		{iceberg.PrimitiveTypes.Int32, int8(7), int32(7)},
		{iceberg.PrimitiveTypes.Int64, int64(1) << 40, int64(1) << 40},
		{iceberg.PrimitiveTypes.Int64, int32(5), int64(5)},
		{iceberg.PrimitiveTypes.Date, day, iceberg.Date(19782)},
		{iceberg.PrimitiveTypes.Date, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), iceberg.Date(-1)},
		{iceberg.PrimitiveTypes.Timestamp, day.Add(90 * time.Minute), iceberg.Timestamp(day.Add(90 * time.Minute).UnixMicro())},
		{iceberg.PrimitiveTypes.String, "abc", "abc"},
		{iceberg.PrimitiveTypes.Bool, true, true},
		{iceberg.PrimitiveTypes.Int32, nil, nil},
		{iceberg.PrimitiveTypes.Int32, "12", int32(12)},
	} {
		got, err := partitionValue(tc.typ, tc.in)
		if err != nil {
			t.Errorf("partitionValue(%s, %v): %v", tc.typ, tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("partitionValue(%s, %#v) = %#v, want %#v", tc.typ, tc.in, got, tc.want)
		}
	}
	if _, err := partitionValue(iceberg.PrimitiveTypes.Int32, "x"); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("partitionValue(int, \"x\") = %v, want an error naming the value", err)
	}
}
