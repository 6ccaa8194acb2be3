package lakesql

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
)

// specHashes are the reference values of the Iceberg spec, appendix B
// ("32-bit Hash Requirements"): murmur3_x86_32 of each type's single-value
// serialization, for the value written as a DuckDB literal.
var specHashes = []struct {
	name, colType, literal string
	hash                   int32
}{
	{"int", "INTEGER", "34", 2017239379},
	{"long", "BIGINT", "34", 2017239379},
	{"decimal", "DECIMAL(9,2)", "14.20", -500754589},
	{"date", "DATE", "DATE '2017-11-16'", -653330422},
	{"time", "TIME", "TIME '22:31:08'", -662762989},
	{"timestamp", "TIMESTAMP", "TIMESTAMP '2017-11-16 22:31:08'", -2047944441},
	{"timestamptz", "TIMESTAMPTZ", "TIMESTAMPTZ '2017-11-16 14:31:08-08:00'", -2047944441},
	{"string", "VARCHAR", "'iceberg'", 1210000089},
	{"uuid", "UUID", "'f79c3e09-677c-4bbd-a479-3f349cb785e7'", 1488055340},
	{"binary", "BLOB", `'\x00\x01\x02\x03'::BLOB`, -188683207},
}

// TestBucketMatchesSpec checks the partition values floe writes for
// bucket(N, col) against the spec's reference hashes: with 2^31-1 buckets
// the stored value is the hash itself (masked to 31 bits), with fewer it is
// that modulo N; both in $files and in the manifest.
func TestBucketMatchesSpec(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)
	for _, n := range []int{math.MaxInt32, 16, 3} {
		for _, tc := range specHashes {
			t.Run(fmt.Sprintf("%s/%d", tc.name, n), func(t *testing.T) {
				name := fmt.Sprintf("b_%s_%d", tc.name, n)
				f.exec(fmt.Sprintf(`CREATE TABLE lake.ns.%s (v %s) PARTITIONED BY (bucket(%d, v));
					INSERT INTO lake.ns.%s VALUES (%s)`, name, tc.colType, n, name, tc.literal))
				want := strconv.Itoa(int((tc.hash & math.MaxInt32) % int32(n)))
				if got := f.one(`SELECT partition['v_bucket'] FROM lake.ns."` + name + `$files"`); got != want {
					t.Errorf("bucket(%d) of %s %s = %s in $files, want %s", n, tc.colType, tc.literal, got, want)
				}
				files, err := f.table("ns", name).DataFiles(f.ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(files) != 1 {
					t.Fatalf("%d data files, want 1", len(files))
				}
				for _, v := range files[0].Partition() {
					if fmt.Sprint(v) != want {
						t.Errorf("manifest partition value %v, want %s", v, want)
					}
				}
			})
		}
	}
}

// TestBucketMatchesIcebergGo writes many values of each type into a table
// bucketed by them and checks that every row sits in a file whose
// partition value is iceberg-go's BucketTransform of the row's value.
func TestBucketMatchesIcebergGo(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)
	for i, tc := range []struct {
		colType, gen string
	}{
		{"INTEGER", "(r * 7919 - 100000)::INTEGER"},
		{"BIGINT", "r * 1000000007 - 50000000000"},
		{"VARCHAR", "'v' || r || repeat('é', (r % 4)::INTEGER)"},
		{"DATE", "DATE '1969-06-01' + (r * 13)::INTEGER"},
		{"TIMESTAMP", "TIMESTAMP '1969-12-31 23:00:00.000001' + INTERVAL (r * 3607) SECOND"},
		{"TIMESTAMPTZ", "TIMESTAMPTZ '1969-12-31 23:00:00+00' + INTERVAL (r * 3607) SECOND"},
		{"DECIMAL(12,3)", "(r * 123.457 - 2000)::DECIMAL(12,3)"},
		{"UUID", "md5(r::VARCHAR)::UUID"},
		{"BLOB", "encode('b' || r)"},
		{"TIME", "TIME '00:00:00' + INTERVAL (r * 977) SECOND"},
	} {
		t.Run(tc.colType, func(t *testing.T) {
			name := fmt.Sprintf("g%d", i)
			f.exec(fmt.Sprintf(`CREATE TABLE lake.ns.%s (v %s) PARTITIONED BY (bucket(7, v));
				INSERT INTO lake.ns.%s SELECT %s FROM range(60) t(r)`, name, tc.colType, name, tc.gen))
			it := f.table("ns", name)
			typ := it.Schema().Fields()[0].Type
			files, err := it.DataFiles(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) < 4 {
				t.Errorf("60 values fell into %d of 7 buckets", len(files))
			}
			rows := 0
			for _, df := range files {
				var stored any
				for _, v := range df.Partition() {
					stored = v
				}
				path, _ := engine.LocalPath(df.FilePath())
				for _, r := range f.rows(`SELECT v FROM read_parquet(` + engine.QuoteString(path) + `)`) {
					rows++
					lit := literalOf(t, typ, r[0])
					want := iceberg.BucketTransform{NumBuckets: 7}.Apply(iceberg.Optional[iceberg.Literal]{Val: lit, Valid: true})
					if !want.Valid || fmt.Sprint(want.Val.Any()) != fmt.Sprint(stored) {
						t.Errorf("%s %v is in a file of bucket %v; iceberg-go puts it in %v", typ, lit, stored, want.Val)
					}
				}
			}
			if rows != 60 {
				t.Errorf("checked %d rows, want 60", rows)
			}
		})
	}
}

// literalOf turns a value the DuckDB driver returned into the Iceberg
// literal of type typ, without going through text.
func literalOf(t *testing.T, typ iceberg.Type, v any) iceberg.Literal {
	t.Helper()
	switch typ.(type) {
	case iceberg.Int32Type:
		return iceberg.NewLiteral(v.(int32))
	case iceberg.Int64Type:
		return iceberg.NewLiteral(v.(int64))
	case iceberg.StringType:
		return iceberg.NewLiteral(v.(string))
	case iceberg.BinaryType:
		return iceberg.NewLiteral(v.([]byte))
	case iceberg.UUIDType:
		return iceberg.NewLiteral(uuid.UUID(v.([]byte)))
	case iceberg.DateType:
		return iceberg.NewLiteral(iceberg.Date(v.(time.Time).Unix() / 86400))
	case iceberg.TimeType:
		tm := v.(time.Time)
		return iceberg.NewLiteral(iceberg.Time(tm.Sub(time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, tm.Location())).Microseconds()))
	case iceberg.TimestampType, iceberg.TimestampTzType:
		return iceberg.NewLiteral(iceberg.Timestamp(v.(time.Time).UnixMicro()))
	case iceberg.DecimalType:
		d := v.(duckdb.Decimal)
		lit, err := iceberg.NewLiteral(decimalString(d.Value, int(d.Scale))).To(typ)
		if err != nil {
			t.Fatal(err)
		}
		return lit
	}
	t.Fatalf("no literal for %s", typ)
	return nil
}
