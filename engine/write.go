package engine

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"runtime"
	"time"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
)

// WrittenFile is a Parquet data file DuckDB wrote for a table, with the
// values of the table's partition fields for the rows in it (in the order
// of the spec's fields; nil for NULL).
type WrittenFile struct {
	Path      string // local absolute path
	Partition []any
	// Stats, when set, is what the writer reported about the file; its
	// Iceberg statistics are then built from them rather than from its
	// footer, where the table's schema allows (see writerStatsUsable).
	Stats *FileStats
}

// FileURI turns a local path into the file:// URI stored in manifests.
func FileURI(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

// AppendFiles commits data files as one append snapshot.
func (t *Table) AppendFiles(ctx context.Context, files []WrittenFile, summary map[string]string) (*Table, error) {
	if len(files) == 0 {
		return t, nil
	}
	var prepared []preparedFile
	return t.commit(ctx, "insert into", func(tx *table.Transaction) error {
		// Format v3 requires each added data file to carry its first row id
		// (Iceberg spec, "Row Lineage"); number the files from the next row
		// id of the metadata this attempt commits against.
		var firstRowID *int64
		if staged, err := tx.StagedTable(); err != nil {
			return err
		} else if md := staged.Metadata(); md.Version() >= 3 {
			next := md.NextRowID()
			firstRowID = &next
		}
		// A retry after a lost commit reuses the first attempt's
		// statistics: on object storage the spooled files were uploaded
		// and their local copies removed by then.
		if prepared == nil {
			p, err := t.prepareFiles(ctx, files)
			if err != nil {
				return err
			}
			prepared = p
		}
		dfs, err := t.buildDataFiles(prepared, firstRowID)
		if err != nil {
			return err
		}
		// Paths are fresh UUIDs, so the duplicate check (which reads every
		// manifest of the table) is skipped.
		return tx.AddDataFiles(ctx, dfs, summary, table.WithoutDuplicateCheck())
	})
}

// dataFiles reads each file's footer for Iceberg column statistics and
// attaches its partition values. With firstRowID set, the files get
// consecutive row id ranges starting there.
func (t *Table) dataFiles(ctx context.Context, files []WrittenFile, firstRowID *int64) ([]iceberg.DataFile, error) {
	prepared, err := t.prepareFiles(ctx, files)
	if err != nil {
		return nil, err
	}
	return t.buildDataFiles(prepared, firstRowID)
}

// preparedFile is a data file whose statistics were read and which is in
// place at uri (uploaded, on object storage), ready to be described in a
// manifest.
type preparedFile struct {
	uri     string
	stats   iceberg.DataFile
	values  map[int]any
	logical map[int]string
}

// prepareFiles reads each file's footer for Iceberg column statistics and
// works out its partition values; spooled files are uploaded after.
func (t *Table) prepareFiles(ctx context.Context, files []WrittenFile) ([]preparedFile, error) {
	fs, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	schema, spec := t.Schema(), t.Spec()
	// DuckDB writes every column as optional; a NOT NULL column is enforced
	// when the rows are written, so read the statistics against a schema
	// that does not require what the Parquet file cannot declare.
	statsSchema := optionalSchema(schema)
	// Files spooled for object storage: statistics from the local copy,
	// then the upload, all before the commit references them.
	uris := make([]string, len(files))
	var spooled []string
	for i, f := range files {
		uris[i] = FileURI(f.Path)
		if loc, ok := t.wh.spoolLocation(f.Path); ok {
			uris[i] = loc
			spooled = append(spooled, f.Path)
		}
	}
	if len(spooled) > 0 {
		fs = icebergio.LocalFS{}
	}
	// Footers are read in parallel: a MERGE writes a file per partition it
	// touches, and reading them one by one was most of its commit.
	stats := make([]iceberg.DataFile, len(files))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(2, runtime.GOMAXPROCS(0)))
	props := t.Properties()
	// The writer's own statistics spare reading the footer back: a MERGE
	// writes a file per partition it touches, and opening each again was
	// most of the commit of an insert into hundreds of partitions.
	fromWriter := writerStatsUsable(statsSchema, props)
	for i, f := range files {
		statsURI := uris[i]
		if len(spooled) > 0 {
			statsURI = f.Path
		}
		if f.Stats != nil && fromWriter {
			if st, ok := dataFileFromWriterStats(statsURI, statsSchema, f.Stats); ok {
				stats[i] = st
				continue
			}
		}
		g.Go(func() error {
			st, err := table.FileToDataFile(gctx, fs, statsURI, statsSchema, *iceberg.UnpartitionedSpec, 0, props)
			if err != nil {
				return fmt.Errorf("read statistics of %s: %w", f.Path, err)
			}
			stats[i] = st
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]preparedFile, 0, len(files))
	for i, f := range files {
		uri := uris[i]
		values := map[int]any{}
		logical := map[int]string{}
		for j, field := range spec.Fields() {
			src, ok := schema.FindFieldByID(field.SourceID())
			if !ok {
				return nil, fmt.Errorf("partition field %s: source column %d is not in the schema", field.Name, field.SourceID())
			}
			rt := field.Transform.ResultType(src.Type)
			if j >= len(f.Partition) {
				return nil, fmt.Errorf("%s: no value for partition field %s", f.Path, field.Name)
			}
			v, err := partitionValue(rt, f.Partition[j])
			if err != nil {
				return nil, fmt.Errorf("%s: partition field %s: %w", f.Path, field.Name, err)
			}
			values[field.FieldID] = v
			switch rt.(type) {
			case iceberg.DateType:
				logical[field.FieldID] = "date"
			case iceberg.TimeType:
				logical[field.FieldID] = "time-micros"
			case iceberg.TimestampType, iceberg.TimestampTzType:
				logical[field.FieldID] = "timestamp-micros"
			case iceberg.DecimalType:
				logical[field.FieldID] = "decimal"
			case iceberg.UUIDType:
				logical[field.FieldID] = "uuid"
			}
		}
		out = append(out, preparedFile{uri: uri, stats: stats[i], values: values, logical: logical})
	}
	if len(spooled) > 0 {
		if _, err := t.wh.upload(ctx, spooled); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Ident(), err)
		}
	}
	return out, nil
}

// buildDataFiles describes prepared files for a manifest. With firstRowID
// set, the files get consecutive row id ranges starting there.
func (t *Table) buildDataFiles(prepared []preparedFile, firstRowID *int64) ([]iceberg.DataFile, error) {
	spec := t.Spec()
	out := make([]iceberg.DataFile, 0, len(prepared))
	for _, p := range prepared {
		stats := p.stats
		b, err := iceberg.NewDataFileBuilder(spec, iceberg.EntryContentData, p.uri, iceberg.ParquetFile,
			p.values, p.logical, nil, stats.Count(), stats.FileSizeBytes())
		if err != nil {
			return nil, err
		}
		b.ColumnSizes(stats.ColumnSizes()).ValueCounts(stats.ValueCounts()).
			NullValueCounts(stats.NullValueCounts()).NaNValueCounts(stats.NaNValueCounts()).
			LowerBoundValues(stats.LowerBoundValues()).UpperBoundValues(stats.UpperBoundValues()).
			SplitOffsets(stats.SplitOffsets())
		if firstRowID != nil {
			b.FirstRowID(*firstRowID)
			*firstRowID += stats.Count()
		}
		out = append(out, b.Build())
	}
	return out, nil
}

// optionalSchema returns schema with every field, element and map value
// optional, keeping ids, names and types.
func optionalSchema(schema *iceberg.Schema) *iceberg.Schema {
	fields := schema.Fields()
	out := make([]iceberg.NestedField, len(fields))
	for i, f := range fields {
		f.Required = false
		f.Type = optionalType(f.Type)
		out[i] = f
	}
	return iceberg.NewSchema(schema.ID, out...)
}

func optionalType(t iceberg.Type) iceberg.Type {
	switch t := t.(type) {
	case *iceberg.StructType:
		fields := make([]iceberg.NestedField, len(t.FieldList))
		for i, f := range t.FieldList {
			f.Required = false
			f.Type = optionalType(f.Type)
			fields[i] = f
		}
		return &iceberg.StructType{FieldList: fields}
	case *iceberg.ListType:
		return &iceberg.ListType{ElementID: t.ElementID, Element: optionalType(t.Element)}
	case *iceberg.MapType:
		return &iceberg.MapType{KeyID: t.KeyID, KeyType: optionalType(t.KeyType), ValueID: t.ValueID, ValueType: optionalType(t.ValueType)}
	}
	return t
}

// partitionValue converts a value DuckDB returned for a partition column
// into the Go value Iceberg's manifest writer expects for type t.
func partitionValue(t iceberg.Type, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	var lit iceberg.Literal
	switch x := v.(type) {
	case string:
		l, err := iceberg.NewLiteral(x).To(t)
		if err != nil {
			return nil, fmt.Errorf("value %q does not fit %s: %w", x, t, err)
		}
		return l.Any(), nil
	case bool:
		lit = iceberg.NewLiteral(x)
	case int8:
		lit = iceberg.NewLiteral(int32(x))
	case int16:
		lit = iceberg.NewLiteral(int32(x))
	case int32:
		lit = iceberg.NewLiteral(x)
	case int64:
		lit = iceberg.NewLiteral(x)
	case uint8:
		lit = iceberg.NewLiteral(int32(x))
	case uint16:
		lit = iceberg.NewLiteral(int32(x))
	case uint32:
		lit = iceberg.NewLiteral(int64(x))
	case float32:
		lit = iceberg.NewLiteral(x)
	case float64:
		lit = iceberg.NewLiteral(x)
	case []byte:
		lit = iceberg.NewLiteral(x)
	case *big.Int:
		lit = iceberg.NewLiteral(x.Int64())
	case time.Time:
		switch t.(type) {
		case iceberg.DateType:
			return iceberg.Date(x.Unix() / 86400), nil
		case iceberg.TimeType:
			return iceberg.Time(x.Hour()*3600e6 + x.Minute()*60e6 + x.Second()*1e6 + x.Nanosecond()/1e3), nil
		default:
			return iceberg.Timestamp(x.UnixMicro()), nil
		}
	case uuid.UUID:
		lit = iceberg.NewLiteral(x)
	case fmt.Stringer:
		l, err := iceberg.NewLiteral(x.String()).To(t)
		if err != nil {
			return nil, fmt.Errorf("value %s does not fit %s: %w", x, t, err)
		}
		return l.Any(), nil
	default:
		return nil, fmt.Errorf("unexpected partition value %v (%T)", v, v)
	}
	l, err := lit.To(t)
	if err != nil {
		return nil, fmt.Errorf("value %v does not fit %s: %w", v, t, err)
	}
	return l.Any(), nil
}
