package engine

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/iceberg-go"
)

// FileStats is what the writer of a Parquet data file reported about it
// (DuckDB's COPY ... RETURN_STATS), so that its Iceberg statistics can be
// built without reading its footer back.
type FileStats struct {
	Rows int64
	Size int64 // bytes of the whole file
	// Columns holds each top-level column's statistics by its name in the
	// file.
	Columns map[string]ColumnStats
}

// ColumnStats is one column's statistics as the writer reported them: its
// compressed size, values (NULLs included) and NULLs, and its minimum and
// maximum rendered as text (HasMin, HasMax false when the writer kept
// none), and whether a NaN was written.
type ColumnStats struct {
	Size, Values, Nulls int64
	Min, Max            string
	HasMin, HasMax      bool
	HasNaN              bool
}

// metricsPropertyPrefix starts the table properties that choose which
// column metrics a manifest keeps (write.metadata.metrics.default and
// write.metadata.metrics.column.<name>).
const metricsPropertyPrefix = "write.metadata.metrics."

// stringBoundLength is the length Iceberg's default metrics mode,
// truncate(16), cuts string bounds to.
const stringBoundLength = 16

// writerStatsUsable reports whether data files of schema, under table
// properties props, can be described from the writer's statistics: a flat
// schema of booleans, integers, floating point numbers, decimals, dates
// and strings, with the default metrics mode (bounds in full, strings cut
// to 16 characters), with decimals of at most 18 digits. Anything else
// reads the file's footer.
func writerStatsUsable(schema *iceberg.Schema, props iceberg.Properties) bool {
	for k := range props {
		if strings.HasPrefix(k, metricsPropertyPrefix) {
			return false
		}
	}
	for _, f := range schema.Fields() {
		switch t := f.Type.(type) {
		case iceberg.BooleanType, iceberg.Int32Type, iceberg.Int64Type, iceberg.Float32Type, iceberg.Float64Type,
			iceberg.DateType, iceberg.StringType:
		case iceberg.DecimalType:
			// Past 18 digits DuckDB writes a fixed-length byte array whose
			// statistics iceberg-go does not take from the footer; keep
			// the two paths equal.
			if t.Precision() > 18 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// dataFileFromWriterStats describes a data file from the statistics its
// writer reported, as iceberg-go's table.FileToDataFile does from its
// footer (column sizes, value and NULL counts, lower and upper bounds in
// Iceberg's single-value serialization, strings truncated to 16
// characters with the upper bound rounded up), except that split offsets
// (optional in the spec) are left out. ok is false when a column is
// missing from the statistics, wrote a NaN, or a bound does not parse:
// the caller then reads the footer.
func dataFileFromWriterStats(uri string, schema *iceberg.Schema, st *FileStats) (iceberg.DataFile, bool) {
	sizes := make(map[int]int64, len(st.Columns))
	values := make(map[int]int64, len(st.Columns))
	nulls := make(map[int]int64, len(st.Columns))
	lower := map[int][]byte{}
	upper := map[int][]byte{}
	for _, f := range schema.Fields() {
		c, ok := st.Columns[f.Name]
		if !ok || c.HasNaN {
			return nil, false
		}
		sizes[f.ID] = c.Size
		values[f.ID] = c.Values
		nulls[f.ID] = c.Nulls
		if !c.HasMin || !c.HasMax {
			// The footer has no bounds either: none are kept.
			continue
		}
		lo, hi, ok := bounds(f.Type, c.Min, c.Max)
		if !ok {
			return nil, false
		}
		if lo != nil {
			lower[f.ID] = lo
		}
		if hi != nil {
			upper[f.ID] = hi
		}
	}
	b, err := iceberg.NewDataFileBuilder(*iceberg.UnpartitionedSpec, iceberg.EntryContentData, uri, iceberg.ParquetFile,
		map[int]any{}, nil, nil, st.Rows, st.Size)
	if err != nil {
		return nil, false
	}
	b.ColumnSizes(sizes).ValueCounts(values).NullValueCounts(nulls).NaNValueCounts(map[int]int64{})
	if len(lower) > 0 {
		b.LowerBoundValues(lower)
	}
	if len(upper) > 0 {
		b.UpperBoundValues(upper)
	}
	return b.Build(), true
}

// bounds serializes a column's minimum and maximum, rendered as text by
// the writer, as Iceberg lower and upper bounds of type t. A string bound
// is cut to 16 characters; an upper bound that cannot be rounded up is
// left out (nil).
func bounds(t iceberg.Type, min, max string) (lo, hi []byte, ok bool) {
	if _, isString := t.(iceberg.StringType); isString {
		if !utf8.ValidString(min) || !utf8.ValidString(max) {
			return nil, nil, false
		}
		lo, err := iceberg.StringLiteral(truncateString(min, stringBoundLength)).MarshalBinary()
		if err != nil {
			return nil, nil, false
		}
		if up, ok := upperBoundText(max, stringBoundLength); ok {
			if hi, err = iceberg.StringLiteral(up).MarshalBinary(); err != nil {
				return nil, nil, false
			}
		}
		return lo, hi, true
	}
	lo, ok = boundValue(t, min)
	if !ok {
		return nil, nil, false
	}
	hi, ok = boundValue(t, max)
	return lo, hi, ok
}

// boundValue serializes one bound of a non-string primitive type.
func boundValue(t iceberg.Type, s string) ([]byte, bool) {
	var lit iceberg.Literal
	switch t := t.(type) {
	case iceberg.BooleanType:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return nil, false
		}
		lit = iceberg.BoolLiteral(v)
	case iceberg.Int32Type:
		v, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, false
		}
		lit = iceberg.Int32Literal(int32(v))
	case iceberg.Int64Type:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, false
		}
		lit = iceberg.Int64Literal(v)
	case iceberg.Float32Type:
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return nil, false
		}
		lit = iceberg.Float32Literal(float32(v))
	case iceberg.Float64Type:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		lit = iceberg.Float64Literal(v)
	case iceberg.DecimalType, iceberg.DateType:
		l, err := iceberg.NewLiteral(s).To(t)
		if err != nil {
			return nil, false
		}
		lit = l
	default:
		return nil, false
	}
	b, err := lit.MarshalBinary()
	if err != nil {
		return nil, false
	}
	return b, true
}

// truncateString returns the first n code points of s.
func truncateString(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// upperBoundText returns an upper bound of s at most n code points long:
// s itself if short enough, else its first n code points with the last
// one that can be incremented incremented (the characters after it
// dropped). ok is false when no such bound exists.
func upperBoundText(s string, n int) (string, bool) {
	cut := truncateString(s, n)
	if len(cut) == len(s) {
		return s, true
	}
	for len(cut) > 0 {
		r, size := utf8.DecodeLastRuneInString(cut)
		cut = cut[:len(cut)-size]
		switch {
		case r == 0xD7FF: // the next code point is past the surrogates
			return cut + string(rune(0xE000)), true
		case r < utf8.MaxRune:
			return cut + string(r+1), true
		}
	}
	return "", false
}
