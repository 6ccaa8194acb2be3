package lens

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// record builds one Arrow record of lt's rows against the table's schema.
func (lt *lensTable) record(sc *arrow.Schema) (arrow.RecordBatch, error) {
	if sc.NumFields() != len(lt.cols) {
		return nil, fmt.Errorf("the table has %d columns, the collector writes %d: drop lake.%s.%s to have it made again",
			sc.NumFields(), len(lt.cols), lt.ns, lt.name)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for r, row := range lt.rows {
		if len(row) != len(lt.cols) {
			return nil, fmt.Errorf("row %d has %d values for %d columns", r, len(row), len(lt.cols))
		}
		for i, v := range row {
			if err := appendValue(b.Field(i), v); err != nil {
				return nil, fmt.Errorf("row %d column %s: %w", r, lt.cols[i].name, err)
			}
		}
	}
	return b.NewRecordBatch(), nil
}

func appendValue(fb array.Builder, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch b := fb.(type) {
	case *array.StringBuilder:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, have %T", v)
		}
		b.Append(s)
	case *array.Int64Builder:
		switch x := v.(type) {
		case int64:
			b.Append(x)
		case int:
			b.Append(int64(x))
		default:
			return fmt.Errorf("want an int64, have %T", v)
		}
	case *array.Int32Builder:
		switch x := v.(type) {
		case int32:
			b.Append(x)
		case int:
			b.Append(int32(x))
		case int64:
			b.Append(int32(x))
		default:
			return fmt.Errorf("want an int32, have %T", v)
		}
	case *array.Float64Builder:
		x, ok := v.(float64)
		if !ok {
			return fmt.Errorf("want a float64, have %T", v)
		}
		b.Append(x)
	case *array.Date32Builder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want a date, have %T", v)
		}
		b.Append(arrow.Date32FromTime(t))
	case *array.TimestampBuilder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want a timestamp, have %T", v)
		}
		b.Append(arrow.Timestamp(t.UnixMicro()))
	default:
		return fmt.Errorf("no conversion to %s", fb.Type())
	}
	return nil
}
