package lakesql

import (
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/google/go-cmp/cmp"
)

// allTypesColumns covers every DuckDB type that maps to an Iceberg
// primitive, plus nested list, struct and map types.
const allTypesColumns = `
	k INTEGER,
	b BOOLEAN, i INTEGER, ti TINYINT, si SMALLINT, bi BIGINT, f FLOAT, d DOUBLE,
	dec DECIMAL(10,2), dec18 DECIMAL(18,6), dec38 DECIMAL(38,10),
	s VARCHAR, bl BLOB, dt DATE, tm TIME, ts TIMESTAMP, tstz TIMESTAMPTZ, u UUID,
	l INTEGER[], ls VARCHAR[], st STRUCT(a INTEGER, b VARCHAR),
	m MAP(VARCHAR, INTEGER),
	deep STRUCT(xs STRUCT(p DOUBLE, q DATE)[], tags MAP(VARCHAR, VARCHAR[]))`

// allTypesValues are rows for allTypesColumns, including extremes and
// NULLs in every column.
const allTypesValues = `
	(1, true, 42, -128, 32767, 9223372036854775807, 1.5, -2.25,
	 12345678.91, -123456789012.345678, 1234567890123456789012345678.1234567891,
	 'héllo, wörld; ''quoted''', '\xDE\xAD\xBE\xEF'::BLOB, DATE '2024-02-29', TIME '23:59:59.999999',
	 TIMESTAMP '2024-02-29 12:34:56.123456', TIMESTAMPTZ '2024-02-29 12:34:56.5+00',
	 'f79c3e09-677c-4bbd-a479-3f349cb785e7',
	 [1, 2, NULL, 4], ['a', 'b'], {'a': 7, 'b': 'seven'}, MAP {'x': 1, 'y': NULL},
	 {'xs': [{'p': 0.5, 'q': DATE '1970-01-01'}, {'p': NULL, 'q': NULL}], 'tags': MAP {'k': ['v1', 'v2']}}),
	(2, false, -2147483648, 127, -32768, -9223372036854775808, -3.4e38, 1.7976931348623157e308,
	 -0.01, 0.000001, '-9999999999999999999999999999.9999999999'::DECIMAL(38,10),
	 '', ''::BLOB, DATE '0001-01-01', TIME '00:00:00',
	 TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMPTZ '1900-01-01 00:00:00+00',
	 '00000000-0000-0000-0000-000000000000',
	 [], [], {'a': NULL, 'b': NULL}, MAP {}, {'xs': [], 'tags': MAP {}}),
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`

// TestTypesRoundTrip writes every supported type through INSERT VALUES and
// INSERT SELECT and reads back exactly what DuckDB holds for the same
// values in a table of its own.
func TestTypesRoundTrip(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (` + allTypesColumns + `);
		CREATE TABLE memory.main.src (` + allTypesColumns + `);
		INSERT INTO memory.main.src VALUES ` + allTypesValues)

	for _, tc := range []struct{ name, insert string }{
		{"values", `INSERT INTO lake.ns.t VALUES ` + allTypesValues},
		{"select", `INSERT INTO lake.ns.t SELECT * FROM memory.main.src`},
		{"select from lake", `INSERT INTO lake.ns.t SELECT * FROM lake.ns.t`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.one(`SELECT count(*) FROM lake.ns.t`)
			f.exec(tc.insert)
			after := f.one(`SELECT count(*) FROM lake.ns.t`)
			if before == after {
				t.Fatalf("insert added no rows (count stays %s)", after)
			}
			want := f.strings(`SELECT * FROM memory.main.src ORDER BY k`)
			got := f.strings(`SELECT DISTINCT * FROM lake.ns.t ORDER BY k`)
			diffRows(t, "lake.ns.t", want, got)
		})
	}

	t.Run("describe", func(t *testing.T) {
		got := f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns.t)`)
		want := [][]string{
			{"k", "INTEGER"}, {"b", "BOOLEAN"}, {"i", "INTEGER"},
			// Iceberg has no 8- or 16-bit integers: they widen to int.
			{"ti", "INTEGER"}, {"si", "INTEGER"},
			{"bi", "BIGINT"}, {"f", "FLOAT"}, {"d", "DOUBLE"},
			{"dec", "DECIMAL(10,2)"}, {"dec18", "DECIMAL(18,6)"}, {"dec38", "DECIMAL(38,10)"},
			{"s", "VARCHAR"}, {"bl", "BLOB"}, {"dt", "DATE"}, {"tm", "TIME"}, {"ts", "TIMESTAMP"},
			{"tstz", "TIMESTAMP WITH TIME ZONE"}, {"u", "UUID"},
			{"l", "INTEGER[]"}, {"ls", "VARCHAR[]"}, {"st", "STRUCT(a INTEGER, b VARCHAR)"},
			{"m", "MAP(VARCHAR, INTEGER)"},
			{"deep", "STRUCT(xs STRUCT(p DOUBLE, q DATE)[], tags MAP(VARCHAR, VARCHAR[]))"},
		}
		diffRows(t, "DESCRIBE lake.ns.t", want, got)
	})

	t.Run("iceberg schema", func(t *testing.T) {
		var got []string
		for _, fld := range f.table("ns", "t").Schema().Fields() {
			got = append(got, fld.Name+" "+typeString(fld.Type))
		}
		want := []string{
			"k int", "b boolean", "i int", "ti int", "si int", "bi long", "f float", "d double",
			"dec decimal(10, 2)", "dec18 decimal(18, 6)", "dec38 decimal(38, 10)",
			"s string", "bl binary", "dt date", "tm time", "ts timestamp", "tstz timestamptz", "u uuid",
			"l list<int>", "ls list<string>", "st struct<a: int, b: string>",
			"m map<string, int>",
			"deep struct<xs: list<struct<p: double, q: date>>, tags: map<string, list<string>>>",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Iceberg schema (-want +got):\n%s", diff)
		}
	})
}

// typeString renders an Iceberg type without field ids.
func typeString(t iceberg.Type) string {
	switch t := t.(type) {
	case *iceberg.ListType:
		return "list<" + typeString(t.Element) + ">"
	case *iceberg.MapType:
		return "map<" + typeString(t.KeyType) + ", " + typeString(t.ValueType) + ">"
	case *iceberg.StructType:
		parts := make([]string, len(t.FieldList))
		for i, f := range t.FieldList {
			parts[i] = f.Name + ": " + typeString(f.Type)
		}
		return "struct<" + strings.Join(parts, ", ") + ">"
	}
	return t.String()
}
