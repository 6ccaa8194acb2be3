package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/internal/sqltext"
)

// PartitionTerm is one PARTITIONED BY term as the user wrote it: a source
// column and a transform (identity, year, month, day, hour, bucket[N],
// truncate[W], void).
type PartitionTerm struct {
	Column    string
	Transform string
}

// ParsePartitionTerm parses one term of a PARTITIONED BY clause in Spark's
// syntax: `col`, `year(col)`/`years(col)`, `month(col)`, `day(col)`,
// `hour(col)`, `bucket(N, col)`, `truncate(W, col)` (also truncate(col, W)).
func ParsePartitionTerm(s string) (PartitionTerm, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return PartitionTerm{Column: sqltext.Unquote(s), Transform: "identity"}, nil
	}
	if !strings.HasSuffix(s, ")") {
		return PartitionTerm{}, fmt.Errorf("%w: %q: missing closing parenthesis", ErrInvalidPartition, s)
	}
	fn := strings.ToLower(strings.TrimSpace(s[:open]))
	args := strings.Split(s[open+1:len(s)-1], ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	one := func(name string) (PartitionTerm, error) {
		if len(args) != 1 || args[0] == "" {
			return PartitionTerm{}, fmt.Errorf("%w: %s takes one column: %q", ErrInvalidPartition, name, s)
		}
		return PartitionTerm{Column: sqltext.Unquote(args[0]), Transform: name}, nil
	}
	switch fn {
	case "identity":
		return one("identity")
	case "year", "years":
		return one("year")
	case "month", "months":
		return one("month")
	case "day", "days", "date":
		return one("day")
	case "hour", "hours", "date_hour":
		return one("hour")
	case "void":
		return one("void")
	case "bucket", "truncate":
		if len(args) != 2 {
			return PartitionTerm{}, fmt.Errorf("%w: %s takes a width and a column, as in %s(16, id): %q", ErrInvalidPartition, fn, fn, s)
		}
		n, col := args[0], args[1]
		if _, err := strconv.Atoi(n); err != nil {
			n, col = col, n
		}
		w, err := strconv.Atoi(n)
		if err != nil || w <= 0 {
			return PartitionTerm{}, fmt.Errorf("%w: %s needs a positive integer width: %q", ErrInvalidPartition, fn, s)
		}
		return PartitionTerm{Column: sqltext.Unquote(col), Transform: fmt.Sprintf("%s[%d]", fn, w)}, nil
	}
	return PartitionTerm{}, fmt.Errorf("%w: unknown transform %q in %q (use identity, year, month, day, hour, bucket(N, col) or truncate(W, col))", ErrInvalidPartition, fn, s)
}

// BuildPartitionSpec turns partition terms into an Iceberg partition spec
// for schema, checking that each transform applies to its column's type.
func BuildPartitionSpec(schema *iceberg.Schema, terms []PartitionTerm) (iceberg.PartitionSpec, error) {
	if len(terms) == 0 {
		return *iceberg.UnpartitionedSpec, nil
	}
	fields := make([]iceberg.PartitionField, 0, len(terms))
	names := map[string]bool{}
	for i, term := range terms {
		src, tr, err := bindPartitionTerm(schema, term)
		if err != nil {
			return iceberg.PartitionSpec{}, err
		}
		name := partitionFieldName(src.Name, tr)
		if names[name] {
			return iceberg.PartitionSpec{}, fmt.Errorf("%w: partition field %q given twice", ErrInvalidPartition, name)
		}
		names[name] = true
		fields = append(fields, iceberg.PartitionField{SourceIDs: []int{src.ID}, FieldID: 1000 + i, Name: name, Transform: tr})
	}
	return iceberg.NewPartitionSpec(fields...), nil
}

// bindPartitionTerm finds a term's source column in schema (ignoring case)
// and checks that its transform applies to the column's type.
func bindPartitionTerm(schema *iceberg.Schema, term PartitionTerm) (iceberg.NestedField, iceberg.Transform, error) {
	src, ok := schema.FindFieldByNameCaseInsensitive(term.Column)
	if !ok {
		return src, nil, fmt.Errorf("%w: no column %q to partition by", ErrInvalidPartition, term.Column)
	}
	tr, err := iceberg.ParseTransform(term.Transform)
	if err != nil {
		return src, nil, fmt.Errorf("%w: %v", ErrInvalidPartition, err)
	}
	if _, unknown := tr.(iceberg.UnknownTransform); unknown {
		// iceberg-go keeps transforms it does not know so it can read
		// other engines' tables; floe cannot write with them.
		return src, nil, fmt.Errorf("%w: unknown transform %q", ErrInvalidPartition, term.Transform)
	}
	if !tr.CanTransform(src.Type) {
		return src, nil, fmt.Errorf("%w: %s cannot partition column %q of type %s", ErrInvalidPartition, term.Transform, src.Name, src.Type)
	}
	return src, tr, nil
}

// partitionFieldName follows Spark's naming: ts_day, id_bucket, name_trunc.
func partitionFieldName(col string, tr iceberg.Transform) string {
	switch tr.(type) {
	case iceberg.IdentityTransform:
		return col
	case iceberg.YearTransform:
		return col + "_year"
	case iceberg.MonthTransform:
		return col + "_month"
	case iceberg.DayTransform:
		return col + "_day"
	case iceberg.HourTransform:
		return col + "_hour"
	case iceberg.BucketTransform:
		return col + "_bucket"
	case iceberg.TruncateTransform:
		return col + "_trunc"
	}
	return col + "_" + tr.String()
}

// PartitionExpr returns the DuckDB SQL expression that computes a partition
// field's value from its source column expression, in the representation
// Iceberg stores: years/months/hours since the epoch as int, days as date.
// Bucket hashing calls the floe_bucket_str function the SQL layer registers,
// which implements the spec's 32-bit murmur3.
func PartitionExpr(field iceberg.PartitionField, src iceberg.NestedField, col string) (string, error) {
	utc := col
	if _, ok := src.Type.(iceberg.TimestampTzType); ok {
		utc = "timezone('UTC', " + col + ")"
	}
	switch tr := field.Transform.(type) {
	case iceberg.IdentityTransform:
		return col, nil
	case iceberg.YearTransform:
		return "CAST(year(" + utc + ") - 1970 AS INTEGER)", nil
	case iceberg.MonthTransform:
		return "CAST((year(" + utc + ") - 1970) * 12 + month(" + utc + ") - 1 AS INTEGER)", nil
	case iceberg.DayTransform:
		return "CAST(" + utc + " AS DATE)", nil
	case iceberg.HourTransform:
		return "CAST(floor(epoch_us(CAST(" + utc + " AS TIMESTAMP)) / 3600000000) AS INTEGER)", nil
	case iceberg.BucketTransform:
		var arg string
		switch src.Type.(type) {
		case iceberg.TimestampType:
			arg = "strftime(" + col + ", '%Y-%m-%dT%H:%M:%S.%f')"
		case iceberg.TimestampTzType:
			arg = "strftime(" + utc + ", '%Y-%m-%dT%H:%M:%S.%f') || '+00:00'"
		case iceberg.BinaryType, iceberg.FixedType:
			// Bytes travel as hex: a VARCHAR cannot hold arbitrary bytes.
			arg = "hex(" + col + ")"
		default:
			arg = "CAST(" + col + " AS VARCHAR)"
		}
		return fmt.Sprintf("floe_bucket_str(%s, %d, %s)", QuoteString(src.Type.String()), tr.NumBuckets, arg), nil
	case iceberg.TruncateTransform:
		w := tr.Width
		switch t := src.Type.(type) {
		case iceberg.Int32Type, iceberg.Int64Type:
			return fmt.Sprintf("(%s - (((%s %% %d) + %d) %% %d))", col, col, w, w, w), nil
		case iceberg.StringType:
			return fmt.Sprintf("substring(%s, 1, %d)", col, w), nil
		case iceberg.BinaryType:
			return fmt.Sprintf("CASE WHEN octet_length(%s) <= %d THEN %s ELSE unhex(left(hex(%s), %d)) END", col, w, col, col, 2*w), nil
		case iceberg.DecimalType:
			scale := t.Scale()
			// truncate the unscaled value: v - (((v % W) + W) % W) on v * 10^scale
			pow := "1" + strings.Repeat("0", scale)
			unscaled := fmt.Sprintf("CAST(%s * %s AS HUGEINT)", col, pow)
			return fmt.Sprintf("CAST(CAST(%s - (((%s %% %d) + %d) %% %d) AS DECIMAL(38,0)) / %s AS DECIMAL(%d,%d))",
				unscaled, unscaled, w, w, w, pow, t.Precision(), scale), nil
		}
	case iceberg.VoidTransform:
		return "CAST(NULL AS INTEGER)", nil
	}
	return "", fmt.Errorf("%w: transform %s is not supported for writing", ErrInvalidPartition, field.Transform)
}

// PartitionText writes the table's current partition spec the way
// PARTITIONED BY takes it, such as "day(sale_date), bucket(16, store_id)";
// "" for an unpartitioned table.
func (t *Table) PartitionText() string { return SpecText(t.Spec(), t.Schema()) }

// SpecText writes a partition spec of schema sc the way PARTITIONED BY
// takes it. Void fields (dropped from a v1 spec) are left out.
func SpecText(spec iceberg.PartitionSpec, sc *iceberg.Schema) string {
	var parts []string
	for i := range spec.NumFields() {
		f := spec.Field(i)
		col := strconv.Itoa(f.SourceID())
		if sf, ok := sc.FindFieldByID(f.SourceID()); ok {
			col = sf.Name
		}
		switch tr := f.Transform.(type) {
		case iceberg.IdentityTransform:
			parts = append(parts, col)
		case iceberg.BucketTransform:
			parts = append(parts, "bucket("+strconv.Itoa(tr.NumBuckets)+", "+col+")")
		case iceberg.TruncateTransform:
			parts = append(parts, "truncate("+strconv.Itoa(tr.Width)+", "+col+")")
		case iceberg.VoidTransform:
			continue
		default:
			parts = append(parts, tr.String()+"("+col+")")
		}
	}
	return strings.Join(parts, ", ")
}

// HasColumn reports whether the table's current schema has a column of
// that name (a dotted path for nested fields).
func (t *Table) HasColumn(name string) bool {
	_, ok := t.Schema().FindFieldByName(name)
	return ok
}
