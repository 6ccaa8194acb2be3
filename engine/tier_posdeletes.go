package engine

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine/vfs"
)

// A tier move of a data file that v2 position-delete files name
// (https://iceberg.apache.org/spec/#position-delete-files) rewrites each
// such file in the same commit: the copy's file_path column names the
// moved file's new location, and it keeps the old file's data sequence
// number, so it applies to exactly the data files it applied to before.

// posMapping says how to map the file_path column of a position-delete
// file for one commit of tier moves. Keys are clean local paths.
type posMapping struct {
	// moved maps a moved data file to its new location.
	moved map[string]string
	// live are the data files of the snapshot the move starts from: rows
	// naming any other file apply to nothing and are dropped.
	live map[string]bool
}

// posRow is one row of a position-delete file: the data file, the
// position, and the row's index in the file (for its other columns).
type posRow struct {
	path string
	pos  int64
	src  int64
}

// rewritePosDeletes writes to dst (local path, through the warehouse's FS)
// a copy of the position-delete Parquet file src with file_path mapped by
// m, sorted by file_path and pos as the spec requires. Other columns (the
// optional row) follow their rows. It returns the rows written and, when
// every row names one data file, that file's location.
func (w *Warehouse) rewritePosDeletes(ctx context.Context, src, dst string, m posMapping) (int64, string, error) {
	in, err := w.fs.Open(src)
	if err != nil {
		return 0, "", err
	}
	defer in.Close()
	tbl, err := pqarrow.ReadTable(ctx, in, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return 0, "", corruptFile("read position deletes", src, err)
	}
	defer tbl.Release()
	pathIdx, posIdx := tbl.Schema().FieldIndices("file_path"), tbl.Schema().FieldIndices("pos")
	if len(pathIdx) != 1 || len(posIdx) != 1 {
		return 0, "", corruptFile("read position deletes", src, fmt.Errorf("want one file_path and one pos column, have %s", tbl.Schema()))
	}
	paths, err := stringValues(tbl.Column(pathIdx[0]))
	if err != nil {
		return 0, "", corruptFile("read position deletes", src, err)
	}
	positions, err := int64Values(tbl.Column(posIdx[0]))
	if err != nil {
		return 0, "", corruptFile("read position deletes", src, err)
	}
	if len(paths) != len(positions) {
		return 0, "", corruptFile("read position deletes", src, fmt.Errorf("%d file_path values but %d pos values", len(paths), len(positions)))
	}
	var rows []posRow
	for i, loc := range paths {
		p, _ := cleanLocation(loc)
		if to, ok := m.moved[p]; ok {
			rows = append(rows, posRow{to, positions[i], int64(i)})
		} else if m.live[p] {
			rows = append(rows, posRow{loc, positions[i], int64(i)})
		}
	}
	slices.SortStableFunc(rows, func(a, b posRow) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.pos, b.pos))
	})
	only := ""
	if len(rows) > 0 && rows[0].path == rows[len(rows)-1].path {
		only = rows[0].path
	}

	cols := make([]arrow.Column, tbl.NumCols())
	var release []func()
	defer func() {
		for _, r := range release {
			r()
		}
	}()
	idxB := array.NewInt64Builder(memory.DefaultAllocator)
	for _, r := range rows {
		idxB.Append(r.src)
	}
	indices := idxB.NewArray()
	idxB.Release()
	release = append(release, indices.Release)
	for i := range cols {
		field := tbl.Schema().Field(i)
		var arr arrow.Array
		switch i {
		case pathIdx[0]:
			b := array.NewBuilder(memory.DefaultAllocator, field.Type)
			for _, r := range rows {
				switch sb := b.(type) {
				case *array.StringBuilder:
					sb.Append(r.path)
				case *array.LargeStringBuilder:
					sb.Append(r.path)
				case *array.BinaryBuilder:
					sb.Append([]byte(r.path))
				}
			}
			arr = b.NewArray()
			b.Release()
		case posIdx[0]:
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for _, r := range rows {
				b.Append(r.pos)
			}
			arr = b.NewArray()
			b.Release()
		default:
			whole, err := array.Concatenate(tbl.Column(i).Data().Chunks(), memory.DefaultAllocator)
			if err != nil {
				return 0, "", fmt.Errorf("read %s: column %s: %w", src, field.Name, err)
			}
			arr, err = compute.TakeArray(ctx, whole, indices)
			whole.Release()
			if err != nil {
				return 0, "", fmt.Errorf("read %s: column %s: %w", src, field.Name, err)
			}
		}
		release = append(release, arr.Release)
		if !arrow.TypeEqual(arr.DataType(), field.Type) {
			return 0, "", corruptFile("read position deletes", src, fmt.Errorf("column %s is %s, want a string file_path and an int64 pos", field.Name, field.Type))
		}
		chunked := arrow.NewChunked(field.Type, []arrow.Array{arr})
		release = append(release, chunked.Release)
		col := arrow.NewColumn(field, chunked)
		release = append(release, col.Release)
		cols[i] = *col
	}
	out := array.NewTable(tbl.Schema(), cols, int64(len(rows)))
	defer out.Release()
	err = vfs.Put(w.fs, dst, func(wr io.Writer) error {
		return pqarrow.WriteTable(out, wr, 1<<20,
			parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd)),
			pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	})
	if err != nil {
		return 0, "", fmt.Errorf("write %s: %w", dst, err)
	}
	return int64(len(rows)), only, nil
}

func stringValues(c *arrow.Column) ([]string, error) {
	var out []string
	for _, ch := range c.Data().Chunks() {
		for j := 0; j < ch.Len(); j++ {
			if ch.IsNull(j) {
				return nil, fmt.Errorf("file_path is null in row %d", len(out))
			}
			switch a := ch.(type) {
			case *array.String:
				out = append(out, a.Value(j))
			case *array.LargeString:
				out = append(out, a.Value(j))
			case *array.Binary:
				out = append(out, string(a.Value(j)))
			default:
				return nil, fmt.Errorf("file_path is %s, not a string", ch.DataType())
			}
		}
	}
	return out, nil
}

func int64Values(c *arrow.Column) ([]int64, error) {
	var out []int64
	for _, ch := range c.Data().Chunks() {
		a, ok := ch.(*array.Int64)
		if !ok {
			return nil, fmt.Errorf("pos is %s, not a long", ch.DataType())
		}
		for j := 0; j < a.Len(); j++ {
			if a.IsNull(j) {
				return nil, fmt.Errorf("pos is null in row %d", len(out))
			}
			out = append(out, a.Value(j))
		}
	}
	return out, nil
}

// posDeleteFileAt describes the rewritten copy of the position-delete
// file old at loc: same spec and partition, rows and size of the copy,
// the one data file it names (if one), no column statistics (they would
// bound the old paths).
func posDeleteFileAt(t *Table, old iceberg.DataFile, loc string, rows, size int64, only string) (iceberg.DataFile, error) {
	b, err := fileBuilder(t, old, loc, rows, size)
	if err != nil {
		return nil, err
	}
	if only != "" {
		b.ReferencedDataFile(only)
	}
	return b.Build(), nil
}
