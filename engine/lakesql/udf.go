package lakesql

import (
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/duckdb/duckdb-go/v2"
)

// bucketUDF implements floe_bucket(type, n, value): Iceberg's bucket
// transform (32-bit murmur3 of the value's single-value serialization,
// modulo n), so partition values match what Spark, Trino and PyIceberg
// compute and they prune floe's tables correctly.
type bucketUDF struct{ input duckdb.TypeInfo }

func (b bucketUDF) Config() duckdb.ScalarFuncConfig {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	ic, _ := duckdb.NewTypeInfo(duckdb.TYPE_INTEGER)
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{vc, ic, b.input},
		ResultTypeInfo: ic,
	}
}

func (b bucketUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(vals []driver.Value) (any, error) {
		typ, _ := vals[0].(string)
		n, _ := vals[1].(int32)
		if vals[2] == nil {
			return nil, nil
		}
		t, err := icebergPrimitive(typ)
		if err != nil {
			return nil, err
		}
		v, err := toLiteral(t, vals[2])
		if err != nil {
			return nil, err
		}
		out := iceberg.BucketTransform{NumBuckets: int(n)}.Apply(iceberg.Optional[iceberg.Literal]{Val: v, Valid: true})
		if !out.Valid {
			return nil, nil
		}
		return out.Val.Any(), nil
	}}
}

func icebergPrimitive(s string) (iceberg.Type, error) {
	switch s {
	case "int":
		return iceberg.PrimitiveTypes.Int32, nil
	case "long":
		return iceberg.PrimitiveTypes.Int64, nil
	case "string":
		return iceberg.PrimitiveTypes.String, nil
	case "binary":
		return iceberg.PrimitiveTypes.Binary, nil
	case "date":
		return iceberg.PrimitiveTypes.Date, nil
	case "time":
		return iceberg.PrimitiveTypes.Time, nil
	case "timestamp":
		return iceberg.PrimitiveTypes.Timestamp, nil
	case "timestamptz":
		return iceberg.PrimitiveTypes.TimestampTz, nil
	case "uuid":
		return iceberg.PrimitiveTypes.UUID, nil
	}
	if strings.HasPrefix(s, "fixed[") {
		// fixed hashes its bytes exactly as binary does.
		return iceberg.PrimitiveTypes.Binary, nil
	}
	var p, sc int
	if _, err := fmt.Sscanf(s, "decimal(%d, %d)", &p, &sc); err == nil {
		return iceberg.DecimalTypeOf(p, sc), nil
	}
	return nil, fmt.Errorf("bucket: unsupported source type %s", s)
}

// toLiteral converts the VARCHAR form DuckDB passes in to a literal.
func toLiteral(t iceberg.Type, v any) (iceberg.Literal, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("bucket: unexpected value %T", v)
	}
	switch t.(type) {
	case iceberg.BinaryType:
		// PartitionExpr passes bytes as hex.
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("bucket: binary value is not hex: %w", err)
		}
		return iceberg.NewLiteral(b), nil
	}
	return iceberg.NewLiteral(s).To(t)
}

func registerUDFs(conn *sql.Conn) error {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err := duckdb.RegisterScalarUDF(conn, "floe_bucket_str", bucketUDF{input: vc}); err != nil {
		return fmt.Errorf("register floe_bucket: %w", err)
	}
	return nil
}
