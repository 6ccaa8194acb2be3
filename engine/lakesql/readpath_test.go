package lakesql

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
)

// readPathColumns are the columns of the tables the read-path test writes:
// every primitive a partition transform applies to, and nested types.
const readPathColumns = `id INTEGER, bi BIGINT, s VARCHAR, d DATE, ts TIMESTAMP, tstz TIMESTAMPTZ,
	dec DECIMAL(9,2), x DOUBLE, bl BLOB, u UUID, tm TIME, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR)`

// readPathRows inserts rows lo..hi-1 with NULLs in every partition source
// column now and then, multibyte strings, negative numbers, and (with
// pre1970) timestamps before the epoch, where hour and day round down.
func readPathRows(lo, hi int, pre1970 bool) string {
	tsBase, tstzBase := "TIMESTAMP '2023-12-31 22:00:00'", "TIMESTAMPTZ '2023-12-31 23:30:00+00'"
	if pre1970 {
		tsBase, tstzBase = "TIMESTAMP '1969-12-31 20:00:00'", "TIMESTAMPTZ '1969-12-31 22:10:00+00'"
	}
	return fmt.Sprintf(`SELECT
		-- k counts from 0 in every batch; r is the row's number overall.
		CASE WHEN r %% 7 = 6 THEN NULL ELSE (r * 37 %% 11 - 5)::INTEGER END,
		CASE WHEN r %% 9 = 8 THEN NULL ELSE r * 1000003 - 5000000 END,
		CASE WHEN r %% 5 = 4 THEN NULL ELSE (['é', 'ab', 'abc', 'zz', 'Ω'])[r %% 5 + 1] || (r %% 3) END,
		CASE WHEN r %% 8 = 7 THEN NULL ELSE DATE '1969-12-20' + (r %% 12 * 11)::INTEGER END,
		CASE WHEN r %% 6 = 5 THEN NULL ELSE %s + INTERVAL (k * 17) MINUTE END,
		CASE WHEN r %% 6 = 4 THEN NULL ELSE %s + INTERVAL (k * 23) MINUTE END,
		CASE WHEN r %% 10 = 9 THEN NULL ELSE (r * 12.34 - 150)::DECIMAL(9,2) END,
		r * 0.25 - 1,
		CASE WHEN r %% 4 = 3 THEN NULL ELSE encode('b' || r) END,
		CASE WHEN r %% 5 = 3 THEN NULL ELSE md5(r::VARCHAR)::UUID END,
		TIME '00:00:00' + INTERVAL (r * 3001) SECOND,
		[r, NULL, r + 1],
		{'a': r, 'b': 'b' || r}
	FROM (SELECT range AS r, range - %d AS k FROM range(%d, %d))`, tsBase, tstzBase, lo, lo, hi)
}

// TestIcebergReadsWhatFloeWrites writes tables with every partition
// transform and reads them back through iceberg-go's own planner and Arrow
// reader: the rows (unfiltered and under filters iceberg-go prunes with
// the partition values floe recorded) must equal what floe's SQL returns,
// and every Parquet column must carry its Iceberg field id.
func TestIcebergReadsWhatFloeWrites(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)

	ts := func(s string) iceberg.Timestamp {
		v, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return iceberg.Timestamp(v.UnixMicro())
	}
	date := func(s string) iceberg.Date {
		v, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return iceberg.Date(v.Unix() / 86400)
	}
	dec, err := iceberg.NewLiteral("-26.60").To(iceberg.DecimalTypeOf(9, 2))
	if err != nil {
		t.Fatal(err)
	}
	// Each filter runs on the tables partitioned by its column: there
	// iceberg-go prunes with the partition values floe wrote, and a wrong
	// value loses rows.
	filters := []struct {
		col, sql string
		expr     iceberg.BooleanExpression
	}{
		{"id", "id = 5", iceberg.EqualTo(iceberg.Reference("id"), int32(5))},
		{"id", "id < 0", iceberg.LessThan(iceberg.Reference("id"), int32(0))},
		{"id", "id IS NULL", iceberg.IsNull(iceberg.Reference("id"))},
		{"bi", "bi = 7000036", iceberg.EqualTo(iceberg.Reference("bi"), int64(7000036))},
		{"s", "s = 'abc2'", iceberg.EqualTo(iceberg.Reference("s"), "abc2")},
		{"s", "s = 'é0'", iceberg.EqualTo(iceberg.Reference("s"), "é0")},
		{"d", "d = DATE '1970-01-22'", iceberg.EqualTo(iceberg.Reference("d"), date("1970-01-22"))},
		{"d", "d >= DATE '1970-03-01'", iceberg.GreaterThanEqual(iceberg.Reference("d"), date("1970-03-01"))},
		{"ts", "ts >= TIMESTAMP '2024-01-01 03:00:00'", iceberg.GreaterThanEqual(iceberg.Reference("ts"), ts("2024-01-01 03:00:00"))},
		{"ts", "ts < TIMESTAMP '1969-12-31 23:00:00'", iceberg.LessThan(iceberg.Reference("ts"), ts("1969-12-31 23:00:00"))},
		{"tstz", "tstz >= TIMESTAMPTZ '2024-01-01 05:00:00+00'", iceberg.GreaterThanEqual(iceberg.Reference("tstz"), ts("2024-01-01 05:00:00"))},
		{"tstz", "tstz < TIMESTAMPTZ '1969-12-31 23:30:00+00'", iceberg.LessThan(iceberg.Reference("tstz"), ts("1969-12-31 23:30:00"))},
		{"dec", "dec = -26.6", iceberg.EqualTo(iceberg.Reference("dec"), dec.(iceberg.DecimalLiteral).Value())},
		{"u", "u = 'c4ca4238-a0b9-2382-0dcc-509a6f75849b'", iceberg.EqualTo(iceberg.Reference("u"), uuid.MustParse("c4ca4238-a0b9-2382-0dcc-509a6f75849b"))},
		{"bl", "bl = encode('b5')", iceberg.EqualTo(iceberg.Reference("bl"), []byte("b5"))},
		{"tm", "tm = TIME '00:50:01'", iceberg.EqualTo(iceberg.Reference("tm"), iceberg.Time(3001*1e6))},
	}

	for i, part := range []string{
		"",
		"id", "s", "d",
		"year(ts)", "month(ts)", "day(ts)", "hour(ts)",
		"day(tstz)", "hour(tstz)", "year(d)", "month(d)",
		// TestBucketMatchesIcebergGo covers bucket on every other type.
		"bucket(4, id)", "bucket(5, bi)", "bucket(3, s)", "bucket(4, ts)", "bucket(3, u)",
		"truncate(10, id)", "truncate(10000000, bi)", "truncate(2, s)", "truncate(50, dec)",
		"day(ts), bucket(2, id)",
	} {
		name := "unpartitioned"
		if part != "" {
			name = part
		}
		t.Run(name, func(t *testing.T) {
			tbl := fmt.Sprintf("t%d", i)
			ident := "lake.ns." + tbl
			ddl := "CREATE TABLE " + ident + " (" + readPathColumns + ")"
			if part != "" {
				ddl += " PARTITIONED BY (" + part + ")"
			}
			f.exec(ddl)
			f.exec("INSERT INTO " + ident + " " + readPathRows(0, 30, false))
			f.exec("INSERT INTO " + ident + " " + readPathRows(30, 45, true))
			it := f.table("ns", tbl)
			if part != "" && it.Spec().IsUnpartitioned() {
				t.Fatalf("PARTITIONED BY (%s) made an unpartitioned table", part)
			}

			got := icebergRows(t, f, it, nil)
			want := floeRows(t, f, "SELECT * FROM "+ident)
			if len(want) != 45 {
				t.Fatalf("floe reads %d rows, want 45", len(want))
			}
			diffRows(t, "iceberg-go scan vs floe SQL", want, got)

			for _, flt := range filters {
				if !slices.Contains(strings.FieldsFunc(part, func(r rune) bool {
					return !(r >= 'a' && r <= 'z')
				}), flt.col) {
					continue
				}
				want := floeRows(t, f, "SELECT * FROM "+ident+" WHERE "+flt.sql)
				if len(want) == 0 {
					t.Errorf("WHERE %s matches no row: the check would be vacuous", flt.sql)
				}
				got := icebergRows(t, f, it, flt.expr)
				diffRows(t, "WHERE "+flt.sql+": iceberg-go vs floe", want, got)
			}

			checkFieldIDs(t, f, it)
		})
	}
}

// floeRows runs a query and renders its rows in the canonical form
// icebergRows uses, sorted.
func floeRows(t *testing.T, f *lakeFixture, q string) [][]string {
	t.Helper()
	rows, err := f.s.Query(f.ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	types := rows.Types
	data, err := rows.All()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([][]string, len(data))
	for i, r := range data {
		out[i] = make([]string, len(r))
		for j, v := range r {
			out[i][j] = duckCell(types[j], v)
		}
	}
	return sortedRows(out)
}

func duckCell(typ string, v any) string {
	if v == nil {
		return "NULL"
	}
	switch {
	case typ == "DATE":
		return v.(time.Time).Format("2006-01-02")
	case typ == "TIME":
		return v.(time.Time).Format("15:04:05.000000")
	case typ == "TIMESTAMP" || typ == "TIMESTAMPTZ":
		return v.(time.Time).UTC().Format("2006-01-02 15:04:05.000000")
	case typ == "UUID":
		switch u := v.(type) {
		case []byte:
			return uuid.UUID(u).String()
		case duckdb.UUID:
			return u.String()
		}
	case strings.HasPrefix(typ, "DECIMAL"):
		d := v.(duckdb.Decimal)
		return decimalString(d.Value, int(d.Scale))
	case strings.HasSuffix(typ, "[]"):
		elem := strings.TrimSuffix(typ, "[]")
		var parts []string
		for _, e := range v.([]any) {
			parts = append(parts, duckCell(elem, e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return cellString(v)
}

// icebergRows reads a table through iceberg-go's scan planning and Arrow
// reader, with an optional row filter, and renders the rows like floeRows.
func icebergRows(t *testing.T, f *lakeFixture, it *engine.Table, filter iceberg.BooleanExpression) [][]string {
	t.Helper()
	var opts []table.ScanOption
	if filter != nil {
		opts = append(opts, table.WithRowFilter(filter))
	}
	at, err := it.Iceberg().Scan(opts...).ToArrowTable(f.ctx)
	if err != nil {
		t.Fatalf("iceberg-go scan of %s (filter %v): %v", it.Ident(), filter, err)
	}
	defer at.Release()
	var out [][]string
	tr := array.NewTableReader(at, 1024)
	defer tr.Release()
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = arrowCell(rec.Column(c), i)
			}
			out = append(out, row)
		}
	}
	if err := tr.Err(); err != nil {
		t.Fatal(err)
	}
	return sortedRows(out)
}

// decimalString renders unscaled / 10^scale with all scale digits.
func decimalString(unscaled *big.Int, scale int) string {
	digits := new(big.Int).Abs(unscaled).String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if unscaled.Sign() < 0 {
		digits = "-" + digits
	}
	return digits
}

func arrowCell(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	switch a := arr.(type) {
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return `\x` + hex.EncodeToString(a.Value(i))
	case *array.LargeBinary:
		return `\x` + hex.EncodeToString(a.Value(i))
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Time64:
		return a.Value(i).ToTime(arrow.Microsecond).Format("15:04:05.000000")
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05.000000")
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *extensions.UUIDArray:
		return a.Value(i).String()
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		parts := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			parts = append(parts, arrowCell(a.ListValues(), int(j)))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		parts := make([]string, a.NumField())
		for k := range parts {
			parts[k] = st.Field(k).Name + ": " + arrowCell(a.Field(k), i)
		}
		slices.Sort(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("<%s %s>", arr.DataType(), arr.ValueStr(i))
}

// checkFieldIDs compares the field ids in every data file's Parquet schema
// with the table's Iceberg schema.
func checkFieldIDs(t *testing.T, f *lakeFixture, it *engine.Table) {
	t.Helper()
	var want [][]string
	var visit func(name string, id int, typ iceberg.Type)
	visit = func(name string, id int, typ iceberg.Type) {
		want = append(want, []string{name, strconv.Itoa(id)})
		switch typ := typ.(type) {
		case *iceberg.ListType:
			visit("element", typ.ElementID, typ.Element)
		case *iceberg.MapType:
			visit("key", typ.KeyID, typ.KeyType)
			visit("value", typ.ValueID, typ.ValueType)
		case *iceberg.StructType:
			for _, fld := range typ.FieldList {
				visit(fld.Name, fld.ID, fld.Type)
			}
		}
	}
	for _, fld := range it.Schema().Fields() {
		visit(fld.Name, fld.ID, fld.Type)
	}
	want = sortedRows(want)
	files, err := it.DataFiles(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no data files")
	}
	for _, df := range files {
		path, _ := engine.LocalPath(df.FilePath())
		got := sortedRows(f.strings(`SELECT name, field_id::VARCHAR FROM parquet_schema(` + engine.QuoteString(path) + `) WHERE field_id IS NOT NULL`))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("field ids of %s (-iceberg schema +parquet):\n%s", path, diff)
		}
	}
}
